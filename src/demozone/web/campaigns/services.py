"""One engine: the campaign's data becomes a SPEC §4 input, which the core parses and scores.

The platform never scores any other way: :func:`evaluate` is
``score(framework, parse_input(build_input(campaign), framework))``. Every write goes through
:func:`apply_changes` or :func:`import_document`, which validate the whole would-be input with the
core's ``parse_input`` before anything is stored, inside one transaction.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import yaml
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from demozone.core.errors import InputError, Problem
from demozone.core.inputs import EvaluationInput, parse_input
from demozone.core.loader import Framework as CoreFramework
from demozone.core.needs import OPERATORS_PATH, indicator_of_path
from demozone.core.scorecard import Scorecard
from demozone.core.scoring import score
from demozone.core.yamlio import load_yaml
from demozone.web.audit.data import record_data_change, record_document_diff
from demozone.web.audit.services import record
from demozone.web.campaigns.conflicts import NO_CHECK, ConflictError, find_conflicts
from demozone.web.campaigns.errors import NotAllowedError
from demozone.web.campaigns.models import (
    Assignment,
    Campaign,
    Department,
    Judgment,
    LargeOperator,
    MetricValue,
    Override,
)

log = logging.getLogger(__name__)

User = AbstractBaseUser | AnonymousUser


# --- reading --------------------------------------------------------------------------------


@dataclass(frozen=True)
class CampaignData:
    """Everything a campaign holds that goes into its input, loaded in four queries."""

    values: tuple[MetricValue, ...]
    operators: tuple[LargeOperator, ...]
    judgments: tuple[Judgment, ...]
    overrides: tuple[Override, ...]

    def values_by_path(self, fw: CoreFramework) -> dict[str, MetricValue]:
        return {value_path(v, fw): v for v in self.values}

    def judgments_by_item(self) -> dict[str, Judgment]:
        return {j.item: j for j in self.judgments}


def load_data(campaign: Campaign) -> CampaignData:
    return CampaignData(
        values=tuple(MetricValue.objects.filter(campaign=campaign).select_related("entered_by")),
        operators=tuple(
            LargeOperator.objects.filter(campaign=campaign).select_related("entered_by")
        ),
        judgments=tuple(Judgment.objects.filter(campaign=campaign).select_related("entered_by")),
        overrides=tuple(Override.objects.filter(campaign=campaign).select_related("entered_by")),
    )


def value_path(v: MetricValue, fw: CoreFramework) -> str:
    if v.year is not None:
        return f"statistics.{v.scope}.{v.metric}.{v.year}"
    metric = fw.metrics.get(v.metric)
    if metric is not None and metric.kind == "rate":
        return f"rates.{v.scope}.{v.metric}"
    return f"counts.{v.metric}"


def build_input(campaign: Campaign, data: CampaignData | None = None) -> dict[str, Any]:
    """The campaign's data as a SPEC §4 input document (values are exact Decimals)."""
    data = data or load_data(campaign)
    fw = campaign.core_framework
    statistics: dict[str, dict[str, Any]] = {}
    counts: dict[str, Decimal] = {}
    rates: dict[str, dict[str, Decimal]] = {}
    for v in data.values:
        path = value_path(v, fw)
        if path.startswith("statistics."):
            assert v.year is not None
            statistics.setdefault(v.scope, {}).setdefault(v.metric, {})[v.year] = v.value
        elif path.startswith("rates."):
            rates.setdefault(v.scope, {})[v.metric] = v.value
        else:
            counts[v.metric] = v.value
    for scope, chosen in (campaign.definitions or {}).items():
        if chosen:
            statistics.setdefault(scope, {})["definitions"] = dict(chosen)
    statistics.setdefault("region", {})
    doc: dict[str, Any] = {
        "framework": fw.id,
        "region": {"name": campaign.region.name, "zone": campaign.region.zone},
        "years": list(campaign.years),
        "statistics": statistics,
        "counts": counts,
        "rates": rates,
        "judgments": {j.item: j.met if j.met is not None else j.score for j in data.judgments},
        "overrides": {o.item: {"score": o.score, "reason": o.reason} for o in data.overrides},
    }
    if data.operators or campaign.large_operators_reported:
        doc["large_operators"] = [
            {"name": op.name, "year": op.year, "ecommerce_sales": op.ecommerce_sales}
            for op in data.operators
        ]
    if campaign.note:
        doc["note"] = campaign.note
    return doc


