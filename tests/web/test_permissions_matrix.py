"""The permission matrix: every role × every page and API operation × own department / another
department / another campaign, with the expected answer — all generated from ONE table, MATRIX.

A row is ``key: (request, expectations)``:

- ``key`` is a URL name (``"dashboard"``), a URL name and a method when one view does two things
  (``"campaign_list POST"``), or an API operation as its OpenAPI schema lists it
  (``"PATCH /api/v1/campaigns/{campaign_id}/data"``).
- ``request`` builds the request for a :class:`Target`: the campaign, indicator, data path and
  member it should touch. ``own`` is the user's campaign with the objects of the liaison's own
  department, ``other`` the same campaign with another department's objects, ``foreign`` a
  campaign the user is not a member of (the system administrator is a member of none, and may
  act in all).
- ``expectations`` holds, for the roles admin office liaison expert reviewer leader, three
  letters each (own / other / foreign), then one for an anonymous visitor:
  ``y`` answered (2xx or a redirect that is not to a login page), ``-`` 403, ``L`` redirected to
  a login page, ``u`` 401, ``n`` 404 for everyone, ``.`` not applicable (a page outside any campaign has no other
  department and no other campaign), ``v`` allowed but the posted request refused by the service
  (422: e.g. submitting a 自评 while its 省局初审 is open — the permission check passed).

A row whose view needs an object of its own (an evidence file, a workbook) adds a field to
:class:`Target` and creates the object for each target in ``setUpTestData``: one in the home
campaign filed under the liaison's department (``own``), one under another department
(``other``), one in the other campaign (``foreign``).

Every campaign-scoped row is also asked of an unknown campaign (404). Adding a view or an API
operation without a row here fails :func:`test_every_view_and_api_operation_has_a_row`; a row for
a view that no longer exists fails too.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from typing import Any

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.serializers.json import DjangoJSONEncoder
from django.test import Client, TestCase
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from demozone.core.needs import framework_needs
from demozone.web.api.api import api
from demozone.web.campaigns.access import Access, campaign_access
from demozone.web.campaigns.models import Campaign, Department, Membership
from demozone.web.campaigns.services import export_document
from demozone.web.evidence import storage
from demozone.web.evidence.models import Evidence, EvidenceLink, EvidenceVersion
from demozone.web.reviews import services as reviews
from demozone.web.reviews.models import Round, Stage

from .factories import make_campaign

ROLES = ("admin", "office", "liaison", "expert", "reviewer", "leader")
TARGETS = ("own", "other", "foreign")
UNKNOWN_CAMPAIGN = 999_999


@dataclass(frozen=True)
class Target:
    campaign: int
    indicator: int
    path: str
    member: int
    framework: int
    evidence: int = 0  # a piece of evidence filed under the target's department
    department: int = 0
    snapshot: int = 0  # the 自评 snapshot of the target's campaign
    self_round: int = 0  # that 自评 round
    round: int = 0  # an open 省局初审 on a later 自评 snapshot (which lists the evidence)
    expert: int = 0  # the lead of that round's panel (the matrix's expert in the home campaign)


@dataclass(frozen=True)
class Call:
    method: str
    url: str
    data: Any = None
    json: bool = False


def get(url: str) -> Call:
    return Call("get", url)


def post(url: str, data: dict[str, Any] | None = None) -> Call:
    return Call("post", url, data or {})


def api_call(method: str, path: str, body: Any = None) -> Call:
    return Call(method, "/api/v1" + path, body, json=True)


def _pdf() -> SimpleUploadedFile:
    return SimpleUploadedFile("矩阵.pdf", b"%PDF-1.4\n%matrix\n%%EOF\n")


def _evidence(campaign: Campaign, department: Department, indicator: int) -> int:
    """Evidence with its file in the store, linked to the indicator as a whole."""
    staged, _ = storage.stage([b"%PDF-1.4\n%matrix evidence\n%%EOF\n"], 1024)
    assert staged is not None
    storage.publish(staged)
    evidence = Evidence.objects.create(campaign=campaign, department=department, title="矩阵材料")
    version = EvidenceVersion.objects.create(
        evidence=evidence, number=1, sha256=staged.sha256, size=staged.size,
        filename="矩阵.pdf", kind="pdf",
    )  # fmt: skip
    Evidence.objects.filter(pk=evidence.pk).update(current=version)
    EvidenceLink.objects.create(evidence=evidence, item=str(indicator), indicator=indicator)
    return evidence.pk


def _snapshot(campaign: Campaign) -> int:
    """A submitted 自评: the campaign's first sealed snapshot."""
    shell = Access.shell(campaign)
    round_ = reviews.open_self_round(shell)
    return reviews.submit_self_round(shell, round_.pk).pk


