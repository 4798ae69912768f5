"""The batch scoring kernel's tables: a framework's scoring plan, compiled for ``demozone._fastcard``.

The kernel (src/demozone/_fastcard.c) reads one JSON line and writes its scorecard, or steps
aside (None) for anything it is not sure of, and the line takes the Python path: the engine stays
the reference and words every error. Everything the kernel writes comes from here, and all of it
from the engine: each judged indicator's JSON for every combination of its judgments
(cardjson's tables), each item's JSON around its reason, and the fragments of each reason
between its figures, taken from the engine's own compiled evaluators. What the kernel adds is
the figures themselves (exact decimals, the engine's rounding) and the choice of fragments.

``tests/core/test_fastlane.py`` holds the kernel's output byte-equal to the Python path's.
docs/decisions/0011-compiled-batch-kernel.md says why the kernel exists.
"""

from __future__ import annotations

import itertools
import operator
from decimal import Decimal
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from demozone.core.cardjson import (
    _STATUS,
    _card_plan,
    _CardPlan,
    _FastBands,
    _FastComputed,
    _FastJudged,
    _FastSubItems,
    _FastYearly,
    _forms,
    _IndicatorForm,
    _json,
    _JudgedTable,
    _key,
    _num,
    judgment_domain,
)
from demozone.core.inputs import (
    ZONE_NAMES,
    ZONES,
    EvaluationInput,
    Zone,
    _judgeable,
    _tables,
)
from demozone.core.loader import Framework
from demozone.core.numbers import plain
from demozone.core.reference import bundled_reference
from demozone.core.scoring import (
    _AWARD_TEXTS,
    Figure,
    _Capped,
    _Comparison,
    _Count,
    _Growth,
    _Measure,
    _Rate,
    _Ratio,
    _Run,
    _Share,
    _ThresholdCount,
    _Value,
    points_text,
)

try:
    from demozone import _fastcard
except ImportError:  # not built: batch scoring takes the Python path for every line
    available = False
else:
    available = True

# The kernel's codes (see _fastcard.c).
_EX_COUNT, _EX_COUNT_TIMES, _EX_RATIO, _EX_RATE, _EX_CONST, _EX_GROWTH, _EX_SHARE, _EX_NEVER = (
    range(8)
)
_IT_JUDGED, _IT_COMPARE, _IT_BANDS, _IT_THRESHOLD, _IT_CAPPED = range(5)
_IND_TABLE, _IND_ITEMS = range(2)
_OPS = {operator.gt: 0, operator.ge: 1, operator.eq: 2, operator.lt: 3, operator.le: 4}
_KINDS = {"series": 0, "growth": 1, "share": 2}
_ZONE_ORDER: tuple[Zone, ...] = ("east", "central", "west")
_SCOPES = ("region", "national")
_UNIT = Decimal(10000)  # scores in the kernel are whole units of 1/10000 point
_LONG = 2**63


class _Unsupported(Exception):
    """The plan holds something the kernel does not run: the Python path scores every line."""


if TYPE_CHECKING:
    from demozone._fastcard import Kernel, Program


def lane(framework: Framework) -> Kernel | None:
    """The framework's kernel (``.score(line: bytes) -> bytes | None``), or None when the kernel
    is not built or the framework needs a rule it does not run."""
    return _lane(framework) if available else None


@lru_cache(maxsize=16)
def _lane(framework: Framework) -> Kernel | None:
    try:
        schema = _schema(framework)
        card = _card_plan(framework)
        _check_rules(card)
    except _Unsupported:
        return None

    def build(year0: int) -> Program | None:
        try:
            return _fastcard.Program(_program(framework, card, (year0, year0 + 1)))
        except _Unsupported:
            return None

    return _fastcard.Kernel(schema, build)


def _check_rules(card: _CardPlan) -> None:
    """Every indicator is one the kernel runs (the rest of what it needs depends on the years)."""
    for form, table, fast in zip(card.forms, card.tables, card.fast, strict=True):
        if (
            table is None
            and fast is None
            and not isinstance(form.plan.rule, _ThresholdCount | _Capped)
        ):
            raise _Unsupported(type(form.plan.rule).__name__)


# --- values ---------------------------------------------------------------------------------


def _units(value: Decimal) -> int:
    scaled = value * _UNIT
    if scaled != scaled.to_integral_value() or not -_LONG < scaled < _LONG:
        raise _Unsupported(f"{value} is not a whole number of 1/10000 points")
    return int(scaled)


