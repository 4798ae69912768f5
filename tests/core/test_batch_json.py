"""The batch path writes a scorecard's JSON straight from the plan (core/cardjson.py): it must
give exactly the bytes of ``orjson.dumps(score(...).to_dict())``, which every other caller uses,
on any input: complete, partial, undefined, judged, overridden, and on other frameworks."""

from __future__ import annotations

import copy
import importlib.util
import io
import json
import random
from decimal import Decimal
from pathlib import Path
from typing import Any

import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from demozone.batch import score_lines
from demozone.core.cardjson import _text, scorecard_json
from demozone.core.errors import InputError
from demozone.core.inputs import parse_input
from demozone.core.items import item_specs
from demozone.core.loader import Framework, load_bundled, load_framework_file
from demozone.core.scoring import score
from demozone.core.yamlio import load_yaml
from factories import complete_input

FW = load_bundled()
ROOT = Path(__file__).parent.parent.parent
FIXTURES = ROOT / "tests" / "fixtures" / "frameworks"
EXAMPLES = ROOT / "examples"
REVISED = load_framework_file(FIXTURES / "samr-revised-080.yaml")
TWO_LEVEL = load_framework_file(FIXTURES / "two-level.yaml")
# The bench's generator: random but consistent figures for any framework's metrics.
_SPEC = importlib.util.spec_from_file_location("bench_scoring", ROOT / "bench" / "bench_scoring.py")
assert _SPEC is not None and _SPEC.loader is not None
BENCH = importlib.util.module_from_spec(_SPEC)
_SPEC.loader.exec_module(BENCH)
NASTY = ['专家核定 "口径" \\ 调整', "换行\n制表\t", "😀", "分隔\u2028符", " 前后空格 ", "</script>"]


def _reference(fw: Framework, doc: Any) -> bytes | None:
    try:
        data = parse_input(doc, fw)
    except InputError:
        return None
    return orjson.dumps(score(fw, data).to_dict())


def _same(fw: Framework, doc: Any) -> bool:
    """True if the input is valid; asserts both paths agree on it."""
    try:
        data = parse_input(doc, fw)
    except InputError:
        return False
    assert scorecard_json(fw, data) == orjson.dumps(score(fw, data).to_dict()), doc
    return True


def _figures(doc: Any) -> list[tuple[Any, Any]]:
    """(container, key) of every number in a document, years and judgments aside."""
    found = []

    def walk(node: Any, top: str) -> None:
        items = node.items() if isinstance(node, dict) else enumerate(node)
        for key, value in items:
            if isinstance(value, dict | list):
                walk(value, top)
            elif (
                isinstance(value, int | float | Decimal)
                and not isinstance(value, bool)
                and key != "year"
            ):
                found.append((node, key))

    for top, value in doc.items():
        if top not in ("years", "judgments") and isinstance(value, dict | list):
            walk(value, top)
    return found


def _varied(rng: random.Random, fw: Framework, doc: dict[str, Any]) -> dict[str, Any]:
    """``doc`` with a few random changes of the kinds that change a scorecard's form."""
    specs = item_specs(fw, tuple(doc["years"]))
    counts = doc.setdefault("counts", {})
    figures = _figures(doc)
    for change in rng.sample(range(9), rng.randint(0, 4)):
        if change == 0 and figures:  # not reported, or zero (denominators, levels)
            for node, key in rng.sample(figures, min(len(figures), rng.randint(1, 6))):
                node[key] = rng.choice([None, 0, Decimal("0.0")])
        elif change == 1:  # parts of a zero whole
            for metric in fw.doc.metrics:
                if metric.part_of and rng.random() < 0.4:
                    counts[metric.part_of] = 0
                    for part in fw.doc.metrics:
                        if part.part_of == metric.part_of:
                            counts[part.id] = 0
        elif change == 2:  # judgments of any item, with every kind of value
            for spec in rng.sample(list(specs.values()), min(len(specs), 8)):
                if spec.judgeable:
                    values = [True, False, None]
                    if not spec.bool_only:
                        values += [Decimal(0), spec.step, spec.max, Decimal("1.0")]
                    value = rng.choice(values)
                    if not isinstance(value, bool) and value is not None and value > spec.max:
                        value = spec.max
                    doc.setdefault("judgments", {})[spec.id] = value
        elif change == 3:
            scored = [s for s in specs.values() if s.scored]
            doc["overrides"] = {
                s.id: {
                    "score": min(s.max, rng.choice([Decimal(0), Decimal("0.25"), s.max])),
                    "reason": rng.choice(NASTY),
                }
                for s in rng.sample(scored, rng.randint(1, 3))
            }
        elif change == 4:  # figures written with trailing zeros, or very precise
            for node, key in rng.sample(figures, min(len(figures), 6)):
                if node is counts:  # most counts are whole
                    node[key] = Decimal(rng.choice(["7.0", "0.00", "1E+1"]))
                elif node[key] is not None:
                    node[key] = Decimal(rng.choice(["1.50", "0.123456789012345", "99.990", "7"]))
        elif change == 5:
            doc.pop(rng.choice(["rates", "statistics", "large_operators", "judgments"]), None)
        elif change == 6:
            doc["large_operators"] = [
                {
                    "name": rng.choice(NASTY),
                    "year": rng.choice(doc["years"]),
                    "ecommerce_sales": 9e3,
                }
                for _ in range(rng.randint(0, 3))
            ]
        elif change == 7:
            doc["region"] = {
                "name": rng.choice(NASTY),
                "zone": rng.choice(["east", "中部", "west"]),
            }
        elif change == 8 and fw is FW:  # the nation's figures given, and other definitions
            y0, y1 = doc["years"]
            national = doc.setdefault("statistics", {}).setdefault("national", {})
            national["online_retail_sales"] = {
                str(y0 - 1): 120000,
                str(y0): 137853,
                str(y1): 150000,
            }
            national["express_growth"] = {str(y1): Decimal("19.40")}
            national["definitions"] = {"online_retail_sales": "physical_goods"}
    return doc


