"""Loading a framework file: YAML → typed schema → consistency checks → :class:`Framework`.

Every problem is collected and raised at once in one :class:`FrameworkError`, each with its YAML
path, so that the author of a revised system fixes the file in one pass.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from demozone.core.errors import FrameworkError, Problem
from demozone.core.framework import (
    AnyOfRule,
    CappedCountRule,
    Comparison,
    CountExpr,
    FrameworkDoc,
    GrowthMeasure,
    Indicator,
    Metric,
    Node,
    RateExpr,
    RatioBandsRule,
    RatioExpr,
    ShareMeasure,
    SubItemsRule,
    ThresholdCountRule,
    WholeJudgmentRule,
    YearlyComparisonRule,
)
from demozone.core.yamlio import load_yaml

BUNDLED_ID = "samr-2022"


@dataclass(frozen=True)
class Placement:
    """Where an indicator sits: its first-level node and its parent (a group, or the level)."""

    level: Node
    group: Node | None


@dataclass(frozen=True, eq=False)
class Framework:
    """A loaded, checked indicator system. Immutable; shared by every evaluation."""

    doc: FrameworkDoc
    sha256: str
    source: str
    metrics: dict[str, Metric] = field(repr=False)
    indicators: tuple[Indicator, ...] = field(repr=False)
    placement: dict[int, Placement] = field(repr=False)
    groups: tuple[Node, ...] = field(repr=False)

    @property
    def id(self) -> str:
        return self.doc.id

    @property
    def version(self) -> str:
        return self.doc.version

    @property
    def name(self) -> str:
        return self.doc.name

    @property
    def levels(self) -> tuple[Node, ...]:
        return self.doc.levels

    @property
    def max_total(self) -> Decimal:
        return sum((node.points for node in self.doc.levels), Decimal(0))

    def indicator(self, number: int) -> Indicator:
        for ind in self.indicators:
            if ind.number == number:
                return ind
        raise KeyError(number)

    def metrics_of_kind(self, kind: str) -> dict[str, Metric]:
        return {m.id: m for m in self.doc.metrics if m.kind == kind}


# --- public entry points --------------------------------------------------------------------


def load_framework_text(text: str | bytes, source: str = "<text>") -> Framework:
    raw = text.encode("utf-8") if isinstance(text, str) else text
    try:
        data = load_yaml(raw)
    except yaml.YAMLError as exc:
        raise FrameworkError([Problem("", _syntax_message(exc))]) from exc
    if not isinstance(data, dict):
        raise FrameworkError([Problem("", "指标体系文件应为一个映射（键值对）")])
    try:
        doc = FrameworkDoc.model_validate(data)
    except ValidationError as exc:
        raise FrameworkError(_schema_problems(exc, data)) from exc
    problems = list(_consistency_problems(doc))
    if problems:
        raise FrameworkError(problems)
    return _build(doc, hashlib.sha256(raw).hexdigest(), source)


def _syntax_message(exc: yaml.YAMLError) -> str:
    mark = getattr(exc, "problem_mark", None)
    if mark is None:
        return f"YAML 语法错误：{exc}"
    # The parser's own wording stays as it is: it names the token it expected.
    return f"YAML 语法错误（第 {mark.line + 1} 行第 {mark.column + 1} 列）：{exc.problem}"  # type: ignore[attr-defined]


def load_framework_file(path: str | Path) -> Framework:
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise FrameworkError([Problem(str(path), f"无法读取文件：{exc.strerror}")]) from exc
    return load_framework_text(raw, source=str(path))


def bundled_framework_ids() -> list[str]:
    folder = resources.files("demozone.frameworks")
    return sorted(
        p.name.removesuffix(".yaml") for p in folder.iterdir() if p.name.endswith(".yaml")
    )


@cache
def load_bundled(framework_id: str = BUNDLED_ID) -> Framework:
    """A framework shipped with the package, loaded once per process."""
    if framework_id not in bundled_framework_ids():
        raise FrameworkError([Problem("framework", f"未知的指标体系：{framework_id}")])
    resource = resources.files("demozone.frameworks") / f"{framework_id}.yaml"
    return load_framework_text(resource.read_bytes(), source=f"bundled:{framework_id}")


# --- schema errors --------------------------------------------------------------------------

_MESSAGES = {
    "missing": "缺少必填字段",
    "extra_forbidden": "未知字段",
    "string_type": "应为文本",
    "int_type": "应为整数",
    "int_parsing": "应为整数",
    "decimal_type": "应为数字",
    "decimal_parsing": "应为数字",
    "finite_number": "应为有限数字",
    "bool_type": "应为 true 或 false",
    "literal_error": "取值不在允许范围内",
    "union_tag_invalid": "未知的类型",
    "union_tag_not_found": "缺少 type 字段",
    "tuple_type": "应为列表",
    "dict_type": "应为映射",
    "model_type": "应为映射",
    "date_from_datetime_parsing": "应为日期（YYYY-MM-DD）",
    "date_type": "应为日期（YYYY-MM-DD）",
}


def _schema_problems(exc: ValidationError, data: Any) -> list[Problem]:
    problems: list[Problem] = []
    for err in _closest_members(exc.errors()):
        path = _yaml_path(err["loc"], data)
        message = _MESSAGES.get(err["type"], err["msg"])
        ctx = err.get("ctx", {})
        if err["type"] == "literal_error":
            message = f"{message}（实际为 {_quoted(err['input'])}），可选：{_choices(ctx.get('expected', ''))}"
        elif err["type"] == "union_tag_invalid":
            message = f"{message} {_quoted(ctx.get('tag'))}，可选：{_choices(ctx.get('expected_tags', ''))}"
        problems.append(Problem(path, message))
    return problems


def _closest_members(errors: list[Any]) -> list[Any]:
    """Of an untagged union (an expression), keep the complaints of the member nearest to what was
    written: ``{count: x, bogus: 1}`` is a count with one unknown key, not a ratio missing ``ratio``.
    """
    counts: dict[tuple[Any, ...], dict[str, int]] = {}
    for err in errors:
        at = _member_at(err["loc"])
        if at is not None:
            members = counts.setdefault(err["loc"][:at], {})
            members[err["loc"][at]] = members.get(err["loc"][at], 0) + 1
    best = {prefix: min(members, key=members.__getitem__) for prefix, members in counts.items()}
    kept = []
    for err in errors:
        at = _member_at(err["loc"])
        if at is None or best[err["loc"][:at]] == err["loc"][at]:
            kept.append(err)
    return kept


def _member_at(loc: tuple[int | str, ...]) -> int | None:
    for i, part in enumerate(loc):
        if isinstance(part, str) and part[:1].isupper():
            return i
    return None


def _yaml_path(loc: tuple[int | str, ...], data: Any) -> str:
    """``levels[1].children[0].points``: the location as the author sees it in the file.

    Pydantic inserts union members into the location: class names, and the tag of a tagged union
    (``sub_items``); following the document itself tells them apart from the author's own keys.
    """
    out = ""
    node = data
    for i, part in enumerate(loc):
        last = i == len(loc) - 1
        if isinstance(part, int):
            out += f"[{part}]"
            node = node[part] if isinstance(node, list | tuple) and part < len(node) else None
        elif (isinstance(node, dict) and part in node) or last:
            out += f".{part}" if out else part
            node = node.get(part) if isinstance(node, dict) else None
    return out


def _quoted(value: Any) -> str:
    return f"“{value}”"


def _choices(expected: str) -> str:
    """Pydantic's ``'a', 'b' or 'c'`` as ``a、b、c``."""
    return "、".join(part.strip().strip("'") for part in expected.replace(" or ", ", ").split(","))