def _dec(value: Decimal) -> tuple[int, int]:
    """(mantissa, places) of an exact decimal."""
    if not value.is_finite():
        raise _Unsupported(f"{value} is not finite")
    exponent = value.as_tuple().exponent
    assert isinstance(exponent, int)
    places = max(0, -exponent)
    mantissa = int(value.scaleb(places))
    if places > 30 or not -_LONG < mantissa < _LONG:
        raise _Unsupported(f"{value} is out of the kernel's range")
    return mantissa, places


def _text(text: str) -> bytes:
    """A fragment of a reason, which the kernel writes unescaped into a JSON string."""
    if '"' in text or "\\" in text or any(ord(ch) < 0x20 for ch in text):
        raise _Unsupported(f"{text!r} needs escaping")
    return text.encode()


def _item_head(item_id: str, score: Decimal, points: Decimal) -> bytes:
    """An item's JSON up to its reason's opening quote."""
    return (
        b'{"id":'
        + _json(item_id)
        + b',"score":'
        + _num(score)
        + b',"max":'
        + _num(points)
        + (_STATUS["scored"] + b'"')
    )


# --- the input's schema ---------------------------------------------------------------------


def _schema(fw: Framework) -> tuple[Any, ...]:
    tables = _tables(fw)
    count_ids = list(tables.counts)
    counts = tuple(
        (
            mid.encode(),
            int(metric.integer),
            count_ids.index(metric.part_of) if metric.part_of else -1,
        )
        for mid, metric in tables.counts.items()
    )
    rates = tuple(tuple((mid.encode(),) for mid in tables.rates[scope]) for scope in _SCOPES)
    yearly = tuple((mid.encode(), _KINDS[m.kind]) for mid, m in tables.yearly["region"].items())
    zones = tuple((text.encode(), _ZONE_ORDER.index(zone)) for text, zone in ZONES.items())
    return (fw.id.encode(), counts, rates, yearly, zones)


# --- one pair of years ----------------------------------------------------------------------


