"""How a figure is written in messages, explanations and documents."""

from __future__ import annotations

from decimal import Decimal


def plain(value: Decimal | int) -> str:
    """A figure as the user wrote it: no exponent, no trailing zeros (``12.50`` → ``12.5``)."""
    text = str(value)
    if "E" in text:  # str() of a very small or large Decimal uses an exponent
        text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text
