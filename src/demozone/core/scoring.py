"""The scoring engine (SPEC §3): pure functions from a framework and an input to a scorecard.

Exactness: every comparison is made by cross-multiplying decimals inside a context that traps
``Inexact``, so a comparison that would need rounding raises instead of deciding a point on a
rounded figure. Only explanations divide, and they do it in their own display context.

Speed: a framework is compiled once into a plan (:func:`_plan`): one small evaluator per rule,
sub-item, condition and expression, holding what does not depend on the input — metric names,
paths, the wording of both verdicts, band texts, constant figures. Scoring an input then only
looks up its figures and fills them into pre-rendered text. Figures from the bundled national
data do not depend on the input either: each is resolved and worded once per year and definition.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping, Sequence
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
from functools import lru_cache
from typing import Any, NamedTuple

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
    WholeJudgmentRule,
    YearlyComparisonRule,
)
from demozone.core.inputs import ZONE_NAMES, EvaluationInput, Judgment
from demozone.core.loader import Framework
from demozone.core.numbers import plain
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
# The same, rounding a shown figure to 2 decimals half up.
_SHOWN = Context(prec=40, rounding=ROUND_HALF_UP)
_ZERO = Decimal(0)
_ONE = Decimal(1)
_HUNDRED = Decimal(100)
_TWO_PLACES = Decimal("0.01")
_NO_VALUES: Mapping[Any, Any] = {}
# Builds a NamedTuple from all its fields at C speed (its own constructor is a Python function);
# used where an evaluation builds many of them.
_new = tuple.__new__


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
        if scale != _ONE:
            value = _DISPLAY.multiply(value, scale)
        return str(_SHOWN.quantize(value, _TWO_PLACES))


def compare(word: str, left: Q, right: Q) -> bool:
    """``left <word> right`` by cross-multiplication: no division, nothing rounded."""
    return OPERATORS[word](left.num * right.den, right.num * left.den)


def points_text(score: Decimal) -> str:
    return f"得 {plain(score)} 分" if score else "不得分"


# Memos below keep at most this many entries: their keys take few values in practice, but
# a caller of score() may build inputs with any values, and a server runs for long.
_MEMO_SIZE = 512


class _PointsTexts(dict[Decimal, str]):
    """``，得 1 分`` / ``，不得分``: how an award ends a reason, worded once per value (the
    wording depends on the value alone)."""

    def __missing__(self, award: Decimal) -> str:
        text = f"，{points_text(award)}"
        if len(self) < _MEMO_SIZE:
            self[award] = text
        return text


_AWARD_TEXTS = _PointsTexts()


# The values below are built dozens of times per evaluation; NamedTuples are immutable and cheap.
class Missing(NamedTuple):
    paths: tuple[str, ...]


class Undefined(NamedTuple):
    why: str


class Figure(NamedTuple):
    value: Q
    text: str  # how the figure reads in an explanation
    definition: str | None = None


Resolved = Figure | Missing | Undefined


class _Outcome(NamedTuple):
    """A computed test: met or not, with its explanation; or why it could not be computed."""

    met: bool | None
    text: str
    missing: tuple[str, ...] = ()
    undefined: tuple[str, ...] = ()


# --- the evaluation context -----------------------------------------------------------------


class _Run:
    """What one evaluation adds to the plan: the input, the national data, collected warnings."""

    __slots__ = ("counts", "data", "figures", "judgments", "rates", "ref", "warnings")

    def __init__(self, data: EvaluationInput, ref: NationalReference) -> None:
        self.data = data
        self.ref = ref
        self.counts = data.counts
        self.rates = data.rates
        self.judgments = data.judgments
        self.warnings: list[str] = []
        # (measure, year) → its figure: several indicators compare the same growth or share
        self.figures: dict[tuple[_Measure, int], Resolved] = {}

    def warn(self, message: str) -> None:
        if message not in self.warnings:
            self.warnings.append(message)


# --- expressions ----------------------------------------------------------------------------
# Each compiled expression resolves to a Figure whose text is its explanation, or says why not.


class _Count:
    """``{count: x}``, optionally scaled (``times: 0.5``). Never undefined."""

    __slots__ = ("metric", "missing", "name", "times", "times_text")

    def __init__(self, fw: Framework, e: CountExpr) -> None:
        self.metric = e.count
        self.name = fw.metrics[e.count].name
        self.times = None if e.times == 1 else e.times
        self.times_text = plain(_EXACT.multiply(e.times, _HUNDRED))
        self.missing = Missing((f"counts.{e.count}",))

    def resolve(self, run: _Run) -> Resolved:
        count = run.counts.get(self.metric)
        if count is None:
            return self.missing
        if self.times is None:
            return _new(Figure, (_new(Q, (count, _ONE)), f"{self.name} {plain(count)}", None))
        scaled = count * self.times
        text = f"{self.name} {plain(count)} × {self.times_text}% = {plain(scaled)}"
        return _new(Figure, (_new(Q, (scaled, _ONE)), text, None))


class _Ratio:
    """``numerator / denominator`` of two counts, in percent. Undefined when the denominator is 0."""

    __slots__ = ("absent", "den", "lead", "num", "zero")

    def __init__(self, fw: Framework, num_id: str, den_id: str) -> None:
        self.num, self.den = num_id, den_id
        self.lead = f"{fw.metrics[num_id].name} / {fw.metrics[den_id].name} = "
        self.zero = Undefined(f"counts.{den_id} 为 0（分母为 0），比率无法计算")
        # (numerator absent, denominator absent) → the paths to name
        self.absent = {
            (True, True): Missing((f"counts.{num_id}", f"counts.{den_id}")),
            (True, False): Missing((f"counts.{num_id}",)),
            (False, True): Missing((f"counts.{den_id}",)),
        }

    def resolve(self, run: _Run) -> Resolved:
        num, den = run.counts.get(self.num), run.counts.get(self.den)
        if num is None or den is None:
            return self.absent[num is None, den is None]
        if not den:
            return self.zero
        q: Q = _new(Q, (num * _HUNDRED, den))
        text = f"{self.lead}{plain(num)} / {plain(den)} = {q.shown()}%"
        return _new(Figure, (q, text, None))


class _Rate:
    """A stated percentage of the region or of the nation."""

    __slots__ = ("lead", "missing", "rate", "scope")

    def __init__(self, fw: Framework, e: RateExpr) -> None:
        self.scope, self.rate = e.scope, e.rate
        who = "本地区" if e.scope == "region" else "全国"
        self.lead = f"{who}{fw.metrics[e.rate].name} "
        self.missing = Missing((f"rates.{e.scope}.{e.rate}",))

    def resolve(self, run: _Run) -> Resolved:
        rate = run.rates.get(self.scope, _NO_VALUES).get(self.rate)
        if rate is None:
            return self.missing
        return _new(Figure, (_new(Q, (rate, _ONE)), f"{self.lead}{plain(rate)}%", None))


class _Value:
    """A constant, in the unit of the other side: percent beside a ratio or a rate."""

    __slots__ = ("figure",)

    def __init__(self, value: Decimal, percent: bool) -> None:
        self.figure = Figure(Q(value, _ONE), f"{plain(value)}{'%' if percent else ''}")

    def resolve(self, run: _Run) -> Resolved:
        return self.figure


_CompiledExpr = _Count | _Ratio | _Rate | _Value


def _compile_expr(fw: Framework, e: Expr, other: Expr) -> _CompiledExpr:
    if isinstance(e, CountExpr):
        return _Count(fw, e)
    if isinstance(e, RatioExpr):
        return _Ratio(fw, *e.ratio)
    if isinstance(e, RateExpr):
        return _Rate(fw, e)
    return _Value(e.value, percent=isinstance(other, RatioExpr | RateExpr))


def _unresolved(sides: Sequence[Resolved]) -> _Outcome:
    """The outcome of a test some side of which is missing or undefined."""
    missing = tuple(p for r in sides if isinstance(r, Missing) for p in r.paths)
    undefined = tuple(r.why for r in sides if isinstance(r, Undefined))
    return _Outcome(None, "", missing, undefined)


class _Comparison:
    """``left <word> right``, with the verdict worded both ways in advance."""

    __slots__ = ("left", "op", "right", "said_met", "said_unmet", "word")

    def __init__(self, fw: Framework, cmp: Comparison) -> None:
        self.left = _compile_expr(fw, cmp.left, other=cmp.right)
        self.right = _compile_expr(fw, cmp.right, other=cmp.left)
        self.word = cmp.word
        self.op = OPERATORS[cmp.word]
        self.said_met = f"，{said(cmp.word, True)} "
        self.said_unmet = f"，{said(cmp.word, False)} "

    def outcome(self, run: _Run) -> _Outcome:
        left, right = self.left.resolve(run), self.right.resolve(run)
        if not (isinstance(left, Figure) and isinstance(right, Figure)):
            return _unresolved((left, right))
        (left_num, left_den), left_text, _ = left
        (right_num, right_den), right_text, _ = right
        # as compare(): cross-multiplied, nothing rounded
        ok = self.op(left_num * right_den, right_num * left_den)
        text = f"{left_text}{self.said_met if ok else self.said_unmet}{right_text}"
        return _new(_Outcome, (ok, text, (), ()))


def _all(outcomes: list[_Outcome]) -> _Outcome:
    if len(outcomes) == 1:  # most tests are one comparison: nothing to combine
        return outcomes[0]
    missing: tuple[str, ...] = ()
    undefined: tuple[str, ...] = ()
    met = True
    for o in outcomes:
        if o.missing:
            missing += o.missing
        if o.undefined:
            undefined += o.undefined
        if not o.met:
            met = False
    if missing or undefined:
        return _Outcome(None, "", missing, undefined)
    return _new(_Outcome, (met, "；".join([o.text for o in outcomes]), (), ()))


# --- items ----------------------------------------------------------------------------------


def _item(
    run: _Run, item_id: str, points: Decimal, outcome: _Outcome, award: Decimal
) -> ItemResult:
    """Turn a computed outcome into an item, applying the missing / undefined rules of SPEC §3."""
    if not (outcome.missing or outcome.undefined):  # the usual case first
        if run.judgments.get(item_id) is not None:
            run.warn(f"judgments.{item_id}：该项已由数据计算得分，判定未采用")
        reason = outcome.text + _AWARD_TEXTS[award]
        return _new(ItemResult, (item_id, award, points, "scored", reason, (), None))
    if outcome.missing:
        paths = tuple(dict.fromkeys(outcome.missing))
        listed = "、".join(paths)
        if all(p.startswith("judgments.") for p in paths):
            reason = f"尚未判定（{listed}），暂不得分"
        else:
            reason = f"缺少数据：{listed}，暂不得分"
        if run.judgments.get(item_id) is not None:
            # A judgment stands in only for a figure that cannot be computed (SPEC §3).
            run.warn(f"judgments.{item_id}：该项缺少数据，判定未采用")
        return ItemResult(item_id, _ZERO, points, "missing", reason, missing=paths)
    judged = run.judgments.get(item_id)
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
    return ItemResult(item_id, award, points, "scored", outcome.text + _AWARD_TEXTS[award])


def _judged_score(value: Judgment, points: Decimal) -> Decimal:
    if isinstance(value, bool):
        return points if value else _ZERO
    return value


def _judgment_text(value: Judgment, score: Decimal, points: Decimal) -> str:
    if isinstance(value, bool):
        return f"判定：{'符合' if value else '不符合'}，{points_text(score)}"
    return f"判定得 {plain(score)} 分（满分 {plain(points)} 分）"


class _JudgedItem:
    """An item scored by judgment alone: a judged sub-item, or a whole-judgment indicator.

    Its result depends on the judgment only, and a judgment takes few values (true, false, a
    score in steps): each result is built once and shared, as results are immutable.
    """

    __slots__ = ("by_score", "by_verdict", "id", "pending", "points")

    def __init__(self, item_id: str, points: Decimal) -> None:
        self.id, self.points = item_id, points
        path = f"judgments.{item_id}"
        self.pending = ItemResult(
            item_id, _ZERO, points, "missing", f"尚未判定（{path}），暂不得分", (path,)
        )
        # Apart, as True == 1 == Decimal(1): met / not met, and scores.
        self.by_verdict: dict[Judgment, ItemResult] = {}
        self.by_score: dict[Judgment, ItemResult] = {}

    def result(self, run: _Run) -> ItemResult:
        judged = run.judgments.get(self.id)
        if judged is None:
            return self.pending
        worded = self.by_verdict if type(judged) is bool else self.by_score
        found = worded.get(judged)
        if found is None:
            score, text = _judged(judged, self.points)
            found = ItemResult(self.id, score, self.points, "scored", text)
            if len(worded) < _MEMO_SIZE:
                worded[judged] = found
        return found


# (is a bool, judgment, points) → (score, reason), shared by all items of equal points.
_JUDGED: dict[tuple[bool, Judgment, Decimal], tuple[Decimal, str]] = {}


def _judged(judged: Judgment, points: Decimal) -> tuple[Decimal, str]:
    key = (type(judged) is bool, judged, points)
    found = _JUDGED.get(key)
    if found is None:
        score = _judged_score(judged, points)
        found = (score, _judgment_text(judged, score, points))
        if len(_JUDGED) < _MEMO_SIZE:
            _JUDGED[key] = found
    return found


class _ComputedItem:
    """A sub-item earning its points when all its comparisons hold."""

    __slots__ = ("id", "points", "single", "tests")

    def __init__(
        self, fw: Framework, item_id: str, points: Decimal, tests: Sequence[Comparison]
    ) -> None:
        self.id, self.points = item_id, points
        self.tests = tuple(_Comparison(fw, cmp) for cmp in tests)
        self.single = self.tests[0] if len(self.tests) == 1 else None

    def result(self, run: _Run) -> ItemResult:
        single = self.single
        if single is not None:
            outcome = single.outcome(run)
        else:
            outcome = _all([test.outcome(run) for test in self.tests])
        return _item(run, self.id, self.points, outcome, self.points if outcome.met else _ZERO)


# --- yearly measures ------------------------------------------------------------------------


class _Measure(ABC):
    """One side of a yearly comparison: a growth or a share, of the region or of the nation.

    A figure's text is the whole side as it reads in the reason: who, what, the percentage and,
    in brackets, where it came from.
    """

    def __init__(self, fw: Framework, m: GrowthMeasure | ShareMeasure) -> None:
        self.scope, self.metric, self.stated = m.scope, m.metric, m.stated
        metric = fw.metrics[m.metric]
        self.name = metric.name
        self.definition_names = dict(metric.definitions)
        # The indicator's own definition, unless the input names another.
        self.default_definition = next(iter(metric.definitions), None)
        self.who = "本地区" if m.scope == "region" else "全国"
        self.region = m.scope == "region"
        # (year, definition) → (the national data it is from, the figure, the warnings it brings)
        self.bundled: dict[tuple[int, str | None], tuple[NationalReference, Resolved, list[str]]]
        self.bundled = {}

    def definition_name(self, definition: str | None) -> str:
        if definition is None:
            return self.name
        return self.definition_names.get(definition, self.name)

    def _definition(self, run: _Run) -> str | None:
        if self.default_definition is None:
            return None
        chosen = run.data.definitions.get(self.scope, _NO_VALUES).get(self.metric)
        return chosen or self.default_definition

    def resolve(self, run: _Run, year: int) -> Resolved:
        # A measure's figure depends on the run and the year only (equal measures are one
        # object, see _compile_measure); its warnings are in run.warnings from the first time.
        found = run.figures.get((self, year))
        if found is None:
            found = run.figures[self, year] = self._resolve(run, year)
        return found

    def _resolve(self, run: _Run, year: int) -> Resolved:
        definition = self._definition(run)
        if self.region or run.data.national_given:
            found = self._from_input(
                run.data.statistics.get(self.scope, _NO_VALUES), year, definition
            )
            if found is not None:
                return found
        return self._from_bundled(run, year, definition)

    def _from_bundled(self, run: _Run, year: int, definition: str | None) -> Resolved:
        cached = self.bundled.get((year, definition))
        if cached is None or cached[0] is not run.ref:
            notes: list[str] = []
            cached = (run.ref, self._bundled(run.ref, year, definition, notes), notes)
            if len(self.bundled) < _MEMO_SIZE:
                self.bundled[year, definition] = cached
        for note in cached[2]:
            run.warn(note)
        return cached[1]

    @abstractmethod
    def _from_input(
        self, stats: Mapping[str, Mapping[int, Decimal]], year: int, definition: str | None
    ) -> Resolved | None:
        """The figure from the input's statistics; None to fall back on the bundled data."""

    @abstractmethod
    def _bundled(
        self, ref: NationalReference, year: int, definition: str | None, notes: list[str]
    ) -> Resolved:
        """The figure from the bundled national data; warnings go to ``notes``."""


