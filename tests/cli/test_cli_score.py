"""`demozone score FILE... [--json]`: the table, the verdict, the JSON and the exit codes."""

from __future__ import annotations

import json
import re
import shutil
from decimal import Decimal
from importlib import resources

from demozone.cli import fmt
from demozone.core.inputs import parse_input
from demozone.core.scoring import score


def _card(doc, framework):
    return score(framework, parse_input(doc, framework))


def test_the_table_shows_every_indicator_with_subtotals_total_and_verdict(cli, write, sample_doc):
    result = cli("score", write(sample_doc))
    assert result.exit_code == 0, result.stderr
    out = result.stdout
    for header in ("编号", "指标", "得分", "满分", "状态", "说明"):
        assert header in out
    assert "盐城市" in out and "2022—2023" in out
    for group in ("小计：1.1 发展规模", "小计：5.2 工作基础保障"):
        assert group in out
    assert "合计：2 规范监管" in out and "还差 9.75 分" in out
    assert re.search(r"总分\s+33\s+100\s+合格线 85 分", out)
    assert "未达标" in out and "总分 33 < 85" in out
    assert "差距：总分还差 52 分" in out
    # the reasons of the items, each sub-item named by its id
    assert "11.1 国家网络交易监管平台用户数 320" in out
    assert "人工核定 1 分" in out


def test_every_one_of_the_41_indicator_rows_is_printed(cli, write, sample_doc, framework):
    out = cli("score", write(sample_doc)).stdout
    rows = {line.split()[0] for line in out.splitlines() if line.strip()}
    assert {str(ind.number) for ind in framework.indicators} <= rows


def test_a_level_below_its_rate_is_named_even_when_the_total_reaches_85(
    cli, write, level_failing_doc
):
    result = cli("score", write(level_failing_doc))
    assert result.exit_code == 0
    assert re.search(r"总分\s+91\s+100", result.stdout)
    assert "未达标（促进发展得分率 60.00% < 75%）" in result.stdout
    assert "总分 91 < 85" not in result.stdout


def test_a_passing_input_is_reported_as_passed(cli, write, passing_doc):
    result = cli("score", write(passing_doc))
    assert result.exit_code == 0
    assert "结论：达标（总分 94 分）" in result.stdout
    assert "未达标" not in result.stdout


def test_json_output_is_the_scorecard_dict(cli, write, sample_doc, framework):
    result = cli("score", write(sample_doc), "--json")
    assert result.exit_code == 0
    assert json.loads(result.stdout) == _card(sample_doc, framework).to_dict()
    assert "盐城市" in result.stdout  # ensure_ascii=False
    assert result.stdout.startswith('{\n  "framework"')  # indent=2


def test_a_json_input_file_scores_like_the_same_yaml_file(cli, write, sample_doc):
    from_yaml = cli("score", write(sample_doc, "a.yaml"), "--json").stdout
    from_json = cli("score", write(sample_doc, "a.json"), "--json").stdout
    assert json.loads(from_json) == json.loads(from_yaml)


def test_several_files_give_one_json_array_in_argument_order(
    cli, write, sample_doc, passing_doc, framework
):
    other = dict(sample_doc, region={"name": "南通市", "zone": "east"})
    paths = [write(passing_doc, "b.yaml"), write(other, "a.json"), write(sample_doc, "c.yaml")]
    result = cli("score", "--json", *paths)
    assert result.exit_code == 0
    cards = json.loads(result.stdout)
    assert [c["region"] for c in cards] == ["盐城市", "南通市", "盐城市"]
    assert [c["passed"] for c in cards] == [True, False, False]
    assert cards[0] == _card(passing_doc, framework).to_dict()


def test_several_files_without_json_print_one_table_each(cli, write, sample_doc, passing_doc):
    result = cli("score", write(sample_doc, "a.yaml"), write(passing_doc, "b.yaml"))
    assert result.exit_code == 0
    assert result.stdout.count("合计：1 促进发展") == 2
    assert result.stdout.index("未达标") < result.stdout.index("结论：达标")


def test_file_paths_may_contain_chinese(cli, write, sample_doc):
    path = write(sample_doc, "盐城/自评数据.yaml")
    result = cli("score", path)
    assert result.exit_code == 0
    assert "自评数据.yaml" in result.stdout


