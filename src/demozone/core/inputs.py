"""The evaluation input (SPEC §4): strict parsing into exact, typed values.

Parsing never stops at the first problem: every problem is collected with its path and raised in
one :class:`InputError`. Which metrics exist, which are numerators of which, and which items may be
judged all come from the framework, so a revised system needs no change here.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from typing import Any, Literal, NamedTuple

from demozone.core.errors import InputError, Problem
from demozone.core.framework import Metric
from demozone.core.items import ItemSpec, item_specs
from demozone.core.loader import Framework
from demozone.core.numbers import plain

Zone = Literal["east", "central", "west"]
Scope = Literal["region", "national"]
Judgment = bool | Decimal

ZONES: dict[str, Zone] = {
    "east": "east",
    "central": "central",
    "west": "west",
    "东部": "east",
    "中部": "central",
    "西部": "west",
}
ZONE_NAMES: dict[str, str] = {"east": "东部", "central": "中部", "west": "西部"}

# Beyond 15 significant digits a decimal no longer survives a trip through a JSON float, and no
# statistic a city enters has that many.
MAX_DIGITS = 15
_LIMIT = Decimal(10) ** MAX_DIGITS
_LIMIT_INT = 10**MAX_DIGITS
MIN_YEAR, MAX_YEAR = 2000, 2100
TOP_KEYS = (
    "framework",
    "region",
    "years",
    "statistics",
    "counts",
    "rates",
    "large_operators",
    "judgments",
    "overrides",
    "note",
)
_TOP_KEYS = frozenset(TOP_KEYS)
_SCOPES = ("region", "national")
_SCOPE_KEYS = frozenset(_SCOPES)
_REGION_KEYS = frozenset(("name", "zone"))
_OPERATOR_KEYS = frozenset(("name", "year", "ecommerce_sales"))
_OVERRIDE_KEYS = frozenset(("score", "reason"))
_ZERO = Decimal(0)
_HUNDRED = Decimal(100)
_MINUS_HUNDRED = Decimal(-100)
# A year as JSON writes it (an object key is text): looked up instead of checked.
_YEAR_TEXTS = {str(year): year for year in range(MIN_YEAR, MAX_YEAR + 1)}


@dataclass(frozen=True, slots=True)
class LargeOperator:
    name: str
    year: int
    ecommerce_sales: Decimal


@dataclass(frozen=True, slots=True)
class Override:
    score: Decimal
    reason: str


@dataclass(frozen=True)
class EvaluationInput:
    """One region's evaluation data, exact and checked against the framework.

    A ``null`` anywhere a figure or judgment goes means "not reported", as in a blank template.
    """

    region: str
    zone: Zone
    years: tuple[int, int]
    framework_id: str | None = None
    # scope → metric → year → value (levels, stated growths and stated shares alike)
    statistics: Mapping[str, Mapping[str, Mapping[int, Decimal]]] = field(default_factory=dict)
    # scope → metric → definition id, where the input names the statistical definition
    definitions: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    national_given: bool = False
    counts: Mapping[str, Decimal] = field(default_factory=dict)
    rates: Mapping[str, Mapping[str, Decimal]] = field(default_factory=dict)
    large_operators: tuple[LargeOperator, ...] | None = None
    judgments: Mapping[str, Judgment] = field(default_factory=dict)
    overrides: Mapping[str, Override] = field(default_factory=dict)
    note: str = ""

    def to_dict(self) -> dict[str, Any]:
        """The input as a SPEC §4 document (numbers as JSON numbers); parsing it gives ``self``."""
        doc: dict[str, Any] = {}
        if self.framework_id is not None:
            doc["framework"] = self.framework_id
        doc["region"] = {"name": self.region, "zone": self.zone}
        doc["years"] = list(self.years)
        stats: dict[str, Any] = {}
        for scope in ("region", "national"):
            if scope == "national" and not self.national_given:
                continue
            block: dict[str, Any] = {
                metric: {str(y): _num(v) for y, v in sorted(series.items())}
                for metric, series in self.statistics.get(scope, {}).items()
            }
            if self.definitions.get(scope):
                block["definitions"] = dict(self.definitions[scope])
            stats[scope] = block
        doc["statistics"] = stats
        doc["counts"] = {k: _num(v) for k, v in self.counts.items()}
        doc["rates"] = {
            scope: {k: _num(v) for k, v in values.items()} for scope, values in self.rates.items()
        }
        if self.large_operators is not None:
            doc["large_operators"] = [
                {"name": op.name, "year": op.year, "ecommerce_sales": _num(op.ecommerce_sales)}
                for op in self.large_operators
            ]
        doc["judgments"] = {
            k: v if isinstance(v, bool) else _num(v) for k, v in self.judgments.items()
        }
        doc["overrides"] = {
            k: {"score": _num(o.score), "reason": o.reason} for k, o in self.overrides.items()
        }
        if self.note:
            doc["note"] = self.note
        return doc


def _num(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)


# --- parsing --------------------------------------------------------------------------------


class _Collector:
    """Collects problems while parsing; ``number`` and friends return None on a problem."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def add(self, path: str, message: str) -> None:
        self.problems.append(Problem(path, message))

    def mapping(self, value: Any, path: str) -> Mapping[Any, Any] | None:
        if type(value) is dict:  # the usual case, without the abstract-class check
            return value
        if value is None:
            return {}
        if not isinstance(value, Mapping):
            self.add(path, f"应为键值对映射，实际为{_kind(value)}")
            return None
        return value

    def unknown(self, data: Mapping[Any, Any], allowed: frozenset[str], path: str) -> None:
        if data.keys() <= allowed:  # the usual case: nothing to report
            return
        for key in data:
            if key not in allowed:
                self.add(_join(path, key), "未知字段（可能是拼写错误）")

    def number(self, value: Any, path: str, *, minimum: Decimal | None = None) -> Decimal | None:
        # Most figures are plain ints or short decimals: they skip the digit checks below.
        kind = type(value)
        if kind is int:
            result: Decimal | None = Decimal(value)
        elif kind is Decimal:
            result = value
        else:
            result = to_decimal(value)
        if result is None:
            self.add(path, f"应为数字，实际为{_kind(value)}")
            return None
        if not result.is_finite():
            self.add(path, "应为有限数字")
            return None
        if kind is not int:
            text = str(result)  # a short text without an exponent has few digits and places
            if (len(text) > MAX_DIGITS or "E" in text) and not self._fits(result, path):
                return None
        if abs(result) >= _LIMIT:
            self.add(path, f"数值过大（应小于 10 的 {MAX_DIGITS} 次方）")
            return None
        if minimum is not None and result < minimum:
            self.add(path, f"应为不小于 {plain(minimum)} 的数字，实际为 {plain(result)}")
            return None
        return result

    def _fits(self, result: Decimal, path: str) -> bool:
        if result == result.to_integral_value():
            return True
        _sign, digits, exponent = result.as_tuple()
        if len(digits) > MAX_DIGITS:
            self.add(path, f"有效数字不能超过 {MAX_DIGITS} 位")
            return False
        # A tiny figure such as 1E-90 has few digits but, added to 100 or to a large figure,
        # more than exact scoring can hold.
        if -int(exponent) > MAX_DIGITS:
            self.add(path, f"小数位数不能超过 {MAX_DIGITS} 位")
            return False
        return True

    def year(self, value: Any, path: str) -> int | None:
        if isinstance(value, bool):
            year = None
        elif isinstance(value, int):
            year = value
        # ASCII digits only: "²" is a digit to str.isdigit() but not to int()
        elif isinstance(value, str) and value.strip().isascii() and value.strip().isdigit():
            year = int(value.strip())
        else:
            year = None
        if year is None or not MIN_YEAR <= year <= MAX_YEAR:
            self.add(path, f"应为 {MIN_YEAR}—{MAX_YEAR} 之间的年份，实际为 {_show(value)}")
            return None
        return year

    def text(self, value: Any, path: str) -> str | None:
        if not isinstance(value, str) or not value.strip():
            self.add(path, "应为非空文本")
            return None
        return value.strip()