@dataclass(frozen=True)
class Evaluation:
    campaign: Campaign
    data: CampaignData
    input: EvaluationInput
    scorecard: Scorecard


def evaluate(campaign: Campaign, data: CampaignData | None = None) -> Evaluation:
    """Score the campaign with the core. Raises InputError if the stored data is not valid."""
    data = data or load_data(campaign)
    fw = campaign.core_framework
    parsed = parse_input(build_input(campaign, data), fw)
    return Evaluation(campaign, data, parsed, score(fw, parsed))


def export_document(campaign: Campaign) -> dict[str, Any]:
    """The SPEC §4 input file of the campaign, JSON-ready (numbers as JSON numbers)."""
    return evaluate(campaign).input.to_dict()


def dump_document(doc: dict[str, Any], fmt: str) -> str:
    if fmt == "json":
        return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"
    return yaml.safe_dump(doc, allow_unicode=True, sort_keys=False, width=100)


def read_document(text: str | bytes, fmt: str) -> Any:
    """Parse an input file as YAML or JSON with exact decimals; InputError on a syntax error."""
    try:
        if fmt == "json":
            raw = text.decode("utf-8") if isinstance(text, bytes) else text
            return json.loads(raw, parse_float=Decimal)
        return load_yaml(text.encode("utf-8") if isinstance(text, str) else text)
    except (ValueError, yaml.YAMLError) as exc:
        kind = "JSON" if fmt == "json" else "YAML"
        raise InputError([Problem("", f"{kind} 语法错误：{exc}")]) from exc


# --- writing --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Change:
    """Set (or, with ``None``, clear) the value at ``path`` of the campaign's input.

    ``note`` is the source note of a figure or the explanation of a judgment; ``None`` keeps the
    stored one. ``expected`` is the value the user saw before changing it: if somebody else has
    changed it since, the change is refused (ConflictError) instead of overwriting theirs.
    """

    path: str
    value: Any
    note: str | None = None
    expected: Any = NO_CHECK


def _set_path(doc: dict[str, Any], path: str, value: Any) -> bool:
    """Put ``value`` at ``path`` of ``doc``; False if the path has no known shape."""
    head, _, rest = path.partition(".")
    if path == OPERATORS_PATH:
        if value is None:
            doc.pop(OPERATORS_PATH, None)
        else:
            doc[OPERATORS_PATH] = value
        return True
    if head == "judgments" and rest:
        target, key = doc.setdefault("judgments", {}), rest
    elif head == "counts" and rest and "." not in rest:
        target, key = doc.setdefault("counts", {}), rest
    elif head == "rates" and rest.count(".") == 1:
        scope, metric = rest.split(".")
        target, key = doc.setdefault("rates", {}).setdefault(scope, {}), metric
    elif head == "statistics" and rest.count(".") == 2:
        scope, metric, year = rest.split(".")
        if not year.isdigit():
            return False
        target = doc.setdefault("statistics", {}).setdefault(scope, {}).setdefault(metric, {})
        key = int(year)  # type: ignore[assignment]
    else:
        return False
    if value is None:
        target.pop(key, None)
    else:
        target[key] = value
    return True


