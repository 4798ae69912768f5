"""Batch scoring over JSON Lines: one evaluation input per line in, one scorecard per line out.

No terminal output and no typer or rich in here: ``make bench`` times :func:`score_lines`
directly. An invalid line yields ``{"line": N, "errors": [...]}`` in its place and the run goes
on, so the output has one line per non-blank input line, in input order.
"""

from __future__ import annotations

import codecs
import io
import json
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, TextIO

import orjson

from demozone.core import fastlane
from demozone.core.cardjson import scorecard_json
from demozone.core.errors import InputError
from demozone.core.inputs import parse_input
from demozone.core.loader import Framework

_BOM = "\ufeff"
_SURROGATES = "含有不能以 UTF-8 写出的字符（单独的 UTF-16 代理项，如 \\ud800）"

# The json module's messages, said in Chinese (the message is the part before ": line …").
_JSON_MESSAGES = {
    "Expecting value": "此处应为一个值",
    "Expecting property name enclosed in double quotes": "键名应使用英文双引号括起来",
    "Expecting ',' delimiter": "缺少英文逗号",
    "Expecting ':' delimiter": "缺少英文冒号",
    "Extra data": "一个 JSON 值之后还有多余内容",
    "Unterminated string starting at": "字符串缺少结束的引号",
    "Invalid control character at": "字符串中有非法的控制字符",
    "Invalid \\escape": "非法的转义字符",
    "Illegal trailing comma before end of object": "对象末尾多了逗号",
    "Illegal trailing comma before end of array": "数组末尾多了逗号",
}


@dataclass(frozen=True, slots=True)
class BatchResult:
    scored: int
    failed: int

    @property
    def ok(self) -> bool:
        return self.failed == 0


def score_lines(
    lines: Iterable[str | bytes], out: TextIO, framework: Framework, *, fast: bool = True
) -> BatchResult:
    """Score each non-blank line (a SPEC §4 document as JSON) and write one JSON line per line.

    Lines may be text or UTF-8 bytes; line numbers count every line, blank ones included.
    ``fast``: offer each line to the compiled kernel first (core/fastlane.py), which scores the
    usual line and leaves any other to the Python path below; the output is the same.
    """
    # The Python path writes a scorecard's JSON straight from the scoring plan
    # (core/cardjson.py); input stays with json.loads, whose parse_float keeps decimals exact;
    # orjson writes the error lines.
    loads, dumps, write = json.loads, orjson.dumps, _line_writer(out)
    kernel = fastlane.lane(framework) if fast else None
    scored = failed = 0
    for number, raw in enumerate(lines, start=1):
        line = raw.strip()
        if not line:
            continue
        if kernel is not None:
            card = kernel.score(_utf8(line))
            if card is not None:
                write(card + b"\n")
                scored += 1
                continue
        errors: list[dict[str, str]]
        try:
            if isinstance(line, str) and line.startswith(_BOM):
                line = line[1:]
            data = loads(line, parse_float=Decimal)
        except (ValueError, RecursionError) as exc:
            errors = [{"path": "", "message": json_error_message(exc, within_line=True)}]
        else:
            try:
                card = scorecard_json(framework, parse_input(data, framework))
            except InputError as exc:
                errors = exc.as_list()
            except orjson.JSONEncodeError:  # json.loads reads "\ud800"; UTF-8 cannot hold it
                errors = [{"path": "", "message": _SURROGATES}]
            else:
                write(card + b"\n")
                scored += 1
                continue
        failed += 1
        failure: dict[str, Any] = {"line": number, "errors": errors}
        try:
            write(dumps(failure, option=orjson.OPT_APPEND_NEWLINE))
        except orjson.JSONEncodeError:  # a message quotes such a character: written escaped
            write(json.dumps(failure, separators=(",", ":")).encode() + b"\n")
    return BatchResult(scored, failed)


def _utf8(line: str | bytes) -> bytes:
    """A line as the kernel reads it; a text it cannot take (a lone surrogate, which UTF-8 cannot
    hold) as nothing, which the kernel leaves to the Python path and its error message."""
    if isinstance(line, bytes):
        return line
    try:
        return line.encode()
    except UnicodeEncodeError:
        return b""


def _line_writer(out: TextIO) -> Callable[[bytes], object]:
    """How to write a line of orjson's UTF-8 JSON to ``out``.

    Decoding a scorecard only for a text file to encode it again costs as much as writing its
    JSON, so a buffered text file that encodes to UTF-8 (``sys.stdout`` redirected to a file or
    a pipe, as the CLI gives it) takes the bytes straight into its binary buffer. Those are the
    bytes the text would have become: a JSON line's one newline is its last character, and on
    POSIX a text file writes it untranslated (unless opened with ``newline="\\r\\n"``, which
    nothing here does). A line-buffered stream (a terminal) and any other stream (io.StringIO)
    take text.
    """
    if (
        isinstance(out, io.TextIOWrapper)
        and not out.closed
        and isinstance(out.buffer, io.BufferedIOBase)  # writes all it is given
        and codecs.lookup(out.encoding).name == "utf-8"
        and not out.line_buffering
        and os.linesep == "\n"
    ):
        out.flush()  # text written before comes first
        return out.buffer.write
    text_write = out.write
    return lambda line: text_write(line.decode())


def json_error_message(exc: ValueError | RecursionError, *, within_line: bool = False) -> str:
    """Why a text is not JSON, in Chinese, with the position where the parser stopped.

    ``within_line``: the text is one line of a batch, whose number is reported beside.
    """
    if isinstance(exc, RecursionError):
        return "不是有效的 JSON：嵌套层数过多"
    if isinstance(exc, UnicodeDecodeError):
        return "不是 UTF-8 编码的文本"
    if isinstance(exc, json.JSONDecodeError):
        why = _JSON_MESSAGES.get(exc.msg, exc.msg)
        where = f"第 {exc.colno} 列" if within_line else f"第 {exc.lineno} 行第 {exc.colno} 列"
        return f"不是有效的 JSON：{where}，{why}"
    return f"不是有效的 JSON：{exc}"
