"""The compiled batch lane (demozone._fastcard through core/fastlane.py) against the Python path.

The lane either scores a line or steps aside (None), and the Python path (json.loads, parse_input,
scorecard_json) takes every line it steps aside from. So on any line at all: the lane returns
None, or the Python path accepts the line too and writes exactly the same bytes. These tests hold
it to that on complete inputs, on other frameworks, on a corpus of one-change mutations
(tests/core/fastlane_cases.py), on random mutations, and through batch.score_lines; and they check
it steps aside from no complete input, which is what makes the speed target of issue 2 real.
"""

from __future__ import annotations

import copy
import io
import json
import random
from decimal import Decimal
from typing import Any

import pytest
from fastlane_cases import (
    AWKWARD,
    BENCH,
    CASES,
    ROOT,
    Case,
    Raw,
    at,
    complete,
    complete_lines,
    line_of,
    paths,
    ref_bytes,
    vary_figures,
)
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from demozone.batch import score_lines
from demozone.core import fastlane
from demozone.core.inputs import parse_input
from demozone.core.loader import Framework, load_bundled, load_framework_file
from demozone.core.yamlio import load_yaml

FW = load_bundled()
FIXTURES = ROOT / "tests" / "fixtures" / "frameworks"
EXAMPLES = ROOT / "examples"
REVISED = load_framework_file(FIXTURES / "samr-revised-080.yaml")
TWO_LEVEL = load_framework_file(FIXTURES / "two-level.yaml")
# A few complete inputs each mutation is applied to: with and without stated growth, with zero
# to three large operators, judged with booleans and with scores.
BASES = [complete(FW, seed) for seed in (0, 1, 2, 5)]


@pytest.fixture(scope="module")
def lane() -> Any:
    found = fastlane.lane(FW)
    assert found is not None, "the bundled framework must have a lane"
    return found


def _where(got: bytes, want: bytes) -> str:
    at_ = next((i for i, (a, b) in enumerate(zip(got, want, strict=False)) if a != b), None)
    if at_ is None:
        at_ = min(len(got), len(want))
    start = max(0, at_ - 80)
    return f"first difference at byte {at_}:\n  lane:   {got[start : at_ + 80]!r}\n  python: {want[start : at_ + 80]!r}"


def agrees(lane: Any, fw: Framework, line: bytes) -> bool:
    """Asserts the lane steps aside or writes the Python path's bytes; True if it scored."""
    got = lane.score(line)
    if got is None:
        return False
    assert isinstance(got, bytes), type(got)
    want = ref_bytes(fw, line)
    assert want is not None, f"the lane scored a line the Python path refuses: {line!r}"
    assert got == want, f"the lane's scorecard differs on {line!r}\n{_where(got, want)}"
    return True


def test_the_compiled_kernel_is_built():
    assert fastlane.available
    assert fastlane.lane(FW) is not None


# --- complete inputs ------------------------------------------------------------------------


@pytest.mark.parametrize("seeds", [range(k, k + 500) for k in range(0, 1500, 500)], ids=str)
def test_the_lane_scores_every_complete_generated_input(lane, seeds):
    for line in complete_lines(FW, seeds):
        assert agrees(lane, FW, line), f"the lane stepped aside from a complete input: {line!r}"


def test_the_lane_scores_complete_inputs_written_with_escapes_and_spaces(lane):
    # json.dumps' default escapes every Chinese character: such files get the kernel too.
    lines = complete_lines(FW, range(2000, 2150), ascii_only=True)
    lines += complete_lines(FW, range(2150, 2300), spaced=True)
    for line in lines:
        assert agrees(lane, FW, line), f"the lane stepped aside from a complete input: {line!r}"


@pytest.mark.parametrize("path", sorted(EXAMPLES.glob("*.yaml")), ids=lambda p: p.stem)
def test_the_lane_agrees_on_the_examples(lane, path):
    # An example may lack data (then the lane may step aside); what it writes must be the same.
    data = parse_input(load_yaml(path.read_text(encoding="utf-8")), FW)
    for options in ({}, {"ascii_only": True}):
        agrees(lane, FW, line_of(data.to_dict(), **options))
        agrees(lane, FW, json.dumps(data.to_dict(), ensure_ascii=False).encode())


