"""用户管理 for the office (and the system administrator), and 修改密码 for everyone."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.cache import add_never_cache_headers
from django.views.decorators.http import require_http_methods, require_POST

from demozone.web.accounts import services
from demozone.web.accounts.forms import MemberForm, OwnPasswordForm
from demozone.web.accounts.services import MUST_CHANGE_SESSION_KEY, Issued, UserAdminError
from demozone.web.campaigns.access import Access, campaign_access
from demozone.web.requests import AuthenticatedHttpRequest


@login_required
def members(request: HttpRequest, campaign_id: int) -> HttpResponse:
    access = campaign_access(request.user, campaign_id, "users.manage")
    return _members_page(request, access, MemberForm(access=access))


@login_required
@require_POST
def invite(request: HttpRequest, campaign_id: int) -> HttpResponse:
    access = campaign_access(request.user, campaign_id, "users.manage")
    form = MemberForm(request.POST, access=access)
    if form.is_valid():
        try:
            issued = services.invite(access, **form.arguments(), request=request)
        except UserAdminError as exc:
            form.add_problems(exc)
        else:
            return _issued(request, access, issued, "已创建用户")
    return _members_page(request, access, form, status=422)


@login_required
@require_http_methods(["GET", "POST"])
def member(request: HttpRequest, campaign_id: int, member_id: int) -> HttpResponse:
    access = campaign_access(request.user, campaign_id, "users.manage")
    row = services.member(access, member_id)
    form = MemberForm(request.POST or None, access=access, member=row)
    if request.method == "POST" and form.is_valid():
        try:
            services.change_member(access, row, **form.arguments(), request=request)
        except UserAdminError as exc:
            form.add_problems(exc)
        else:
            messages.success(request, f"已保存用户 {row.user.username} 的角色与单位。")
            return redirect("users", campaign_id)
    context = {"access": access, "campaign": access.campaign, "nav": "users", "member": row}
    return render(
        request,
        "accounts/member.html",
        {**context, "form": form},
        status=422 if form.errors else 200,
    )


@login_required
@require_POST
def disable(request: HttpRequest, campaign_id: int, member_id: int) -> HttpResponse:
    return _set_active(request, campaign_id, member_id, active=False)


@login_required
@require_POST
def enable(request: HttpRequest, campaign_id: int, member_id: int) -> HttpResponse:
    return _set_active(request, campaign_id, member_id, active=True)


@login_required
@require_POST
def reset_password(request: HttpRequest, campaign_id: int, member_id: int) -> HttpResponse:
    access = campaign_access(request.user, campaign_id, "users.manage")
    row = services.member(access, member_id)
    issued = services.reset_password(access, row, request=request)
    return _issued(request, access, issued, "已重置密码")


@login_required
@require_http_methods(["GET", "POST"])
def password_change(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = OwnPasswordForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.change_own_password(request, form)
        messages.success(request, "密码已修改。")
        return redirect("home")
    forced = bool(request.session.get(MUST_CHANGE_SESSION_KEY))
    return render(
        request,
        "accounts/password_change.html",
        {"form": form, "forced": forced},
        status=422 if form.errors else 200,
    )


def _set_active(
    request: HttpRequest, campaign_id: int, member_id: int, *, active: bool
) -> HttpResponse:
    access = campaign_access(request.user, campaign_id, "users.manage")
    row = services.set_active(access, services.member(access, member_id), active, request=request)
    messages.success(request, f"已{'启用' if active else '停用'}用户 {row.user.username}。")
    return redirect("users", campaign_id)


def _members_page(
    request: HttpRequest, access: Access, form: MemberForm, status: int = 200
) -> HttpResponse:
    context = {"access": access, "campaign": access.campaign, "nav": "users"}
    return render(
        request,
        "accounts/members.html",
        {**context, "members": services.members(access), "form": form},
        status=status,
    )


def _issued(request: HttpRequest, access: Access, issued: Issued, title: str) -> HttpResponse:
    # The password is in this response only: never stored, never cached, not behind a redirect.
    context = {"access": access, "campaign": access.campaign, "nav": "users"}
    response = render(
        request, "accounts/issued.html", {**context, "issued": issued, "title": title}
    )
    add_never_cache_headers(response)
    return response
