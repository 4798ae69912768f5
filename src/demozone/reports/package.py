"""申报材料包: the .zip a city hands in — report, workbook, every accepted evidence file by indicator,
and a manifest of what is inside with each file's SHA-256 and size.

Streamed. :func:`stream_package` is a generator of byte chunks: zipfile writes into a small sink
that the generator empties after every chunk, evidence files are read 1 MiB at a time, and each
file's SHA-256 is computed as it passes. However many gigabytes of evidence a campaign has, the
process holds one chunk at a time (measured by ``bench/bench_package.py``). ZIP64 is on for every
entry, so neither a file nor the archive is limited to 4 GiB; entries carry data descriptors (the
sizes follow the data), which every unzip tool in use reads.

Names. Evidence goes to ``指标36/36.2-领导小组成立文件.pdf``: the indicator's folder, the first item
it supports, its title made safe for Windows, macOS and Linux, and the original file's extension.
Evidence that supports several items is stored **once**, under its first item (lowest indicator,
then item); the manifest lists every item it supports and 清单.xlsx has one line per item pointing
at that one path. Copies would multiply a package's size for nothing and put the same hash under
two names, which makes a hash-checked manifest harder, not easier, to audit. Names are UTF-8
(the zip's language-encoding flag), which 7-Zip, WinRAR, Bandizip, macOS and Windows 10+ read.

Compression. Files that are already compressed (PDF, images, Office documents, archives, video)
are stored; the rest is deflated.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import re
import unicodedata
import zipfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

if TYPE_CHECKING:
    from openpyxl.cell import _CellSetValue

CHUNK = 1024 * 1024
MANIFEST = "manifest.json"
LISTING = "清单.xlsx"
MAX_TITLE = 60
FALLBACK_TITLE = "佐证材料"

# Already compressed: deflating them again costs time and saves nothing.
_IMAGES_AND_PDF = (".pdf", ".ofd", ".jpg", ".jpeg", ".png", ".gif", ".webp", ".heic", ".tif")
_ARCHIVES = (".zip", ".rar", ".7z", ".gz", ".bz2", ".xz")
_OFFICE = (".docx", ".xlsx", ".pptx", ".wps", ".et", ".dps")
_MEDIA = (".mp3", ".mp4", ".m4a", ".mov", ".avi", ".wmv", ".mkv")
STORED_EXTENSIONS = frozenset((*_IMAGES_AND_PDF, *_ARCHIVES, *_OFFICE, *_MEDIA))
_RESERVED = re.compile(r'[<>:"/\\|?*]')
_SPACES = re.compile(r"\s+")
_EXTENSION = re.compile(r"^\.[0-9A-Za-z]{1,10}$")
_DEVICES = {"CON", "PRN", "AUX", "NUL"} | {f"{p}{i}" for p in ("COM", "LPT") for i in range(1, 10)}
_DROPPED = {"Cc", "Cf", "Cs", "Co", "Cn"}

Source = Path | bytes | Callable[[], bytes]


@dataclass(frozen=True)
class PackageFile:
    """One file of the package: where it goes in the zip and where its bytes come from (a path,
    read in chunks; bytes; or a function giving bytes, called when the stream reaches it)."""

    path: str
    source: Source
    kind: str  # 自评报告 / 评分工作簿 / 佐证材料
    title: str = ""
    number: str = ""  # the evidence's number, 「36-1」
    items: tuple[str, ...] = ()
    original_name: str = ""
    expected_sha256: str | None = None

    @property
    def compress(self) -> bool:
        return PurePosixPath(self.path).suffix.lower() not in STORED_EXTENSIONS


@dataclass(frozen=True, slots=True)
class Written:
    """What the manifest says about one file, once it has been written."""

    file: PackageFile
    sha256: str
    size: int

    @property
    def intact(self) -> bool:
        return self.file.expected_sha256 is None or self.file.expected_sha256 == self.sha256

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "path": self.file.path,
            "kind": self.file.kind,
            "sha256": self.sha256,
            "size": self.size,
        }
        if self.file.title:
            out["title"] = self.file.title
        if self.file.number:
            out["number"] = self.file.number
        if self.file.items:
            out["items"] = list(self.file.items)
        if self.file.original_name:
            out["original_name"] = self.file.original_name
        if not self.intact:
            out["problem"] = "文件内容与平台登记的 SHA-256 不一致"
        return out


@dataclass(frozen=True)
class PackageInfo:
    """The package's cover: whose it is, and when it was made."""

    title: str  # 「盐城市创建全国网络市场监管与服务示范区申报材料」
    region: str
    created: dt.datetime  # aware; shown and stamped in Asia/Shanghai
    extra: dict[str, Any] = field(default_factory=dict)