class _Growth(_Measure):
    """A yearly growth: stated, computed from two yearly levels, or bundled national data."""

    def __init__(self, fw: Framework, m: GrowthMeasure) -> None:
        super().__init__(fw, m)
        self.stated_source = "公布增速" if self.region else "输入的全国公布增速"
        self.computed_how = "按绝对额" if self.region else "按输入的全国绝对额"

    def explained(self, value: Q, source: str, definition: str | None) -> Figure:
        name = self.definition_name(definition)
        shown = value.shown(_HUNDRED, _ONE)
        return _new(Figure, (value, f"{self.who}{name}增速 {shown}%（{source}）", definition))

    def _from_input(
        self, stats: Mapping[str, Mapping[int, Decimal]], year: int, definition: str | None
    ) -> Resolved | None:
        stated = stats.get(self.stated, _NO_VALUES).get(year) if self.stated else None
        if stated is not None:
            return self.explained(Q(_HUNDRED + stated, _HUNDRED), self.stated_source, definition)
        levels = stats.get(self.metric, _NO_VALUES)
        now, before = levels.get(year), levels.get(year - 1)
        if now is not None and before is not None:
            if before == 0:
                return Undefined(
                    f"statistics.{self.scope}.{self.metric}.{year - 1} 为 0，增速无法计算"
                )
            how = f"{self.computed_how} {plain(now)} / {plain(before)} 计算"
            return self.explained(_new(Q, (now, before)), how, definition)
        if self.region or levels or (self.stated and stats.get(self.stated)):
            paths = [
                f"statistics.{self.scope}.{self.metric}.{y}"
                for y, v in ((year - 1, before), (year, now))
                if v is None
            ]
            if self.stated:
                paths.append(f"statistics.{self.scope}.{self.stated}.{year}")
            return Missing(tuple(paths))
        return None

    def _bundled(
        self, ref: NationalReference, year: int, definition: str | None, notes: list[str]
    ) -> Resolved:
        for series in ref.candidates(self.metric, definition):
            value = series.at(year)
            if value is None:
                continue
            if value.preliminary:
                notes.append(
                    f"全国{series.name} {year}年数据为初步数（{value.publication}），以最终公报为准"
                )
            if value.growth is not None:
                return self.explained(
                    Q(_HUNDRED + value.growth, _HUNDRED),
                    f"{series.publisher}公布，{value.publication}",
                    series.definition,
                )
            before = series.at(year - 1)
            if before is not None and before.level:
                return self.explained(
                    Q(value.level, before.level),
                    f"按{series.publisher}公布的绝对额计算，{value.publication}",
                    series.definition,
                )
        return Missing((f"statistics.national.{self.stated or self.metric}.{year}",))


