"""The audit trail: append-only rows, each carrying the hash of the one before (issue 4, item 3).

Rows reference the actor and the campaign without a database constraint and are never touched
when either is deleted: a ``SET NULL`` would rewrite history and break the chain, a ``PROTECT``
would forbid removing a user or a campaign. The actor's name is kept as a snapshot instead.
The hash's exact input is described in :mod:`demozone.web.audit.chain`.
"""

from __future__ import annotations

from typing import Any, NoReturn

from django.conf import settings
from django.db import models


class AuditImmutableError(Exception):
    """Raised on any attempt to change or remove an audit row through the ORM."""

    def __init__(self) -> None:
        super().__init__("审计记录只可追加，不可修改或删除")


def _refuse(*args: Any, **kwargs: Any) -> NoReturn:
    raise AuditImmutableError


class AuditEventQuerySet(models.QuerySet["AuditEvent"]):
    def update(self, **kwargs: Any) -> int:
        _refuse()

    def delete(self) -> tuple[int, dict[str, int]]:
        _refuse()

    def _raw_delete(self, using: Any) -> int:
        _refuse()

    def bulk_update(self, objs: Any, fields: Any, batch_size: int | None = None) -> int:
        _refuse()


class AuditEvent(models.Model):
    sequence = models.PositiveBigIntegerField("序号", unique=True)
    at = models.DateTimeField("时间", db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="操作人",
    )
    actor_name = models.CharField("操作人姓名", max_length=150, blank=True)
    # Text, not an inet column: the hash covers exactly what is stored, and PostgreSQL would
    # re-spell some IPv6 addresses.
    ip = models.CharField("来源地址", max_length=45, blank=True)
    user_agent = models.CharField("浏览器标识", max_length=300, blank=True)
    campaign = models.ForeignKey(
        "campaigns.Campaign",
        models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="创建活动",
    )
    action = models.CharField("操作", max_length=64, db_index=True)
    target = models.CharField("对象", max_length=200, blank=True)
    indicator = models.PositiveSmallIntegerField("指标编号", null=True, blank=True)
    before = models.JSONField("修改前", null=True, blank=True)
    after = models.JSONField("修改后", null=True, blank=True)
    message = models.TextField("说明", blank=True)
    prev_hash = models.CharField("上一条哈希", max_length=64)
    hash = models.CharField("哈希", max_length=64, unique=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "审计记录"
        ordering = ["-sequence"]
        indexes = [
            models.Index(fields=["campaign", "indicator", "sequence"], name="audit_indicator"),
            models.Index(fields=["actor", "sequence"], name="audit_actor"),
            # Sign-in throttling counts recent failures per user name.
            models.Index(fields=["target", "at"], name="audit_target_time"),
        ]

    def __str__(self) -> str:
        return f"#{self.sequence} {self.action} {self.target}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AuditImmutableError
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AuditImmutableError


class AuditHead(models.Model):
    """The chain's last sequence number and hash (one row, id 1).

    Appending locks this row, which serialises writers; and ``audit_verify`` compares it with the
    last row, so removing rows from the end of the chain is noticed too.
    """

    sequence = models.PositiveBigIntegerField("最后序号", default=0)
    hash = models.CharField("最后哈希", max_length=64)

    class Meta:
        verbose_name = verbose_name_plural = "审计链头"

    def __str__(self) -> str:
        return f"#{self.sequence} {self.hash[:12]}"
