"""三级对比: per scorecard item, the self-evaluation beside the provincial and the national review.

Each column is read from one sealed snapshot (:func:`snapshots.read`) — the latest 自评 submission,
the approved 省局初审 and 总局评估 (or, with nothing approved, the latest returned one) — or, for
those who may follow a review while it runs (``round.decide``: the reviewer and the administrator),
from the live :func:`services.round_result` of the open round. Nothing is scored here: every score,
reason and verdict is the one the core engine gave that column. A fixed number of queries, however
many items and votes.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any, overload

from django.contrib.auth import get_user_model

from demozone.core.framework import AnyOfRule, SubItemsRule, YearlyComparisonRule
from demozone.core.items import item_specs
from demozone.core.loader import Framework as CoreFramework
from demozone.core.numbers import plain
from demozone.core.scorecard import STATUS_NAMES
from demozone.web.audit.services import display_name
from demozone.web.campaigns.access import Access
from demozone.web.reviews import services, snapshots
from demozone.web.reviews.models import Round, Snapshot, Stage

STAGES = (Stage.SELF, Stage.PROVINCIAL, Stage.NATIONAL)
EVENT_NAMES = {
    "submitted": "提交",
    "resubmitted": "修改后重新提交",
    "approved": "通过",
    "returned": "退回修改",
}


@overload
def number(value: Decimal) -> Decimal: ...
@overload
def number(value: Any) -> Decimal | None: ...
def number(value: Any) -> Decimal | None:
    if value is None or isinstance(value, bool):
        return None
    return value if isinstance(value, Decimal) else Decimal(str(value))


def judgment_text(value: Any) -> str:
    """A judgment as people read it: 符合 / 不符合 / 1.5 分."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "符合" if value else "不符合"
    return f"{plain(number(value) or Decimal(0))} 分"


@dataclass(frozen=True)
class Note:
    """A written word on an item: the department's note, an expert's comment, the lead's
    reconciliation, a reviewer's override or a return note."""

    kind: str  # self | expert | reconciliation | override | return
    who: str
    value: str  # the judgment or score it came with, as text ("" for none)
    text: str
    item: str  # the id it was written on: a condition (28.1) shows under its item (28)

    @property
    def kind_name(self) -> str:
        return {
            "self": "自评说明",
            "expert": "专家意见",
            "reconciliation": "组长协调",
            "override": "审核员核定",
            "return": "退回修改意见",
        }[self.kind]


@dataclass(frozen=True)
class Figure:
    """A score in one column, with the change from the column before it."""

    score: Decimal | None  # None: the column has no result
    max: Decimal | None = None
    changed: bool = False
    delta: Decimal | None = None

    @property
    def present(self) -> bool:
        return self.score is not None

    @property
    def delta_text(self) -> str:
        if self.delta is None or not self.changed:
            return ""
        return f"{'+' if self.delta > 0 else ''}{plain(self.delta)}"


@dataclass(frozen=True)
class Cell(Figure):
    status: str = ""
    reason: str = ""
    judgment: str = ""
    disputed: bool = False
    notes: tuple[Note, ...] = ()

    @property
    def status_name(self) -> str:
        return STATUS_NAMES.get(self.status, self.status)


@dataclass(frozen=True)
class LevelCell(Figure):
    rate: Decimal | None = None
    rate_ok: bool | None = None


@dataclass(frozen=True)
class ItemRow:
    id: str
    label: str
    max: Decimal
    cells: tuple[Cell, ...]

    @property
    def changed(self) -> bool:
        return any(c.changed for c in self.cells)