class _Share(_Measure):
    """A yearly share of one series in another: stated, computed, or bundled national data."""

    def __init__(self, fw: Framework, m: ShareMeasure) -> None:
        super().__init__(fw, m)
        self.of = m.of
        self.of_name = fw.metrics[m.of].name
        self.stated_source = "公布占比" if self.region else "输入的全国公布占比"
        self.computed_how = "按" if self.region else "按输入的全国数据"

    def explained(self, value: Q, source: str, definition: str | None) -> Figure:
        name = self.definition_name(definition)
        shown = value.shown(_HUNDRED)
        text = f"{self.who}{name}占{self.of_name}比重 {shown}%（{source}）"
        return _new(Figure, (value, text, definition))

    def _from_input(
        self, stats: Mapping[str, Mapping[int, Decimal]], year: int, definition: str | None
    ) -> Resolved | None:
        stated = stats.get(self.stated, _NO_VALUES).get(year) if self.stated else None
        if stated is not None:
            return self.explained(Q(stated, _HUNDRED), self.stated_source, definition)
        part = stats.get(self.metric, _NO_VALUES).get(year)
        whole = stats.get(self.of, _NO_VALUES).get(year)
        if part is not None and whole is not None:
            if whole == 0:
                return Undefined(f"statistics.{self.scope}.{self.of}.{year} 为 0，占比无法计算")
            how = f"{self.computed_how} {plain(part)} / {plain(whole)} 计算"
            return self.explained(_new(Q, (part, whole)), how, definition)
        if self.region or part is not None or whole is not None:
            paths = [
                f"statistics.{self.scope}.{mid}.{year}"
                for mid, v in ((self.metric, part), (self.of, whole))
                if v is None
            ]
            if self.stated:
                paths.append(f"statistics.{self.scope}.{self.stated}.{year}")
            return Missing(tuple(paths))
        return None

    def _bundled(
        self, ref: NationalReference, year: int, definition: str | None, notes: list[str]
    ) -> Resolved:
        wholes = ref.candidates(self.of, None)
        whole = wholes[0].at(year) if wholes else None
        for series in ref.candidates(self.metric, definition):
            value = series.at(year)
            if value is None:
                continue
            if series.definition == definition and value.share is not None:
                return self.explained(
                    Q(value.share, _HUNDRED),
                    f"{series.publisher}公布，{value.publication}",
                    series.definition,
                )
            if whole is not None and whole.level:
                if value.preliminary or whole.preliminary:
                    notes.append(
                        f"全国{series.name} {year}年数据为初步数（{value.publication}），以最终公报为准"
                    )
                return self.explained(
                    Q(value.level, whole.level),
                    f"按{series.publisher}公布的{series.name}与{self.of_name}计算，"
                    f"{value.publication}",
                    series.definition,
                )
        return Missing((f"statistics.national.{self.stated or self.metric}.{year}",))


