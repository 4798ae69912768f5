"""No half-writes: an upload killed (SIGKILL) mid-way leaves a state the sweep makes whole.

A worker process uploads through the platform's own request handling and blocks at a named
point of the protocol; the test kills it there, then looks at the database file and the disk as
the next server start would find them, and runs ``demozone manage evidence_sweep`` as an
operator (or ``bootstrap``) does.
"""

from __future__ import annotations

import hashlib
import inspect
import json
import os
import secrets
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from demozone.web.evidence import faults

from . import evidence_files as files

WORKER = Path(__file__).with_name("evidence_fault_worker.py")


class Site:
    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("DEMOZONE_")}
        self.env.update(
            {
                "DEMOZONE_DATA_DIR": str(data_dir),
                "DEMOZONE_SECRET_KEY": "fault-test-only",
                "DEMOZONE_ALLOWED_HOSTS": "testserver",
                "DEMOZONE_LOG_LEVEL": "ERROR",
                "DJANGO_SETTINGS_MODULE": "demozone.web.settings",
            }
        )
        out = self.run(str(WORKER), "setup")
        self.campaign = json.loads(out.strip().splitlines()[-1])["campaign"]

    def run(self, *args: str) -> str:
        proc = subprocess.run(
            [sys.executable, *args],
            check=False,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert proc.returncode == 0, proc.stdout + proc.stderr
        return proc.stdout

    def sweep(self) -> str:
        return self.run("-m", "demozone.web.manage", "evidence_sweep", "--older-than", "0")

    def rows(self) -> list[str]:
        """The sha256 of every committed version, read as a fresh process would."""
        db = sqlite3.connect(f"file:{self.data_dir / 'demozone.sqlite3'}?mode=ro", uri=True)
        try:
            return [r[0] for r in db.execute("SELECT sha256 FROM evidence_evidenceversion")]
        finally:
            db.close()

    @property
    def store(self) -> Path:
        return self.data_dir / "evidence"

    def content_files(self) -> set[str]:
        return {
            p.name for p in self.store.glob("*/*") if p.is_file() and p.parent.name != ".staging"
        }

    def staged_files(self) -> list[Path]:
        return sorted((self.store / ".staging").glob("*"))

    def upload_and_kill_at(self, point: str, content: bytes, tmp_path: Path) -> None:
        marker = tmp_path / f"reached-{point}"
        source = tmp_path / "upload.pdf"
        source.write_bytes(content)
        proc = subprocess.Popen(
            [
                sys.executable,
                str(WORKER),
                "upload",
                point,
                str(marker),
                str(self.campaign),
                str(source),
            ],
            env=self.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        try:
            deadline = time.monotonic() + 120
            while not marker.exists():
                if proc.poll() is not None:
                    out, err = proc.communicate()
                    pytest.fail(f"the worker exited {proc.returncode} early:\n{out!r}\n{err!r}")
                assert time.monotonic() < deadline, "the worker never reached the fault point"
                time.sleep(0.05)
        finally:
            proc.send_signal(signal.SIGKILL)
            proc.communicate(timeout=30)
        assert proc.returncode == -signal.SIGKILL


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Site:
    return Site(tmp_path_factory.mktemp("fault-data"))


def unique_pdf() -> tuple[bytes, str]:
    data = files.pdf(secrets.token_hex(16))
    return data, hashlib.sha256(data).hexdigest()


def consistent(site: Site) -> None:
    """Every row has its file in place, and every file in place has its row."""
    rows = set(site.rows())
    assert rows == site.content_files()


def test_killed_after_writing_the_file_but_before_the_commit_leaves_no_row_and_the_sweep_removes_the_file(
    site: Site, tmp_path: Path
) -> None:
    before = site.rows()
    data, sha = unique_pdf()
    site.upload_and_kill_at(faults.BEFORE_COMMIT, data, tmp_path)

    # The transaction died with the process: no row, and so no row without its file.
    assert site.rows() == before
    assert sha not in site.content_files()
    # The file itself was complete and fsynced, waiting under its temporary name.
    staged = [p for p in site.staged_files() if p.name.startswith(sha)]
    assert len(staged) == 1 and staged[0].read_bytes() == data

    out = site.sweep()
    assert "删除临时文件 1 个" in out
    assert site.staged_files() == []
    consistent(site)


def test_killed_after_the_commit_but_before_the_move_is_completed_by_the_sweep(
    site: Site, tmp_path: Path
) -> None:
    data, sha = unique_pdf()
    site.upload_and_kill_at(faults.AFTER_COMMIT, data, tmp_path)

    # Committed: the row is there, its complete file still under the name the sweep knows.
    assert sha in site.rows()
    staged = [p for p in site.staged_files() if p.name.startswith(sha)]
    assert len(staged) == 1 and staged[0].read_bytes() == data

    out = site.sweep()
    assert "已完成中断的移动 1 个" in out and "所有材料版本的文件均完好" in out
    assert (site.store / sha[:2] / sha).read_bytes() == data
    assert site.staged_files() == []
    consistent(site)


def test_the_fault_points_are_inert_unless_a_test_installs_a_hook() -> None:
    faults.checkpoint(faults.BEFORE_COMMIT)
    faults.checkpoint(faults.AFTER_COMMIT)
    assert faults._HOOKS == {}
    # Nothing in the environment, and no production code, can switch one on.
    source = inspect.getsource(faults)
    assert "import os" not in source and "getenv" not in source
    package = Path(faults.__file__).parents[2]
    installs = [p for p in package.rglob("*.py") if "faults.install(" in p.read_text("utf-8")]
    assert installs == []
