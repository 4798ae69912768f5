"""Shared test setup.

This file's folder is put on ``sys.path`` by pytest (rootdir conftest, no ``__init__.py``), which
is what lets any test module ``import factories``.
"""

from __future__ import annotations

import pytest

from demozone.core.loader import Framework, load_bundled


@pytest.fixture(scope="session")
def framework() -> Framework:
    return load_bundled()