def _review_round(campaign: Campaign, expert: Any) -> tuple[int, int]:
    """(the 自评 round, an open 省局初审 with ``expert`` as its lead) — after the evidence exists,
    so that the snapshot under review lists it."""
    shell = Access.shell(campaign)
    self_round = Round.objects.get(campaign=campaign, stage=Stage.SELF)
    snap = reviews.submit_self_round(shell, self_round.pk)
    review = reviews.open_review_round(shell, Stage.PROVINCIAL, snap.pk)
    reviews.set_panel(shell, review.pk, [reviews.PanelSeat(expert.pk, is_lead=True)])
    return self_round.pk, review.pk


def _document(campaign_id: int) -> dict[str, Any]:
    # For an unknown campaign any valid document will do: the answer must be 404, not 422.
    campaign = Campaign.objects.filter(pk=campaign_id).first() or Campaign.objects.first()
    return export_document(campaign)


class _Workbook:
    """The target department's Excel collection workbook, made when the request is sent (the
    rows are read before the database exists). For an unknown campaign any workbook will do."""

    name = "采集表.xlsx"

    def __init__(self, target: Target) -> None:
        self.target = target

    def read(self) -> bytes:
        from demozone.web.campaigns.access import Access  # noqa: PLC0415
        from demozone.web.exchange.collection import workbook  # noqa: PLC0415

        t = self.target
        campaign = Campaign.objects.filter(pk=t.campaign).first() or Campaign.objects.first()
        assert campaign is not None
        department = campaign.departments.filter(pk=t.department).first()
        return workbook(Access.shell(campaign), department.pk if department else None).data


C = "campaigns/{c}"
R = reverse

