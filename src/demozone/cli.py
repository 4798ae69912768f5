"""The ``demozone`` command: the indicator system, input checking, scoring and the blank form.

Works from files alone: nothing here imports Django, so scoring needs no database. Every command
is one function decorated with ``@app.command`` (or on a sub-app added with ``app.add_typer``);
errors are turned into exit codes in one place, :class:`_Group`, for every command alike:
0 done, 2 invalid input (each problem on stderr), 1 anything else (one Chinese line; the
traceback only with ``--debug`` or ``DEMOZONE_DEBUG=1``).
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import sys
import traceback
from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Annotated, Any

import typer
import yaml
from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text
from rich.tree import Tree
from typer import rich_utils
from typer.core import TyperGroup

from demozone import __version__
from demozone.batch import json_error_message, score_lines
from demozone.core.errors import FrameworkError, InputError
from demozone.core.framework import (
    AnyOfRule,
    Band,
    CappedCountRule,
    Comparison,
    CountExpr,
    Expr,
    GrowthMeasure,
    Indicator,
    Node,
    RateExpr,
    RatioBandsRule,
    RatioExpr,
    ShareMeasure,
    SubItemsRule,
    ThresholdCountRule,
    ValueExpr,
    WholeJudgmentRule,
    YearlyComparisonRule,
)
from demozone.core.inputs import ZONE_NAMES, ZONES, EvaluationInput, parse_input
from demozone.core.loader import (
    Framework,
    bundled_framework_ids,
    load_bundled,
    load_framework_file,
)
from demozone.core.scorecard import STATUS_NAMES, IndicatorResult, Scorecard
from demozone.core.scoring import score
from demozone.core.yamlio import load_yaml
from demozone.template import SCOPE_NAMES, build_template, default_years

EXIT_INVALID = 2
EXIT_FAILURE = 1
# Piped output has no terminal width; the score table needs room for its reasons.
_PIPE_WIDTH = 160
_STATUS_STYLES = {
    "scored": "green",
    "missing": "yellow",
    "needs_review": "magenta",
    "overridden": "cyan",
}


class CliError(Exception):
    """A failure the CLI reports as Chinese lines on stderr with an exit code, no traceback."""

    def __init__(self, *lines: str, code: int = EXIT_INVALID) -> None:
        super().__init__("\n".join(lines))
        self.lines = lines
        self.code = code


class _Group(TyperGroup):
    """Turns every command's errors into exit codes and Chinese messages."""

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except (typer.Exit, typer.Abort, typer.TyperException, BrokenPipeError):
            raise
        except CliError as exc:
            _error(*exc.lines)
            raise typer.Exit(exc.code) from None
        except (InputError, FrameworkError) as exc:
            _error(exc.describe())
            raise typer.Exit(EXIT_INVALID) from None
        except Exception as exc:
            debug = bool(ctx.params.get("debug")) or _debug_from_env()
            if debug:
                traceback.print_exception(exc, file=sys.stderr)
            hint = "" if debug else "（加 --debug 或设置环境变量 DEMOZONE_DEBUG=1 可查看详细信息）"
            _error(f"demozone 运行出错：{type(exc).__name__}: {exc}{hint}")
            raise typer.Exit(EXIT_FAILURE) from None