@lru_cache(maxsize=256)
def _compile_measure(fw: Framework, m: GrowthMeasure | ShareMeasure) -> _Growth | _Share:
    return _Growth(fw, m) if isinstance(m, GrowthMeasure) else _Share(fw, m)


# --- rules ----------------------------------------------------------------------------------
# One evaluator per rule type; ``items(run)`` gives the rule's scorecard items.


class _Yearly:
    """Per evaluated year (items ``<n>.<year>``): ``left <word> right`` earns the year's points."""

    def __init__(self, fw: Framework, ind: Indicator, rule: YearlyComparisonRule) -> None:
        self.number = ind.number
        self.points = rule.points_per_year
        self.left = _compile_measure(fw, rule.left)
        self.right = _compile_measure(fw, rule.right)
        self.word = rule.word

    def items(self, run: _Run) -> list[ItemResult]:
        results = []
        for year in run.data.years:
            left, right = self.left.resolve(run, year), self.right.resolve(run, year)
            if isinstance(left, Figure) and isinstance(right, Figure):
                met = compare(self.word, left.value, right.value)
                self._check_definitions(run, left, right, year)
                outcome = _Outcome(met, f"{year}年：{left.text}{said(self.word, met)}{right.text}")
            else:
                outcome = _unresolved((left, right))
            award = self.points if outcome.met else _ZERO
            results.append(_item(run, f"{self.number}.{year}", self.points, outcome, award))
        return results

    def _check_definitions(self, run: _Run, left: Figure, right: Figure, year: int) -> None:
        if left.definition != right.definition and left.definition and right.definition:
            named = self.left.definition_name
            run.warn(
                f"{year}年：本地区采用「{named(left.definition)}」口径，"
                f"全国采用「{named(right.definition)}」口径，口径不同，比较结果仅供参考"
            )