# fmt: off
MATRIX: dict[str, tuple[Callable[[Target], Call], str]] = {
    # key: (request, "admin office liaison expert reviewer leader anonymous")
    # --- outside any campaign
    "login":                 (lambda t: get(R("login")),                                  "y.. y.. y.. y.. y.. y.. y"),
    "logout":                (lambda t: post(R("logout")),                                "L.. L.. L.. L.. L.. L.. L"),
    "healthz":               (lambda t: get(R("healthz")),                                "y.. y.. y.. y.. y.. y.. y"),
    "home":                  (lambda t: get(R("home")),                                   "y.. y.. y.. y.. y.. y.. L"),
    "password_change":       (lambda t: get(R("password_change")),                        "y.. y.. y.. y.. y.. y.. L"),
    "campaign_list":         (lambda t: get(R("campaign_list")),                          "y.. y.. y.. y.. y.. y.. L"),
    "campaign_list POST":    (lambda t: post(R("campaign_list"), {"template": "yancheng-2023", "region": "盐城市", "first_year": "2030"}),
                                                                                          "y.. -.. -.. -.. -.. -.. L"),
    "admin:index":           (lambda t: get(R("admin:index")),                            "y.. L.. L.. L.. L.. L.. L"),
    # --- a campaign's pages
    "dashboard":             (lambda t: get(R("dashboard", args=[t.campaign])),           "yyy yy- yy- --- yy- yy- L"),
    "scorecard":             (lambda t: get(R("scorecard", args=[t.campaign])),           "yyy yy- yy- --- yy- yy- L"),
    "framework":             (lambda t: get(R("framework", args=[t.campaign])),           "yyy yy- yy- yy- yy- yy- L"),
    "indicator":             (lambda t: get(R("indicator", args=[t.campaign, t.indicator])),
                                                                                          "yyy yy- yy- --- yy- yy- L"),
    "export":                (lambda t: get(R("export", args=[t.campaign, "yaml"])),      "yyy yy- yy- --- yy- --- L"),
    "entry":                 (lambda t: get(R("entry", args=[t.campaign])),               "yyy yy- yy- --- --- --- L"),
    "entry_save":            (lambda t: post(R("entry_save", args=[t.campaign, t.indicator])),
                                                                                          "yyy yy- y-- --- --- --- L"),
    # --- 用户管理
    "users":                 (lambda t: get(R("users", args=[t.campaign])),               "yyy yy- --- --- --- --- L"),
    "user_invite":           (lambda t: post(R("user_invite", args=[t.campaign]), {"username": "newcomer", "role": "leader"}),
                                                                                          "yyy yy- --- --- --- --- L"),
    "user_edit":             (lambda t: get(R("user_edit", args=[t.campaign, t.member])), "yyy yy- --- --- --- --- L"),
    "user_edit POST":        (lambda t: post(R("user_edit", args=[t.campaign, t.member]), {"name": "改名", "role": "reviewer"}),
                                                                                          "yyy yy- --- --- --- --- L"),
    "user_disable":          (lambda t: post(R("user_disable", args=[t.campaign, t.member])),
                                                                                          "yyy yy- --- --- --- --- L"),
    "user_enable":           (lambda t: post(R("user_enable", args=[t.campaign, t.member])),
                                                                                          "yyy yy- --- --- --- --- L"),
    "user_reset_password":   (lambda t: post(R("user_reset_password", args=[t.campaign, t.member])),
                                                                                          "yyy yy- --- --- --- --- L"),
    # --- 审计日志
    "audit":                 (lambda t: get(R("audit", args=[t.campaign])),               "yyy yy- --- --- yy- --- L"),
    "audit_all":             (lambda t: get(R("audit_all")),                              "y.. -.. -.. -.. -.. -.. L"),
    "indicator_history":     (lambda t: get(R("indicator_history", args=[t.campaign, t.indicator])),
                                                                                          "yyy yy- yy- --- yy- yy- L"),
    # --- 佐证材料 (the evidence of the target's department; another campaign's for "foreign")
    "evidence_library":      (lambda t: get(R("evidence_library", args=[t.campaign])),    "yyy yy- yy- --- yy- --- L"),
    "evidence_trash":        (lambda t: get(R("evidence_trash", args=[t.campaign])),      "yyy yy- yy- --- --- --- L"),
    "evidence_upload":       (lambda t: post(R("evidence_upload", args=[t.campaign]), {"files": _pdf(), "department": t.department}),
                                                                                          "yyy yy- y-- --- --- --- L"),
    "evidence_detail":       (lambda t: get(R("evidence_detail", args=[t.campaign, t.evidence])),
                                                                                          "yyy yy- yy- --- yy- --- L"),
    "evidence_download":     (lambda t: get(R("evidence_download", args=[t.campaign, t.evidence])),
                                                                                          "yyy yy- yy- --- yy- --- L"),
    "evidence_version_download":
                             (lambda t: get(R("evidence_version_download", args=[t.campaign, t.evidence, 1])),
                                                                                          "yyy yy- yy- --- yy- --- L"),
    "evidence_add_version":  (lambda t: post(R("evidence_add_version", args=[t.campaign, t.evidence]), {"file": _pdf()}),
                                                                                          "yyy yy- y-- --- --- --- L"),
    "evidence_link":         (lambda t: post(R("evidence_link", args=[t.campaign, t.evidence]), {"item": str(t.indicator)}),
                                                                                          "yyy yy- y-- --- --- --- L"),
    "evidence_unlink":       (lambda t: post(R("evidence_unlink", args=[t.campaign, t.evidence]), {"item": str(t.indicator)}),
                                                                                          "yyy yy- y-- --- --- --- L"),
    "evidence_status":       (lambda t: post(R("evidence_status", args=[t.campaign, t.evidence]), {"action": "submit"}),
                                                                                          "yyy yy- y-- --- --- --- L"),
    "evidence_delete":       (lambda t: post(R("evidence_delete", args=[t.campaign, t.evidence])),
                                                                                          "yyy yy- y-- --- --- --- L"),
    "evidence_restore":      (lambda t: post(R("evidence_restore", args=[t.campaign, t.evidence])),
                                                                                          "yyy yy- --- --- --- --- L"),
    # --- Excel 数据采集 (the target department's workbook) and 报告下载
    "collection":            (lambda t: get(R("collection", args=[t.campaign])),          "yyy yy- yy- --- --- --- L"),
    "collection_workbook":   (lambda t: get(R("collection_workbook", args=[t.campaign]) + f"?department={t.department}"),
                                                                                          "yyy yy- y-- --- --- --- L"),
    "collection_upload":     (lambda t: post(R("collection_upload", args=[t.campaign]), {"workbook": _Workbook(t)}),
                                                                                          "yyy yy- y-- --- --- --- L"),
    # An unknown preview token: back to the page with a message.
    "collection_apply":      (lambda t: post(R("collection_apply", args=[t.campaign]), {"token": "0" * 32, "digest": ""}),
                                                                                          "yyy yy- yy- --- --- --- L"),
    "reports":               (lambda t: get(R("reports", args=[t.campaign])),             "yyy yy- yy- --- yy- yy- L"),
    "report_download":       (lambda t: get(R("report_download", args=[t.campaign, "xlsx"])),
                                                                                          "yyy yy- yy- --- yy- yy- L"),
    "report_package":        (lambda t: get(R("report_package", args=[t.campaign])),      "yyy yy- --- --- yy- --- L"),
    # --- 评审轮次
    "rounds":                (lambda t: get(R("rounds", args=[t.campaign])),              "yyy yy- yy- yy- yy- yy- L"),
    "round_open_self":       (lambda t: post(R("round_open_self", args=[t.campaign])),    "vvv vv- --- --- --- --- L"),
    "round_open_review":     (lambda t: post(R("round_open_review", args=[t.campaign]), {"stage": "provincial", "base": t.snapshot}),
                                                                                          "vvv --- --- --- vv- --- L"),
    "round_submit":          (lambda t: post(R("round_submit", args=[t.campaign, t.self_round])),
                                                                                          "vvv vv- --- --- --- --- L"),
    "round_detail":          (lambda t: get(R("round_detail", args=[t.campaign, t.round])),
                                                                                          "yyy yy- yy- yy- yy- yy- L"),
    "round_panel":           (lambda t: post(R("round_panel", args=[t.campaign, t.round]), {"expert": t.expert, "lead": t.expert}),
                                                                                          "yyy --- --- --- yy- --- L"),
    # The lead has not submitted its own judgments yet.
    "round_reconcile":       (lambda t: post(R("round_reconcile", args=[t.campaign, t.round]), {"item": "16", "value": "1", "reason": "理由"}),
                                                                                          "--- --- --- vv- --- --- L"),
    "round_override":        (lambda t: post(R("round_override", args=[t.campaign, t.round]), {"item": "7", "score": "1", "reason": "理由"}),
                                                                                          "yyy --- --- --- yy- --- L"),
    "round_return":          (lambda t: post(R("round_return", args=[t.campaign, t.round]), {"note:16": "请补充材料"}),
                                                                                          "yyy --- --- --- yy- --- L"),
    # The panel has not submitted yet.
    "round_approve":         (lambda t: post(R("round_approve", args=[t.campaign, t.round])),
                                                                                          "vvv --- --- --- vv- --- L"),
    "round_judge":           (lambda t: get(R("round_judge", args=[t.campaign, t.round])),
                                                                                          "--- --- --- yy- --- --- L"),
    "round_judge_save":      (lambda t: post(R("round_judge_save", args=[t.campaign, t.round, 16]), {"value:16": "1", "comment:16": "意见"}),
                                                                                          "--- --- --- yy- --- --- L"),
    "round_judge_submit":    (lambda t: post(R("round_judge_submit", args=[t.campaign, t.round])),
                                                                                          "--- --- --- vv- --- --- L"),
    # The evidence of the target's department, as the snapshot under review lists it.
    "round_evidence_preview": (lambda t: get(R("round_evidence_preview", args=[t.campaign, t.round, t.evidence])),
                                                                                          "yyy yy- yy- --- yy- --- L"),
    # The 自评 snapshot: an expert sees only the snapshots of the rounds it judges.
    "snapshot":              (lambda t: get(R("snapshot", args=[t.campaign, t.snapshot])),
                                                                                          "yyy yy- --- --- yy- yy- L"),
    "snapshot_verify":       (lambda t: get(R("snapshot_verify", args=[t.campaign, t.snapshot])),
                                                                                          "yyy yy- --- --- yy- yy- L"),
    "snapshot_download":     (lambda t: get(R("snapshot_download", args=[t.campaign, t.snapshot])),
                                                                                          "yyy yy- --- --- yy- yy- L"),
    "round_compare":         (lambda t: get(R("round_compare", args=[t.campaign])),       "yyy yy- yy- --- yy- yy- L"),
    "round_compare_xlsx":    (lambda t: get(R("round_compare_xlsx", args=[t.campaign])),  "yyy yy- yy- --- yy- yy- L"),
    "snapshot_report":       (lambda t: get(R("snapshot_report", args=[t.campaign, t.snapshot, "xlsx"])),
                                                                                          "yyy yy- --- --- yy- yy- L"),
    # --- the REST API (its schema and docs are public, like the API's own description)
    "api:openapi-json":      (lambda t: get("/api/v1/openapi.json"),                      "y.. y.. y.. y.. y.. y.. y"),
    "api:openapi-view":      (lambda t: get("/api/v1/docs"),                              "y.. y.. y.. y.. y.. y.. y"),
    # django-ninja's index: a redirect to the docs with DEBUG, else nothing.
    "api:api-root":          (lambda t: get("/api/v1/"),                                  "n.. n.. n.. n.. n.. n.. n"),
    "GET /api/v1/campaigns": (lambda t: api_call("get", "/campaigns"),                    "y.. y.. y.. y.. y.. y.. u"),
    "GET /api/v1/campaigns/{campaign_id}":
                             (lambda t: api_call("get", f"/campaigns/{t.campaign}"),      "yyy yy- yy- yy- yy- yy- u"),
    "GET /api/v1/frameworks": (lambda t: api_call("get", "/frameworks"),                  "y.. y.. y.. y.. y.. y.. u"),
    "GET /api/v1/frameworks/{framework_pk}":
                             (lambda t: api_call("get", f"/frameworks/{t.framework}"),    "y.. y.. y.. y.. y.. y.. u"),
    "GET /api/v1/campaigns/{campaign_id}/data":
                             (lambda t: api_call("get", f"/campaigns/{t.campaign}/data"), "yyy yy- yy- --- yy- --- u"),
    "PATCH /api/v1/campaigns/{campaign_id}/data":
                             (lambda t: api_call("patch", f"/campaigns/{t.campaign}/data", {"changes": [{"path": t.path, "value": None}]}),
                                                                                          "yyy yy- y-- --- --- --- u"),
    "PUT /api/v1/campaigns/{campaign_id}/data":
                             (lambda t: api_call("put", f"/campaigns/{t.campaign}/data", lambda: _document(t.campaign)),
                                                                                          "yyy yy- --- --- --- --- u"),
    "GET /api/v1/campaigns/{campaign_id}/values":
                             (lambda t: api_call("get", f"/campaigns/{t.campaign}/values"),
                                                                                          "yyy yy- yy- --- yy- --- u"),
    "GET /api/v1/campaigns/{campaign_id}/scorecard":
                             (lambda t: api_call("get", f"/campaigns/{t.campaign}/scorecard"),
                                                                                          "yyy yy- yy- --- yy- yy- u"),
}
# fmt: on

