"""Serve the few files the pages need straight from npm's node_modules (no CDN, no copy step).

``settings.VENDOR_FILES`` maps a static path (``vendor/htmx/htmx.min.js``) to a file under
``settings.NODE_MODULES``; collectstatic copies exactly those files and nothing else of the
(large) packages.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.staticfiles.finders import BaseFinder
from django.core.checks import CheckMessage
from django.core.checks import Warning as CheckWarning
from django.core.files.storage import FileSystemStorage


class NodeModulesFinder(BaseFinder):
    def _files(self) -> dict[str, Path]:
        root = Path(settings.NODE_MODULES)
        return {target: root / source for target, source in settings.VENDOR_FILES.items()}

    def check(self, **kwargs: Any) -> list[CheckMessage]:
        # A warning, not an error: management commands still work, only the pages lack styling.
        return [
            CheckWarning(
                f"缺少前端文件 {source}，请先在项目根目录运行 `npm ci`",
                id="demozone.W001",
            )
            for source in self._files().values()
            if not source.is_file()
        ]

    # Also answers Django's deprecated all= keyword, which the stubs' overloads leave out.
    def find(self, path: str, find_all: bool = False, **kwargs: Any) -> str | list[str]:  # type: ignore[override]
        source = self._files().get(path)
        if source is None or not source.is_file():
            return [] if find_all or kwargs.get("all") else ""
        return [str(source)] if find_all or kwargs.get("all") else str(source)

    def list(self, ignore_patterns: Any) -> Iterator[tuple[str, FileSystemStorage]]:
        for target, source in self._files().items():
            if not source.is_file():
                continue
            storage = FileSystemStorage(location=str(source.parent))
            # collectstatic writes the file under storage.prefix + its name.
            storage.prefix = str(Path(target).parent)  # type: ignore[attr-defined]
            yield source.name, storage