def test_a_bad_file_lists_every_problem_on_stderr_and_exits_2(cli, write, sample_doc):
    sample_doc["countz"] = {}
    sample_doc["counts"]["online_operators"] = -5
    sample_doc["counts"]["tips_verified_on_time"] = 1200
    sample_doc["counts"]["tips_total"] = 1100
    path = write(sample_doc)
    result = cli("score", path)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert str(path) in result.stderr
    assert "countz: 未知字段" in result.stderr
    assert "counts.online_operators: 应为不小于 0 的数字，实际为 -5" in result.stderr
    assert "counts.tips_verified_on_time: 不能大于 counts.tips_total (1200 > 1100)" in result.stderr
    assert "Traceback" not in result.output


def test_one_bad_file_among_several_prints_no_scorecard(cli, write, sample_doc, tmp_path):
    good = write(sample_doc, "good.yaml")
    missing = tmp_path / "nope.yaml"
    result = cli("score", "--json", good, missing)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert f"无法读取 {missing}：文件或目录不存在" in result.stderr


def test_a_yaml_syntax_error_is_reported_in_chinese_naming_the_file(cli, tmp_path):
    path = tmp_path / "坏文件.yaml"
    path.write_text("region:\n  name: 盐城市\n zone: east\n", encoding="utf-8")
    result = cli("score", path)
    assert result.exit_code == 2
    assert f"{path} 不是有效的 YAML：第 3 行" in result.stderr


def test_a_missing_file_exits_2(cli, tmp_path):
    result = cli("score", tmp_path / "无此文件.yaml")
    assert result.exit_code == 2
    assert "无此文件.yaml：文件或目录不存在" in result.stderr


def test_a_file_that_is_not_utf8_is_reported(cli, tmp_path):
    path = tmp_path / "gbk.yaml"
    path.write_bytes("region: {name: 盐城市}\n".encode("gbk"))
    result = cli("score", path)
    assert result.exit_code == 2
    assert "不是 UTF-8 编码的文本" in result.stderr


def test_score_without_files_explains_what_to_give(cli):
    result = cli("score")
    assert result.exit_code == 2
    assert "请给出至少一个评估数据文件" in result.stderr


def test_an_input_naming_an_unknown_framework_is_invalid(cli, write, sample_doc):
    sample_doc["framework"] = "samr-2030"
    result = cli("score", write(sample_doc))
    assert result.exit_code == 2
    assert "framework: 评估数据使用指标体系 samr-2030" in result.stderr


def test_a_framework_file_can_be_given_by_path(cli, write, sample_doc, tmp_path, framework):
    copy = tmp_path / "体系.yaml"
    source = resources.files("demozone.frameworks") / "samr-2022.yaml"
    with resources.as_file(source) as bundled:
        shutil.copy(bundled, copy)
    result = cli("score", "--json", "--framework", copy, write(sample_doc))
    assert result.exit_code == 0
    assert json.loads(result.stdout)["total"] == 33


def test_an_unknown_framework_option_exits_2(cli, write, sample_doc):
    result = cli("score", "--framework", "no-such-framework", write(sample_doc))
    assert result.exit_code == 2
    assert "找不到指标体系 no-such-framework" in result.stderr


def test_an_unexpected_error_exits_1_with_one_chinese_line_and_no_traceback(
    cli, write, sample_doc, monkeypatch
):
    def broken(*args, **kwargs):
        raise RuntimeError("引擎故障")

    monkeypatch.setattr("demozone.cli.score", broken)
    monkeypatch.delenv("DEMOZONE_DEBUG", raising=False)
    result = cli("score", write(sample_doc))
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("demozone 运行出错：RuntimeError: 引擎故障")
    assert "--debug" in lines[0]
    assert "Traceback" not in result.output


def test_debug_shows_the_traceback_of_an_unexpected_error(cli, write, sample_doc, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("引擎故障")

    monkeypatch.setattr("demozone.cli.score", broken)
    by_flag = cli("--debug", "score", write(sample_doc))
    by_env = cli("score", write(sample_doc), env={"DEMOZONE_DEBUG": "1"})
    for result in (by_flag, by_env):
        assert result.exit_code == 1
        assert "Traceback" in result.stderr
        assert "demozone 运行出错：RuntimeError: 引擎故障" in result.stderr


def test_scores_are_shown_with_at_most_two_decimals():
    assert fmt(Decimal("18.75")) == "18.75"
    assert fmt(Decimal("87.50")) == "87.5"
    assert fmt(Decimal("2")) == "2"
    assert fmt(Decimal("0.125")) == "0.13"