# The admin site is Django's own (staff only): one row covers all its URLs.
ADMIN_NAMESPACE = "admin"


def expectations(key: str) -> tuple[dict[tuple[str, str], str], str]:
    *cells, anonymous = MATRIX[key][1].split()
    assert len(cells) == len(ROLES) and all(len(c) == len(TARGETS) for c in cells), key
    by_case = {
        (role, target): code
        for role, row in zip(ROLES, cells, strict=True)
        for target, code in zip(TARGETS, row, strict=True)
    }
    return by_case, anonymous


def outcome(response: Any) -> str:
    status = response.status_code
    if status in (301, 302):
        login_pages = (reverse("login"), reverse("admin:login"))
        return "L" if response.url.split("?")[0] in login_pages else "y"
    if 200 <= status < 300:
        return "y"
    return {401: "u", 403: "-", 404: "n", 422: "v"}.get(status, f"HTTP {status}")


def send(client: Client, call: Call) -> Any:
    method = getattr(client, call.method)
    if call.json:
        data = call.data() if callable(call.data) else call.data  # read when sent, not at import
        body = None if data is None else json.dumps(data, cls=DjangoJSONEncoder)
        return method(call.url, body, content_type="application/json")
    return method(call.url, call.data) if call.data is not None else method(call.url)


