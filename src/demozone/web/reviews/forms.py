"""Reading the review forms' posts into the services' values, and naming fields in messages.

Parsing problems are reported like the services' own (:class:`ReviewError` with a path per
field), so a page shows both the same way: “截止日期：截止日期不能早于今天”.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from demozone.core.errors import Problem
from demozone.web.campaigns.permissions import item_indicator
from demozone.web.reviews.services import PanelSeat, ReviewError, RoundSettings, Vote

_LABELS = {
    "deadline": "截止日期",
    "whole": "整项评分汇总方式",
    "trim_from": "去掉最高最低分的最少专家人数",
    "dispute_share": "争议阈值",
    "base": "评审对象",
    "stage": "评审阶段",
    "experts": "专家组",
    "lead": "组长",
    "notes": "修改意见",
    "round": "评审轮次",
    "comment": "总体意见",
}
_SEAT = re.compile(r"^experts\[(\d+)\](\.indicators)?$")
_ITEM = re.compile(r"^\d+(\.\d+)?$")
_SPLIT = re.compile(r"[\s,，、;；]+")


def label(path: str) -> str:
    """The Chinese name of the field a problem's path points at."""
    if path in _LABELS:
        return _LABELS[path]
    seat = _SEAT.match(path)
    if seat:
        who = f"专家组第 {int(seat.group(1)) + 1} 位专家"
        return f"{who}的分配指标" if seat.group(2) else who
    item = path.removesuffix(".reason")
    if _ITEM.match(item):
        name = f"评分项 {item}" if "." in item else f"第 {item} 项指标"
        return f"{name}的理由" if item != path else name
    return path


def describe(problems: Iterable[Problem]) -> list[str]:
    return [f"{label(p.path)}：{p.message}" for p in problems]


def _date(raw: Any) -> tuple[dt.date | None, Problem | None]:
    text = str(raw or "").strip()
    if not text:
        return None, None
    try:
        return dt.date.fromisoformat(text), None
    except ValueError:
        return None, Problem("deadline", f"应为日期，如 2025-06-30，实际为“{text}”")


def deadline(post: Mapping[str, Any]) -> dt.date | None:
    value, problem = _date(post.get("deadline"))
    if problem:
        raise ReviewError(problem)
    return value


def round_settings(post: Mapping[str, Any]) -> RoundSettings:
    """发起省局初审/总局评估: the deadline and aggregation rules (blank → SPEC §7 defaults)."""
    problems = []
    when, problem = _date(post.get("deadline"))
    if problem:
        problems.append(problem)
    defaults = RoundSettings()
    trim_text = str(post.get("trim_from", "")).strip()
    trim: int | None = defaults.trim_from
    if trim_text in ("none", "不去掉"):
        trim = None
    elif trim_text:
        if trim_text.isdigit():
            trim = int(trim_text)
        else:
            problems.append(Problem("trim_from", f"应为整数（专家人数），实际为“{trim_text}”"))
    share_text = str(post.get("dispute_share", "")).strip().removesuffix("%")
    share = defaults.dispute_share
    if share_text:
        try:
            share = Decimal(share_text)
            if not share.is_finite():
                raise InvalidOperation
            if str(post.get("dispute_share", "")).strip().endswith("%"):
                share /= 100
        except InvalidOperation:
            problems.append(
                Problem("dispute_share", f"应为 0—1 之间的小数，如 0.5，实际为“{share_text}”")
            )
    if problems:
        raise ReviewError(problems)
    whole = str(post.get("whole", "")).strip() or defaults.whole
    return RoundSettings(deadline=when, whole=whole, trim_from=trim, dispute_share=share)


def _int(raw: Any) -> int | None:
    text = str(raw or "").strip()
    return int(text) if text.isdigit() else None


def panel_seats(post: Any) -> list[PanelSeat]:
    """组建专家组: the checked experts, the lead, each one's indicators (blank: all)."""
    chosen = [_int(v) for v in post.getlist("expert")]
    lead = _int(post.get("lead"))
    problems = []
    seats = []
    for i, user_id in enumerate(chosen):
        if user_id is None:
            problems.append(Problem(f"experts[{i}]", "专家选择有误，请重新勾选"))
            continue
        raw = str(post.get(f"indicators:{user_id}", "")).strip()
        parts = [p for p in _SPLIT.split(raw) if p]
        wrong = [p for p in parts if not p.isdigit()]
        if wrong:
            problems.append(
                Problem(
                    f"experts[{i}].indicators",
                    f"应为指标编号，多个用顿号或逗号分隔，如“16、36”；“{wrong[0]}”不是编号",
                )
            )
            continue
        seats.append(PanelSeat(user_id, lead == user_id, tuple(sorted({int(p) for p in parts}))))
    if lead is not None and lead not in chosen:
        problems.append(Problem("lead", "组长须是勾选的专家之一"))
    if problems:
        raise ReviewError(problems)
    return seats


def base_id(post: Mapping[str, Any]) -> int:
    value = _int(post.get("base"))
    if value is None:
        raise ReviewError(Problem("base", "请选择评审对象（封存快照）"))
    return value


def votes(post: Mapping[str, Any], indicator: int) -> list[Vote]:
    """One indicator card of the judging page: each item's choice and comment (an item whose
    radio buttons were left alone sends only its comment)."""
    items = sorted(
        {
            key.partition(":")[2]
            for key in post
            if key.startswith(("value:", "comment:"))
            and item_indicator(key.partition(":")[2]) == indicator
        }
    )
    return [
        Vote(
            item,
            str(post.get(f"value:{item}", "")).strip(),
            str(post.get(f"comment:{item}", "")).strip(),
        )
        for item in items
    ]


def return_notes(post: Any) -> dict[str, str]:
    """退回修改: ``note:<indicator>`` fields and the item rows (``note_item`` + ``note_text``)."""
    notes = {
        key.removeprefix("note:"): str(value)
        for key, value in post.items()
        if key.startswith("note:") and str(value).strip()
    }
    for raw, text in zip(post.getlist("note_item"), post.getlist("note_text"), strict=False):
        item = str(raw).strip()
        if item and str(text).strip():
            joined = "\n".join(t for t in (notes.get(item, ""), str(text).strip()) if t)
            notes[item] = joined
    return notes
