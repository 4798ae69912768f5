"""Comparison words of the official texts and what they mean.

《民法典》第一千二百五十九条: 以上、以下、以内、届满 include the number itself; 不满、超过、以外 exclude it.
The framework file writes the word the official text uses; the operator follows from it, so the
text and the arithmetic cannot drift apart (docs/decisions/0003-boundary-words.md).
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from typing import Any, Literal

Word = Literal[
    "超过",
    "大于",
    "高于",
    "以上",
    "达到",
    "不低于",
    "等于",
    "不满",
    "低于",
    "以下",
    "以内",
    "不超过",
]

_Compare = Callable[[Any, Any], bool]

OPERATORS: dict[str, _Compare] = {
    "超过": operator.gt,
    "大于": operator.gt,
    "高于": operator.gt,
    "以上": operator.ge,
    "达到": operator.ge,
    "不低于": operator.ge,
    "等于": operator.eq,
    "不满": operator.lt,
    "低于": operator.lt,
    "以下": operator.le,
    "以内": operator.le,
    "不超过": operator.le,
}

# How a failed comparison is said: "未超过", "未达到", "不等于" …
NEGATIONS: dict[str, str] = {
    "超过": "未超过",
    "大于": "不大于",
    "高于": "不高于",
    "以上": "未达到",
    "达到": "未达到",
    "不低于": "低于",
    "等于": "不等于",
    "不满": "已达到",
    "低于": "不低于",
    "以下": "超过",
    "以内": "超过",
    "不超过": "超过",
}

SYMBOLS: dict[str, str] = {
    "超过": ">",
    "大于": ">",
    "高于": ">",
    "以上": "≥",
    "达到": "≥",
    "不低于": "≥",
    "等于": "=",
    "不满": "<",
    "低于": "<",
    "以下": "≤",
    "以内": "≤",
    "不超过": "≤",
}


def said(word: str, ok: bool) -> str:
    """The word as it reads in an explanation: itself when the comparison holds, else negated."""
    return word if ok else NEGATIONS[word]
