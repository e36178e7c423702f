"""The release: a digest of what makes the responses (this project's source, templates,
translations and static files, and the versions of the installed packages). Cached pages and
feeds carry it in their ETags and cache keys (events/views.py), so that after a deploy that
changes any of it nobody is served the previous release's bytes, or a 304 to them."""

import hashlib
from functools import cache
from importlib import metadata
from pathlib import Path

from django.conf import settings

SOURCES = (
    "alliance",
    "attendance",
    "checkin",
    "events",
    "registrations",
    "templates",
    "locale",
    "static",
)


@cache  # the code a process runs does not change while it runs
def release() -> str:
    digest = hashlib.sha256()
    packages = sorted(f"{d.metadata['Name']}=={d.version}" for d in metadata.distributions())
    digest.update("\n".join(packages).encode())
    base = Path(settings.BASE_DIR)
    files = sorted(
        path
        for folder in SOURCES
        for path in (base / folder).rglob("*")
        if path.is_file() and "__pycache__" not in path.parts
    )
    for path in files:
        digest.update(f"\n{path.relative_to(base)}\n".encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]