def _ordinary(value: Any) -> Decimal | None:
    """``value`` as a decimal when it is an ordinary figure, else None.

    Ordinary: an int below the size limit, or a finite decimal written in at most 15 characters
    without an exponent, so within the digit and size limits of :meth:`_Collector.number`. Most
    figures are; the others go through the full checks, which also word what is wrong.
    """
    if type(value) is int:
        return Decimal(value) if -_LIMIT_INT < value < _LIMIT_INT else None
    if type(value) is Decimal and value.is_finite():
        figure: Decimal = value
        text = str(figure)
        if len(text) <= MAX_DIGITS and "E" not in text:
            return figure
    return None


def to_decimal(value: Any) -> Decimal | None:
    """An exact decimal from a number as the user wrote it, or None for anything else."""
    if isinstance(value, bool):
        return None
    if isinstance(value, Decimal):
        return value
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        if math.isnan(value) or math.isinf(value):
            return Decimal(value)
        # repr is the shortest text that reads back as this float: the number the user typed.
        return Decimal(repr(value))
    return None


def _kind(value: Any) -> str:
    if value is None:
        return "空值"
    if isinstance(value, bool):
        return f"布尔值 {str(value).lower()}"
    if isinstance(value, str):
        return f"文本 “{value[:40]}”"
    if isinstance(value, Mapping):
        return "映射"
    if isinstance(value, list | tuple):
        return "列表"
    if isinstance(value, int | float | Decimal):
        return f"数字 {value}"
    return f"{type(value).__name__} 类型的值"


