"""The scoring engine (SPEC §3): pure functions from a framework and an input to a scorecard.

Exactness: every comparison is made by cross-multiplying decimals inside a context that traps
``Inexact``, so a comparison that would need rounding raises instead of deciding a point on a
rounded figure. Only explanations divide, and they do it in their own display context.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from decimal import (
    ROUND_HALF_UP,
    Context,
    Decimal,
    DivisionByZero,
    Inexact,
    InvalidOperation,
    Overflow,
    localcontext,
)
from typing import NamedTuple

from demozone.core.framework import (
    AnyOfRule,
    Band,
    CappedCountRule,
    Comparison,
    Condition,
    CountExpr,
    Expr,
    GrowthMeasure,
    Indicator,
    Node,
    RateExpr,
    RatioBandsRule,
    RatioExpr,
    ShareMeasure,
    SubItemsRule,
    ThresholdCountRule,
    ValueExpr,
    WholeJudgmentRule,
    YearlyComparisonRule,
)
from demozone.core.inputs import ZONE_NAMES, EvaluationInput, Judgment
from demozone.core.loader import Framework
from demozone.core.reference import NationalReference, bundled_reference
from demozone.core.scorecard import (
    SEVERITY,
    GroupResult,
    IndicatorResult,
    ItemResult,
    LevelResult,
    Scorecard,
    Status,
)
from demozone.core.words import OPERATORS, said

_EXACT = Context(prec=80, traps=[InvalidOperation, DivisionByZero, Overflow, Inexact])
# Enough digits to show any ratio of two accepted figures (each < 10**15, at most 15 decimal
# places) to 2 decimals: at most 10**32 %, 35 digits.
_DISPLAY = Context(prec=40)
_ZERO = Decimal(0)
_ONE = Decimal(1)
_HUNDRED = Decimal(100)
_TWO_PLACES = Decimal("0.01")


# --- exact quantities -----------------------------------------------------------------------


class Q(NamedTuple):
    """An exact quantity ``num / den`` (den > 0). Compared only through :func:`compare`."""

    num: Decimal
    den: Decimal

    def shown(self, scale: Decimal = _ONE, shift: Decimal = _ZERO) -> str:
        """``(num / den − shift) × scale`` rounded to 2 decimals, for explanations only."""
        value = _DISPLAY.divide(self.num, self.den)
        if shift:
            value = _DISPLAY.subtract(value, shift)
        if scale != 1:
            value = _DISPLAY.multiply(value, scale)
        return str(value.quantize(_TWO_PLACES, rounding=ROUND_HALF_UP, context=_DISPLAY))


def compare(word: str, left: Q, right: Q) -> bool:
    """``left <word> right`` by cross-multiplication: no division, nothing rounded."""
    return OPERATORS[word](left.num * right.den, right.num * left.den)


def plain(value: Decimal) -> str:
    """A figure as the user wrote it: no exponent, no trailing zeros."""
    text = str(value)
    if "E" in text:
        text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def points_text(score: Decimal) -> str:
    return f"得 {plain(score)} 分" if score else "不得分"


# The values below are built dozens of times per evaluation; NamedTuples are immutable and cheap.
class Missing(NamedTuple):
    paths: tuple[str, ...]


class Undefined(NamedTuple):
    why: str


class Figure(NamedTuple):
    value: Q
    text: str  # where the figure came from
    definition: str | None = None


Resolved = Figure | Missing | Undefined


# --- the evaluation context -----------------------------------------------------------------


class _Run:
    """What one evaluation needs: the framework, the input, bundled data, collected warnings."""

    def __init__(self, fw: Framework, data: EvaluationInput, ref: NationalReference) -> None:
        self.fw = fw
        self.data = data
        self.ref = ref
        self.counts = data.counts
        self.judgments = data.judgments
        self.warnings: list[str] = []

    def warn(self, message: str) -> None:
        if message not in self.warnings:
            self.warnings.append(message)

    def name(self, metric_id: str) -> str:
        return self.fw.metrics[metric_id].name

    def definition(self, scope: str, metric_id: str) -> str | None:
        metric = self.fw.metrics[metric_id]
        if not metric.definitions:
            return None
        chosen = self.data.definitions.get(scope, {}).get(metric_id)
        return chosen or next(iter(metric.definitions))

    def definition_name(self, metric_id: str, definition: str | None) -> str:
        metric = self.fw.metrics[metric_id]
        if definition is None:
            return metric.name
        return metric.definitions.get(definition, metric.name)

    def judgment(self, item_id: str) -> Judgment | None:
        return self.judgments.get(item_id)

    # yearly figures ----------------------------------------------------------------------

    def _series(self, scope: str, metric_id: str) -> Mapping[int, Decimal]:
        return self.data.statistics.get(scope, {}).get(metric_id, {})

    def _from_input(self, scope: str) -> bool:
        return scope == "region" or self.data.national_given

    def growth(self, m: GrowthMeasure, year: int) -> Resolved:
        definition = self.definition(m.scope, m.metric)
        if self._from_input(m.scope):
            stated = self._series(m.scope, m.stated).get(year) if m.stated else None
            if stated is not None:
                source = "公布增速" if m.scope == "region" else "输入的全国公布增速"
                return Figure(Q(_HUNDRED + stated, _HUNDRED), source, definition)
            levels = self._series(m.scope, m.metric)
            now, before = levels.get(year), levels.get(year - 1)
            if now is not None and before is not None:
                base = f"statistics.{m.scope}.{m.metric}.{year - 1}"
                if before == 0:
                    return Undefined(f"{base} 为 0，增速无法计算")
                how = "按绝对额" if m.scope == "region" else "按输入的全国绝对额"
                return Figure(
                    Q(now, before), f"{how} {plain(now)} / {plain(before)} 计算", definition
                )
            if (
                m.scope == "region"
                or self._series(m.scope, m.metric)
                or (m.stated and self._series(m.scope, m.stated))
            ):
                paths = [
                    f"statistics.{m.scope}.{m.metric}.{y}"
                    for y, v in ((year - 1, before), (year, now))
                    if v is None
                ]
                if m.stated:
                    paths.append(f"statistics.{m.scope}.{m.stated}.{year}")
                return Missing(tuple(paths))
        return self._bundled_growth(m, year, definition)

    def _bundled_growth(self, m: GrowthMeasure, year: int, definition: str | None) -> Resolved:
        for series in self.ref.candidates(m.metric, definition):
            value = series.at(year)
            if value is None:
                continue
            if value.preliminary:
                self.warn(
                    f"全国{series.name} {year}年数据为初步数（{value.publication}），以最终公报为准"
                )
            if value.growth is not None:
                return Figure(
                    Q(_HUNDRED + value.growth, _HUNDRED),
                    f"{series.publisher}公布，{value.publication}",
                    series.definition,
                )
            before = series.at(year - 1)
            if before is not None and before.level:
                return Figure(
                    Q(value.level, before.level),
                    f"按{series.publisher}公布的绝对额计算，{value.publication}",
                    series.definition,
                )
        path = f"statistics.national.{m.stated or m.metric}.{year}"
        return Missing((path,))

    def share(self, m: ShareMeasure, year: int) -> Resolved:
        definition = self.definition(m.scope, m.metric)
        if self._from_input(m.scope):
            stated = self._series(m.scope, m.stated).get(year) if m.stated else None
            if stated is not None:
                source = "公布占比" if m.scope == "region" else "输入的全国公布占比"
                return Figure(Q(stated, _HUNDRED), source, definition)
            part = self._series(m.scope, m.metric).get(year)
            whole = self._series(m.scope, m.of).get(year)
            if part is not None and whole is not None:
                if whole == 0:
                    return Undefined(f"statistics.{m.scope}.{m.of}.{year} 为 0，占比无法计算")
                how = "按" if m.scope == "region" else "按输入的全国数据"
                return Figure(
                    Q(part, whole), f"{how} {plain(part)} / {plain(whole)} 计算", definition
                )
            if m.scope == "region" or part is not None or whole is not None:
                paths = [
                    f"statistics.{m.scope}.{mid}.{year}"
                    for mid, v in ((m.metric, part), (m.of, whole))
                    if v is None
                ]
                if m.stated:
                    paths.append(f"statistics.{m.scope}.{m.stated}.{year}")
                return Missing(tuple(paths))
        return self._bundled_share(m, year, definition)

    def _bundled_share(self, m: ShareMeasure, year: int, definition: str | None) -> Resolved:
        wholes = self.ref.candidates(m.of, None)
        whole = wholes[0].at(year) if wholes else None
        for series in self.ref.candidates(m.metric, definition):
            value = series.at(year)
            if value is None:
                continue
            if series.definition == definition and value.share is not None:
                return Figure(
                    Q(value.share, _HUNDRED),
                    f"{series.publisher}公布，{value.publication}",
                    series.definition,
                )
            if whole is not None and whole.level:
                if value.preliminary or whole.preliminary:
                    self.warn(
                        f"全国{series.name} {year}年数据为初步数（{value.publication}），以最终公报为准"
                    )
                return Figure(
                    Q(value.level, whole.level),
                    f"按{series.publisher}公布的{series.name}与{self.name(m.of)}计算，"
                    f"{value.publication}",
                    series.definition,
                )
        return Missing((f"statistics.national.{m.stated or m.metric}.{year}",))

    # expressions -------------------------------------------------------------------------

    def expr(self, e: Expr, percent: bool) -> tuple[Resolved, bool]:
        """An expression's value; the flag says whether it is a percentage."""
        if isinstance(e, CountExpr):
            count = self.counts.get(e.count)
            if count is None:
                return Missing((f"counts.{e.count}",)), False
            name = self.name(e.count)
            if e.times == 1:
                return Figure(Q(count, Decimal(1)), f"{name} {plain(count)}"), False
            scaled = count * e.times
            text = f"{name} {plain(count)} × {plain(e.times * _HUNDRED)}% = {plain(scaled)}"
            return Figure(Q(scaled, Decimal(1)), text), False
        if isinstance(e, RatioExpr):
            num_id, den_id = e.ratio
            num, den = self.counts.get(num_id), self.counts.get(den_id)
            absent = tuple(
                f"counts.{mid}" for mid, v in ((num_id, num), (den_id, den)) if v is None
            )
            if num is None or den is None:
                return Missing(absent), True
            if den == 0:
                return Undefined(f"counts.{den_id} 为 0（分母为 0），比率无法计算"), True
            q = Q(num * _HUNDRED, den)
            text = f"{self.name(num_id)} / {self.name(den_id)} = {plain(num)} / {plain(den)} = {q.shown()}%"
            return Figure(q, text), True
        if isinstance(e, RateExpr):
            rate = self.data.rates.get(e.scope, {}).get(e.rate)
            if rate is None:
                return Missing((f"rates.{e.scope}.{e.rate}",)), True
            who = "本地区" if e.scope == "region" else "全国"
            return Figure(Q(rate, Decimal(1)), f"{who}{self.name(e.rate)} {plain(rate)}%"), True
        unit = "%" if percent else ""
        return Figure(Q(e.value, Decimal(1)), f"{plain(e.value)}{unit}"), percent


