"""What an uploaded file really is, judged from its content (magic bytes and structure), never
from its name: a renamed executable must not pass as a PDF, and an archive is only as acceptable
as every file inside it.

Pure Python (no Django): the limits come in as a :class:`Limits` value.
"""

from __future__ import annotations

import stat
import struct
import tempfile
import zipfile
from dataclasses import dataclass
from enum import StrEnum
from typing import BinaryIO

CHUNK = 64 * 1024
MIB = 1024 * 1024


class Kind(StrEnum):
    PDF = "pdf"
    OFD = "ofd"
    DOC = "doc"
    DOCX = "docx"
    XLS = "xls"
    XLSX = "xlsx"
    JPG = "jpg"
    PNG = "png"
    ZIP = "zip"

    @property
    def label(self) -> str:
        return _INFO[self][0]

    @property
    def content_type(self) -> str:
        return _INFO[self][1]

    @property
    def extensions(self) -> tuple[str, ...]:
        return _INFO[self][2]


_INFO: dict[Kind, tuple[str, str, tuple[str, ...]]] = {
    Kind.PDF: ("PDF 文档", "application/pdf", (".pdf",)),
    Kind.OFD: ("OFD 版式文档", "application/ofd", (".ofd",)),
    Kind.DOC: ("Word 97-2003 文档", "application/msword", (".doc",)),
    Kind.DOCX: (
        "Word 文档",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        (".docx",),
    ),
    Kind.XLS: ("Excel 97-2003 工作簿", "application/vnd.ms-excel", (".xls",)),
    Kind.XLSX: (
        "Excel 工作簿",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        (".xlsx",),
    ),
    Kind.JPG: ("JPEG 图片", "image/jpeg", (".jpg", ".jpeg")),
    Kind.PNG: ("PNG 图片", "image/png", (".png",)),
    Kind.ZIP: ("ZIP 压缩包", "application/zip", (".zip",)),
}

ACCEPTED_TEXT = "PDF、OFD、Word（DOC/DOCX）、Excel（XLS/XLSX）、JPG/PNG 图片或 ZIP 压缩包"


class RefusedError(Exception):
    """The file is not accepted; ``reason`` says why, in Chinese."""

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(reason)


@dataclass(frozen=True)
class Limits:
    """How much an archive may hold. Ratios are checked only above ``ratio_floor`` bytes: tiny
    XML parts of a Word file compress far better than 100:1 and are harmless."""

    max_entries: int = 1000
    max_entry_bytes: int = 50 * MIB
    max_total_bytes: int = 250 * MIB
    max_ratio: int = 100
    ratio_floor: int = MIB


# Recognised only to refuse them with a precise reason.
_FORBIDDEN: tuple[tuple[bytes, str], ...] = (
    (b"\x7fELF", "文件内容是可执行程序（ELF），不是文档"),
    (b"MZ", "文件内容是 Windows 可执行程序（EXE/DLL），不是文档"),
    (b"\xfe\xed\xfa\xce", "文件内容是可执行程序（Mach-O），不是文档"),
    (b"\xfe\xed\xfa\xcf", "文件内容是可执行程序（Mach-O），不是文档"),
    (b"\xcf\xfa\xed\xfe", "文件内容是可执行程序（Mach-O），不是文档"),
    (b"\xca\xfe\xba\xbe", "文件内容是可执行程序或 Java 类文件，不是文档"),
    (b"#!", "文件内容是脚本程序，不是文档"),
    (b"Rar!\x1a\x07", "不接受 RAR 压缩包，请改为 ZIP 格式"),
    (b"7z\xbc\xaf\x27\x1c", "不接受 7z 压缩包，请改为 ZIP 格式"),
    (b"\x1f\x8b", "不接受 gzip 压缩文件，请改为 ZIP 格式"),
    (b"GIF8", "不接受 GIF 图片，请改为 JPG 或 PNG"),
)
_MARKUP = (b"<!doctype", b"<html", b"<script", b"<svg", b"<?xml")

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
# JPEG markers that may follow SOI: APPn, DQT, DHT, SOFn, COM.
_JPEG_FIRST = {*range(0xE0, 0xF0), 0xDB, 0xC4, 0xC0, 0xC1, 0xC2, 0xFE}


def detect(fh: BinaryIO, size: int, limits: Limits, *, depth: int = 0) -> Kind:
    """The file's kind, or :class:`RefusedError`. ``fh`` must be seekable; it is left anywhere."""
    if size == 0:
        raise RefusedError("文件是空的")
    fh.seek(0)
    head = fh.read(4096)
    for magic, reason in _FORBIDDEN:
        if head.startswith(magic):
            raise RefusedError(reason)
    if head.lstrip().lower().startswith(_MARKUP):
        raise RefusedError("文件内容是网页、脚本或 XML 文本，不是可接受的文档")
    if head.startswith(b"%PDF-"):
        return _pdf(fh, size)
    if head.startswith(_PNG_MAGIC):
        return _png(fh, head, size)
    if head.startswith(b"\xff\xd8\xff"):
        return _jpeg(head)
    if head.startswith(_OLE_MAGIC):
        return _ole(fh, size)
    if head.startswith(b"PK\x05\x06"):
        raise RefusedError("压缩包是空的")
    if head.startswith(b"PK\x03\x04"):
        return _zip(fh, size, limits, depth)
    raise RefusedError(f"无法识别的文件内容，只接受{ACCEPTED_TEXT}")