app = typer.Typer(
    cls=_Group,
    name="demozone",
    help="示范区创建评估平台命令行工具：查看指标体系、校验评估数据、评分、生成报告与填报模板。",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
framework_app = typer.Typer(
    help="指标体系（评估指标、分值与计分规则）。", no_args_is_help=True, add_completion=False
)
app.add_typer(framework_app, name="framework")

FrameworkOption = Annotated[
    str | None,
    typer.Option(
        "--framework",
        metavar="编号或文件",
        help="指标体系：内置编号（如 samr-2022）或指标体系 YAML 文件路径；默认为评估数据中 framework 字段指定的内置指标体系，否则为 samr-2022。",
        show_default=False,
    ),
]
BareFrameworkOption = Annotated[
    str | None,
    typer.Option(
        "--framework",
        metavar="编号或文件",
        help="指标体系：内置编号（如 samr-2022）或指标体系 YAML 文件路径；默认为 samr-2022。",
        show_default=False,
    ),
]


def _debug_from_env() -> bool:
    return os.environ.get("DEMOZONE_DEBUG", "").strip().lower() in ("1", "true", "yes", "on")


def _version(value: bool) -> None:
    if value:
        typer.echo(f"demozone {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    debug: Annotated[
        bool,
        typer.Option(
            "--debug", help="出错时显示完整的错误堆栈（也可设置环境变量 DEMOZONE_DEBUG=1）。"
        ),
    ] = False,
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="显示版本号并退出。"),
    ] = False,
) -> None:
    """示范区创建评估平台命令行工具：查看指标体系、校验评估数据、评分、生成填报模板。"""


# --- output helpers -----------------------------------------------------------------------------


def _error(*lines: str) -> None:
    for line in lines:
        typer.echo(line, err=True)


def _console() -> Console:
    console = Console(highlight=False, soft_wrap=False)
    if not console.is_terminal and not os.environ.get("COLUMNS"):
        console = Console(highlight=False, soft_wrap=False, width=_PIPE_WIDTH)
    return console


def _write(text: str) -> None:
    sys.stdout.write(text)
    sys.stdout.flush()


def _json_default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    raise TypeError(f"无法转换为 JSON：{type(value).__name__}")


def fmt(value: Decimal) -> str:
    """A score for display: at most 2 decimals, no trailing zeros (SPEC §8)."""
    value = value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def _percent(rate: Decimal) -> str:
    """A computed rate: always 2 decimals."""
    return format((rate * 100).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP), "f") + "%"


def _threshold(rate: Decimal) -> str:
    """A rate the framework sets (75%): as written."""
    return fmt(rate * 100) + "%"


# --- loading ------------------------------------------------------------------------------------


def resolve_framework(option: str | None) -> Framework:
    """The bundled framework of that id, or the framework file at that path."""
    if option is None:
        return load_bundled()
    ids = bundled_framework_ids()
    if option in ids:
        return load_bundled(option)
    path = Path(option)
    if path.is_file():
        return load_framework_file(path)
    raise CliError(
        f"找不到指标体系 {option}：既不是内置指标体系（{'、'.join(ids)}），也不是存在的文件"
    )


_OS_REASONS = {
    errno.ENOENT: "文件或目录不存在",
    errno.EACCES: "没有访问权限",
    errno.EPERM: "没有访问权限",
    errno.EISDIR: "这是一个目录，不是文件",
    errno.ENOTDIR: "路径中有一段不是目录",
    errno.ENOSPC: "磁盘空间不足",
    errno.EROFS: "文件系统只读",
    errno.ENAMETOOLONG: "文件名过长",
}


def os_reason(exc: OSError) -> str:
    """Why a file operation failed, in Chinese where the reason is a common one."""
    return _OS_REASONS.get(exc.errno or 0, exc.strerror or str(exc))


class UnreadableFile(Exception):
    """The file cannot be read or parsed; the message is Chinese and names the file."""


_YAML_PROBLEMS = {
    "mapping values are not allowed here": "此处不能出现“键: 值”（常见原因：缩进不对，或值中含有英文冒号加空格，可给值加引号）",
    "could not find expected ':'": "缺少英文冒号“:”",
    "found character '\\t' that cannot start any token": "不能用制表符（Tab）缩进，请改用空格",
    "did not find expected key": "缩进不一致或缺少键名",
    "did not find expected ',' or ']'": "列表缺少英文逗号或右方括号“]”",
    "did not find expected ',' or '}'": "映射缺少英文逗号或右花括号“}”",
    "found unexpected end of stream": "文件意外结束（引号或括号未闭合）",
    "found duplicate anchor; first occurrence": "锚点重复",
}


