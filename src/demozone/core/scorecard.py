"""The scorecard (SPEC §5): frozen values and their JSON form."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Literal, NamedTuple

Status = Literal["scored", "missing", "needs_review", "overridden"]

# An indicator's status is the worst of its items' (SPEC §5).
SEVERITY: dict[str, int] = {"scored": 0, "overridden": 1, "needs_review": 2, "missing": 3}
STATUS_NAMES: dict[str, str] = {
    "scored": "已评分",
    "missing": "缺数据",
    "needs_review": "待人工判定",
    "overridden": "人工核定",
}

_ZERO = Decimal(0)
_TWO = Decimal("0.01")
_FOUR = Decimal("0.0001")


def _number(value: Decimal) -> int | float:
    if value == value.to_integral_value():
        return int(value)
    return float(value.quantize(_TWO, rounding=ROUND_HALF_UP))


class _Numbers(dict[Decimal, int | float]):
    """Decimal → JSON number. Scores are mostly whole or half points: their JSON form is stored
    and looked up (``_NUMBERS[value]``, no call); any other value is computed when asked."""

    def __missing__(self, value: Decimal) -> int | float:
        return _number(value)


_NUMBERS = _Numbers({Decimal(k) / 2: _number(Decimal(k) / 2) for k in range(0, 401)})


def number(value: Decimal) -> int | float:
    """A JSON number: an integer when whole, else the value rounded to 2 decimals for display."""
    return _NUMBERS[value]


# Items and indicators are NamedTuples rather than frozen dataclasses: equally immutable, and a
# scorecard builds about a hundred of them, where a frozen dataclass costs three times as much.
class ItemResult(NamedTuple):
    id: str
    score: Decimal
    max: Decimal
    status: Status
    reason: str
    missing: tuple[str, ...] = ()
    computed: Decimal | None = None  # the engine's own score where an override replaced it

    def to_dict(self) -> dict[str, Any]:
        return _item_dicts((self,))[0]


def _item_dicts(items: tuple[ItemResult, ...]) -> list[dict[str, Any]]:
    """The JSON form of items; one loop for all the items of an indicator, as a scorecard has
    about a hundred of them."""
    numbers = _NUMBERS
    out = []
    for item_id, score, max_, status, reason, missing, computed in items:
        item: dict[str, Any] = {
            "id": item_id,
            "score": numbers[score],
            "max": numbers[max_],
            "status": status,
            "reason": reason,
        }
        if missing:
            item["missing"] = list(missing)
        if computed is not None:
            item["computed_score"] = numbers[computed]
        out.append(item)
    return out


class IndicatorResult(NamedTuple):
    number: int
    name: str
    score: Decimal
    max: Decimal
    status: Status
    items: tuple[ItemResult, ...]
    level: str
    group: str | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "number": self.number,
            "name": self.name,
            "score": _NUMBERS[self.score],
            "max": _NUMBERS[self.max],
            "status": self.status,
            "level": self.level,
            "group": self.group,
            "items": _item_dicts(self.items),
        }


@dataclass(frozen=True, slots=True)
class LevelResult:
    code: str
    name: str
    score: Decimal
    max: Decimal
    rate_min: Decimal

    @property
    def rate(self) -> Decimal:
        return self.score / self.max

    @property
    def rate_ok(self) -> bool:
        # score / max ≥ rate_min, compared without a division so that nothing is rounded.
        return self.score >= self.rate_min * self.max

    @property
    def shortfall(self) -> Decimal:
        return max(_ZERO, self.rate_min * self.max - self.score)

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "name": self.name,
            "score": number(self.score),
            "max": number(self.max),
            "rate": float(self.rate.quantize(_FOUR, rounding=ROUND_HALF_UP)),
            "rate_ok": self.rate_ok,
        }


@dataclass(frozen=True, slots=True)
class GroupResult:
    code: str
    name: str
    score: Decimal
    max: Decimal

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "name": self.name,
            "score": number(self.score),
            "max": number(self.max),
        }


@dataclass(frozen=True, slots=True)
class Scorecard:
    framework_id: str
    framework_version: str
    framework_sha256: str
    region: str
    years: tuple[int, int]
    total: Decimal
    max_total: Decimal
    total_min: Decimal
    levels: tuple[LevelResult, ...]
    groups: tuple[GroupResult, ...]
    indicators: tuple[IndicatorResult, ...]
    warnings: tuple[str, ...]

    @property
    def total_ok(self) -> bool:
        return self.total >= self.total_min

    @property
    def passed(self) -> bool:
        return self.total_ok and all(level.rate_ok for level in self.levels)

    @property
    def total_shortfall(self) -> Decimal:
        return max(_ZERO, self.total_min - self.total)

    def item(self, item_id: str) -> ItemResult:
        for ind in self.indicators:
            for item in ind.items:
                if item.id == item_id:
                    return item
        raise KeyError(item_id)

    def indicator(self, number_: int) -> IndicatorResult:
        for ind in self.indicators:
            if ind.number == number_:
                return ind
        raise KeyError(number_)

    def to_dict(self) -> dict[str, Any]:
        return {
            "framework": {
                "id": self.framework_id,
                "version": self.framework_version,
                "sha256": self.framework_sha256,
            },
            "region": self.region,
            "years": list(self.years),
            "total": number(self.total),
            "max_total": number(self.max_total),
            "passed": self.passed,
            "shortfall": {
                "total": number(self.total_shortfall),
                "levels": {level.code: number(level.shortfall) for level in self.levels},
            },
            "levels": [level.to_dict() for level in self.levels],
            "groups": [group.to_dict() for group in self.groups],
            "indicators": [ind.to_dict() for ind in self.indicators],
            "warnings": list(self.warnings),
        }
