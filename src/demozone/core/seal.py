"""Sealing a frozen evaluation: a SHA-256 over its canonical JSON.

A snapshot (the input file, every judgment with who made it, the evidence list, the framework's
sha256, the scorecard) is sealed once and never edited; anyone can recompute the seal from the
stored document alone. The canonical form must therefore be fully specified:

- UTF-8 JSON, keys sorted by Unicode code point, no insignificant white space (separators ``,`` and ``:``), non-ASCII
  characters written as themselves;
- ``Decimal`` numbers written as JSON numbers in their exact decimal text (``12.60`` stays
  ``12.60``), integers as integers, booleans and null as JSON's; floats are refused (they are not
  exact, so two writers could disagree);
- tuples as arrays; mapping keys must be strings.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from demozone.core.errors import InputError, Problem


def canonical_json(document: Any) -> bytes:
    """The canonical bytes of ``document`` (raises :class:`InputError` for what has none)."""
    problems: list[Problem] = []
    parts: list[str] = []
    _write(document, "", parts, problems)
    if problems:
        raise InputError(problems)
    return "".join(parts).encode("utf-8")


def seal(document: Any) -> str:
    """The hex SHA-256 of the canonical JSON of ``document``."""
    return hashlib.sha256(canonical_json(document)).hexdigest()


def _string(text: str) -> str:
    out = ['"']
    for ch in text:
        if ch == '"':
            out.append('\\"')
        elif ch == "\\":
            out.append("\\\\")
        elif ord(ch) < 0x20:
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


def _write(value: Any, path: str, out: list[str], problems: list[Problem]) -> None:
    if value is None:
        out.append("null")
    elif value is True:
        out.append("true")
    elif value is False:
        out.append("false")
    elif isinstance(value, int):
        out.append(str(value))
    elif isinstance(value, Decimal):
        if not value.is_finite():
            problems.append(Problem(path, "不能封存非有限数字"))
            return
        out.append(_decimal(value))
    elif isinstance(value, float):
        problems.append(Problem(path, "不能封存浮点数：请使用精确的十进制数"))
    elif isinstance(value, str):
        out.append(_string(value))
    elif isinstance(value, Mapping):
        out.append("{")
        first = True
        for key in sorted(value, key=str):
            if not isinstance(key, str):
                problems.append(Problem(f"{path}.{key}", "键名应为文本"))
                continue
            if not first:
                out.append(",")
            first = False
            out.append(_string(key))
            out.append(":")
            _write(value[key], f"{path}.{key}" if path else key, out, problems)
        out.append("}")
    elif isinstance(value, list | tuple):
        out.append("[")
        for i, element in enumerate(value):
            if i:
                out.append(",")
            _write(element, f"{path}[{i}]", out, problems)
        out.append("]")
    else:
        problems.append(Problem(path, f"不能封存 {type(value).__name__} 类型的值"))


def _decimal(value: Decimal) -> str:
    text = format(value, "f")
    # A negative zero is the same number as zero: two writers must not disagree on its sign.
    return text[1:] if value == 0 and text.startswith("-") else text