def _show(value: Any) -> str:
    if isinstance(value, bool) or not isinstance(value, int | Decimal):
        return _kind(value)
    return str(value)


def _join(path: str, key: Any) -> str:
    return f"{path}.{key}" if path else str(key)


def item_key(key: Any) -> str:
    """Judgment and override keys: ``10``, ``"11.3"``, an unquoted YAML ``11.3`` all mean one id."""
    if isinstance(key, Decimal):
        return format(key, "f")
    if isinstance(key, float):
        return repr(key)
    return str(key).strip()


@dataclass(frozen=True)
class _Tables:
    """What parsing needs to know of a framework's metrics, worked out once per framework."""

    # scope → metric id → metric, for the yearly figures (series, growth, share), in file order
    yearly: dict[str, dict[str, Metric]]
    yearly_keys: dict[str, frozenset[str]]  # scope → the keys allowed under statistics.<scope>
    counts: dict[str, Metric]
    count_keys: frozenset[str]
    parts: tuple[tuple[str, str], ...]  # (count, the count it cannot exceed)
    rates: dict[str, tuple[str, ...]]  # scope → the rates it has
    rate_keys: dict[str, frozenset[str]]


@lru_cache(maxsize=16)
def _tables(framework: Framework) -> _Tables:
    yearly_metrics = [m for m in framework.doc.metrics if m.kind in ("series", "growth", "share")]
    yearly = {s: {m.id: m for m in yearly_metrics if s in m.scopes} for s in _SCOPES}
    counts = framework.metrics_of_kind("count")
    rate_metrics = framework.metrics_of_kind("rate").values()
    rates = {s: tuple(m.id for m in rate_metrics if s in m.scopes) for s in _SCOPES}
    return _Tables(
        yearly=yearly,
        yearly_keys={s: frozenset((*known, "definitions")) for s, known in yearly.items()},
        counts=counts,
        count_keys=frozenset(counts),
        parts=tuple((m.id, m.part_of) for m in counts.values() if m.part_of),
        rates=rates,
        rate_keys={s: frozenset(ids) for s, ids in rates.items()},
    )


def parse_input(data: Any, framework: Framework) -> EvaluationInput:
    """Check ``data`` (a parsed YAML/JSON document) against SPEC §4 and ``framework``.

    Raises :class:`InputError` listing every problem with its path.
    """
    c = _Collector()
    if not isinstance(data, Mapping):
        raise InputError([Problem("", f"评估数据应为一个映射（键值对），实际为{_kind(data)}")])
    c.unknown(data, _TOP_KEYS, "")

    framework_id = data.get("framework")
    if framework_id is not None and not isinstance(framework_id, str):
        c.add("framework", "应为指标体系编号文本")
        framework_id = None
    elif framework_id is not None and framework_id != framework.id:
        c.add("framework", f"评估数据使用指标体系 {framework_id}，但加载的是 {framework.id}")

    tables = _tables(framework)
    region, zone = _parse_region(c, data)
    years = _parse_years(c, data.get("years"))
    statistics, definitions, national_given = _parse_statistics(c, data, framework, tables)
    counts = _parse_counts(c, data.get("counts"), tables)
    rates = _parse_rates(c, data.get("rates"), tables)
    operators = _parse_operators(c, data)
    specs = item_specs(framework, years) if years else {}
    judgeable = _judgeable(framework, years) if years else {}
    judgments = _parse_judgments(c, data.get("judgments"), specs, judgeable, years is not None)
    overrides = _parse_overrides(c, data.get("overrides"), specs, years is not None)
    note = data.get("note", "")
    if not isinstance(note, str):
        c.add("note", "应为文本")
        note = ""

    if c.problems:
        raise InputError(c.problems)
    assert region is not None and zone is not None and years is not None
    return EvaluationInput(
        framework_id=framework_id,
        region=region,
        zone=zone,
        years=years,
        statistics=statistics,
        definitions=definitions,
        national_given=national_given,
        counts=counts,
        rates=rates,
        large_operators=operators,
        judgments=judgments,
        overrides=overrides,
        note=note,
    )