# --- consistency ----------------------------------------------------------------------------


def _walk(nodes: tuple[Node, ...], path: str) -> Iterator[tuple[Node, str]]:
    for i, node in enumerate(nodes):
        here = f"{path}[{i}]"
        yield node, here
        yield from _walk(node.children, f"{here}.children")


def _consistency_problems(doc: FrameworkDoc) -> Iterator[Problem]:
    metrics: dict[str, Metric] = {}
    for i, m in enumerate(doc.metrics):
        if m.id in metrics:
            yield Problem(f"metrics[{i}].id", f"指标项编号重复：{m.id}")
        metrics[m.id] = m
    yield from _metric_problems(doc, metrics)

    if doc.pass_rule.level_rate_min < 0 or doc.pass_rule.level_rate_min > 1:
        yield Problem("pass_rule.level_rate_min", "得分率应在 0 到 1 之间")
    if not doc.levels:
        yield Problem("levels", "至少需要一个一级指标")

    codes: set[str] = set()
    numbers: list[int] = []
    item_ids: set[str] = set()
    total = sum((n.points for n in doc.levels), Decimal(0))
    if doc.pass_rule.total_min > total:
        yield Problem("pass_rule.total_min", f"合格总分 {doc.pass_rule.total_min} 超过满分 {total}")
    for node, path in _walk(doc.levels, "levels"):
        if node.code in codes:
            yield Problem(f"{path}.code", f"指标编码重复：{node.code}")
        codes.add(node.code)
        if node.children and node.indicators:
            yield Problem(path, "同一指标下不能同时有下级指标和三级指标")
        if not node.children and not node.indicators:
            yield Problem(path, f"指标 {node.code} 没有下级指标")
        below = sum((c.points for c in node.children), Decimal(0)) + sum(
            (ind.points for ind in node.indicators), Decimal(0)
        )
        if (node.children or node.indicators) and below != node.points:
            yield Problem(
                f"{path}.points",
                f"{node.code} {node.name} 分值 {node.points} 与下级合计 {below} 不符",
            )
        for j, ind in enumerate(node.indicators):
            ipath = f"{path}.indicators[{j}]"
            if ind.number in numbers:
                yield Problem(f"{ipath}.number", f"三级指标编号重复：{ind.number}")
            numbers.append(ind.number)
            yield from _indicator_problems(ind, ipath, metrics, item_ids)


