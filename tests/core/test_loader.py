"""The framework loader: the bundled samr-2022 system as the seeds print it, and the error report an
author of a revised system gets (every problem at once, each at its YAML path, in Chinese)."""

from __future__ import annotations

import copy
import hashlib
import re
from decimal import Decimal
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
import yaml

from demozone.core.errors import FrameworkError, Problem
from demozone.core.framework import (
    AnyOfRule,
    CappedCountRule,
    Indicator,
    RatioBandsRule,
    SubItemsRule,
    ThresholdCountRule,
    WholeJudgmentRule,
    YearlyComparisonRule,
)
from demozone.core.loader import (
    bundled_framework_ids,
    load_bundled,
    load_framework_file,
    load_framework_text,
)
from demozone.core.yamlio import load_yaml

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "frameworks"
SEEDS = Path("/work/shared/seeds")
SEED_000 = SEEDS / "000_2ec7592f03141347.txt"
SEED_002 = SEEDS / "002_72062c051c3ad736.txt"
needs_seeds = pytest.mark.skipif(
    not (SEED_000.exists() and SEED_002.exists()),
    reason="the seed documents are not on this machine",
)
CHINESE = re.compile(r"[\u4e00-\u9fff]")


def _bundled_bytes() -> bytes:
    return (resources.files("demozone.frameworks") / "samr-2022.yaml").read_bytes()


def _bundled_doc() -> Any:
    return load_yaml(_bundled_bytes())