def _parse_region(c: _Collector, data: Mapping[Any, Any]) -> tuple[str | None, Zone | None]:
    if "region" not in data:
        c.add("region", "缺少必填字段（地区名称 name 与所属地带 zone）")
        return None, None
    region = c.mapping(data["region"], "region")
    if region is None:
        return None, None
    c.unknown(region, _REGION_KEYS, "region")
    name = c.text(region.get("name"), "region.name")
    raw_zone = region.get("zone")
    zone = ZONES.get(raw_zone) if isinstance(raw_zone, str) else None
    if zone is None:
        c.add(
            "region.zone",
            f"应为 east（东部）、central（中部）或 west（西部），实际为 {_show(raw_zone)}",
        )
    return name, zone


def _parse_years(c: _Collector, value: Any) -> tuple[int, int] | None:
    if value is None:
        c.add("years", "缺少必填字段：两个连续的评估年度，如 [2022, 2023]")
        return None
    if not isinstance(value, list | tuple) or len(value) != 2:
        c.add("years", f"应为两个连续的评估年度，如 [2022, 2023]，实际为 {_show(value)}")
        return None
    first = c.year(value[0], "years[0]")
    second = c.year(value[1], "years[1]")
    if first is None or second is None:
        return None
    if second != first + 1:
        c.add("years", f"应为两个连续且按先后排列的年度，实际为 {first}、{second}")
        return None
    return first, second


def _parse_statistics(
    c: _Collector, data: Mapping[Any, Any], framework: Framework, tables: _Tables
) -> tuple[dict[str, dict[str, dict[int, Decimal]]], dict[str, dict[str, str]], bool]:
    statistics: dict[str, dict[str, dict[int, Decimal]]] = {}
    definitions: dict[str, dict[str, str]] = {}
    block = c.mapping(data.get("statistics"), "statistics")
    if block is None:
        return statistics, definitions, False
    c.unknown(block, _SCOPE_KEYS, "statistics")
    national_given = block.get("national") is not None
    for scope in _SCOPES:
        spath = f"statistics.{scope}"
        values = c.mapping(block.get(scope), spath)
        if values is None:
            continue
        c.unknown(values, tables.yearly_keys[scope], spath)
        parsed: dict[str, dict[int, Decimal]] = {}
        for metric_id, metric in tables.yearly[scope].items():
            if values.get(metric_id) is None:
                continue
            mpath = f"{spath}.{metric_id}"
            series = c.mapping(values[metric_id], mpath)
            if series is not None:
                parsed[metric_id] = _parse_series(c, series, mpath, metric.kind)
        statistics[scope] = parsed
        definitions[scope] = _parse_definitions(c, values.get("definitions"), framework, spath)
    return statistics, definitions, national_given


def _parse_series(
    c: _Collector, series: Mapping[Any, Any], mpath: str, kind: str
) -> dict[int, Decimal]:
    # A growth can be negative, but not below −100 %: a level cannot fall below zero.
    lowest = _MINUS_HUNDRED if kind == "growth" else _ZERO
    highest = _HUNDRED if kind == "share" else None
    parsed: dict[int, Decimal] = {}
    for raw_year, raw_value in series.items():
        if raw_value is None:  # a blank in a filled-in template: not reported
            continue
        year = _YEAR_TEXTS.get(raw_year)
        if year is None:
            year = c.year(raw_year, f"{mpath}.{raw_year}")
            if year is None:
                continue
        if year in parsed:
            c.add(f"{mpath}.{raw_year}", "年份重复")
            continue
        number = _ordinary(raw_value)
        if number is None or number < lowest or (highest is not None and number > highest):
            number = _yearly_value(c, raw_value, f"{mpath}.{raw_year}", kind)
        if number is not None:
            parsed[year] = number
    return parsed


