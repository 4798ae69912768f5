"""Filters of the 评审轮次 pages."""

from __future__ import annotations

from typing import Any

from django import template

from demozone.core.numbers import plain

register = template.Library()

_EVENTS = {
    "submitted": "提交",
    "resubmitted": "重新提交",
    "approved": "通过",
    "returned": "退回修改",
}


@register.filter
def judged(value: Any) -> str:
    """A judgment as read: 符合 / 不符合 / a score; — when there is none."""
    if value is True:
        return "符合"
    if value is False:
        return "不符合"
    if value is None or value == "":
        return "—"
    return f"{plain(value)} 分"


@register.filter
def event_name(event: str) -> str:
    return _EVENTS.get(event, event)


@register.filter
def share(value: Any) -> str:
    """0.5 → 50%."""
    return f"{plain(value * 100)}%"


@register.filter
def score_choices(spec: Any) -> list[str]:
    """0 … the item's points in its step, as form values."""
    count = int(spec.max / spec.step)
    return [plain(spec.step * i) for i in range(count + 1)]