def _band_texts(bands: tuple[Band, ...], unit: str) -> tuple[str, ...]:
    """How reaching each band reads, and (last) how reaching none reads."""
    texts = [f"达到 {plain(bands[0].min)}{unit}（含本数）"]
    texts += [
        f"达到 {plain(bands[i].min)}{unit}（含本数）、未达到 {plain(bands[i - 1].min)}{unit}"
        for i in range(1, len(bands))
    ]
    texts.append(f"未达到 {plain(bands[-1].min)}{unit}")
    return tuple(texts)


class _RatioBands:
    """``numerator / denominator`` in percent; the highest band whose ``min`` it reaches."""

    def __init__(self, fw: Framework, ind: Indicator, rule: RatioBandsRule) -> None:
        self.id, self.points = str(ind.number), ind.points
        self.ratio = _Ratio(fw, rule.numerator, rule.denominator)
        self.bands = rule.bands
        self.band_texts = _band_texts(rule.bands, "%")

    def items(self, run: _Run) -> list[ItemResult]:
        resolved = self.ratio.resolve(run)
        if not isinstance(resolved, Figure):
            return [_item(run, self.id, self.points, _unresolved((resolved,)), _ZERO)]
        q = resolved.value
        index, award = len(self.bands), _ZERO
        for i, band in enumerate(self.bands):
            if q.num >= band.min * q.den:  # ratio ≥ min, cross-multiplied
                index, award = i, band.points
                break
        text = f"{resolved.text}，{self.band_texts[index]}"
        return [_item(run, self.id, self.points, _Outcome(True, text), award)]