def apply_changes(
    campaign: Campaign,
    changes: Sequence[Change],
    user: User,
    *,
    allowed: Callable[[str], bool],
) -> None:
    """Validate the campaign's input with ``changes`` applied and store them, all or nothing.

    Raises InputError (the core's problems, with paths), NotAllowedError or ConflictError;
    nothing is written.
    """
    with transaction.atomic():
        # One writer per campaign at a time: the whole input is validated, not just the change.
        locked = (
            Campaign.objects.select_for_update()
            .select_related("region", "framework")
            .get(pk=campaign.pk)
        )
        fw = locked.core_framework
        known = indicator_of_path(fw, locked.years)
        data = load_data(locked)
        doc = build_input(locked, data)
        conflicts = find_conflicts(locked, data, doc, changes)
        problems = []
        denied = []
        for change in changes:
            if change.path not in known:
                problems.append(Problem(change.path, "不是本指标体系中可填报的数据项"))
            elif not allowed(change.path):
                denied.append(Problem(change.path, "您所在单位不负责该数据项，不能修改"))
            elif not _set_path(doc, change.path, change.value):
                problems.append(Problem(change.path, "数据项路径格式不正确"))
        if denied:
            raise NotAllowedError(denied)
        if conflicts:
            raise ConflictError(conflicts)
        if problems:
            raise InputError(problems)
        parsed = parse_input(doc, fw)
        _store(locked, data, parsed, changes, user)


def _user(user: User | None) -> Any:
    return user if getattr(user, "is_authenticated", False) else None


def _store(
    campaign: Campaign,
    data: CampaignData,
    parsed: EvaluationInput,
    changes: Iterable[Change],
    user: User,
) -> None:
    fw = campaign.core_framework
    now = timezone.now()
    who = _user(user)
    values = data.values_by_path(fw)
    judgments = data.judgments_by_item()
    changed = False
    for change in changes:
        head, _, rest = change.path.partition(".")
        if change.path == OPERATORS_PATH:
            changed |= _store_operators(
                campaign, data=data, parsed=parsed, change=change, who=who, now=now
            )
        elif head == "judgments":
            changed |= _store_judgment(
                campaign, row=judgments.get(rest), parsed=parsed, change=change, who=who, now=now
            )
        else:
            changed |= _store_value(
                campaign,
                row=values.get(change.path),
                parsed=parsed,
                change=change,
                who=who,
                now=now,
            )
    if changed:
        Campaign.objects.filter(pk=campaign.pk).update(revision=F("revision") + 1)


def _parsed_value(parsed: EvaluationInput, path: str) -> Decimal | None:
    head, _, rest = path.partition(".")
    if head == "counts":
        return parsed.counts.get(rest)
    if head == "rates":
        scope, metric = rest.split(".")
        return parsed.rates.get(scope, {}).get(metric)
    scope, metric, year = rest.split(".")
    return parsed.statistics.get(scope, {}).get(metric, {}).get(int(year))


def _store_value(
    campaign: Campaign,
    *,
    row: MetricValue | None,
    parsed: EvaluationInput,
    change: Change,
    who: Any,
    now: Any,
) -> bool:
    new = _parsed_value(parsed, change.path)
    before = {"value": row.value, "note": row.source_note} if row is not None else None
    if new is None:
        if row is not None:
            row.delete()
            record_data_change(campaign, change.path, before, None, who)
            return True
        return False
    note = row.source_note if change.note is None and row is not None else (change.note or "")
    if row is not None and row.value == new and row.source_note == note:
        return False
    record_data_change(campaign, change.path, before, {"value": new, "note": note}, who)
    if row is None:
        head, _, rest = change.path.partition(".")
        parts = rest.split(".")
        scope, metric, year = (
            ("region", parts[0], None)
            if head == "counts"
            else (parts[0], parts[1], int(parts[2]) if head == "statistics" else None)
        )
        MetricValue.objects.create(
            campaign=campaign,
            scope=scope,
            metric=metric,
            year=year,
            value=new,
            source_note=note,
            entered_by=who,
            entered_at=now,
        )
    else:
        row.value, row.source_note, row.entered_by, row.entered_at = new, note, who, now
        row.save(update_fields=["value", "source_note", "entered_by", "entered_at"])
    return True