# --- item outcomes --------------------------------------------------------------------------


class _Outcome(NamedTuple):
    """A computed test: met or not, with its explanation; or why it could not be computed."""

    met: bool | None
    text: str
    missing: tuple[str, ...] = ()
    undefined: tuple[str, ...] = ()


def _compare(run: _Run, cmp: Comparison) -> _Outcome:
    left, left_pct = run.expr(cmp.left, percent=False)
    right, _ = run.expr(cmp.right, percent=left_pct)
    if isinstance(cmp.left, ValueExpr):
        left, _ = run.expr(cmp.left, percent=isinstance(cmp.right, RatioExpr | RateExpr))
    return _combine_two(left, right, cmp.word)


def _combine_two(left: Resolved, right: Resolved, word: str) -> _Outcome:
    missing = tuple(p for r in (left, right) if isinstance(r, Missing) for p in r.paths)
    undefined = tuple(r.why for r in (left, right) if isinstance(r, Undefined))
    if missing or undefined:
        return _Outcome(None, "", missing, undefined)
    assert isinstance(left, Figure) and isinstance(right, Figure)
    ok = compare(word, left.value, right.value)
    return _Outcome(ok, f"{left.text}，{said(word, ok)} {right.text}")


def _all(outcomes: Iterable[_Outcome]) -> _Outcome:
    items = list(outcomes)
    missing = tuple(p for o in items for p in o.missing)
    undefined = tuple(u for o in items for u in o.undefined)
    if missing or undefined:
        return _Outcome(None, "", missing, undefined)
    return _Outcome(all(o.met for o in items), "；".join(o.text for o in items))


