"""`demozone template`: the blank form, generated from the framework, that parses as it is."""

from __future__ import annotations

import copy
import datetime as dt
import json
import re
from decimal import Decimal

import pytest
from cli_support import to_json

from demozone.core.errors import InputError
from demozone.core.inputs import parse_input
from demozone.core.items import item_specs
from demozone.core.scoring import score
from demozone.core.yamlio import load_yaml
from demozone.template import build_template, default_years


def _problems(doc, framework):
    with pytest.raises(InputError) as caught:
        parse_input(doc, framework)
    return [str(p) for p in caught.value.problems]


def _fill(blank, doc):
    """Copy every value of ``doc`` into the blank form's keys, as a person filling it in would."""
    filled = copy.deepcopy(blank)
    filled["region"] = doc["region"]
    filled["years"] = doc["years"]
    for scope in ("region", "national"):
        for metric, series in doc["statistics"].get(scope, {}).items():
            for year, value in series.items():
                assert str(year) in filled["statistics"][scope][metric], (scope, metric, year)
                filled["statistics"][scope][metric][str(year)] = value
    for key, value in doc["counts"].items():
        assert key in filled["counts"]
        filled["counts"][key] = value
    for scope, values in doc["rates"].items():
        for key, value in values.items():
            assert key in filled["rates"][scope]
            filled["rates"][scope][key] = value
    for key, value in doc["judgments"].items():
        assert key in filled["judgments"], key
        filled["judgments"][key] = value
    filled["large_operators"] = doc["large_operators"]
    filled["overrides"] = doc["overrides"]
    return filled


def test_the_blank_yaml_template_parses_with_only_the_region_name_missing(cli, framework):
    result = cli("template")
    assert result.exit_code == 0
    doc = load_yaml(result.stdout)
    assert _problems(doc, framework) == ["region.name: 应为非空文本"]


def test_with_a_region_name_the_blank_template_is_valid_and_scores_zero(cli, framework):
    result = cli("template", "--region", "盐城市", "--zone", "central", "--years", "2024", "2025")
    data = parse_input(load_yaml(result.stdout), framework)
    assert (data.region, data.zone, data.years) == ("盐城市", "central", (2024, 2025))
    card = score(framework, data)
    assert card.total == 0
    assert {item.status for ind in card.indicators for item in ind.items} == {"missing"}


def test_every_field_of_the_catalogue_is_in_the_form_with_a_chinese_comment(cli, framework):
    text = cli("template", "--years", "2022", "2023").stdout
    for metric in framework.doc.metrics:
        lines = [line for line in text.splitlines() if re.match(rf"\s+{metric.id}:", line)]
        assert lines, metric.id
        assert all(f"# {metric.name}（{metric.unit}）" in line for line in lines), metric.id
    assert re.search(r"online_operators:\s+# .*用于指标 3、9", text)
    assert "# 全国数据可整体删去或留空：留空的序列使用内置的全国统计数据" in text
    for year in (2021, 2022, 2023):
        assert f"      {year}:\n" in text  # series levels: the year before and the evaluated years


def test_every_qualitative_item_has_a_judgment_key_with_its_shortened_text(cli, framework):
    text = cli("template", "--years", "2022", "2023").stdout
    doc = load_yaml(text)
    qualitative = {
        spec.id
        for spec in item_specs(framework, (2022, 2023)).values()
        if spec.judgeable and spec.qualitative
    }
    assert set(doc["judgments"]) == qualitative
    assert all(value is None for value in doc["judgments"].values())
    assert (
        '"11.3":' in text
        and "为国家网络交易监管平台提供系统接口和应用模型（1 分）：true 符合 / false 不符合" in text
    )
    assert re.search(r'"10":\s+# .*…：填 0—2 分（步长 0.5），或 true 表示满分', text)


def test_the_commented_examples_become_valid_entries_when_uncommented(cli, framework):
    text = cli("template", "--region", "盐城市", "--years", "2024", "2025").stdout
    uncommented = re.sub(
        r"^(\s+)# (- \{name|\"\d+\": \{score|definitions:)", r"\1\2", text, flags=re.M
    )
    data = parse_input(load_yaml(uncommented), framework)
    assert [op.name for op in data.large_operators] == ["某电子商务有限公司"]
    assert data.large_operators[0].year == 2025
    assert list(data.overrides) == ["3"]
    assert data.overrides["3"].reason == "专家核定：写明核定理由"
    assert data.definitions["region"] == {"online_retail_sales": "online_retail"}


