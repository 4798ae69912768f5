"""The evidence files on disk: ``<data dir>/evidence/<sha256[:2]>/<sha256>``, outside any URL the
web server serves, readable only through the permission-checked download view.

No half-writes (issue 4, item 5). An upload is streamed into ``.staging/`` on the same
filesystem, fsynced and renamed to ``<sha256>.<token>.staged``; the rows are committed; only then
is the file renamed into its content place. A crash before the commit leaves only a staged file
(no row); a crash between commit and rename leaves a staged file the sweep moves into place. The
sweep also removes old staged files and content files no row refers to, and names rows whose file
is missing.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import secrets
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings

log = logging.getLogger(__name__)

STAGING = ".staging"
_SHA = re.compile(r"^[0-9a-f]{64}$")
_STAGED = re.compile(r"^([0-9a-f]{64})\.[0-9a-f]+\.staged$")


def root() -> Path:
    return Path(settings.EVIDENCE_DIR)


def staging_dir() -> Path:
    path = root() / STAGING
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    return path


def content_path(sha256: str) -> Path:
    if not _SHA.match(sha256):
        raise ValueError(f"not a sha256: {sha256!r}")
    return root() / sha256[:2] / sha256


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


@dataclass
class StagedFile:
    """A complete, fsynced upload waiting for its rows to be committed."""

    path: Path
    sha256: str
    size: int

    def discard(self) -> None:
        self.path.unlink(missing_ok=True)


class StagingWriter:
    """Streams one upload to disk, hashing as it goes. Past ``limit`` bytes it deletes what it
    wrote and only counts the rest, so an oversized upload never fills the disk."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.size = 0
        self.too_large = False
        self._hash = hashlib.sha256()
        self._path = staging_dir() / f"{secrets.token_hex(8)}.part"
        self._fh = os.fdopen(os.open(self._path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb")

    def write(self, data: bytes) -> None:
        self.size += len(data)
        if self.too_large:
            return
        if self.size > self.limit:
            self.too_large = True
            self.abort()
            return
        self._hash.update(data)
        self._fh.write(data)

    def finish(self) -> StagedFile | None:
        """The staged file, or None when the upload was too large (nothing is left on disk)."""
        if self.too_large:
            return None
        fh = self._fh
        fh.flush()
        os.fsync(fh.fileno())
        fh.close()
        sha = self._hash.hexdigest()
        # Named by its hash from now on, so the sweep can finish the job after a crash.
        staged = self._path.with_name(f"{sha}.{secrets.token_hex(8)}.staged")
        os.replace(self._path, staged)
        _fsync_dir(staged.parent)
        return StagedFile(staged, sha, self.size)

    def abort(self) -> None:
        fh = self._fh
        if not fh.closed:
            fh.close()
        self._path.unlink(missing_ok=True)


def stage(chunks: Iterable[bytes], limit: int) -> tuple[StagedFile | None, int]:
    """Stage a stream (for callers that are not an HTTP upload): the file and the bytes seen."""
    writer = StagingWriter(limit)
    try:
        for chunk in chunks:
            writer.write(chunk)
    except BaseException:
        writer.abort()
        raise
    return writer.finish(), writer.size


def publish(staged: StagedFile) -> None:
    """Move a committed upload into its content place (run on commit). Identical content may
    already be there: replacing it with the same bytes is harmless."""
    target = content_path(staged.sha256)
    try:
        target.parent.mkdir(mode=0o700, exist_ok=True)
        os.replace(staged.path, target)
        _fsync_dir(target.parent)
    except OSError:
        # The row is committed: keep the staged file, the sweep moves it into place.
        log.exception("evidence file %s not moved into place; run evidence_sweep", staged.sha256)


@dataclass
class SweepReport:
    removed_staged: list[str] = field(default_factory=list)
    removed_orphans: list[str] = field(default_factory=list)
    recovered: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)


def sweep(referenced: Callable[[], set[str]], older_than_seconds: float) -> SweepReport:
    """Finish interrupted moves, remove stale staged files and unreferenced content files, and
    name the referenced content that is missing.

    The files are listed before the rows are read: a file published after the listing is left
    alone, and a file listed before its row committed is younger than ``older_than_seconds``.
    """
    report = SweepReport()
    base = root()
    if not base.is_dir():
        return report
    now = time.time()

    def old(path: Path) -> bool:
        try:
            return now - path.stat().st_mtime >= older_than_seconds
        except FileNotFoundError:
            return False

    contents = [
        p
        for d in base.iterdir()
        if d.is_dir() and len(d.name) == 2 and d.name != STAGING
        for p in d.iterdir()
        if _SHA.match(p.name)
    ]
    staging = base / STAGING
    staged = sorted(staging.iterdir()) if staging.is_dir() else []
    wanted = referenced()

    for path in staged:
        found = _STAGED.match(path.name)
        sha = found.group(1) if found else None
        if sha and sha in wanted and not content_path(sha).exists():
            publish(StagedFile(path, sha, path.stat().st_size))
            report.recovered.append(sha)
        elif old(path):
            path.unlink(missing_ok=True)
            report.removed_staged.append(path.name)
    for path in contents:
        if path.name not in wanted and old(path):
            path.unlink(missing_ok=True)
            report.removed_orphans.append(path.name)
    report.missing = sorted(sha for sha in wanted if not content_path(sha).exists())
    for name in report.recovered:
        log.warning("evidence file %s moved into place by the sweep", name)
    for name in report.missing:
        log.error("evidence file %s is referenced but missing", name)
    return report
