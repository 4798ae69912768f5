"""Hardening (issue 4, item 6): lockout, session expiry, passwords, CSRF, headers, deployment."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import secrets
import subprocess
import sys
import time
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from demozone.web.audit.lockout import locked_until
from demozone.web.audit.models import AuditEvent
from demozone.web.audit.security import LOGIN_AT, SEEN_AT

from .factories import make_user

TEMPLATES = Path(__file__).resolve().parents[2] / "src/demozone/web/templates"
PASSWORD = "pw-zhang-8841"
IP = "10.9.8.7"


@pytest.fixture
def zhang(db):
    return get_user_model().objects.create_user("zhang", password=PASSWORD)


def _login(client: Client, password: str, username: str = "zhang"):
    return client.post(reverse("login"), {"username": username, "password": password})


# --- login throttling and lockout ------------------------------------------------------------


def test_five_failures_lock_the_account_for_that_address_with_a_chinese_message(zhang):
    client = Client(REMOTE_ADDR=IP)
    for _ in range(4):
        assert "用户名或密码不正确" in _login(client, "wrong").content.decode()
    fifth = _login(client, "wrong").content.decode()
    assert "连续 5 次登录失败，已暂时锁定" in fifth
    refused = _login(client, PASSWORD)
    assert refused.status_code == 200 and "已暂时锁定" in refused.content.decode()
    assert "_auth_user_id" not in client.session
    assert AuditEvent.objects.filter(action="auth.login_failed", target="zhang").count() == 5
    assert AuditEvent.objects.filter(action="auth.locked", target="zhang", ip=IP).count() == 1


def test_the_lock_ends_after_fifteen_minutes_and_does_not_grow_with_refused_attempts(zhang):
    client = Client(REMOTE_ADDR=IP)
    for _ in range(5):
        _login(client, "wrong")
    for _ in range(3):
        _login(client, PASSWORD)  # refused while locked: not counted as failures
    until = locked_until("zhang", IP)
    assert until is not None
    assert dt.timedelta(minutes=14) < until - timezone.now() <= dt.timedelta(minutes=15)
    assert locked_until("zhang", IP, now=until + dt.timedelta(seconds=1)) is None


def test_another_address_is_not_locked_out(zhang):
    attacker = Client(REMOTE_ADDR=IP)
    for _ in range(5):
        _login(attacker, "wrong")
    owner = Client(REMOTE_ADDR="10.0.0.1")
    assert _login(owner, PASSWORD).status_code == 302


def test_a_successful_sign_in_clears_the_failures(zhang):
    client = Client(REMOTE_ADDR=IP)
    for _ in range(4):
        _login(client, "wrong")
    assert _login(client, PASSWORD).status_code == 302
    client.post(reverse("logout"))
    for _ in range(4):
        _login(client, "wrong")
    assert locked_until("zhang", IP) is None


def test_the_admin_sign_in_is_locked_too(db):
    get_user_model().objects.create_superuser("root", password=PASSWORD)
    client = Client(REMOTE_ADDR=IP)
    for _ in range(5):
        client.post(reverse("admin:login"), {"username": "root", "password": "wrong"})
    client.post(reverse("admin:login"), {"username": "root", "password": PASSWORD})
    assert "_auth_user_id" not in client.session


# --- session expiry --------------------------------------------------------------------------


def _signed_in(campaign) -> tuple[Client, str]:
    user = make_user("liu", campaign, "office")
    client = Client()
    client.force_login(user)
    return client, reverse("dashboard", args=[campaign.pk])


def _age_session(client: Client, key: str, seconds: int) -> None:
    session = client.session
    session[key] = int(time.time()) - seconds
    session.save()


def test_a_session_idle_for_more_than_thirty_minutes_is_signed_out(campaign):
    client, url = _signed_in(campaign)
    assert client.get(url).status_code == 200
    _age_session(client, SEEN_AT, 31 * 60)
    response = client.get(url)
    assert response.status_code == 302 and response.url.startswith(reverse("login"))
    assert "30 分钟没有操作" in client.get(response.url).content.decode()
    assert client.get(url).status_code == 302


def test_activity_keeps_a_session_alive(campaign):
    client, url = _signed_in(campaign)
    _age_session(client, SEEN_AT, 29 * 60)
    assert client.get(url).status_code == 200
    assert int(time.time()) - client.session[SEEN_AT] < 5


def test_a_session_ends_eight_hours_after_signing_in_however_active(campaign):
    client, url = _signed_in(campaign)
    _age_session(client, LOGIN_AT, 8 * 3600 + 1)
    response = client.get(url)
    assert response.status_code == 302
    assert "登录已超过 8 小时" in client.get(response.url).content.decode()


def test_an_expired_htmx_request_reloads_into_the_sign_in_page(campaign):
    client, url = _signed_in(campaign)
    _age_session(client, SEEN_AT, 31 * 60)
    response = client.get(url, HTTP_HX_REQUEST="true")
    assert response.status_code == 204 and response["HX-Redirect"] == reverse("login")


def test_an_expired_session_gets_401_from_the_api(campaign):
    client, _ = _signed_in(campaign)
    _age_session(client, SEEN_AT, 31 * 60)
    assert client.get("/api/v1/campaigns").status_code == 401


# --- passwords -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("password", "words"),
    [("12345678", "常见"), ("abc", "至少需要 8 个字符"), ("83920174659", "只包含数字")],
)
def test_weak_passwords_are_refused_in_chinese(db, password, words):
    with pytest.raises(ValidationError) as caught:
        validate_password(password)
    assert any(words in m for m in caught.value.messages), caught.value.messages


def test_a_password_like_the_user_name_is_refused(db):
    user = get_user_model()(username="wangxiaoming")
    with pytest.raises(ValidationError) as caught:
        validate_password("wangxiaoming1", user)
    assert any("相似" in m for m in caught.value.messages)


# --- CSRF ------------------------------------------------------------------------------------


def _templates() -> list[Path]:
    return sorted(TEMPLATES.rglob("*.html"))


def test_every_post_form_in_every_template_carries_the_csrf_token():
    forms = re.compile(r"<form\b[^>]*method=\"post\"[^>]*>(.*?)</form>", re.S | re.I)
    missing = [
        str(path.relative_to(TEMPLATES))
        for path in _templates()
        for body in forms.findall(path.read_text(encoding="utf-8"))
        if "csrf_token" not in body
    ]
    assert not missing


def test_htmx_requests_send_the_csrf_token_from_the_page(campaign):
    client, url = _signed_in(campaign)
    body = client.get(url).content.decode()
    token = re.search(r"hx-headers='\{\"X-CSRFToken\": \"([^\"]+)\"\}'", body)
    assert token and len(token.group(1)) >= 32


def test_a_post_or_an_htmx_post_without_the_token_is_refused(campaign):
    user = make_user("liu", campaign, "office")
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    url = reverse("entry_save", args=[campaign.pk, 7])
    assert client.post(url, {"counts.online_employment": "1"}).status_code == 403
    assert client.post(url, {}, HTTP_HX_REQUEST="true").status_code == 403
    page = client.get(reverse("entry", args=[campaign.pk])).content.decode()
    token = re.search(r"\"X-CSRFToken\": \"([^\"]+)\"", page).group(1)
    assert client.post(url, {}, HTTP_HX_REQUEST="true", HTTP_X_CSRFTOKEN=token).status_code == 200


def test_the_api_with_a_session_needs_the_csrf_token_too(campaign):
    user = make_user("liu", campaign, "office")
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    response = client.patch(
        f"/api/v1/campaigns/{campaign.pk}/data", {"changes": []}, content_type="application/json"
    )
    assert response.status_code == 403


# --- security headers and the CSP ------------------------------------------------------------


def test_pages_carry_a_strict_csp_and_the_security_headers(campaign):
    client, url = _signed_in(campaign)
    response = client.get(url)
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "style-src 'self'" in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert "frame-ancestors 'none'" in csp and "object-src 'none'" in csp
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert "camera=()" in response["Permissions-Policy"]
    assert "Content-Security-Policy" in Client().get(reverse("login"))


class _InlineFinder(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "script" and not a.get("src") and a.get("type") != "application/json":
            self.found.append("<script> without src")
        if tag == "style":
            self.found.append("<style>")
        self.found += [f"{tag} {k}=" for k in a if k == "style" or k.startswith("on")]
        self.found += [f"{tag} {k}" for k in a if k.startswith(("hx-on", "data-hx-on"))]
        if any((v or "").strip().lower().startswith("javascript:") for v in a.values()):
            self.found.append(f"{tag} javascript: URL")


def test_no_template_has_inline_scripts_styles_or_handlers():
    for path in _templates():
        finder = _InlineFinder()
        finder.feed(path.read_text(encoding="utf-8"))
        assert not finder.found, (path.name, finder.found)


def test_rendered_pages_have_no_inline_scripts_styles_or_handlers(campaign, admin_user):
    client = Client()
    client.force_login(admin_user)
    pages = [
        reverse("dashboard", args=[campaign.pk]),
        reverse("entry", args=[campaign.pk]),
        reverse("scorecard", args=[campaign.pk]),
        reverse("framework", args=[campaign.pk]),
        reverse("indicator", args=[campaign.pk, 36]),
        reverse("indicator_history", args=[campaign.pk, 36]),
        reverse("audit", args=[campaign.pk]),
        reverse("audit_all"),
        reverse("campaign_list"),
    ]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        finder = _InlineFinder()
        finder.feed(response.content.decode())
        assert not finder.found, (url, finder.found)


# --- deployment ------------------------------------------------------------------------------


def _run(tmp_path, args: list[str], **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("DEMOZONE_")}
    clean.update({"DEMOZONE_DATA_DIR": str(tmp_path), **env})
    return subprocess.run(args, env=clean, capture_output=True, text=True, check=False, timeout=120)


PRODUCTION = {
    "DEMOZONE_DEBUG": "0",
    "DEMOZONE_HTTPS": "1",
    "DEMOZONE_ALLOWED_HOSTS": "demozone.example.gov.cn",
}


def test_check_deploy_is_clean_with_production_settings(tmp_path):
    env = {**PRODUCTION, "DEMOZONE_SECRET_KEY": secrets.token_urlsafe(64)}
    demozone = str(Path(sys.executable).with_name("demozone"))
    result = _run(
        tmp_path, [demozone, "manage", "check", "--deploy", "--fail-level", "WARNING"], **env
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_check_deploy_complains_without_https(tmp_path):
    env = {"DEMOZONE_DEBUG": "0", "DEMOZONE_SECRET_KEY": secrets.token_urlsafe(64)}
    demozone = str(Path(sys.executable).with_name("demozone"))
    result = _run(
        tmp_path, [demozone, "manage", "check", "--deploy", "--fail-level", "WARNING"], **env
    )
    assert result.returncode != 0
    assert "SECURE_SSL_REDIRECT" in result.stderr + result.stdout


def test_https_turns_on_the_redirect_hsts_and_secure_cookies(tmp_path):
    script = (
        "import json; from demozone.web import settings as s; print(json.dumps(["
        "s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS, s.SESSION_COOKIE_SECURE, "
        "s.CSRF_COOKIE_SECURE, s.SESSION_COOKIE_AGE, s.DEMOZONE_SESSION_IDLE_SECONDS]))"
    )
    on = json.loads(_run(tmp_path, [sys.executable, "-c", script], DEMOZONE_HTTPS="1").stdout)
    assert on == [True, 31536000, True, True, 8 * 3600, 30 * 60]
    off = json.loads(
        _run(tmp_path, [sys.executable, "-c", script], DEMOZONE_SESSION_IDLE_MINUTES="10").stdout
    )
    assert off == [False, 0, False, False, 8 * 3600, 10 * 60]
