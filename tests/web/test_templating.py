from __future__ import annotations

from importlib import resources

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from demozone.web.campaigns.errors import CampaignError, CampaignExistsError
from demozone.web.campaigns.models import Assignment, Campaign, Department, Region
from demozone.web.campaigns.templating import create_campaign, load_template, parse_responsible

pytestmark = pytest.mark.django_db

# People named in 附件1: the template keeps department names only.
PEOPLE = ["汤如军", "颜 彦", "顾 硕", "顾硕", "王 鑫", "何 华", "张满昌", "李 健"]


def test_the_template_names_no_person():
    text = (resources.files("demozone.web.data") / "yancheng-2023.yaml").read_text("utf-8")
    assert not [name for name in PEOPLE if name in text]


def test_a_campaign_from_the_template_is_ready_to_fill_in():
    campaign = create_campaign("yancheng-2023", "盐城市", (2022, 2023))
    names = list(campaign.departments.values_list("name", flat=True))
    assert len(names) == 28 and len(set(names)) == 28
    assert "市委宣传部" in names  # named only in 附件2
    assert not Department.objects.get(campaign=campaign, name="市委宣传部").is_member
    office = Department.objects.get(campaign=campaign, hosts_office=True)
    assert office.name == "市市场监管局"
    leads = Assignment.objects.filter(campaign=campaign, is_lead=True)
    assert sorted(leads.values_list("indicator", flat=True)) == list(range(1, 42))
    assert campaign.region.zone == "east" and campaign.region.parent.name == "江苏省"
    assert Region.objects.filter(parent=campaign.region, level="zone").count() == 2


def test_the_first_named_department_leads_and_the_others_support():
    campaign = create_campaign("yancheng-2023", "盐城市", (2022, 2023))
    seven = Assignment.objects.filter(campaign=campaign, indicator=7).select_related("department")
    assert [(a.department.name, a.is_lead) for a in seven][:2] == [
        ("市人社局", True),
        ("市商务局", False),
    ]
    assert seven.count() == 6


def test_etc_adds_nobody_and_all_members_means_every_member_unit():
    template = load_template("yancheng-2023")
    assert parse_responsible("市市场监管局 市发改委等", template.members, template.office) == [
        "市市场监管局",
        "市发改委",
    ]
    everyone = parse_responsible("领导小组各成员单位", template.members, template.office)
    assert everyone[0] == "市市场监管局" and sorted(everyone) == sorted(template.members)
    concerned = parse_responsible("市市场监管局、各有关部门", template.members, template.office)
    assert concerned[0] == "市市场监管局" and len(concerned) == len(template.members)


def test_a_second_campaign_for_the_same_region_and_years_is_refused_and_writes_nothing():
    create_campaign("yancheng-2023", "盐城市", (2022, 2023))
    before = (Campaign.objects.count(), Department.objects.count(), Assignment.objects.count())
    with pytest.raises(CampaignExistsError, match="已存在"):
        create_campaign("yancheng-2023", "盐城市", (2022, 2023))
    assert (
        Campaign.objects.count(),
        Department.objects.count(),
        Assignment.objects.count(),
    ) == before


def test_years_that_are_not_consecutive_are_refused():
    with pytest.raises(CampaignError, match="连续"):
        create_campaign("yancheng-2023", "盐城市", (2022, 2024))
    assert not Campaign.objects.exists()


def test_an_unknown_region_needs_its_province():
    with pytest.raises(CampaignError, match="所在省份"):
        create_campaign("yancheng-2023", "某某市", (2022, 2023))
    campaign = create_campaign("yancheng-2023", "宝鸡市", (2022, 2023), province="陕西省")
    assert campaign.region.zone == "west"


def test_the_command_creates_a_campaign_and_refuses_a_duplicate_with_exit_code_2(capsys):
    args = ["--template", "yancheng-2023", "--region", "盐城市", "--years", "2022", "2023"]
    call_command("create_campaign", *args)
    assert "已创建创建活动" in capsys.readouterr().out
    with pytest.raises(CommandError) as info:
        call_command("create_campaign", *args)
    assert info.value.returncode == 2 and "已存在" in str(info.value)
    assert Campaign.objects.count() == 1
