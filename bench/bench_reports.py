"""Benchmark: render the 自评报告 .docx (and the workbook, and the PDF when LibreOffice is there)
for a full campaign: a complete input, departments for all 41 indicators, 200 evidence files.

Target (issue 6): the .docx in ≤ 3 s. Prints the first (cold) render and the median of the next
runs; exits non-zero when the cold .docx render misses the target. Run with `make bench`.
"""

from __future__ import annotations

import argparse
import hashlib
import random
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_scoring import complete_input

from demozone.core.loader import load_bundled
from demozone.reports.context import EvidenceRef, ReportContext, context_from_document
from demozone.reports.docx import render_report
from demozone.reports.pdf import render_pdf, soffice
from demozone.reports.xlsx import render_workbook

TARGET_S = 3.0
DEPARTMENTS = (
    "市市场监管局",
    "市商务局",
    "市发改委",
    "市工信局",
    "市公安局",
    "市邮管局",
    "市农业农村局",
)


def full_campaign(seed: int) -> ReportContext:
    rng = random.Random(seed)
    framework = load_bundled()
    base = context_from_document(complete_input(rng, framework, 1), framework=framework)
    departments = {
        ind.number: tuple(rng.sample(DEPARTMENTS, rng.randint(1, 4)))
        for ind in framework.indicators
    }
    evidence = []
    for k in range(200):
        ind = rng.choice(framework.indicators)
        title = f"佐证材料{k + 1}"
        evidence.append(
            EvidenceRef(
                f"{ind.number}-{k + 1}",
                title,
                (str(ind.number),),
                hashlib.sha256(title.encode()).hexdigest(),
                f"{ind.number}-{title}.pdf",
            )
        )
    return ReportContext(
        framework=framework,
        evaluation=base.evaluation,
        scorecard=base.scorecard,
        date=base.date,
        departments=departments,
        evidence=tuple(evidence),
    )


def timed(label: str, fn: Callable[[], bytes], runs: int) -> float:
    start = time.perf_counter()
    size = len(fn())
    cold = time.perf_counter() - start
    warm = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        warm.append(time.perf_counter() - start)
    median = statistics.median(warm) if warm else cold
    print(
        f"reports: {label}: first {cold:.2f} s, median of {len(warm)} more {median:.2f} s, {size / 1024:.0f} KiB"
    )
    return cold


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--seed", type=int, default=20261122)
    args = parser.parse_args()
    ctx = full_campaign(args.seed)
    cold = timed("自评报告 .docx", lambda: render_report(ctx), args.runs)
    timed("评分工作簿 .xlsx", lambda: render_workbook(ctx), args.runs)
    if soffice() is not None:
        timed("自评报告 .pdf (LibreOffice)", lambda: render_pdf(ctx), 1)
    else:
        print("reports: .pdf skipped: LibreOffice not installed (scripts/system-deps.sh)")
    print(f"reports: target: .docx ≤ {TARGET_S:.0f} s")
    return 0 if cold <= TARGET_S else 1


if __name__ == "__main__":
    raise SystemExit(main())