def read_document(path: Path) -> Any:
    """A YAML or JSON file (by extension) parsed with exact decimals."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise UnreadableFile(f"无法读取 {path}：{os_reason(exc)}") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise UnreadableFile(
            f"无法读取 {path}：不是 UTF-8 编码的文本（第 {line} 行有无法识别的字节），请另存为 UTF-8 编码"
        ) from None
    if not text.strip():
        raise UnreadableFile(f"{path} 是空文件")
    if path.suffix.lower() == ".json":
        try:
            return json.loads(text, parse_float=Decimal)
        except (ValueError, RecursionError) as exc:
            raise UnreadableFile(f"{path} {json_error_message(exc)}") from None
    try:
        return load_yaml(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f"第 {mark.line + 1} 行第 {mark.column + 1} 列，" if mark else ""
        problem = exc.problem or exc.context or ""
        why = _YAML_PROBLEMS.get(problem, problem)
        raise UnreadableFile(f"{path} 不是有效的 YAML：{where}{why}") from None
    except (yaml.YAMLError, RecursionError) as exc:
        raise UnreadableFile(f"{path} 不是有效的 YAML：{exc}") from None


def _framework_for(data: Any, option: str | None) -> Framework:
    if option is not None:
        return resolve_framework(option)
    named = data.get("framework") if isinstance(data, Mapping) else None
    if isinstance(named, str) and named in bundled_framework_ids():
        return load_bundled(named)
    return load_bundled()


@dataclass(frozen=True)
class Loaded:
    path: Path
    framework: Framework
    data: EvaluationInput


def load_input(path: Path, framework_option: str | None) -> Loaded:
    """Read, parse and check one input file; raises UnreadableFile or InputError."""
    document = read_document(path)
    framework = _framework_for(document, framework_option)
    return Loaded(path, framework, parse_input(document, framework))


def _load_all(paths: list[Path], framework_option: str | None) -> list[Loaded]:
    """Every file checked before anything is printed: all problems of all files at once."""
    loaded: list[Loaded] = []
    problems: list[str] = []
    for path in paths:
        try:
            loaded.append(load_input(path, framework_option))
        except UnreadableFile as exc:
            problems.append(str(exc))
        except InputError as exc:
            problems.extend(_problem_lines(path, exc))
    if problems:
        raise CliError(*problems)
    return loaded


def _problem_lines(path: Path, exc: InputError) -> list[str]:
    return [
        f"{path}：评估数据有误（共 {len(exc.problems)} 处）：",
        *(f"  - {problem}" for problem in exc.problems),
    ]


# --- rules in words -----------------------------------------------------------------------------


def _measure_text(framework: Framework, m: GrowthMeasure | ShareMeasure) -> str:
    name = framework.metrics[m.metric].name
    if isinstance(m, GrowthMeasure):
        return f"{SCOPE_NAMES[m.scope]}{name}增速"
    return f"{SCOPE_NAMES[m.scope]}{name}占{framework.metrics[m.of].name}比重"


def _expr_text(framework: Framework, e: Expr, percent: bool) -> str:
    if isinstance(e, CountExpr):
        name = framework.metrics[e.count].name
        return name if e.times == 1 else f"{name} × {fmt(e.times * 100)}%"
    if isinstance(e, RatioExpr):
        return " / ".join(framework.metrics[m].name for m in e.ratio)
    if isinstance(e, RateExpr):
        return f"{SCOPE_NAMES[e.scope]}{framework.metrics[e.rate].name}"
    assert isinstance(e, ValueExpr)
    return f"{fmt(e.value)}{'%' if percent else ''}"


def _comparison_text(framework: Framework, cmp: Comparison) -> str:
    percent = any(isinstance(e, RatioExpr | RateExpr) for e in (cmp.left, cmp.right))
    left = _expr_text(framework, cmp.left, percent)
    right = _expr_text(framework, cmp.right, percent)
    return f"{left} {cmp.word} {right}"


def _bands_text(bands: tuple[Band, ...], unit: str) -> str:
    return "；".join(f"≥{fmt(b.min)}{unit} 得 {fmt(b.points)} 分" for b in bands)


def rule_summary(framework: Framework, ind: Indicator) -> list[str]:
    """An indicator's scoring rule in Chinese: a headline, then one line per sub-item."""
    rule = ind.rule
    if isinstance(rule, YearlyComparisonRule):
        what = "增速" if isinstance(rule.left, GrowthMeasure) else "占比"
        stated = f"（有公布的{what}时优先采用）" if rule.left.stated or rule.right.stated else ""
        return [
            f"逐年比较：{_measure_text(framework, rule.left)} {rule.word} "
            f"{_measure_text(framework, rule.right)}，每年 {fmt(rule.points_per_year)} 分{stated}"
        ]
    if isinstance(rule, RatioBandsRule):
        names = [framework.metrics[m].name for m in (rule.numerator, rule.denominator)]
        return [f"比值分档：{names[0]} / {names[1]} {_bands_text(rule.bands, '%')}"]
    if isinstance(rule, ThresholdCountRule):
        thresholds = "、".join(
            f"{ZONE_NAMES[zone]} {fmt(value)}{rule.unit}" for zone, value in rule.thresholds.items()
        )
        return [
            f"计数分档：评估年度内年度电子商务销售额达到所在地区门槛（{thresholds}）的网络交易经营者"
            f" {_bands_text(rule.bands, ' 家')}"
        ]
    if isinstance(rule, SubItemsRule):
        lines = ["分项计分："]
        for sub in rule.items:
            how = (
                "判定"
                if sub.judgment
                else "；".join(_comparison_text(framework, c) for c in sub.all)
            )
            lines.append(f"{sub.id} {sub.text}（{fmt(sub.points)} 分）— {how}")
        return lines
    if isinstance(rule, AnyOfRule):
        lines = [f"符合一项即可得 {fmt(ind.points)} 分："]
        for cond in rule.conditions:
            how = (
                "判定"
                if cond.judgment
                else "；".join(_comparison_text(framework, c) for c in cond.all)
            )
            lines.append(f"{cond.id} {cond.text} — {how}")
        return lines
    if isinstance(rule, WholeJudgmentRule):
        return [f"整体判定：0—{fmt(ind.points)} 分，步长 {fmt(rule.step)} 分"]
    assert isinstance(rule, CappedCountRule)
    metric = framework.metrics[rule.metric]
    return [
        f"按数量计分：{metric.name}每{metric.unit} {fmt(rule.points_per_unit)} 分，"
        f"最高 {fmt(ind.points)} 分"
    ]


