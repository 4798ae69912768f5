"""Which characters a PDF can actually draw: the union, over its embedded fonts, of the characters
whose code maps (through /ToUnicode) to a glyph that has an outline in the embedded font program.

A character set in a font that lacks it would show as a box (.notdef) or as nothing; either way its
code maps to glyph 0 or to an empty outline, and this check leaves it out.
"""

from __future__ import annotations

import io
import re
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from fontTools.pens.boundsPen import BoundsPen
from fontTools.t1Lib import T1Font
from fontTools.ttLib import TTFont
from pypdf import PdfReader
from pypdf.generic import DictionaryObject

_BFCHAR = re.compile(rb"beginbfchar(.*?)endbfchar", re.S)
_BFRANGE = re.compile(rb"beginbfrange(.*?)endbfrange", re.S)
_HEX = re.compile(rb"<([0-9A-Fa-f]+)>")


@dataclass
class FontGlyphs:
    name: str
    kind: str
    drawable: set[str] = field(default_factory=set)  # characters with a real outline
    empty: set[str] = field(default_factory=set)  # characters mapped to .notdef or to nothing


def _utf16(hex_bytes: bytes) -> str:
    return bytes.fromhex(hex_bytes.decode()).decode("utf-16-be")


def to_unicode(cmap: bytes) -> dict[int, str]:
    out: dict[int, str] = {}
    for block in _BFCHAR.findall(cmap):
        pairs = _HEX.findall(block)
        for src, dst in zip(pairs[::2], pairs[1::2], strict=True):
            out[int(src, 16)] = _utf16(dst)
    for block in _BFRANGE.findall(cmap):
        for line in block.strip().splitlines():
            parts = _HEX.findall(line)
            if len(parts) < 3:
                continue
            lo, hi = int(parts[0], 16), int(parts[1], 16)
            if b"[" in line:
                for i, dst in enumerate(parts[2:]):
                    out[lo + i] = _utf16(dst)
            else:
                start = _utf16(parts[2])
                for i in range(hi - lo + 1):
                    out[lo + i] = start[:-1] + chr(ord(start[-1]) + i)
    return out


def _type1_program(data: bytes, length1: int, length2: int) -> T1Font:
    """An embedded Type 1 program (cleartext, then binary eexec part) read through a PFB file."""

    def segment(kind: int, chunk: bytes) -> bytes:
        return bytes([0x80, kind]) + len(chunk).to_bytes(4, "little") + chunk

    pfb = segment(1, data[:length1]) + segment(2, data[length1 : length1 + length2])
    pfb += segment(1, data[length1 + length2 :] or b"cleartomark\n") + b"\x80\x03"
    path = Path(_tmpdir()) / f"font-{id(data)}.pfb"
    path.write_bytes(pfb)
    font = T1Font(str(path))
    font.parse()
    return font


def _tmpdir() -> str:
    return tempfile.gettempdir()


def _has_outline_t1(font: T1Font, glyph: str) -> bool:
    strings = font.font["CharStrings"]
    if glyph in (".notdef", None) or glyph not in strings:
        return False
    pen = BoundsPen(None)
    strings[glyph].draw(pen)
    return pen.bounds is not None


def _has_outline_tt(tt: TTFont, glyph: str | None) -> bool:
    if glyph in (None, ".notdef") or glyph not in tt.getGlyphOrder():
        return False
    pen = BoundsPen(tt.getGlyphSet())
    tt.getGlyphSet()[glyph].draw(pen)
    return pen.bounds is not None


def _simple_truetype_glyph(tt: TTFont, code: int) -> str | None:
    # A symbolic subset font maps its codes through (3,0) at 0xF000+code, or through (1,0).
    for table in tt["cmap"].tables:
        mapping = table.cmap
        for key in (code, 0xF000 + code):
            if key in mapping:
                return mapping[key]
    return None


def _fonts(reader: PdfReader) -> Iterator[DictionaryObject]:
    seen: set[int] = set()

    def walk(resources: DictionaryObject) -> Iterator[DictionaryObject]:
        fonts = resources.get("/Font")
        if fonts is not None:
            fonts = fonts.get_object()
            for key in fonts:
                ref = fonts.raw_get(key)
                ident = getattr(ref, "idnum", id(ref))
                if ident not in seen:
                    seen.add(ident)
                    yield ref.get_object()
        xobjects = resources.get("/XObject")
        if xobjects is not None:
            for key in xobjects.get_object():
                xo = xobjects.get_object()[key].get_object()
                if xo.get("/Subtype") == "/Form" and "/Resources" in xo:
                    yield from walk(xo["/Resources"].get_object())

    for page in reader.pages:
        if "/Resources" in page:
            yield from walk(page["/Resources"].get_object())


def embedded_glyphs(pdf: bytes) -> list[FontGlyphs]:
    reader = PdfReader(io.BytesIO(pdf))
    result = []
    for font in _fonts(reader):
        subtype = str(font.get("/Subtype"))
        entry = FontGlyphs(str(font.get("/BaseFont")), subtype)
        result.append(entry)
        if "/ToUnicode" not in font:
            continue
        codes = to_unicode(font["/ToUnicode"].get_object().get_data())
        if subtype == "/Type0":
            desc = font["/DescendantFonts"][0].get_object()
            fd = desc["/FontDescriptor"].get_object()
            stream = fd.get("/FontFile2") or fd.get("/FontFile3")
            if stream is None:
                entry.empty.update(codes.values())
                continue
            tt = TTFont(io.BytesIO(stream.get_object().get_data()))
            order = tt.getGlyphOrder()
            for code, text in codes.items():  # Identity CIDToGIDMap: the code is the glyph id
                glyph = order[code] if code < len(order) else None
                (entry.drawable if _has_outline_tt(tt, glyph) else entry.empty).update(text)
            continue
        fd = font["/FontDescriptor"].get_object()
        if "/FontFile2" in fd:
            tt = TTFont(io.BytesIO(fd["/FontFile2"].get_object().get_data()))
            for code, text in codes.items():
                glyph = _simple_truetype_glyph(tt, code)
                (entry.drawable if _has_outline_tt(tt, glyph) else entry.empty).update(text)
        elif "/FontFile" in fd:
            stream = fd["/FontFile"].get_object()
            program = _type1_program(
                stream.get_data(), int(stream["/Length1"]), int(stream["/Length2"])
            )
            encoding = program.font["Encoding"]
            for code, text in codes.items():
                glyph = encoding[code] if code < len(encoding) else None
                (entry.drawable if _has_outline_t1(program, glyph) else entry.empty).update(text)
        else:
            entry.empty.update(codes.values())
    return result


def drawable_characters(pdf: bytes) -> set[str]:
    chars: set[str] = set()
    for entry in embedded_glyphs(pdf):
        chars |= entry.drawable
    return chars
