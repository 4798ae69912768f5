"""Expert panels: turning independent judgments into one per item (SPEC §7).

Each expert judges alone: a sub-item met / not met, a whole indicator a score in steps. The panel's
judgment per item follows the round's rules; the default is SPEC §7's: sub-items by majority (a tie
is not met), whole indicators by the mean, trimmed (highest and lowest dropped) when the panel has
five or more. An item is disputed when the experts' scores spread by at least half of its points;
the round's lead then reconciles it with a written reason.

Pure: the review rounds of the web platform store the judgments and call these functions.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Literal

from demozone.core.errors import InputError, Problem
from demozone.core.numbers import plain

Vote = bool | Decimal
_HALF = Decimal("0.5")


@dataclass(frozen=True, slots=True)
class PanelRules:
    """How a round aggregates; every field is the round's configuration (SPEC §7 defaults)."""

    whole: Literal["mean", "median"] = "mean"
    trim_from: int | None = 5  # panels at least this large drop their highest and lowest score
    dispute_share: Decimal = _HALF  # disputed when the spread ≥ this share of the item's points
    step: Decimal = _HALF  # a whole-indicator result is rounded half up to this step


@dataclass(frozen=True, slots=True)
class PanelResult:
    """One item's panel judgment, with how it was reached (Chinese, for the round's record)."""

    item: str
    value: Vote
    experts: int
    disputed: bool
    spread: Decimal
    explanation: str


@dataclass(frozen=True, slots=True)
class Reconciled:
    """A disputed item decided by the round's lead."""

    item: str
    value: Vote
    aggregated: Vote
    reason: str


def aggregate(
    item: str, points: Decimal, votes: Sequence[Vote], rules: PanelRules | None = None
) -> PanelResult:
    """The panel's judgment of ``item`` (worth ``points``) from each expert's vote.

    All votes are booleans (a sub-item) or all numbers (a whole indicator); raises
    :class:`InputError` otherwise, or when there are no votes.
    """
    rules = rules or PanelRules()
    if not votes:
        raise InputError([Problem(item, "尚无专家判定")])
    kinds = {isinstance(v, bool) for v in votes}
    if len(kinds) != 1:
        raise InputError([Problem(item, "同一评分项的专家判定应全部为“符合/不符合”或全部为分数")])
    if kinds == {True}:
        return _majority(item, points, [bool(v) for v in votes], rules)
    scores = [Decimal(v) for v in votes]
    bad = [s for s in scores if not Decimal(0) <= s <= points]
    if bad:
        raise InputError(
            [Problem(item, f"专家评分应在 0—{plain(points)} 分之间，实际有 {plain(bad[0])}")]
        )
    return _scores(item, points, scores, rules)


def reconcile(result: PanelResult, value: Vote, reason: str) -> Reconciled:
    """The lead's decision on a disputed item; a written reason is required."""
    if not reason.strip():
        raise InputError([Problem(result.item, "争议项的协调结论必须填写理由")])
    if isinstance(value, bool) != isinstance(result.value, bool):
        raise InputError([Problem(result.item, "协调结论的类型应与专家判定一致")])
    return Reconciled(result.item, value, result.value, reason.strip())


def _disputed(spread: Decimal, points: Decimal, rules: PanelRules) -> bool:
    return spread >= points * rules.dispute_share


def _majority(item: str, points: Decimal, votes: list[bool], rules: PanelRules) -> PanelResult:
    met = sum(votes)
    not_met = len(votes) - met
    value = met > not_met  # a tie is not met
    spread = points if met and not_met else Decimal(0)
    if met == not_met:
        how = f"{met} 名认为符合、{not_met} 名认为不符合，票数相同按不符合"
    else:
        how = (
            f"{met} 名认为符合、{not_met} 名认为不符合，按多数判定为{'符合' if value else '不符合'}"
        )
    return PanelResult(
        item,
        value,
        len(votes),
        _disputed(spread, points, rules),
        spread,
        f"{len(votes)} 名专家中 {how}",
    )


def _scores(item: str, points: Decimal, scores: list[Decimal], rules: PanelRules) -> PanelResult:
    ordered = sorted(scores)
    spread = ordered[-1] - ordered[0]
    used = ordered
    trimmed = rules.trim_from is not None and len(ordered) >= rules.trim_from
    if trimmed:
        used = ordered[1:-1]
    if rules.whole == "median":
        middle = len(used) // 2
        exact = used[middle] if len(used) % 2 else (used[middle - 1] + used[middle]) / 2
        how = "中位数"
    else:
        exact = sum(used, Decimal(0)) / len(used)
        how = "平均分"
    value = (exact / rules.step).quantize(Decimal(1), rounding=ROUND_HALF_UP) * rules.step
    listed = "、".join(plain(s) for s in scores)
    trim_text = "去掉一个最高分和一个最低分后" if trimmed else ""
    rounded = (
        "" if value == exact else f"，按 {plain(rules.step)} 分步长四舍五入为 {plain(value)} 分"
    )
    explanation = (
        f"{len(scores)} 名专家评分 {listed}，{trim_text}{how} {plain(exact.quantize(Decimal('0.01')))} 分"
        f"{rounded}"
    )
    return PanelResult(
        item, value, len(scores), _disputed(spread, points, rules), spread, explanation
    )
