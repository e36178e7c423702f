"""The concurrency tests need PostgreSQL's row locks and one connection per thread.

On SQLite they cannot say anything (one writer at a time, no SELECT … FOR UPDATE), so they are
skipped there with a reason, except in CI (`CI` set), where running them on anything but
PostgreSQL is a misconfiguration and fails every one of them.
"""

import os

import pytest
from django.db import connection


@pytest.fixture(autouse=True)
def _postgresql_only():
    if connection.vendor == "postgresql":
        return
    reason = (
        f"concurrency tests need PostgreSQL, but the database is {connection.vendor}: "
        "set DATABASE_URL=postgres://…"
    )
    if os.environ.get("CI"):
        pytest.fail(f"CI: {reason}", pytrace=False)
    pytest.skip(reason)
