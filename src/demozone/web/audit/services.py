"""Writing to and reading the audit trail.

:func:`record` appends one row inside the caller's transaction, so a change that is rolled back
leaves no trace and a change that is committed always has its row. Appends are serialised: on
PostgreSQL by locking the chain head (an advisory lock guards its first creation), on SQLite by
the database's single write lock, which every transaction takes at ``BEGIN IMMEDIATE``.
"""

from __future__ import annotations

import ipaddress
import logging
from collections.abc import Iterator
from contextvars import ContextVar
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import connection, transaction
from django.http import HttpRequest
from django.utils import timezone

from demozone.web.audit import chain
from demozone.web.audit.models import AuditEvent, AuditHead

log = logging.getLogger(__name__)

# Any fixed 64-bit number: the advisory lock that guards creating the chain head on PostgreSQL.
_PG_LOCK_KEY = 0x64656D6F_61756474

# Set by AuditRequestMiddleware for the duration of each request.
current_request: ContextVar[HttpRequest | None] = ContextVar("audit_request", default=None)

_LIMITS = {"actor_name": 150, "user_agent": 300, "action": 64, "target": 200}


def client_ip(request: HttpRequest | None) -> str:
    """The client's address: REMOTE_ADDR, or the first X-Forwarded-For hop behind a trusted proxy."""
    if request is None:
        return ""
    raw = request.META.get("REMOTE_ADDR", "")
    if getattr(settings, "DEMOZONE_TRUST_X_FORWARDED_FOR", False):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            raw = forwarded.split(",")[0]
    try:
        return str(ipaddress.ip_address(raw.strip()))
    except ValueError:
        return ""


def _text(value: str, field: str | None = None) -> str:
    # PostgreSQL text cannot hold NUL; the limits are the columns' lengths.
    value = (value or "").replace("\x00", "")
    return value[: _LIMITS[field]] if field else value


def display_name(user: Any) -> str:
    if user is None or not getattr(user, "is_authenticated", False):
        return ""
    username = user.get_username()
    full = (user.get_full_name() or "").strip() if hasattr(user, "get_full_name") else ""
    return f"{full}（{username}）" if full and full != username else username


def _actor(actor: Any, request: HttpRequest | None) -> AbstractBaseUser | None:
    if actor is None and request is not None:
        actor = getattr(request, "user", None)
    if actor is None or isinstance(actor, AnonymousUser) or not actor.is_authenticated:
        return None
    return actor  # type: ignore[no-any-return]


def _lock_head() -> AuditHead:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_PG_LOCK_KEY])
    head = AuditHead.objects.select_for_update().filter(pk=1).first()
    if head is None:
        last = AuditEvent.objects.order_by("-sequence").values("sequence", "hash").first()
        head = AuditHead.objects.create(
            pk=1,
            sequence=last["sequence"] if last else 0,
            hash=last["hash"] if last else chain.GENESIS,
        )
    return head


def record(
    *,
    action: str,
    actor: AbstractBaseUser | AnonymousUser | None,
    campaign: Any = None,
    target: str = "",
    indicator: int | None = None,
    before: Any = None,
    after: Any = None,
    request: HttpRequest | None = None,
    message: str = "",
) -> AuditEvent:
    """Append one row to the audit trail, inside the caller's transaction.

    ``request`` defaults to the request being served (see AuditRequestMiddleware); ``actor`` None
    means that request's user, if signed in. ``before`` and ``after`` may hold decimals and dates:
    they are stored as strings.
    """
    if request is None:
        request = current_request.get()
    user = _actor(actor, request)
    with transaction.atomic():
        head = _lock_head()
        fields: dict[str, Any] = {
            "sequence": head.sequence + 1,
            "at": timezone.now(),
            "actor_id": user.pk if user is not None else None,
            "actor_name": _text(display_name(user), "actor_name"),
            "ip": client_ip(request),
            "user_agent": _text(
                request.META.get("HTTP_USER_AGENT", "") if request else "", "user_agent"
            ),
            "campaign_id": getattr(campaign, "pk", campaign),
            "action": _text(action, "action"),
            "target": _text(target, "target"),
            "indicator": indicator,
            "before": chain.jsonable(before),
            "after": chain.jsonable(after),
            "message": _text(message),
            "prev_hash": head.hash,
        }
        digest = chain.row_hash(fields)
        event = AuditEvent(**fields, hash=digest)
        event.save(force_insert=True)
        AuditHead.objects.filter(pk=1).update(sequence=fields["sequence"], hash=digest)
    return event


def record_denied(request: HttpRequest, message: str) -> AuditEvent | None:
    """Audit a refused request (403) in a transaction of its own.

    Called from the 403 handlers, after the view's transaction has been rolled back, so the row is
    committed although the request fails. Never raises: a failure to audit is logged, and the
    refusal still answered.
    """
    campaign_id = _campaign_from_path(request)
    try:
        with transaction.atomic():
            return record(
                action="access.denied",
                actor=None,
                request=request,
                campaign=campaign_id,
                target=_text(f"{request.method} {request.get_full_path()}", "target"),
                message=message,
            )
    except Exception:
        log.exception("could not audit a refused request to %s", request.path)
        return None


def _campaign_from_path(request: HttpRequest) -> int | None:
    match = getattr(request, "resolver_match", None)
    kwargs = getattr(match, "kwargs", None) or {}
    for key in ("campaign_id", "pk"):
        value = kwargs.get(key)
        if isinstance(value, int):
            return _existing_campaign(value)
    return None


def _existing_campaign(pk: int) -> int | None:
    from demozone.web.campaigns.models import Campaign  # noqa: PLC0415

    return pk if Campaign.objects.filter(pk=pk).exists() else None


def verify_chain(chunk_size: int = 5000) -> chain.Verification:
    """Recompute the whole chain from the database (streamed, by sequence)."""
    head_row = AuditHead.objects.filter(pk=1).values_list("sequence", "hash").first()

    def rows() -> Iterator[dict[str, Any]]:
        yield from (
            AuditEvent.objects.order_by("sequence")
            .values(*chain.FIELDS, "hash")
            .iterator(chunk_size=chunk_size)
        )

    def find_by_hash(digest: str) -> int | None:
        return AuditEvent.objects.filter(hash=digest).values_list("sequence", flat=True).first()

    return chain.verify(rows(), head=head_row, find_by_hash=find_by_hash)
