"""pytest-django set-up for the web tests, purely from the environment.

The settings are the production ones (env-driven); only the data directory and the secret key
are pointed at throw-away values unless the caller set them (e.g. DEMOZONE_DATABASE_URL for a
PostgreSQL run).
"""

from __future__ import annotations

import os
import tempfile

import django
import pytest

# What this file sets itself, as opposed to what the caller set: see pytest_xdist_setupnodes.
_SET_HERE: dict[str, str] = {}


def _default(name: str, value: str) -> None:
    if name not in os.environ:
        os.environ[name] = _SET_HERE[name] = value


_default("DJANGO_SETTINGS_MODULE", "demozone.web.settings")
_default("DEMOZONE_DATA_DIR", tempfile.mkdtemp(prefix="demozone-test-"))
_default("DEMOZONE_SECRET_KEY", "test-only-secret-key-not-for-production")

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.cache import cache  # noqa: E402

# This conftest may be loaded after pytest-django's own start-up (when the whole suite runs), so
# Django is set up here; pytest-django then sees configured settings and provides its fixtures.
django.setup()

from .factories import make_campaign, make_user  # noqa: E402


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_setupnodes(config, specs):  # type: ignore[no-untyped-def]
    # When this file is loaded before xdist starts its workers (`pytest -n 2 tests/web`), they
    # would inherit these values and share one data directory, where report and evidence files
    # are keyed by ids that every worker's test database reuses. Each worker sets its own.
    for name, value in _SET_HERE.items():
        if os.environ.get(name) == value:
            del os.environ[name]


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):  # type: ignore[no-untyped-def]
    # PBKDF2 at its production cost takes a quarter of a second per user, and the review and
    # permission tests create several users each; no test here is about the hash's cost.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _own_data_dir(settings, tmp_path):  # type: ignore[no-untyped-def]
    # Rendered reports and pending imports are kept under DATA_DIR by ids (snapshot-1, campaign-1)
    # that every test database reuses: a file one test left would be found by the next as its own.
    settings.DATA_DIR = tmp_path / "data"


@pytest.fixture(autouse=True)
def _fresh_cache():
    # Page bodies are cached per campaign revision; test databases reuse ids.
    cache.clear()


@pytest.fixture
def campaign(db):  # type: ignore[no-untyped-def]
    """A Yancheng campaign from the bundled template, with all 41 indicators filled in."""
    return make_campaign(filled=True)


@pytest.fixture
def empty_campaign(db):  # type: ignore[no-untyped-def]
    return make_campaign(filled=False)


@pytest.fixture
def office(campaign):  # type: ignore[no-untyped-def]
    return make_user("office", campaign, "office")


@pytest.fixture
def admin_user(db):  # type: ignore[no-untyped-def]
    return get_user_model().objects.create_superuser("root", password="pw-root-123")