def _judged_score(value: Judgment, points: Decimal) -> Decimal:
    if isinstance(value, bool):
        return points if value else _ZERO
    return value


def _judgment_text(value: Judgment, score: Decimal, points: Decimal) -> str:
    if isinstance(value, bool):
        return f"判定：{'符合' if value else '不符合'}，{points_text(score)}"
    return f"判定得 {plain(score)} 分（满分 {plain(points)} 分）"


def _item(
    run: _Run, item_id: str, points: Decimal, outcome: _Outcome, award: Decimal
) -> ItemResult:
    """Turn a computed outcome into an item, applying the missing / undefined rules of SPEC §3."""
    if outcome.missing:
        paths = tuple(dict.fromkeys(outcome.missing))
        listed = "、".join(paths)
        if all(p.startswith("judgments.") for p in paths):
            reason = f"尚未判定（{listed}），暂不得分"
        else:
            reason = f"缺少数据：{listed}，暂不得分"
        if run.judgment(item_id) is not None:
            # A judgment stands in only for a figure that cannot be computed (SPEC §3).
            run.warn(f"judgments.{item_id}：该项缺少数据，判定未采用")
        return ItemResult(item_id, _ZERO, points, "missing", reason, missing=paths)
    judged = run.judgment(item_id)
    if outcome.undefined:
        why = "；".join(dict.fromkeys(outcome.undefined))
        if judged is not None:
            score = _judged_score(judged, points)
            return ItemResult(
                item_id,
                score,
                points,
                "scored",
                f"无法计算（{why}），按人工判定{points_text(score)}",
            )
        return ItemResult(
            item_id, _ZERO, points, "needs_review", f"无法计算：{why}，需人工判定，暂不得分"
        )
    if judged is not None:
        run.warn(f"judgments.{item_id}：该项已由数据计算得分，判定未采用")
    return ItemResult(item_id, award, points, "scored", f"{outcome.text}，{points_text(award)}")


