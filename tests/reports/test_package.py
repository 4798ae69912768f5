"""The submission package writer: a streamed zip whose manifest matches its files."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import os
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook

from demozone.reports.package import (
    CHUNK,
    LISTING,
    MANIFEST,
    PackageFile,
    PackageInfo,
    evidence_path,
    safe_title,
    stream_package,
    unique_paths,
)

SHANGHAI = dt.timezone(dt.timedelta(hours=8))
INFO = PackageInfo(
    title="盐城市创建全国网络市场监管与服务示范区申报材料",
    region="盐城市",
    created=dt.datetime(2024, 6, 28, 9, 30, tzinfo=SHANGHAI),
    extra={"campaign": 7},
)


def pack(files: list[PackageFile]) -> bytes:
    return b"".join(stream_package(INFO, files))


def test_evidence_is_named_by_indicator_item_title_and_original_extension() -> None:
    assert (
        evidence_path(36, "36.2", "领导小组成立文件", "盐市监〔2023〕12号.PDF")
        == "指标36/36.2-领导小组成立文件.pdf"
    )
    assert evidence_path(4, "4", "名单", "list") == "指标4/4-名单"


def test_titles_lose_what_a_file_system_refuses_but_keep_chinese() -> None:
    assert safe_title('会议纪要：第1/2次 <草稿>?*"|\\') == "会议纪要：第1_2次 _草稿______"
    assert safe_title("  \u202e报告\tpdf.exe  ") == "报告 pdf.exe"
    assert safe_title("...") == "佐证材料"
    assert safe_title("CON") == "_CON"
    assert len(safe_title("长" * 200)) == 60


def test_repeated_paths_get_a_running_number() -> None:
    assert unique_paths(["指标1/1.1-a.pdf", "指标1/1.1-A.pdf", "指标1/1.1-a.pdf", "x"]) == [
        "指标1/1.1-a.pdf",
        "指标1/1.1-A（2）.pdf",
        "指标1/1.1-a（3）.pdf",
        "x",
    ]


def test_the_manifest_lists_every_file_with_the_sha256_and_size_of_its_content(
    tmp_path: Path,
) -> None:
    pdf = tmp_path / "a.pdf"
    pdf.write_bytes(os.urandom(3 * CHUNK + 17))
    files = [
        PackageFile("盐城市自评报告.docx", b"docx bytes", "自评报告"),
        PackageFile("盐城市自评评分表.xlsx", lambda: b"xlsx bytes" * 100, "评分工作簿"),
        PackageFile(
            "指标36/36.2-领导小组成立文件.pdf",
            pdf,
            "佐证材料",
            title="领导小组成立文件",
            number="36-1",
            items=("36.2", "37.1"),
            original_name="成立文件.pdf",
        ),
    ]
    data = pack(files)
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        assert zf.testzip() is None
        assert zf.namelist() == [f.path for f in files] + [MANIFEST, LISTING]
        manifest = json.loads(zf.read(MANIFEST))
        for entry in manifest["files"]:
            content = zf.read(entry["path"])
            assert entry["sha256"] == hashlib.sha256(content).hexdigest()
            assert entry["size"] == len(content)
        assert zf.read("指标36/36.2-领导小组成立文件.pdf") == pdf.read_bytes()
        evidence = manifest["files"][2]
        assert evidence["items"] == ["36.2", "37.1"] and evidence["number"] == "36-1"
        assert manifest["count"] == 3 and manifest["campaign"] == 7
        assert manifest["total_size"] == sum(e["size"] for e in manifest["files"])
        # Already-compressed evidence is stored, the rest deflated.
        assert zf.getinfo(evidence["path"]).compress_type == zipfile.ZIP_STORED
        assert zf.getinfo("盐城市自评评分表.xlsx").compress_type == zipfile.ZIP_STORED
        assert zf.getinfo(MANIFEST).compress_type == zipfile.ZIP_DEFLATED
        assert zf.getinfo(MANIFEST).date_time == (2024, 6, 28, 9, 30, 0)
        listing = load_workbook(io.BytesIO(zf.read(LISTING)))["清单"]
    rows = list(listing.iter_rows(min_row=4, values_only=True))
    by_path = {e["path"]: e for e in manifest["files"]}
    assert len(rows) == 4  # the evidence supporting two items has a line for each
    for row in rows:
        entry = by_path[row[5]]
        assert (row[6], row[7]) == (entry["size"], entry["sha256"])
    assert [r[3] for r in rows[2:]] == ["36.2", "37.1"] and "同上" in rows[3][4]


def test_the_stream_holds_one_chunk_at_a_time(tmp_path: Path) -> None:
    big = tmp_path / "big.pdf"
    big.write_bytes(os.urandom(8 * CHUNK))
    sizes = [len(c) for c in stream_package(INFO, [PackageFile("指标1/1-大.pdf", big, "佐证材料")])]
    assert sum(sizes) > 8 * CHUNK and len(sizes) >= 8
    assert max(sizes) <= CHUNK + 64 * 1024
    assert 0 not in sizes


def test_a_bytes_provider_is_called_only_when_the_stream_reaches_it() -> None:
    called = []

    def late() -> bytes:
        called.append(True)
        return b"late"

    stream = stream_package(
        INFO, [PackageFile("a.txt", b"a", "x"), PackageFile("b.txt", late, "x")]
    )
    next(stream)
    assert not called
    rest = list(stream)
    assert called and rest


def test_a_file_whose_content_differs_from_its_registered_hash_is_flagged(tmp_path: Path) -> None:
    data = pack([PackageFile("指标1/1-x.pdf", b"changed", "佐证材料", expected_sha256="0" * 64)])
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        (entry,) = json.loads(zf.read(MANIFEST))["files"]
    assert entry["problem"] == "文件内容与平台登记的 SHA-256 不一致"


def test_entries_carry_zip64_extras_so_no_size_limit_applies() -> None:
    data = pack([PackageFile("a.bin", b"x" * 10, "x")])
    # A ZIP64 local header says "see the extra field" with 0xFFFFFFFF sizes.
    header = data[: 30 + len("a.bin") + 20]
    assert header.startswith(b"PK\x03\x04") and b"\x01\x00\x10\x00" in header


@pytest.mark.parametrize("name", ["报告.docx", "a/b/c.txt"])
def test_names_are_utf8_flagged_where_needed(name: str) -> None:
    with zipfile.ZipFile(io.BytesIO(pack([PackageFile(name, b"x", "x")]))) as zf:
        info = zf.getinfo(name)
    assert bool(info.flag_bits & 0x800) == (not name.isascii())