# --- names ----------------------------------------------------------------------------------


def safe_title(title: str, limit: int = MAX_TITLE) -> str:
    """A title usable as a file name on every system; Chinese is kept."""
    # Tabs and line breaks become spaces before the other control characters are dropped.
    text = _SPACES.sub(" ", unicodedata.normalize("NFC", title))
    text = "".join(c for c in text if unicodedata.category(c) not in _DROPPED)
    text = _SPACES.sub(" ", _RESERVED.sub("_", text)).strip(" .")
    text = text[:limit].rstrip(" .")
    if not text:
        return FALLBACK_TITLE
    if text.split(".")[0].upper() in _DEVICES:
        text = f"_{text}"
    return text


def extension_of(filename: str) -> str:
    suffix = PurePosixPath(filename.replace("\\", "/")).suffix
    return suffix.lower() if _EXTENSION.match(suffix) else ""


def item_key(item: str) -> tuple[int, ...]:
    """Order items as people read them: 9 before 10, 36.2 before 36.10."""
    return tuple(int(p) if p.isdigit() else 10**9 for p in item.split("."))


def evidence_path(indicator: int, item: str, title: str, filename: str) -> str:
    """``指标36/36.2-领导小组成立文件.pdf``."""
    return f"指标{indicator}/{item}-{safe_title(title)}{extension_of(filename)}"


def unique_paths(paths: Sequence[str]) -> list[str]:
    """The same paths with a 「（2）」 before the extension where one repeats (case-insensitive, as
    Windows compares names)."""
    seen: set[str] = set()
    out = []
    for path in paths:
        candidate = path
        stem, dot, ext = path.rpartition(".")
        if not dot or "/" in ext:
            stem, ext = path, ""
        n = 1
        while candidate.casefold() in seen:
            n += 1
            candidate = f"{stem}（{n}）{'.' + ext if ext else ''}"
        seen.add(candidate.casefold())
        out.append(candidate)
    return out


# --- the stream -----------------------------------------------------------------------------


class _Sink:
    """The zip's output: collects what zipfile writes until the generator takes it. It has no
    ``tell``/``seek``, so zipfile streams (data descriptors) instead of seeking back."""

    def __init__(self) -> None:
        self._parts: list[bytes] = []

    def write(self, data: bytes | memoryview) -> int:
        self._parts.append(bytes(data))
        return len(data)

    def flush(self) -> None:
        pass

    def take(self) -> bytes:
        data = b"".join(self._parts)
        self._parts.clear()
        return data


def _zip_time(moment: dt.datetime) -> tuple[int, int, int, int, int, int]:
    local = moment.astimezone(dt.timezone(dt.timedelta(hours=8)))
    return (max(local.year, 1980), local.month, local.day, local.hour, local.minute, local.second)


def _chunks(source: Source) -> Iterator[bytes]:
    if isinstance(source, Path):
        with source.open("rb") as fh:
            while chunk := fh.read(CHUNK):
                yield chunk
        return
    data = source() if callable(source) else source
    for start in range(0, len(data), CHUNK):
        yield data[start : start + CHUNK]


def stream_package(info: PackageInfo, files: Iterable[PackageFile]) -> Iterator[bytes]:
    """The package as a stream of byte chunks; manifest.json and 清单.xlsx come last, listing
    every file with the SHA-256 and size computed while it was written."""
    return (chunk for chunk in _stream(info, files) if chunk)


