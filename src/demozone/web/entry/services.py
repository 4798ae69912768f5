"""数据填报: one card per indicator, with the fields its rule needs.

Field names are the input paths themselves (``counts.tips_total``), so the core's problems, which
carry those paths, land on the right field. Saving a card validates the whole would-be campaign
input with the core (:func:`apply_changes`), so the rules are the core's, not the form's.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

from demozone.core.errors import InputError, Problem
from demozone.core.framework import Indicator
from demozone.core.needs import (
    SCOPE_NAMES,
    IndicatorNeeds,
    JudgmentNeed,
    framework_needs,
    path_label,
)
from demozone.core.scorecard import IndicatorResult
from demozone.web.campaigns.access import Access
from demozone.web.campaigns.conflicts import Conflict, ConflictError
from demozone.web.campaigns.models import Assignment, Campaign, Department
from demozone.web.campaigns.permissions import Scope
from demozone.web.campaigns.services import (
    CampaignData,
    Change,
    apply_changes,
    evaluate,
    load_data,
)
from demozone.web.dashboard.services import Responsibility, responsibilities
from demozone.web.entry import concurrency

NOTE = "note:"
OP_NAME, OP_YEAR, OP_SALES, OP_NONE = "op.name", "op.year", "op.sales", "op.none"
_GROUPED = re.compile(r"^\d{1,3}(,\d{3})+(\.\d+)?$")


@dataclass
class Cell:
    name: str
    label: str
    value: str
    errors: list[str] = field(default_factory=list)
    row: Any = None


@dataclass
class ValueRow:
    """One metric of one scope: a yearly series (several cells) or a single count or rate."""

    key: str
    label: str
    unit: str
    cells: list[Cell]
    note: str
    optional: bool = False

    @property
    def note_name(self) -> str:
        return NOTE + self.key

    @property
    def errors(self) -> list[str]:
        return [e for c in self.cells for e in c.errors]


@dataclass
class OperatorRow:
    name: str
    year: str
    sales: str
    errors: list[str] = field(default_factory=list)


@dataclass
class OperatorsBlock:
    rows: list[OperatorRow]
    none: bool
    note: str
    thresholds: dict[str, Decimal]
    zone: str
    unit: str
    errors: list[str] = field(default_factory=list)

    @property
    def threshold(self) -> Decimal | None:
        return self.thresholds.get(self.zone)


@dataclass
class JudgmentField:
    need: JudgmentNeed
    value: str
    note: str
    row: Any = None
    errors: list[str] = field(default_factory=list)
    show: bool = True

    @property
    def name(self) -> str:
        return self.need.path

    @property
    def note_name(self) -> str:
        return NOTE + self.need.path

    @property
    def as_select(self) -> bool:
        return not self.need.bool_only and self.need.max > 1


@dataclass
class Card:
    indicator: Indicator
    result: IndicatorResult
    responsibility: Responsibility | None
    rows: list[ValueRow]
    operators: OperatorsBlock | None
    judgments: list[JudgmentField]
    editable: bool
    errors: list[str] = field(default_factory=list)
    saved: bool = False
    # The fields as shown (JSON), sent back to detect changes made by others meanwhile.
    base: str = ""
    conflict: bool = False

    @property
    def number(self) -> int:
        return self.indicator.number

    @property
    def has_errors(self) -> bool:
        return bool(
            self.errors
            or any(r.errors for r in self.rows)
            or any(j.errors for j in self.judgments)
            or (
                self.operators
                and (self.operators.errors or any(r.errors for r in self.operators.rows))
            )
        )


# --- building cards -------------------------------------------------------------------------


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        text = format(value, "f")
        return text.rstrip("0").rstrip(".") if "." in text else text
    return str(value)


def build_card(
    campaign: Campaign,
    number: int,
    data: CampaignData,
    result: IndicatorResult,
    responsibility: Responsibility | None,
    *,
    editable: bool,
    posted: Mapping[str, Any] | None = None,
    problems: tuple[Problem, ...] = (),
) -> Card:
    """A card showing the stored data, or (after a failed save) what was posted and why not."""
    fw = campaign.core_framework
    needs = framework_needs(fw, campaign.years)[number]
    stored = data.values_by_path(fw)
    judged = data.judgments_by_item()
    by_path: dict[str, list[str]] = {}
    for p in problems:
        by_path.setdefault(p.path, []).append(p.message)
    used: set[str] = set()

    def errors_for(path: str) -> list[str]:
        used.add(path)
        return by_path.get(path, [])

    def value_of(path: str) -> str:
        if posted is not None:
            return str(posted.get(path, "")).strip()
        row = stored.get(path)
        return _text(row.value) if row else ""

    def note_of(key: str, paths: list[str]) -> str:
        if posted is not None:
            return str(posted.get(NOTE + key, "")).strip()
        for path in paths:
            if path in stored and stored[path].source_note:
                return str(stored[path].source_note)
        return ""

    rows = []
    for s in needs.series:
        key = f"statistics.{s.scope}.{s.metric}"
        label, unit = path_label(fw, f"{key}.{s.years[0]}")
        cells = [
            Cell(
                s.path(y),
                f"{y}年",
                value_of(s.path(y)),
                errors_for(s.path(y)),
                stored.get(s.path(y)),
            )
            for y in s.years
        ]
        rows.append(
            ValueRow(
                key, label.split("（")[0], unit, cells, note_of(key, list(s.paths)), s.optional
            )
        )
    for path in [c.path for c in needs.counts] + [r.path for r in needs.rates]:
        label, unit = path_label(fw, path)
        cell = Cell(path, label, value_of(path), errors_for(path), stored.get(path))
        rows.append(ValueRow(path, label, unit, [cell], note_of(path, [path])))

    operators = None
    if needs.operators is not None:
        operators = _operators_block(
            campaign, data=data, needs=needs, posted=posted, by_path=by_path, used=used
        )

    item_status = {item.id: item.status for item in result.items}
    judgments = []
    for need in needs.judgments:
        row = judged.get(need.item)
        if posted is not None:
            value = str(posted.get(need.path, "")).strip()
            note = str(posted.get(NOTE + need.path, "")).strip()
        else:
            value = _text(row.value) if row else ""
            note = row.note if row else ""
        errs = errors_for(need.path)
        # A fallback judgment matters only when the item cannot be computed from the data.
        show = (
            not need.fallback
            or bool(value)
            or bool(errs)
            or item_status.get(need.item) == "needs_review"
        )
        judgments.append(JudgmentField(need, value, note, row, errs, show))

    leftovers = [f"{p}：{m}" for p in by_path if p not in used for m in by_path[p]]
    base = posted.get(concurrency.BASE) if posted is not None else None
    return Card(
        indicator=fw.indicator(number),
        result=result,
        responsibility=responsibility,
        rows=rows,
        operators=operators,
        judgments=judgments,
        editable=editable,
        errors=leftovers,
        base=str(base) if base else concurrency.base_json(campaign, needs, data),
    )


def _operators_block(
    campaign: Campaign,
    *,
    data: CampaignData,
    needs: IndicatorNeeds,
    posted: Mapping[str, Any] | None,
    by_path: dict[str, list[str]],
    used: set[str],
) -> OperatorsBlock:
    assert needs.operators is not None
    if posted is not None:
        raw = _posted_operators(posted)
        rows = [OperatorRow(n, y, s) for n, y, s in raw]
        none = bool(posted.get(OP_NONE))
        note = str(posted.get(NOTE + needs.operators.path, "")).strip()
    else:
        rows = [
            OperatorRow(op.name, str(op.year), _text(op.ecommerce_sales)) for op in data.operators
        ]
        none = campaign.large_operators_reported and not data.operators
        note = data.operators[0].source_note if data.operators else ""
    errors = []
    for path, messages in by_path.items():
        match = re.match(r"^large_operators(?:\[(\d+)\])?", path)
        if not match:
            continue
        used.add(path)
        index = match.group(1)
        if index is not None and int(index) < len(rows):
            field_name = path[match.end() :].lstrip(".")
            rows[int(index)].errors.extend(
                f"{_OP_FIELDS.get(field_name, field_name)}：{m}" for m in messages
            )
        else:
            errors.extend(messages)
    return OperatorsBlock(
        rows=rows,
        none=none,
        note=note,
        # Looked up by the region's zone, a str (a dict of Literal keys is not a dict of str).
        thresholds=needs.operators.thresholds,  # type: ignore[arg-type]
        zone=campaign.region.zone,
        unit=needs.operators.unit,
        errors=errors,
    )


_OP_FIELDS = {"name": "经营者名称", "year": "年度", "ecommerce_sales": "电子商务销售额"}


# --- reading a submission -------------------------------------------------------------------


def parse_number(raw: Any, *, percent: bool = False) -> Any:
    """The user's text as an exact Decimal; blank → None; anything else is passed on as text so
    that the core reports it (``应为数字，实际为文本 “abc”``)."""
    text = str(raw or "").strip().replace("，", ",").replace("．", ".")
    if not text:
        return None
    if percent:
        text = text.removesuffix("%").removesuffix("％").strip()
    if _GROUPED.match(text):
        text = text.replace(",", "")
    try:
        number = Decimal(text)
    except InvalidOperation:
        return text
    return number if number.is_finite() else text


def parse_judgment(raw: Any) -> Any:
    text = str(raw or "").strip()
    if text == "":
        return None
    if text in ("true", "false"):
        return text == "true"
    return parse_number(text)


def _posted_operators(posted: Mapping[str, Any]) -> list[tuple[str, str, str]]:
    getlist = getattr(posted, "getlist", None)
    names = getlist(OP_NAME) if getlist else []
    years = getlist(OP_YEAR) if getlist else []
    sales = getlist(OP_SALES) if getlist else []
    rows = []
    for i in range(max(len(names), len(years), len(sales))):
        row = tuple(str(col[i]).strip() if i < len(col) else "" for col in (names, years, sales))
        if any(row):
            rows.append(row)
    return rows  # type: ignore[return-value]


def changes_from_post(
    campaign: Campaign, needs: IndicatorNeeds, posted: Mapping[str, Any]
) -> list[Change]:
    fw = campaign.core_framework
    changes = []
    for s in needs.series:
        note = str(posted.get(f"{NOTE}statistics.{s.scope}.{s.metric}", "")).strip()
        percent = fw.metrics[s.metric].unit == "%"
        changes += [Change(p, parse_number(posted.get(p), percent=percent), note) for p in s.paths]
    for path, metric in [(c.path, c.metric) for c in needs.counts] + [
        (r.path, r.metric) for r in needs.rates
    ]:
        percent = fw.metrics[metric].unit == "%"
        note = str(posted.get(NOTE + path, "")).strip()
        changes.append(Change(path, parse_number(posted.get(path), percent=percent), note))
    if needs.operators is not None:
        rows = _posted_operators(posted)
        value: list[dict[str, Any]] | None = [
            {"name": n, "year": y, "ecommerce_sales": parse_number(s)} for n, y, s in rows
        ]
        if not rows and not posted.get(OP_NONE):
            value = None
        note = str(posted.get(NOTE + needs.operators.path, "")).strip()
        changes.append(Change(needs.operators.path, value, note))
    for need in needs.judgments:
        if need.path not in posted and need.fallback:
            continue  # a hidden fallback judgment was not on the form: keep what is stored
        note = str(posted.get(NOTE + need.path, "")).strip()
        changes.append(Change(need.path, parse_judgment(posted.get(need.path)), note))
    return changes


# --- the page -------------------------------------------------------------------------------


@dataclass(frozen=True)
class EntryPage:
    access: Access
    cards: list[Card]
    departments: list[Department]
    department: Department | None
    total: Any
    passed: bool


def entry_page(access: Access, department_id: int | None) -> EntryPage:
    access.require("entry.view")
    campaign = access.campaign
    data = load_data(campaign)
    evaluation = evaluate(campaign, data)
    departments = list(campaign.departments.all())
    assignments = list(campaign.assignments.all())
    resp = responsibilities(departments, assignments)
    editable = access.indicators(assignments)
    if access.edits_all:
        department = next((d for d in departments if d.pk == department_id), None)
    else:
        department = access.department
    if department is not None:
        numbers = sorted({a.indicator for a in assignments if a.department_id == department.pk})
    else:
        numbers = [ind.number for ind in campaign.core_framework.indicators]
    if access.scope("entry.view") == Scope.OWN:
        # A liaison works on its own department's indicators only.
        numbers = [n for n in numbers if n in editable]
    cards = [
        build_card(
            campaign,
            n,
            data,
            evaluation.scorecard.indicator(n),
            resp.get(n),
            editable=n in editable,
        )
        for n in numbers
    ]
    sc = evaluation.scorecard
    return EntryPage(access, cards, departments, department, sc.total, sc.passed)


@dataclass(frozen=True)
class SaveResult:
    card: Card
    total: Any
    passed: bool


def save_card(
    access: Access,
    number: int,
    posted: Mapping[str, Any],
    user: AbstractBaseUser | AnonymousUser,
) -> SaveResult:
    """Save one indicator's card. Permission is checked here, not only in the template."""
    campaign = access.campaign
    assignments = list(Assignment.objects.filter(campaign=campaign))
    access.require_edit(number, assignments)
    needs = framework_needs(campaign.core_framework, campaign.years)[number]
    old_base = concurrency.read_base(posted)
    changes = concurrency.against_base(changes_from_post(campaign, needs, posted), posted, old_base)
    problems: tuple[Problem, ...] = ()
    conflicts: tuple[Conflict, ...] = ()
    try:
        apply_changes(campaign, changes, user, allowed=needs.paths.__contains__)
    except ConflictError as exc:
        problems, conflicts = exc.problems, exc.conflicts
    except InputError as exc:
        problems = exc.problems
    campaign.refresh_from_db(fields=["large_operators_reported", "revision", "definitions", "note"])
    data = load_data(campaign)
    evaluation = evaluate(campaign, data)
    resp = responsibilities(list(campaign.departments.all()), assignments).get(number)
    if problems and old_base is not None:
        fresh = concurrency.base_of(campaign, needs, data)
        posted = concurrency.redisplay(posted, old_base, fresh, conflicts)
    card = build_card(
        campaign,
        number,
        data,
        evaluation.scorecard.indicator(number),
        resp,
        editable=True,
        posted=posted if problems else None,
        problems=problems,
    )
    card.saved = not problems
    card.conflict = bool(conflicts)
    return SaveResult(card, evaluation.scorecard.total, evaluation.scorecard.passed)


__all__ = ["SCOPE_NAMES", "Card", "EntryPage", "SaveResult", "entry_page", "save_card"]
