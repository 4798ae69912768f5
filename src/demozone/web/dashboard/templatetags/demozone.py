"""Template filters for figures and statuses (SPEC §8: numbers shown with 2 decimals)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django import template

from demozone.core.scorecard import STATUS_NAMES

register = template.Library()

_TWO = Decimal("0.01")
STATUS_CLASSES = {
    "scored": "is-success",
    "missing": "is-danger",
    "needs_review": "is-warning",
    "overridden": "is-info",
}


@register.filter
def num(value: Any) -> str:
    """A figure for display: whole numbers as they are, others to 2 decimals."""
    if value is None or value == "":
        return "—"
    number = value if isinstance(value, Decimal) else Decimal(str(value))
    if number == number.to_integral_value():
        return f"{int(number):,}" if abs(number) >= 10000 else str(int(number))
    return str(number.quantize(_TWO, rounding=ROUND_HALF_UP))


@register.filter
def plain(value: Any) -> str:
    """A figure exactly as stored, for form inputs (no grouping, no rounding)."""
    if value is None:
        return ""
    if isinstance(value, Decimal):
        text = format(value, "f")
        return text.rstrip("0").rstrip(".") if "." in text else text
    return str(value)


@register.filter
def pct(value: Any) -> str:
    if value is None:
        return "—"
    number = value if isinstance(value, Decimal) else Decimal(str(value))
    shown = (number * 100).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return f"{shown.normalize():f}%" if shown == shown.to_integral_value() else f"{shown}%"


@register.filter
def status_name(status: str) -> str:
    return STATUS_NAMES.get(status, status)


@register.filter
def status_class(status: str) -> str:
    return STATUS_CLASSES.get(status, "is-light")


@register.filter
def get(mapping: Any, key: Any) -> Any:
    try:
        return mapping[key]
    except (KeyError, IndexError, TypeError):
        return None


@register.filter
def minus(value: Any, other: Any) -> Decimal:
    return Decimal(str(value)) - Decimal(str(other))


@register.filter
def absolute(value: Any) -> Any:
    return abs(value)