def _stream(info: PackageInfo, files: Iterable[PackageFile]) -> Iterator[bytes]:
    sink = _Sink()
    stamp = _zip_time(info.created)
    written: list[Written] = []
    # zipfile never closes a file object it is given; typeshed's protocol still asks for close().
    with zipfile.ZipFile(sink, "w", allowZip64=True) as zf:  # type: ignore[call-overload]
        for file in files:
            zinfo = zipfile.ZipInfo(file.path, date_time=stamp)
            zinfo.compress_type = zipfile.ZIP_DEFLATED if file.compress else zipfile.ZIP_STORED
            zinfo.external_attr = 0o644 << 16
            digest = hashlib.sha256()
            size = 0
            with zf.open(zinfo, "w", force_zip64=True) as out:
                for chunk in _chunks(file.source):
                    digest.update(chunk)
                    size += len(chunk)
                    out.write(chunk)
                    yield sink.take()
            written.append(Written(file, digest.hexdigest(), size))
            yield sink.take()
        manifest = manifest_json(info, written)
        zf.writestr(_member(MANIFEST, stamp), manifest)
        yield sink.take()
        zf.writestr(_member(LISTING, stamp), listing_workbook(info, written))
        yield sink.take()
    yield sink.take()


def _member(name: str, stamp: tuple[int, int, int, int, int, int]) -> zipfile.ZipInfo:
    zinfo = zipfile.ZipInfo(name, date_time=stamp)
    zinfo.compress_type = zipfile.ZIP_DEFLATED
    zinfo.external_attr = 0o644 << 16
    return zinfo


def manifest_json(info: PackageInfo, written: Sequence[Written]) -> bytes:
    doc = {
        "title": info.title,
        "region": info.region,
        "created": info.created.isoformat(),
        **info.extra,
        "files": [w.as_dict() for w in written],
        "count": len(written),
        "total_size": sum(w.size for w in written),
    }
    return (json.dumps(doc, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


_THIN = Side(style="thin", color="000000")
_BOX = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)


def listing_workbook(info: PackageInfo, written: Sequence[Written]) -> bytes:
    """清单.xlsx: one line per file (per item for evidence supporting several), with its path in
    the zip, SHA-256 and size."""
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "清单"
    names = ["序号", "类别", "编号", "对应项目", "名称", "包内路径", "大小（字节）", "SHA-256"]
    widths = [6, 12, 9, 10, 36, 52, 14, 68]
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(names))
    ws.cell(1, 1, f"{info.title}清单").font = Font(name="黑体", size=14)
    ws.cell(1, 1).alignment = Alignment(horizontal="center", vertical="center")
    ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=len(names))
    local = info.created.astimezone(dt.timezone(dt.timedelta(hours=8)))
    ws.cell(
        2,
        1,
        f"{info.region}　生成时间：{local:%Y-%m-%d %H:%M}　共 {len(written)} 个文件，"
        f"{sum(w.size for w in written)} 字节。SHA-256 可用于核对文件未被改动。",
    ).font = Font(name="宋体", size=10)
    for col, (name, width) in enumerate(zip(names, widths, strict=True), start=1):
        cell = ws.cell(3, col, name)
        cell.font = Font(name="黑体", size=11)
        cell.fill = PatternFill("solid", fgColor="D9E1F2")
        cell.border = _BOX
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        ws.column_dimensions[get_column_letter(col)].width = width
    row = 4
    for serial, w in enumerate(written, start=1):
        for i, item in enumerate(w.file.items or ("",)):
            name = w.file.title or PurePosixPath(w.file.path).name
            if i:
                name = f"{name}（同上，见第 {serial} 行文件）"
            values: list[_CellSetValue] = [
                serial,
                w.file.kind,
                w.file.number,
                item,
                name,
                w.file.path,
                w.size,
                w.sha256,
            ]
            if not w.intact:
                values[4] = f"{name}（警告：文件内容与平台登记的 SHA-256 不一致）"
            for col, value in enumerate(values, start=1):
                cell = ws.cell(row, col, value)
                cell.font = Font(
                    name="Courier New" if col == 8 else "宋体", size=9 if col == 8 else 10
                )
                cell.border = _BOX
                cell.alignment = Alignment(vertical="center", wrap_text=col in (5, 6))
            row += 1
    ws.freeze_panes = "A4"
    ws.print_title_rows = "3:3"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    # openpyxl always creates pageSetUpPr; the stubs type it as optional.
    ws.sheet_properties.pageSetUpPr.fitToPage = True  # type: ignore[union-attr]
    naive = local.replace(tzinfo=None)
    wb.properties.created = wb.properties.modified = naive
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


__all__ = [
    "LISTING",
    "MANIFEST",
    "PackageFile",
    "PackageInfo",
    "Written",
    "evidence_path",
    "extension_of",
    "item_key",
    "safe_title",
    "stream_package",
    "unique_paths",
]
