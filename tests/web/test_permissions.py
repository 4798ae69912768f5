"""The access policy itself: the table, scopes, and the answers an Access gives for one member."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from demozone.web.campaigns import permissions
from demozone.web.campaigns.access import Access, campaign_access, visible_campaigns
from demozone.web.campaigns.models import Assignment, Role
from demozone.web.campaigns.permissions import POLICY, ROLES, Scope

from .factories import make_campaign, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def campaign(db):
    return make_campaign(departments=5, filled=False)


@pytest.fixture
def liaison_access(campaign):
    department = campaign.departments.order_by("position")[1]
    user = make_user("liaison", campaign, "liaison", department)
    return campaign_access(user, campaign.pk)


def _own_and_other(access):
    own = sorted(access.own_indicators)
    other = sorted({i.number for i in access.campaign.core_framework.indicators} - set(own))
    return own[0], other[0]


def test_the_table_names_every_role_of_the_model_in_order():
    assert tuple(Role.values) == ROLES
    assert all(set(rule.scopes) == set(ROLES) for rule in POLICY.values())


REVIEW_WORK = {"round.open_review", "round.panel", "round.override", "round.decide"}


def test_the_system_administrator_may_do_everything_in_a_campaign_but_judge_as_an_expert():
    assert {a for a, r in POLICY.items() if r.scope("admin") != Scope.CAMPAIGN} == {"round.judge"}


def test_the_office_may_do_everything_in_its_campaign_but_review_itself():
    refused = {a for a, r in POLICY.items() if r.scope("office") != Scope.CAMPAIGN}
    assert refused == REVIEW_WORK | {"round.judge"}
    assert not any(permissions.scope(a, "office") for a in refused)


def test_only_the_office_and_the_administrator_write_anything_campaign_wide():
    writes = ("data.edit", "data.replace", "assignment.edit", "users.manage", "evidence.upload")
    for action in writes:
        wide = {role for role in ROLES if permissions.scope(action, role) == Scope.CAMPAIGN}
        assert wide == {"admin", "office"}, action


def test_reviewers_experts_and_leaders_write_nothing_but_their_review_work():
    writes = [a for a in POLICY if a.split(".")[1] not in ("view", "download")]
    allowed = {"expert": {"round.judge"}, "reviewer": REVIEW_WORK, "leader": set()}
    for role, own_work in allowed.items():
        assert {a for a in writes if permissions.scope(a, role)} == own_work, role


def test_an_expert_sees_only_the_framework_and_the_rounds_it_sits_on():
    assert permissions.actions_of("expert") == {
        "campaign.view",
        "framework.view",
        "round.view",
        "round.judge",
        "snapshot.view",
    }
    for action in ("round.view", "round.judge", "snapshot.view"):
        assert permissions.scope(action, "expert") == Scope.OWN


def test_a_leader_sees_the_dashboards_but_has_no_data_entry_page():
    allowed = permissions.actions_of("leader")
    assert {"dashboard.view", "framework.view"} <= allowed
    assert "entry.view" not in allowed and "data.view" not in allowed


def test_asking_about_an_unknown_action_is_a_programming_error():
    with pytest.raises(permissions.UnknownActionError, match=r"data\.delete"):
        permissions.scope("data.delete", "office")


def test_an_items_indicator_is_the_number_before_the_dot():
    assert permissions.item_indicator("36.2") == 36
    assert permissions.item_indicator("7") == 7
    assert permissions.item_indicator("large_operators") is None


def test_a_liaison_edits_only_the_indicators_assigned_to_its_department(liaison_access):
    own, other = _own_and_other(liaison_access)
    assigned = set(
        Assignment.objects.filter(department=liaison_access.department).values_list(
            "indicator", flat=True
        )
    )
    assert liaison_access.own_indicators == assigned and own in assigned
    assert liaison_access.can("data.edit", indicator=own)
    assert liaison_access.can("data.edit")  # on some indicators: the page opens
    with pytest.raises(PermissionDenied, match=f"第 {other} 项指标未分工给测试单位02"):
        liaison_access.require("data.edit", indicator=other)


def test_a_liaison_reads_the_whole_campaign(liaison_access):
    _, other = _own_and_other(liaison_access)
    assert liaison_access.can("dashboard.view") and liaison_access.can("data.view")
    assert liaison_access.can("evidence.view", item=f"{other}.1")


def test_own_department_scope_checks_the_department_and_the_items(liaison_access, campaign):
    own, other = _own_and_other(liaison_access)
    mine, theirs = liaison_access.department, campaign.departments.order_by("position")[2]
    assert liaison_access.can("evidence.upload", department=mine, item=f"{own}.1")
    assert not liaison_access.can("evidence.upload", department=theirs)
    assert not liaison_access.can("evidence.upload", department=theirs.pk)
    assert not liaison_access.can("evidence.upload", department=mine, item=f"{other}.1")
    with pytest.raises(PermissionDenied, match="只能上传和提交佐证材料本单位"):
        liaison_access.require("evidence.upload", department=theirs)


def test_a_department_of_another_campaign_is_never_in_scope(campaign):
    office = campaign_access(make_user("office", campaign, "office"), campaign.pk)
    other = make_campaign(departments=2, filled=False, region="淮安市")
    stranger = other.departments.first()
    with pytest.raises(PermissionDenied, match="不属于本创建活动"):
        office.require("evidence.upload", department=stranger)


def test_a_refusal_names_the_role_and_the_action_in_chinese(campaign):
    leader = campaign_access(make_user("leader", campaign, "leader"), campaign.pk)
    with pytest.raises(PermissionDenied, match=r"您的角色（领导）不能进入数据填报"):
        leader.require("entry.view")


def test_experts_see_no_evidence_yet_and_the_office_sees_all(campaign):
    expert = campaign_access(make_user("expert", campaign, "expert"), campaign.pk)
    office = campaign_access(make_user("office", campaign, "office"), campaign.pk)
    assert not expert.can_view_evidence("36.2")
    assert office.can_view_evidence("36.2")


def test_a_leader_sees_no_evidence_files(campaign):
    leader = campaign_access(make_user("leader", campaign, "leader"), campaign.pk)
    assert not leader.can_view_evidence("36.2")


def test_campaign_access_answers_404_for_an_unknown_campaign_and_403_for_a_stranger(campaign):
    other = make_campaign(departments=2, filled=False, region="淮安市")
    user = make_user("office", other, "office")
    with pytest.raises(Http404):
        campaign_access(user, 999_999)
    with pytest.raises(PermissionDenied, match="不是该创建活动的成员"):
        campaign_access(user, campaign.pk)


def test_campaign_access_with_an_action_checks_it(campaign):
    user = make_user("reviewer", campaign, "reviewer")
    assert campaign_access(user, campaign.pk, "dashboard.view").role == "reviewer"
    with pytest.raises(PermissionDenied):
        campaign_access(user, campaign.pk, "data.edit", indicator=3)


def test_the_system_administrator_is_admin_in_every_campaign(campaign, admin_user):
    access = campaign_access(admin_user, campaign.pk)
    assert access.is_system_admin and access.role == "admin"
    assert access.can("users.manage") and access.can("data.edit", indicator=41)


def test_an_admin_membership_is_not_a_system_administrator(campaign):
    access = campaign_access(make_user("boss", campaign, "admin"), campaign.pk)
    assert access.can("data.replace") and not access.is_system_admin


def test_the_command_line_acts_as_the_system_administrator(campaign):
    shell = Access.shell(campaign)
    assert shell.is_system_admin and shell.user is None and shell.can("users.manage")


def test_a_member_sees_only_its_own_campaigns(campaign, admin_user):
    other = make_campaign(departments=2, filled=False, region="淮安市")
    user = make_user("leader", campaign, "leader")
    assert list(visible_campaigns(user)) == [campaign]
    assert set(visible_campaigns(admin_user)) == {campaign, other}


def test_the_allowed_actions_drive_the_menu(liaison_access):
    assert "entry.view" in liaison_access.allowed and "users.manage" not in liaison_access.allowed