# --- framework show -----------------------------------------------------------------------------


def framework_json(framework: Framework) -> dict[str, Any]:
    doc = framework.doc.model_dump()
    return {
        "id": framework.id,
        "version": framework.version,
        "sha256": framework.sha256,
        **{k: v for k, v in doc.items() if k not in ("id", "version")},
    }


def _framework_tree(framework: Framework) -> Tree:
    rule = framework.doc.pass_rule
    root = Tree(
        Text.assemble(
            (framework.name, "bold"),
            f"（{framework.id}，版本 {framework.version}）\n",
            (
                f"满分 {fmt(framework.max_total)} 分；合格：总分 ≥ {fmt(rule.total_min)} 分"
                f"且每个一级指标得分率 ≥ {_threshold(rule.level_rate_min)}；"
                f"三级指标 {len(framework.indicators)} 个",
                "dim",
            ),
        )
    )

    def add(parent: Tree, node: Node, depth: int) -> None:
        style = "bold" if depth == 0 else "bold cyan"
        branch = parent.add(Text(f"{node.code} {node.name}（{fmt(node.points)} 分）", style=style))
        for child in node.children:
            add(branch, child, depth + 1)
        for ind in node.indicators:
            leaf = branch.add(
                Text.assemble(
                    (f"{ind.number}. {ind.name}", "bold"),
                    f"（{fmt(ind.points)} 分，{ind.nature}）",
                )
            )
            summary = rule_summary(framework, ind)
            head = leaf.add(Text(summary[0], style="green"))
            for line in summary[1:]:
                head.add(Text(line))
            leaf.add(
                Text(
                    f"评价方式：{'、'.join(ind.method)}；数据来源：{'、'.join(ind.sources)}",
                    style="dim",
                )
            )

    for level in framework.levels:
        add(root, level, 0)
    return root