def _store_judgment(
    campaign: Campaign,
    *,
    row: Judgment | None,
    parsed: EvaluationInput,
    change: Change,
    who: Any,
    now: Any,
) -> bool:
    item = change.path.partition(".")[2]
    new = parsed.judgments.get(item)
    before = {"value": row.value, "note": row.note} if row is not None else None
    if new is None:
        if row is not None:
            row.delete()
            record_data_change(campaign, change.path, before, None, who)
            return True
        return False
    met, points = (new, None) if isinstance(new, bool) else (None, new)
    note = row.note if change.note is None and row is not None else (change.note or "")
    if row is not None and row.met == met and row.score == points and row.note == note:
        return False
    record_data_change(campaign, change.path, before, {"value": new, "note": note}, who)
    Judgment.objects.update_or_create(
        campaign=campaign,
        item=item,
        defaults={"met": met, "score": points, "note": note, "entered_by": who, "entered_at": now},
    )
    return True


def _store_operators(
    campaign: Campaign,
    *,
    data: CampaignData,
    parsed: EvaluationInput,
    change: Change,
    who: Any,
    now: Any,
) -> bool:
    new = parsed.large_operators
    old = [(op.name, op.year, op.ecommerce_sales) for op in data.operators]
    wanted = [(op.name, op.year, op.ecommerce_sales) for op in new or ()]
    reported = new is not None
    note = change.note or ""
    if old == wanted and campaign.large_operators_reported == reported:
        return False
    record_data_change(
        campaign,
        change.path,
        _operators(old) if campaign.large_operators_reported or old else None,
        _operators(wanted) if reported else None,
        who,
    )
    LargeOperator.objects.filter(campaign=campaign).delete()
    LargeOperator.objects.bulk_create(
        LargeOperator(
            campaign=campaign,
            name=name,
            year=year,
            ecommerce_sales=sales,
            source_note=note,
            entered_by=who,
            entered_at=now,
        )
        for name, year, sales in wanted
    )
    Campaign.objects.filter(pk=campaign.pk).update(large_operators_reported=reported)
    return True


def _operators(rows: list[tuple[str, int, Decimal]]) -> list[dict[str, Any]]:
    return [{"name": n, "year": y, "ecommerce_sales": s} for n, y, s in rows]


