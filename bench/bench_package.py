"""Benchmark: stream the 申报材料包 of 500 evidence files (200 MB) to /dev/null.

Target (issue 6): peak RSS ≤ 200 MB whatever the evidence volume. The files are random bytes (as
incompressible as the PDFs and photos they stand for) in a temporary directory; the package is
written by the real writer (demozone.reports.package.stream_package), with the real 自评报告 .docx
and scoring workbook of a full campaign in front. The writing runs in a child process, so that the
peak resident set measured (the kernel's VmHWM, i.e. ru_maxrss) is the writer's alone: imports,
the two documents, the zip and the manifest. Exits non-zero when the target is missed.
Run with `make bench`.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

TARGET_MB = 200
FILES = 500
TOTAL_MB = 200
EXTENSIONS = (".pdf", ".pdf", ".pdf", ".jpg", ".png", ".docx", ".xlsx", ".doc")


def make_evidence(root: Path, count: int, total: int, seed: int) -> list[dict[str, object]]:
    """``count`` files of random bytes adding up to ``total`` bytes, with items and titles."""
    rng = random.Random(seed)
    weights = [rng.uniform(0.2, 1.8) for _ in range(count)]
    scale = total / sum(weights)
    sizes = [int(w * scale) for w in weights]
    sizes[-1] += total - sum(sizes)
    out = []
    block = os.urandom(1 << 20)
    for i, size in enumerate(sizes):
        indicator = rng.randint(1, 41)
        item = f"{indicator}.{rng.randint(1, 3)}"
        path = root / f"{i:04d}"
        with path.open("wb") as fh:
            left = size
            while left:
                # Fresh random bytes per file would take longer to make than to pack; a random
                # offset into a random block keeps each file distinct and incompressible.
                start = rng.randrange(0, len(block) // 2)
                piece = block[start : start + min(left, len(block) // 2)]
                fh.write(piece)
                left -= len(piece)
        out.append(
            {
                "path": str(path),
                "indicator": indicator,
                "item": item,
                "title": f"佐证材料{i + 1}：{rng.choice(['会议纪要', '工作方案', '成立文件', '照片'])}",
                "filename": f"原始文件{i + 1}{rng.choice(EXTENSIONS)}",
            }
        )
    return out


def child(listing: Path) -> int:
    """Stream the package to /dev/null and print what it cost, as JSON."""
    start = time.perf_counter()
    from bench_reports import full_campaign  # noqa: PLC0415

    from demozone.reports.docx import render_report  # noqa: PLC0415
    from demozone.reports.package import (  # noqa: PLC0415
        PackageFile,
        PackageInfo,
        evidence_path,
        stream_package,
        unique_paths,
    )
    from demozone.reports.xlsx import render_workbook  # noqa: PLC0415

    evidence = json.loads(listing.read_text(encoding="utf-8"))
    ctx = full_campaign(20261122)
    docx, xlsx = render_report(ctx), render_workbook(ctx)
    ready = time.perf_counter()
    before_kb = _peak_kb()
    paths = unique_paths(
        [evidence_path(e["indicator"], e["item"], e["title"], e["filename"]) for e in evidence]
    )
    files = [
        PackageFile("自评报告.docx", docx, "自评报告"),
        PackageFile("自评评分表.xlsx", xlsx, "评分工作簿"),
        *(
            PackageFile(p, Path(e["path"]), "佐证材料", title=e["title"], items=(e["item"],))
            for p, e in zip(paths, evidence, strict=True)
        ),
    ]
    info = PackageInfo("基准测试申报材料", ctx.region, dt.datetime.now().astimezone())
    written = 0
    chunks = 0
    with open(os.devnull, "wb") as sink:
        for chunk in stream_package(info, files):
            sink.write(chunk)
            written += len(chunk)
            chunks += 1
    done = time.perf_counter()
    print(
        json.dumps(
            {
                "bytes": written,
                "chunks": chunks,
                "files": len(files),
                "stream_s": done - ready,
                "setup_s": ready - start,
                "peak_rss_mb": _peak_kb() / 1024,
                "rss_before_stream_mb": before_kb / 1024,
            }
        )
    )
    return 0


def _peak_kb() -> int:
    """The process's peak resident set in KiB: VmHWM where /proc exists, else ru_maxrss."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--files", type=int, default=FILES)
    parser.add_argument("--total-mb", type=int, default=TOTAL_MB)
    parser.add_argument("--seed", type=int, default=20261122)
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        return child(args.child)
    tmp = Path(tempfile.mkdtemp(prefix="demozone-bench-package-"))
    try:
        made = time.perf_counter()
        evidence = make_evidence(tmp, args.files, args.total_mb * 1024 * 1024, args.seed)
        listing = tmp / "evidence.json"
        listing.write_text(json.dumps(evidence, ensure_ascii=False), encoding="utf-8")
        print(
            f"package: {args.files} evidence files, {args.total_mb} MB made in "
            f"{time.perf_counter() - made:.1f} s"
        )
        done = subprocess.run(
            [sys.executable, __file__, "--child", str(listing)],
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode != 0:
            print(done.stdout, done.stderr, file=sys.stderr)
            return 1
        result = json.loads(done.stdout.strip().splitlines()[-1])
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    rate = result["bytes"] / 1024 / 1024 / result["stream_s"]
    print(
        f"package: streamed {result['bytes'] / 1024 / 1024:.0f} MB in {result['chunks']} chunks "
        f"in {result['stream_s']:.2f} s ({rate:.0f} MB/s); documents ready in {result['setup_s']:.2f} s"
    )
    print(
        f"package: peak RSS {result['peak_rss_mb']:.0f} MB "
        f"({result['rss_before_stream_mb']:.0f} MB before streaming); target ≤ {TARGET_MB} MB"
    )
    return 0 if result["peak_rss_mb"] <= TARGET_MB else 1


if __name__ == "__main__":
    raise SystemExit(main())
