"""`make run`: links follow the port it serves on, and Celery's embedded broker keeps its files
under var/."""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def make_run_commands(**env: str) -> str:
    """What `make run` would execute (make --dry-run), with this environment."""
    base = {k: v for k, v in os.environ.items() if k not in {"SITE_URL", "PORT", "MAKEFLAGS"}}
    result = subprocess.run(
        ["make", "--dry-run", "--always-make", "run", f"VENV={Path(sys.executable).parent.parent}"],
        cwd=ROOT,
        env={**base, **env},
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout


def test_make_run_site_url_follows_port():
    commands = make_run_commands(PORT="8101")
    assert re.findall(r"SITE_URL=(\S+);", commands) == ["http://localhost:8101"]
    # The demo's printed links too (`DEMO_WHEN=--past` prints the certificates' addresses).
    assert re.findall(r"SITE_URL=(\S+) \S+ manage.py load_demo ", commands) == [
        "http://localhost:8101"
    ]
    assert re.findall(r"runserver (\S+)", commands) == ["8101"]


def test_make_run_site_url_set_wins_over_port():
    commands = make_run_commands(PORT="8101", SITE_URL="https://days.example.org")
    assert re.findall(r"SITE_URL=(\S+);", commands) == ["https://days.example.org"]


BIND_A_FANOUT_QUEUE = """
import json, django
django.setup()
from django.conf import settings
from kombu import Exchange, Queue
from alliance.celery import app
with app.connection_for_write() as connection:
    Queue("probe", Exchange("probe-fanout", type="fanout"))(connection.channel()).declare()
print(json.dumps(settings.CELERY_BROKER_TRANSPORT_OPTIONS))
"""


def test_filesystem_broker_keeps_every_file_under_var(tmp_path):
    # Run from another folder: a relative folder in the options would land there.
    (ROOT / "var" / "broker").mkdir(parents=True, exist_ok=True)
    env = {
        **os.environ,
        "CELERY_BROKER_URL": "filesystem://",
        "DJANGO_SETTINGS_MODULE": "alliance.settings",
        "PYTHONPATH": str(ROOT),
    }
    result = subprocess.run(
        [sys.executable, "-c", BIND_A_FANOUT_QUEUE],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    options = json.loads(result.stdout)
    folders = {name: value for name, value in options.items() if "folder" in name}
    assert sorted(folders) == [
        "control_folder",
        "data_folder_in",
        "data_folder_out",
        "processed_folder",
    ]
    var = ROOT / "var"
    assert [name for name, value in folders.items() if not Path(value).is_relative_to(var)] == []
    assert list(tmp_path.iterdir()) == []
    (Path(folders["control_folder"]) / "probe-fanout.exchange").unlink()
