"""Benchmark: score 10,000 generated complete inputs through the batch path (`score --jsonl`).

Prints evaluations per second and microseconds per evaluation, CPU time first (steadier than wall
time when other work shares the machine). The batch path offers each line to the compiled kernel
(core/fastlane.py) first; the Python path alone is timed too, on 2,000 of the lines. The output goes to a UTF-8 text file, as `demozone
score --jsonl in.jsonl > out.jsonl` writes it, and again to an io.StringIO (as the tests give it).
Then the cost of each stage of a line, on 1,000 of the inputs. Target (issue 2): ≤ 100 µs per
evaluation on one core. Run with `make bench`.
"""

from __future__ import annotations

import argparse
import gc
import io
import json
import os
import random
import time
from collections.abc import Callable
from decimal import Decimal
from typing import Any, TextIO

import orjson

from demozone.batch import score_lines
from demozone.core import fastlane
from demozone.core.cardjson import scorecard_json
from demozone.core.inputs import parse_input
from demozone.core.items import item_specs
from demozone.core.loader import Framework, load_bundled
from demozone.core.scoring import score

YEARS = (2022, 2023)


def _amount(rng: random.Random, low: float, high: float) -> float:
    return round(rng.uniform(low, high), 2)


def complete_input(rng: random.Random, framework: Framework, index: int) -> dict[str, Any]:
    """A complete input with random but consistent figures (every part within its whole)."""
    metrics = framework.doc.metrics
    first = YEARS[0] - 1
    region_stats: dict[str, Any] = {}
    for m in metrics:
        if m.kind == "series" and "region" in m.scopes:
            base = _amount(rng, 100, 50000)
            region_stats[m.id] = {
                str(first + k): round(base * (1 + rng.uniform(-0.05, 0.2)) ** k, 2)
                for k in range(3)
            }
    if rng.random() < 0.5:
        region_stats["online_retail_growth"] = {str(YEARS[1]): _amount(rng, -5, 25)}
    counts: dict[str, Any] = {}
    pending = [m for m in metrics if m.kind == "count"]
    while pending:
        m = pending.pop(0)
        if m.part_of and m.part_of not in counts:
            pending.append(m)
            continue
        if m.part_of:
            whole = counts[m.part_of]
            counts[m.id] = (
                round(whole * rng.uniform(0.0, 1.0))
                if m.integer
                else round(whole * rng.uniform(0, 1), 2)
            )
        else:
            counts[m.id] = rng.randint(0, 5_000_000) if m.integer else _amount(rng, 0, 100000)
    rates: dict[str, dict[str, float]] = {"region": {}, "national": {}}
    for m in metrics:
        if m.kind == "rate":
            for scope in m.scopes:
                rates[scope][m.id] = _amount(rng, 50, 100)
    judgments: dict[str, Any] = {}
    for spec in item_specs(framework, YEARS).values():
        if spec.judgeable and spec.qualitative:
            if spec.bool_only or spec.max != spec.max.to_integral_value() or rng.random() < 0.7:
                judgments[spec.id] = rng.random() < 0.8
            else:
                judgments[spec.id] = float(rng.choice(range(int(spec.max * 2) + 1)) / 2)
    return {
        "region": {"name": f"示例市{index}", "zone": rng.choice(["east", "central", "west"])},
        "years": list(YEARS),
        "statistics": {"region": region_stats},
        "counts": counts,
        "rates": rates,
        "large_operators": [
            {
                "name": f"企业{k}",
                "year": rng.choice(YEARS),
                "ecommerce_sales": _amount(rng, 1000, 40000),
            }
            for k in range(rng.randint(0, 3))
        ],
        "judgments": judgments,
    }


def timed_batch(
    lines: list[str], out: TextIO, framework: Framework, *, fast: bool = True
) -> tuple[float, float]:
    """CPU and wall seconds of one batch run."""
    cpu_start, start = time.process_time(), time.perf_counter()
    result = score_lines(lines, out, framework, fast=fast)
    elapsed = time.perf_counter() - start
    cpu = time.process_time() - cpu_start
    assert result.failed == 0, f"{result.failed} generated inputs were rejected"
    return cpu, elapsed


