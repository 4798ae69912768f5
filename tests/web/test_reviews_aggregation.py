"""A round's panel judgment per item, for panels of one to five experts (SPEC §7 defaults), as the
round stores and scores it."""

from __future__ import annotations

from decimal import Decimal

import pytest

from demozone.web.reviews import services
from demozone.web.reviews.models import Stage

from .reviews_support import judge, people, submitted_self

pytestmark = pytest.mark.django_db

WHOLE = "10"  # worth 2 points, judged in steps of 0.5
SUB = "36.1"  # a sub-item judged met / not met


def _round(p, size, **settings):  # type: ignore[no-untyped-def]
    snap = submitted_self(p)
    round_ = services.open_review_round(
        p.access(p.reviewer), Stage.PROVINCIAL, snap.pk, services.RoundSettings(**settings)
    )
    seats = [services.PanelSeat(e.pk, is_lead=i == 0) for i, e in enumerate(p.experts[:size])]
    services.set_panel(p.access(p.reviewer), round_.pk, seats)
    return round_


@pytest.mark.parametrize(
    ("whole", "sub", "value", "met", "disputed"),
    [
        # one expert decides alone
        (["1.5"], ["met"], Decimal("1.5"), True, False),
        # two: a tie on the sub-item is not met; scores 2 and 0.5 → mean 1.25 → 1.5, disputed
        (["2", "0.5"], ["met", "not_met"], Decimal("1.5"), False, True),
        # three: majority; mean of 2, 1.5, 1 is 1.5; spread 1 = half the points → disputed
        (["2", "1.5", "1"], ["met", "met", "not_met"], Decimal("1.5"), True, True),
        # four: 2–2 is not met; no trimming: mean of 2, 2, 1.5, 0.5 is 1.5
        (
            ["2", "2", "1.5", "0.5"],
            ["met", "met", "not_met", "not_met"],
            Decimal("1.5"),
            False,
            True,
        ),
        # five: trimmed mean drops 0 and 2 → mean of 1, 1, 1.5 = 1.17 → 1
        (["0", "1", "1", "1.5", "2"], ["met"] * 3 + ["not_met"] * 2, Decimal("1"), True, True),
    ],
    ids=["one", "two", "three", "four", "five"],
)
def test_panels_of_one_to_five_experts(whole, sub, value, met, disputed):
    p = people(experts=len(whole))
    round_ = _round(p, len(whole))
    for expert, w, s in zip(p.experts, whole, sub, strict=True):
        judge(p, round_, expert, {WHOLE: w, SUB: s})
    result = services.round_result(round_)
    outcome = result.outcomes[WHOLE]
    assert (outcome.value, outcome.disputed) == (value, disputed)
    assert result.outcomes[SUB].value is met
    assert result.outcomes[SUB].disputed is (len(set(sub)) > 1)
    assert result.scorecard.item(WHOLE).score == value


def test_agreeing_experts_leave_nothing_to_reconcile():
    p = people(experts=3)
    round_ = _round(p, 3)
    for expert in p.experts:
        judge(p, round_, expert, {WHOLE: "1.5"})
    result = services.round_result(round_)
    assert result.unresolved == []
    assert result.outcomes[WHOLE].value == Decimal("1.5")


def test_only_submitted_experts_count():
    p = people(experts=2)
    round_ = _round(p, 2)
    judge(p, round_, p.experts[0], {WHOLE: "2"})
    judge(p, round_, p.experts[1], {WHOLE: "0"}, submit=False)
    outcome = services.round_result(round_).outcomes[WHOLE]
    assert outcome.value == Decimal("2")
    assert not outcome.disputed


def test_a_round_can_use_the_median_and_a_wider_dispute_threshold():
    p = people(experts=3)
    round_ = _round(p, 3, whole="median", dispute_share=Decimal("0.75"))
    for expert, score in zip(p.experts, ["2", "0.5", "1"], strict=True):
        judge(p, round_, expert, {WHOLE: score})
    outcome = services.round_result(round_).outcomes[WHOLE]
    # median 1; spread 1.5 is 75% of 2 points: still disputed at a 0.75 threshold
    assert (outcome.value, outcome.disputed) == (Decimal("1"), True)


def test_an_item_no_expert_has_judged_keeps_the_self_judgment_until_approval():
    p = people(experts=1)
    round_ = _round(p, 1)
    result = services.round_result(round_)
    assert result.outcomes[WHOLE].value == Decimal("2")  # the city judged itself full marks
    assert {o.spec.id for o in result.unjudged} >= {WHOLE, SUB}
    with pytest.raises(services.ReviewError, match="尚无专家评审"):
        services.approve(p.access(p.reviewer), round_.pk)