@framework_app.command("show")
def framework_show(
    as_json: Annotated[
        bool, typer.Option("--json", help="输出指标体系文件内容（JSON），含 id、version、sha256。")
    ] = False,
    framework: BareFrameworkOption = None,
) -> None:
    """显示指标体系：一级、二级指标与三级指标，分值、性质和计分规则。"""
    fw = resolve_framework(framework)
    if as_json:
        _write(
            json.dumps(framework_json(fw), ensure_ascii=False, indent=2, default=_json_default)
            + "\n"
        )
        return
    _console().print(_framework_tree(fw))


# --- validate -----------------------------------------------------------------------------------


@app.command("validate")
def validate(
    file: Annotated[
        Path, typer.Argument(help="评估数据文件（.yaml/.yml 或 .json）。", show_default=False)
    ],
    framework: FrameworkOption = None,
) -> None:
    """校验评估数据文件：列出全部问题（字段路径: 说明），无问题时显示“校验通过”。"""
    try:
        loaded = load_input(file, framework)
    except UnreadableFile as exc:
        raise CliError(str(exc)) from None
    except InputError as exc:
        raise CliError(*_problem_lines(file, exc)) from None
    data = loaded.data
    card = score(loaded.framework, data)
    pending = sum(
        1
        for ind in card.indicators
        for item in ind.items
        if item.status in ("missing", "needs_review")
    )
    lines = [
        f"校验通过：{file}",
        f"  地区：{data.region}（{ZONE_NAMES[data.zone]}），评估年度：{data.years[0]}—{data.years[1]}，"
        f"指标体系：{loaded.framework.id}",
    ]
    if pending:
        lines.append(
            f"  尚有 {pending} 个评分项缺数据或待判定；运行 demozone score {file} 查看得分与差距。"
        )
    typer.echo("\n".join(lines))


# --- score --------------------------------------------------------------------------------------


@app.command("score")
def score_command(
    files: Annotated[
        list[Path] | None,
        typer.Argument(help="评估数据文件（.yaml/.yml 或 .json），可给多个。", show_default=False),
    ] = None,
    as_json: Annotated[
        bool,
        typer.Option("--json", help="输出评分结果 JSON（多个文件时为按参数顺序排列的数组）。"),
    ] = False,
    jsonl: Annotated[
        str | None,
        typer.Option(
            "--jsonl",
            metavar="文件|-",
            help="批量评分：每行一个 JSON 评估数据（- 表示标准输入），每行输出一个评分结果 JSON。",
            show_default=False,
        ),
    ] = None,
    framework: FrameworkOption = None,
) -> None:
    """评分：逐项得分、一级/二级指标小计、总分、是否达标与差距。"""
    if jsonl is not None:
        if files:
            raise CliError("--jsonl 不能与评估数据文件同时使用")
        _score_jsonl(jsonl, framework)
        return
    if not files:
        raise CliError(
            "请给出至少一个评估数据文件，或用 --jsonl 批量评分（demozone score --help 查看用法）"
        )
    cards = [(item, score(item.framework, item.data)) for item in _load_all(files, framework)]
    if as_json:
        docs = [card.to_dict() for _, card in cards]
        out = docs[0] if len(docs) == 1 else docs
        _write(json.dumps(out, ensure_ascii=False, indent=2) + "\n")
        return
    console = _console()
    for i, (item, card) in enumerate(cards):
        if i:
            console.print()
            console.rule(style="dim")
            console.print()
        render_scorecard(console, card, item.framework, str(item.path))


