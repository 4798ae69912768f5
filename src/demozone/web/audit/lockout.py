"""Login throttling and lockout (issue 4, item 6).

After ``DEMOZONE_LOGIN_MAX_FAILURES`` (5) failed sign-ins for one user name from one address within
``DEMOZONE_LOGIN_WINDOW_MINUTES`` (15), that name is locked for that address for
``DEMOZONE_LOGIN_LOCK_MINUTES`` (15) after the last of them; a successful sign-in clears the count.
The failures are the audit trail's own ``auth.login_failed`` rows, so every gunicorn worker sees
the same count and no other state is kept. Attempts refused while locked are recorded as
``auth.locked`` and do not extend the lock.

The check sits in an authentication backend, so it guards every sign-in form (the admin's too).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.utils import timezone

from demozone.web.audit.models import AuditEvent
from demozone.web.audit.services import client_ip

# The message shown while locked; set on the request for the sign-in page.
REQUEST_ATTR = "dz_lockout"


def _policy() -> tuple[int, dt.timedelta, dt.timedelta]:
    return (
        int(getattr(settings, "DEMOZONE_LOGIN_MAX_FAILURES", 5)),
        dt.timedelta(minutes=int(getattr(settings, "DEMOZONE_LOGIN_WINDOW_MINUTES", 15))),
        dt.timedelta(minutes=int(getattr(settings, "DEMOZONE_LOGIN_LOCK_MINUTES", 15))),
    )


def locked_until(username: str, ip: str, now: dt.datetime | None = None) -> dt.datetime | None:
    """When the lock on ``username`` from ``ip`` ends, or None if it is not locked."""
    limit, window, lock = _policy()
    if limit <= 0 or not username:
        return None
    now = now or timezone.now()
    recent = AuditEvent.objects.filter(target=username[:200], at__gte=now - window - lock)
    last_login = (
        recent.filter(action="auth.login")
        .order_by("-sequence")
        .values_list("at", flat=True)
        .first()
    )
    failures = recent.filter(action="auth.login_failed", ip=ip)
    if last_login is not None:
        failures = failures.filter(at__gt=last_login)
    times = list(failures.order_by("sequence").values_list("at", flat=True))
    until = None
    for i in range(limit - 1, len(times)):
        if times[i] - times[i - limit + 1] <= window and now < times[i] + lock:
            until = times[i] + lock
    return until


def lockout_message(until: dt.datetime) -> str:
    limit, window, _ = _policy()
    local = timezone.localtime(until)
    return (
        f"该账号在 {int(window.total_seconds() // 60)} 分钟内连续 {limit} 次登录失败，已暂时锁定，"
        f"请于 {local:%H:%M} 后再试。如忘记密码，请联系领导小组办公室重置。"
    )


def note_lockout(request: HttpRequest | None, username: str) -> None:
    """After a failure: if it locked the account, tell the sign-in page at once."""
    if request is None:
        return
    until = locked_until(username, client_ip(request))
    if until is not None:
        setattr(request, REQUEST_ATTR, lockout_message(until))


class LockoutModelBackend(ModelBackend):
    """Django's model backend, refusing a locked user name before checking the password."""

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> Any:
        if request is not None and username:
            until = locked_until(str(username), client_ip(request))
            if until is not None:
                setattr(request, REQUEST_ATTR, lockout_message(until))
                request.dz_locked = True  # type: ignore[attr-defined]
                raise PermissionDenied(lockout_message(until))
        return super().authenticate(request, username=username, password=password, **kwargs)
