"""The scorecard's JSON (SPEC §5) written straight from the scoring plan, for batch scoring.

``scorecard_json(fw, data)`` gives the bytes of ``orjson.dumps(score(fw, data).to_dict())``
without building the :class:`Scorecard` and its dicts: a scorecard is ~120 dicts and ~250 small
objects, and building, walking and freeing them was most of the cost of a batch line
(docs/decisions/0008-batch-fast-path.md). Everything that does not depend on the input is
written once per framework: keys, names, maxima, and each indicator scored by judgment alone,
whose whole JSON is worked out in advance for every combination of its judgments (a judgment
takes few values: true, false or a score in steps), by the scoring engine itself. The
indicators computed from figures are scored by the same engine, item by item, and only their
JSON is written here. An input with overrides takes the engine's own path: overrides are rare,
and an overridden item changes its indicator's whole form.

tests/core/test_batch_json.py checks both paths give the same bytes.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal, DefaultContext, localcontext
from functools import lru_cache
from typing import Any, NamedTuple

import orjson

from demozone.core.inputs import EvaluationInput, Judgment
from demozone.core.items import item_specs
from demozone.core.loader import Framework
from demozone.core.reference import NationalReference, bundled_reference
from demozone.core.scorecard import SEVERITY, ItemResult, number
from demozone.core.scoring import (
    _AWARD_TEXTS,
    _EXACT,
    Figure,
    _AnyOf,
    _Comparison,
    _ComputedItem,
    _indicator_result,
    _IndicatorPlan,
    _JudgedItem,
    _plan,
    _RatioBands,
    _Run,
    _SubItems,
    _Whole,
    _Yearly,
    score,
)
from demozone.core.words import OPERATORS, said

_ZERO = Decimal(0)
_FOUR = Decimal("0.0001")
# The context Scorecard.to_dict works in: the default one.
_DEFAULT = DefaultContext
# A judged indicator's table is built for every combination of its judgments up to this many;
# beyond (a revised system with many scored sub-items), it is scored item by item.
_TABLE_LIMIT = 4096
_dumps = orjson.dumps


def _json(value: Any) -> bytes:
    return _dumps(value)


# Scores are mostly whole or half points: their JSON is looked up, any other value computed.
_NUMBERS: dict[Decimal, bytes] = {Decimal(k) / 2: _json(number(Decimal(k) / 2)) for k in range(401)}


def _num(value: Decimal) -> bytes:
    found = _NUMBERS.get(value)
    return found if found is not None else _json(number(value))


_STATUS = {status: b',"status":' + _json(status) + b',"reason":' for status in SEVERITY}


class _ItemForms(dict[str, bytes]):
    """``{"id":…,"score":`` of each item id, written once per id."""

    def __missing__(self, item_id: str) -> bytes:
        head = b'{"id":' + _json(item_id) + b',"score":'
        if len(self) < 4096:  # ids are the framework's, for the years evaluated
            self[item_id] = head
        return head


_ITEM_HEADS = _ItemForms()
# (max, status) → ``,"max":1,"status":"scored","reason":``
_ITEM_MIDS: dict[tuple[Decimal, str], bytes] = {
    (Decimal(k) / 2, status): b',"max":' + _num(Decimal(k) / 2) + text
    for k in range(201)
    for status, text in _STATUS.items()
}


def _text(value: str) -> bytes:
    """A JSON string as orjson writes it (escaping only ``"``, ``\\`` and U+0000–U+001F),
    quicker for the usual text: orjson is slow to encode fresh non-ASCII text."""
    if value.isprintable() and '"' not in value and "\\" not in value:
        return b'"' + value.encode() + b'"'
    return _dumps(value)


def item_json(item: ItemResult) -> bytes:
    """An item as ``ItemResult.to_dict`` and orjson write it."""
    item_id, score_, max_, status, reason, missing, computed = item
    mid = _ITEM_MIDS.get((max_, status))
    if mid is None:
        mid = b',"max":' + _num(max_) + _STATUS[status]
    text = _ITEM_HEADS[item_id] + _num(score_) + mid + _text(reason)
    if missing:
        text += b',"missing":' + _dumps(missing)
    if computed is not None:
        text += b',"computed_score":' + _num(computed)
    return text + b"}"


class _IndicatorForm:
    """An indicator's JSON around its score, status and items."""

    __slots__ = ("group", "head", "level", "mid", "plan")

    def __init__(self, plan: _IndicatorPlan, level: int, group: int | None) -> None:
        ind = plan.ind
        self.plan = plan
        self.level, self.group = level, group
        self.head = b'{"number":' + _json(ind.number) + b',"name":' + _json(ind.name) + b',"score":'
        place = b',"level":' + _json(plan.level) + b',"group":' + _json(plan.group) + b',"items":['
        self.mid = {
            SEVERITY[status]: b',"max":' + _num(ind.points) + b',"status":' + _json(status) + place
            for status in SEVERITY
        }

    def write(self, items: Sequence[ItemResult]) -> tuple[Decimal, bytes]:
        """The indicator's score and JSON, as IndicatorResult.to_dict and orjson write them."""
        total = _ZERO
        worst = 0
        texts = []
        for item in items:
            total += item[1]
            severity = SEVERITY[item[3]]
            worst = max(worst, severity)
            texts.append(item_json(item))
        return total, b"".join([self.head, _num(total), self.mid[worst], b",".join(texts), b"]}"])

    def write_items(self, written: list[_Written]) -> tuple[Decimal, bytes]:
        total = _ZERO
        worst = 0
        for score_, severity, _ in written:
            total += score_
            worst = max(worst, severity)
        texts = b",".join([text for _, _, text in written])
        return total, b"".join([self.head, _num(total), self.mid[worst], texts, b"]}"])


def _key(value: Judgment | None) -> object:
    """A judgment as a table key: True == 1 == Decimal(1), so the two kinds are kept apart."""
    if value is True:
        return "true"
    if value is False:
        return "false"
    return value


class _JudgedTable(NamedTuple):
    """Every form of an indicator scored by judgment alone, by its items' judgments."""

    ids: tuple[str, ...]
    forms: dict[tuple[object, ...], tuple[Decimal, bytes]]


def _judged_ids(plan: _IndicatorPlan) -> tuple[str, ...] | None:
    """The judgment ids an indicator's score depends on, if it depends on nothing else."""
    rule = plan.rule
    if isinstance(rule, _Whole):
        return (rule.item.id,)
    if isinstance(rule, _SubItems) and all(isinstance(s, _JudgedItem) for s in rule.subs):
        return tuple(s.id for s in rule.subs)
    if isinstance(rule, _AnyOf) and all(c.judged for c in rule.conditions):
        return tuple(c.id for c in rule.conditions)
    return None


def judgment_domain(fw: Framework, item_id: str) -> list[Judgment | None]:
    """Every value a judgment of the item may take, in one fixed order: none, true, false, then
    each score in steps (the batch kernel numbers them in this order too)."""
    spec = item_specs(fw, ())[item_id]
    values: list[Judgment | None] = [None, True, False]
    if not spec.bool_only:
        values += [spec.step * k for k in range(int(spec.max / spec.step) + 1)]
    return values


def _judged_table(fw: Framework, form: _IndicatorForm, ids: tuple[str, ...]) -> _JudgedTable | None:
    domains = [judgment_domain(fw, item_id) for item_id in ids]
    size = 1
    for values in domains:
        size *= len(values)
    if size > _TABLE_LIMIT:
        return None
    forms: dict[tuple[object, ...], tuple[Decimal, bytes]] = {}
    ref = bundled_reference()
    for combination in itertools.product(*domains):
        judgments = {i: v for i, v in zip(ids, combination, strict=True) if v is not None}
        data = EvaluationInput(region="", zone="east", years=(2000, 2001), judgments=judgments)
        run = _Run(data, ref)
        with localcontext(_EXACT):
            result = _indicator_result(form.plan, form.plan.rule.items(run))
            total, text = form.write(result.items)
        assert not run.warnings and total == result.score  # judged alone: nothing to warn about
        forms[tuple(map(_key, combination))] = (total, text)
    return _JudgedTable(ids, forms)


# --- the usual case of the computed indicators, written without the engine's result objects ---
# Each ``write`` gives None for anything unusual (a figure missing or undefined, a judgment
# given for a computed item, statistics of different definitions): the indicator is then
# scored by the engine. Nothing here warns, so giving up leaves the run as it was, apart from
# figures resolved (and their warnings given) in the engine's own order.

_Written = tuple[Decimal, int, bytes]  # an item's score, severity and JSON


def _forms(item_id: str, points: Decimal) -> tuple[bytes, bytes, str, str]:
    """An item's JSON up to its reason, met and not met, and how its reason ends."""
    head = b'{"id":' + _json(item_id) + b',"score":'
    mid = b',"max":' + _num(points) + _STATUS["scored"]
    return (
        head + _num(points) + mid,
        head + _num(_ZERO) + mid,
        _AWARD_TEXTS[points],
        _AWARD_TEXTS[_ZERO],
    )


def _tests(tests: tuple[_Comparison, ...], run: _Run) -> tuple[bool, str] | None:
    """All comparisons held, and the explanation; None if any side has no figure."""
    met = True
    texts = []
    for test in tests:
        left, right = test.left.resolve(run), test.right.resolve(run)
        if left.__class__ is not Figure or right.__class__ is not Figure:
            return None
        (left_num, left_den), left_text, _ = left
        (right_num, right_den), right_text, _ = right
        ok = test.op(left_num * right_den, right_num * left_den)
        texts.append(f"{left_text}{test.said_met if ok else test.said_unmet}{right_text}")
        if not ok:
            met = False
    return met, texts[0] if len(texts) == 1 else "；".join(texts)


class _FastComputed:
    """A sub-item earning its points when all its comparisons hold."""

    __slots__ = ("forms", "id", "points", "tests")

    def __init__(self, sub: _ComputedItem) -> None:
        self.id, self.points, self.tests = sub.id, sub.points, sub.tests
        self.forms = _forms(sub.id, sub.points)

    def write(self, run: _Run) -> _Written | None:
        found = _tests(self.tests, run)
        if found is None or self.id in run.judgments:
            return None
        met, text = found
        met_head, unmet_head, met_tail, unmet_tail = self.forms
        if met:
            return self.points, 0, met_head + _text(text + met_tail) + b"}"
        return _ZERO, 0, unmet_head + _text(text + unmet_tail) + b"}"


class _FastJudged:
    """A sub-item scored by judgment: its JSON for every judgment, worked out in advance."""

    __slots__ = ("forms", "id")

    def __init__(self, sub: _JudgedItem, fw: Framework) -> None:
        self.id = sub.id
        values = judgment_domain(fw, sub.id)
        ref = bundled_reference()
        self.forms: dict[object, _Written] = {}
        for value in values:
            judgments = {} if value is None else {sub.id: value}
            data = EvaluationInput(region="", zone="east", years=(2000, 2001), judgments=judgments)
            item = sub.result(_Run(data, ref))
            self.forms[_key(value)] = (item.score, SEVERITY[item.status], item_json(item))

    def write(self, run: _Run) -> _Written | None:
        found = self.forms.get(_key(run.judgments.get(self.id)))
        return found


class _FastSubItems:
    __slots__ = ("subs",)

    def __init__(self, rule: _SubItems, fw: Framework) -> None:
        self.subs = tuple(
            _FastJudged(sub, fw) if isinstance(sub, _JudgedItem) else _FastComputed(sub)
            for sub in rule.subs
        )

    def write(self, run: _Run) -> list[_Written] | None:
        written = []
        for sub in self.subs:
            item = sub.write(run)
            if item is None:
                return None
            written.append(item)
        return written


class _FastBands:
    __slots__ = ("bands", "forms", "id", "ratio")

    def __init__(self, rule: _RatioBands) -> None:
        self.id, self.ratio = rule.id, rule.ratio
        self.bands = tuple((band.min, band.points) for band in rule.bands)
        head = b'{"id":' + _json(rule.id) + b',"score":'
        mid = b',"max":' + _num(rule.points) + _STATUS["scored"]
        # by band reached (the last: none), the JSON up to the reason and how the reason ends
        self.forms = tuple(
            (head + _num(award) + mid, f"，{text}{_AWARD_TEXTS[award]}")
            for award, text in zip(
                [*(band.points for band in rule.bands), _ZERO], rule.band_texts, strict=True
            )
        )

    def write(self, run: _Run) -> list[_Written] | None:
        resolved = self.ratio.resolve(run)
        if resolved.__class__ is not Figure or self.id in run.judgments:
            return None
        (num, den), text, _ = resolved
        index = len(self.bands)
        for i, (least, _points) in enumerate(self.bands):
            if num >= least * den:  # ratio ≥ min, cross-multiplied
                index = i
                break
        head, tail = self.forms[index]
        award = self.bands[index][1] if index < len(self.bands) else _ZERO
        return [(award, 0, head + _text(text + tail) + b"}")]


class _FastYearly:
    __slots__ = ("forms", "left", "number", "op", "points", "right", "said")

    def __init__(self, rule: _Yearly) -> None:
        self.left, self.right = rule.left, rule.right
        self.number, self.points = rule.number, rule.points
        self.op = OPERATORS[rule.word]
        self.said = (said(rule.word, False), said(rule.word, True))
        self.forms: dict[int, tuple[bytes, bytes, str, str]] = {}

    def write(self, run: _Run) -> list[_Written] | None:
        written = []
        for year in run.data.years:
            left, right = self.left.resolve(run, year), self.right.resolve(run, year)
            if left.__class__ is not Figure or right.__class__ is not Figure:
                return None
            (left_num, left_den), left_text, left_definition = left
            (right_num, right_den), right_text, right_definition = right
            if left_definition != right_definition and left_definition and right_definition:
                return None  # the engine warns
            item_id = f"{self.number}.{year}"
            if item_id in run.judgments:
                return None
            forms = self.forms.get(year)
            if forms is None:
                forms = _forms(item_id, self.points)
                if len(self.forms) < 256:  # the years evaluated
                    self.forms[year] = forms
            met_head, unmet_head, met_tail, unmet_tail = forms
            met = self.op(left_num * right_den, right_num * left_den)
            text = f"{year}年：{left_text}{self.said[met]}{right_text}"
            if met:
                written.append((self.points, 0, met_head + _text(text + met_tail) + b"}"))
            else:
                written.append((_ZERO, 0, unmet_head + _text(text + unmet_tail) + b"}"))
        return written


_Fast = _FastSubItems | _FastBands | _FastYearly


def _fast(plan: _IndicatorPlan, fw: Framework) -> _Fast | None:
    rule = plan.rule
    if isinstance(rule, _SubItems):
        return _FastSubItems(rule, fw)
    if isinstance(rule, _RatioBands):
        return _FastBands(rule)
    if isinstance(rule, _Yearly):
        return _FastYearly(rule)
    return None


class _Node:
    """A level or group: its JSON around its score, written in advance for whole and half points."""

    __slots__ = ("code", "forms", "head", "least", "level", "max", "tail")

    def __init__(self, code: str, name: str, max_: Decimal, least: Decimal | None) -> None:
        self.code = _json(code)
        self.head = b'{"code":' + self.code + b',"name":' + _json(name) + b',"score":'
        self.max = max_
        self.level = least is not None
        self.least = _ZERO if least is None else least  # levels: the pass rule's minimum score
        self.tail = b',"max":' + _num(max_) + (b',"rate":' if self.level else b"}")
        self.forms: dict[Decimal, bytes] = {}
        for k in range(int(max_ * 2) + 1):
            self.forms[Decimal(k) / 2] = self.write(Decimal(k) / 2)

    def write(self, total: Decimal) -> bytes:
        text = self.head + _num(total) + self.tail
        if not self.level:
            return text
        # As LevelResult.to_dict: the rate divides in the default context, rounds half up.
        with localcontext(_DEFAULT):
            rate = float((total / self.max).quantize(_FOUR, rounding=ROUND_HALF_UP))
            ok = total >= self.least
        return text + _dumps(rate) + (b',"rate_ok":true}' if ok else b',"rate_ok":false}')

    def json(self, total: Decimal) -> bytes:
        found = self.forms.get(total)
        return found if found is not None else self.write(total)


class _CardPlan(NamedTuple):
    forms: tuple[_IndicatorForm, ...]
    tables: tuple[_JudgedTable | None, ...]
    fast: tuple[_Fast | None, ...]
    groups: tuple[_Node, ...]
    levels: tuple[_Node, ...]
    head: bytes  # up to the region's name
    max_total: bytes
    total_min: Decimal


@lru_cache(maxsize=16)
def _card_plan(fw: Framework) -> _CardPlan:
    plan = _plan(fw)
    level_of = {n: i for i, top in enumerate(plan.levels) for n in top.positions}
    group_of = {n: i for i, g in enumerate(plan.groups) for n in g.positions}
    forms = tuple(
        _IndicatorForm(p, level_of[n], group_of.get(n)) for n, p in enumerate(plan.indicators)
    )
    tables = []
    for form in forms:
        ids = _judged_ids(form.plan)
        tables.append(_judged_table(fw, form, ids) if ids else None)
    rate_min = fw.doc.pass_rule.level_rate_min
    with localcontext(_DEFAULT):
        levels = tuple(
            _Node(t.node.code, t.node.name, t.node.points, rate_min * t.node.points)
            for t in plan.levels
        )
    framework = {"id": fw.id, "version": fw.version, "sha256": fw.sha256}
    return _CardPlan(
        forms=forms,
        tables=tuple(tables),
        fast=tuple(
            _fast(form.plan, fw) if t is None else None
            for form, t in zip(forms, tables, strict=True)
        ),
        groups=tuple(_Node(g.node.code, g.node.name, g.node.points, None) for g in plan.groups),
        levels=levels,
        head=b'{"framework":' + _json(framework) + b',"region":',
        max_total=_num(fw.max_total),
        total_min=fw.doc.pass_rule.total_min,
    )


def scorecard_json(
    framework: Framework, data: EvaluationInput, reference: NationalReference | None = None
) -> bytes:
    """``orjson.dumps(score(framework, data, reference).to_dict())``, written directly."""
    if data.overrides:
        return _dumps(score(framework, data, reference).to_dict())
    card = _card_plan(framework)
    run = _Run(data, reference or bundled_reference())
    keys = {
        k: "true" if v is True else "false" if v is False else v for k, v in data.judgments.items()
    }
    level_scores = [_ZERO] * len(card.levels)
    group_scores = [_ZERO] * len(card.groups)
    parts: list[bytes] = []
    with localcontext(_EXACT):
        for form, table, fast in zip(card.forms, card.tables, card.fast, strict=True):
            if table is not None:
                total, text = table.forms[tuple(map(keys.get, table.ids))]
            else:
                written = fast.write(run) if fast is not None else None
                if written is None:
                    total, text = form.write(form.plan.rule.items(run))
                else:
                    total, text = form.write_items(written)
            parts.append(text)
            level_scores[form.level] += total
            if form.group is not None:
                group_scores[form.group] += total
        total = sum(level_scores, _ZERO)
        # Exact in any context: as Scorecard.to_dict works them out in the caller's.
        passed = total >= card.total_min and all(
            s >= lv.least for s, lv in zip(level_scores, card.levels, strict=True)
        )
        shortfalls = b",".join(
            [
                lv.code + b":" + _num(max(_ZERO, lv.least - s))
                for lv, s in zip(card.levels, level_scores, strict=True)
            ]
        )
        total_shortfall = _num(max(_ZERO, card.total_min - total))
    return b"".join(
        [
            card.head,
            _dumps(data.region),
            b',"years":',
            _dumps(data.years),
            b',"total":',
            _num(total),
            b',"max_total":',
            card.max_total,
            b',"passed":true' if passed else b',"passed":false',
            b',"shortfall":{"total":',
            total_shortfall,
            b',"levels":{',
            shortfalls,
            b'}},"levels":[',
            b",".join([lv.json(s) for lv, s in zip(card.levels, level_scores, strict=True)]),
            b'],"groups":[',
            b",".join([g.json(s) for g, s in zip(card.groups, group_scores, strict=True)]),
            b'],"indicators":[',
            b",".join(parts),
            b'],"warnings":',
            _dumps(run.warnings),
            b"}",
        ]
    )