# --- the generated cases -----------------------------------------------------------------------


class PermissionMatrix(TestCase):
    """One test per (row, role, target), plus anonymous and unknown-campaign cases."""

    @classmethod
    def setUpTestData(cls) -> None:
        cls.home = make_campaign(departments=5, filled=False, region="盐城市")
        cls.away = make_campaign(departments=5, filled=False, region="淮安市")
        users = get_user_model().objects
        cls.users = {"admin": users.create(username="root", is_superuser=True, is_staff=True)}
        liaison_department = cls.home.departments.order_by("position")[1]
        for role in ROLES[1:]:
            user = users.create(username=role)
            department = liaison_department if role == "liaison" else None
            Membership.objects.create(
                user=user, campaign=cls.home, role=role, department=department
            )
            cls.users[role] = user
        # Whom the user-management rows act on, in each campaign.
        subjects = {}
        for campaign in (cls.home, cls.away):
            subject = users.create(username=f"subject-{campaign.pk}")
            subjects[campaign.pk] = Membership.objects.create(
                user=subject, campaign=campaign, role="leader"
            ).pk
        liaison = campaign_access(cls.users["liaison"], cls.home.pk)
        needs = framework_needs(cls.home.core_framework, cls.home.years)
        editable = liaison.editable_paths()
        own = min(liaison.own_indicators)
        other = min(
            n for n in needs if n not in liaison.own_indicators and needs[n].paths - editable
        )
        own_path = sorted(needs[own].paths)[0]
        other_path = sorted(needs[other].paths - editable)[0]
        framework = cls.home.framework_id
        cls.targets = {
            "own": Target(cls.home.pk, own, own_path, subjects[cls.home.pk], framework),
            "other": Target(cls.home.pk, other, other_path, subjects[cls.home.pk], framework),
            "foreign": Target(cls.away.pk, own, own_path, subjects[cls.away.pk], framework),
        }
        other_department = cls.home.departments.exclude(pk=liaison_department.pk).first()
        away_department = cls.away.departments.order_by("position")[1]
        snapshots = {c.pk: _snapshot(c) for c in (cls.home, cls.away)}
        for key, department, campaign in (
            ("own", liaison_department, cls.home),
            ("other", other_department, cls.home),
            ("foreign", away_department, cls.away),
        ):
            target = cls.targets[key]
            cls.targets[key] = replace(
                target,
                evidence=_evidence(campaign, department, target.indicator),
                department=department.pk,
                snapshot=snapshots[campaign.pk],
            )
        away_expert = users.create(username="expert-away")
        Membership.objects.create(user=away_expert, campaign=cls.away, role="expert")
        experts = {cls.home.pk: cls.users["expert"], cls.away.pk: away_expert}
        rounds = {c.pk: _review_round(c, experts[c.pk]) for c in (cls.home, cls.away)}
        for key, target in cls.targets.items():
            self_round, review = rounds[target.campaign]
            cls.targets[key] = replace(
                target, self_round=self_round, round=review, expert=experts[target.campaign].pk
            )

    def check(self, key: str, role: str | None, target: Target, expected: str) -> None:
        client = Client()
        if role is not None:
            client.force_login(self.users[role])
        call = MATRIX[key][0](target)
        response = send(client, call)
        got = outcome(response)
        content = b"" if response.streaming else response.content  # a download streams
        body = content[:300].decode("utf-8", "replace")
        self.assertEqual(
            got,
            expected,
            f"{role or 'anonymous'} · {key} · {call.method.upper()} {call.url}: "
            f"expected {expected!r}, got {got!r} ({body!r})",
        )


