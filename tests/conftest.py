import pytest
from django.contrib.auth.models import Group

from tests.factories import UserFactory
from tests.smtp_sink import smtp_sink  # noqa: F401 -- a fixture for several folders

# Browser fixtures (`browser`, `page`, `new_page`) for e2e/ and the other folders' browser tests:
# one session-scoped Chromium, whatever order the tests run in.
pytest_plugins = ["tests.browser"]


def pytest_configure(config):
    # Tests serve static files from the finders and never run collectstatic, so STATIC_ROOT does
    # not exist and WhiteNoise warns so each time it starts (DEBUG is off in tests).
    config.addinivalue_line("filterwarnings", "ignore:No directory at:UserWarning")


@pytest.fixture(autouse=True)
def _plain_static_storage(settings):
    """Serve static files from the finders: tests do not run collectstatic."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture
def organiser(db):
    """A staff account in the Organisers group (made by a migration), as the README says."""
    user = UserFactory(username="organiser", is_staff=True)
    user.groups.add(Group.objects.get(name="Organisers"))
    return user


@pytest.fixture(autouse=True)
def _english_to_start():
    """Each test starts in the default language: a request of the test before may have left
    another active in this thread, and translated fields are written in the active language
    (`Session(title=…)` fills title_es under Spanish)."""
    from django.utils import translation

    translation.activate("en")
    yield
    translation.activate("en")


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Rate-limit counters and cached pages live in the cache: each test starts empty."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def _eager_tasks():
    """Unit tests run tasks in-process; tests in tests/integration start real workers."""
    from alliance.celery import app

    eager = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = eager
