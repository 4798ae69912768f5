"""Managing a campaign's users: invite, role and department, disable and enable, reset password.

The office's pages and ``demozone manage create_user`` call these same functions; the command
acts as :meth:`Access.shell` (the system administrator). Each change is written together with its
audit row in one transaction.

Invitations and resets hand out a random password shown once (the platform is offline: there is
no mail to carry a link); whoever signs in with it must choose a new one first
(:class:`~demozone.web.accounts.models.PendingPasswordChange`). A password set explicitly on
the command line is the operator's choice and is not forced to change.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model, update_session_auth_hash
from django.contrib.auth.forms import PasswordChangeForm
from django.contrib.auth.password_validation import validate_password
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404, HttpRequest

from demozone.core.errors import Problem
from demozone.web.accounts.models import PendingPasswordChange
from demozone.web.audit.services import record
from demozone.web.campaigns.access import Access
from demozone.web.campaigns.errors import CampaignError
from demozone.web.campaigns.models import Department, Membership, Role

# Random passwords avoid look-alike characters: they are read off a screen and typed in.
_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
MUST_CHANGE_SESSION_KEY = "demozone.must_change_password"
_ROLE_ORDER = {role.value: i for i, role in enumerate(Role)}


class UserAdminError(CampaignError):
    """The user change asked for is invalid; nothing was written. Paths name the form fields."""

    title = "无法完成用户操作"


@dataclass(frozen=True)
class Issued:
    """A membership and the password to hand over, shown once (None: the password is unchanged
    or was chosen by the operator)."""

    membership: Membership
    password: str | None


def random_password() -> str:
    return "-".join("".join(secrets.choice(_ALPHABET) for _ in range(4)) for _ in range(3))


# --- reading ---------------------------------------------------------------------------------


def members(access: Access) -> list[Membership]:
    access.require("users.manage")
    rows = Membership.objects.filter(campaign=access.campaign).select_related("user", "department")
    return sorted(
        rows,
        key=lambda m: (
            _ROLE_ORDER.get(m.role, 99),
            m.department.position if m.department else -1,
            m.user.username,
        ),
    )


def member(access: Access, member_id: int) -> Membership:
    access.require("users.manage")
    row = (
        Membership.objects.select_related("user", "department")
        .filter(campaign=access.campaign, pk=member_id)
        .first()
    )
    if row is None:
        raise Http404("本创建活动中没有该用户")
    return row


def assignable_roles(access: Access) -> list[tuple[str, str]]:
    """The roles this member may hand out: only a system administrator creates another."""
    return [(r.value, r.label) for r in Role if r != Role.ADMIN or access.is_system_admin]


# --- changing --------------------------------------------------------------------------------


def invite(
    access: Access,
    *,
    username: str,
    name: str = "",
    role: str,
    department: Department | int | None = None,
    password: str | None = None,
    request: HttpRequest | None = None,
) -> Issued:
    """A new user in the campaign. Without ``password`` a random one is issued (shown once) and
    must be changed at the first sign-in."""
    access.require("users.manage")
    username = (username or "").strip()
    name = (name or "").strip()
    problems = _username_problems(username) + _name_problems(name)
    dept, role_problems = _role_and_department(access, role, department)
    problems += role_problems
    User = get_user_model()
    candidate = User(username=username, first_name=name)
    if password is not None:
        problems += _password_problems(password, candidate)
    if problems:
        raise UserAdminError(problems)
    issued = password or random_password()
    try:
        with transaction.atomic():
            candidate.set_password(issued)
            candidate.save()
            membership = Membership.objects.create(
                user=candidate, campaign=access.campaign, role=role, department=dept
            )
            if password is None:
                PendingPasswordChange.objects.create(user=candidate)
            record(
                action="user.invite" if access.user is not None else "user.create",
                actor=access.user,
                campaign=access.campaign,
                target=f"user:{username}",
                after=_snapshot(membership),
                request=request,
                message=f"新建用户 {username}（{_describe(membership)}）",
            )
    except IntegrityError:
        # Another request took the name between the check and the insert.
        raise UserAdminError(Problem("username", f"用户名“{username}”已被使用")) from None
    return Issued(membership, None if password else issued)


def join(
    access: Access,
    user: Any,
    *,
    role: str,
    department: Department | int | None = None,
    request: HttpRequest | None = None,
) -> Membership:
    """An existing user (of another campaign) joins this one."""
    access.require("users.manage")
    _guard_target(access, user)
    dept, problems = _role_and_department(access, role, department)
    if Membership.objects.filter(user=user, campaign=access.campaign).exists():
        problems.append(Problem("username", f"用户“{user.username}”已是本创建活动的成员"))
    if problems:
        raise UserAdminError(problems)
    with transaction.atomic():
        membership = Membership.objects.create(
            user=user, campaign=access.campaign, role=role, department=dept
        )
        record(
            action="membership.create",
            actor=access.user,
            campaign=access.campaign,
            target=f"user:{user.username}",
            after=_snapshot(membership),
            request=request,
            message=f"用户 {user.username} 加入本创建活动（{_describe(membership)}）",
        )
    return membership


def change_member(
    access: Access,
    membership: Membership,
    *,
    role: str,
    department: Department | int | None = None,
    name: str | None = None,
    request: HttpRequest | None = None,
) -> Membership:
    """A new role, department or display name; a role change is audited as ``role.change``."""
    access.require("users.manage")
    _guard_member(access, membership)
    dept, problems = _role_and_department(access, role, department)
    if name is not None:
        name = name.strip()
        problems += _name_problems(name)
    if membership.user_id == getattr(access.user, "pk", None) and role != membership.role:
        problems.append(Problem("role", "不能修改自己的角色，请由其他管理人员操作"))
    if problems:
        raise UserAdminError(problems)
    user = membership.user
    before = _snapshot(membership)
    with transaction.atomic():
        if name is not None and name != user.first_name:
            old_name, user.first_name = user.first_name, name
            user.save(update_fields=["first_name"])
            record(
                action="user.update",
                actor=access.user,
                campaign=access.campaign,
                target=f"user:{user.username}",
                before={"name": old_name},
                after={"name": name},
                request=request,
                message=f"修改用户 {user.username} 的姓名",
            )
        if (role, dept) != (membership.role, membership.department):
            role_changed = role != membership.role
            membership.role, membership.department = role, dept
            membership.save(update_fields=["role", "department"])
            record(
                action="role.change" if role_changed else "membership.update",
                actor=access.user,
                campaign=access.campaign,
                target=f"user:{user.username}",
                before=before,
                after=_snapshot(membership),
                request=request,
                message=f"用户 {user.username} 改为 {_describe(membership)}",
            )
    return membership


def set_active(
    access: Access, membership: Membership, active: bool, request: HttpRequest | None = None
) -> Membership:
    """Disable (no sign-in, no API token) or enable a user."""
    access.require("users.manage")
    _guard_member(access, membership)
    user = membership.user
    if user.pk == getattr(access.user, "pk", None):
        raise PermissionDenied("不能停用或启用自己的账号")
    if user.is_active == active:
        return membership
    with transaction.atomic():
        user.is_active = active
        user.save(update_fields=["is_active"])
        record(
            action="user.enable" if active else "user.disable",
            actor=access.user,
            campaign=access.campaign,
            target=f"user:{user.username}",
            before={"is_active": not active},
            after={"is_active": active},
            request=request,
            message=f"{'启用' if active else '停用'}用户 {user.username}",
        )
    return membership


def reset_password(
    access: Access,
    membership: Membership,
    *,
    password: str | None = None,
    request: HttpRequest | None = None,
) -> Issued:
    """A new password: random (shown once, to be changed at the next sign-in) unless given. The
    user's open sessions end, since they were signed with the old password."""
    access.require("users.manage")
    _guard_member(access, membership)
    user = membership.user
    if user.pk == getattr(access.user, "pk", None):
        raise PermissionDenied("请通过“修改密码”更改自己的密码")
    if password is not None:
        problems = _password_problems(password, user)
        if problems:
            raise UserAdminError(problems)
    issued = password or random_password()
    with transaction.atomic():
        user.set_password(issued)
        user.save(update_fields=["password"])
        if password is None:
            PendingPasswordChange.objects.get_or_create(user=user)
        else:
            PendingPasswordChange.objects.filter(user=user).delete()
        record(
            action="user.password_reset",
            actor=access.user,
            campaign=access.campaign,
            target=f"user:{user.username}",
            request=request,
            message=f"重置用户 {user.username} 的密码"
            + ("（须在下次登录时修改）" if password is None else ""),
        )
    return Issued(membership, None if password else issued)


