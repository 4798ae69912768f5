"""Who may see and change what in a campaign: a user's standing, asked against the policy table.

The rules themselves are the table of :mod:`demozone.web.campaigns.permissions`; this module
finds a user's membership and answers the table's questions for one campaign. Every page, API
operation and service asks one way::

    access = campaign_access(request.user, campaign_id, "dashboard.view")  # 404 / 403
    access.require("data.edit", indicator=7)                              # 403 with a reason

A refusal is :class:`PermissionDenied` carrying a Chinese sentence for the user.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from demozone.core.items import judged_indicators
from demozone.core.needs import framework_needs
from demozone.web.campaigns import permissions
from demozone.web.campaigns.models import Assignment, Campaign, Department, Membership, Role
from demozone.web.campaigns.permissions import Scope
from demozone.web.reviews.models import Panelist

_CAMPAIGN_RELATED = ("region", "framework")


@dataclass(frozen=True)
class Access:
    """A user's standing in one campaign.

    ``user`` is None only for the command line (:meth:`shell`), which acts as the system
    administrator.
    """

    campaign: Campaign
    role: str
    department: Department | None
    user: Any = None
    is_system_admin: bool = False

    @classmethod
    def shell(cls, campaign: Campaign) -> Access:
        """The standing of ``demozone manage`` commands: whoever runs them administers the system."""
        return cls(campaign, Role.ADMIN, None, None, is_system_admin=True)

    @property
    def role_name(self) -> str:
        return Role(self.role).label

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN

    @property
    def edits_all(self) -> bool:
        return self.scope("data.edit") == Scope.CAMPAIGN

    # --- the policy ----------------------------------------------------------------------------

    def scope(self, action: str) -> Scope:
        return permissions.scope(action, self.role)

    @cached_property
    def allowed(self) -> frozenset[str]:
        """The actions allowed on at least some objects (for menus: ``"entry.view" in access.allowed``)."""
        return permissions.actions_of(self.role)

    @cached_property
    def own_indicators(self) -> frozenset[int]:
        """The indicators assigned (lead or supporting) to the member's department."""
        if self.department is None:
            return frozenset()
        return frozenset(
            Assignment.objects.filter(
                campaign=self.campaign, department=self.department
            ).values_list("indicator", flat=True)
        )

    def can(
        self,
        action: str,
        *,
        indicator: int | None = None,
        department: Department | int | None = None,
        item: str | None = None,
    ) -> bool:
        return self._refusal(action, indicator, department, item) is None

    def require(
        self,
        action: str,
        *,
        indicator: int | None = None,
        department: Department | int | None = None,
        item: str | None = None,
    ) -> None:
        """Raise PermissionDenied (with the reason, in Chinese) unless the action is allowed on
        every object named."""
        reason = self._refusal(action, indicator, department, item)
        if reason is not None:
            raise PermissionDenied(reason)

    def _refusal(
        self,
        action: str,
        indicator: int | None,
        department: Department | int | None,
        item: str | None,
    ) -> str | None:
        rule = permissions.rule(action)
        granted = rule.scope(self.role)
        if granted == Scope.NONE:
            return f"您的角色（{self.role_name}）不能{rule.label}"
        if isinstance(department, Department) and department.campaign_id != self.campaign.pk:
            return f"“{department.name}”不属于本创建活动，不能{rule.label}"
        if granted == Scope.CAMPAIGN:
            return None
        own = self.department.name if self.department else "您所在单位"
        if item is not None:
            number = permissions.item_indicator(item)
            if number is None or number not in self.own_indicators:
                return f"评分项 {item} 未分工给{own}，您不能{rule.label}"
        if indicator is not None and indicator not in self.own_indicators:
            return f"第 {indicator} 项指标未分工给{own}，您不能{rule.label}"
        if department is not None:
            dept_id = department.pk if isinstance(department, Department) else department
            if self.department is None or dept_id != self.department.pk:
                return f"只能{rule.label}本单位（{own}）的内容"
        return None

    def can_view_evidence(self, item_id: str) -> bool:
        """Whether this member may see the evidence filed for an item (e.g. ``36.2``): the roles
        whose ``evidence.view`` scope covers the item, and an expert for the indicators of the
        review panels it sits on."""
        if self.role == Role.EXPERT:
            number = permissions.item_indicator(item_id)
            return number is not None and number in self.panel_indicators
        return self.can("evidence.view", item=item_id)

    @cached_property
    def panel_indicators(self) -> frozenset[int]:
        """The indicators an expert judges on the panels it sits on in this campaign."""
        if self.user is None or self.role != Role.EXPERT:
            return frozenset()
        seats = Panelist.objects.filter(round__campaign=self.campaign, user=self.user).values_list(
            "indicators", flat=True
        )
        judged = judged_indicators(self.campaign.core_framework, self.campaign.years)
        found: set[int] = set()
        for indicators in seats:
            found |= set(indicators or judged)
        return frozenset(found)

    # --- data entry (callers that already hold the campaign's assignments) ---------------------

    def indicators(self, assignments: Iterable[Assignment] | None = None) -> set[int]:
        """The indicators this member may fill in."""
        granted = self.scope("data.edit")
        if granted == Scope.CAMPAIGN:
            return {ind.number for ind in self.campaign.core_framework.indicators}
        if granted == Scope.NONE or self.department is None:
            return set()
        if assignments is None:
            return set(self.own_indicators)
        return {a.indicator for a in assignments if a.department_id == self.department.pk}

    def editable_paths(self, assignments: Iterable[Assignment] | None = None) -> frozenset[str]:
        needs = framework_needs(self.campaign.core_framework, self.campaign.years)
        paths: set[str] = set()
        for number in self.indicators(assignments):
            paths |= needs[number].paths
        return frozenset(paths)

    def require_edit(self, number: int, assignments: Iterable[Assignment] | None = None) -> None:
        if number not in self.indicators(assignments):
            self.require("data.edit")
            raise PermissionDenied(f"您没有填报第 {number} 项指标的权限：该指标未分工给您所在单位")


