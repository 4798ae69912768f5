"""API tokens for scripts (``Authorization: Bearer …``); only a hash of each token is stored."""

from __future__ import annotations

import hashlib
import secrets
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.utils import timezone

if TYPE_CHECKING:
    from django.contrib.auth.models import User

PREFIX = "dz_"


def digest(token: str) -> str:
    # Tokens carry 256 random bits, so a plain hash is as good as a slow one here.
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


class ApiToken(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.CASCADE, related_name="api_tokens", verbose_name="用户"
    )
    name = models.CharField("用途", max_length=100, blank=True)
    digest = models.CharField("令牌摘要", max_length=64, unique=True)
    hint = models.CharField("令牌前缀", max_length=16)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    last_used_at = models.DateTimeField("最近使用", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "接口令牌"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.user} · {self.hint}…"

    @classmethod
    def issue(cls, user: models.Model, name: str = "") -> tuple[ApiToken, str]:
        """A new token for ``user``; the plain token is returned once and never stored."""
        token = PREFIX + secrets.token_urlsafe(32)
        row = cls.objects.create(user=user, name=name, digest=digest(token), hint=token[:10])
        return row, token

    @classmethod
    def authenticate(cls, token: str) -> User | None:
        row = (
            cls.objects.select_related("user")
            .filter(digest=digest(token.strip()), user__is_active=True)
            .first()
        )
        if row is None:
            return None
        cls.objects.filter(pk=row.pk).update(last_used_at=timezone.now())
        return row.user


class PendingPasswordChange(models.Model):
    """The user signs in with a password someone else has seen (an invitation or a reset) and
    must choose its own before doing anything else; the row goes when it has."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        models.CASCADE,
        related_name="pending_password_change",
        verbose_name="用户",
    )
    created_at = models.DateTimeField("设置时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "待修改的初始密码"

    def __str__(self) -> str:
        return str(self.user)
