"""The platform's objects (SPEC §7): regions, frameworks, campaigns, departments and their data.

Every figure is an exact decimal (:class:`ExactDecimalField`); the campaign's data is only ever
scored by the core, through :func:`demozone.web.campaigns.services.build_input`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from functools import cached_property
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone

from demozone.core.loader import load_framework_text
from demozone.web.campaigns.fields import ExactDecimalField
from demozone.web.campaigns.regions import province_zone

if TYPE_CHECKING:
    from demozone.core.loader import Framework as CoreFramework


class Zone(models.TextChoices):
    EAST = "east", "东部"
    CENTRAL = "central", "中部"
    WEST = "west", "西部"


class Region(models.Model):
    """A node of the administrative tree: 省 → 市 → 县区 / 开发区."""

    class Level(models.TextChoices):
        PROVINCE = "province", "省"
        CITY = "city", "市"
        COUNTY = "county", "县区"
        ZONE = "zone", "开发区"

    name = models.CharField("名称", max_length=100)
    parent = models.ForeignKey(
        "self", models.PROTECT, null=True, blank=True, related_name="children", verbose_name="上级"
    )
    level = models.CharField("层级", max_length=16, choices=Level.choices)
    zone = models.CharField(
        "所属地带", max_length=16, choices=Zone.choices, help_text="默认按所在省份确定，可人工调整"
    )

    class Meta:
        verbose_name = verbose_name_plural = "地区"
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["parent", "name"], name="region_unique_name"),
            models.UniqueConstraint(
                fields=["name"], condition=Q(parent__isnull=True), name="region_unique_root"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def default_zone(self) -> str | None:
        node: Region | None = self
        while node is not None:
            zone = province_zone(node.name) if node.level == Region.Level.PROVINCE else None
            if zone:
                return zone
            if node.parent is None and node.zone:
                return node.zone
            node = node.parent
        return None

    def save(self, *args: object, **kwargs: object) -> None:
        if not self.zone:
            zone = self.default_zone()
            if zone is None:
                raise ValidationError(
                    {"zone": f"无法根据省份确定“{self.name}”所属地带，请指定东部、中部或西部"}
                )
            self.zone = zone
        super().save(*args, **kwargs)  # type: ignore[arg-type]


class FrameworkLockedError(ValidationError):
    pass


_LOADED: dict[str, CoreFramework] = {}


class Framework(models.Model):
    """A stored indicator system file. Read-only once loaded: campaigns were scored against it."""

    code = models.CharField("指标体系编号", max_length=64)
    name = models.CharField("名称", max_length=200)
    version = models.CharField("版本", max_length=32)
    sha256 = models.CharField("SHA-256", max_length=64, unique=True)
    text = models.TextField("指标体系文件")
    loaded_at = models.DateTimeField("载入时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "指标体系"
        ordering = ["code", "version"]

    def __str__(self) -> str:
        return f"{self.name}（{self.code} {self.version}）"

    def save(self, *args: object, **kwargs: object) -> None:
        if not self._state.adding:
            raise FrameworkLockedError("指标体系一经载入不可修改；修订版请作为新的指标体系文件载入")
        core = self._parse()
        self.code, self.name, self.version, self.sha256 = (
            core.id,
            core.name,
            core.version,
            core.sha256,
        )
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    def delete(self, *args: object, **kwargs: object) -> tuple[int, dict[str, int]]:
        raise FrameworkLockedError("指标体系一经载入不可删除")

    def _parse(self) -> CoreFramework:
        return load_framework_text(self.text, source=f"db:{self.code or 'new'}")

    def load(self) -> CoreFramework:
        """The core framework of this file, parsed once per process (the text never changes)."""
        digest = self.sha256 or hashlib.sha256(self.text.encode("utf-8")).hexdigest()
        core = _LOADED.get(digest)
        if core is None:
            core = _LOADED[digest] = self._parse()
        return core


class Campaign(models.Model):
    """创建活动: one region's campaign towards the pass mark of one framework."""

    class Status(models.TextChoices):
        PREPARING = "preparing", "筹备"
        ACTIVE = "active", "创建中"
        SELF_EVALUATION = "self_evaluation", "自评"
        PROVINCIAL_REVIEW = "provincial_review", "省局初审"
        NATIONAL_REVIEW = "national_review", "总局评估"
        RECOGNISED = "recognised", "已认定"
        CLOSED = "closed", "已结束"

    name = models.CharField("名称", max_length=200)
    region = models.ForeignKey(
        Region, models.PROTECT, related_name="campaigns", verbose_name="地区"
    )
    framework = models.ForeignKey(
        Framework, models.PROTECT, related_name="campaigns", verbose_name="指标体系"
    )
    first_year = models.PositiveSmallIntegerField("第一个评估年度")
    second_year = models.PositiveSmallIntegerField("第二个评估年度")
    approval_date = models.DateField("总局同意创建日期", null=True, blank=True)
    deadline = models.DateField("评估验收截止日期", null=True, blank=True)
    status = models.CharField("状态", max_length=32, choices=Status.choices, default=Status.ACTIVE)
    template = models.CharField("创建模板", max_length=64, blank=True)
    is_demo = models.BooleanField("示例数据", default=False)
    # SPEC §3: an empty large-operator list means "none" (0 points), an absent one "missing".
    large_operators_reported = models.BooleanField("已填报规上网络交易经营者", default=False)
    # The statistical definitions the input names (scope → metric → definition id).
    definitions = models.JSONField("统计口径", default=dict, blank=True)
    note = models.TextField("备注", blank=True)
    # Bumped on every change of the campaign's data.
    revision = models.PositiveIntegerField("数据版本", default=0)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "创建活动"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["region", "first_year", "second_year"], name="campaign_unique_years"
            ),
            models.CheckConstraint(
                condition=Q(second_year=models.F("first_year") + 1),
                name="campaign_years_consecutive",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def years(self) -> tuple[int, int]:
        return (self.first_year, self.second_year)

    def days_left(self, today: dt.date | None = None) -> int | None:
        if self.deadline is None:
            return None
        return (self.deadline - (today or timezone.localdate())).days

    @cached_property
    def core_framework(self) -> CoreFramework:
        return self.framework.load()


class Department(models.Model):
    """成员单位 (or another department named in the responsibility table)."""

    campaign = models.ForeignKey(
        Campaign, models.CASCADE, related_name="departments", verbose_name="创建活动"
    )
    name = models.CharField("名称", max_length=100)
    is_member = models.BooleanField("领导小组成员单位", default=True)
    hosts_office = models.BooleanField("领导小组办公室所在单位", default=False)
    position = models.PositiveSmallIntegerField("排序", default=0)

    class Meta:
        verbose_name = verbose_name_plural = "成员单位"
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "name"], name="department_unique_name"),
            models.UniqueConstraint(
                fields=["campaign"], condition=Q(hosts_office=True), name="department_one_office"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    """SPEC §7 roles."""

    ADMIN = "admin", "系统管理员"
    OFFICE = "office", "领导小组办公室"
    LIAISON = "liaison", "成员单位联络员"
    EXPERT = "expert", "专家"
    REVIEWER = "reviewer", "省局/总局审核员"
    LEADER = "leader", "领导"


class Membership(models.Model):
    """A user's place in one campaign: a role and, for a liaison, a department."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.CASCADE, related_name="memberships", verbose_name="用户"
    )
    campaign = models.ForeignKey(
        Campaign, models.CASCADE, related_name="memberships", verbose_name="创建活动"
    )
    department = models.ForeignKey(
        Department,
        models.CASCADE,
        null=True,
        blank=True,
        related_name="memberships",
        verbose_name="所在单位",
    )
    role = models.CharField("角色", max_length=16, choices=Role.choices)

    class Meta:
        verbose_name = verbose_name_plural = "成员"
        constraints = [
            models.UniqueConstraint(fields=["user", "campaign"], name="membership_unique"),
            models.CheckConstraint(
                condition=~Q(role="liaison") | Q(department__isnull=False),
                name="membership_liaison_has_department",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()}"


class Assignment(models.Model):
    """附件2: which department leads, and which support, one indicator."""

    campaign = models.ForeignKey(
        Campaign, models.CASCADE, related_name="assignments", verbose_name="创建活动"
    )
    indicator = models.PositiveSmallIntegerField("指标编号")
    department = models.ForeignKey(
        Department, models.CASCADE, related_name="assignments", verbose_name="责任单位"
    )
    is_lead = models.BooleanField("牵头", default=False)
    position = models.PositiveSmallIntegerField("排序", default=0)

    class Meta:
        verbose_name = verbose_name_plural = "责任分工"
        ordering = ["indicator", "position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "indicator", "department"], name="assignment_unique"
            ),
            models.UniqueConstraint(
                fields=["campaign", "indicator"],
                condition=Q(is_lead=True),
                name="assignment_one_lead",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicator} · {self.department}{'（牵头）' if self.is_lead else ''}"


class Entry(models.Model):
    """Who entered a piece of data, and when."""

    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="填报人",
    )
    entered_at = models.DateTimeField("填报时间")

    class Meta:
        abstract = True


class Scope(models.TextChoices):
    REGION = "region", "本地区"
    NATIONAL = "national", "全国"


class MetricValue(Entry):
    """One figure of the metric catalogue: a yearly level, stated growth or share (``year`` set),
    or a count or rate at the assessment date (``year`` empty)."""

    campaign = models.ForeignKey(
        Campaign, models.CASCADE, related_name="metric_values", verbose_name="创建活动"
    )
    scope = models.CharField("范围", max_length=16, choices=Scope.choices, default=Scope.REGION)
    metric = models.CharField("指标项", max_length=64)
    year = models.PositiveSmallIntegerField("年度", null=True, blank=True)
    value = ExactDecimalField("数值")
    source_note = models.CharField("数据来源说明", max_length=500, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "指标数据"
        ordering = ["metric", "scope", "year"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "scope", "metric", "year"],
                condition=Q(year__isnull=False),
                name="metricvalue_unique_yearly",
            ),
            models.UniqueConstraint(
                fields=["campaign", "scope", "metric"],
                condition=Q(year__isnull=True),
                name="metricvalue_unique_single",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.scope}.{self.metric}{f'.{self.year}' if self.year else ''} = {self.value}"


class LargeOperator(Entry):
    """#4: a newly large online trading operator (电子商务销售额 in 万元)."""

    campaign = models.ForeignKey(
        Campaign, models.CASCADE, related_name="large_operators", verbose_name="创建活动"
    )
    name = models.CharField("经营者名称", max_length=200)
    year = models.PositiveSmallIntegerField("年度")
    ecommerce_sales = ExactDecimalField("电子商务销售额（万元）")
    source_note = models.CharField("数据来源说明", max_length=500, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "规上网络交易经营者"
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.name}（{self.year}年）"


class Judgment(Entry):
    """A self-assessed decision on a qualitative item: met / not met, or a score in steps."""

    campaign = models.ForeignKey(
        Campaign, models.CASCADE, related_name="judgments", verbose_name="创建活动"
    )
    item = models.CharField("评分项", max_length=32)
    met = models.BooleanField("是否符合", null=True, blank=True)
    score = ExactDecimalField("判定得分", null=True, blank=True)
    note = models.TextField("判定说明", blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "判定"
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "item"], name="judgment_unique"),
            models.CheckConstraint(
                condition=Q(met__isnull=True, score__isnull=False)
                | Q(met__isnull=False, score__isnull=True),
                name="judgment_met_or_score",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.item}: {self.value}"

    @property
    def value(self) -> object:
        return self.met if self.met is not None else self.score


class Override(Entry):
    """人工核定: a score that replaces the computed one, with the reason (flagged in the output)."""

    campaign = models.ForeignKey(
        Campaign, models.CASCADE, related_name="overrides", verbose_name="创建活动"
    )
    item = models.CharField("评分项", max_length=32)
    score = ExactDecimalField("核定得分")
    reason = models.TextField("核定理由")

    class Meta:
        verbose_name = verbose_name_plural = "人工核定"
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "item"], name="override_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.item} = {self.score}"