# (is a bool, judgment, points) → (score, reason): the few possible judgments are worded once.
_JUDGED: dict[tuple[bool, Judgment, Decimal], tuple[Decimal, str]] = {}


def _judgment_item(run: _Run, item_id: str, points: Decimal) -> ItemResult:
    judged = run.judgments.get(item_id)
    if judged is None:
        path = f"judgments.{item_id}"
        return ItemResult(
            item_id, _ZERO, points, "missing", f"尚未判定（{path}），暂不得分", (path,)
        )
    key = (type(judged) is bool, judged, points)
    found = _JUDGED.get(key)
    if found is None:
        score = _judged_score(judged, points)
        found = _JUDGED[key] = (score, _judgment_text(judged, score, points))
    return ItemResult(item_id, found[0], points, "scored", found[1])


# --- rules ----------------------------------------------------------------------------------


def _yearly(run: _Run, ind: Indicator, rule: YearlyComparisonRule) -> list[ItemResult]:
    results = []
    for year in run.data.years:
        sides = []
        for m in (rule.left, rule.right):
            value = run.growth(m, year) if isinstance(m, GrowthMeasure) else run.share(m, year)
            sides.append(value)
        left, right = sides
        outcome = _combine_two(left, right, rule.word)
        if outcome.met is not None:
            assert isinstance(left, Figure) and isinstance(right, Figure)
            _check_definitions(run, rule, left, right, year)
            ltext = _measure_text(run, rule.left, left)
            rtext = _measure_text(run, rule.right, right)
            text = f"{year}年：{ltext}{said(rule.word, outcome.met)}{rtext}"
            outcome = _Outcome(outcome.met, text)
        award = rule.points_per_year if outcome.met else _ZERO
        results.append(_item(run, f"{ind.number}.{year}", rule.points_per_year, outcome, award))
    return results


def _measure_text(run: _Run, m: GrowthMeasure | ShareMeasure, fig: Figure) -> str:
    who = "本地区" if m.scope == "region" else "全国"
    name = run.definition_name(m.metric, fig.definition)
    if isinstance(m, GrowthMeasure):
        return f"{who}{name}增速 {fig.value.shown(_HUNDRED, Decimal(1))}%（{fig.text}）"
    return f"{who}{name}占{run.name(m.of)}比重 {fig.value.shown(_HUNDRED)}%（{fig.text}）"


def _check_definitions(
    run: _Run, rule: YearlyComparisonRule, left: Figure, right: Figure, year: int
) -> None:
    if left.definition != right.definition and left.definition and right.definition:
        metric = rule.left.metric
        run.warn(
            f"{year}年：本地区采用「{run.definition_name(metric, left.definition)}」口径，"
            f"全国采用「{run.definition_name(metric, right.definition)}」口径，口径不同，比较结果仅供参考"
        )