class _ThresholdCount:
    """Entries of the evaluated years reaching the zone's threshold; the highest band reached."""

    def __init__(self, fw: Framework, ind: Indicator, rule: ThresholdCountRule) -> None:
        self.id, self.points = str(ind.number), ind.points
        self.rule = rule
        self.band_texts = _band_texts(rule.bands, " 家")
        self.pending = _Outcome(None, "", ("large_operators",))

    def items(self, run: _Run) -> list[ItemResult]:
        operators = run.data.large_operators
        if operators is None:
            return [_item(run, self.id, self.points, self.pending, _ZERO)]
        rule = self.rule
        threshold = rule.thresholds[run.data.zone]
        years = run.data.years
        counted = [op for op in operators if op.year in years and op.ecommerce_sales >= threshold]
        n = Decimal(len(counted))
        index, award = len(rule.bands), _ZERO
        for i, band in enumerate(rule.bands):
            if n >= band.min:
                index, award = i, band.points
                break
        zone = ZONE_NAMES[run.data.zone]
        listed = "、".join(
            f"{op.name}（{op.year}年 {plain(op.ecommerce_sales)}{rule.unit}）" for op in counted
        )
        text = (
            f"{years[0]}、{years[1]}年电子商务销售额达到{zone}地区门槛 {plain(threshold)}{rule.unit}"
            f"的网络交易经营者 {len(counted)} 家{f'：{listed}' if listed else ''}"
            f"，{self.band_texts[index]}"
        )
        return [_item(run, self.id, self.points, _Outcome(True, text), award)]


