"""The content store and its sweep: stale temporary files, orphans, interrupted moves, losses."""

from __future__ import annotations

import hashlib
import os
import time

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from demozone.web.evidence import services, storage

from . import evidence_files as files
from .evidence_support import (  # noqa: F401 — the *_fixture names register fixtures
    access_of,
    camp_fixture,
    files_in,
    people_fixture,
    staged,
    store_fixture,
)

HOUR = 3600


def age(path, seconds):
    then = time.time() - seconds
    os.utime(path, (then, then))


def test_a_file_past_the_limit_leaves_nothing_on_disk_and_is_still_counted(store):
    staged_file, size = storage.stage([b"x" * 1000, b"y" * 1000], limit=1500)
    assert staged_file is None and size == 2000
    assert files_in(store) == []


def test_a_staged_file_is_named_by_its_hash_and_fsynced_complete(store):
    staged_file, _ = storage.stage([b"abc", b"def"], limit=100)
    sha = hashlib.sha256(b"abcdef").hexdigest()
    assert staged_file.sha256 == sha and staged_file.path.name.startswith(f"{sha}.")
    assert staged_file.path.read_bytes() == b"abcdef"
    assert staged_file.path.stat().st_mode & 0o777 == 0o600


def test_the_sweep_removes_old_staged_files_and_keeps_young_ones(store):
    old, _ = storage.stage([b"old"], 100)
    young, _ = storage.stage([b"young"], 100)
    partial = storage.staging_dir() / "0123abcd.part"
    partial.write_bytes(b"half an upload")
    age(old.path, 2 * HOUR)
    age(partial, 2 * HOUR)
    report = storage.sweep(set, older_than_seconds=HOUR)
    assert sorted(report.removed_staged) == sorted([old.path.name, partial.name])
    assert files_in(store) == [young.path]


def test_the_sweep_removes_old_unreferenced_content_and_keeps_the_rest(store):
    kept, orphan, young = (storage.stage([d], 100)[0] for d in (b"kept", b"orphan", b"young"))
    for s in (kept, orphan, young):
        storage.publish(s)
    for s in (kept, orphan):
        age(storage.content_path(s.sha256), 2 * HOUR)
    report = storage.sweep(lambda: {kept.sha256}, older_than_seconds=HOUR)
    assert report.removed_orphans == [orphan.sha256]
    assert {p.name for p in files_in(store)} == {kept.sha256, young.sha256}


def test_the_sweep_finishes_a_move_a_crash_interrupted(store):
    s, _ = storage.stage([b"committed"], 100)
    age(s.path, 2 * HOUR)  # old as it is, it is not thrown away: a row refers to it
    report = storage.sweep(lambda: {s.sha256}, older_than_seconds=HOUR)
    assert report.recovered == [s.sha256] and report.missing == []
    assert storage.content_path(s.sha256).read_bytes() == b"committed"
    assert files_in(store) == [storage.content_path(s.sha256)]


def test_identical_content_is_stored_once(store):
    for _ in range(2):
        storage.publish(storage.stage([b"same"], 100)[0])
    assert len(files_in(store)) == 1


def test_a_content_path_is_only_ever_a_sha256():
    with pytest.raises(ValueError):
        storage.content_path("../../etc/passwd")


@pytest.mark.django_db
def test_the_command_names_a_version_whose_file_is_missing_and_exits_1(
    camp, people, store, django_capture_on_commit_callbacks, capsys
):
    with django_capture_on_commit_callbacks(execute=True):
        (evidence,) = services.upload(
            access_of(people["liaison"], camp), uploads=[staged("丢失.pdf", files.pdf())]
        )
    storage.content_path(evidence.current.sha256).unlink()
    with pytest.raises(CommandError) as caught:
        call_command("evidence_sweep", "--older-than", "0")
    assert caught.value.returncode == 1
    out = capsys.readouterr().out
    assert f"材料 {evidence.pk}“丢失”" in out and evidence.current.sha256 in out


@pytest.mark.django_db
def test_the_command_reports_a_whole_store(
    camp, people, store, django_capture_on_commit_callbacks, capsys
):
    with django_capture_on_commit_callbacks(execute=True):
        services.upload(
            access_of(people["liaison"], camp), uploads=[staged("完好.pdf", files.pdf())]
        )
    orphan, _ = storage.stage([b"orphan"], 100)
    storage.publish(orphan)
    call_command("evidence_sweep", "--older-than", "0")
    out = capsys.readouterr().out
    assert "删除无引用文件 1 个" in out and "所有材料版本的文件均完好" in out
    assert len(files_in(store)) == 1


@pytest.mark.django_db
def test_bootstrap_finishes_interrupted_moves_and_warns_of_lost_files(
    camp, people, store, django_capture_on_commit_callbacks, capsys
):
    access = access_of(people["liaison"], camp)
    # Committed, but the process died before the move (the commit hooks never ran).
    with django_capture_on_commit_callbacks(execute=False):
        (interrupted,) = services.upload(access, uploads=[staged("中断.pdf", files.pdf("a"))])
    with django_capture_on_commit_callbacks(execute=True):
        (lost,) = services.upload(access, uploads=[staged("丢失.pdf", files.pdf("b"))])
    storage.content_path(lost.current.sha256).unlink()

    call_command("bootstrap", "--no-demo")
    assert storage.content_path(interrupted.current.sha256).exists()
    assert "1 个佐证材料版本的文件缺失" in capsys.readouterr().err