def _line(value: Any) -> str:
    """JSON text with decimals written as they are (json.dumps cannot)."""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dict):
        return "{" + ",".join(f"{_line(str(k))}:{_line(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list | tuple):
        return "[" + ",".join(_line(v) for v in value) + "]"
    return json.dumps(value, ensure_ascii=False)


def _generated(fw: Framework, seed: int) -> dict[str, Any]:
    rng = random.Random(seed)
    doc = json.loads(json.dumps(BENCH.complete_input(rng, fw, seed)), parse_float=Decimal)
    return _varied(rng, fw, doc)


@pytest.mark.parametrize("seeds", [range(k, k + 50) for k in range(0, 300, 50)], ids=str)
def test_the_direct_json_is_the_scorecards_own_on_varied_inputs(seeds):
    # About half the varied inputs are refused (a part above its whole …); the rest must agree.
    valid = sum(_same(FW, _generated(FW, seed)) for seed in seeds)
    assert valid >= 20


@pytest.mark.parametrize("fw", [REVISED, TWO_LEVEL], ids=["revised", "two-level"])
def test_the_direct_json_is_the_scorecards_own_on_other_frameworks(fw):
    base = load_yaml((FIXTURES / "two-level-input.yaml").read_text(encoding="utf-8"))
    valid = 0
    for seed in range(80):
        rng = random.Random(seed)
        doc = _varied(rng, fw, copy.deepcopy(base)) if fw is TWO_LEVEL else _generated(fw, seed)
        valid += _same(fw, doc)
    assert valid >= 30


@pytest.mark.parametrize("path", sorted(EXAMPLES.glob("*.yaml")), ids=lambda p: p.stem)
def test_the_direct_json_is_the_scorecards_own_on_the_examples(path):
    assert _same(FW, load_yaml(path.read_text(encoding="utf-8")))


def test_the_direct_json_is_the_scorecards_own_on_the_full_marks_input():
    assert _same(FW, complete_input())


def _judgments(spec: Any) -> st.SearchStrategy[Any]:
    """Any judgment the item may be given, or none."""
    values: list[Any] = [None, True, False]
    if not spec.bool_only:
        values += [spec.step * k for k in range(int(spec.max / spec.step) + 1)]
    return st.sampled_from(values)


JUDGEABLE = {i: s for i, s in item_specs(FW, (2022, 2023)).items() if s.judgeable}


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    judgments=st.fixed_dictionaries({}, optional={i: _judgments(s) for i, s in JUDGEABLE.items()}),
    dropped=st.lists(st.sampled_from(sorted(FW.metrics_of_kind("count"))), max_size=5),
    zeros=st.lists(st.sampled_from(sorted(FW.metrics_of_kind("count"))), max_size=3),
)
def test_any_judgments_and_missing_or_zero_counts_give_the_same_json(judgments, dropped, zeros):
    doc = complete_input()
    doc["judgments"] = {**doc["judgments"], **judgments}
    for metric in dropped:
        doc["counts"].pop(metric, None)
    for metric in zeros:
        doc["counts"][metric] = 0
    for metric in FW.metrics_of_kind("count").values():  # a part of a zero whole is zero
        if metric.part_of and doc["counts"].get(metric.part_of) == 0 and metric.id in doc["counts"]:
            doc["counts"][metric.id] = 0
    assert _same(FW, doc)


def test_text_is_written_as_orjson_writes_it_for_every_character():
    for start in range(0, 0x30000, 0x1000):
        chars = [chr(c) for c in range(start, start + 0x1000) if not 0xD800 <= c <= 0xDFFF]
        for char in chars:
            assert _text(f"理由{char}x") == orjson.dumps(f"理由{char}x"), hex(ord(char))


def test_a_batch_writes_each_line_as_the_scorecards_json_or_its_errors():
    docs = [_generated(FW, seed) for seed in range(40)]
    lines = [_line(d) for d in docs]
    lines += ["{", "[]", '{"region": 1}']
    out = io.StringIO()
    score_lines(lines, out, FW)
    written = out.getvalue().split("\n")[:-1]  # not splitlines(): U+2028 is not escaped
    assert len(written) == len(lines)
    for number, (line, got) in enumerate(zip(lines, written, strict=True), start=1):
        try:
            doc = json.loads(line, parse_float=Decimal)
        except ValueError:
            assert json.loads(got)["line"] == number
            continue
        want = _reference(FW, doc)
        if want is None:
            assert json.loads(got)["line"] == number
        else:
            assert got.encode() == want


def test_a_lone_surrogate_is_a_bad_line_not_a_crash():
    # json.loads reads "\ud800", which no UTF-8 output can hold.
    valid_but_unwritable = _line(dict(complete_input(), region={"name": "\\ud800", "zone": "east"}))
    lines = [valid_but_unwritable.replace("\\\\ud800", "\\ud800"), '{"region": "\\ud800"}']
    out = io.StringIO()
    result = score_lines(lines, out, FW)
    assert (result.scored, result.failed) == (0, 2)
    first, second = (json.loads(row) for row in out.getvalue().split("\n")[:-1])
    assert first == {"line": 1, "errors": [{"path": "", "message": first["errors"][0]["message"]}]}
    assert "UTF-8" in first["errors"][0]["message"]
    assert second["line"] == 2
    assert second["errors"][0]["path"] == "region"
    assert "\ud800" in second["errors"][0]["message"]