class _SubItems:
    """Independent sub-items, each earning its own points."""

    def __init__(self, fw: Framework, ind: Indicator, rule: SubItemsRule) -> None:
        self.subs = tuple(
            _JudgedItem(sub.id, sub.points)
            if sub.judgment
            else _ComputedItem(fw, sub.id, sub.points, sub.all)
            for sub in rule.items
        )

    def items(self, run: _Run) -> list[ItemResult]:
        return [sub.result(run) for sub in self.subs]


class _Condition:
    """An any-of condition: a judgment, or all of its comparisons."""

    def __init__(self, fw: Framework, cond: Condition) -> None:
        self.id = cond.id
        self.judged = cond.judgment
        self.tests = tuple(_Comparison(fw, cmp) for cmp in cond.all)
        self.pending = _Outcome(None, "", (f"judgments.{cond.id}",))
        self.judged_met = _Outcome(True, f"{cond.id} 符合")
        self.judged_unmet = _Outcome(False, f"{cond.id} 不符合")

    def outcome(self, run: _Run) -> _Outcome:
        if self.judged:
            judged = run.judgments.get(self.id)
            if judged is None:
                return self.pending
            return self.judged_met if judged else self.judged_unmet
        outcome = _all([test.outcome(run) for test in self.tests])
        if outcome.met is None:
            return outcome
        verdict = "符合" if outcome.met else "不符合"
        return _Outcome(outcome.met, f"{self.id} {verdict}（{outcome.text}）")


class _AnyOf:
    """The whole indicator's points as soon as any one condition is met (符合一项即可得分)."""

    def __init__(self, fw: Framework, ind: Indicator, rule: AnyOfRule) -> None:
        self.id, self.points = str(ind.number), ind.points
        self.conditions = tuple(_Condition(fw, cond) for cond in rule.conditions)
        full = f"符合一项即可得 {plain(ind.points)} 分"
        self.met_tail = f"，{full}，得 {plain(ind.points)} 分"
        ids = "、".join(c.id for c in rule.conditions)
        self.none_met = ItemResult(
            self.id, _ZERO, ind.points, "scored", f"{ids} 均不符合（{full}），不得分"
        )

    def items(self, run: _Run) -> list[ItemResult]:
        outcomes = [cond.outcome(run) for cond in self.conditions]
        met = [o.text for o in outcomes if o.met]
        if met:
            reason = f"{'；'.join(met)}{self.met_tail}"
            return [ItemResult(self.id, self.points, self.points, "scored", reason)]
        pending = _all([o for o in outcomes if o.met is None])
        if pending.missing or pending.undefined:
            return [_item(run, self.id, self.points, pending, _ZERO)]
        return [self.none_met]


class _Whole:
    """A judgment of the whole indicator."""

    def __init__(self, fw: Framework, ind: Indicator, rule: WholeJudgmentRule) -> None:
        self.item = _JudgedItem(str(ind.number), ind.points)

    def items(self, run: _Run) -> list[ItemResult]:
        return [self.item.result(run)]


class _Capped:
    """``points_per_unit`` for each unit of a count, capped at the indicator's points."""

    def __init__(self, fw: Framework, ind: Indicator, rule: CappedCountRule) -> None:
        self.id, self.points = str(ind.number), ind.points
        self.metric = rule.metric
        self.per_unit = rule.points_per_unit
        metric = fw.metrics[rule.metric]
        self.lead = f"{metric.name} "
        self.tail = (
            f" {metric.unit}，每{metric.unit} {plain(rule.points_per_unit)} 分，"
            f"最高 {plain(ind.points)} 分"
        )
        self.pending = _Outcome(None, "", (f"counts.{rule.metric}",))

    def items(self, run: _Run) -> list[ItemResult]:
        count = run.counts.get(self.metric)
        if count is None:
            return [_item(run, self.id, self.points, self.pending, _ZERO)]
        award = min(count * self.per_unit, self.points)
        text = f"{self.lead}{plain(count)}{self.tail}"
        return [_item(run, self.id, self.points, _Outcome(True, text), award)]


_RuleEvaluator = _Yearly | _RatioBands | _ThresholdCount | _SubItems | _AnyOf | _Whole | _Capped

