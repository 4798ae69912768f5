"""Small real files of every accepted kind, and the hostile ones the upload must refuse."""

from __future__ import annotations

import io
import struct
import zipfile
import zlib

from PIL import Image


def pdf(text: str = "evidence") -> bytes:
    body = (
        b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
        b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
        b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\n" + f"% {text}\n".encode()
    )
    return body + b"trailer<</Root 1 0 R>>\n%%EOF\n"


def png() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xff\x00\x00")
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


def jpg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (4, 4), (200, 30, 30)).save(out, "JPEG")
    return out.getvalue()


def zip_of(entries: dict[str, bytes], *, compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression) as zf:
        for name, data in entries.items():
            zf.writestr(name, data)
    return out.getvalue()


_TYPES = b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>'


def docx() -> bytes:
    return zip_of(
        {
            "[Content_Types].xml": _TYPES,
            "_rels/.rels": b"<Relationships/>",
            "word/document.xml": b"<w:document/>",
        }
    )


def xlsx() -> bytes:
    return zip_of(
        {
            "[Content_Types].xml": _TYPES,
            "_rels/.rels": b"<Relationships/>",
            "xl/workbook.xml": b"<workbook/>",
        }
    )


def ofd() -> bytes:
    return zip_of({"OFD.xml": b"<ofd:OFD/>", "Doc_0/Document.xml": b"<ofd:Document/>"})


def ole(*streams: str) -> bytes:
    """A minimal compound file (MS-CFB v3): header, one FAT sector, one directory sector."""
    free, end, fat_sector = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD
    header = bytearray(512)
    header[0:8] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    struct.pack_into("<HHHHH", header, 24, 0x3E, 3, 0xFFFE, 9, 6)
    struct.pack_into("<IIIIIIIII", header, 40, 0, 1, 1, 0, 4096, end, 0, end, 0)
    struct.pack_into("<109I", header, 76, 0, *([free] * 108))
    fat = struct.pack("<128I", fat_sector, end, *([free] * 126))

    def entry(name: str, kind: int) -> bytes:
        raw = name.encode("utf-16-le") + b"\x00\x00"
        e = bytearray(128)
        e[: len(raw)] = raw
        struct.pack_into("<HBB", e, 64, len(raw), kind, 1)
        struct.pack_into("<III", e, 68, free, free, free)
        struct.pack_into("<II", e, 116, end, 0)
        return bytes(e)

    entries = [entry("Root Entry", 5), *(entry(s, 2) for s in streams)]
    directory = b"".join(entries).ljust(512, b"\x00")
    return bytes(header) + fat + directory


def doc() -> bytes:
    return ole("WordDocument", "1Table")


def xls() -> bytes:
    return ole("Workbook")


def elf() -> bytes:
    return b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 8 + b"\x02\x00\x3e\x00" + b"\x00" * 200


def exe() -> bytes:
    return b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 120 + b"PE\x00\x00" + b"\x00" * 100


def zip_bomb(megabytes: int = 20) -> bytes:
    """A few kilobytes that expand to ``megabytes`` of zeros."""
    out = io.BytesIO()
    block = b"\x00" * (1024 * 1024)
    with (
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf,
        zf.open("report.pdf", "w", force_zip64=True) as entry,
    ):
        for _ in range(megabytes):
            entry.write(block)
    return out.getvalue()


def traversal_zip() -> bytes:
    return zip_of({"材料/说明.pdf": pdf(), "../../etc/cron.d/evil.pdf": pdf()})