@dataclass(frozen=True)
class IndicatorRow:
    number: int
    name: str
    max: Decimal
    cells: tuple[Figure, ...]
    items: tuple[ItemRow, ...]
    notes: tuple[tuple[Note, ...], ...]  # per column: return notes on the indicator as a whole

    @property
    def changed(self) -> bool:
        return any(c.changed for c in self.cells) or any(i.changed for i in self.items)

    @property
    def whole(self) -> bool:
        """A whole indicator is its own only item: one line shows both."""
        return len(self.items) == 1 and self.items[0].id == str(self.number)

    @property
    def columns(self) -> tuple[tuple[Figure, tuple[Note, ...]], ...]:
        return tuple(zip(self.cells, self.notes, strict=True))


@dataclass(frozen=True)
class LevelGroup:
    code: str
    name: str
    points: Decimal
    cells: tuple[LevelCell, ...]
    indicators: tuple[IndicatorRow, ...]


@dataclass(frozen=True)
class Column:
    """Where one stage's results come from."""

    stage: str
    stage_name: str
    state: str  # sealed | live | none
    round_title: str = ""
    round_status: str = ""
    snapshot_id: int | None = None
    version: int | None = None
    seal: str = ""
    event: str = ""
    sealed_at: str = ""
    sealed_by: str = ""
    base: str = ""  # what a review round judged: 「快照 v1（SHA-256 …）」
    total: Figure = Figure(None)
    passed: bool | None = None
    verdict_changed: bool = False

    @property
    def present(self) -> bool:
        return self.state != "none"

    @property
    def verdict(self) -> str:
        if self.passed is None:
            return ""
        return "达标" if self.passed else "未达标"

    @property
    def event_name(self) -> str:
        return EVENT_NAMES.get(self.event, self.event)

    @property
    def source(self) -> str:
        """One line naming the source, for headers and the workbook's 说明."""
        if self.state == "sealed":
            return f"{self.round_title} · 封存快照 v{self.version}（{self.event_name}）"
        if self.state == "live":
            return f"{self.round_title} · 进行中（实时结果，尚未封存）"
        return "尚无结果"


@dataclass(frozen=True)
class Comparison:
    columns: tuple[Column, ...]
    levels: tuple[LevelGroup, ...]
    only_changed: bool = False

    @property
    def items(self) -> list[ItemRow]:
        return [item for lv in self.levels for ind in lv.indicators for item in ind.items]

    @property
    def changed_count(self) -> int:
        return sum(1 for item in self.items if item.changed)

    def changed_only(self) -> Comparison:
        """The items that changed between stages, in their indicators and levels."""
        levels = []
        for lv in self.levels:
            indicators = []
            for ind in lv.indicators:
                items = tuple(i for i in ind.items if i.changed)
                if items or any(c.changed for c in ind.cells):
                    indicators.append(replace(ind, items=items))
            if indicators:
                levels.append(replace(lv, indicators=tuple(indicators)))
        return replace(self, levels=tuple(levels), only_changed=True)


# --- the columns' sources ---------------------------------------------------------------------


@dataclass(frozen=True)
class _Source:
    column: Column
    scorecard: Mapping[str, Any]
    judgments: Mapping[str, Any]
    notes: Mapping[str, tuple[Note, ...]]
    disputed: frozenset[str]


def _pick(listed: list[Snapshot], open_rounds: Mapping[str, Round]) -> dict[str, Any]:
    """Per stage: the snapshot or open round its column shows (None for none)."""
    chosen: dict[str, Any] = {}
    for stage in STAGES:
        mine = [s for s in listed if s.round.stage == stage]
        approved = [s for s in mine if s.event == "approved"]
        if stage == Stage.SELF:
            chosen[stage] = mine[-1] if mine else None
        elif approved:
            chosen[stage] = approved[-1]
        elif stage in open_rounds:
            chosen[stage] = open_rounds[stage]
        else:
            chosen[stage] = mine[-1] if mine else None
    return chosen


def _item_of(spec_items: Mapping[str, str], item: str) -> str:
    """The scorecard item a judged id shows under (a condition 28.1 under 28)."""
    return spec_items.get(item, item)


