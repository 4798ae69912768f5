"""Benchmark: score 10,000 generated complete inputs through the batch path (`score --jsonl`).

Prints evaluations per second and microseconds per evaluation. Target (issue 2): ≤ 100 µs per
evaluation on one core. Run with `make bench`.
"""

from __future__ import annotations

import argparse
import io
import json
import random
import time
from decimal import Decimal
from typing import Any

from demozone.batch import score_lines
from demozone.core.items import item_specs
from demozone.core.loader import Framework, load_bundled

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
                str(first + k): round(base * (1 + rng.uniform(-0.05, 0.2)) ** k, 2) for k in range(3)
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
            counts[m.id] = round(whole * rng.uniform(0.0, 1.0)) if m.integer else round(
                whole * rng.uniform(0, 1), 2
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
            {"name": f"企业{k}", "year": rng.choice(YEARS), "ecommerce_sales": _amount(rng, 1000, 40000)}
            for k in range(rng.randint(0, 3))
        ],
        "judgments": judgments,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=20261122)
    args = parser.parse_args()

    framework = load_bundled()
    rng = random.Random(args.seed)
    lines = [
        json.dumps(complete_input(rng, framework, i), ensure_ascii=False)
        for i in range(args.count)
    ]
    # One warm-up pass over a few lines so that caches and imports are not timed.
    score_lines(lines[:50], io.StringIO(), framework)

    out = io.StringIO()
    cpu_start, start = time.process_time(), time.perf_counter()
    result = score_lines(lines, out, framework)
    elapsed = time.perf_counter() - start
    cpu = time.process_time() - cpu_start

    assert result.failed == 0, f"{result.failed} generated inputs were rejected"
    first = json.loads(out.getvalue().splitlines()[0], parse_float=Decimal)
    assert len(first["indicators"]) == len(framework.indicators)
    per_eval = elapsed / args.count * 1e6
    print(f"scoring: {args.count} evaluations through the batch path in {elapsed:.2f} s")
    print(f"scoring: {args.count / elapsed:,.0f} evaluations/s, {per_eval:.1f} µs per evaluation")
    # CPU time is steadier than wall time when other work shares the machine.
    print(f"scoring: {cpu / args.count * 1e6:.1f} µs CPU per evaluation")
    print("scoring: target ≤ 100 µs per evaluation (one core)")


if __name__ == "__main__":
    main()
