"""`demozone framework show [--json] [--framework ID_OR_PATH]`."""

from __future__ import annotations

import json
import re

from demozone.cli import rule_summary

TWO_LEVEL_FRAMEWORK = """\
id: mini-2026
name: 两级测试指标体系
version: "2026.1"
issued_by: 测试
document: 测试文件
pass_rule: {total_min: 6, level_rate_min: 0.8}
metrics:
  - {id: online_operators, name: 网络交易经营者数量, unit: 户, kind: count, integer: true, part_of: market_entities}
  - {id: market_entities, name: 市场主体数量, unit: 户, kind: count, integer: true}
levels:
  - code: "1"
    name: 发展
    points: 10
    indicators:
      - number: 1
        name: 经营者占比
        points: 5
        nature: 定量
        text: 占比10%以上得5分。
        method: [数据比对]
        sources: [创建对象提供]
        rule: {type: ratio_bands, numerator: online_operators, denominator: market_entities, bands: [{min: 10, points: 5}]}
      - number: 2
        name: 工作机制
        points: 5
        nature: 定性
        text: 建立工作机制。（5分）
        method: [专家评估]
        sources: [创建对象提供]
        rule: {type: whole_judgment, step: 1}
"""


def test_the_tree_shows_levels_groups_and_all_41_indicators(cli, framework):
    result = cli("framework", "show")
    assert result.exit_code == 0
    out = result.stdout
    assert "满分 100 分；合格：总分 ≥ 85 分且每个一级指标得分率 ≥ 75%" in out
    for node in (*framework.levels, *framework.groups):
        assert f"{node.code} {node.name}（" in out
    numbers = {int(n) for n in re.findall(r"(\d+)\. \S", out)}
    assert numbers >= set(range(1, 42))
    assert "1. 网上零售额同比增速（2 分，定量）" in out


def test_rules_are_summarised_in_chinese(cli):
    out = cli("framework", "show").stdout
    assert "逐年比较：本地区网上零售额增速 超过 全国网上零售额增速，每年 1 分" in out
    assert "比值分档：网络交易经营者数量 / 市场主体数量 ≥15% 得 2 分；≥8% 得 1 分" in out
    assert "11.3 为国家网络交易监管平台提供系统接口和应用模型（1 分）— 判定" in out
    assert "符合一项即可得 3 分：" in out
    assert "整体判定：0—2 分，步长 0.5 分" in out
    assert "按数量计分：制度化、标准化成果数每项 1 分，最高 2 分" in out


def test_sub_item_comparisons_name_the_metrics_and_the_word(framework):
    lines = rule_summary(framework, framework.indicator(11))
    assert lines[0] == "分项计分："
    assert lines[1] == (
        "11.1 国家网络交易监管平台用户数超过在编监管人员数50%（1 分）— "
        "国家网络交易监管平台用户数 超过 在编监管人员数 × 50%"
    )
    assert lines[2].endswith(
        "已认领处置的主体身份信息数 / 平台分发的网络交易经营者主体身份信息数 达到 100%"
    )
    four = rule_summary(framework, framework.indicator(4))[0]
    assert "东部 20000万元、中部 10000万元、西部 5000万元" in four
    assert "≥2 家 得 2 分；≥1 家 得 1 分" in four


def test_json_dumps_the_document_with_id_version_and_sha256(cli, framework):
    result = cli("framework", "show", "--json")
    assert result.exit_code == 0
    doc = json.loads(result.stdout)
    assert (doc["id"], doc["version"], doc["sha256"]) == (
        framework.id,
        framework.version,
        framework.sha256,
    )
    assert doc["pass_rule"] == {"total_min": 85, "level_rate_min": 0.75}
    assert [level["points"] for level in doc["levels"]] == [20, 25, 20, 20, 15]
    indicators = [
        ind for level in doc["levels"] for group in level["children"] for ind in group["indicators"]
    ]
    assert len(indicators) == 41
    assert indicators[2]["rule"]["bands"] == [{"min": 15, "points": 2}, {"min": 8, "points": 1}]
    assert "全国网络市场监管与服务示范区创建评估指标体系" in result.stdout  # ensure_ascii=False


def test_a_two_level_framework_file_shows_and_scores(cli, tmp_path, write):
    fw = tmp_path / "两级.yaml"
    fw.write_text(TWO_LEVEL_FRAMEWORK, encoding="utf-8")
    shown = cli("framework", "show", "--framework", fw)
    assert shown.exit_code == 0
    assert "1 发展（10 分）" in shown.stdout and "2. 工作机制（5 分，定性）" in shown.stdout

    doc = {
        "framework": "mini-2026",
        "region": {"name": "测试市", "zone": "west"},
        "years": [2024, 2025],
        "counts": {"online_operators": 20, "market_entities": 100},
        "judgments": {"2": 3},
    }
    table = cli("score", "--framework", fw, write(doc))
    assert table.exit_code == 0, table.stderr
    assert "合计：1 发展" in table.stdout and "小计" not in table.stdout
    assert "结论：达标（总分 8 分）" in table.stdout
    as_json = json.loads(cli("score", "--json", "--framework", fw, write(doc)).stdout)
    assert as_json["total"] == 8 and as_json["groups"] == []


def test_a_broken_framework_file_lists_its_problems_and_exits_2(cli, tmp_path):
    fw = tmp_path / "broken.yaml"
    fw.write_text(TWO_LEVEL_FRAMEWORK.replace("points: 10", "points: 12"), encoding="utf-8")
    result = cli("framework", "show", "--framework", fw)
    assert result.exit_code == 2
    assert "指标体系文件有误" in result.stderr
    assert "分值 12 与下级合计 10 不符" in result.stderr


def test_an_unknown_framework_exits_2(cli):
    result = cli("framework", "show", "--framework", "samr-1999")
    assert result.exit_code == 2
    assert "找不到指标体系 samr-1999" in result.stderr
