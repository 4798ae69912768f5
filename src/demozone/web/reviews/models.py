"""Review rounds (SPEC §7): 自评 → 省局初审 → 总局评估, expert panels and sealed snapshots.

A round is one pass of the process. The 自评 round collects the departments' data and
self-judgments; a review round (省局初审, 总局评估) is opened on a sealed snapshot of the round
before it and judged by an expert panel. Every submission, approval or return freezes a
:class:`Snapshot` — the whole evaluation as canonical JSON, sealed with its SHA-256 — that no code
path updates or deletes.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

from demozone.web.campaigns.fields import ExactDecimalField
from demozone.web.campaigns.models import Campaign


class Stage(models.TextChoices):
    SELF = "self", "自评"
    PROVINCIAL = "provincial", "省局初审"
    NATIONAL = "national", "总局评估"


# The stage a review stage is opened on.
PREVIOUS_STAGE = {Stage.PROVINCIAL: Stage.SELF, Stage.NATIONAL: Stage.PROVINCIAL}


class Round(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", "进行中"
        SUBMITTED = "submitted", "已提交"
        RETURNED = "returned", "已退回"
        APPROVED = "approved", "已通过"

    class Whole(models.TextChoices):
        MEAN = "mean", "平均分"
        MEDIAN = "median", "中位数"

    campaign = models.ForeignKey(
        Campaign, models.CASCADE, related_name="rounds", verbose_name="创建活动"
    )
    stage = models.CharField("阶段", max_length=16, choices=Stage.choices)
    number = models.PositiveSmallIntegerField("轮次", help_text="同一阶段的第几轮")
    status = models.CharField("状态", max_length=16, choices=Status.choices, default=Status.OPEN)
    # The sealed snapshot a review round judges (None for 自评).
    base = models.ForeignKey(
        "Snapshot",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="reviews",
        verbose_name="评审对象",
    )
    deadline = models.DateField("截止日期", null=True, blank=True)
    # The round's aggregation rules (SPEC §7 defaults): see demozone.core.panels.PanelRules.
    whole = models.CharField(
        "整项评分汇总方式", max_length=8, choices=Whole.choices, default=Whole.MEAN
    )
    trim_from = models.PositiveSmallIntegerField(
        "去掉最高最低分的最少专家人数", null=True, blank=True, default=5
    )
    dispute_share = ExactDecimalField("争议阈值（占该项分值的比例）", default="0.5")
    comment = models.TextField("总体意见", blank=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="发起人",
    )
    opened_at = models.DateTimeField("发起时间")
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="办结人",
    )
    closed_at = models.DateTimeField("办结时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "评审轮次"
        ordering = ["campaign", "opened_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "stage", "number"], name="round_unique_number"
            ),
            models.CheckConstraint(
                condition=Q(stage="self", base__isnull=True)
                | (~Q(stage="self") & Q(base__isnull=False)),
                name="round_review_has_base",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def title(self) -> str:
        return f"{self.get_stage_display()}（第 {self.number} 轮）"

    @property
    def is_review(self) -> bool:
        return self.stage != Stage.SELF

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN


class Panelist(models.Model):
    """An expert on a round's panel; ``indicators`` empty means every judged indicator."""

    round = models.ForeignKey(Round, models.CASCADE, related_name="panel", verbose_name="评审轮次")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.CASCADE, related_name="panels", verbose_name="专家"
    )
    is_lead = models.BooleanField("组长", default=False)
    indicators = models.JSONField("分配的指标", default=list, blank=True)
    submitted_at = models.DateTimeField("提交评审意见时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "专家组成员"
        ordering = ["round", "-is_lead", "id"]
        constraints = [
            models.UniqueConstraint(fields=["round", "user"], name="panelist_unique"),
            models.UniqueConstraint(
                fields=["round"], condition=Q(is_lead=True), name="panelist_one_lead"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user}{'（组长）' if self.is_lead else ''}"

    def covers(self, indicator: int) -> bool:
        return not self.indicators or indicator in self.indicators


class ExpertJudgment(models.Model):
    """One expert's independent judgment of one item: met / not met, or a score in steps."""

    round = models.ForeignKey(
        Round, models.CASCADE, related_name="expert_judgments", verbose_name="评审轮次"
    )
    expert = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.CASCADE, related_name="+", verbose_name="专家"
    )
    item = models.CharField("评分项", max_length=32)
    indicator = models.PositiveSmallIntegerField("指标编号")
    met = models.BooleanField("是否符合", null=True, blank=True)
    score = ExactDecimalField("评分", null=True, blank=True)
    comment = models.TextField("评审意见", blank=True)
    updated_at = models.DateTimeField("填写时间")

    class Meta:
        verbose_name = verbose_name_plural = "专家评审意见"
        ordering = ["round", "indicator", "item", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "expert", "item"], name="expertjudgment_unique"
            ),
            models.CheckConstraint(
                condition=Q(met__isnull=True, score__isnull=False)
                | Q(met__isnull=False, score__isnull=True),
                name="expertjudgment_met_or_score",
            ),
        ]

    @property
    def value(self) -> Any:
        return self.met if self.met is not None else self.score