def _score_jsonl(source: str, framework_option: str | None) -> None:
    framework = resolve_framework(framework_option)
    if source == "-":
        stream = getattr(sys.stdin, "buffer", sys.stdin)
        result = score_lines(stream, sys.stdout, framework)
    else:
        path = Path(source)
        try:
            handle = path.open("rb")
        except OSError as exc:
            raise CliError(f"无法读取 {path}：{os_reason(exc)}") from None
        with handle:
            result = score_lines(handle, sys.stdout, framework)
    sys.stdout.flush()
    if not result.ok:
        raise CliError(
            f"批量评分：{result.scored} 行已评分，{result.failed} 行数据有误"
            "（见输出中带 line 与 errors 的行）"
        )


# --- the score table ----------------------------------------------------------------------------


def _status_text(status: str) -> Text:
    return Text(STATUS_NAMES.get(status, status), style=_STATUS_STYLES.get(status, ""))


def _reasons(ind: IndicatorResult) -> Text:
    single = len(ind.items) == 1 and ind.items[0].id == str(ind.number)
    lines = [item.reason if single else f"{item.id} {item.reason}" for item in ind.items]
    return Text("\n".join(lines))


def render_scorecard(console: Console, card: Scorecard, framework: Framework, source: str) -> None:
    console.print(
        Text.assemble(
            (card.region, "bold"),
            f" · 评估年度 {card.years[0]}—{card.years[1]} · {framework.name}"
            f"（{card.framework_id}，版本 {card.framework_version}）",
        )
    )
    if source:
        console.print(Text(f"数据文件：{source}", style="dim"))
    console.print(_score_table(card, framework))
    for line in _summary(card):
        console.print(line)


def _score_table(card: Scorecard, framework: Framework) -> Table:
    table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, expand=False)
    table.add_column("编号", no_wrap=True)
    table.add_column("指标", max_width=26, overflow="fold")
    table.add_column("得分", justify="right", no_wrap=True)
    table.add_column("满分", justify="right", no_wrap=True)
    table.add_column("状态", no_wrap=True)
    table.add_column("说明", min_width=40, ratio=1, overflow="fold")
    groups = {g.code: g for g in card.groups}
    levels = {lv.code: lv for lv in card.levels}
    results = {ind.number: ind for ind in card.indicators}
    rate_min = framework.doc.pass_rule.level_rate_min

    def rows(node: Node, depth: int) -> None:
        kind = "一级指标" if depth == 0 else ("二级指标" if depth == 1 else "指标")
        style = "bold" if depth == 0 else "bold cyan"
        table.add_row(node.code, Text(f"{node.name}（{kind}）", style=style), "", "", "", "")
        for child in node.children:
            rows(child, depth + 1)
        for ind in node.indicators:
            result = results[ind.number]
            table.add_row(
                str(ind.number),
                result.name,
                fmt(result.score),
                fmt(result.max),
                _status_text(result.status),
                _reasons(result),
            )
        if depth == 0:
            level = levels[node.code]
            ok = level.rate_ok
            note = (
                f"得分率 {_percent(level.rate)}，达到 {_threshold(rate_min)}"
                if ok
                else f"得分率 {_percent(level.rate)}，低于 {_threshold(rate_min)}，还差 {fmt(level.shortfall)} 分"
            )
            table.add_row(
                "",
                Text(f"合计：{node.code} {node.name}", style="bold"),
                Text(fmt(level.score), style="bold"),
                Text(fmt(level.max), style="bold"),
                Text("达到" if ok else "未达到", style="bold green" if ok else "bold red"),
                Text(note, style="green" if ok else "red"),
                end_section=True,
            )
        else:
            group = groups[node.code]
            table.add_row(
                "",
                Text(f"小计：{node.code} {node.name}", style="italic"),
                Text(fmt(group.score), style="italic"),
                Text(fmt(group.max), style="italic"),
                "",
                "",
            )

    for level in framework.levels:
        rows(level, 0)
    table.add_row(
        "",
        Text("总分", style="bold"),
        Text(fmt(card.total), style="bold"),
        Text(fmt(card.max_total), style="bold"),
        "",
        Text(f"合格线 {fmt(card.total_min)} 分", style="dim"),
    )
    return table