class _Builder:
    """The tables of one pair of evaluated years."""

    def __init__(self, fw: Framework, years: tuple[int, int]) -> None:
        self.fw, self.years = fw, years
        tables = _tables(fw)
        self.counts = {mid: i for i, mid in enumerate(tables.counts)}
        self.rates = [{mid: i for i, mid in enumerate(tables.rates[s])} for s in _SCOPES]
        self.yearly = {mid: i for i, mid in enumerate(tables.yearly["region"])}
        self.judgeable = _judgeable(fw, years)
        self.judge_index = {item_id: i for i, item_id in enumerate(self.judgeable)}
        self.used: set[str] = set()
        self.exprs: list[tuple[Any, ...]] = []
        self.memo: dict[tuple[int, int], tuple[int, str | None]] = {}
        self._never: int | None = None
        # National figures come from the bundled data: an input that gives its own takes the
        # Python path (the kernel steps aside for any statistics.national).
        self.run = _Run(EvaluationInput(region="", zone="east", years=years), bundled_reference())

    @property
    def never(self) -> int:
        """A figure the kernel never has: a line that needs it takes the Python path. Made only
        when needed, as the kernel works out every figure of a program for each line."""
        if self._never is None:
            self._never = self.expr((_EX_NEVER,))
        return self._never

    def expr(self, spec: tuple[Any, ...]) -> int:
        self.exprs.append(spec)
        return len(self.exprs) - 1

    def count(self, metric: str) -> int:
        if metric not in self.counts:
            raise _Unsupported(metric)
        return self.counts[metric]

    def series(self, metric: str | None) -> int:
        if metric is None:
            return -1
        if metric not in self.yearly:
            raise _Unsupported(metric)
        return self.yearly[metric]

    def judge(self, item_id: str) -> int:
        if item_id not in self.judge_index:
            raise _Unsupported(item_id)
        self.used.add(item_id)
        return self.judge_index[item_id]

    # expressions: one figure each, as the engine's evaluators resolve and word it

    def compiled(self, e: Any) -> int:
        if isinstance(e, _Count):
            name = _text(f"{e.name} ")
            if e.times is None:
                return self.expr((_EX_COUNT, self.count(e.metric), name))
            middle = _text(f" × {e.times_text}% = ")
            return self.expr((_EX_COUNT_TIMES, self.count(e.metric), name, _dec(e.times), middle))
        if isinstance(e, _Ratio):
            return self.ratio(e)
        if isinstance(e, _Rate):
            scope = _SCOPES.index(e.scope)
            if e.rate not in self.rates[scope]:
                raise _Unsupported(e.rate)
            slot = self.rates[scope][e.rate]
            return self.expr((_EX_RATE, scope, slot, _text(e.lead), b"%"))
        if isinstance(e, _Value):
            return self.constant(e.figure)
        raise _Unsupported(type(e).__name__)

    def ratio(self, e: _Ratio) -> int:
        num, den = self.count(e.num), self.count(e.den)
        return self.expr((_EX_RATIO, num, den, _text(e.lead), b" / ", b" = ", b"%"))

    def constant(self, figure: Figure) -> int:
        (num, den), text, _ = figure
        return self.expr((_EX_CONST, _dec(num), _dec(den), _text(text)))

    def measure(self, m: _Measure, year: int) -> tuple[int, str | None]:
        """A yearly measure's figure and its statistical definition."""
        key = (id(m), year)
        if key not in self.memo:
            self.memo[key] = self._measure(m, year)
        return self.memo[key]

    def _measure(self, m: _Measure, year: int) -> tuple[int, str | None]:
        if not m.region:
            resolved = m.resolve(self.run, year)
            if not isinstance(resolved, Figure) or self.run.warnings:
                self.run.warnings.clear()
                return self.never, None
            return self.constant(resolved), resolved.definition
        definition = m.default_definition  # an input naming definitions takes the Python path
        name = m.definition_name(definition)
        stated = self.series(m.stated)
        if isinstance(m, _Growth):
            lead = f"{m.who}{name}增速 "
            spec = (_EX_GROWTH, stated, self.series(m.metric), year)
        elif isinstance(m, _Share):
            lead = f"{m.who}{name}占{m.of_name}比重 "
            spec = (_EX_SHARE, stated, self.series(m.metric), year)
        else:
            raise _Unsupported(type(m).__name__)
        texts = (
            _text(lead),
            _text(f"%（{m.stated_source}）"),
            _text(f"%（{m.computed_how} "),
            b" / ",
            _text(" 计算）"),
        )
        whole = (self.series(m.of),) if isinstance(m, _Share) else ()
        return self.expr((*spec, *texts, *whole)), definition

    def test(self, t: _Comparison) -> tuple[Any, ...]:
        left, right = self.compiled(t.left), self.compiled(t.right)
        return (left, right, _OPS[t.op], _text(t.said_met), _text(t.said_unmet))

    # items

    def compare(
        self, item_id: str, points: Decimal, prefix: str, tests: tuple[tuple[Any, ...], ...]
    ) -> tuple[Any, ...]:
        met_head, unmet_head, met_tail, unmet_tail = _forms(item_id, points)
        return (
            _IT_COMPARE,
            met_head + b'"',
            unmet_head + b'"',
            _text(met_tail) + b'"}',
            _text(unmet_tail) + b'"}',
            _text(prefix),
            _text("；"),
            _units(points),
            tests,
        )

    def judged_forms(self, sub: _FastJudged) -> tuple[Any, ...]:
        forms = []
        for value in judgment_domain(self.fw, sub.id):
            score, severity, text = sub.forms[_key(value)]
            forms.append((_units(score), severity, text, b""))
        self.judge(sub.id)
        return tuple(forms)

    def yearly_items(self, fast: _FastYearly) -> list[tuple[Any, ...]]:
        items = []
        for year in self.years:
            left, left_definition = self.measure(fast.left, year)
            right, right_definition = self.measure(fast.right, year)
            if left_definition and right_definition and left_definition != right_definition:
                left = self.never  # the engine warns that the definitions differ
            said_unmet, said_met = fast.said
            test = (left, right, _OPS[fast.op], _text(said_met), _text(said_unmet))
            items.append(self.compare(f"{fast.number}.{year}", fast.points, f"{year}年：", (test,)))
        return items

    def bands(self, fast: _FastBands) -> tuple[Any, ...]:
        awards = [*(award for _, award in fast.bands), Decimal(0)]
        forms = tuple(
            (_units(award), 0, head + b'"', _text(tail) + b'"}')
            for award, (head, tail) in zip(awards, fast.forms, strict=True)
        )
        mins = tuple(_dec(least) for least, _ in fast.bands)
        return (_IT_BANDS, self.ratio(fast.ratio), mins, forms)

    def threshold(self, rule: _ThresholdCount) -> tuple[Any, ...]:
        r = rule.rule
        first, second = self.years
        prefixes = tuple(
            _text(
                f"{first}、{second}年电子商务销售额达到{ZONE_NAMES[zone]}地区门槛 "
                f"{plain(r.thresholds[zone])}{r.unit}的网络交易经营者 "
            )
            for zone in _ZONE_ORDER
        )
        thresholds = tuple(_dec(r.thresholds[zone]) for zone in _ZONE_ORDER)
        frags = tuple(_text(t) for t in (" 家", "：", "（", "年 ", f"{r.unit}）", "、"))
        awards = [*(band.points for band in r.bands), Decimal(0)]
        forms = tuple(
            (
                _units(award),
                0,
                _item_head(rule.id, award, rule.points),
                _text(f"，{text}{_AWARD_TEXTS[award]}") + b'"}',
            )
            for award, text in zip(awards, rule.band_texts, strict=True)
        )
        mins = tuple(_dec(band.min) for band in r.bands)
        return (_IT_THRESHOLD, thresholds, prefixes, frags, mins, forms)

    def capped(self, rule: _Capped) -> tuple[Any, ...]:
        sentinel = Decimal(7)
        before, after = points_text(sentinel).split(plain(sentinel))
        return (
            _IT_CAPPED,
            self.count(rule.metric),
            _dec(rule.per_unit),
            _units(rule.points),
            b'{"id":' + _json(rule.id) + b',"score":',
            b',"max":' + _num(rule.points) + _STATUS["scored"] + b'"',
            _text(rule.lead),
            _text(rule.tail),
            _text(f"，{before}"),
            _text(after) + b'"}',
            _text(_AWARD_TEXTS[Decimal(0)]) + b'"}',
        )

    def indicator(self, form: _IndicatorForm, table: _JudgedTable | None, fast: Any) -> Any:
        group = -1 if form.group is None else form.group
        if table is not None:
            domains = [judgment_domain(self.fw, item_id) for item_id in table.ids]
            entries = []
            for combination in itertools.product(*domains):
                total, text = table.forms[tuple(map(_key, combination))]
                entries.append((_units(total), 0, text, b""))
            ids = tuple(self.judge(item_id) for item_id in table.ids)
            sizes = tuple(len(d) for d in domains)
            return (_IND_TABLE, form.level, group, ids, sizes, tuple(entries))
        rule = form.plan.rule
        items: list[tuple[Any, ...]]
        if isinstance(fast, _FastYearly):
            items = self.yearly_items(fast)
        elif isinstance(fast, _FastBands):
            items = [self.bands(fast)]
        elif isinstance(fast, _FastSubItems):
            items = []
            for sub in fast.subs:
                if isinstance(sub, _FastJudged):
                    items.append((_IT_JUDGED, self.judge(sub.id), self.judged_forms(sub)))
                else:
                    assert isinstance(sub, _FastComputed)
                    tests = tuple(self.test(t) for t in sub.tests)
                    items.append(self.compare(sub.id, sub.points, "", tests))
        elif isinstance(rule, _ThresholdCount):
            items = [self.threshold(rule)]
        elif isinstance(rule, _Capped):
            items = [self.capped(rule)]
        else:
            raise _Unsupported(type(rule).__name__)
        mids = tuple(form.mid[severity] for severity in range(4))
        return (_IND_ITEMS, form.level, group, form.head, mids, tuple(items))


def _program(fw: Framework, card: _CardPlan, years: tuple[int, int]) -> tuple[Any, ...]:
    b = _Builder(fw, years)
    indicators = tuple(
        b.indicator(form, table, fast)
        for form, table, fast in zip(card.forms, card.tables, card.fast, strict=True)
    )
    judgeables = tuple(
        (
            item_id.encode(),
            int(item_id in b.used),
            int(known.spec.bool_only),
            0 if known.spec.bool_only else _units(known.spec.step),
            _units(known.spec.max),
        )
        for item_id, known in b.judgeable.items()
    )
    levels = tuple(
        (lv.head, lv.tail, lv.code, _units(lv.max), _units(lv.least)) for lv in card.levels
    )
    groups = tuple((g.head, g.tail, g.code, _units(g.max), 0) for g in card.groups)
    top = (card.head, _json(list(years)), card.max_total, _units(card.total_min))
    return (years[0], judgeables, tuple(b.exprs), indicators, levels, groups, top)
