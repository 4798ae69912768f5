"""pytest-django set-up for the web tests, purely from the environment.

The settings are the production ones (env-driven); only the data directory and the secret key
are pointed at throw-away values unless the caller set them (e.g. DEMOZONE_DATABASE_URL for a
PostgreSQL run).
"""

from __future__ import annotations

import os
import tempfile

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "demozone.web.settings")
os.environ.setdefault("DEMOZONE_DATA_DIR", tempfile.mkdtemp(prefix="demozone-test-"))
os.environ.setdefault("DEMOZONE_SECRET_KEY", "test-only-secret-key-not-for-production")

import django
import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache

# This conftest may be loaded after pytest-django's own start-up (when the whole suite runs), so
# Django is set up here; pytest-django then sees configured settings and provides its fixtures.
django.setup()

from .factories import make_campaign, make_user  # noqa: E402


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