def campaign_access(
    user: User | AnonymousUser,
    campaign_id: int,
    action: str | None = None,
    **objects: Any,
) -> Access:
    """The user's access to a campaign (one query): 404 if the campaign does not exist, 403 if
    the user is not a member; with ``action``, also 403 unless the policy allows it."""
    access = _membership_access(user, campaign_id)
    if action is not None:
        access.require(action, **objects)
    return access


def _membership_access(user: User | AnonymousUser, campaign_id: int) -> Access:
    if not user.is_authenticated:
        raise PermissionDenied("请先登录")
    if is_system_admin(user):
        campaign = (
            Campaign.objects.select_related(*_CAMPAIGN_RELATED).filter(pk=campaign_id).first()
        )
        if campaign is None:
            raise Http404("创建活动不存在")
        return Access(campaign, Role.ADMIN, None, user, is_system_admin=True)
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
    return Access(membership.campaign, membership.role, membership.department, user)


def is_system_admin(user: User | AnonymousUser | None) -> bool:
    return bool(user is not None and user.is_authenticated and getattr(user, "is_superuser", False))


def require_system_admin(user: User | AnonymousUser, doing: str) -> None:
    """For the actions outside any campaign (e.g. 新建创建活动)."""
    if not is_system_admin(user):
        raise PermissionDenied(f"只有系统管理员可以{doing}")


def visible_campaigns(user: User | AnonymousUser) -> QuerySet[Campaign]:
    """The campaigns a user may see: its own, or every one for the system administrator."""
    campaigns = Campaign.objects.all()
    if is_system_admin(user):
        return campaigns
    if not user.is_authenticated:
        return campaigns.none()
    return campaigns.filter(pk__in=Membership.objects.filter(user=user).values("campaign_id"))


def member_roles(user: User | AnonymousUser) -> dict[int, str]:
    """The user's role in each of its campaigns (the system administrator's are all ``admin``)."""
    if not user.is_authenticated or is_system_admin(user):
        return {}
    return dict(Membership.objects.filter(user=user).values_list("campaign_id", "role"))


def landing_page(role: str) -> str:
    """The URL name of the first page of a campaign a role may open."""
    if permissions.scope("dashboard.view", role):
        return "dashboard"
    # 专家 have no dashboard: they land on their review rounds, under 我的待办.
    return "rounds" if permissions.scope("round.judge", role) else "framework"


def default_campaign_id(user: User) -> int | None:
    """The campaign ``/`` shows: the user's own (most recent), or for an administrator the
    most recent one."""
    if is_system_admin(user):
        return Campaign.objects.order_by("-created_at", "-id").values_list("pk", flat=True).first()
    return (
        Membership.objects.filter(user=user)
        .order_by("-campaign__created_at", "-campaign_id")
        .values_list("campaign_id", flat=True)
        .first()
    )
