"""Creating a ready campaign from a bundled template (a city's work plan: departments and 附件2).

A template names the member departments, the office's host department and each indicator's
responsible departments in the plan's own words; :func:`parse_responsible` turns those words into
a lead and supporting departments (the rules are documented in the template file's header).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from typing import Any

import yaml
from django.db import IntegrityError, transaction

from demozone.core.errors import Problem
from demozone.core.loader import bundled_framework_ids, load_bundled
from demozone.web.audit.services import record
from demozone.web.audit.signals import recorded_by_caller
from demozone.web.campaigns.errors import CampaignError, CampaignExistsError
from demozone.web.campaigns.models import (
    Assignment,
    Campaign,
    Department,
    Framework,
    Region,
)

ALL_MEMBERS = "领导小组各成员单位"
ALL_CONCERNED = "各有关部门"


@dataclass(frozen=True)
class Template:
    id: str
    name: str
    source: str
    framework: str
    campaign_name: str
    deadline: dt.date | None
    region: dict[str, Any]
    office: str
    members: tuple[str, ...]
    others: tuple[str, ...]
    assignments: dict[int, str]

    @property
    def departments(self) -> tuple[str, ...]:
        return self.members + self.others


def template_ids() -> list[str]:
    folder = resources.files("demozone.web.data")
    return sorted(
        p.name.removesuffix(".yaml")
        for p in folder.iterdir()
        if p.name.endswith(".yaml") and not p.name.endswith("-demo.yaml")
    )


def load_template(template_id: str) -> Template:
    if template_id not in template_ids():
        known = "、".join(template_ids())
        raise CampaignError(Problem("template", f"未知的创建模板“{template_id}”，可选：{known}"))
    raw = (resources.files("demozone.web.data") / f"{template_id}.yaml").read_text("utf-8")
    doc = yaml.safe_load(raw)
    return Template(
        id=doc["id"],
        name=doc["name"],
        source=doc["source"],
        framework=doc["framework"],
        campaign_name=doc["campaign_name"],
        deadline=doc.get("deadline"),
        region=doc["region"],
        office=doc["office"],
        members=tuple(doc["members"]),
        others=tuple(doc.get("others") or ()),
        assignments={int(k): str(v) for k, v in doc["assignments"].items()},
    )


def parse_responsible(text: str, members: tuple[str, ...], office: str) -> list[str]:
    """附件2 wording → departments, lead first.

    ``市市场监管局 市发改委等`` → the two named (「等」 adds nobody); ``领导小组各成员单位`` → the
    office's host, then every other member; ``市市场监管局、各有关部门`` → the named, then every
    other member.
    """
    names: list[str] = []
    everyone = False
    for raw in re.split(r"[\s、，,]+", text.strip()):
        token = raw.removesuffix("等")
        if not token:
            continue
        if token in (ALL_MEMBERS, ALL_CONCERNED):
            everyone = True
        elif token not in names:
            names.append(token)
    if everyone:
        if not names:
            names.append(office)
        names.extend(m for m in members if m not in names)
    return names


def _region(template: Template, region_name: str, province: str | None) -> Region:
    spec = template.region
    if region_name == spec["name"]:
        parent, _ = Region.objects.get_or_create(
            name=spec["province"], parent=None, defaults={"level": Region.Level.PROVINCE}
        )
        region, _ = Region.objects.get_or_create(
            name=spec["name"], parent=parent, defaults={"level": spec.get("level", "city")}
        )
        for child in spec.get("children") or ():
            Region.objects.get_or_create(
                name=child["name"], parent=region, defaults={"level": child["level"]}
            )
        return region
    if province:
        parent, _ = Region.objects.get_or_create(
            name=province, parent=None, defaults={"level": Region.Level.PROVINCE}
        )
        region, _ = Region.objects.get_or_create(
            name=region_name, parent=parent, defaults={"level": Region.Level.CITY}
        )
        return region
    found = list(Region.objects.filter(name=region_name)[:2])
    if len(found) != 1:
        raise CampaignError(
            Problem(
                "region",
                f"系统中{'没有' if not found else '有多个'}名为“{region_name}”的地区，请同时指定所在省份",
            )
        )
    return found[0]


def stored_framework(framework_id: str) -> Framework:
    """The stored copy of a bundled framework, loading it on first use."""
    if framework_id not in bundled_framework_ids():
        raise CampaignError(Problem("framework", f"未知的指标体系：{framework_id}"))
    core = load_bundled(framework_id)
    row = Framework.objects.filter(sha256=core.sha256).first()
    if row is None:
        text = (resources.files("demozone.frameworks") / f"{framework_id}.yaml").read_text("utf-8")
        row = Framework(text=text)
        row.save()
    return row


def create_campaign(
    template_id: str,
    region_name: str,
    years: Sequence[int],
    *,
    province: str | None = None,
    approval_date: dt.date | None = None,
    deadline: dt.date | None = None,
    name: str | None = None,
    is_demo: bool = False,
    actor: Any = None,
) -> Campaign:
    """A ready campaign: region, framework, departments and the responsibility table.

    All in one transaction; a campaign for the same region and years is refused
    (CampaignExistsError) and nothing is written. ``actor`` (default: the user of the request
    being served) is recorded in the audit trail.
    """
    template = load_template(template_id)
    years = tuple(years)
    if len(years) != 2 or years[1] != years[0] + 1:
        raise CampaignError(
            Problem("years", f"评估年度应为两个连续且按先后排列的年度，实际为 {list(years)}")
        )
    first, second = years
    with transaction.atomic(), recorded_by_caller():
        region = _region(template, region_name, province)
        existing = Campaign.objects.filter(
            region=region, first_year=first, second_year=second
        ).first()
        if existing is not None:
            raise CampaignExistsError(
                Problem(
                    "region",
                    f"{region.name} {first}—{second} 年度的创建活动已存在（编号 {existing.pk}：{existing.name}）",
                )
            )
        framework = stored_framework(template.framework)
        try:
            campaign = Campaign.objects.create(
                name=name or template.campaign_name.format(region=region.name),
                region=region,
                framework=framework,
                first_year=first,
                second_year=second,
                approval_date=approval_date,
                deadline=deadline or template.deadline,
                template=template.id,
                is_demo=is_demo,
            )
        except IntegrityError as exc:  # a concurrent creation won the race
            raise CampaignExistsError(
                Problem("region", f"{region.name} {first}—{second} 年度的创建活动已存在")
            ) from exc
        departments = {}
        for position, dept_name in enumerate(template.departments):
            departments[dept_name] = Department.objects.create(
                campaign=campaign,
                name=dept_name,
                is_member=dept_name in template.members,
                hosts_office=dept_name == template.office,
                position=position,
            )
        _assign(campaign, template, departments)
        _audit_creation(campaign, template, list(departments), actor)
    return campaign


def _audit_creation(
    campaign: Campaign, template: Template, departments: list[str], actor: Any
) -> None:
    assignments: dict[str, list[str]] = {}
    for a in Assignment.objects.filter(campaign=campaign).select_related("department"):
        assignments.setdefault(str(a.indicator), []).append(a.department.name)
    record(
        action="campaign.create",
        actor=actor,
        campaign=campaign,
        target=f"campaign:{campaign.pk}",
        after={
            "name": campaign.name,
            "region": campaign.region.name,
            "years": list(campaign.years),
            "framework": campaign.framework.sha256,
            "template": template.id,
            "departments": departments,
            "assignments": assignments,
        },
        message=f"按模板“{template.id}”创建“{campaign.name}”：{len(departments)} 个单位，{len(assignments)} 项指标的责任分工",
    )


def _assign(campaign: Campaign, template: Template, departments: dict[str, Department]) -> None:
    numbers = {ind.number for ind in campaign.core_framework.indicators}
    problems = [
        Problem(f"assignments.{n}", "模板缺少该指标的责任分工")
        for n in sorted(numbers - set(template.assignments))
    ]
    rows = []
    for number, text in sorted(template.assignments.items()):
        if number not in numbers:
            problems.append(Problem(f"assignments.{number}", "指标体系中没有该指标"))
            continue
        for position, dept_name in enumerate(
            parse_responsible(text, template.members, template.office)
        ):
            dept = departments.get(dept_name)
            if dept is None:
                problems.append(Problem(f"assignments.{number}", f"模板未列出单位“{dept_name}”"))
                continue
            rows.append(
                Assignment(
                    campaign=campaign,
                    indicator=number,
                    department=dept,
                    is_lead=position == 0,
                    position=position,
                )
            )
    if problems:
        raise CampaignError(problems)
    Assignment.objects.bulk_create(rows)