def _sealed_source(snap: Snapshot, doc: dict[str, Any], items: Mapping[str, str]) -> _Source:
    stage = doc["round"]["stage"]
    notes: dict[str, list[Note]] = defaultdict(list)
    if stage == Stage.SELF:
        for j in doc.get("judgments", []):
            if j.get("note"):
                notes[_item_of(items, j["item"])].append(
                    Note("self", j.get("by", ""), judgment_text(j["value"]), j["note"], j["item"])
                )
    panel = doc.get("panel") or {}
    for v in panel.get("votes", []):
        notes[_item_of(items, v["item"])].append(
            Note("expert", v["expert"], judgment_text(v["value"]), v.get("comment", ""), v["item"])
        )
    for r in panel.get("reconciliations", []):
        notes[_item_of(items, r["item"])].append(
            Note(
                "reconciliation", r.get("by", ""), judgment_text(r["value"]), r["reason"], r["item"]
            )
        )
    for o in panel.get("overrides", []):
        notes[_item_of(items, o["item"])].append(
            Note("override", o.get("by", ""), judgment_text(o["score"]), o["reason"], o["item"])
        )
    for n in doc.get("return_notes", []):
        notes[_item_of(items, n["item"])].append(Note("return", "", "", n["comment"], n["item"]))
    base = doc.get("base")
    card = doc["scorecard"]
    column = Column(
        stage=stage,
        stage_name=Stage(stage).label,
        state="sealed",
        round_title=snap.round.title,
        round_status=snap.round.get_status_display(),
        snapshot_id=snap.pk,
        version=snap.version,
        seal=snap.seal,
        event=snap.event,
        sealed_at=doc.get("sealed_at") or "",
        sealed_by=doc.get("sealed_by") or "",
        base=f"快照 v{base['version']}（SHA-256 {base['seal']}）" if base else "",
        total=Figure(number(card["total"]), number(card["max_total"])),
        passed=bool(card["passed"]),
    )
    disputed = frozenset(
        _item_of(items, r["item"]) for r in panel.get("results", []) if r.get("disputed")
    )
    return _Source(
        column,
        card,
        (doc.get("input") or {}).get("judgments") or {},
        {k: tuple(v) for k, v in notes.items()},
        disputed,
    )


def _live_source(round_: Round, items: Mapping[str, str]) -> _Source:
    result = services.round_result(round_)
    # Who reconciled or overrode: one query for all of them, not one per row.
    ids = {o.reconciliation.decided_by_id for o in result.outcomes.values() if o.reconciliation}
    ids |= {o.decided_by_id for o in result.overrides}
    users = get_user_model().objects.in_bulk([i for i in ids if i is not None])
    notes: dict[str, list[Note]] = defaultdict(list)
    disputed: set[str] = set()
    for item, outcome in result.outcomes.items():
        shown = _item_of(items, item)
        for vote in outcome.votes:
            notes[shown].append(
                Note(
                    "expert",
                    display_name(vote.expert),
                    judgment_text(vote.value),
                    vote.comment,
                    item,
                )
            )
        if outcome.reconciliation is not None:
            r = outcome.reconciliation
            notes[shown].append(
                Note(
                    "reconciliation",
                    display_name(users.get(r.decided_by_id)),
                    judgment_text(r.value),
                    r.reason,
                    item,
                )
            )
        if outcome.disputed:
            disputed.add(shown)
    for o in result.overrides:
        notes[_item_of(items, o.item)].append(
            Note(
                "override",
                display_name(users.get(o.decided_by_id)),
                judgment_text(o.score),
                o.reason,
                o.item,
            )
        )
    card = snapshots.scorecard_document(result.scorecard)
    base = round_.base
    column = Column(
        stage=round_.stage,
        stage_name=round_.get_stage_display(),
        state="live",
        round_title=round_.title,
        round_status=round_.get_status_display(),
        base=f"快照 v{base.version}（SHA-256 {base.seal}）" if base else "",
        total=Figure(number(card["total"]), number(card["max_total"])),
        passed=bool(card["passed"]),
    )
    return _Source(
        column,
        card,
        result.input.get("judgments") or {},
        {k: tuple(v) for k, v in notes.items()},
        frozenset(disputed),
    )