def _band_for(bands: tuple[Band, ...], reaches: Callable[[Decimal], bool]) -> tuple[int, Decimal]:
    for i, band in enumerate(bands):
        if reaches(band.min):
            return i, band.points
    return len(bands), _ZERO


def _band_text(bands: tuple[Band, ...], index: int, unit: str) -> str:
    if index == len(bands):
        return f"未达到 {plain(bands[-1].min)}{unit}"
    if index == 0:
        return f"达到 {plain(bands[0].min)}{unit}（含本数）"
    return f"达到 {plain(bands[index].min)}{unit}（含本数）、未达到 {plain(bands[index - 1].min)}{unit}"


def _ratio_bands(run: _Run, ind: Indicator, rule: RatioBandsRule) -> list[ItemResult]:
    resolved, _ = run.expr(RatioExpr(ratio=(rule.numerator, rule.denominator)), percent=True)
    if not isinstance(resolved, Figure):
        outcome = _Outcome(
            None,
            "",
            resolved.paths if isinstance(resolved, Missing) else (),
            (resolved.why,) if isinstance(resolved, Undefined) else (),
        )
        return [_item(run, str(ind.number), ind.points, outcome, _ZERO)]
    q = resolved.value
    index, award = _band_for(rule.bands, lambda lo: q.num >= lo * q.den)
    text = f"{resolved.text}，{_band_text(rule.bands, index, '%')}"
    return [_item(run, str(ind.number), ind.points, _Outcome(True, text), award)]


def _threshold_count(run: _Run, ind: Indicator, rule: ThresholdCountRule) -> list[ItemResult]:
    operators = run.data.large_operators
    item_id = str(ind.number)
    if operators is None:
        return [_item(run, item_id, ind.points, _Outcome(None, "", ("large_operators",)), _ZERO)]
    threshold = rule.thresholds[run.data.zone]
    years = run.data.years
    counted = [op for op in operators if op.year in years and op.ecommerce_sales >= threshold]
    n = Decimal(len(counted))
    index, award = _band_for(rule.bands, lambda lo: n >= lo)
    zone = ZONE_NAMES[run.data.zone]
    listed = "、".join(
        f"{op.name}（{op.year}年 {plain(op.ecommerce_sales)}{rule.unit}）" for op in counted
    )
    text = (
        f"{years[0]}、{years[1]}年电子商务销售额达到{zone}地区门槛 {plain(threshold)}{rule.unit}"
        f"的网络交易经营者 {len(counted)} 家{f'：{listed}' if listed else ''}"
        f"，{_band_text(rule.bands, index, ' 家')}"
    )
    return [_item(run, item_id, ind.points, _Outcome(True, text), award)]


def _sub_items(run: _Run, ind: Indicator, rule: SubItemsRule) -> list[ItemResult]:
    results = []
    for sub in rule.items:
        if sub.judgment:
            results.append(_judgment_item(run, sub.id, sub.points))
            continue
        outcome = _all(_compare(run, cmp) for cmp in sub.all)
        results.append(
            _item(run, sub.id, sub.points, outcome, sub.points if outcome.met else _ZERO)
        )
    return results


def _condition(run: _Run, cond: Condition) -> _Outcome:
    if cond.judgment:
        judged = run.judgment(cond.id)
        if judged is None:
            return _Outcome(None, "", (f"judgments.{cond.id}",))
        return _Outcome(bool(judged), f"{cond.id} {'符合' if judged else '不符合'}")
    outcome = _all(_compare(run, cmp) for cmp in cond.all)
    if outcome.met is None:
        return outcome
    return _Outcome(
        outcome.met, f"{cond.id} {'符合' if outcome.met else '不符合'}（{outcome.text}）"
    )


def _any_of(run: _Run, ind: Indicator, rule: AnyOfRule) -> list[ItemResult]:
    item_id = str(ind.number)
    outcomes = [_condition(run, cond) for cond in rule.conditions]
    met = [o for o in outcomes if o.met]
    full = f"符合一项即可得 {plain(ind.points)} 分"
    if met:
        reason = f"{'；'.join(o.text for o in met)}，{full}，得 {plain(ind.points)} 分"
        return [ItemResult(item_id, ind.points, ind.points, "scored", reason)]
    pending = _all(o for o in outcomes if o.met is None)
    if pending.missing or pending.undefined:
        return [_item(run, item_id, ind.points, pending, _ZERO)]
    ids = "、".join(c.id for c in rule.conditions)
    return [ItemResult(item_id, _ZERO, ind.points, "scored", f"{ids} 均不符合（{full}），不得分")]


