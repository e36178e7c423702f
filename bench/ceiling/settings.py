"""Bench-only settings: the app's, plus /bench/constant/<bytes> (see ceiling/urls.py)."""

from alliance.settings import *  # noqa: F403

ROOT_URLCONF = "ceiling.urls"
