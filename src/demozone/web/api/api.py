"""REST API at /api/v1/ (django-ninja; schema at /api/v1/openapi.json, docs served locally).

Session auth (with CSRF) for the browser, ``Authorization: Bearer <token>`` for scripts. Writes go
through the same services and checks as the forms: the core's InputError becomes 422 with every
problem and its path.
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import HttpError
from ninja.errors import ValidationError as RequestValidationError
from ninja.security import HttpBearer, SessionAuth

from demozone.core.errors import InputError, Problem
from demozone.web.accounts.models import ApiToken
from demozone.web.api import schemas
from demozone.web.audit.services import record_denied
from demozone.web.campaigns.access import Access, campaign_access, visible_campaigns
from demozone.web.campaigns.conflicts import NO_CHECK, ConflictError
from demozone.web.campaigns.errors import NotAllowedError
from demozone.web.campaigns.models import Assignment, Framework
from demozone.web.campaigns.services import (
    Change,
    apply_changes,
    evaluate,
    export_document,
    import_document,
    load_data,
)


class BearerToken(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = ApiToken.authenticate(token)
        if user is not None:
            request.user = user
        return user


api = NinjaAPI(
    title="示范区创建评估平台接口",
    version="1",
    description="创建活动、指标体系、评估数据与评分表。浏览器使用会话登录（需 CSRF），脚本使用 `Authorization: Bearer <令牌>`（`demozone manage create_token 用户名` 生成）。",
    urls_namespace="api",
    auth=[BearerToken(), SessionAuth()],
)


def _problems(status: int, detail: str, problems: tuple[Problem, ...] = ()) -> dict[str, Any]:
    return {
        "detail": detail,
        "problems": [{"path": p.path, "message": p.message} for p in problems],
    }


@api.exception_handler(InputError)
def _input_error(request: HttpRequest, exc: InputError) -> HttpResponse:
    return api.create_response(request, _problems(422, exc.describe(), exc.problems), status=422)


@api.exception_handler(NotAllowedError)
def _not_allowed(request: HttpRequest, exc: NotAllowedError) -> HttpResponse:
    record_denied(request, exc.describe())
    return api.create_response(request, _problems(403, exc.describe(), exc.problems), status=403)


@api.exception_handler(ConflictError)
def _conflict(request: HttpRequest, exc: ConflictError) -> HttpResponse:
    body = {
        **_problems(409, exc.describe(), exc.problems),
        "conflicts": [
            {"path": c.path, "label": c.label, "current": c.theirs, "by": c.by, "at": c.at}
            for c in exc.conflicts
        ],
    }
    return api.create_response(request, body, status=409)


_REQUEST_PROBLEMS = {
    "missing": "缺少必填项",
    "string_type": "应为文本",
    "list_type": "应为列表",
    "dict_type": "应为对象",
    "model_type": "应为对象",
    "model_attributes_type": "应为对象",
    "json_invalid": "JSON 语法错误",
    "int_parsing": "应为整数",
    "int_type": "应为整数",
}


@api.exception_handler(RequestValidationError)
def _request_invalid(request: HttpRequest, exc: RequestValidationError) -> HttpResponse:
    # The request does not even have the documented shape: answer in the same format (and
    # language) as the core's problems, with the field's path.
    problems = []
    for error in exc.errors:
        loc = [str(p) for p in error.get("loc", ()) if p not in ("body", "payload")]
        text = _REQUEST_PROBLEMS.get(
            str(error.get("type")), f"格式不正确（{error.get('msg', '')}）"
        )
        problems.append(Problem(".".join(loc), text))
    detail = "请求格式不正确：" + "；".join(str(p) for p in problems)
    return api.create_response(request, _problems(422, detail, tuple(problems)), status=422)


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    if exc.status_code == 400:  # django-ninja could not parse the body: answer like the core
        problem = Problem("", "请求体不是合法的 JSON（应为 UTF-8 编码的 JSON 对象）")
        return api.create_response(request, _problems(422, str(problem), (problem,)), status=422)
    return api.create_response(request, {"detail": exc.message}, status=exc.status_code)


@api.exception_handler(PermissionDenied)
def _denied(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    record_denied(request, str(exc) or "没有权限")
    return api.create_response(request, {"detail": str(exc) or "没有权限"}, status=403)


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return api.create_response(request, {"detail": str(exc) or "不存在"}, status=404)


def _access(request: HttpRequest, campaign_id: int, action: str) -> Access:
    return campaign_access(request.auth, campaign_id, action)  # type: ignore[attr-defined]


def _json_body(request: HttpRequest) -> Any:
    # Parsed again with exact decimals: a float must never come near a figure.
    try:
        return json.loads(request.body or b"null", parse_float=Decimal)
    except ValueError as exc:
        raise InputError([Problem("", f"JSON 语法错误：{exc}")]) from exc


@api.get("/campaigns", response=list[schemas.CampaignOut], summary="创建活动列表")
def list_campaigns(request: HttpRequest) -> Any:
    campaigns = visible_campaigns(request.auth).select_related("region", "framework")  # type: ignore[attr-defined]
    return [schemas.campaign_out(c) for c in campaigns]


@api.get("/campaigns/{campaign_id}", response=schemas.CampaignDetailOut, summary="创建活动详情")
def get_campaign(request: HttpRequest, campaign_id: int) -> Any:
    access = _access(request, campaign_id, "campaign.view")
    campaign = access.campaign
    return schemas.campaign_detail(
        campaign,
        list(campaign.departments.all()),
        list(Assignment.objects.filter(campaign=campaign)),
    )


@api.get("/frameworks", response=list[schemas.FrameworkOut], summary="指标体系列表")
def list_frameworks(request: HttpRequest) -> Any:
    return [schemas.framework_out(f) for f in Framework.objects.defer("text")]


@api.get("/frameworks/{framework_pk}", response=schemas.FrameworkDetailOut, summary="指标体系全文")
def get_framework(request: HttpRequest, framework_pk: int) -> Any:
    row = Framework.objects.filter(pk=framework_pk).first()
    if row is None:
        raise Http404("指标体系不存在")
    return schemas.framework_detail(row)


@api.get(
    "/campaigns/{campaign_id}/data", response=dict[str, Any], summary="评估数据（SPEC §4 格式）"
)
def get_data(request: HttpRequest, campaign_id: int) -> Any:
    return export_document(_access(request, campaign_id, "data.view").campaign)


@api.get(
    "/campaigns/{campaign_id}/values",
    response=list[schemas.ValueOut],
    summary="逐项数据：数值、来源说明、填报人与时间",
)
def list_values(request: HttpRequest, campaign_id: int) -> Any:
    campaign = _access(request, campaign_id, "data.view").campaign
    return schemas.values_out(campaign, load_data(campaign))


@api.patch(
    "/campaigns/{campaign_id}/data",
    response={
        200: dict[str, Any],
        403: schemas.ProblemsOut,
        409: schemas.ConflictsOut,
        422: schemas.ProblemsOut,
    },
    summary="修改部分数据（联络员只能修改本单位分工指标的数据）",
    description="每项修改可带 `expected`：修改前看到的值（无值为 null）。若当前值已被他人改为别的值，"
    "返回 409 并列出当前值、修改人和时间，任何修改都不写入；省略 `expected` 则不检查。",
)
def patch_data(request: HttpRequest, campaign_id: int, payload: schemas.ChangesIn) -> Any:
    # Allowed to some liaisons; each changed path is then checked against its department.
    access = _access(request, campaign_id, "data.edit")
    body = _json_body(request)
    changes = [
        Change(
            str(c.get("path", "")),
            c.get("value"),
            c.get("note"),
            expected=c.get("expected", NO_CHECK),
        )
        for c in (body or {}).get("changes", [])
        if isinstance(c, dict)
    ]
    allowed = access.editable_paths(Assignment.objects.filter(campaign=access.campaign))
    apply_changes(access.campaign, changes, request.auth, allowed=allowed.__contains__)  # type: ignore[attr-defined]
    access.campaign.refresh_from_db()
    return export_document(access.campaign)


@api.put(
    "/campaigns/{campaign_id}/data",
    response={200: dict[str, Any], 403: schemas.ProblemsOut, 422: schemas.ProblemsOut},
    summary="以一份评估数据文件替换全部数据（全部成功或全部不写入；仅领导小组办公室）",
)
def put_data(request: HttpRequest, campaign_id: int, payload: schemas.InputDocumentIn) -> Any:
    access = _access(request, campaign_id, "data.replace")
    import_document(access.campaign, _json_body(request), request.auth, source="接口导入")  # type: ignore[attr-defined]
    access.campaign.refresh_from_db()
    return export_document(access.campaign)


@api.get("/campaigns/{campaign_id}/scorecard", response=dict[str, Any], summary="评分表（SPEC §5）")
def get_scorecard(request: HttpRequest, campaign_id: int) -> Any:
    return evaluate(_access(request, campaign_id, "dashboard.view").campaign).scorecard.to_dict()