def _slug(text: str) -> str:
    return re.sub(r"[^0-9a-zA-Z]+", "_", text).strip("_").lower()


_WORDS = {
    "y": "is_answered",
    "-": "is_refused",
    "L": "goes_to_login",
    "u": "is_unauthorised",
    "n": "is_not_found",
    "v": "is_allowed_and_the_request_refused",
}
_WHERE = {"own": "in_its_own_department", "other": "for_another_department",
          "foreign": "in_another_campaign"}  # fmt: skip


def _case(key: str, role: str | None, target: str, expected: str) -> Callable[[Any], None]:
    def test(self: PermissionMatrix) -> None:
        self.check(key, role, self.targets[target], expected)

    return test


def _unknown(key: str, role: str) -> Callable[[Any], None]:
    def test(self: PermissionMatrix) -> None:
        self.check(key, role, replace(self.targets["own"], campaign=UNKNOWN_CAMPAIGN), "n")

    return test


def _campaign_scoped(key: str) -> bool:
    sample = Target(1, 1, "counts.tips_total", 1, 1)
    return MATRIX[key][0](sample).url != MATRIX[key][0](replace(sample, campaign=2)).url


def _generate() -> None:
    for key in MATRIX:
        cases, anonymous = expectations(key)
        slug = _slug(key)
        for (role, target), code in cases.items():
            if code == ".":
                continue
            where = "" if cases[(role, "other")] == "." else f"_{_WHERE[target]}"
            name = f"test_{role}_{slug}{where}_{_WORDS[code]}"
            setattr(PermissionMatrix, name, _case(key, role, target, code))
        name = f"test_anonymous_{slug}_{_WORDS[anonymous]}"
        setattr(PermissionMatrix, name, _case(key, None, "own", anonymous))
        if _campaign_scoped(key):
            for role in ("admin", "office"):
                name = f"test_{role}_{slug}_of_an_unknown_campaign_is_not_found"
                setattr(PermissionMatrix, name, _unknown(key, role))