def _yearly_value(c: _Collector, value: Any, path: str, kind: str) -> Decimal | None:
    if kind == "growth":
        return c.number(value, path, minimum=_MINUS_HUNDRED)
    number = c.number(value, path, minimum=_ZERO)
    if number is not None and kind == "share" and number > 100:
        c.add(path, f"占比应在 0—100 之间，实际为 {plain(number)}")
        return None
    return number


def _parse_definitions(
    c: _Collector, value: Any, framework: Framework, spath: str
) -> dict[str, str]:
    block = c.mapping(value, f"{spath}.definitions")
    if not block:
        return {}
    result: dict[str, str] = {}
    for metric_id, definition in block.items():
        path = f"{spath}.definitions.{metric_id}"
        metric = framework.metrics.get(str(metric_id))
        if metric is None or not metric.definitions:
            c.add(path, "该指标项没有可选的统计口径")
        elif definition not in metric.definitions:
            allowed = "、".join(f"{k}（{v}）" for k, v in metric.definitions.items())
            c.add(path, f"未知的统计口径 {_show(definition)}，可选：{allowed}")
        else:
            result[str(metric_id)] = definition
    return result


def _parse_counts(c: _Collector, value: Any, tables: _Tables) -> dict[str, Decimal]:
    block = c.mapping(value, "counts")
    if block is None:
        return {}
    c.unknown(block, tables.count_keys, "counts")
    counts: dict[str, Decimal] = {}
    for metric_id, metric in tables.counts.items():
        raw = block.get(metric_id)
        if raw is None:
            continue
        number = _ordinary(raw)
        if number is None or number < 0:
            number = c.number(raw, f"counts.{metric_id}", minimum=_ZERO)
            if number is None:
                continue
        # An int is whole; a decimal is checked.
        if metric.integer and type(raw) is not int and number != number.to_integral_value():
            c.add(f"counts.{metric_id}", f"应为整数（{metric.name}），实际为 {plain(number)}")
            continue
        counts[metric_id] = number
    for metric_id, parent in tables.parts:
        if metric_id in counts and parent in counts and counts[metric_id] > counts[parent]:
            c.add(
                f"counts.{metric_id}",
                f"不能大于 counts.{parent} ({plain(counts[metric_id])} > {plain(counts[parent])})",
            )
    return counts


def _parse_rates(c: _Collector, value: Any, tables: _Tables) -> dict[str, dict[str, Decimal]]:
    block = c.mapping(value, "rates")
    if block is None:
        return {}
    c.unknown(block, _SCOPE_KEYS, "rates")
    rates: dict[str, dict[str, Decimal]] = {}
    for scope in _SCOPES:
        values = c.mapping(block.get(scope), f"rates.{scope}")
        if values is None:
            continue
        c.unknown(values, tables.rate_keys[scope], f"rates.{scope}")
        parsed: dict[str, Decimal] = {}
        for metric_id in tables.rates[scope]:
            raw = values.get(metric_id)
            if raw is None:
                continue
            number = _ordinary(raw)
            if number is None or not 0 <= number <= 100:
                number = _percentage(c, raw, f"rates.{scope}.{metric_id}")
            if number is not None:
                parsed[metric_id] = number
        rates[scope] = parsed
    return rates


def _percentage(c: _Collector, value: Any, path: str) -> Decimal | None:
    number = c.number(value, path, minimum=_ZERO)
    if number is not None and number > 100:
        c.add(path, f"百分比应在 0—100 之间，实际为 {plain(number)}")
        return None
    return number


def _parse_operators(c: _Collector, data: Mapping[Any, Any]) -> tuple[LargeOperator, ...] | None:
    # Absent means "not reported" (missing); an empty list means "none" (SPEC §3).
    if "large_operators" not in data or data["large_operators"] is None:
        return None
    value = data["large_operators"]
    if not isinstance(value, list | tuple):
        c.add("large_operators", f"应为列表，实际为{_kind(value)}")
        return None
    operators = []
    for i, entry in enumerate(value):
        path = f"large_operators[{i}]"
        block = c.mapping(entry, path)
        if block is None:
            continue
        c.unknown(block, _OPERATOR_KEYS, path)
        name = c.text(block.get("name"), f"{path}.name")
        year = c.year(block.get("year"), f"{path}.year")
        sales = c.number(block.get("ecommerce_sales"), f"{path}.ecommerce_sales", minimum=_ZERO)
        if name is not None and year is not None and sales is not None:
            operators.append(LargeOperator(name, year, sales))
    return tuple(operators)


