"""Reading the audit trail: the filtered, paginated list and one indicator's history."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django import forms
from django.core.paginator import Page, Paginator
from django.db.models import Q, QuerySet
from django.utils import timezone

from demozone.web.audit.data import show
from demozone.web.audit.labels import CATEGORIES, action_name
from demozone.web.audit.models import AuditEvent

PAGE_SIZE = 50
HISTORY_SIZE = 30


_INPUT = {"class": "input is-small"}


class AuditFilterForm(forms.Form):
    start = forms.DateField(
        label="起始日期", required=False, widget=forms.DateInput({"type": "date", **_INPUT})
    )
    end = forms.DateField(
        label="截止日期", required=False, widget=forms.DateInput({"type": "date", **_INPUT})
    )
    actor = forms.CharField(
        label="操作人", required=False, max_length=150, widget=forms.TextInput(_INPUT)
    )
    category = forms.ChoiceField(
        label="操作类别", required=False, choices=[("", "全部"), *CATEGORIES]
    )
    indicator = forms.IntegerField(
        label="指标编号",
        required=False,
        min_value=1,
        max_value=999,
        widget=forms.NumberInput(_INPUT),
    )
    target = forms.CharField(
        label="对象", required=False, max_length=200, widget=forms.TextInput(_INPUT)
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if start and end and start > end:
            self.add_error("end", "截止日期不能早于起始日期")
        return data


@dataclass(frozen=True)
class Row:
    event: AuditEvent
    action_name: str
    before: str
    after: str


def _brief(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, Mapping) and "value" in value:
        note = value.get("note")
        return show(value["value"]) + (f"（{note}）" if note else "")
    if isinstance(value, list) and all(isinstance(v, Mapping) and "name" in v for v in value):
        return "；".join(f"{v['name']} {v.get('year', '')}" for v in value) or "无"
    if isinstance(value, Mapping | list):
        text = json.dumps(value, ensure_ascii=False)
        return text if len(text) <= 200 else text[:199] + "…"
    return show(value)


def rows(events: Any) -> list[Row]:
    return [Row(e, action_name(e.action), _brief(e.before), _brief(e.after)) for e in events]


def _day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def search(campaign_id: int | None, filters: Mapping[str, Any]) -> QuerySet[AuditEvent]:
    """The events of a campaign (or, with None, of the whole platform) matching the filters."""
    events = AuditEvent.objects.all()
    if campaign_id is not None:
        events = events.filter(campaign_id=campaign_id)
    if filters.get("start"):
        events = events.filter(at__gte=_day_start(filters["start"]))
    if filters.get("end"):
        events = events.filter(at__lt=_day_start(filters["end"] + dt.timedelta(days=1)))
    if filters.get("actor"):
        events = events.filter(actor_name__icontains=filters["actor"])
    if filters.get("category"):
        events = events.filter(action__startswith=filters["category"])
    if filters.get("indicator"):
        events = events.filter(indicator=filters["indicator"])
    if filters.get("target"):
        events = events.filter(target__icontains=filters["target"])
    return events.order_by("-sequence")


def page_of(events: QuerySet[AuditEvent], number: Any) -> tuple[Page[AuditEvent], list[Row]]:
    page = Paginator(events, PAGE_SIZE).get_page(number)
    return page, rows(page.object_list)


def indicator_history(campaign: Any, number: int, paths: frozenset[str]) -> list[Row]:
    """The latest changes of one indicator: rows filed under it, or under one of its data paths
    (a figure several indicators use is filed under the first)."""
    events = (
        AuditEvent.objects.filter(campaign_id=campaign.pk)
        .filter(Q(indicator=number) | Q(target__in=sorted(paths)))
        .order_by("-sequence")[:HISTORY_SIZE]
    )
    return rows(events)