# --- other frameworks -----------------------------------------------------------------------


@pytest.mark.parametrize("fw", [REVISED, TWO_LEVEL], ids=["revised", "two-level"])
def test_the_lane_of_another_framework_agrees_or_does_not_exist(fw):
    lines = complete_lines(fw, range(200))
    base = load_yaml((FIXTURES / "two-level-input.yaml").read_text(encoding="utf-8"))
    if fw is TWO_LEVEL:
        lines.append(line_of(parse_input(base, fw).to_dict()))
    # With a lane or without (then every line takes the Python path), the batch writes the same.
    fast, slow = io.StringIO(), io.StringIO()
    score_lines(lines, fast, fw, fast=True)
    score_lines(lines, slow, fw, fast=False)
    assert fast.getvalue() == slow.getvalue()
    other_lane = fastlane.lane(fw)
    if other_lane is not None:
        for line in lines:
            agrees(other_lane, fw, line)
        # Nor may a lane built for one framework score another's input as its own.
        for line in complete_lines(FW, range(20)):
            agrees(other_lane, fw, line)


def test_a_revised_framework_gets_a_lane_that_scores_its_complete_inputs():
    revised = fastlane.lane(REVISED)
    assert revised is not None
    for line in complete_lines(REVISED, range(100)):
        assert agrees(revised, REVISED, line), f"stepped aside from a complete input: {line!r}"


def test_a_framework_with_a_rule_the_kernel_does_not_run_gets_no_lane():
    # two-level.yaml has an any-of indicator with computed conditions: its lines take Python.
    assert fastlane.lane(TWO_LEVEL) is None


def test_a_lane_is_one_frameworks_own(lane):
    # The bundled lane on inputs of the revised framework (same metrics, other rules).
    for line in complete_lines(REVISED, range(50)):
        agrees(lane, FW, line)


# --- the mutation corpus --------------------------------------------------------------------


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_the_lane_agrees_on_every_mutation(lane, case: Case):
    for base in BASES:
        agrees(lane, FW, case.line(base))


# --- random mutations -----------------------------------------------------------------------


def _awkward() -> st.SearchStrategy[Any]:
    return st.one_of(
        st.sampled_from(AWKWARD),
        st.integers(min_value=-(10**20), max_value=10**20),
        st.decimals(allow_nan=False, allow_infinity=False, places=None).map(lambda d: Raw(str(d))),
        st.floats(allow_nan=False, allow_infinity=False).map(lambda f: Raw(repr(f))),
        st.text(max_size=8),
    )


