"""The API's response and request shapes (they document themselves in the OpenAPI schema)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Schema
from pydantic import ConfigDict, Field

from demozone.core.scorecard import number
from demozone.web.campaigns.fields import to_text
from demozone.web.campaigns.models import Assignment, Campaign, Department, Framework
from demozone.web.campaigns.services import CampaignData, value_path


class RegionOut(Schema):
    id: int
    name: str
    level: str
    zone: str


class FrameworkOut(Schema):
    id: int
    code: str
    name: str
    version: str
    sha256: str


class FrameworkDetailOut(FrameworkOut):
    document: dict[str, Any]
    text: str


class CampaignOut(Schema):
    id: int
    name: str
    region: RegionOut
    framework: FrameworkOut
    years: list[int]
    approval_date: dt.date | None
    deadline: dt.date | None
    status: str
    status_name: str
    is_demo: bool
    revision: int


class DepartmentOut(Schema):
    id: int
    name: str
    is_member: bool
    hosts_office: bool


class AssignmentOut(Schema):
    indicator: int
    lead: int | None
    supporting: list[int]


class CampaignDetailOut(CampaignOut):
    departments: list[DepartmentOut]
    assignments: list[AssignmentOut]


class ValueOut(Schema):
    path: str
    value: Any
    text: str
    note: str
    entered_by: str | None
    entered_at: dt.datetime


class ChangeIn(Schema):
    path: str
    value: Any = None
    note: str | None = None
    expected: Any = Field(
        None, description="修改前看到的值（无值为 null）；当前值若已不同则返回 409。省略则不检查"
    )


class ChangesIn(Schema):
    changes: list[ChangeIn]


class InputDocumentIn(Schema):
    """A SPEC §4 evaluation input file (checked by the core, not here)."""

    model_config = ConfigDict(extra="allow")

    region: dict[str, Any]
    years: list[Any]


class ProblemOut(Schema):
    path: str
    message: str


class ProblemsOut(Schema):
    detail: str
    problems: list[ProblemOut] = []


class ConflictOut(Schema):
    path: str
    label: str
    current: Any = Field(None, description="当前保存的值")
    by: str = Field(description="最后修改人")
    at: dt.datetime | None = Field(None, description="最后修改时间")


class ConflictsOut(ProblemsOut):
    conflicts: list[ConflictOut] = []


def framework_out(f: Framework) -> dict[str, Any]:
    return {"id": f.pk, "code": f.code, "name": f.name, "version": f.version, "sha256": f.sha256}


def framework_detail(f: Framework) -> dict[str, Any]:
    return {
        **framework_out(f),
        "document": f.load().doc.model_dump(mode="json"),
        "text": f.text,
    }


def campaign_out(c: Campaign) -> dict[str, Any]:
    return {
        "id": c.pk,
        "name": c.name,
        "region": {
            "id": c.region.pk,
            "name": c.region.name,
            "level": c.region.level,
            "zone": c.region.zone,
        },
        "framework": framework_out(c.framework),
        "years": list(c.years),
        "approval_date": c.approval_date,
        "deadline": c.deadline,
        "status": c.status,
        "status_name": c.get_status_display(),
        "is_demo": c.is_demo,
        "revision": c.revision,
    }


def campaign_detail(
    c: Campaign, departments: list[Department], assignments: list[Assignment]
) -> dict[str, Any]:
    by_number: dict[int, dict[str, Any]] = {}
    for a in assignments:
        entry = by_number.setdefault(
            a.indicator, {"indicator": a.indicator, "lead": None, "supporting": []}
        )
        if a.is_lead:
            entry["lead"] = a.department_id
        else:
            entry["supporting"].append(a.department_id)
    return {
        **campaign_out(c),
        "departments": [
            {"id": d.pk, "name": d.name, "is_member": d.is_member, "hosts_office": d.hosts_office}
            for d in departments
        ],
        "assignments": [by_number[n] for n in sorted(by_number)],
    }


def _who(user: Any) -> str | None:
    return user.get_username() if user is not None else None


def values_out(c: Campaign, data: CampaignData) -> list[dict[str, Any]]:
    fw = c.core_framework
    rows: list[dict[str, Any]] = [
        {
            "path": value_path(v, fw),
            "value": number(v.value),
            "text": to_text(v.value),
            "note": v.source_note,
            "entered_by": _who(v.entered_by),
            "entered_at": v.entered_at,
        }
        for v in data.values
    ]
    rows += [
        {
            "path": f"judgments.{j.item}",
            "value": j.met if j.met is not None else number(j.score),
            "text": str(j.met).lower() if j.met is not None else to_text(j.score),
            "note": j.note,
            "entered_by": _who(j.entered_by),
            "entered_at": j.entered_at,
        }
        for j in data.judgments
    ]
    rows += [
        {
            "path": f"large_operators[{i}]",
            "value": {
                "name": op.name,
                "year": op.year,
                "ecommerce_sales": number(op.ecommerce_sales),
            },
            "text": f"{op.name} {op.year} {to_text(op.ecommerce_sales)}",
            "note": op.source_note,
            "entered_by": _who(op.entered_by),
            "entered_at": op.entered_at,
        }
        for i, op in enumerate(data.operators)
    ]
    return sorted(rows, key=lambda r: r["path"])
