"""The evaluation input contract (SPEC §4): strict, exact, every problem at once."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from demozone.core.errors import InputError, Problem
from demozone.core.yamlio import load_yaml
from factories import changed, complete_input, judged, parsed, partial_input, scorecard, without


def _problems(doc) -> dict[str, str]:
    with pytest.raises(InputError) as caught:
        parsed(doc)
    return {p.path: p.message for p in caught.value.problems}


def _only_problem(doc) -> tuple[str, str]:
    with pytest.raises(InputError) as caught:
        parsed(doc)
    assert len(caught.value.problems) == 1, caught.value.describe()
    problem = caught.value.problems[0]
    return problem.path, problem.message


def test_the_complete_input_is_valid():
    data = parsed(complete_input())
    assert (data.region, data.zone, data.years) == ("盐城市", "east", (2022, 2023))
    assert data.counts["tips_total"] == 900
    assert data.national_given is True


# --- unknown keys ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "countz",
        "region.nme",
        "statistics.regoin",
        "statistics.region.online_sales",
        "statistics.national.express_vol",
        "counts.tips_totl",
        "rates.nat",
        "rates.region.foo",
        "rates.national.training_coverage",  # a region-only rate
    ],
)
def test_an_unknown_key_is_an_error_at_its_path(path):
    assert _only_problem(changed(complete_input(), {path: 1})) == (
        path,
        "未知字段（可能是拼写错误）",
    )


def test_an_unknown_key_in_an_override_or_a_large_operator_is_an_error():
    doc = changed(complete_input(), {"overrides": {"3": {"score": 1, "reason": "r", "why": 1}}})
    doc["large_operators"][0]["sales"] = 1
    assert _problems(doc) == {
        "overrides.3.why": "未知字段（可能是拼写错误）",
        "large_operators[0].sales": "未知字段（可能是拼写错误）",
    }


# --- numbers --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("900", "应为数字，实际为文本 “900”"),
        (True, "应为数字，实际为布尔值 true"),
        ([900], "应为数字，实际为列表"),
        ({"n": 900}, "应为数字，实际为映射"),
        (-1, "应为不小于 0 的数字，实际为 -1"),
        (-0.5, "应为不小于 0 的数字，实际为 -0.5"),
        (900.5, "应为整数（涉网违法案件线索举报数），实际为 900.5"),
        (float("nan"), "应为有限数字"),
        (float("inf"), "应为有限数字"),
        (Decimal("NaN"), "应为有限数字"),
        (Decimal("-Infinity"), "应为有限数字"),
        (10**15, "数值过大（应小于 10 的 15 次方）"),
    ],
)
def test_a_bad_count_is_rejected_with_a_chinese_message(value, message):
    assert _only_problem(changed(complete_input(), {"counts.tips_total": value})) == (
        "counts.tips_total",
        message,
    )


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (Decimal("0.1234567890123456"), "有效数字不能超过 15 位"),
        (Decimal("1E-16"), "小数位数不能超过 15 位"),
        (Decimal("1E-90"), "小数位数不能超过 15 位"),
        (5e-324, "小数位数不能超过 15 位"),
    ],
)
def test_a_figure_with_too_many_digits_is_rejected(value, message):
    assert _only_problem(changed(complete_input(), {"counts.ecommerce_tax": value})) == (
        "counts.ecommerce_tax",
        message,
    )


def test_fifteen_significant_digits_and_large_whole_numbers_are_accepted():
    doc = changed(
        complete_input(),
        {
            "counts.ecommerce_tax": Decimal("0.123456789012345"),
            "counts.total_tax": 999999999999999,
            "counts.market_entities": Decimal("3E+5"),
        },
    )
    data = parsed(doc)
    assert data.counts["ecommerce_tax"] == Decimal("0.123456789012345")
    assert data.counts["market_entities"] == 300000


def test_a_float_is_read_as_the_decimal_it_was_written_as():
    data = parsed(changed(complete_input(), {"statistics.region.online_retail_sales.2021": 0.1}))
    assert data.statistics["region"]["online_retail_sales"][2021] == Decimal("0.1")


@pytest.mark.parametrize(
    ("numerator", "denominator"),
    [
        ("tips_verified_on_time", "tips_total"),
        ("online_operators", "market_entities"),
        ("identity_claims_handled", "identity_claims_distributed"),
        ("assigned_completed", "assigned_total"),
        ("litigation_won", "litigation_total"),
        ("monitoring_checked_completed", "monitoring_total"),
    ],
)
def test_a_numerator_greater_than_its_denominator_is_an_error(numerator, denominator):
    doc = changed(
        complete_input(),
        {f"counts.{numerator}": 1200, f"counts.{denominator}": 1100, "counts.operators_over_2y": 0},
    )
    assert _only_problem(doc) == (
        f"counts.{numerator}",
        f"不能大于 counts.{denominator} (1200 > 1100)",
    )


def test_the_tips_message_reads_exactly_as_the_spec_shows():
    doc = changed(
        complete_input(), {"counts.tips_verified_on_time": 1200, "counts.tips_total": 1100}
    )
    with pytest.raises(InputError) as caught:
        parsed(doc)
    assert str(caught.value.problems[0]) == (
        "counts.tips_verified_on_time: 不能大于 counts.tips_total (1200 > 1100)"
    )


def test_a_numerator_equal_to_its_denominator_is_fine_and_one_more_is_not():
    parsed(changed(complete_input(), {"counts.tips_verified_on_time": 900}))
    assert _only_problem(changed(complete_input(), {"counts.tips_verified_on_time": 901})) == (
        "counts.tips_verified_on_time",
        "不能大于 counts.tips_total (901 > 900)",
    )


@pytest.mark.parametrize(
    ("path", "value", "message"),
    [
        ("rates.region.satisfaction", 100.01, "百分比应在 0—100 之间，实际为 100.01"),
        ("rates.national.satisfaction", -0.01, "应为不小于 0 的数字，实际为 -0.01"),
        ("rates.region.training_coverage", 101, "百分比应在 0—100 之间，实际为 101"),
        (
            "statistics.region.online_retail_share",
            {2022: 100.5},
            "占比应在 0—100 之间，实际为 100.5",
        ),
        (
            "statistics.region.online_retail_growth",
            {2022: -100.5},
            "应为不小于 -100 的数字，实际为 -100.5",
        ),
        ("statistics.region.express_volume", {2022: -1}, "应为不小于 0 的数字，实际为 -1"),
    ],
)
def test_rates_shares_and_growths_are_kept_in_their_ranges(path, value, message):
    problem_path, problem = _only_problem(changed(complete_input(), {path: value}))
    assert problem_path.startswith(path)
    assert problem == message


@pytest.mark.parametrize("rate", [0, 100, 65.5])
def test_rates_at_the_ends_of_their_range_are_accepted(rate):
    parsed(changed(complete_input(), {"rates.region.satisfaction": rate}))


def test_a_negative_stated_growth_down_to_minus_100_is_accepted():
    data = parsed(
        changed(complete_input(), {"statistics.region.online_retail_growth": {2022: -100}})
    )
    assert data.statistics["region"]["online_retail_growth"][2022] == -100


# --- years ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("years", "path", "message"),
    [
        ([2022], "years", "应为两个连续的评估年度，如 [2022, 2023]，实际为 列表"),
        ([2022, 2023, 2024], "years", "应为两个连续的评估年度，如 [2022, 2023]，实际为 列表"),
        ([2021, 2023], "years", "应为两个连续且按先后排列的年度，实际为 2021、2023"),
        ([2023, 2022], "years", "应为两个连续且按先后排列的年度，实际为 2023、2022"),
        (["abc", 2023], "years[0]", "应为 2000—2100 之间的年份，实际为 文本 “abc”"),
        ([2022, "2O23"], "years[1]", "应为 2000—2100 之间的年份，实际为 文本 “2O23”"),
        ("2022-2023", "years", "应为两个连续的评估年度，如 [2022, 2023]，实际为 文本 “2022-2023”"),
        ([True, 2023], "years[0]", "应为 2000—2100 之间的年份，实际为 布尔值 true"),
        ([2022.5, 2023], "years[0]", "应为 2000—2100 之间的年份，实际为 数字 2022.5"),
        ([1999, 2000], "years[0]", "应为 2000—2100 之间的年份，实际为 1999"),
        (None, "years", "缺少必填字段：两个连续的评估年度，如 [2022, 2023]"),
    ],
)
def test_years_must_be_two_consecutive_ascending_years(years, path, message):
    assert _only_problem(changed(complete_input(), {"years": years})) == (path, message)


def test_years_may_be_written_as_text():
    assert parsed(changed(complete_input(), {"years": ["2022", " 2023"]})).years == (2022, 2023)


def test_statistics_year_keys_may_be_text_or_numbers_with_the_same_result():
    as_text = changed(
        complete_input(),
        {"statistics.region.online_retail_sales": {"2021": 1000, "2022": 1200, "2023": 1440}},
    )
    assert parsed(as_text) == parsed(complete_input())
    assert scorecard(as_text).to_dict() == scorecard(complete_input()).to_dict()


def test_the_same_year_twice_is_an_error():
    doc = changed(
        complete_input(),
        {"statistics.region.express_volume": {2021: 1, "2021": 2, 2022: 3, 2023: 4}},
    )
    assert _only_problem(doc) == ("statistics.region.express_volume.2021", "年份重复")


def test_a_junk_year_key_is_an_error_at_its_path():
    doc = changed(complete_input(), {"statistics.region.express_volume": {"20x1": 5}})
    assert _only_problem(doc) == (
        "statistics.region.express_volume.20x1",
        "应为 2000—2100 之间的年份，实际为 文本 “20x1”",
    )


@pytest.mark.parametrize("key", ["²", "２０２２", "٢٠٢٢"])
def test_a_year_key_of_non_ascii_digits_is_an_error_at_its_path(key):
    doc = changed(complete_input(), {"statistics.region.express_volume": {key: 5}})
    assert _only_problem(doc) == (
        f"statistics.region.express_volume.{key}",
        f"应为 2000—2100 之间的年份，实际为 文本 “{key}”",
    )


# --- region ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("zone", "expected"),
    [("east", "east"), ("东部", "east"), ("中部", "central"), ("西部", "west")],
)
def test_zones_may_be_given_in_english_or_chinese(zone, expected):
    assert parsed(changed(complete_input(), {"region.zone": zone})).zone == expected


@pytest.mark.parametrize(
    ("zone", "shown"),
    [("north", "文本 “north”"), ("East", "文本 “East”"), (None, "空值"), (5, "5")],
)
def test_an_unknown_zone_is_an_error(zone, shown):
    assert _only_problem(changed(complete_input(), {"region.zone": zone})) == (
        "region.zone",
        f"应为 east（东部）、central（中部）或 west（西部），实际为 {shown}",
    )


def test_region_needs_a_name_and_a_zone():
    assert _problems(without(complete_input(), "region")) == {
        "region": "缺少必填字段（地区名称 name 与所属地带 zone）"
    }
    assert _only_problem(changed(complete_input(), {"region.name": "  "})) == (
        "region.name",
        "应为非空文本",
    )


def test_an_input_for_another_framework_is_an_error():
    assert _only_problem(changed(complete_input(), {"framework": "samr-2026"})) == (
        "framework",
        "评估数据使用指标体系 samr-2026，但加载的是 samr-2022",
    )


def test_a_document_that_is_not_a_mapping_is_an_error():
    with pytest.raises(InputError) as caught:
        parsed([1, 2])
    assert caught.value.problems == (Problem("", "评估数据应为一个映射（键值对），实际为列表"),)


# --- judgments and overrides ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("item_id", "value", "message"),
    [
        ("10", 3, "应为 0—2 之间、以 0.5 为步长的分数，实际为 3"),
        ("10", 2.5, "应为 0—2 之间、以 0.5 为步长的分数，实际为 2.5"),
        ("32", -0.5, "应为 0—3 之间、以 0.5 为步长的分数，实际为 -0.5"),
        ("16", 1.25, "应为 0—3 之间、以 0.5 为步长的分数，实际为 1.25"),
        ("35", "yes", "应为 true/false 或 0—2 之间的分数，实际为文本 “yes”"),
        ("35", float("nan"), "应为 true/false 或 0—2 之间的分数，实际为数字 nan"),
        ("28.1", 1, "应为 true（符合）或 false（不符合），实际为 1"),
        ("31.3", 3, "应为 true（符合）或 false（不符合），实际为 3"),
        ("99", True, "没有可判定的评分项 99"),
        ("11.4", True, "没有可判定的评分项 11.4"),
        ("1.2021", True, "没有可判定的评分项 1.2021"),  # not an evaluated year
        ("28", True, "没有可判定的评分项 28（请按子项判定，如 28.1）"),
    ],
)
def test_a_bad_judgment_is_an_error(item_id, value, message):
    assert _only_problem(judged(complete_input(), {item_id: value})) == (
        f"judgments.{item_id}",
        message,
    )


@pytest.mark.parametrize(
    ("item_id", "value"),
    [
        ("10", 0),
        ("10", 2),
        ("16", 0.5),
        ("10", True),
        ("10", False),
        ("28.2", False),
        ("1.2023", True),
    ],
)
def test_a_judgment_in_range_is_accepted(item_id, value):
    assert parsed(judged(complete_input(), {item_id: value})).judgments[item_id] == value


@pytest.mark.parametrize(
    ("overrides", "problems"),
    [
        ({"3": {"score": 1}}, {"overrides.3.reason": "人工核定必须填写理由"}),
        ({"3": {"score": 1, "reason": "  "}}, {"overrides.3.reason": "人工核定必须填写理由"}),
        (
            {"4": {"score": 2.5, "reason": "x"}},
            {"overrides.4.score": "不能超过该项满分 2，实际为 2.5"},
        ),
        (
            {"16": {"score": -1, "reason": "x"}},
            {"overrides.16.score": "应为不小于 0 的数字，实际为 -1"},
        ),
        ({"99": {"score": 0, "reason": "x"}}, {"overrides.99": "没有评分项 99"}),
        ({"28.1": {"score": 1, "reason": "x"}}, {"overrides.28.1": "没有评分项 28.1"}),
        ({"11.1": 1}, {"overrides.11.1": "应为键值对映射，实际为数字 1"}),
        (
            {"3": {"reason": "x"}},
            {"overrides.3.score": "应为数字，实际为空值"},
        ),
    ],
)
def test_a_bad_override_is_an_error(overrides, problems):
    assert _problems(changed(complete_input(), {"overrides": overrides})) == problems


def test_an_override_at_the_maximum_is_accepted():
    data = parsed(changed(complete_input(), {"overrides": {"4": {"score": 2, "reason": " 核实 "}}}))
    assert (data.overrides["4"].score, data.overrides["4"].reason) == (2, "核实")


# --- every problem at once ------------------------------------------------------------------


def test_every_problem_of_one_input_comes_back_at_once_in_one_error():
    doc = changed(
        complete_input(),
        {
            "countz": 1,
            "region.zone": "north",
            "years": [2023, 2022],
            "counts.tips_total": 1100,
            "counts.tips_verified_on_time": 1200,
            "counts.market_entities": -5,
            "counts.total_tax": float("inf"),
            "rates.region.satisfaction": 120,
            "statistics.region.express_volume": {2021: "many"},
            "overrides": {"3": {"score": 5}},
        },
    )
    doc["judgments"]["10"] = 7
    doc["large_operators"].append({"name": "某公司", "year": "去年", "ecommerce_sales": 1})
    with pytest.raises(InputError) as caught:
        parsed(doc)
    error = caught.value
    paths = [p.path for p in error.problems]
    assert set(paths) >= {
        "countz",
        "region.zone",
        "years",
        "counts.tips_verified_on_time",
        "counts.market_entities",
        "counts.total_tax",
        "rates.region.satisfaction",
        "statistics.region.express_volume.2021",
        "large_operators[2].year",
    }
    assert len(paths) == len(set(paths)) == 9
    assert error.describe().startswith("评估数据有误（共 9 处）：\n  - ")
    assert "  - counts.tips_verified_on_time: 不能大于 counts.tips_total (1200 > 1100)" in (
        error.describe()
    )
    assert {"path": "countz", "message": "未知字段（可能是拼写错误）"} in error.as_list()
    # judgments and overrides can only be checked once the years are known
    assert not any(p.startswith(("judgments", "overrides")) for p in paths)


def test_judgment_and_override_problems_join_the_others_when_the_years_are_fine():
    doc = changed(complete_input(), {"counts.tips_total": "x", "overrides": {"3": {"score": 5}}})
    doc["judgments"]["10"] = 7
    assert set(_problems(doc)) == {
        "counts.tips_total",
        "judgments.10",
        "overrides.3.reason",
        "overrides.3.score",
    }


# --- null means "not reported" --------------------------------------------------------------


def test_null_values_mean_not_reported():
    doc = changed(
        complete_input(),
        {
            "counts.tips_total": None,
            "rates.region.satisfaction": None,
            "statistics.region.express_volume.2021": None,
            "large_operators": None,
            "statistics.national": None,
        },
    )
    doc["judgments"]["10"] = None
    data = parsed(doc)
    assert "tips_total" not in data.counts
    assert "satisfaction" not in data.rates["region"]
    assert 2021 not in data.statistics["region"]["express_volume"]
    assert data.large_operators is None
    assert data.national_given is False
    assert "10" not in data.judgments


def test_a_partial_input_is_valid():
    data = parsed(partial_input())
    assert data.counts == {}
    assert data.large_operators is None


# --- YAML and JSON documents ----------------------------------------------------------------

YAML_INPUT = """
framework: samr-2022
region: {name: 盐城市, zone: 东部}
years: [2022, 2023]
statistics:
  region:
    online_retail_sales: {2021: 1000.5, 2022: 1100, "2023": 1250}