class _Judgeable(NamedTuple):
    spec: ItemSpec
    scores: frozenset[Decimal]  # the scores it may be given: 0, step, 2 × step … max


@lru_cache(maxsize=64)
def _judgeable(framework: Framework, years: tuple[int, int]) -> dict[str, _Judgeable]:
    """The items a judgment may name, by their ids exactly as the framework writes them."""
    table = {}
    for item_id, spec in item_specs(framework, years).items():
        if spec.judgeable and item_id == item_id.strip():
            steps = range(int(spec.max / spec.step) + 1)
            scores = frozenset() if spec.bool_only else frozenset(spec.step * k for k in steps)
            table[item_id] = _Judgeable(spec, scores)
    return table


def _parse_judgments(
    c: _Collector,
    value: Any,
    specs: dict[str, ItemSpec],
    judgeable: dict[str, _Judgeable],
    checkable: bool,
) -> dict[str, Judgment]:
    block = c.mapping(value, "judgments")
    if block is None:
        return {}
    judgments: dict[str, Judgment] = {}
    for raw_key, raw in block.items():
        if raw is None:  # not judged yet
            continue
        # The usual entry: an item by its id, judged met or not, or given one of its scores.
        known = judgeable.get(raw_key)
        if known is not None:
            if type(raw) is bool:
                judgments[known.spec.id] = raw
                continue
            number = _ordinary(raw)
            if number is not None and number in known.scores:
                judgments[known.spec.id] = number
                continue
        key = item_key(raw_key)
        judgment = _judgment(c, key, raw, specs.get(key), checkable)
        if judgment is not None:
            judgments[key] = judgment
    return judgments


def _judgment(
    c: _Collector, key: str, raw: Any, spec: ItemSpec | None, checkable: bool
) -> Judgment | None:
    path = f"judgments.{key}"
    if spec is None or not spec.judgeable:
        if checkable:
            hint = "（请按子项判定，如 28.1）" if spec is not None else ""
            c.add(path, f"没有可判定的评分项 {key}{hint}")
        return None
    if isinstance(raw, bool):
        return raw
    if spec.bool_only:
        c.add(path, f"应为 true（符合）或 false（不符合），实际为 {_show(raw)}")
        return None
    number = to_decimal(raw)
    if number is None or not number.is_finite():
        c.add(path, f"应为 true/false 或 0—{plain(spec.max)} 之间的分数，实际为{_kind(raw)}")
        return None
    if not _ZERO <= number <= spec.max or number % spec.step != 0:
        c.add(
            path,
            f"应为 0—{plain(spec.max)} 之间、以 {plain(spec.step)} 为步长的分数，"
            f"实际为 {plain(number)}",
        )
        return None
    return number


def _parse_overrides(
    c: _Collector, value: Any, specs: dict[str, ItemSpec], checkable: bool
) -> dict[str, Override]:
    block = c.mapping(value, "overrides")
    if block is None:
        return {}
    overrides: dict[str, Override] = {}
    for raw_key, raw in block.items():
        key = item_key(raw_key)
        path = f"overrides.{key}"
        spec = specs.get(key)
        if spec is None or not spec.scored:
            if checkable:
                c.add(path, f"没有评分项 {key}")
            continue
        entry = c.mapping(raw, path)
        if entry is None:
            continue
        c.unknown(entry, _OVERRIDE_KEYS, path)
        reason = entry.get("reason")
        if not isinstance(reason, str) or not reason.strip():
            c.add(f"{path}.reason", "人工核定必须填写理由")
        score = c.number(entry.get("score"), f"{path}.score", minimum=_ZERO)
        if score is not None and score > spec.max:
            c.add(f"{path}.score", f"不能超过该项满分 {plain(spec.max)}，实际为 {plain(score)}")
        elif score is not None and isinstance(reason, str) and reason.strip():
            overrides[key] = Override(score, reason.strip())
    return overrides