def _tail(fh: BinaryIO, size: int, n: int) -> bytes:
    fh.seek(max(0, size - n))
    return fh.read(n)


def _pdf(fh: BinaryIO, size: int) -> Kind:
    if b"%%EOF" not in _tail(fh, size, 2048):
        raise RefusedError("PDF 文件不完整（缺少文件结尾标记），请重新导出后上传")
    return Kind.PDF


def _png(fh: BinaryIO, head: bytes, size: int) -> Kind:
    if head[12:16] != b"IHDR" or b"IEND" not in _tail(fh, size, 64):
        raise RefusedError("PNG 图片不完整或已损坏")
    return Kind.PNG


def _jpeg(head: bytes) -> Kind:
    if len(head) < 6 or head[3] not in _JPEG_FIRST:
        raise RefusedError("JPG 图片已损坏")
    return Kind.JPG


# --- OLE2 compound files (DOC, XLS) -------------------------------------------------------------

_FREE, _END = 0xFFFFFFFF, 0xFFFFFFFE


def _ole(fh: BinaryIO, size: int) -> Kind:
    names = _ole_names(fh, size)
    if any(n in names for n in ("_VBA_PROJECT_CUR", "Macros", "VBA", "_VBA_PROJECT")):
        raise RefusedError("文档包含宏代码，出于安全考虑不予接受，请另存为不含宏的文档或 PDF")
    if "WordDocument" in names:
        return Kind.DOC
    if "Workbook" in names or "Book" in names:
        return Kind.XLS
    raise RefusedError("这个 OLE 复合文件既不是 Word 文档也不是 Excel 工作簿")


def _ole_names(fh: BinaryIO, size: int) -> set[str]:
    """The names in a compound file's directory (MS-CFB), read without trusting any count."""
    bad = RefusedError("Word/Excel 97-2003 文件结构已损坏")
    fh.seek(0)
    header = fh.read(512)
    if len(header) < 512 or header[28:30] != b"\xfe\xff":
        raise bad
    shift = struct.unpack_from("<H", header, 30)[0]
    if shift not in (9, 12):
        raise bad
    sector = 1 << shift
    n_sectors = max(0, size - 512) // sector + 1
    (first_dir,) = struct.unpack_from("<I", header, 48)
    first_difat, n_difat = struct.unpack_from("<II", header, 68)

    def read_sector(sid: int) -> bytes:
        if sid >= n_sectors:
            raise bad
        fh.seek((sid + 1) * sector)
        data = fh.read(sector)
        if len(data) < sector:
            raise bad
        return data

    fat_sids = [s for s in struct.unpack_from("<109I", header, 76) if s not in (_FREE, _END)]
    sid, seen = first_difat, 0
    while sid not in (_FREE, _END) and seen < n_difat:
        data = read_sector(sid)
        entries = struct.unpack(f"<{sector // 4}I", data)
        fat_sids.extend(s for s in entries[:-1] if s not in (_FREE, _END))
        sid, seen = entries[-1], seen + 1
    if len(fat_sids) > n_sectors:
        raise bad
    fat: list[int] = []
    for fat_sid in fat_sids:
        fat.extend(struct.unpack(f"<{sector // 4}I", read_sector(fat_sid)))

    names: set[str] = set()
    sid, steps = first_dir, 0
    while sid not in (_FREE, _END):
        steps += 1
        if steps > n_sectors or sid >= len(fat):
            raise bad
        data = read_sector(sid)
        for off in range(0, sector, 128):
            length, kind = struct.unpack_from("<HB", data, off + 64)
            if kind in (1, 2, 5) and 2 <= length <= 64:
                names.add(data[off : off + length - 2].decode("utf-16-le", "replace"))
        sid = fat[sid]
    if not names:
        raise bad
    return names


# --- ZIP and the formats built on it (DOCX, XLSX, OFD) ------------------------------------------


def _zip(fh: BinaryIO, size: int, limits: Limits, depth: int) -> Kind:
    fh.seek(0)
    try:
        archive = zipfile.ZipFile(fh)
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise RefusedError("压缩文件已损坏，无法打开") from exc
    with archive:
        infos = archive.infolist()
        _check_entries(infos, size, limits)
        names = {i.filename for i in infos}
        kind = _zip_kind(names)
        if kind is Kind.ZIP and depth > 0:
            raise RefusedError("压缩包内不能再嵌套压缩包")
        files = [i for i in infos if not i.is_dir()]
        if not files:
            raise RefusedError("压缩包中没有文件")
        for info in files:
            _read_entry(archive, info, limits, depth, check_kind=kind is Kind.ZIP)
    return kind