def _summary(card: Scorecard) -> Iterator[Text]:
    yield Text()
    if card.passed:
        yield Text.assemble("结论：", ("达标", "bold green"), f"（总分 {fmt(card.total)} 分）")
    else:
        failed = []
        if not card.total_ok:
            failed.append(f"总分 {fmt(card.total)} < {fmt(card.total_min)}")
        failed.extend(
            f"{lv.name}得分率 {_percent(lv.rate)} < {_threshold(lv.rate_min)}"
            for lv in card.levels
            if not lv.rate_ok
        )
        yield Text.assemble(
            "结论：", ("未达标", "bold red"), "（", ("；".join(failed), "red"), "）"
        )
        gaps = []
        if card.total_shortfall:
            gaps.append(f"总分还差 {fmt(card.total_shortfall)} 分")
        gaps.extend(f"{lv.name}还差 {fmt(lv.shortfall)} 分" for lv in card.levels if lv.shortfall)
        yield Text(f"差距：{'；'.join(gaps)}")
    counts: Counter[str] = Counter(item.status for ind in card.indicators for item in ind.items)
    tally = "，".join(
        f"{STATUS_NAMES[status]} {counts[status]} 项" for status in STATUS_NAMES if counts[status]
    )
    yield Text(f"评分项：{tally}", style="dim")
    if counts["missing"] or counts["needs_review"]:
        yield Text("缺数据和待人工判定的评分项暂计 0 分；补齐后得分只会提高。", style="dim")
    if card.warnings:
        yield Text("提示：", style="bold yellow")
        for warning in card.warnings:
            yield Text(f"  - {warning}", style="yellow")


# --- template -----------------------------------------------------------------------------------


@app.command("template")
def template_command(
    *,
    fmt_: Annotated[
        str | None,
        typer.Option(
            "--format",
            metavar="yaml|json",
            help="模板格式；默认按 --out 的扩展名，否则为 yaml（带中文注释）。",
            show_default=False,
        ),
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option("--out", help="写入的文件；省略时输出到屏幕。", show_default=False),
    ] = None,
    years: Annotated[
        tuple[int, int] | None,
        typer.Option(
            "--years",
            metavar="年 年",
            help="两个连续的评估年度，如 --years 2024 2025；默认为上两个完整年度。",
            show_default=False,
        ),
    ] = None,
    region: Annotated[str, typer.Option("--region", help="预填地区名称。")] = "",
    zone: Annotated[
        str, typer.Option("--zone", help="预填所属地带：east 东部 / central 中部 / west 西部。")
    ] = "east",
    force: Annotated[bool, typer.Option("--force", help="覆盖已存在的 --out 文件。")] = False,
    framework: BareFrameworkOption = None,
) -> None:
    """生成空白的评估数据填报模板：指标体系所需的全部字段，每个字段附中文说明。"""
    chosen = (fmt_ or ("json" if out and out.suffix.lower() == ".json" else "yaml")).lower()
    problems = []
    if chosen not in ("yaml", "json"):
        problems.append(f"--format 应为 yaml 或 json，实际为 {fmt_}")
    if zone not in ZONES:
        problems.append(f"--zone 应为 east（东部）、central（中部）或 west（西部），实际为 {zone}")
    if years is not None and years[1] != years[0] + 1:
        problems.append(f"--years 应为两个连续且按先后排列的年度，实际为 {years[0]} {years[1]}")
    if out is not None and out.exists() and not force:
        problems.append(f"{out} 已存在；如需覆盖请加 --force")
    if problems:
        raise CliError(*problems)
    fw = resolve_framework(framework)
    template = build_template(fw, years or default_years(), region=region.strip(), zone=zone)
    text = template.to_json() if chosen == "json" else template.to_yaml()
    if out is None:
        _write(text)
        return
    _write_atomically(out, text)
    y0, y1 = template.years
    typer.echo(f"已生成填报模板：{out}（{chosen.upper()}，评估年度 {y0}—{y1}）")