_generate()


# --- completeness --------------------------------------------------------------------------------


def _url_names(patterns: list[Any], namespace: str = "") -> Iterator[str]:
    for p in patterns:
        if isinstance(p, URLResolver):
            inner = f"{namespace}:{p.namespace}".strip(":") if p.namespace else namespace
            yield from _url_names(p.url_patterns, inner)
        elif isinstance(p, URLPattern):
            if p.name is None:
                yield f"{namespace}:<unnamed URL pattern {p.pattern}>".lstrip(":")
            else:
                yield f"{namespace}:{p.name}" if namespace else p.name


def api_operations() -> dict[str, str]:
    """Every operation of the REST API, as "METHOD /path" → the URL name of its view."""
    schema = api.get_openapi_schema()
    return {
        f"{method.upper()} {path}": op["operationId"].rsplit("_api_", 1)[-1]
        for path, ops in schema["paths"].items()
        for method, op in ops.items()
    }


def _row_name(key: str) -> str:
    """The URL name or API operation a row is about ("user_edit POST" → "user_edit")."""
    return key if key.rsplit(" ", maxsplit=1)[-1].startswith("/") else key.split(" ", maxsplit=1)[0]


def uncovered() -> tuple[list[str], list[str]]:
    """(views and operations without a row, rows naming nothing that exists)."""
    operations = api_operations()
    operation_views = {f"api:{name}" for name in operations.values()}
    rows = {_row_name(key) for key in MATRIX}
    names = set(_url_names(get_resolver().url_patterns))
    covered = {
        name
        for name in names
        if name in rows or name in operation_views or name.split(":")[0] == ADMIN_NAMESPACE
    }
    missing = sorted(names - covered) + [op for op in operations if op not in rows]
    stale = sorted(rows - names - set(operations))
    return missing, stale


def test_every_view_and_api_operation_has_a_row():
    missing, _ = uncovered()
    assert not missing, (
        "No row in MATRIX (tests/web/test_permissions_matrix.py) for: "
        + ", ".join(missing)
        + ". Add one per URL name (or API operation) saying, for each role, whether it is "
        "allowed in its own department, another department and another campaign."
    )


def test_every_row_of_the_matrix_names_a_view_that_exists():
    _, stale = uncovered()
    assert not stale, f"MATRIX rows for views that no longer exist: {', '.join(stale)}"


def test_the_matrix_is_well_formed():
    for key in MATRIX:
        cases, anonymous = expectations(key)
        assert set(cases.values()) <= {"y", "-", "L", "u", "n", "v", "."}, key
        assert anonymous in {"y", "L", "u", "n"}, key
        for role in ROLES:
            row = [cases[(role, t)] for t in TARGETS]
            assert row[0] != "." and (row[1] == ".") == (row[2] == "."), (key, role)