def _whole(run: _Run, ind: Indicator, rule: WholeJudgmentRule) -> list[ItemResult]:
    return [_judgment_item(run, str(ind.number), ind.points)]


def _capped(run: _Run, ind: Indicator, rule: CappedCountRule) -> list[ItemResult]:
    item_id = str(ind.number)
    count = run.data.counts.get(rule.metric)
    if count is None:
        outcome = _Outcome(None, "", (f"counts.{rule.metric}",))
        return [_item(run, item_id, ind.points, outcome, _ZERO)]
    award = min(count * rule.points_per_unit, ind.points)
    unit = run.fw.metrics[rule.metric].unit
    text = (
        f"{run.name(rule.metric)} {plain(count)} {unit}，每{unit} {plain(rule.points_per_unit)} 分，"
        f"最高 {plain(ind.points)} 分"
    )
    return [_item(run, item_id, ind.points, _Outcome(True, text), award)]


_RULES: dict[type, Callable[[_Run, Indicator, object], list[ItemResult]]] = {
    YearlyComparisonRule: _yearly,  # type: ignore[dict-item]
    RatioBandsRule: _ratio_bands,  # type: ignore[dict-item]
    ThresholdCountRule: _threshold_count,  # type: ignore[dict-item]
    SubItemsRule: _sub_items,  # type: ignore[dict-item]
    AnyOfRule: _any_of,  # type: ignore[dict-item]
    WholeJudgmentRule: _whole,  # type: ignore[dict-item]
    CappedCountRule: _capped,  # type: ignore[dict-item]
}


# --- the whole evaluation -------------------------------------------------------------------


def _override(run: _Run, item: ItemResult) -> ItemResult:
    o = run.data.overrides.get(item.id)
    if o is None:
        return item
    reason = (
        f"人工核定 {plain(o.score)} 分（原计算结果：{plain(item.score)} 分，"
        f"{item.reason}）。理由：{o.reason}"
    )
    return ItemResult(item.id, o.score, item.max, "overridden", reason, computed=item.score)


def _worst(items: Iterable[ItemResult]) -> Status:
    worst: Status = "scored"
    for item in items:
        if SEVERITY[item.status] > SEVERITY[worst]:
            worst = item.status
    return worst


def score(
    framework: Framework, data: EvaluationInput, reference: NationalReference | None = None
) -> Scorecard:
    """Score ``data`` against ``framework``. Pure: no I/O beyond the cached bundled data."""
    run = _Run(framework, data, reference or bundled_reference())
    with localcontext(_EXACT):
        indicators = [_score_indicator(run, ind) for ind in framework.indicators]
        by_number = {ind.number: ind for ind in indicators}
        groups = tuple(
            GroupResult(g.code, g.name, _sum(by_number, _numbers_under(g)), g.points)
            for g in framework.groups
        )
        rate_min = framework.doc.pass_rule.level_rate_min
        levels = tuple(
            LevelResult(
                top.code, top.name, _sum(by_number, _numbers_under(top)), top.points, rate_min
            )
            for top in framework.levels
        )
        total = sum((lv.score for lv in levels), _ZERO)
    return Scorecard(
        framework_id=framework.id,
        framework_version=framework.version,
        framework_sha256=framework.sha256,
        region=data.region,
        years=data.years,
        total=total,
        max_total=framework.max_total,
        total_min=framework.doc.pass_rule.total_min,
        levels=levels,
        groups=groups,
        indicators=tuple(indicators),
        warnings=tuple(run.warnings),
    )


def _score_indicator(run: _Run, ind: Indicator) -> IndicatorResult:
    items = _RULES[type(ind.rule)](run, ind, ind.rule)
    if run.data.overrides:
        items = [_override(run, item) for item in items]
    total = _ZERO
    for item in items:
        total += item.score
    place = run.fw.placement[ind.number]
    return IndicatorResult(
        ind.number,
        ind.name,
        total,
        ind.points,
        _worst(items),
        tuple(items),
        place.level.code,
        place.group.code if place.group else None,
    )


def _numbers_under(node: Node) -> list[int]:
    out = [ind.number for ind in node.indicators]
    for child in node.children:
        out.extend(_numbers_under(child))
    return out


def _sum(by_number: Mapping[int, IndicatorResult], numbers: Iterable[int]) -> Decimal:
    return sum((by_number[n].score for n in numbers), _ZERO)