def _no_source(stage: str) -> _Source:
    return _Source(Column(stage, Stage(stage).label, "none"), {}, {}, {}, frozenset())


# --- the comparison ---------------------------------------------------------------------------


def compare(access: Access) -> Comparison:
    """The campaign's three columns, item by item (403 without ``comparison.view``)."""
    access.require("comparison.view")
    campaign = access.campaign
    fw = campaign.core_framework
    listed = list(
        Snapshot.objects.filter(campaign=campaign)
        .select_related("round")
        .defer("document")
        .order_by("version")
    )
    open_rounds: dict[str, Round] = {}
    if access.can("round.decide"):
        for round_ in Round.objects.filter(
            campaign=campaign, status=Round.Status.OPEN, stage__in=STAGES[1:]
        ).select_related("base"):
            round_.campaign = campaign
            open_rounds[round_.stage] = round_
    chosen = _pick(listed, open_rounds)
    wanted = [s.pk for s in chosen.values() if isinstance(s, Snapshot)]
    documents = dict(Snapshot.objects.filter(pk__in=wanted).values_list("pk", "document"))
    items = _judged_under(fw, campaign.years)
    sources = []
    for stage in STAGES:
        picked = chosen[stage]
        if isinstance(picked, Snapshot):
            picked.document = documents[picked.pk]
            sources.append(_sealed_source(picked, snapshots.read(picked), items))
        elif isinstance(picked, Round):
            sources.append(_live_source(picked, items))
        else:
            sources.append(_no_source(stage))
    return build(fw, sources)


def _judged_under(fw: CoreFramework, years: Iterable[int]) -> dict[str, str]:
    """Judged ids that are not scorecard items (any-of conditions), mapped to their item."""
    return {
        sid: str(spec.indicator)
        for sid, spec in item_specs(fw, tuple(years)).items()
        if not spec.scored
    }


def item_label(fw: CoreFramework, indicator: int, item: str) -> str:
    ind = fw.indicator(indicator)
    if item == str(indicator):
        return ind.name
    rule = ind.rule
    if isinstance(rule, YearlyComparisonRule):
        return f"{item.rsplit('.', 1)[-1]}年"
    if isinstance(rule, SubItemsRule):
        return next((c.text for c in rule.items if c.id == item), item)
    if isinstance(rule, AnyOfRule):
        return next((c.text for c in rule.conditions if c.id == item), item)
    return item


def _index(card: Mapping[str, Any]) -> tuple[dict[int, Any], dict[str, Any], dict[str, Any]]:
    indicators = {int(i["number"]): i for i in card.get("indicators", [])}
    items = {it["id"]: it for i in card.get("indicators", []) for it in i["items"]}
    levels = {str(lv["code"]): lv for lv in card.get("levels", [])}
    return indicators, items, levels


def _step(current: Decimal | None, previous: Decimal | None) -> tuple[bool, Decimal | None]:
    if current is None or previous is None:
        return False, None
    return current != previous, current - previous


