"""Audit rows written from Django's signals.

Sign-in, sign-out and failed sign-in come from the auth signals. Departments and the
responsibility table can be edited in several places (the admin, the office's pages, a
template), so their changes are recorded here, with the user of the request being served.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver
from django.http import HttpRequest

from demozone.web.audit.lockout import note_lockout
from demozone.web.audit.services import record
from demozone.web.campaigns.models import Assignment, Department

_quiet: ContextVar[bool] = ContextVar("audit_structure_quiet", default=False)


@contextmanager
def recorded_by_caller() -> Iterator[None]:
    """Inside, departments and assignments saved are not recorded one by one: the caller writes
    one summary row (e.g. creating a campaign from a template)."""
    token = _quiet.set(True)
    try:
        yield
    finally:
        _quiet.reset(token)


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
    if getattr(request, "dz_locked", False):
        record(
            action="auth.locked",
            actor=None,
            request=request,
            target=username,
            message=f"用户名“{username}”已被锁定，拒绝登录",
        )
        return
    record(
        action="auth.login_failed",
        actor=None,
        request=request,
        target=username,
        message=f"登录失败：用户名“{username}”或密码错误",
    )
    note_lockout(request, username)


def _department(d: Department) -> dict[str, Any]:
    return {
        "name": d.name,
        "is_member": d.is_member,
        "hosts_office": d.hosts_office,
        "position": d.position,
    }


def _assignment(a: Assignment) -> dict[str, Any]:
    try:
        department = a.department.name
    except Department.DoesNotExist:  # deleted together with its department
        department = None
    return {
        "indicator": a.indicator,
        "department": department,
        "is_lead": a.is_lead,
        "position": a.position,
    }


_SNAPSHOT: dict[type[Department | Assignment], Callable[[Any], dict[str, Any]]] = {
    Department: _department,
    Assignment: _assignment,
}


@receiver(pre_save, sender=Department)
@receiver(pre_save, sender=Assignment)
def _remember(sender: Any, instance: Department | Assignment, **kwargs: Any) -> None:
    if _quiet.get() or instance.pk is None or kwargs.get("raw"):
        return
    old = sender.objects.select_related(*(["department"] if sender is Assignment else [])).filter(
        pk=instance.pk
    )
    row = old.first()
    instance._audit_before = _SNAPSHOT[sender](row) if row is not None else None  # type: ignore[union-attr]


@receiver(post_save, sender=Department)
@receiver(post_save, sender=Assignment)
def _saved(sender: Any, instance: Department | Assignment, created: bool, **kwargs: Any) -> None:
    if _quiet.get() or kwargs.get("raw"):
        return
    before = None if created else getattr(instance, "_audit_before", None)
    after = _SNAPSHOT[sender](instance)
    if before == after:
        return
    _structure_row(sender, instance, "create" if created else "update", before, after)


@receiver(post_delete, sender=Department)
@receiver(post_delete, sender=Assignment)
def _deleted(sender: Any, instance: Department | Assignment, **kwargs: Any) -> None:
    if _quiet.get():
        return
    _structure_row(sender, instance, "delete", _SNAPSHOT[sender](instance), None)


def _structure_row(
    sender: Any, instance: Department | Assignment, verb: str, before: Any, after: Any
) -> None:
    words = {"create": "新增", "update": "修改", "delete": "删除"}[verb]
    if sender is Department:
        record(
            action=f"department.{verb}",
            actor=None,
            campaign=instance.campaign_id,
            target=f"department:{instance.pk}",
            before=before,
            after=after,
            message=f"{words}成员单位“{instance.name}”",  # type: ignore[union-attr]
        )
        return
    state = after or before
    record(
        action=f"assignment.{verb}",
        actor=None,
        campaign=instance.campaign_id,
        target=f"assignments.{instance.indicator}",  # type: ignore[union-attr]
        indicator=instance.indicator,  # type: ignore[union-attr]
        before=before,
        after=after,
        message=f"{words}第 {instance.indicator} 项指标的责任分工：{state['department']}"  # type: ignore[union-attr]
        f"{'（牵头）' if state['is_lead'] else '（配合）'}",
    )
