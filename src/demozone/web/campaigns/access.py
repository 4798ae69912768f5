"""Who may see and change what in a campaign (SPEC §7).

The full role model is a later issue; this much is enforced here, in the services' callers and
the API alike: members see their campaign; the office (and the system administrator) change all of
its data; a liaison changes only the data of the indicators assigned to its department.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404

from demozone.web.campaigns.models import Assignment, Campaign, Department, Membership, Role
from demozone.web.campaigns.needs import framework_needs

_CAMPAIGN_RELATED = ("region", "framework")


@dataclass(frozen=True)
class Access:
    """A user's standing in one campaign."""

    campaign: Campaign
    role: str
    department: Department | None

    @property
    def role_name(self) -> str:
        return Role(self.role).label

    @property
    def edits_all(self) -> bool:
        return self.role in (Role.ADMIN, Role.OFFICE)

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN

    def indicators(self, assignments: Iterable[Assignment]) -> set[int]:
        """The indicators this user may fill in."""
        if self.edits_all:
            return {ind.number for ind in self.campaign.core_framework.indicators}
        if self.role != Role.LIAISON or self.department is None:
            return set()
        return {a.indicator for a in assignments if a.department_id == self.department.pk}

    def editable_paths(self, assignments: Iterable[Assignment]) -> frozenset[str]:
        needs = framework_needs(self.campaign.core_framework, self.campaign.years)
        paths: set[str] = set()
        for number in self.indicators(assignments):
            paths |= needs[number].paths
        return frozenset(paths)

    def require_edit(self, number: int, assignments: Iterable[Assignment]) -> None:
        if number not in self.indicators(assignments):
            raise PermissionDenied(f"您没有填报第 {number} 项指标的权限：该指标未分工给您所在单位")


def campaign_access(user: AbstractBaseUser | AnonymousUser, campaign_id: int) -> Access:
    """The user's access to a campaign (one query); 404 if none exists, 403 if not a member."""
    if not user.is_authenticated:
        raise PermissionDenied("请先登录")
    if getattr(user, "is_superuser", False):
        campaign = (
            Campaign.objects.select_related(*_CAMPAIGN_RELATED).filter(pk=campaign_id).first()
        )
        if campaign is None:
            raise Http404("创建活动不存在")
        return Access(campaign, Role.ADMIN, None)
    membership = (
        Membership.objects.select_related(
            *(f"campaign__{r}" for r in _CAMPAIGN_RELATED), "department"
        )
        .filter(user=user, campaign_id=campaign_id)
        .first()
    )
    if membership is None:
        if not Campaign.objects.filter(pk=campaign_id).exists():
            raise Http404("创建活动不存在")
        raise PermissionDenied("您不是该创建活动的成员")
    return Access(membership.campaign, membership.role, membership.department)


def default_campaign_id(user: AbstractBaseUser) -> int | None:
    """The campaign ``/`` shows: the user's own (most recent), or for an administrator the
    most recent one."""
    if getattr(user, "is_superuser", False):
        return Campaign.objects.order_by("-created_at", "-id").values_list("pk", flat=True).first()
    return (
        Membership.objects.filter(user=user)
        .order_by("-campaign__created_at", "-campaign_id")
        .values_list("campaign_id", flat=True)
        .first()
    )