def _metric_problems(doc: FrameworkDoc, metrics: dict[str, Metric]) -> Iterator[Problem]:
    for i, m in enumerate(doc.metrics):
        path = f"metrics[{i}]"
        if m.part_of is not None:
            parent = metrics.get(m.part_of)
            if parent is None:
                yield Problem(f"{path}.part_of", f"引用了不存在的指标项：{m.part_of}")
            elif parent.kind != "count" or m.kind != "count":
                yield Problem(f"{path}.part_of", "只有计数类指标项可以设置 part_of")
        if m.kind in ("growth", "share"):
            want = 1 if m.kind == "growth" else 2
            if len(m.of) != want:
                yield Problem(f"{path}.of", f"{m.kind} 类指标项应引用 {want} 个序列")
            for ref in m.of:
                if metrics.get(ref) is None or metrics[ref].kind != "series":
                    yield Problem(f"{path}.of", f"引用的序列不存在：{ref}")


def _need(
    metrics: dict[str, Metric], metric_id: str, kinds: tuple[str, ...], path: str, scope: str = ""
) -> Iterator[Problem]:
    metric = metrics.get(metric_id)
    if metric is None:
        yield Problem(path, f"引用了指标项目录中不存在的指标项：{metric_id}")
    elif metric.kind not in kinds:
        yield Problem(
            path, f"指标项 {metric_id} 的类型为 {metric.kind}，此处需要 {'/'.join(kinds)}"
        )
    elif scope and scope not in metric.scopes:
        yield Problem(path, f"指标项 {metric_id} 没有 {scope} 范围的数据")


def _comparison_problems(
    comparisons: tuple[Comparison, ...], path: str, metrics: dict[str, Metric]
) -> Iterator[Problem]:
    for k, cmp in enumerate(comparisons):
        for side in ("left", "right"):
            expr = getattr(cmp, side)
            here = f"{path}.all[{k}].{side}"
            if isinstance(expr, CountExpr):
                yield from _need(metrics, expr.count, ("count",), f"{here}.count")
            elif isinstance(expr, RatioExpr):
                for m in expr.ratio:
                    yield from _need(metrics, m, ("count",), f"{here}.ratio")
            elif isinstance(expr, RateExpr):
                yield from _need(metrics, expr.rate, ("rate",), f"{here}.rate", expr.scope)


