from __future__ import annotations

import pytest
from django.contrib.auth import authenticate, get_user_model
from django.core.management import call_command
from django.db import connections

from demozone.web.accounts.models import ApiToken
from demozone.web.campaigns.models import Campaign, Membership
from demozone.web.campaigns.services import evaluate
from demozone.web.manage import main

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _keep_the_test_connection(monkeypatch):
    # A command run through `main` closes every connection when it ends, as it should in
    # production; on PostgreSQL that would also end the test's own transaction.
    monkeypatch.setattr(connections, "close_all", lambda: None)


def test_bootstrap_loads_the_demo_and_creates_admin_with_a_password_shown_once(capsys, monkeypatch):
    monkeypatch.delenv("DEMOZONE_ADMIN_PASSWORD", raising=False)
    call_command("bootstrap")
    out = capsys.readouterr().out
    password = out.split("初始密码（仅显示这一次）：")[1].split()[0]
    assert authenticate(username="admin", password=password).is_superuser
    demo = Campaign.objects.get()
    assert demo.is_demo and "示例" in demo.name
    card = evaluate(demo).scorecard
    assert 0 < card.total < 100 and card.indicator(7).status == "missing"
    call_command("bootstrap")
    again = capsys.readouterr().out
    assert "已存在" in again and "初始密码" not in again and Campaign.objects.count() == 1


def test_bootstrap_takes_the_admin_password_from_the_environment(capsys, monkeypatch):
    monkeypatch.setenv("DEMOZONE_ADMIN_PASSWORD", "Env-Pass-2024")
    call_command("bootstrap", "--no-demo")
    assert "初始密码" not in capsys.readouterr().out
    assert authenticate(username="admin", password="Env-Pass-2024") is not None
    assert not Campaign.objects.exists()


def test_create_user_puts_a_liaison_in_its_department(empty_campaign, capsys):
    call_command(
        "create_user",
        "renshe",
        "--campaign",
        str(empty_campaign.pk),
        "--role",
        "liaison",
        "--department",
        "市人社局",
        "--password",
        "Pw-Liaison-2024",
    )
    member = Membership.objects.get(user__username="renshe")
    assert (member.role, member.department.name) == ("liaison", "市人社局")
    assert authenticate(username="renshe", password="Pw-Liaison-2024") is not None


def test_a_liaison_without_a_department_is_refused(empty_campaign):
    code = main(["create_user", "x", "--campaign", str(empty_campaign.pk), "--role", "liaison"])
    assert code == 2 and not get_user_model().objects.filter(username="x").exists()


def test_manage_returns_the_commands_exit_code(campaign, tmp_path):
    assert main(["export_campaign", str(campaign.pk), "--out", str(tmp_path / "a.yaml")]) == 0
    assert main(["export_campaign", str(campaign.pk), "--out", str(tmp_path / "a.txt")]) == 2
    assert main(["import_campaign", "999", str(tmp_path / "a.yaml")]) == 2


def test_create_token_refuses_an_unknown_user():
    assert main(["create_token", "nobody"]) == 2
    assert not ApiToken.objects.exists()