def import_document(campaign: Campaign, doc: Any, user: User | None, *, source: str = "") -> None:
    """Replace all of the campaign's data with an input file's, all or nothing.

    The file must be for this campaign's region, zone and years, and pass the core's checks;
    otherwise InputError lists every problem and nothing is stored.
    """
    fw = campaign.core_framework
    parsed = parse_input(doc, fw)
    problems = []
    if parsed.region != campaign.region.name:
        problems.append(
            Problem(
                "region.name",
                f"文件中的地区“{parsed.region}”与本创建活动的地区“{campaign.region.name}”不符",
            )
        )
    if parsed.zone != campaign.region.zone:
        problems.append(
            Problem(
                "region.zone",
                f"文件中的所属地带 {parsed.zone} 与本地区的 {campaign.region.zone} 不符",
            )
        )
    if parsed.years != campaign.years:
        problems.append(
            Problem(
                "years",
                f"文件中的评估年度 {parsed.years[0]}、{parsed.years[1]} 与本创建活动的 "
                f"{campaign.first_year}、{campaign.second_year} 不符",
            )
        )
    if problems:
        raise InputError(problems)
    note = f"导入自 {source}" if source else "导入"
    who, now = _user(user), timezone.now()
    with transaction.atomic():
        locked = Campaign.objects.select_for_update().get(pk=campaign.pk)
        old_doc = build_input(locked)
        for model in (MetricValue, LargeOperator, Judgment, Override):
            model.objects.filter(campaign=locked).delete()
        rows = [
            MetricValue(
                campaign=locked,
                scope=scope,
                metric=metric,
                year=year,
                value=value,
                source_note=note,
                entered_by=who,
                entered_at=now,
            )
            for scope, series in parsed.statistics.items()
            for metric, by_year in series.items()
            for year, value in by_year.items()
        ]
        rows += [
            MetricValue(
                campaign=locked,
                scope="region",
                metric=metric,
                value=value,
                source_note=note,
                entered_by=who,
                entered_at=now,
            )
            for metric, value in parsed.counts.items()
        ]
        rows += [
            MetricValue(
                campaign=locked,
                scope=scope,
                metric=metric,
                value=value,
                source_note=note,
                entered_by=who,
                entered_at=now,
            )
            for scope, by_metric in parsed.rates.items()
            for metric, value in by_metric.items()
        ]
        MetricValue.objects.bulk_create(rows)
        LargeOperator.objects.bulk_create(
            LargeOperator(
                campaign=locked,
                name=op.name,
                year=op.year,
                ecommerce_sales=op.ecommerce_sales,
                source_note=note,
                entered_by=who,
                entered_at=now,
            )
            for op in parsed.large_operators or ()
        )
        Judgment.objects.bulk_create(
            Judgment(
                campaign=locked,
                item=item,
                met=value if isinstance(value, bool) else None,
                score=None if isinstance(value, bool) else value,
                note=note,
                entered_by=who,
                entered_at=now,
            )
            for item, value in parsed.judgments.items()
        )
        Override.objects.bulk_create(
            Override(
                campaign=locked,
                item=item,
                score=o.score,
                reason=o.reason,
                entered_by=who,
                entered_at=now,
            )
            for item, o in parsed.overrides.items()
        )
        Campaign.objects.filter(pk=locked.pk).update(
            large_operators_reported=parsed.large_operators is not None,
            definitions={scope: dict(d) for scope, d in parsed.definitions.items() if d},
            note=parsed.note,
            revision=F("revision") + 1,
        )
        locked.refresh_from_db()
        changed = record_document_diff(locked, old_doc, build_input(locked), who)
        record(
            action="campaign.import",
            actor=who,
            campaign=locked,
            target=source or "import",
            after={"changed": changed},
            message=f"整体导入评估数据（{source or '文件'}），{changed} 项数据有变化",
        )
    log.info("campaign %s: imported %s", campaign.pk, source or "a document")


# --- progress -------------------------------------------------------------------------------


@dataclass(frozen=True)
class DepartmentProgress:
    department: Department
    lead: tuple[int, ...]
    supporting: tuple[int, ...]
    filled: int
    total: int

    @property
    def rate(self) -> float:
        return self.filled / self.total if self.total else 1.0

    @property
    def percent(self) -> int:
        return int(self.rate * 100)


def department_progress(
    scorecard: Scorecard,
    departments: Sequence[Department],
    assignments: Sequence[Assignment],
) -> list[DepartmentProgress]:
    """Each department's completeness: scorecard items of its indicators that are not missing."""
    by_number = {ind.number: ind for ind in scorecard.indicators}
    lead: dict[int, list[int]] = {}
    supporting: dict[int, list[int]] = {}
    for a in assignments:
        (lead if a.is_lead else supporting).setdefault(a.department_id, []).append(a.indicator)
    out = []
    for dept in departments:
        numbers = sorted(set(lead.get(dept.pk, [])) | set(supporting.get(dept.pk, [])))
        items = [item for n in numbers if n in by_number for item in by_number[n].items]
        out.append(
            DepartmentProgress(
                department=dept,
                lead=tuple(sorted(lead.get(dept.pk, []))),
                supporting=tuple(sorted(supporting.get(dept.pk, []))),
                filled=sum(1 for item in items if item.status != "missing"),
                total=len(items),
            )
        )
    return out