def test_a_filled_in_template_scores_like_the_same_data_written_by_hand(
    cli, framework, passing_doc, tmp_path
):
    blank = json.loads(cli("template", "--format", "json", "--years", "2022", "2023").stdout)
    filled = _fill(blank, passing_doc)
    path = tmp_path / "填好的.json"
    path.write_text(to_json(filled), encoding="utf-8")
    result = cli("score", "--json", path)
    assert result.exit_code == 0, result.stderr
    expected = score(framework, parse_input(passing_doc, framework)).to_dict()
    assert json.loads(result.stdout) == expected


def test_filling_blanks_in_the_yaml_text_after_the_colons_scores_them(cli, framework, tmp_path):
    text = cli("template", "--years", "2024", "2025").stdout
    text = text.replace('name: ""', "name: 盐城市", 1)
    text = re.sub(r"^(  online_operators:)", r"\1 52000", text, flags=re.M)
    text = re.sub(r"^(  market_entities:)", r"\1 610000", text, flags=re.M)
    text = re.sub(r'^(  "11\.3":)', r"\1 true", text, flags=re.M)
    path = tmp_path / "填写.yaml"
    path.write_text(text, encoding="utf-8")
    result = cli("score", "--json", path)
    assert result.exit_code == 0, result.stderr
    card = json.loads(result.stdout)
    assert card["region"] == "盐城市"
    assert card["total"] == 2  # #3: 8.52% → 1 point; 11.3 met → 1 point
    three = next(ind for ind in card["indicators"] if ind["number"] == 3)
    assert three["status"] == "scored"


def test_the_json_template_has_the_yaml_structure_and_a_note(cli, framework):
    as_json = json.loads(
        cli("template", "--format", "json", "--years", "2022", "2023").stdout, parse_float=Decimal
    )
    as_yaml = load_yaml(cli("template", "--years", "2022", "2023").stdout)
    assert next(iter(as_json)) == "note" and "JSON 不能写注释" in as_json["note"]
    assert set(as_json) == set(as_yaml)
    assert set(as_json["counts"]) == set(as_yaml["counts"])
    assert as_json["statistics"]["region"]["online_retail_sales"] == {
        "2021": None,
        "2022": None,
        "2023": None,
    }
    assert as_json["statistics"]["national"]["online_retail_growth"] == {"2022": None, "2023": None}
    assert as_json["large_operators"] is None
    assert _problems(as_json, framework) == ["region.name: 应为非空文本"]


def test_out_writes_the_file_and_never_overwrites_without_force(cli, tmp_path, framework):
    path = tmp_path / "模板" / "盐城.json"
    path.parent.mkdir()
    first = cli("template", "--out", path, "--region", "盐城市")
    assert first.exit_code == 0
    assert f"已生成填报模板：{path}（JSON" in first.stdout
    parse_input(json.loads(path.read_text(encoding="utf-8"), parse_float=Decimal), framework)

    path.write_text("已填好的数据", encoding="utf-8")
    refused = cli("template", "--out", path)
    assert refused.exit_code == 2
    assert "已存在；如需覆盖请加 --force" in refused.stderr
    assert path.read_text(encoding="utf-8") == "已填好的数据"

    forced = cli("template", "--out", path, "--format", "yaml", "--force")
    assert forced.exit_code == 0
    assert path.read_text(encoding="utf-8").startswith("# ")
    assert [p.name for p in path.parent.iterdir()] == ["盐城.json"]


def test_a_file_that_cannot_be_written_exits_1(cli, tmp_path):
    result = cli("template", "--out", tmp_path / "无此目录" / "t.yaml")
    assert result.exit_code == 1
    assert "无法写入" in result.stderr and "文件或目录不存在" in result.stderr


def test_bad_options_are_all_reported_and_exit_2(cli):
    result = cli("template", "--format", "xml", "--zone", "north", "--years", "2023", "2025")
    assert result.exit_code == 2
    assert "--format 应为 yaml 或 json，实际为 xml" in result.stderr
    assert "--zone 应为 east（东部）、central（中部）或 west（西部），实际为 north" in result.stderr
    assert "--years 应为两个连续且按先后排列的年度，实际为 2023 2025" in result.stderr


def test_the_default_years_are_the_last_two_complete_years():
    assert default_years(dt.date(2026, 11, 22)) == (2024, 2025)
    assert default_years(dt.date(2027, 1, 1)) == (2025, 2026)


def test_the_form_follows_the_framework_it_is_built_from(framework):
    template = build_template(framework, (2022, 2023))
    assert template.to_data()["framework"] == framework.id
    judged = set(template.to_data()["judgments"])
    assert "11.3" in judged and "11.1" not in judged and "28" not in judged and "28.1" in judged
