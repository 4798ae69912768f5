"""佐证材料: a piece of evidence of one department, its file versions and the items it supports."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from demozone.web.campaigns.models import Campaign, Department
from demozone.web.evidence.kinds import Kind


class Evidence(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "待提交"
        SUBMITTED = "submitted", "已提交"
        ACCEPTED = "accepted", "已采纳"
        RETURNED = "returned", "退回"

    campaign = models.ForeignKey(
        Campaign, models.CASCADE, related_name="evidence", verbose_name="创建活动"
    )
    # RESTRICT, not PROTECT: deleting the whole campaign still removes both.
    department = models.ForeignKey(
        Department, models.RESTRICT, related_name="evidence", verbose_name="提供单位"
    )
    title = models.CharField("标题", max_length=200)
    description = models.TextField("说明", blank=True)
    status = models.CharField("状态", max_length=16, choices=Status.choices, default=Status.DRAFT)
    return_reason = models.TextField("退回理由", blank=True)
    status_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="状态变更人",
    )
    status_at = models.DateTimeField("状态变更时间", null=True, blank=True)
    # The newest version, kept here so a list needs no subquery; every version stays.
    current = models.ForeignKey(
        "EvidenceVersion",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="当前版本",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="上传人",
    )
    created_at = models.DateTimeField("上传时间", auto_now_add=True)
    # Set when moved to the 回收站; the files and versions stay until restored.
    deleted_at = models.DateTimeField("移入回收站时间", null=True, blank=True)
    deleted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="删除人",
    )

    class Meta:
        verbose_name = verbose_name_plural = "佐证材料"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["campaign", "deleted_at"], name="evidence_campaign_live")]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="returned") | ~Q(return_reason=""),
                name="evidence_return_has_reason",
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def target(self) -> str:
        return f"evidence:{self.pk}"


class EvidenceVersion(models.Model):
    """One uploaded file. The file itself lives in the content store under ``sha256``."""

    evidence = models.ForeignKey(
        Evidence, models.CASCADE, related_name="versions", verbose_name="佐证材料"
    )
    number = models.PositiveIntegerField("版本号")
    sha256 = models.CharField("SHA-256", max_length=64, db_index=True)
    size = models.PositiveBigIntegerField("大小（字节）")
    filename = models.CharField("文件名", max_length=255)
    kind = models.CharField("文件类型", max_length=8, choices=[(k.value, k.label) for k in Kind])
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="上传人",
    )
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "佐证材料版本"
        ordering = ["evidence", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["evidence", "number"], name="evidenceversion_unique")
        ]

    def __str__(self) -> str:
        return f"{self.filename}（第 {self.number} 版）"

    @property
    def content_type(self) -> str:
        return Kind(self.kind).content_type


class EvidenceLink(models.Model):
    """Evidence ↔ item ("36.2", or "36" for the indicator as a whole). The indicator number is
    stored beside the item so a page can fetch one indicator's evidence with an index."""

    evidence = models.ForeignKey(
        Evidence, models.CASCADE, related_name="links", verbose_name="佐证材料"
    )
    item = models.CharField("评分项", max_length=32)
    indicator = models.PositiveSmallIntegerField("指标编号")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="关联人",
    )
    created_at = models.DateTimeField("关联时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "佐证材料关联"
        ordering = ["indicator", "item", "id"]
        indexes = [models.Index(fields=["indicator", "item"], name="evidencelink_item")]
        constraints = [
            models.UniqueConstraint(fields=["evidence", "item"], name="evidencelink_unique")
        ]

    def __str__(self) -> str:
        return f"{self.item} ← {self.evidence_id}"