def stage_costs(lines: list[str], framework: Framework) -> dict[str, float]:
    """CPU µs per evaluation of each stage of a line, each stage over all ``lines``: the batch
    path's (json.loads, parse_input, scorecard_json) and the Scorecard's that the web, the
    reports and single-file scoring take (score, to_dict, orjson.dumps).

    The garbage collector is paused meanwhile: holding a stage's results for all lines would
    otherwise add collections that the batch, which keeps nothing, never makes.
    """
    costs: dict[str, float] = {}

    def stage(name: str, step: Callable[[Any], Any], values: list[Any]) -> list[Any]:
        start = time.process_time()
        results = [step(value) for value in values]
        costs[name] = (time.process_time() - start) / len(values) * 1e6
        return results

    gc.disable()
    try:
        kernel = fastlane.lane(framework)
        if kernel is not None:
            encoded = stage("encode", str.encode, lines)
            stage("kernel", kernel.score, encoded)
        data = stage("json.loads", lambda line: json.loads(line, parse_float=Decimal), lines)
        inputs = stage("parse_input", lambda doc: parse_input(doc, framework), data)
        stage("scorecard_json", lambda evaluation: scorecard_json(framework, evaluation), inputs)
        cards = stage("score", lambda evaluation: score(framework, evaluation), inputs)
        dicts = stage("to_dict", lambda card: card.to_dict(), cards)
        stage("orjson.dumps", lambda d: orjson.dumps(d, option=orjson.OPT_APPEND_NEWLINE), dicts)
    finally:
        gc.enable()
    return costs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=20261122)
    args = parser.parse_args()

    framework = load_bundled()
    rng = random.Random(args.seed)
    lines = [
        json.dumps(complete_input(rng, framework, i), ensure_ascii=False) for i in range(args.count)
    ]
    # One warm-up pass over a few lines so that caches and imports are not timed.
    score_lines(lines[:50], io.StringIO(), framework)

    if fastlane.lane(framework) is None:
        print("scoring: the compiled kernel is not built: every line takes the Python path")
    with open(os.devnull, "w", encoding="utf-8") as sink:
        cpu, elapsed = timed_batch(lines, sink, framework)
    buffer = io.StringIO()
    buffer_cpu, _ = timed_batch(lines, buffer, framework)
    python_lines = lines[: min(len(lines), 2000)]
    with open(os.devnull, "w", encoding="utf-8") as sink:
        python_cpu, _ = timed_batch(python_lines, sink, framework, fast=False)

    first = json.loads(buffer.getvalue().splitlines()[0], parse_float=Decimal)
    assert len(first["indicators"]) == len(framework.indicators)
    assert first["indicators"][0]["items"][0]["reason"]
    n = args.count
    print(f"scoring: {n} evaluations through the batch path in {elapsed:.2f} s")
    print(f"scoring: {n / cpu:,.0f} evaluations/s, {cpu / n * 1e6:.1f} µs CPU per evaluation")
    print(f"scoring: {elapsed / n * 1e6:.1f} µs wall per evaluation")
    print(f"scoring: into io.StringIO: {buffer_cpu / n * 1e6:.1f} µs CPU per evaluation")
    print(
        f"scoring: Python path alone (fast=False, {len(python_lines)} lines): "
        f"{python_cpu / len(python_lines) * 1e6:.1f} µs CPU per evaluation"
    )
    costs = stage_costs(lines[: min(n, 1000)], framework)
    if "kernel" in costs:
        print(
            f"scoring: compiled kernel stages, µs CPU per evaluation: "
            f"encode {costs['encode']:.1f}, kernel {costs['kernel']:.1f}"
        )
    python_stages = ("json.loads", "parse_input", "scorecard_json")
    print(
        "scoring: Python path stages, µs CPU per evaluation: "
        + ", ".join(f"{name} {costs[name]:.1f}" for name in python_stages)
    )
    print(
        "scoring: Scorecard path (web, reports), µs CPU per evaluation: "
        + ", ".join(
            f"{name} {cost:.1f}"
            for name, cost in costs.items()
            if name not in ("scorecard_json", "encode", "kernel")
        )
    )
    print("scoring: target ≤ 100 µs per evaluation (one core)")


if __name__ == "__main__":
    main()