def change_own_password(request: HttpRequest, form: PasswordChangeForm) -> None:
    """Save a valid password-change form: the user stays signed in, and is no longer held at
    the password page."""
    user = form.user
    with transaction.atomic():
        form.save()
        PendingPasswordChange.objects.filter(user=user).delete()
        record(
            action="user.password_change",
            actor=user,
            target=f"user:{user.username}",
            request=request,
            message="用户修改了自己的密码",
        )
    update_session_auth_hash(request, user)
    request.session.pop(MUST_CHANGE_SESSION_KEY, None)


def must_change_password(user: Any) -> bool:
    return PendingPasswordChange.objects.filter(user=user).exists()


# --- checks ----------------------------------------------------------------------------------


def _username_problems(username: str) -> list[Problem]:
    if not username:
        return [Problem("username", "请填写用户名")]
    if len(username) > 150:
        return [Problem("username", "用户名不能超过 150 个字符")]
    try:
        UnicodeUsernameValidator()(username)
    except ValidationError:
        return [Problem("username", "用户名只能包含字母、数字和 @ . + - _")]
    if get_user_model().objects.filter(username=username).exists():
        return [Problem("username", f"用户名“{username}”已被使用")]
    return []


def _name_problems(name: str) -> list[Problem]:
    return [Problem("name", "姓名不能超过 150 个字符")] if len(name) > 150 else []


