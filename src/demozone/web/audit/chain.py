"""The hash chain of the audit trail: the canonical form of a row and the verification.

Each row's ``hash`` is the SHA-256 (lower-case hex) of the UTF-8 bytes of this JSON document::

    {"action": …, "actor": <user id or null>, "actor_name": …, "after": <JSON>,
     "at": "2025-03-01T09:30:00.123456+08:00", "before": <JSON>, "campaign": <id or null>,
     "indicator": <number or null>, "ip": …, "message": …, "prev_hash": …, "sequence": <n>,
     "target": …, "user_agent": …, "v": 1}

serialised with ``json.dumps(doc, sort_keys=True, ensure_ascii=False, separators=(",", ":"),
allow_nan=False)``: keys sorted at every depth, no whitespace, non-ASCII characters as
themselves. ``at`` is the row's time in Asia/Shanghai, ISO 8601 with microseconds and the
offset. ``before``/``after`` hold only JSON strings, integers, booleans, null, lists and objects
(:func:`jsonable` turns decimals, floats and dates into strings before a row is written), so
they read back from SQLite or PostgreSQL ``jsonb`` exactly as they were hashed. ``prev_hash`` is
the previous row's ``hash``; the first row's is :data:`GENESIS` (64 zeros). Sequence numbers
start at 1 and have no gaps. See docs/decisions/0006-audit-hash-chain.md.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

GENESIS = "0" * 64
FORMAT_VERSION = 1
SHANGHAI = ZoneInfo("Asia/Shanghai")

# The columns that enter the hash, besides the hash itself.
FIELDS = (
    "sequence",
    "at",
    "actor_id",
    "actor_name",
    "ip",
    "user_agent",
    "campaign_id",
    "action",
    "target",
    "indicator",
    "before",
    "after",
    "message",
    "prev_hash",
)


def jsonable(value: Any) -> Any:
    """``value`` as plain JSON that survives a database round trip unchanged."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, Decimal | float):
        return str(value)
    if isinstance(value, dt.datetime):
        return value.astimezone(SHANGHAI).isoformat() if value.tzinfo else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, set | frozenset):
        return sorted((jsonable(v) for v in value), key=str)
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    return str(value)


def local_time(at: dt.datetime) -> str:
    return at.astimezone(SHANGHAI).isoformat(timespec="microseconds")


def canonical(row: Mapping[str, Any]) -> bytes:
    """The bytes hashed for a row given as a mapping of :data:`FIELDS`."""
    doc = {
        "v": FORMAT_VERSION,
        "sequence": row["sequence"],
        "at": local_time(row["at"]),
        "actor": row["actor_id"],
        "actor_name": row["actor_name"],
        "ip": row["ip"],
        "user_agent": row["user_agent"],
        "campaign": row["campaign_id"],
        "action": row["action"],
        "target": row["target"],
        "indicator": row["indicator"],
        "before": row["before"],
        "after": row["after"],
        "message": row["message"],
        "prev_hash": row["prev_hash"],
    }
    text = json.dumps(
        doc, sort_keys=True, ensure_ascii=False, separators=(",", ":"), allow_nan=False
    )
    return text.encode("utf-8")


def row_hash(row: Mapping[str, Any]) -> str:
    return hashlib.sha256(canonical(row)).hexdigest()


@dataclass(frozen=True)
class Problem:
    """The first bad row: its sequence number, the kind of damage and a Chinese explanation."""

    sequence: int
    kind: str  # "changed", "removed", "reordered", "head"
    message: str


@dataclass(frozen=True)
class Verification:
    count: int
    last_sequence: int
    last_hash: str
    problem: Problem | None

    @property
    def ok(self) -> bool:
        return self.problem is None


def verify(
    rows: Iterable[Mapping[str, Any]],
    *,
    head: tuple[int, str] | None,
    find_by_hash: Any = None,
) -> Verification:
    """Walk ``rows`` (ordered by sequence, each a mapping of :data:`FIELDS` plus ``hash``) and
    stop at the first one that does not belong where it is.

    ``head`` is the stored (last sequence, last hash), or None if there is none.
    ``find_by_hash(h)`` returns the sequence of the row whose hash is ``h`` (or None); it tells a
    row moved to another place from one whose content was edited.
    """
    count = 0
    prev_seq, prev_hash = 0, GENESIS
    for row in rows:
        count += 1
        seq = row["sequence"]
        problem = _check(row, prev_seq, prev_hash, find_by_hash)
        if problem is not None:
            return Verification(count - 1, prev_seq, prev_hash, problem)
        prev_seq, prev_hash = seq, row["hash"]
    if head is not None and head != (prev_seq, prev_hash) and not (head[0] == 0 and count == 0):
        if head[0] > prev_seq:
            message = (
                f"审计链头记录最后一条为第 {head[0]} 条，但现存记录只到第 {prev_seq} 条："
                f"第 {prev_seq + 1} 条及以后的记录被删除"
            )
            return Verification(
                count, prev_seq, prev_hash, Problem(prev_seq + 1, "removed", message)
            )
        message = (
            f"第 {prev_seq} 条记录与审计链头不符（链头为第 {head[0]} 条）：记录被修改或链头被篡改"
        )
        return Verification(count, prev_seq, prev_hash, Problem(prev_seq, "head", message))
    if head is None and count:
        message = "审计链头缺失：无法确认末尾的记录未被删除"
        return Verification(count, prev_seq, prev_hash, Problem(prev_seq, "head", message))
    return Verification(count, prev_seq, prev_hash, None)


def _check(
    row: Mapping[str, Any], prev_seq: int, prev_hash: str, find_by_hash: Any
) -> Problem | None:
    seq = row["sequence"]
    if seq != prev_seq + 1:
        missing = (
            f"第 {prev_seq + 1} 条" if seq == prev_seq + 2 else f"第 {prev_seq + 1}–{seq - 1} 条"
        )
        return Problem(seq, "removed", f"第 {seq} 条记录之前缺少{missing}记录：记录被删除")
    intact = row_hash(row) == row["hash"]
    if intact and row["prev_hash"] == prev_hash:
        return None
    origin = _origin(row, find_by_hash)
    if origin is not None and origin != seq:
        return Problem(
            seq,
            "reordered",
            f"第 {seq} 条记录的内容原属第 {origin} 条：记录的顺序被调换",
        )
    if not intact:
        return Problem(seq, "changed", f"第 {seq} 条记录的内容与其哈希不符：记录被修改")
    return Problem(
        seq,
        "removed",
        f"第 {seq} 条记录与第 {prev_seq} 条记录的链接断开：其间的记录被删除或替换",
    )


def _origin(row: Mapping[str, Any], find_by_hash: Any) -> int | None:
    """The sequence number this row's content was hashed under, if it is another one."""
    if find_by_hash is None:
        return None
    pred = 0 if row["prev_hash"] == GENESIS else find_by_hash(row["prev_hash"])
    if pred is None:
        return None
    candidate = dict(row, sequence=pred + 1)
    return pred + 1 if row_hash(candidate) == row["hash"] else None
