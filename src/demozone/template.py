"""The blank evaluation input (SPEC §4) a city fills in: a data-collection form as a file.

Everything is generated from the framework's metric catalogue and item list, so a revised
indicator system gets its own form without code changes. The YAML form carries a Chinese comment
on every field; JSON cannot hold comments, so the JSON form has the same structure with nulls and
a top-level ``note`` saying where the explanations are.

A blank is a null, which the parser reads as "not reported": the generated form parses as it is,
except that ``region.name`` is empty and must be filled in.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from demozone.core.framework import (
    AnyOfRule,
    CappedCountRule,
    Comparison,
    CountExpr,
    GrowthMeasure,
    Indicator,
    Metric,
    RateExpr,
    RatioBandsRule,
    RatioExpr,
    ShareMeasure,
    SubItemsRule,
    ThresholdCountRule,
    WholeJudgmentRule,
    YearlyComparisonRule,
)
from demozone.core.inputs import ZONE_NAMES
from demozone.core.items import ItemSpec, item_specs
from demozone.core.loader import Framework
from demozone.core.numbers import plain

SCOPE_NAMES = {"region": "本地区", "national": "全国"}
_TEXT_MAX = 30
_COMMENT_COLUMN = 34

JSON_NOTE = (
    "评估数据填报模板（JSON 格式）。JSON 不能写注释：各字段的中文说明（名称、单位、含义、用于哪个指标）"
    "见 YAML 模板（demozone template --format yaml）或指标体系说明（demozone framework show）。"
    "null 表示未填报，相应评分项记为“缺数据”、暂不得分；region.name 必须填写；"
    "statistics.national 留空则使用内置的全国统计数据。填好后运行 demozone validate 校验、demozone score 评分。"
)


@dataclass(frozen=True)
class Field:
    """One key of the form.

    ``children`` makes it a mapping; otherwise ``value`` is its scalar (None is a blank).
    ``heading`` lines are comments above it; ``examples`` are commented-out YAML lines below it,
    indented as its children, that become valid YAML once the ``# `` is removed.
    """

    key: str | int
    value: Any = None
    comment: str = ""
    children: tuple[Field, ...] | None = None
    heading: tuple[str, ...] = ()
    examples: tuple[str, ...] = ()
    quoted_key: bool = False


@dataclass(frozen=True)
class Template:
    framework: Framework
    years: tuple[int, int]
    fields: tuple[Field, ...]
    preamble: tuple[str, ...]

    def to_data(self) -> dict[str, Any]:
        """The form as a document: the JSON template, and what the YAML template parses to."""
        data = _data(self.fields)
        data.pop("note", None)
        return {"note": JSON_NOTE, **data}

    def to_json(self) -> str:
        return json.dumps(self.to_data(), ensure_ascii=False, indent=2) + "\n"

    def to_yaml(self) -> str:
        lines = [f"# {line}" if line else "#" for line in self.preamble]
        lines.append("")
        for top in self.fields:
            lines.extend(_yaml_lines(top, 0))
            lines.append("")
        return "\n".join(lines).rstrip("\n") + "\n"


def default_years(today: dt.date | None = None) -> tuple[int, int]:
    """The last two complete calendar years: the usual evaluated period of a self-evaluation."""
    year = (today or dt.date.today()).year
    return year - 2, year - 1


def build_template(
    framework: Framework,
    years: tuple[int, int] | None = None,
    *,
    region: str = "",
    zone: str = "east",
) -> Template:
    years = years or default_years()
    uses = metric_uses(framework)
    fields = (
        Field("framework", framework.id, "指标体系编号（可省略，省略时使用内置指标体系）"),
        Field(
            "region",
            comment="创建地区",
            children=(
                Field("name", region, "地区名称（必填），如：盐城市"),
                Field(
                    "zone",
                    zone,
                    "所属地带（必填）：east 东部 / central 中部 / west 西部；"
                    "决定“新增规模以上网络交易经营者”的销售额门槛，请按实际修改",
                ),
            ),
        ),
        Field(
            "years",
            list(years),
            "评估年度（必填）：两个连续年度，按先后排列，即指标中的“近2年”",
        ),
        Field(
            "statistics",
            comment="年度统计数据：键为年份，冒号后填数值",
            children=(
                _statistics_scope(framework, "region", years, uses),
                _statistics_scope(framework, "national", years, uses),
            ),
        ),
        _counts(framework, uses),
        Field(
            "rates",
            comment="比率：百分数的数值，0—100（如 97.5 表示 97.5%）",
            children=tuple(
                _rates_scope(framework, scope, uses) for scope in ("region", "national")
            ),
        ),
        *_operators(framework, years),
        _judgments(framework, years),
        _overrides(framework, years),
        Field("note", "", "备注（可选）：数据来源、填报单位、联系人等"),
    )
    preamble = (
        f"{framework.name} — 评估数据填报模板",
        f"指标体系：{framework.id}（版本 {framework.version}），评估年度 {years[0]}—{years[1]}",
        "",
        "填写说明：",
        "  1. 冒号后留空表示“未填报”，相应评分项记为“缺数据”、暂不得分；数据补齐后得分只会提高。",
        "  2. 数字直接填写，不带单位和千分位逗号；百分比只填数值（如 12.5 表示 12.5%）。",
        "  3. region.name（地区名称）必须填写，region.zone 与 years 请按实际核对。",
        "  4. 以“# ”开头的行是说明或示例；示例行删去行首的“# ”即可启用。",
        "  5. 填好后运行：demozone validate 本文件（校验），demozone score 本文件（评分）。",
    )
    return Template(framework, years, fields, preamble)


# --- which indicator uses which metric --------------------------------------------------------


def metric_uses(framework: Framework) -> dict[tuple[str, str], list[int]]:
    """(scope, metric id) → numbers of the indicators whose rule reads it; counts use "region"."""
    uses: dict[tuple[str, str], list[int]] = {}

    def use(scope: str, metric: str | None, number: int) -> None:
        if metric is None:
            return
        numbers = uses.setdefault((scope, metric), [])
        if number not in numbers:
            numbers.append(number)

    for ind in framework.indicators:
        for scope, metric in _rule_metrics(ind):
            use(scope, metric, ind.number)
    return uses


def _rule_metrics(ind: Indicator) -> Iterator[tuple[str, str | None]]:
    rule = ind.rule
    if isinstance(rule, YearlyComparisonRule):
        for measure in (rule.left, rule.right):
            yield from _measure_metrics(measure)
    elif isinstance(rule, RatioBandsRule):
        yield "region", rule.numerator
        yield "region", rule.denominator
    elif isinstance(rule, CappedCountRule):
        yield "region", rule.metric
    elif isinstance(rule, SubItemsRule | AnyOfRule):
        conditions = rule.items if isinstance(rule, SubItemsRule) else rule.conditions
        for cond in conditions:
            for cmp in cond.all:
                yield from _comparison_metrics(cmp)


def _measure_metrics(m: GrowthMeasure | ShareMeasure) -> Iterator[tuple[str, str | None]]:
    yield m.scope, m.metric
    yield m.scope, m.stated
    if isinstance(m, ShareMeasure):
        yield m.scope, m.of


def _comparison_metrics(cmp: Comparison) -> Iterator[tuple[str, str | None]]:
    for expr in (cmp.left, cmp.right):
        if isinstance(expr, CountExpr):
            yield "region", expr.count
        elif isinstance(expr, RatioExpr):
            for metric in expr.ratio:
                yield "region", metric
        elif isinstance(expr, RateExpr):
            yield expr.scope, expr.rate


def _used_by(uses: dict[tuple[str, str], list[int]], scope: str, metric: str) -> str:
    numbers = uses.get((scope, metric))
    if not numbers:
        return ""
    return "；用于指标 " + "、".join(str(n) for n in numbers)


def _metric_comment(metric: Metric, uses: dict[tuple[str, str], list[int]], scope: str) -> str:
    text = f"{metric.name}（{metric.unit}）"
    if metric.description and metric.description != metric.name:
        text += f"：{metric.description}"
    return text + _used_by(uses, scope, metric.id)


# --- the sections -----------------------------------------------------------------------------


def _statistics_scope(
    framework: Framework,
    scope: str,
    years: tuple[int, int],
    uses: dict[tuple[str, str], list[int]],
) -> Field:
    children = []
    for metric in framework.doc.metrics:
        if metric.kind not in ("series", "growth", "share") or scope not in metric.scopes:
            continue
        if metric.kind == "series":
            # A growth in the first evaluated year needs the level of the year before.
            keys: tuple[int, ...] = (years[0] - 1, *years)
            extra = ""
        else:
            keys = years
            extra = "（可选）"
        children.append(
            Field(
                metric.id,
                comment=_metric_comment(metric, uses, scope) + extra,
                children=tuple(Field(year) for year in keys),
            )
        )
    if scope == "region":
        comment = "本地区数据"
        examples = _definition_examples(framework)
        heading: tuple[str, ...] = ()
    else:
        comment = "全国数据（可选）"
        examples = ()
        heading = (
            "全国数据可整体删去或留空：留空的序列使用内置的全国统计数据（国家统计局、国家邮政局公布）；",
            "如填写，须填齐比较所需的年份。",
        )
    return Field(
        scope, comment=comment, children=tuple(children), heading=heading, examples=examples
    )


def _definition_examples(framework: Framework) -> tuple[str, ...]:
    lines = []
    for metric in framework.doc.metrics:
        if not metric.definitions:
            continue
        first = next(iter(metric.definitions))
        choices = "、".join(f"{k} {v}" for k, v in metric.definitions.items())
        lines.append(
            f"definitions: {{{metric.id}: {first}}}"
            f"   # {metric.name}的统计口径（可选，默认 {first}）：{choices}"
        )
    return tuple(lines)


def _counts(framework: Framework, uses: dict[tuple[str, str], list[int]]) -> Field:
    children = []
    for metric in framework.metrics_of_kind("count").values():
        comment = _metric_comment(metric, uses, "region")
        notes = []
        if metric.integer:
            notes.append("整数")
        if metric.part_of:
            notes.append(f"不能大于{framework.metrics[metric.part_of].name}")
        if notes:
            comment += "（" + "，".join(notes) + "）"
        children.append(Field(metric.id, comment=comment))
    return Field(
        "counts",
        comment="计数与金额：评估时点的非负数",
        children=tuple(children),
    )


def _rates_scope(framework: Framework, scope: str, uses: dict[tuple[str, str], list[int]]) -> Field:
    children = tuple(
        Field(metric.id, comment=_metric_comment(metric, uses, scope))
        for metric in framework.metrics_of_kind("rate").values()
        if scope in metric.scopes
    )
    comment = "本地区比率" if scope == "region" else "全国比率（没有内置数据，需填写）"
    return Field(scope, comment=comment, children=children)


def _operators(framework: Framework, years: tuple[int, int]) -> tuple[Field, ...]:
    fields = []
    for ind in framework.indicators:
        rule = ind.rule
        if not isinstance(rule, ThresholdCountRule):
            continue
        thresholds = "、".join(
            f"{ZONE_NAMES[zone]} {plain(value)}{rule.unit}"
            for zone, value in rule.thresholds.items()
        )
        fields.append(
            Field(
                rule.collection,
                comment=(
                    f"用于指标 {ind.number}（{ind.name}）：评估年度内年度电子商务销售额达到门槛"
                    f"（{thresholds}）的网络交易经营者；留空为未填报，没有则填 []"
                ),
                examples=(
                    f"- {{name: 某电子商务有限公司, year: {years[1]}, "
                    f"ecommerce_sales: {plain(max(rule.thresholds.values()))}}}"
                    f"   # 示例：经营者名称、年度、该年度电子商务销售额（{rule.unit}）",
                ),
            )
        )
    return tuple(fields)


def _judgments(framework: Framework, years: tuple[int, int]) -> Field:
    specs = item_specs(framework, years)
    children = []
    for ind in framework.indicators:
        items = [
            spec
            for spec in specs.values()
            if spec.indicator == ind.number and spec.judgeable and spec.qualitative
        ]
        for i, spec in enumerate(items):
            heading = (f"{ind.number} {ind.name}（{plain(ind.points)} 分）",) if i == 0 else ()
            children.append(
                Field(
                    spec.id,
                    comment=_judgment_comment(ind, spec),
                    heading=heading,
                    quoted_key=True,
                )
            )
    return Field(
        "judgments",
        comment="定性判定：键为评分项编号；留空为尚未判定",
        children=tuple(children),
        heading=(
            "定量评分项（如 3、11.1）无法计算（如分母为 0）时，也可在此给出判定；能计算时判定不被采用。",
        ),
    )


def _judgment_comment(ind: Indicator, spec: ItemSpec) -> str:
    rule = ind.rule
    if isinstance(rule, WholeJudgmentRule):
        return (
            f"{_shorten(_first_line(ind.text))}：填 0—{plain(spec.max)} 分"
            f"（步长 {plain(spec.step)}），或 true 表示满分"
        )
    text = ""
    if isinstance(rule, SubItemsRule | AnyOfRule):
        conditions = rule.items if isinstance(rule, SubItemsRule) else rule.conditions
        text = next((c.text for c in conditions if c.id == spec.id), "")
    answer = "true 符合 / false 不符合"
    if isinstance(rule, AnyOfRule):
        return f"{_shorten(text)}：{answer}（符合一项即可得 {plain(ind.points)} 分）"
    return f"{_shorten(text)}（{plain(spec.max)} 分）：{answer}"


def _overrides(framework: Framework, years: tuple[int, int]) -> Field:
    specs = item_specs(framework, years)
    example = next(
        (s for s in specs.values() if s.scored and not s.qualitative and "." not in s.id),
        next(iter(specs.values())),
    )
    return Field(
        "overrides",
        comment="人工核定（可选）：替换某评分项的计算得分，必须写明理由，评分结果中会标注",
        examples=(
            f'"{example.id}": {{score: {plain(example.max)}, reason: 专家核定：写明核定理由}}'
            "   # 示例：评分项编号、核定得分、理由",
        ),
    )


# --- rendering --------------------------------------------------------------------------------


def _data(fields: tuple[Field, ...]) -> dict[str, Any]:
    return {str(f.key): _data(f.children) if f.children is not None else f.value for f in fields}


def _yaml_lines(f: Field, indent: int) -> Iterator[str]:
    pad = " " * indent
    for line in f.heading:
        yield f"{pad}# {line}"
    key = json.dumps(str(f.key)) if f.quoted_key else str(f.key)
    code = f"{pad}{key}:"
    if f.children is None and f.value is not None:
        code += " " + _scalar(f.value)
    yield _with_comment(code, f.comment)
    for child in f.children or ():
        yield from _yaml_lines(child, indent + 2)
    for line in f.examples:
        yield f"{pad}  # {line}"


def _with_comment(code: str, comment: str) -> str:
    if not comment:
        return code
    return f"{code.ljust(_COMMENT_COLUMN)} # {comment}"


def _scalar(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | Decimal):
        return str(value)
    if isinstance(value, list):
        return "[" + ", ".join(_scalar(v) for v in value) + "]"
    # A JSON string is a valid YAML double-quoted scalar.
    return json.dumps(str(value), ensure_ascii=False)


def _first_line(text: str) -> str:
    return text.strip().splitlines()[0] if text.strip() else ""


def _shorten(text: str) -> str:
    text = text.strip().rstrip("。；;")
    return text if len(text) <= _TEXT_MAX else text[: _TEXT_MAX - 1] + "…"