def _write_atomically(path: Path, text: str) -> None:
    # A temporary file renamed over the target: an interrupted run never leaves half a form.
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        tmp.write_text(text, encoding="utf-8")
        tmp.replace(path)
    except OSError as exc:
        with contextlib.suppress(OSError):
            tmp.unlink(missing_ok=True)
        raise CliError(f"无法写入 {path}：{os_reason(exc)}", code=EXIT_FAILURE) from None


# --- report -------------------------------------------------------------------------------------


@app.command("report")
def report_command(
    file: Annotated[
        Path, typer.Argument(help="评估数据文件（.yaml/.yml 或 .json）。", show_default=False)
    ],
    *,
    fmt_: Annotated[
        str | None,
        typer.Option(
            "--format",
            metavar="docx|xlsx|pdf",
            help="文档格式：docx 自评报告、xlsx 评分工作簿、pdf 自评报告；默认按 --out 的扩展名。",
            show_default=False,
        ),
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option("--out", help="写入的文件；省略时按地区与日期命名，写到当前目录。"),
    ] = None,
    issuer: Annotated[
        str | None,
        typer.Option(
            "--issuer",
            help="发文机关；默认为“{地区}创建全国网络市场监管与服务示范区工作领导小组办公室”。",
        ),
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="覆盖已存在的 --out 文件。")] = False,
    framework: FrameworkOption = None,
) -> None:
    """由评估数据文件生成自评报告（.docx / .pdf，按 GB/T 9704 版式）或评分工作簿（.xlsx），无需数据库。"""
    # Imported here: the document libraries are heavy and score/validate do not need them.
    from demozone.reports.context import ReportError, context_from_input  # noqa: PLC0415
    from demozone.reports.render import FORMATS, default_filename, render, write_file  # noqa: PLC0415

    chosen = (fmt_ or (out.suffix.lstrip(".") if out and out.suffix else "docx")).lower()
    if chosen not in FORMATS:
        raise CliError(f"--format 应为 {'、'.join(FORMATS)} 之一，实际为 {fmt_ or chosen}")
    if out is not None and out.exists() and not force:
        raise CliError(f"{out} 已存在；如需覆盖请加 --force")
    try:
        loaded = load_input(file, framework)
    except UnreadableFile as exc:
        raise CliError(str(exc)) from None
    except InputError as exc:
        raise CliError(*_problem_lines(file, exc)) from None
    try:
        ctx = context_from_input(loaded.framework, loaded.data, issuer=issuer)
        target = out or Path(default_filename(ctx, chosen))
        if out is None and target.exists() and not force:
            raise CliError(f"{target} 已存在；如需覆盖请加 --force 或用 --out 指定文件")
        write_file(target, render(ctx, chosen))
    except ReportError as exc:
        raise CliError(*(str(p) for p in exc.problems), code=EXIT_FAILURE) from None
    typer.echo(f"已生成{FORMATS[chosen]}：{target}")


# --- the web platform ---------------------------------------------------------------------------


@app.command(
    "manage",
    context_settings={"allow_extra_args": True, "ignore_unknown_options": True},
    add_help_option=False,
)
def manage(ctx: typer.Context) -> None:
    """运行 Web 平台的管理命令（Django），如 bootstrap、serve、create_campaign、export_campaign。"""
    # Imported here so that scoring and validation never load Django.
    from demozone.web.manage import main as manage_main  # noqa: PLC0415

    raise typer.Exit(manage_main(list(ctx.args)))


# --- entry point --------------------------------------------------------------------------------


def _chinese_help_panels() -> None:
    # typer reads these module constants when it renders --help.
    rich_utils.ARGUMENTS_PANEL_TITLE = "参数"
    rich_utils.OPTIONS_PANEL_TITLE = "选项"
    rich_utils.COMMANDS_PANEL_TITLE = "命令"
    rich_utils.ERRORS_PANEL_TITLE = "错误"


def main() -> None:
    """The ``demozone`` console script."""
    _chinese_help_panels()
    app(prog_name="demozone")
