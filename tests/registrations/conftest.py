import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor


@pytest.fixture
def latest_schema_after():
    """A migration test migrates back and forth: the tests after it need the latest schema,
    whether it passed or failed."""
    yield
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
