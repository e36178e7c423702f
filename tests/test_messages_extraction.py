"""`make messages` on the project as it stands gives back the committed catalogues' entries:
an extraction that misses a source (a file extension, a folder) would delete their entries
(--no-obsolete), and a string added without running it would be missing from them."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
VENV = Path(sys.executable).parent.parent
# What is not the project's source, as in .gitignore; makemessages skips dot folders itself.
NOT_SOURCE = (".*", "__pycache__", "*.egg-info", "staticfiles", "var", "test-results")


def catalogues(root: Path) -> dict[str, set[tuple]]:
    """Each .po under root/locale: its entries as (msgctxt, msgid, msgid_plural)."""
    entries = {}
    for path in sorted((root / "locale").glob("*/LC_MESSAGES/*.po")):
        with path.open("rb") as po:
            catalog = read_po(po)
        entries[str(path.relative_to(root))] = {
            (message.context, *(message.id if message.pluralizable else (message.id, None)))
            for message in catalog
            if message.id
        }
    return entries


def test_make_messages_keeps_every_entry(tmp_path):
    project = tmp_path / "project"
    shutil.copytree(ROOT, project, ignore=shutil.ignore_patterns(*NOT_SOURCE))
    environ = {k: v for k, v in os.environ.items() if k not in {"MAKEFLAGS", "MFLAGS", "MAKELEVEL"}}
    # The Makefile's own recipe, with this venv (-o: never reinstall it).
    result = subprocess.run(
        ["make", "-o", f"{VENV}/.installed", "messages", f"VENV={VENV}"],
        cwd=project,
        env=environ,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr

    committed, extracted = catalogues(ROOT), catalogues(project)
    assert extracted.keys() == committed.keys()
    assert {f"locale/{name}/LC_MESSAGES/django.po" for name in ("es", "pt_BR")} <= set(committed)
    problems = []
    for path, entries in committed.items():
        assert entries, path
        made = extracted[path]
        problems += [f"{path}: deleted by make messages: {entry}" for entry in entries - made]
        problems += [f"{path}: not in the catalogue: {entry}" for entry in made - entries]
    assert not problems, "\n".join(sorted(problems))
