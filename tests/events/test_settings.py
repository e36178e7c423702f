import base64
import os
import re
import secrets
import string
import subprocess
import sys

import pytest
from django.conf import settings

from alliance.settings import email_settings

# Variables that switch the settings between development and production, and the browser tests'
# async-safety switch (tests/e2e/conftest.py), which `check --deploy` rightly flags.
LEFT_OUT = (
    "DEBUG",
    "HTTPS",
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "SECURE_HSTS_SECONDS",
    "DJANGO_ALLOW_ASYNC_UNSAFE",
    "REDIS_URL",
    "CELERY_BROKER_URL",
    "PASS_SIGNING_KEY",
    "PASS_RETIRED_PUBLIC_KEYS",
)
# A pass signing key made for these tests (any 32 bytes, base64url).
PASS_KEY = base64.urlsafe_b64encode(secrets.token_bytes(32)).rstrip(b"=").decode()
PRODUCTION = {
    "DEBUG": "0",
    "HTTPS": "1",
    "ALLOWED_HOSTS": "days.example.org",
    "PASS_SIGNING_KEY": PASS_KEY,
}
BROKER = {"REDIS_URL": "redis://redis.internal:6379/0"}


def random_key() -> str:
    return "".join(secrets.choice(string.ascii_letters + string.digits) for _ in range(50))


def check_deploy(fail_level: str = "WARNING", **env: str) -> subprocess.CompletedProcess:
    """`manage.py check --deploy` in a fresh process, with this environment over ours."""
    base = {name: value for name, value in os.environ.items() if name not in LEFT_OUT}
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", fail_level],
        cwd=settings.BASE_DIR,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_check_deploy_production_environment_no_issues():
    result = check_deploy(**PRODUCTION, **BROKER, SECRET_KEY=random_key())

    assert (result.returncode, result.stdout, result.stderr) == (
        0,
        "System check identified no issues (0 silenced).\n",
        "",
    )


def test_check_deploy_development_defaults_flagged():
    result = check_deploy()

    flagged = set(re.findall(r"\(((?:security|alliance)\.[WE]\d+)\)", result.stderr))
    assert result.returncode == 1
    assert flagged == {
        "alliance.E001",  # the embedded development SECRET_KEY
        "alliance.E002",  # no broker: tasks would run in the web process
        "alliance.E003",  # the embedded development pass signing key
        "security.W004",  # no HSTS
        "security.W008",  # no HTTPS redirect
        "security.W009",  # the embedded development SECRET_KEY
        "security.W012",  # session cookie not secure
        "security.W016",  # CSRF cookie not secure
    }


def test_check_deploy_default_secret_key_fails_at_error_level():
    result = check_deploy(fail_level="ERROR", **PRODUCTION, **BROKER)

    assert result.returncode == 1
    assert re.findall(r"\((\w+\.[EW]\d+)\)", result.stderr) == [
        "alliance.E001",
        "security.W009",
    ]


def test_check_deploy_without_broker_fails_at_error_level():
    result = check_deploy(fail_level="ERROR", **PRODUCTION, SECRET_KEY=random_key())

    assert result.returncode == 1
    assert re.findall(r"\((\w+\.[EW]\d+)\)", result.stderr) == ["alliance.E002"]


def test_check_deploy_default_pass_key_fails_at_error_level():
    production = {name: value for name, value in PRODUCTION.items() if name != "PASS_SIGNING_KEY"}
    result = check_deploy(fail_level="ERROR", **production, **BROKER, SECRET_KEY=random_key())

    assert result.returncode == 1
    assert re.findall(r"\((\w+\.[EW]\d+)\)", result.stderr) == ["alliance.E003"]


@pytest.mark.parametrize(
    "env",
    [
        {"PASS_SIGNING_KEY": "too-short"},
        {"PASS_SIGNING_KEY": "not base64 at all!"},
        {"PASS_RETIRED_PUBLIC_KEYS": "AAAA"},
    ],
)
def test_check_malformed_pass_keys_fail_at_error_level(env):
    result = check_deploy(
        fail_level="ERROR", **{**PRODUCTION, **env}, **BROKER, SECRET_KEY=random_key()
    )

    assert result.returncode == 1
    assert re.findall(r"\((\w+\.[EW]\d+)\)", result.stderr) == ["alliance.E004"]


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("console://", {"EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"}),
        (
            "file:///var/mail/alliance",
            {
                "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
                "EMAIL_FILE_PATH": "/var/mail/alliance",
            },
        ),
        (
            "smtp+tls://mailer:p%40ss@smtp.example.org:587",
            {
                "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
                "EMAIL_HOST": "smtp.example.org",
                "EMAIL_PORT": 587,
                "EMAIL_HOST_USER": "mailer",
                "EMAIL_HOST_PASSWORD": "p@ss",
                "EMAIL_USE_TLS": True,
                "EMAIL_USE_SSL": False,
                "EMAIL_TIMEOUT": 20,
            },
        ),
        (
            "smtp://relay",
            {
                "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
                "EMAIL_HOST": "relay",
                "EMAIL_PORT": 25,
                "EMAIL_HOST_USER": "",
                "EMAIL_HOST_PASSWORD": "",
                "EMAIL_USE_TLS": False,
                "EMAIL_USE_SSL": False,
                "EMAIL_TIMEOUT": 20,
            },
        ),
    ],
    ids=["console", "file", "smtp-tls", "smtp-plain"],
)
def test_email_settings_from_url(url, expected):
    assert email_settings(url) == expected


def test_email_settings_unknown_scheme_rejected():
    with pytest.raises(ValueError, match="EMAIL_URL scheme not supported: 'imap'"):
        email_settings("imap://mail.example.org")


def test_empty_urls_mean_the_embedded_default():
    """`DATABASE_URL=` (as a compose file or a shell leaves it) is SQLite, like no variable."""
    shown = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "shell",
            "--no-imports",
            "-c",
            "from django.conf import settings; print(settings.DATABASES['default']['ENGINE'])",
        ],
        cwd=settings.BASE_DIR,
        env={**os.environ, "DATABASE_URL": "", "REDIS_URL": ""},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert (shown.returncode, shown.stdout.strip()) == (0, "django.db.backends.sqlite3")
