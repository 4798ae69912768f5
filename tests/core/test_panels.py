"""Expert panel aggregation (SPEC §7): majorities, means, trimming, disputes, reconciliation."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from demozone.core.errors import InputError
from demozone.core.panels import PanelRules, aggregate, reconcile

ONE, TWO, THREE = D(1), D(2), D(3)


def test_a_single_expert_decides_a_sub_item_alone():
    result = aggregate("11.3", ONE, [True])
    assert result.value is True
    assert result.experts == 1
    assert not result.disputed


def test_two_experts_split_on_a_sub_item_is_a_tie_and_not_met():
    result = aggregate("12.1", ONE, [True, False])
    assert result.value is False
    assert "票数相同按不符合" in result.explanation


def test_three_experts_decide_a_sub_item_by_majority():
    result = aggregate("12.1", ONE, [True, False, True])
    assert result.value is True
    assert result.explanation == "3 名专家中 2 名认为符合、1 名认为不符合，按多数判定为符合"


def test_four_experts_two_to_two_is_not_met():
    assert aggregate("36.2", ONE, [True, True, False, False]).value is False


def test_five_experts_three_to_two_is_met():
    assert aggregate("36.2", ONE, [True, False, True, False, True]).value is True


def test_any_disagreement_on_a_one_point_sub_item_is_a_dispute():
    # The spread is the item's full point, at least half of it.
    assert aggregate("12.1", ONE, [True, True, False]).disputed
    assert not aggregate("12.1", ONE, [True, True, True]).disputed
    assert not aggregate("12.1", ONE, [False, False]).disputed


def test_whole_indicator_of_one_expert_is_that_score():
    result = aggregate("16", THREE, [D("2.5")])
    assert result.value == D("2.5")
    assert not result.disputed


def test_two_experts_whole_indicator_mean_is_rounded_half_up_to_the_step():
    result = aggregate("16", THREE, [D(2), D("2.5")])
    assert result.value == D("2.5")  # 2.25 → 2.5
    assert "平均分 2.25 分" in result.explanation
    assert "四舍五入为 2.5 分" in result.explanation


def test_three_experts_whole_indicator_uses_the_plain_mean():
    result = aggregate("10", TWO, [D(2), D(2), D(1)])
    assert result.value == D("1.5")  # 5/3 = 1.67 → nearest half point 1.5
    assert "平均分 1.67 分" in result.explanation


def test_spread_of_exactly_half_the_points_is_disputed():
    result = aggregate("10", TWO, [D(2), D(1)])
    assert result.spread == ONE
    assert result.disputed


def test_four_experts_are_not_trimmed():
    result = aggregate("32", THREE, [D(0), D(3), D(3), D(3)])
    assert result.value == D("2.5")  # 9/4 = 2.25 → 2.5
    assert "去掉" not in result.explanation
    assert result.disputed


def test_five_experts_drop_the_highest_and_lowest_score():
    result = aggregate("32", THREE, [D(0), D(2), D(2), D("2.5"), D(3)])
    assert result.value == D("2")  # (2 + 2 + 2.5) / 3 = 2.17 → 2
    assert "去掉一个最高分和一个最低分后平均分 2.17 分" in result.explanation
    assert result.disputed  # spread 3 ≥ 1.5


def test_experts_disagreeing_by_the_full_points_is_disputed():
    result = aggregate("16", THREE, [D(0), D(3), D(3)])
    assert result.spread == THREE
    assert result.disputed


def test_a_round_may_use_the_median_and_trim_from_another_size():
    rules = PanelRules(whole="median", trim_from=None)
    assert aggregate("16", THREE, [D(0), D(3), D("2.5")], rules).value == D("2.5")
    assert aggregate("16", THREE, [D(1), D(2)], rules).value == D("1.5")


def test_a_round_may_use_a_wider_dispute_threshold():
    rules = PanelRules(dispute_share=D(1))
    assert not aggregate("16", THREE, [D(1), D(3)], rules).disputed
    assert aggregate("16", THREE, [D(0), D(3)], rules).disputed


def test_mixed_or_missing_votes_are_refused_in_chinese():
    with pytest.raises(InputError, match="全部为"):
        aggregate("16", THREE, [True, D(2)])
    with pytest.raises(InputError, match="尚无专家判定"):
        aggregate("16", THREE, [])
    with pytest.raises(InputError, match="0—3 分之间"):
        aggregate("16", THREE, [D(4)])


def test_reconciling_needs_a_written_reason_and_keeps_the_aggregate():
    result = aggregate("16", THREE, [D(0), D(3), D(3)])
    with pytest.raises(InputError, match="必须填写理由"):
        reconcile(result, D(3), "  ")
    decided = reconcile(result, D(3), "经复核佐证材料，制度文件齐全")
    assert decided.value == D(3)
    assert decided.aggregated == D(2)
    assert decided.reason == "经复核佐证材料，制度文件齐全"
