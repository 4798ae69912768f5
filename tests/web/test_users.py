"""用户管理: the office invites, re-roles, disables and resets the passwords of its campaign's
users, through the same service as ``demozone manage create_user``; every change is audited."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.urls import reverse

from demozone.web.accounts import services
from demozone.web.accounts.models import ApiToken, PendingPasswordChange
from demozone.web.accounts.services import UserAdminError
from demozone.web.audit.models import AuditEvent
from demozone.web.campaigns.access import Access, campaign_access
from demozone.web.campaigns.models import Department, Membership

from .factories import make_campaign, make_user

pytestmark = pytest.mark.django_db

User = get_user_model()


@pytest.fixture
def site(db):
    campaign = make_campaign(departments=4, filled=False)
    office = make_user("office", campaign, "office")
    client = Client()
    client.force_login(office)
    return campaign, office, client


def _dept(campaign, index=1):
    return campaign.departments.order_by("position")[index]


def _invite(client, campaign, *, username="zhang", role="liaison", department=None, name="张三"):
    department = _dept(campaign) if department is None else department
    return client.post(
        reverse("user_invite", args=[campaign.pk]),
        {"username": username, "name": name, "role": role, "department": department.pk},
    )


def _issued_password(response) -> str:
    match = re.search(r'id="issued-password">([^<]+)<', response.content.decode())
    assert match, "the page shows no password"
    return match.group(1)


def _events(action):
    return list(AuditEvent.objects.filter(action=action).order_by("sequence"))


def test_the_office_sees_its_campaigns_members_and_the_invite_form(site):
    campaign, _, client = site
    make_user("liaison1", campaign, "liaison", _dept(campaign))
    other = make_campaign(departments=2, filled=False, region="淮安市")
    make_user("stranger", other, "office")
    page = client.get(reverse("users", args=[campaign.pk])).content.decode()
    assert "用户管理" in page and "liaison1" in page and "office" in page
    assert "stranger" not in page and 'action="/campaigns/' in page and "邀请用户" in page


def test_inviting_shows_a_one_time_password_that_must_be_changed_at_first_sign_in(site):
    campaign, office, client = site
    response = _invite(client, campaign)
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    password = _issued_password(response)
    user = User.objects.get(username="zhang")
    assert user.first_name == "张三" and user.check_password(password)
    member = Membership.objects.get(user=user)
    assert (member.campaign, member.role, member.department) == (
        campaign,
        "liaison",
        _dept(campaign),
    )
    assert PendingPasswordChange.objects.filter(user=user).exists()
    (event,) = _events("user.invite")
    assert event.actor_id == office.pk and event.campaign_id == campaign.pk
    assert event.target == "user:zhang" and event.after == {
        "role": "liaison",
        "department": _dept(campaign).name,
    }
    assert password not in str(event.after) + event.message


def test_a_user_with_an_issued_password_is_held_at_the_password_page_until_it_changes(site):
    campaign, _, client = site
    password = _issued_password(_invite(client, campaign))
    newcomer = Client()
    response = newcomer.post(reverse("login"), {"username": "zhang", "password": password})
    assert response.status_code == 302
    held = newcomer.get(reverse("dashboard", args=[campaign.pk]))
    assert held.status_code == 302 and held.url == reverse("password_change")
    assert "一次性密码" in newcomer.get(reverse("password_change")).content.decode()
    api = newcomer.get("/api/v1/campaigns")
    assert api.status_code == 403 and "修改初始密码" in api.json()["detail"]
    same = newcomer.post(
        reverse("password_change"),
        {"old_password": password, "new_password1": password, "new_password2": password},
    )
    assert same.status_code == 422 and "新密码不能与原密码相同" in same.content.decode()
    changed = newcomer.post(
        reverse("password_change"),
        {
            "old_password": password,
            "new_password1": "Quiet-River-2024",
            "new_password2": "Quiet-River-2024",
        },
    )
    assert changed.status_code == 302
    assert newcomer.get(reverse("dashboard", args=[campaign.pk])).status_code == 200
    assert not PendingPasswordChange.objects.exists()
    assert _events("user.password_change")[0].target == "user:zhang"


def test_a_weak_new_password_is_refused_with_djangos_validators_in_chinese(site):
    campaign, _, client = site
    password = _issued_password(_invite(client, campaign))
    newcomer = Client()
    newcomer.post(reverse("login"), {"username": "zhang", "password": password})
    response = newcomer.post(
        reverse("password_change"),
        {"old_password": password, "new_password1": "12345678", "new_password2": "12345678"},
    )
    assert response.status_code == 422 and "密码" in response.content.decode()
    assert PendingPasswordChange.objects.filter(user__username="zhang").exists()


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"username": "office"}, "用户名“office”已被使用"),
        ({"username": "bad name!"}, "用户名只能包含"),
        ({"department": ""}, "成员单位联络员必须指定所在单位"),
    ],
)
def test_an_invalid_invitation_names_the_field_and_writes_nothing(site, fields, message):
    campaign, _, client = site
    data = {"username": "li", "name": "李四", "role": "liaison", "department": _dept(campaign).pk}
    response = client.post(reverse("user_invite", args=[campaign.pk]), {**data, **fields})
    assert response.status_code == 422 and message in response.content.decode()
    assert User.objects.count() == 1 and Membership.objects.count() == 1
    assert not _events("user.invite")


def test_a_department_of_another_campaign_is_refused(site):
    campaign, _, _ = site
    other = make_campaign(departments=2, filled=False, region="淮安市")
    access = campaign_access(Membership.objects.get(role="office").user, campaign.pk)
    with pytest.raises(UserAdminError) as caught:
        services.invite(access, username="li", role="liaison", department=_dept(other, 0))
    assert caught.value.problems[0].path == "department"
    assert not User.objects.filter(username="li").exists()


def test_only_a_system_administrator_hands_out_the_administrator_role(site, admin_user):
    campaign, office, client = site
    response = _invite(client, campaign, role="admin")
    assert response.status_code == 422 and not User.objects.filter(username="zhang").exists()
    with pytest.raises(PermissionDenied):
        services.invite(campaign_access(office, campaign.pk), username="x", role="admin")
    root = Client()
    root.force_login(admin_user)
    assert _invite(root, campaign, role="admin").status_code == 200


def test_changing_a_role_and_department_is_audited_with_before_and_after(site):
    campaign, _, client = site
    user = make_user("wang", campaign, "liaison", _dept(campaign, 1))
    member = Membership.objects.get(user=user)
    response = client.post(
        reverse("user_edit", args=[campaign.pk, member.pk]),
        {"name": "王五", "role": "leader", "department": ""},
    )
    assert response.status_code == 302
    member.refresh_from_db()
    assert (member.role, member.department, member.user.first_name) == ("leader", None, "王五")
    (event,) = _events("role.change")
    assert event.before == {"role": "liaison", "department": _dept(campaign, 1).name}
    assert event.after == {"role": "leader", "department": None}
    assert _events("user.update")[0].after == {"name": "王五"}


def test_moving_a_liaison_to_another_department_is_a_membership_change(site):
    campaign, _, client = site
    member = Membership.objects.get(user=make_user("wang", campaign, "liaison", _dept(campaign)))
    client.post(
        reverse("user_edit", args=[campaign.pk, member.pk]),
        {"name": "", "role": "liaison", "department": _dept(campaign, 2).pk},
    )
    (event,) = _events("membership.update")
    assert event.after["department"] == _dept(campaign, 2).name and not _events("role.change")


def test_the_office_cannot_change_its_own_role(site):
    campaign, office, client = site
    member = Membership.objects.get(user=office)
    response = client.post(
        reverse("user_edit", args=[campaign.pk, member.pk]),
        {"name": "", "role": "leader", "department": ""},
    )
    assert response.status_code == 422 and "不能修改自己的角色" in response.content.decode()
    assert Membership.objects.get(user=office).role == "office"


def test_a_disabled_user_can_neither_sign_in_nor_use_its_token_until_enabled(site):
    campaign, _, client = site
    user = make_user("zhao", campaign, "liaison", _dept(campaign))
    member = Membership.objects.get(user=user)
    _, token = ApiToken.issue(user)
    signed_in = Client()
    signed_in.force_login(user)
    assert client.post(reverse("user_disable", args=[campaign.pk, member.pk])).status_code == 302
    assert not User.objects.get(pk=user.pk).is_active
    assert not Client().login(username="zhao", password="pw-test-123")
    assert signed_in.get(reverse("dashboard", args=[campaign.pk])).status_code == 302
    api = Client().get("/api/v1/campaigns", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert api.status_code == 401
    client.post(reverse("user_enable", args=[campaign.pk, member.pk]))
    assert Client().login(username="zhao", password="pw-test-123")
    assert [
        e.action for e in AuditEvent.objects.filter(target="user:zhao").order_by("sequence")
    ] == [
        "user.disable",
        "user.enable",
    ]


def test_resetting_a_password_ends_the_users_sessions_and_forces_a_new_one(site):
    campaign, _, client = site
    user = make_user("sun", campaign, "reviewer")
    member = Membership.objects.get(user=user)
    signed_in = Client()
    signed_in.force_login(user)
    response = client.post(reverse("user_reset_password", args=[campaign.pk, member.pk]))
    password = _issued_password(response)
    assert "no-store" in response["Cache-Control"]
    assert signed_in.get(reverse("dashboard", args=[campaign.pk])).status_code == 302
    assert User.objects.get(pk=user.pk).check_password(password)
    assert PendingPasswordChange.objects.filter(user=user).exists()
    (event,) = _events("user.password_reset")
    assert password not in f"{event.before}{event.after}{event.message}"


def test_the_office_cannot_disable_or_reset_itself(site):
    campaign, office, client = site
    member = Membership.objects.get(user=office)
    assert client.post(reverse("user_disable", args=[campaign.pk, member.pk])).status_code == 403
    response = client.post(reverse("user_reset_password", args=[campaign.pk, member.pk]))
    assert response.status_code == 403 and User.objects.get(pk=office.pk).is_active


def test_the_office_cannot_manage_an_administrator_or_someone_of_another_campaign(site):
    campaign, _, client = site
    admin_member = Membership.objects.get(user=make_user("boss", campaign, "admin"))
    shared = make_user("shared", campaign, "leader")
    other = make_campaign(departments=2, filled=False, region="淮安市")
    Membership.objects.create(user=shared, campaign=other, role="leader")
    shared_member = Membership.objects.get(user=shared, campaign=campaign)
    for member in (admin_member, shared_member):
        response = client.post(reverse("user_disable", args=[campaign.pk, member.pk]))
        assert response.status_code == 403
    assert User.objects.filter(is_active=False).count() == 0


def test_a_member_of_another_campaign_is_not_found_through_this_one(site):
    campaign, _, client = site
    other = make_campaign(departments=2, filled=False, region="淮安市")
    stranger = Membership.objects.get(user=make_user("stranger", other, "office"))
    assert client.get(reverse("user_edit", args=[campaign.pk, stranger.pk])).status_code == 404
    response = client.post(reverse("user_disable", args=[campaign.pk, stranger.pk]))
    assert response.status_code == 404 and User.objects.get(username="stranger").is_active


def test_a_liaison_cannot_manage_users(site):
    campaign, _, _ = site
    liaison = Client()
    liaison.force_login(make_user("qian", campaign, "liaison", _dept(campaign)))
    assert liaison.get(reverse("users", args=[campaign.pk])).status_code == 403
    assert _invite(liaison, campaign, username="x").status_code == 403
    assert not User.objects.filter(username="x").exists()


def test_the_menu_offers_user_management_to_the_office_only(site):
    campaign, _, client = site
    url = reverse("users", args=[campaign.pk])
    assert url in client.get(reverse("framework", args=[campaign.pk])).content.decode()
    liaison = Client()
    liaison.force_login(make_user("qian", campaign, "liaison", _dept(campaign)))
    assert url not in liaison.get(reverse("framework", args=[campaign.pk])).content.decode()


def test_create_user_issues_a_password_that_must_be_changed_and_is_audited(site, capsys):
    campaign, _, _ = site
    department = _dept(campaign, 2)
    call_command(
        "create_user",
        "zhou",
        "--campaign",
        str(campaign.pk),
        "--role",
        "liaison",
        "--department",
        department.name,
        "--name",
        "周六",
    )
    out = capsys.readouterr().out
    password = re.search(r"初始密码（[^）]*）：(\S+)", out).group(1)
    user = User.objects.get(username="zhou")
    assert user.check_password(password) and user.first_name == "周六"
    assert PendingPasswordChange.objects.filter(user=user).exists()
    (event,) = _events("user.create")
    assert event.actor_id is None and event.after["department"] == department.name


def test_create_user_adds_an_existing_user_to_another_campaign(site, capsys):
    campaign, _, _ = site
    other = make_campaign(departments=2, filled=False, region="淮安市")
    make_user("wu", other, "leader")
    call_command("create_user", "wu", "--campaign", str(campaign.pk), "--role", "reviewer")
    assert "初始密码" not in capsys.readouterr().out
    assert Membership.objects.get(user__username="wu", campaign=campaign).role == "reviewer"
    assert _events("membership.create")[0].campaign_id == campaign.pk


def test_create_user_refuses_a_weak_password_with_the_validators_message(site):
    campaign, _, _ = site
    with pytest.raises(CommandError, match="password"):
        call_command(
            "create_user",
            "feng",
            "--campaign",
            str(campaign.pk),
            "--role",
            "leader",
            "--password",
            "12345678",
        )
    assert not User.objects.filter(username="feng").exists()


def test_the_command_acts_as_the_system_administrator_for_the_admin_role(site):
    campaign, _, _ = site
    membership = services.invite(
        Access.shell(campaign), username="chief", role="admin", password="Long-Enough-Pw-1"
    ).membership
    assert membership.role == "admin" and not PendingPasswordChange.objects.exists()
    assert Department.objects.filter(campaign=campaign).count() == 4
