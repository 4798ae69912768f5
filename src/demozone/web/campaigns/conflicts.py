"""No lost updates (issue 4, item 4): a change may say which value it was based on.

A form (or an API client) sends, with each new value, the value it showed the user
(:attr:`Change.expected`). When the stored value is no longer that one, somebody else saved in
between: unless both arrived at the same value, the change is refused with a
:class:`ConflictError` naming the field, who changed it, when, and to what. The check runs under
the campaign's row lock in :func:`~demozone.web.campaigns.services.apply_changes`, so it cannot race
with the write.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from django.utils import timezone

from demozone.core.errors import Problem
from demozone.web.campaigns.errors import CampaignError

if TYPE_CHECKING:
    from demozone.web.campaigns.models import Campaign
    from demozone.web.campaigns.services import CampaignData, Change


class _NoCheck:
    """The default of ``Change.expected``: write whatever is stored."""

    def __repr__(self) -> str:
        return "NO_CHECK"


NO_CHECK: Any = _NoCheck()


@dataclass(frozen=True)
class Conflict:
    path: str
    label: str
    theirs: Any
    mine: Any
    by: str
    at: dt.datetime | None

    def message(self) -> str:
        from demozone.web.audit.data import show  # noqa: PLC0415

        who = self.by or "其他用户"
        when = f"于 {timezone.localtime(self.at):%Y-%m-%d %H:%M} " if self.at else ""
        return (
            f"“{self.label}”已被{who}{when}改为 {show(self.theirs)}，"
            f"您填写的 {show(self.mine)} 未保存，以免覆盖他人的修改。请核对后重新填写并保存。"
        )


class ConflictError(CampaignError):
    """The change was based on a value somebody else has since changed (answered with 409)."""

    title = "数据已被他人修改"

    def __init__(self, conflicts: Iterable[Conflict]) -> None:
        self.conflicts = tuple(conflicts)
        super().__init__([Problem(c.path, c.message()) for c in self.conflicts])


def same(a: object, b: object) -> bool:
    """Equal as the platform stores them: numbers by value, operators by name, year and sales."""
    if a is None or b is None:
        return a is None and b is None
    if isinstance(a, bool) or isinstance(b, bool):
        return a is b
    if isinstance(a, list | tuple) or isinstance(b, list | tuple):
        return (
            isinstance(a, list | tuple)
            and isinstance(b, list | tuple)
            and [_operator(x) for x in a] == [_operator(y) for y in b]
        )
    if isinstance(a, Mapping) or isinstance(b, Mapping):
        return a == b
    na, nb = _number(a), _number(b)
    if na is not None and nb is not None:
        return na == nb
    return str(a).strip() == str(b).strip()


def _number(value: Any) -> Decimal | None:
    if isinstance(value, bool):
        return None
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() else None


def _operator(op: Any) -> tuple[str, Any, Any]:
    if not isinstance(op, Mapping):
        return (str(op), None, None)
    year, sales = op.get("year"), op.get("ecommerce_sales")
    return (
        str(op.get("name", "")).strip(),
        _number(year) if _number(year) is not None else year,
        _number(sales) if _number(sales) is not None else sales,
    )


def find_conflicts(
    campaign: Campaign, data: CampaignData, doc: Mapping[str, Any], changes: Sequence[Change]
) -> list[Conflict]:
    """The changes whose expected value is no longer the stored one."""
    from demozone.web.audit.data import flatten, label_of  # noqa: PLC0415

    checked = [c for c in changes if c.expected is not NO_CHECK]
    if not checked:
        return []
    current = flatten(doc)
    conflicts = []
    for change in checked:
        now = current.get(change.path)
        if same(now, change.expected) or same(now, change.value):
            continue
        by, at = last_change(campaign, data, change.path)
        conflicts.append(
            Conflict(change.path, label_of(campaign, change.path), now, change.value, by, at)
        )
    return conflicts


def last_change(
    campaign: Campaign, data: CampaignData, path: str
) -> tuple[str, dt.datetime | None]:
    """Who last changed ``path`` and when: from the audit trail, else from the stored row."""
    from demozone.core.needs import OPERATORS_PATH  # noqa: PLC0415
    from demozone.web.audit.models import AuditEvent  # noqa: PLC0415
    from demozone.web.audit.services import display_name  # noqa: PLC0415

    event = (
        AuditEvent.objects.filter(campaign_id=campaign.pk, target=path)
        .order_by("-sequence")
        .values("actor_name", "at")
        .first()
    )
    if event is not None:
        return event["actor_name"], event["at"]
    head, _, rest = path.partition(".")
    row: Any = None
    if path == OPERATORS_PATH:
        row = data.operators[0] if data.operators else None
    elif head == "judgments":
        row = data.judgments_by_item().get(rest)
    else:
        row = data.values_by_path(campaign.core_framework).get(path)
    if row is None:
        return "", None
    return display_name(row.entered_by), row.entered_at