def _zip_kind(names: set[str]) -> Kind:
    if "[Content_Types].xml" in names:
        if any(n.lower().endswith("vbaproject.bin") for n in names):
            raise RefusedError("文档包含宏代码，出于安全考虑不予接受，请另存为不含宏的文档或 PDF")
        if "word/document.xml" in names:
            return Kind.DOCX
        if "xl/workbook.xml" in names:
            return Kind.XLSX
        raise RefusedError("只接受 Word（DOCX）与 Excel（XLSX）格式的 Office 文档")
    if "OFD.xml" in names:
        return Kind.OFD
    return Kind.ZIP


def entry_name(info: zipfile.ZipInfo) -> str:
    """The entry's name as its author saw it: Chinese Windows tools write GBK without saying so."""
    name = info.filename
    if not info.flag_bits & 0x800:
        try:
            return name.encode("cp437").decode("gbk")
        except (UnicodeEncodeError, UnicodeDecodeError):
            return name
    return name


def _check_entries(infos: list[zipfile.ZipInfo], size: int, limits: Limits) -> None:
    if not infos:
        raise RefusedError("压缩包是空的")
    if len(infos) > limits.max_entries:
        raise RefusedError(f"压缩包内文件过多（{len(infos)} 个，上限 {limits.max_entries} 个）")
    total = 0
    for info in infos:
        shown = entry_name(info)
        name = info.filename
        parts = name.replace("\\", "/").split("/")
        if name.startswith(("/", "\\")) or (len(name) > 1 and name[1] == ":"):
            raise RefusedError(f"压缩包中的“{shown}”使用了绝对路径")
        if ".." in parts:
            raise RefusedError(f"压缩包中的“{shown}”含有“..”，可能指向压缩包以外的位置")
        if any(ord(c) < 32 for c in name):
            raise RefusedError(f"压缩包中的“{shown}”的名称含有控制字符")
        if info.create_system == 3 and stat.S_ISLNK(info.external_attr >> 16):
            raise RefusedError(f"压缩包中的“{shown}”是符号链接")
        if info.flag_bits & 0x1:
            raise RefusedError(f"压缩包中的“{shown}”已加密，无法检查其内容")
        if info.file_size > limits.max_entry_bytes:
            raise RefusedError(
                f"压缩包中的“{shown}”解压后 {_mb(info.file_size)}，超过单个文件上限 {_mb(limits.max_entry_bytes)}"
            )
        if info.file_size > limits.ratio_floor and info.file_size > limits.max_ratio * max(
            info.compress_size, 1
        ):
            raise RefusedError(
                f"压缩包中的“{shown}”压缩比异常（超过 {limits.max_ratio}:1），疑似压缩炸弹"
            )
        total += info.file_size
    if total > limits.max_total_bytes:
        raise RefusedError(f"压缩包解压后共 {_mb(total)}，超过上限 {_mb(limits.max_total_bytes)}")
    if total > limits.ratio_floor and total > limits.max_ratio * size:
        raise RefusedError(f"压缩包整体压缩比异常（超过 {limits.max_ratio}:1），疑似压缩炸弹")


def _read_entry(
    archive: zipfile.ZipFile, info: zipfile.ZipInfo, limits: Limits, depth: int, *, check_kind: bool
) -> None:
    """Decompress one entry (bounded: zipfile never yields more than the declared size, and the
    CRC check catches a header that lies) and, inside a plain archive, judge its kind."""
    shown = entry_name(info)
    with tempfile.SpooledTemporaryFile(max_size=4 * MIB) as out:
        read = 0
        try:
            with archive.open(info) as src:
                while chunk := src.read(CHUNK):
                    read += len(chunk)
                    if read > limits.max_entry_bytes:
                        raise RefusedError(f"压缩包中的“{shown}”解压后超过单个文件上限")
                    if check_kind:
                        out.write(chunk)
        except (zipfile.BadZipFile, EOFError, OSError, ValueError, NotImplementedError) as exc:
            raise RefusedError(f"压缩包中的“{shown}”已损坏或使用了不支持的压缩方式") from exc
        if not check_kind:
            return
        try:
            detect(out, read, limits, depth=depth + 1)  # type: ignore[arg-type]
        except RefusedError as exc:
            raise RefusedError(f"压缩包中的“{shown}”：{exc.reason}") from exc


def _mb(n: int) -> str:
    value = n / MIB
    return f"{value:.0f} MB" if value >= 10 else f"{value:.1f} MB"