def _indicator_problems(
    ind: Indicator, path: str, metrics: dict[str, Metric], item_ids: set[str]
) -> Iterator[Problem]:
    rule = ind.rule
    rpath = f"{path}.rule"
    if ind.points <= 0:
        yield Problem(f"{path}.points", "分值应大于 0")
    if isinstance(rule, YearlyComparisonRule):
        for side in ("left", "right"):
            m: GrowthMeasure | ShareMeasure = getattr(rule, side)
            yield from _need(metrics, m.metric, ("series",), f"{rpath}.{side}.metric", m.scope)
            if isinstance(m, ShareMeasure):
                yield from _need(metrics, m.of, ("series",), f"{rpath}.{side}.of", m.scope)
            if m.stated is not None:
                kind = "growth" if isinstance(m, GrowthMeasure) else "share"
                yield from _need(metrics, m.stated, (kind,), f"{rpath}.{side}.stated", m.scope)
        # "近2年": two evaluated years, so two yearly items.
        if rule.points_per_year * 2 != ind.points:
            yield Problem(
                f"{rpath}.points_per_year",
                f"每年 {rule.points_per_year} 分 × 2 年与指标分值 {ind.points} 不符",
            )
    elif isinstance(rule, RatioBandsRule | ThresholdCountRule):
        if isinstance(rule, RatioBandsRule):
            yield from _need(metrics, rule.numerator, ("count",), f"{rpath}.numerator")
            yield from _need(metrics, rule.denominator, ("count",), f"{rpath}.denominator")
        yield from _band_problems(rule.bands, ind, rpath)
        if isinstance(rule, ThresholdCountRule) and set(rule.thresholds) != {
            "east",
            "central",
            "west",
        }:
            yield Problem(f"{rpath}.thresholds", "应给出 east、central、west 三个地区的门槛")
    elif isinstance(rule, SubItemsRule):
        subtotal = sum((s.points for s in rule.items), Decimal(0))
        if subtotal != ind.points:
            yield Problem(f"{rpath}.items", f"子项分值合计 {subtotal} 与指标分值 {ind.points} 不符")
        for k, sub in enumerate(rule.items):
            yield from _condition_problems(sub, f"{rpath}.items[{k}]", ind, metrics, item_ids)
    elif isinstance(rule, AnyOfRule):
        if not rule.conditions:
            yield Problem(f"{rpath}.conditions", "至少需要一个条件")
        for k, cond in enumerate(rule.conditions):
            yield from _condition_problems(cond, f"{rpath}.conditions[{k}]", ind, metrics, item_ids)
    elif isinstance(rule, WholeJudgmentRule):
        if rule.step <= 0 or ind.points % rule.step != 0:
            yield Problem(f"{rpath}.step", f"步长 {rule.step} 应为正数且能整除分值 {ind.points}")
    elif isinstance(rule, CappedCountRule):
        yield from _need(metrics, rule.metric, ("count",), f"{rpath}.metric")
        if rule.points_per_unit <= 0:
            yield Problem(f"{rpath}.points_per_unit", "每项分值应大于 0")


def _band_problems(bands: tuple[Any, ...], ind: Indicator, rpath: str) -> Iterator[Problem]:
    if not bands:
        yield Problem(f"{rpath}.bands", "至少需要一个分档")
        return
    mins = [b.min for b in bands]
    if mins != sorted(mins, reverse=True) or len(set(mins)) != len(mins):
        yield Problem(f"{rpath}.bands", "分档应按下限从高到低排列且互不相同")
    if max(b.points for b in bands) != ind.points:
        yield Problem(f"{rpath}.bands", f"最高档分值应等于指标分值 {ind.points}")


def _condition_problems(
    cond: Any, path: str, ind: Indicator, metrics: dict[str, Metric], item_ids: set[str]
) -> Iterator[Problem]:
    if cond.id in item_ids:
        yield Problem(f"{path}.id", f"子项编号重复：{cond.id}")
    item_ids.add(cond.id)
    if not cond.id.startswith(f"{ind.number}."):
        yield Problem(f"{path}.id", f"子项编号 {cond.id} 应以 {ind.number}. 开头")
    if cond.judgment == bool(cond.all):
        yield Problem(path, "子项应为判定项（judgment: true）或给出比较条件（all），二者选一")
    yield from _comparison_problems(cond.all, path, metrics)


# --- building -------------------------------------------------------------------------------


def _build(doc: FrameworkDoc, sha256: str, source: str) -> Framework:
    indicators: list[Indicator] = []
    placement: dict[int, Placement] = {}
    groups: list[Node] = []

    def visit(node: Node, level: Node, depth: int) -> None:
        if depth > 0:
            groups.append(node)
        for ind in node.indicators:
            indicators.append(ind)
            placement[ind.number] = Placement(level=level, group=node if depth > 0 else None)
        for child in node.children:
            visit(child, level, depth + 1)

    for top in doc.levels:
        visit(top, top, 0)
    indicators.sort(key=lambda ind: ind.number)
    return Framework(
        doc=doc,
        sha256=sha256,
        source=source,
        metrics={m.id: m for m in doc.metrics},
        indicators=tuple(indicators),
        placement=placement,
        groups=tuple(groups),
    )