class Reconciliation(models.Model):
    """The lead's decision on a disputed item, with the written reason."""

    round = models.ForeignKey(
        Round, models.CASCADE, related_name="reconciliations", verbose_name="评审轮次"
    )
    item = models.CharField("评分项", max_length=32)
    met = models.BooleanField("是否符合", null=True, blank=True)
    score = ExactDecimalField("评分", null=True, blank=True)
    reason = models.TextField("协调理由")
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name="协调人",
    )
    decided_at = models.DateTimeField("协调时间")

    class Meta:
        verbose_name = verbose_name_plural = "争议协调"
        ordering = ["round", "item"]
        constraints = [
            models.UniqueConstraint(fields=["round", "item"], name="reconciliation_unique"),
            models.CheckConstraint(condition=~Q(reason=""), name="reconciliation_has_reason"),
        ]

    @property
    def value(self) -> Any:
        return self.met if self.met is not None else self.score


class ReviewOverride(models.Model):
    """A reviewer's correction of a quantitative item (SPEC §4 override), always with a reason."""

    round = models.ForeignKey(
        Round, models.CASCADE, related_name="overrides", verbose_name="评审轮次"
    )
    item = models.CharField("评分项", max_length=32)
    score = ExactDecimalField("核定得分")
    reason = models.TextField("核定理由")
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name="核定人",
    )
    decided_at = models.DateTimeField("核定时间")

    class Meta:
        verbose_name = verbose_name_plural = "评审核定"
        ordering = ["round", "item"]
        constraints = [
            models.UniqueConstraint(fields=["round", "item"], name="reviewoverride_unique"),
            models.CheckConstraint(condition=~Q(reason=""), name="reviewoverride_has_reason"),
        ]


class ReturnNote(models.Model):
    """退回修改: what to fix on one indicator (or item), for the office and its departments."""

    round = models.ForeignKey(
        Round, models.CASCADE, related_name="return_notes", verbose_name="评审轮次"
    )
    item = models.CharField("评分项", max_length=32)
    indicator = models.PositiveSmallIntegerField("指标编号")
    comment = models.TextField("修改意见")

    class Meta:
        verbose_name = verbose_name_plural = "退回修改意见"
        ordering = ["round", "indicator", "item"]
        constraints = [
            models.UniqueConstraint(fields=["round", "item"], name="returnnote_unique"),
            models.CheckConstraint(condition=~Q(comment=""), name="returnnote_has_comment"),
        ]


class SnapshotLockedError(ValidationError):
    """Raised by every attempt to change or remove a sealed snapshot."""

    def __init__(self) -> None:
        super().__init__("封存快照不可修改或删除；如需变更，请重新提交形成新版本")


class SnapshotQuerySet(models.QuerySet["Snapshot"]):
    def update(self, **kwargs: Any) -> int:
        raise SnapshotLockedError()

    def delete(self) -> tuple[int, dict[str, int]]:
        raise SnapshotLockedError()

    def bulk_update(self, *args: Any, **kwargs: Any) -> int:
        raise SnapshotLockedError()

    def update_or_create(self, *args: Any, **kwargs: Any) -> Any:
        raise SnapshotLockedError()


class Snapshot(models.Model):
    """A frozen evaluation: the canonical JSON document exactly as sealed, and its SHA-256.

    ``document`` holds the sealed bytes (UTF-8 text); everything else is a copy of a part of it
    kept for listing. Versions count per campaign, so the history reads v1, v2, … in order.
    """

    campaign = models.ForeignKey(
        Campaign, models.PROTECT, related_name="snapshots", verbose_name="创建活动"
    )
    round = models.ForeignKey(
        Round, models.PROTECT, related_name="snapshots", verbose_name="评审轮次"
    )
    version = models.PositiveIntegerField("版本")
    event = models.CharField("形成方式", max_length=16)
    previous = models.ForeignKey(
        "self",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="上一版本",
    )
    document = models.TextField("封存文档（规范 JSON）")
    seal = models.CharField("封存摘要 SHA-256", max_length=64)
    framework_sha256 = models.CharField("指标体系 SHA-256", max_length=64)
    total = ExactDecimalField("总分")
    passed = models.BooleanField("是否达标")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="封存人",
    )
    created_at = models.DateTimeField("封存时间")

    objects = SnapshotQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "封存快照"
        ordering = ["campaign", "version"]
        # Django reaches rows through the base manager too (related access, internal updates):
        # it must refuse writes as well.
        base_manager_name = "objects"
        constraints = [
            models.UniqueConstraint(fields=["campaign", "version"], name="snapshot_unique_version"),
        ]

    def __str__(self) -> str:
        return f"快照 v{self.version}（{self.seal[:12]}）"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise SnapshotLockedError()
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise SnapshotLockedError()