counts:
  ecommerce_tax: 0.055
  total_tax: 1.1
judgments:
  10: 1.5
  11.3: true
  28.2: true
  1.2022: false
overrides:
  3: {score: 1, reason: 专家核定}
"""


def test_yaml_unquoted_item_ids_and_year_keys_are_read_as_written():
    data = parsed(load_yaml(YAML_INPUT))
    assert data.zone == "east"
    assert data.judgments == {"10": Decimal("1.5"), "11.3": True, "28.2": True, "1.2022": False}
    assert set(data.overrides) == {"3"}
    assert data.statistics["region"]["online_retail_sales"] == {
        2021: Decimal("1000.5"),
        2022: 1100,
        2023: 1250,
    }
    assert data.counts["ecommerce_tax"] == Decimal("0.055")


def test_yaml_special_floats_are_rejected_as_non_finite():
    doc = load_yaml(
        "region: {name: 盐城市, zone: east}\nyears: [2022, 2023]\ncounts: {total_tax: .inf, ecommerce_tax: .nan}\n"
    )
    assert _problems(doc) == {
        "counts.total_tax": "应为有限数字",
        "counts.ecommerce_tax": "应为有限数字",
    }


def test_a_json_document_with_exact_decimals_parses_like_the_dict():
    text = json.dumps(complete_input(), ensure_ascii=False)
    assert parsed(json.loads(text, parse_float=Decimal)) == parsed(complete_input())


# --- to_dict round trip ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "doc",
    [
        complete_input(),
        partial_input(),
        without(complete_input(), "statistics.national"),
        changed(complete_input(), {"large_operators": [], "note": "第一次自评"}),
        changed(
            complete_input(),
            {
                "region.zone": "西部",
                "statistics.region.definitions": {"online_retail_sales": "physical_goods"},
                "counts.ecommerce_tax": 0.055,
                "overrides": {"3": {"score": 0.25, "reason": "核定"}},
            },
        ),
        load_yaml(YAML_INPUT),
    ],
    ids=["complete", "partial", "bundled-national", "no-operators", "definitions", "yaml"],
)
def test_to_dict_gives_back_an_equal_input(doc):
    data = parsed(doc)
    again = data.to_dict()
    assert parsed(again) == data
    assert parsed(json.loads(json.dumps(again, ensure_ascii=False), parse_float=Decimal)) == data
    assert scorecard(again).to_dict() == scorecard(doc).to_dict()


def test_to_dict_writes_the_zone_in_english_and_years_as_a_list():
    out = parsed(changed(complete_input(), {"region.zone": "中部"})).to_dict()
    assert out["region"] == {"name": "盐城市", "zone": "central"}
    assert out["years"] == [2022, 2023]
    assert out["judgments"]["10"] == 2
    assert out["judgments"]["11.3"] is True