_RULES: dict[type, Callable[[Framework, Indicator, Any], _RuleEvaluator]] = {
    YearlyComparisonRule: _Yearly,
    RatioBandsRule: _RatioBands,
    ThresholdCountRule: _ThresholdCount,
    SubItemsRule: _SubItems,
    AnyOfRule: _AnyOf,
    WholeJudgmentRule: _Whole,
    CappedCountRule: _Capped,
}


# --- the plan -------------------------------------------------------------------------------


class _IndicatorPlan(NamedTuple):
    ind: Indicator
    rule: _RuleEvaluator
    level: str
    group: str | None
    # Judged items only: its results are shared (see _JudgedItem), and so are its own, kept
    # here by the identities of its items' results.
    judged_only: bool
    shared: dict[tuple[int, ...], IndicatorResult]


class _NodePlan(NamedTuple):
    """A level or group: its scorecard fields and where its indicators are in the plan."""

    node: Node
    positions: tuple[int, ...]


class _Plan(NamedTuple):
    indicators: tuple[_IndicatorPlan, ...]
    groups: tuple[_NodePlan, ...]
    levels: tuple[_NodePlan, ...]


@lru_cache(maxsize=16)
def _plan(fw: Framework) -> _Plan:
    """The framework compiled for scoring; built once per framework (frameworks are immutable)."""
    indicators = []
    for ind in fw.indicators:
        place = fw.placement[ind.number]
        rule = _RULES[type(ind.rule)](fw, ind, ind.rule)
        group = place.group.code if place.group else None
        judged_only = isinstance(rule, _Whole) or (
            isinstance(rule, _SubItems) and all(isinstance(s, _JudgedItem) for s in rule.subs)
        )
        indicators.append(_IndicatorPlan(ind, rule, place.level.code, group, judged_only, {}))
    position = {ind.number: i for i, ind in enumerate(fw.indicators)}

    def node_plan(node: Node) -> _NodePlan:
        return _NodePlan(node, tuple(position[n] for n in _numbers_under(node)))

    return _Plan(
        tuple(indicators),
        tuple(node_plan(g) for g in fw.groups),
        tuple(node_plan(top) for top in fw.levels),
    )


def _numbers_under(node: Node) -> list[int]:
    out = [ind.number for ind in node.indicators]
    for child in node.children:
        out.extend(_numbers_under(child))
    return out


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


def _score_indicator(run: _Run, plan: _IndicatorPlan) -> IndicatorResult:
    items = plan.rule.items(run)
    if run.data.overrides:
        items = [_override(run, item) for item in items]
    elif plan.judged_only:
        # The items' results are mostly shared objects (see _JudgedItem), and then so is the
        # indicator's, found by their identities. A kept result holds its items, so no
        # identity in a key can pass to another object.
        key = tuple(map(id, items))
        found = plan.shared.get(key)
        if found is None:
            found = _indicator_result(plan, items)
            if len(plan.shared) < _MEMO_SIZE:
                plan.shared[key] = found
        return found
    return _indicator_result(plan, items)


def _indicator_result(plan: _IndicatorPlan, items: list[ItemResult]) -> IndicatorResult:
    total = _ZERO
    worst: Status = "scored"
    for item in items:
        total += item.score
        if item.status != "scored" and SEVERITY[item.status] > SEVERITY[worst]:
            worst = item.status
    ind = plan.ind
    return IndicatorResult(
        ind.number, ind.name, total, ind.points, worst, tuple(items), plan.level, plan.group
    )


def _sum(indicators: Sequence[IndicatorResult], positions: tuple[int, ...]) -> Decimal:
    total = _ZERO
    for i in positions:
        total += indicators[i].score
    return total


def score(
    framework: Framework, data: EvaluationInput, reference: NationalReference | None = None
) -> Scorecard:
    """Score ``data`` against ``framework``. Pure: no I/O beyond the cached bundled data."""
    plan = _plan(framework)
    run = _Run(data, reference or bundled_reference())
    with localcontext(_EXACT):
        indicators = tuple([_score_indicator(run, ind) for ind in plan.indicators])
        groups = tuple(
            GroupResult(g.node.code, g.node.name, _sum(indicators, g.positions), g.node.points)
            for g in plan.groups
        )
        rate_min = framework.doc.pass_rule.level_rate_min
        levels = tuple(
            LevelResult(
                top.node.code,
                top.node.name,
                _sum(indicators, top.positions),
                top.node.points,
                rate_min,
            )
            for top in plan.levels
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
        indicators=indicators,
        warnings=tuple(run.warnings),
    )