def _plain(value: Any) -> Any:
    """The document with its exact decimals as text, so that ``yaml.safe_dump`` can write it."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, Decimal):
        return str(value)
    return value


def _problems(doc: Any) -> tuple[Problem, ...]:
    with pytest.raises(FrameworkError) as caught:
        load_framework_text(yaml.safe_dump(_plain(doc), allow_unicode=True))
    problems = caught.value.problems
    assert problems, "a FrameworkError always names at least one problem"
    for problem in problems:
        assert CHINESE.search(problem.message), problem
    return problems


def _indicator(doc: Any, level: int, group: int, index: int) -> Any:
    return doc["levels"][level]["children"][group]["indicators"][index]


# --- the bundled system ---------------------------------------------------------------------


def test_bundled_framework_is_fingerprinted_by_the_sha256_of_its_file_bytes() -> None:
    framework = load_bundled()
    assert framework.sha256 == hashlib.sha256(_bundled_bytes()).hexdigest()
    assert (framework.id, framework.version) == ("samr-2022", "2022.1")
    assert "samr-2022" in bundled_framework_ids()


def test_bundled_pass_rule_is_85_points_and_75_percent_per_first_level() -> None:
    framework = load_bundled()
    assert framework.doc.pass_rule.total_min == Decimal(85)
    assert framework.doc.pass_rule.level_rate_min == Decimal("0.75")
    assert framework.max_total == Decimal(100)


# SPEC §2: code, name, points and the indicators of each second-level node.
TREE = {
    ("1", "促进发展", 20): [
        ("1.1", "发展规模", 10, range(1, 6)),
        ("1.2", "发展质量", 10, range(6, 11)),
    ],
    ("2", "规范监管", 25): [
        ("2.1", "完善监管", 15, range(11, 16)),
        ("2.2", "规范执法", 10, range(16, 20)),
    ],
    ("3", "优化服务", 20): [
        ("3.1", "服务网络经营", 11, range(20, 24)),
        ("3.2", "服务网络消费", 9, range(24, 28)),
    ],
    ("4", "探索创新", 20): [
        ("4.1", "创新工作", 12, range(28, 32)),
        ("4.2", "创新效果", 8, range(32, 35)),
    ],
    ("5", "综合保障", 15): [
        ("5.1", "组织机制保障", 7, range(35, 38)),
        ("5.2", "工作基础保障", 8, range(38, 42)),
    ],
}

# SPEC §3: the points of every third-level indicator.
POINTS = dict.fromkeys(range(1, 11), 2) | {
    **dict.fromkeys(range(11, 18), 3),
    18: 2,
    19: 2,
    20: 3,
    21: 2,
    22: 3,
    23: 3,
    24: 2,
    25: 3,
    26: 2,
    27: 2,
    **dict.fromkeys(range(28, 34), 3),
    34: 2,
    35: 2,
    36: 3,
    37: 2,
    38: 2,
    39: 2,
    40: 2,
    41: 2,
}


def test_bundled_tree_has_the_five_ten_and_forty_one_nodes_of_the_spec() -> None:
    framework = load_bundled()
    got = {
        (lv.code, lv.name, lv.points): [
            (g.code, g.name, g.points, [ind.number for ind in g.indicators]) for g in lv.children
        ]
        for lv in framework.levels
    }
    assert got == {
        key: [(c, name, Decimal(p), list(numbers)) for c, name, p, numbers in groups]
        for key, groups in TREE.items()
    }
    assert len(framework.levels) == 5
    assert len(framework.groups) == 10
    assert [ind.number for ind in framework.indicators] == list(range(1, 42))
    assert {ind.number: ind.points for ind in framework.indicators} == {
        n: Decimal(p) for n, p in POINTS.items()
    }
    assert {
        n: (p.level.code, p.group and p.group.code) for n, p in framework.placement.items()
    } == {
        n: (level[0], group[0])
        for level, groups in TREE.items()
        for group in groups
        for n in group[3]
    }


def test_bundled_rules_follow_the_rule_table_of_the_spec() -> None:
    framework = load_bundled()
    kinds = {ind.number: type(ind.rule) for ind in framework.indicators}
    assert {n for n, k in kinds.items() if k is YearlyComparisonRule} == {1, 2, 5, 6}
    assert {n for n, k in kinds.items() if k is RatioBandsRule} == {3, 7, 8, 9}
    assert {n for n, k in kinds.items() if k is ThresholdCountRule} == {4}
    assert {n for n, k in kinds.items() if k is WholeJudgmentRule} == {10, 16, 32, 35}
    assert {n for n, k in kinds.items() if k is AnyOfRule} == {28, 29, 30, 31}
    assert {n for n, k in kinds.items() if k is CappedCountRule} == {34}
    assert all(k is SubItemsRule for n, k in kinds.items() if n in (11, 17, 18, 19, 25, 33, 38))
    rule17 = framework.indicator(17).rule
    assert isinstance(rule17, SubItemsRule)
    assert [cmp.word for cmp in rule17.items[0].all] == ["大于"]
    rule18 = framework.indicator(18).rule
    assert isinstance(rule18, SubItemsRule)
    assert [cmp.word for cmp in rule18.items[0].all] == ["超过", "超过"]


def test_bundled_indicator_17_carries_the_official_sub_item_texts() -> None:
    rule = load_bundled().indicator(17).rule
    assert isinstance(rule, SubItemsRule)
    assert [(s.id, s.text, s.points) for s in rule.items] == [
        ("17.1", "涉网违法案件线索举报按时核查率大于95%", Decimal(1)),
        ("17.2", "上级机关交办、督办的涉网违法案件线索处置及时率和完成率大于90%", Decimal(1)),
        ("17.3", "涉网违法案件行政执法与刑事司法衔接机制有效运行", Decimal(1)),
    ]


def test_bundled_texts_are_spot_checked_literally() -> None:
    framework = load_bundled()
    assert framework.indicator(3).text == (
        "网络交易经营者数量/市场主体数量。占比8%-15%得1分，15%以上得2分。（比值区间均含本数，下同）\n"
        "网络交易经营者主要统计网络交易平台、平台内经营者及自建网站经营者，下同。\n"
    )
    assert (
        framework.indicator(19).name == "运用国家网络交易监管平台，提升涉网案件办理的精准性、有效性"
    )
    assert framework.indicator(34).text == (
        "形成网络市场监管与服务有关法规、规章、规范性文件或标准。（有1项得1分，最高得2分）\n"
    )
    assert framework.indicator(11).nature == "定性+定量"
    assert framework.indicator(38).method == ("资料审查", "专家评估")
    assert framework.indicator(17).sources == (
        "国家12315平台",
        "国家网络交易监管平台",
        "创建对象提供",
    )


_FULL_WIDTH = str.maketrans(
    {",": "，", "(": "（", ")": "）", ";": "；", ":": "：", "“": "", "”": "", '"': ""}
)


def _normalised(text: str) -> str:
    """Seed text without layout: no tags or white space, Chinese punctuation (as the file has)."""
    return re.sub(r"</?p>|\s+", "", text).translate(_FULL_WIDTH)


def _sub_ids(rule: Any) -> list[str]:
    if isinstance(rule, SubItemsRule):
        return [s.id for s in rule.items]
    if isinstance(rule, AnyOfRule):
        return [c.id for c in rule.conditions]
    return []


def _sub_texts(rule: Any) -> list[str]:
    if isinstance(rule, SubItemsRule):
        return [s.text for s in rule.items]
    if isinstance(rule, AnyOfRule):
        return [c.text for c in rule.conditions]
    return []


@needs_seeds
def test_every_name_text_and_sub_item_reads_as_in_seed_002() -> None:
    seed = _normalised(SEED_002.read_text(encoding="utf-8"))
    for ind in load_bundled().indicators:
        assert _normalised(ind.name) in seed, ind.number
        for line in ind.text.strip().splitlines():
            assert _normalised(line) in seed, (ind.number, line)
        for text in _sub_texts(ind.rule):
            assert _normalised(text) in seed, (ind.number, text)


# Where 附件1 (seed 000) words an indicator differently from 附件2 (seed 002).
VARIANTS = {
    (11, "text"),
    (12, "12.1"),
    (12, "12.2"),
    (13, "13.2"),
    (14, "14.2"),
    (21, "21.1"),
    (22, "name"),
    (28, "28.2"),
    (28, "28.3"),
    (29, "29.3"),
    (35, "name"),
    (38, "name"),
    (38, "38.2"),
    (39, "39.2"),
}


def test_the_wordings_of_seed_000_are_recorded_as_variants() -> None:
    framework = load_bundled()
    recorded = {(ind.number, v.field) for ind in framework.indicators for v in ind.variants}
    assert recorded == VARIANTS
    assert {v.source for ind in framework.indicators for v in ind.variants} == {"附件1"}
    by_field = {(ind.number, v.field): v.text for ind in framework.indicators for v in ind.variants}
    assert by_field[(35, "name")] == "加强领导，统筹推动网络市场监管与服务工作"
    assert by_field[(13, "13.2")] == "多部门联合开展网剑行动等网络市场专项整治"
    assert by_field[(11, "text")].startswith("通过国家网络交易监管平台，强化智慧监管")


def _field(ind: Indicator, name: str) -> str:
    if name in ("name", "text"):
        return str(getattr(ind, name))
    return next(
        t for i, t in zip(_sub_ids(ind.rule), _sub_texts(ind.rule), strict=True) if i == name
    )


@needs_seeds
def test_each_variant_is_seed_000_wording_of_a_field_that_differs() -> None:
    seed_000 = _normalised(SEED_000.read_text(encoding="utf-8"))
    for ind in load_bundled().indicators:
        for variant in ind.variants:
            assert _normalised(variant.text) != _normalised(_field(ind, variant.field))
            # Seed 000 is OCR text: a table row can break across pages, so compare the first line.
            first = _normalised(variant.text.strip().splitlines()[0])
            assert first in seed_000, (ind.number, variant.field)


# --- points that do not add up --------------------------------------------------------------


def test_a_group_whose_indicators_do_not_add_up_is_reported_with_its_level() -> None:
    doc = _bundled_doc()
    doc["levels"][1]["children"][0]["points"] = 14  # 完善监管: #11–15 give 15
    assert _problems(doc) == (
        Problem("levels[1].points", "2 规范监管 分值 25 与下级合计 24 不符"),
        Problem("levels[1].children[0].points", "2.1 完善监管 分值 14 与下级合计 15 不符"),
    )


def test_a_level_whose_groups_do_not_add_up_is_reported() -> None:
    doc = _bundled_doc()
    doc["levels"][4]["points"] = 16
    assert _problems(doc) == (Problem("levels[4].points", "5 综合保障 分值 16 与下级合计 15 不符"),)


def test_an_indicator_whose_points_change_breaks_its_group_and_its_sub_items() -> None:
    doc = _bundled_doc()
    _indicator(doc, 1, 1, 1)["points"] = 4  # #17: sub-items still 1 + 1 + 1
    # The level still adds up: it is checked against its groups' declared points.
    assert _problems(doc) == (
        Problem("levels[1].children[1].points", "2.2 规范执法 分值 10 与下级合计 11 不符"),
        Problem(
            "levels[1].children[1].indicators[1].rule.items", "子项分值合计 3 与指标分值 4 不符"
        ),
    )


def test_sub_items_that_do_not_add_up_to_the_indicator_are_reported() -> None:
    doc = _bundled_doc()
    _indicator(doc, 2, 1, 1)["rule"]["items"][2]["points"] = 2  # #25.3
    assert _problems(doc) == (
        Problem(
            "levels[2].children[1].indicators[1].rule.items", "子项分值合计 4 与指标分值 3 不符"
        ),
    )


# --- duplicates and references --------------------------------------------------------------


def test_a_duplicate_indicator_number_is_reported_at_the_second_one() -> None:
    doc = _bundled_doc()
    _indicator(doc, 0, 1, 0)["number"] = 1  # #6 renumbered 1
    assert _problems(doc) == (
        Problem("levels[0].children[1].indicators[0].number", "三级指标编号重复：1"),
    )


def test_a_duplicate_node_code_is_reported_at_the_second_one() -> None:
    doc = _bundled_doc()
    doc["levels"][3]["children"][1]["code"] = "4.1"
    assert _problems(doc) == (Problem("levels[3].children[1].code", "指标编码重复：4.1"),)


def test_a_duplicate_sub_item_id_is_reported() -> None:
    doc = _bundled_doc()
    _indicator(doc, 1, 1, 1)["rule"]["items"][1]["id"] = "17.1"
    assert _problems(doc) == (
        Problem("levels[1].children[1].indicators[1].rule.items[1].id", "子项编号重复：17.1"),
    )


def test_a_rule_naming_a_metric_outside_the_catalogue_is_reported() -> None:
    doc = _bundled_doc()
    _indicator(doc, 0, 0, 2)["rule"]["numerator"] = "online_shops"  # #3
    _indicator(doc, 1, 1, 1)["rule"]["items"][0]["all"][0]["left"]["ratio"][0] = "tips_checked"
    assert _problems(doc) == (
        Problem(
            "levels[0].children[0].indicators[2].rule.numerator",
            "引用了指标项目录中不存在的指标项：online_shops",
        ),
        Problem(
            "levels[1].children[1].indicators[1].rule.items[0].all[0].left.ratio",
            "引用了指标项目录中不存在的指标项：tips_checked",
        ),
    )


def test_a_metric_of_the_wrong_kind_is_reported() -> None:
    doc = _bundled_doc()
    _indicator(doc, 0, 0, 2)["rule"]["denominator"] = "satisfaction"  # a rate, not a count
    assert _problems(doc) == (
        Problem(
            "levels[0].children[0].indicators[2].rule.denominator",
            "指标项 satisfaction 的类型为 rate，此处需要 count",
        ),
    )


# --- schema problems ------------------------------------------------------------------------


def test_a_comparison_word_outside_the_closed_list_is_reported_with_the_choices() -> None:
    doc = _bundled_doc()
    _indicator(doc, 1, 1, 1)["rule"]["items"][0]["all"][0]["word"] = "多于"
    (problem,) = _problems(doc)
    assert problem.path == "levels[1].children[1].indicators[1].rule.items[0].all[0].word"
    assert problem.message.startswith(
        "取值不在允许范围内（实际为 “多于”），可选：超过、大于、高于、以上"
    )


def test_an_unknown_rule_type_is_reported_with_the_known_ones() -> None:
    doc = _bundled_doc()
    _indicator(doc, 3, 1, 0)["rule"] = {"type": "expert_panel"}  # #32
    assert _problems(doc) == (
        Problem(
            "levels[3].children[1].indicators[0].rule",
            "未知的类型 “expert_panel”，可选：yearly_comparison、ratio_bands、threshold_count、"
            "sub_items、any_of、whole_judgment、capped_count",
        ),
    )


def test_an_unknown_key_is_reported_where_it_is_written() -> None:
    doc = _bundled_doc()
    _indicator(doc, 0, 0, 0)["weight"] = 2
    doc["pass_rule"]["total_max"] = 100
    assert set(_problems(doc)) == {
        Problem("levels[0].children[0].indicators[0].weight", "未知字段"),
        Problem("pass_rule.total_max", "未知字段"),
    }


def test_an_unknown_key_in_an_expression_is_reported_once() -> None:
    doc = _bundled_doc()
    _indicator(doc, 1, 0, 0)["rule"]["items"][0]["all"][0]["left"]["scale"] = 2  # #11.1
    assert _problems(doc) == (
        Problem("levels[1].children[0].indicators[0].rule.items[0].all[0].left.scale", "未知字段"),
    )


def test_a_missing_field_and_a_wrong_type_are_reported_together() -> None:
    doc = _bundled_doc()
    del _indicator(doc, 4, 1, 3)["text"]  # #41
    _indicator(doc, 0, 1, 1)["points"] = "两分"  # #7
    assert set(_problems(doc)) == {
        Problem("levels[4].children[1].indicators[3].text", "缺少必填字段"),
        Problem("levels[0].children[1].indicators[1].points", "应为数字"),
    }


def test_a_yaml_syntax_error_gives_the_line_and_column() -> None:
    with pytest.raises(FrameworkError) as caught:
        load_framework_file(FIXTURES / "broken-syntax.yaml")
    (problem,) = caught.value.problems
    assert problem.message.startswith("YAML 语法错误（第 3 行第 7 列）")


def test_a_file_that_is_not_a_mapping_is_rejected() -> None:
    with pytest.raises(FrameworkError) as caught:
        load_framework_file(FIXTURES / "broken-not-a-mapping.yaml")
    assert caught.value.problems == (Problem("", "指标体系文件应为一个映射（键值对）"),)


def test_an_unreadable_file_is_reported_not_raised_as_os_error(tmp_path: Path) -> None:
    with pytest.raises(FrameworkError) as caught:
        load_framework_file(tmp_path / "absent.yaml")
    (problem,) = caught.value.problems
    assert problem.message.startswith("无法读取文件")


def test_an_unknown_bundled_framework_is_reported() -> None:
    with pytest.raises(FrameworkError) as caught:
        load_bundled("samr-2099")
    assert caught.value.problems == (Problem("framework", "未知的指标体系：samr-2099"),)


# --- several problems at once ---------------------------------------------------------------


def test_every_problem_of_a_broken_file_comes_back_in_one_error() -> None:
    with pytest.raises(FrameworkError) as caught:
        load_framework_file(FIXTURES / "broken-many.yaml")
    assert caught.value.problems == (
        Problem("levels[0].points", "A 发展 分值 60 与下级合计 50 不符"),
        Problem(
            "levels[0].indicators[0].rule.denominator",
            "引用了指标项目录中不存在的指标项：enterprises",
        ),
        Problem("levels[0].indicators[1].rule.items", "子项分值合计 15 与指标分值 20 不符"),
        Problem("levels[1].code", "指标编码重复：A"),
        Problem("levels[1].indicators[0].number", "三级指标编号重复：2"),
    )
    described = caught.value.describe()
    assert described.startswith("指标体系文件有误（共 5 处）")
    assert "levels[1].indicators[0].number: 三级指标编号重复：2" in described


def test_several_consistency_problems_of_the_bundled_file_are_reported_together() -> None:
    doc = copy.deepcopy(_bundled_doc())
    doc["levels"][0]["children"][0]["points"] = 11
    _indicator(doc, 0, 1, 0)["number"] = 1
    _indicator(doc, 2, 1, 1)["rule"]["items"][0]["all"][0]["left"]["ratio"][1] = "complaints"
    paths = {p.path for p in _problems(doc)}
    assert paths == {
        "levels[0].points",
        "levels[0].children[0].points",
        "levels[0].children[1].indicators[0].number",
        "levels[2].children[1].indicators[1].rule.items[0].all[0].left.ratio",
    }


def test_several_schema_problems_are_reported_together() -> None:
    doc = _bundled_doc()
    _indicator(doc, 1, 1, 1)["rule"]["items"][0]["all"][0]["word"] = "多于"
    _indicator(doc, 3, 1, 0)["rule"] = {"type": "expert_panel"}
    _indicator(doc, 0, 0, 0)["weight"] = 2
    paths = [p.path for p in _problems(doc)]
    assert paths == [
        "levels[0].children[0].indicators[0].weight",
        "levels[1].children[1].indicators[1].rule.items[0].all[0].word",
        "levels[3].children[1].indicators[0].rule",
    ]


def test_the_unchanged_bundled_document_loads_through_the_same_path() -> None:
    # The mutations above are only meaningful if the round trip itself is clean.
    framework = load_framework_text(yaml.safe_dump(_plain(_bundled_doc()), allow_unicode=True))
    assert [ind.number for ind in framework.indicators] == list(range(1, 42))