@settings(
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(seed=st.integers(min_value=0, max_value=30), data=st.data())
def test_the_lane_agrees_on_random_mutations(lane, seed, data):
    doc = copy.deepcopy(BASES[seed % len(BASES)] if seed < 4 else complete(FW, seed))
    for _ in range(data.draw(st.integers(min_value=1, max_value=3), label="changes")):
        found = paths(doc)
        path = data.draw(st.sampled_from(found), label="path")
        parent, key = at(doc, path[:-1]), path[-1]
        action = data.draw(st.sampled_from(["replace", "replace", "delete", "add key"]))
        if action == "replace":
            parent[key] = copy.deepcopy(data.draw(_awkward(), label="value"))
        elif action == "delete":
            del parent[key]
        else:
            target = at(doc, path)
            if not isinstance(target, dict):
                target = parent if isinstance(parent, dict) else doc
            new_key = data.draw(st.sampled_from(["x", " 2022", "2022", "10", "", "name"]))
            target[new_key] = copy.deepcopy(data.draw(_awkward(), label="value"))
    agrees(lane, FW, line_of(doc))


@pytest.mark.parametrize("fw", [FW, REVISED], ids=["bundled", "revised"])
def test_the_lane_agrees_on_random_plausible_figures(fw):
    fw_lane = fastlane.lane(fw)
    assert fw_lane is not None
    bases = BASES if fw is FW else [complete(fw, seed) for seed in range(4)]
    accepted = valid = 0
    for seed in range(1000):
        line = line_of(vary_figures(random.Random(seed), fw, bases[seed % len(bases)]))
        valid += ref_bytes(fw, line) is not None
        accepted += agrees(fw_lane, fw, line)
    # These lines are meant to reach the kernel's arithmetic; if it stepped aside from most,
    # the agreement above would prove little.
    assert accepted >= valid // 2, (accepted, valid)


@settings(
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(rng=st.randoms(use_true_random=False), base=st.integers(0, len(BASES) - 1))
def test_the_lane_agrees_on_plausible_figures_drawn_by_hypothesis(lane, rng, base):
    agrees(lane, FW, line_of(vary_figures(rng, FW, BASES[base])))


# --- through the batch ----------------------------------------------------------------------


def _mixed_lines() -> list[str | bytes]:
    base = BASES[1]
    valid = complete_lines(FW, range(3000, 3040))
    mutated = [case.line(base) for case in CASES]
    lines: list[str | bytes] = []
    for k, line in enumerate(valid + mutated):
        try:
            text = line.decode()
        except UnicodeDecodeError:
            text = line.decode("utf-8", "surrogateescape")
        # Text and bytes alike, as read from a file (newline kept) or not, and blank lines.
        lines.append([line, text, line + b"\n", text + "\r\n"][k % 4])
        if k % 7 == 0:
            lines.append(["", b"", "  \n", b"\t\r\n", "\u3000"][k % 5])
    lines += ["\ufeff" + valid[0].decode(), "\u3000" + valid[1].decode() + "\u00a0"]
    lines += [b"\xef\xbb\xbf" + valid[2], b"\x0c" + valid[3] + b"\x0b"]
    return lines


@pytest.mark.parametrize("into", ["text", "utf-8 file"])
def test_the_batch_writes_the_same_with_and_without_the_lane(into):
    lines = _mixed_lines()
    outputs = []
    for fast in (True, False):
        raw = io.BytesIO()
        out: Any = io.StringIO() if into == "text" else io.TextIOWrapper(raw, encoding="utf-8")
        result = score_lines(lines, out, FW, fast=fast)
        out.flush()
        outputs.append((result, out.getvalue() if into == "text" else raw.getvalue()))
    (fast_result, fast_out), (slow_result, slow_out) = outputs
    assert fast_result == slow_result
    assert slow_result.scored >= 40 and slow_result.failed >= 100
    newline = "\n" if into == "text" else b"\n"
    rows = zip(fast_out.split(newline), slow_out.split(newline), strict=False)
    for row, (a, b) in enumerate(rows, start=1):
        assert a == b, f"output line {row} differs"
    assert fast_out == slow_out


# --- acceptance -----------------------------------------------------------------------------


def test_the_lane_scores_every_line_of_the_bench(lane):
    # The bench's own lines (json.dumps of floats, with spaces): the lane must take them all.
    rng = random.Random(20261122)
    lines = [
        json.dumps(BENCH.complete_input(rng, FW, i), ensure_ascii=False).encode()
        for i in range(1000)
    ]
    stepped_aside = [line for line in lines if lane.score(line) is None]
    assert not stepped_aside, (
        f"{len(stepped_aside)} of 1000 stepped aside, e.g. {stepped_aside[0]!r}"
    )
    for line in lines[:200]:
        assert agrees(lane, FW, line)


def test_the_reference_refuses_what_it_must():
    # The harness itself: a refused line is None, an accepted one the scorecard's JSON.
    assert ref_bytes(FW, b"{}") is None
    assert ref_bytes(FW, b"[") is None
    card = ref_bytes(FW, line_of(BASES[0]))
    assert card is not None and json.loads(card, parse_float=Decimal)["region"] == "示例市0"