def _password_problems(password: str, user: Any) -> list[Problem]:
    try:
        validate_password(password, user)
    except ValidationError as exc:
        return [Problem("password", str(m)) for m in exc.messages]
    return []


def _role_and_department(
    access: Access, role: str, department: Department | int | None
) -> tuple[Department | None, list[Problem]]:
    problems = []
    if role not in Role.values:
        problems.append(Problem("role", f"未知角色“{role}”"))
    elif role == Role.ADMIN and not access.is_system_admin:
        raise PermissionDenied("只有系统管理员可以授予“系统管理员”角色")
    dept = None
    if department is not None:
        dept_id = department.pk if isinstance(department, Department) else department
        dept = Department.objects.filter(campaign=access.campaign, pk=dept_id).first()
        if dept is None:
            problems.append(Problem("department", "所选单位不属于本创建活动"))
    if role == Role.LIAISON and department is None:
        problems.append(Problem("department", "成员单位联络员必须指定所在单位"))
    return dept, problems


def _guard_target(access: Access, user: Any) -> None:
    if access.is_system_admin:
        return
    if user.is_superuser:
        raise PermissionDenied("系统管理员的账号只能由系统管理员管理")


def _guard_member(access: Access, membership: Membership) -> None:
    """An office manages the users of its campaign, not system administrators nor anyone who
    also belongs to a campaign it does not run."""
    if membership.campaign_id != access.campaign.pk:
        raise Http404("本创建活动中没有该用户")
    if access.is_system_admin:
        return
    _guard_target(access, membership.user)
    if membership.role == Role.ADMIN:
        raise PermissionDenied("系统管理员的账号只能由系统管理员管理")
    managed = Membership.objects.filter(
        user=access.user, role__in=[Role.ADMIN, Role.OFFICE]
    ).values("campaign_id")
    if Membership.objects.filter(user=membership.user).exclude(campaign_id__in=managed).exists():
        raise PermissionDenied("该用户还参与您不负责的其他创建活动，只能由系统管理员管理")


def _snapshot(membership: Membership) -> dict[str, Any]:
    return {
        "role": membership.role,
        "department": membership.department.name if membership.department else None,
    }


def _describe(membership: Membership) -> str:
    role = Role(membership.role).label
    return f"{role} · {membership.department.name}" if membership.department else role
