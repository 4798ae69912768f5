"""Sign-in, sign-out and failed sign-in go to the audit trail through Django's auth signals."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver
from django.http import HttpRequest

from demozone.web.audit.services import record


@receiver(user_logged_in)
def _logged_in(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    record(
        action="auth.login", actor=user, request=request, target=user.get_username(), message="登录"
    )


@receiver(user_logged_out)
def _logged_out(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    if user is None:
        return
    record(
        action="auth.logout",
        actor=user,
        request=request,
        target=user.get_username(),
        message="退出登录",
    )


@receiver(user_login_failed)
def _login_failed(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    username = str(credentials.get("username", ""))
    record(
        action="auth.login_failed",
        actor=None,
        request=request,
        target=username,
        message=f"登录失败：用户名“{username}”或密码错误",
    )
