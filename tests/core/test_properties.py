"""Property: any document either scores consistently or is refused with an InputError.

Two in three generated documents are plausible: known keys, acceptable-looking figures and the
edges of what the parser accepts (zero, 1E-15 next to 999999999999999, long decimals, and a few
just beyond, such as 1E-90), so that most reach the engine. The others are wild: random keys,
types, negatives, NaN, huge numbers, random judgments and overrides.
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from demozone.core.errors import InputError
from demozone.core.inputs import parse_input
from demozone.core.items import item_specs
from demozone.core.loader import load_bundled
from demozone.core.scorecard import SEVERITY, Scorecard
from demozone.core.scoring import score
from factories import changed, complete_input, overridden, partial_input

FW = load_bundled()
COUNTS = FW.metrics_of_kind("count")
RATES = sorted(FW.metrics_of_kind("rate"))
YEARLY = sorted(m.id for m in FW.doc.metrics if m.kind in ("series", "growth", "share"))
SPECS = item_specs(FW, (2022, 2023))
ITEM_IDS = sorted(SPECS)
JUDGEABLE = [i for i in ITEM_IDS if SPECS[i].judgeable]
SCORED = [i for i in ITEM_IDS if SPECS[i].scored]

# --- figures --------------------------------------------------------------------------------

EDGES = [
    0,
    1,
    Decimal("0.5"),
    Decimal("1000.5"),
    Decimal("1E-15"),
    Decimal("1E-16"),
    Decimal("1E-90"),
    Decimal("999999999999999"),
    Decimal("99999999999999.9"),
    10**15,
    Decimal("0.123456789012345"),
    Decimal("0.1234567890123456"),
    95,
    100,
]
plausible = st.one_of(
    st.sampled_from(EDGES),
    st.sampled_from(EDGES),
    st.integers(min_value=0, max_value=10**6),
    st.decimals(allow_nan=False, allow_infinity=False, places=2, min_value=0, max_value=10**9),
    st.decimals(allow_nan=False, allow_infinity=False, places=15, min_value=0, max_value=1),
)
plausible_counts = st.one_of(
    st.sampled_from([0, 0, 1, 2, 3, 20, 100, 999999999999999]),
    st.integers(min_value=0, max_value=10**6),
)
plausible_growths = st.one_of(
    plausible,
    st.decimals(allow_nan=False, allow_infinity=False, places=1, min_value=-100, max_value=0),
)
plausible_years = st.one_of(st.sampled_from([2021, 2022, 2023]), st.integers(2019, 2026))

numbers = st.one_of(
    st.sampled_from([*EDGES, -1, float("nan"), float("inf"), Decimal("NaN"), 5e-324, 1e300]),
    st.integers(min_value=-10, max_value=10**16),
    st.decimals(places=3, min_value=-200, max_value=10**7),
    st.floats(allow_nan=True, allow_infinity=True),
)
junk = st.one_of(st.none(), st.booleans(), st.text(max_size=5), st.lists(st.integers(), max_size=2))
wild_values = st.one_of(numbers, numbers, numbers, junk)
wild_years = st.one_of(
    st.integers(min_value=2018, max_value=2027),
    st.integers(min_value=2018, max_value=2027).map(str),
    st.sampled_from(["20x1", 1999, 2101, True]),
)
year_pairs = st.one_of(
    st.integers(min_value=2019, max_value=2026).map(lambda y: [y, y + 1]),
    st.lists(wild_years, min_size=0, max_size=3),
    junk,
)

# --- judgments and overrides ----------------------------------------------------------------

wild_ids = st.one_of(st.sampled_from(ITEM_IDS), st.sampled_from(["99", "28", "1.2021", "11.4", ""]))
wild_judgments = st.one_of(
    st.booleans(),
    st.sampled_from([0, Decimal("0.5"), 1, Decimal("2.5"), 3, 4, Decimal("1.25")]),
    wild_values,
)
override_scores = st.sampled_from(
    [0, Decimal("0.25"), Decimal("0.5"), 1, Decimal("1E-15"), Decimal("1E-90")]
)
plausible_overrides = st.dictionaries(
    st.sampled_from(SCORED),
    st.fixed_dictionaries({"score": override_scores, "reason": st.just("专家核定")}),
    max_size=3,
)
wild_overrides = st.dictionaries(
    wild_ids,
    st.one_of(
        st.fixed_dictionaries(
            {"score": wild_values, "reason": st.sampled_from(["专家核定", "", "  "])}
        ),
        st.fixed_dictionaries({"score": st.sampled_from([0, Decimal("0.25"), 1, 2, 3])}),
        junk,
    ),
    max_size=3,
)


def _plausible_judgment(item_id: str) -> st.SearchStrategy[Any]:
    spec = SPECS[item_id]
    if spec.bool_only:
        return st.booleans()
    steps = int(spec.max / spec.step)
    return st.one_of(st.booleans(), st.integers(0, steps).map(lambda k: k * spec.step))


# --- documents ------------------------------------------------------------------------------


def _statistics_scope(scope: str, wild: bool) -> st.SearchStrategy[Any]:
    known = [m for m in YEARLY if scope in FW.metrics[m].scopes]
    if wild:
        keys = st.one_of(st.sampled_from(known), st.sampled_from(["definitions", "bogus"]))
        blocks = st.one_of(
            st.dictionaries(wild_years, wild_values, max_size=4),
            st.fixed_dictionaries(
                {"online_retail_sales": st.sampled_from(["physical_goods", "x"])}
            ),
        )
        return st.one_of(st.none(), st.dictionaries(keys, blocks, max_size=len(known)))

    def series(metric: str) -> st.SearchStrategy[Any]:
        kind = FW.metrics[metric].kind
        if kind == "share":
            values = plausible.filter(lambda v: v <= 100)
        elif kind == "growth":
            values = plausible_growths
        else:
            values = plausible
        return st.dictionaries(plausible_years, values, max_size=4)

    return st.fixed_dictionaries({}, optional={m: series(m) for m in known})


@st.composite
def documents(draw: st.DrawFn) -> Any:
    if draw(st.integers(min_value=0, max_value=19)) == 0:
        return draw(st.one_of(junk, numbers))
    wild = draw(st.integers(min_value=0, max_value=2)) == 0
    figures = wild_values if wild else plausible
    base = draw(st.sampled_from(["complete", "partial", "empty"]))
    doc: dict[str, Any] = (
        complete_input() if base == "complete" else partial_input() if base == "partial" else {}
    )

    if wild:
        if draw(st.booleans()):
            doc["years"] = draw(year_pairs)
        if draw(st.booleans()):
            doc["region"] = draw(
                st.one_of(
                    junk,
                    st.fixed_dictionaries(
                        {
                            "name": st.one_of(st.just("某市"), junk),
                            "zone": st.sampled_from(["east", "中部", "west", "north", 1]),
                        }
                    ),
                )
            )
    elif base == "empty":
        doc["years"] = draw(st.integers(2019, 2025).map(lambda y: [y, y + 1]))
        doc["region"] = {"name": "某市", "zone": draw(st.sampled_from(["east", "central", "西部"]))}

    counts = doc.setdefault("counts", {})
    keys = st.sampled_from([*COUNTS, "bogus"] if wild else list(COUNTS))
    for key in draw(st.lists(keys, max_size=10, unique=True)):
        whole = not wild and COUNTS[key].integer
        counts[key] = draw(plausible_counts if whole else figures)
    if not wild:
        # keep each part within its whole, as a real statistic is
        for key, metric in COUNTS.items():
            if metric.part_of and key in counts and metric.part_of in counts:
                counts[key] = min(counts[key], counts[metric.part_of])

    rates = doc.setdefault("rates", {})
    for scope in draw(st.lists(st.sampled_from(["region", "national"]), unique=True)):
        block = rates.setdefault(scope, {})
        allowed = [r for r in RATES if scope in FW.metrics[r].scopes]
        for key in draw(st.lists(st.sampled_from(allowed), max_size=3, unique=True)):
            block[key] = draw(figures if wild else figures.filter(lambda v: v <= 100))

    if draw(st.booleans()):
        stats = doc.setdefault("statistics", {})
        for scope in draw(st.lists(st.sampled_from(["region", "national"]), unique=True)):
            stats[scope] = draw(_statistics_scope(scope, wild))

    if draw(st.booleans()):
        operators = st.lists(
            st.fixed_dictionaries(
                {
                    "name": st.just("某公司"),
                    "year": wild_years if wild else plausible_years,
                    "ecommerce_sales": figures,
                }
            ),
            max_size=3,
        )
        doc["large_operators"] = draw(st.one_of(st.none(), operators, junk) if wild else operators)

    if draw(st.booleans()):
        judgments = doc.setdefault("judgments", {})
        if wild:
            judgments.update(draw(st.dictionaries(wild_ids, wild_judgments, max_size=6)))
        else:
            for item_id in draw(st.lists(st.sampled_from(JUDGEABLE), max_size=8, unique=True)):
                judgments[item_id] = draw(_plausible_judgment(item_id))
    if draw(st.booleans()):
        doc["overrides"] = draw(wild_overrides if wild else plausible_overrides)
    return doc


# --- the property ---------------------------------------------------------------------------


def _check(card: Scorecard) -> None:
    zero = Decimal(0)
    by_number = {}
    for ind in card.indicators:
        assert ind.max == FW.indicator(ind.number).points
        for item in ind.items:
            assert zero <= item.score <= item.max, item
            if item.status in ("missing", "needs_review"):
                assert item.score == 0, item
            assert bool(item.missing) == (item.status == "missing"), item
            assert (item.computed is not None) == (item.status == "overridden"), item
        assert ind.score == sum((i.score for i in ind.items), zero)
        assert sum((i.max for i in ind.items), zero) == ind.max
        assert ind.status == max((i.status for i in ind.items), key=SEVERITY.__getitem__)
        by_number[ind.number] = ind.score
    assert sorted(by_number) == list(range(1, 42))
    for group in card.groups:
        under = [n for n, at in FW.placement.items() if at.group and at.group.code == group.code]
        assert group.score == sum(by_number[n] for n in under)
    for level in card.levels:
        under = [n for n, at in FW.placement.items() if at.level.code == level.code]
        assert level.score == sum(by_number[n] for n in under)
        assert level.rate_ok == (level.score * 4 >= level.max * 3)
    assert card.total == sum(level.score for level in card.levels) == sum(by_number.values())
    assert zero <= card.total <= card.max_total == 100
    assert card.passed == (
        card.total >= 85 and all(lv.score * 4 >= lv.max * 3 for lv in card.levels)
    )
    json.dumps(card.to_dict(), ensure_ascii=False)


@settings(
    max_examples=300,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(documents())
# The extremes the parser accepts, which once broke exact comparison and display rounding.
@example(
    changed(
        complete_input(),
        {
            "statistics.region.online_retail_sales": {
                2021: Decimal("1E-15"),
                2022: 999999999999999,
            },
            "counts.ecommerce_tax": Decimal("1E-15"),
            "counts.total_tax": Decimal("1E-15"),
        },
    )
)
@example(overridden(complete_input(), "3", Decimal("1E-90"), "极小分值"))
@example(
    changed(complete_input(), {"statistics.region.online_retail_growth": {2022: Decimal("1E-90")}})
)
def test_any_document_scores_consistently_or_is_refused_with_an_input_error(doc):
    try:
        data = parse_input(doc, FW)
    except InputError as error:
        assert error.problems
        assert all(p.message for p in error.problems)
        return
    _check(score(FW, data))