def build(fw: CoreFramework, sources: list[_Source]) -> Comparison:
    """Lay the columns side by side and mark each change against the nearest earlier column."""
    indexed = [_index(s.scorecard) for s in sources]
    present = [i for i, s in enumerate(sources) if s.column.present]

    def previous(col: int) -> int | None:
        earlier = [i for i in present if i < col]
        return earlier[-1] if earlier else None

    def figure(col: int, value: Any, top: Any, prev_value: Decimal | None) -> Figure:
        score = number(value)
        changed, delta = _step(score, prev_value)
        return Figure(score, number(top), changed, delta)

    columns = []
    for col, source in enumerate(sources):
        prev = previous(col)
        column = source.column
        if column.present and prev is not None:
            before = sources[prev].column
            total = figure(col, column.total.score, column.total.max, before.total.score)
            column = replace(column, total=total, verdict_changed=column.passed != before.passed)
        columns.append(column)

    levels = []
    for level in fw.levels:
        level_cells = []
        for col in range(len(sources)):
            lv = indexed[col][2].get(str(level.code))
            if lv is None:
                level_cells.append(LevelCell(None))
                continue
            prev = previous(col)
            prev_lv = indexed[prev][2].get(str(level.code)) if prev is not None else None
            changed, delta = _step(
                number(lv["score"]), number(prev_lv["score"]) if prev_lv else None
            )
            level_cells.append(
                LevelCell(
                    number(lv["score"]),
                    number(lv["max"]),
                    changed,
                    delta,
                    rate=number(lv["rate"]),
                    rate_ok=bool(lv["rate_ok"]),
                )
            )
        rows = []
        for ind in fw.indicators:
            if fw.placement[ind.number].level.code != level.code:
                continue
            rows.append(_indicator_row(fw, ind.number, sources, indexed, previous))
        levels.append(
            LevelGroup(
                level.code, level.name, number(level.points), tuple(level_cells), tuple(rows)
            )
        )
    return Comparison(tuple(columns), tuple(levels))


def _indicator_row(
    fw: CoreFramework,
    number_: int,
    sources: list[_Source],
    indexed: list[tuple[dict[int, Any], dict[str, Any], dict[str, Any]]],
    previous: Any,
) -> IndicatorRow:
    ind = fw.indicator(number_)
    ids: list[str] = []
    for indicators, _, _ in indexed:
        for it in (indicators.get(number_) or {}).get("items", []):
            if it["id"] not in ids:
                ids.append(it["id"])
    cells = []
    for col in range(len(sources)):
        found = indexed[col][0].get(number_)
        prev = previous(col)
        before = indexed[prev][0].get(number_) if prev is not None else None
        score = number(found["score"]) if found else None
        changed, delta = _step(score, number(before["score"]) if before else None)
        cells.append(Figure(score, number(found["max"]) if found else None, changed, delta))
    items = []
    for item in ids:
        row = []
        for col, source in enumerate(sources):
            found = indexed[col][1].get(item)
            if found is None:
                row.append(Cell(None))
                continue
            prev = previous(col)
            before = indexed[prev][1].get(item) if prev is not None else None
            score = number(found["score"])
            changed, delta = _step(score, number(before["score"]) if before else None)
            row.append(
                Cell(
                    score,
                    number(found["max"]),
                    changed,
                    delta,
                    status=found["status"],
                    reason=found["reason"],
                    judgment=_judgment(item, source.judgments),
                    disputed=item in source.disputed,
                    notes=source.notes.get(item, ()),
                )
            )
        top = next((c.max for c in row if c.max is not None), Decimal(0))
        items.append(ItemRow(item, item_label(fw, number_, item), top, tuple(row)))
    notes = tuple(source.notes.get(str(number_), ()) for source in sources)
    # An indicator-wide note on a one-item indicator already shows on its item.
    if any(i.id == str(number_) for i in items):
        notes = tuple(() for _ in sources)
    return IndicatorRow(
        number_, ind.name, number(ind.points) or Decimal(0), tuple(cells), tuple(items), notes
    )


def _judgment(item: str, judgments: Mapping[str, Any]) -> str:
    """The column's judgment of the item, or of its conditions (28.1 符合；28.2 不符合)."""
    if item in judgments:
        return judgment_text(judgments[item])
    prefix = f"{item}."
    parts = [
        f"{k} {judgment_text(v)}"
        for k, v in sorted(judgments.items())
        if k.startswith(prefix) and v is not None
    ]
    return "；".join(parts)
