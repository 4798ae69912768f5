"""The whole access policy (SPEC §7) as one table: every action × every role → a scope.

Views, API operations and services all ask it the same way, through an :class:`~demozone.web.
campaigns.access.Access` (``access.require("data.edit", indicator=7)``), so a rule changes here
and nowhere else. The table is plain data: it imports no model and touches no database.

Scopes, narrowest first:

- ``NONE``: never.
- ``OWN``: only the objects of the member's own department — the indicators 附件2 assigns to it
  (lead or supporting) and the things filed under it. Asked without an object, ``OWN`` answers
  "yes, on some objects" (e.g. a liaison may open the data-entry page); the service that then
  touches an object must ask again with that object.
- ``CAMPAIGN``: everything in the member's campaign.

A member's scope never reaches beyond its own campaign: another campaign's URLs answer 403 (404 if
the campaign does not exist) before this table is read. Only the system administrator (a Django
superuser) acts in every campaign; a membership with the ``admin`` role acts in its campaign only.

The 专家 role has no standing in a campaign's data: its ``OWN`` is the review rounds whose panel
it sits on (``round.*``, ``snapshot.view``) and, through :meth:`Access.can_view_evidence`, the
evidence of the indicators those panels judge. Which round, which items and when it may see the
other experts' judgments is decided by :mod:`demozone.web.reviews.services`.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType


class Scope(enum.IntEnum):
    NONE = 0
    OWN = 1
    CAMPAIGN = 2


# Column order of the table below; the values are those of campaigns.models.Role.
ROLES = ("admin", "office", "liaison", "expert", "reviewer", "leader")


@dataclass(frozen=True)
class Rule:
    action: str
    label: str  # what the action is, in Chinese: "填报指标数据"
    scopes: Mapping[str, Scope]

    def scope(self, role: str) -> Scope:
        return self.scopes.get(role, Scope.NONE)


_ = Scope.NONE
O = Scope.OWN  # noqa: E741 — one letter keeps the table's columns aligned
C = Scope.CAMPAIGN

# fmt: off
_TABLE: tuple[tuple[str, str, tuple[Scope, ...]], ...] = (
    # action              label                          admin office liaison expert reviewer leader
    ("campaign.view",     "查看创建活动",                  (C,    C,     C,      C,     C,       C)),
    ("framework.view",    "查看指标体系",                  (C,    C,     C,      C,     C,       C)),
    ("dashboard.view",    "查看驾驶舱、评分表与指标详情",     (C,    C,     C,      _,     C,       C)),
    ("entry.view",        "进入数据填报",                  (C,    C,     O,      _,     _,       _)),
    ("data.view",         "查看与导出评估数据",             (C,    C,     C,      _,     C,       _)),
    ("data.edit",         "填报指标数据",                  (C,    C,     O,      _,     _,       _)),
    ("data.replace",      "整体导入评估数据",               (C,    C,     _,      _,     _,       _)),
    ("assignment.edit",   "调整责任分工",                  (C,    C,     _,      _,     _,       _)),
    ("users.manage",      "管理本创建活动的用户",            (C,    C,     _,      _,     _,       _)),
    ("evidence.view",     "查看佐证材料",                  (C,    C,     C,      _,     C,       _)),
    ("evidence.upload",   "上传和提交佐证材料",             (C,    C,     O,      _,     _,       _)),
    ("evidence.delete",   "删除佐证材料",                  (C,    C,     O,      _,     _,       _)),
    ("evidence.review",   "采纳或退回佐证材料",             (C,    C,     _,      _,     _,       _)),
    ("evidence.restore",  "从回收站恢复佐证材料",            (C,    C,     _,      _,     _,       _)),
    ("audit.view",        "查看审计日志",                  (C,    C,     _,      _,     C,       _)),
    ("report.download",   "下载自评报告与评分表",           (C,    C,     C,      _,     C,       C)),
    ("package.download",  "下载申报材料包",                (C,    C,     _,      _,     C,       _)),
    ("collection.download", "下载 Excel 数据采集表",       (C,    C,     O,      _,     _,       _)),
    ("collection.upload", "上传 Excel 数据采集表",          (C,    C,     O,      _,     _,       _)),
    ("round.view",        "查看评审轮次",                  (C,    C,     C,      O,     C,       C)),
    ("round.open_self",   "发起自评",                     (C,    C,     _,      _,     _,       _)),
    ("round.submit",      "提交自评并封存快照",              (C,    C,     _,      _,     _,       _)),
    ("round.open_review", "发起省局初审或总局评估",           (C,    _,     _,      _,     C,       _)),
    ("round.panel",       "组建专家组",                    (C,    _,     _,      _,     C,       _)),
    ("round.judge",       "评审打分",                     (_,    _,     _,      O,     _,       _)),
    ("round.override",    "核定定量指标得分",               (C,    _,     _,      _,     C,       _)),
    ("round.decide",      "退回修改或通过评审",              (C,    _,     _,      _,     C,       _)),
    ("snapshot.view",     "查看和核验封存快照",              (C,    C,     _,      O,     C,       C)),
    ("comparison.view",   "查看自评、初审与评估的逐项对比",    (C,    C,     C,      _,     C,       C)),
)
# fmt: on

POLICY: Mapping[str, Rule] = MappingProxyType(
    {
        action: Rule(action, label, MappingProxyType(dict(zip(ROLES, scopes, strict=True))))
        for action, label, scopes in _TABLE
    }
)


class UnknownActionError(LookupError):
    """A programming error: code asked about an action the table does not name."""


def rule(action: str) -> Rule:
    try:
        return POLICY[action]
    except KeyError:
        raise UnknownActionError(f"no such action in the access policy: {action!r}") from None


def scope(action: str, role: str) -> Scope:
    return rule(action).scope(role)


def actions_of(role: str) -> frozenset[str]:
    """The actions a role may take on at least some objects of its campaign."""
    return frozenset(a for a, r in POLICY.items() if r.scope(role) > Scope.NONE)


def item_indicator(item: str) -> int | None:
    """The indicator of an item id (``36.2`` → 36, ``7`` → 7); None if it names none."""
    head = str(item).split(".", 1)[0].strip()
    return int(head) if head.isdigit() else None
