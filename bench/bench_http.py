"""Benchmark: the logged-in dashboard of a full campaign under concurrent clients (issue 3).

The production server exactly as ``make run`` starts it (``bootstrap`` then ``serve``: gunicorn,
the production settings, SQLite in a fresh data directory, as many workers as ``make run`` uses
unless ``--workers`` says otherwise), loaded with a full campaign: Yancheng's template (28
departments, 334 assignments) with all 41 indicators filled. An office user logs in through the
login form like a browser; then Debian's ``wrk`` (C, so the load generator takes little of the
CPU it shares with the server) keeps 20 connections busy on loopback, in alternating rounds,
against a trivial Django view (``/healthz/``: the whole middleware stack, no query or template of
its own) with the same session cookie, against the dashboard, and against the trivial view
without a cookie for reference; each bounded in requests and in time, after a warm-up. Any answer
but 200 counts as a failure. An in-process profile (queries and time per dashboard request, cold and warm)
follows, to say where the time goes.

Prints requests/s and p95 latency for both views and their ratio. Targets: dashboard p95 ≤ 150 ms
and dashboard throughput ≥ 30% of the trivial view's; exits non-zero when one is missed.
Run with ``make bench``.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
# The test helpers: the production server launcher and the campaign factories.
sys.path.insert(0, str(REPO / "tests"))

from support.production_server import (  # noqa: E402
    Server,
    production_server,
    worker_cpu_seconds,
)

USERNAME = "bench-office"
PASSWORD = "Bench-Pass-2024"
P95_TARGET_MS = 150.0
RATIO_TARGET = 0.30

# Per wrk thread: count answers other than 200, stop after this thread's share of requests, and
# print one JSON line with the totals and the latency percentiles (wrk itself has no p95).
WRK_SCRIPT = r"""
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  limit = tonumber(args[1]) or 0
  answered = 0
  bad = 0
end

function response(status, headers, body)
  answered = answered + 1
  if status ~= 200 then bad = bad + 1 end
  if limit > 0 and answered >= limit then wrk.thread:stop() end
end

function done(summary, latency, requests)
  local failed = 0
  for _, t in ipairs(threads) do failed = failed + t:get("bad") end
  local e = summary.errors
  io.write(string.format(
    'BENCH-JSON {"requests": %d, "duration_us": %d, "bad_status": %d, "socket_errors": %d, ' ..
    '"p50_us": %d, "p95_us": %d, "p99_us": %d, "max_us": %d}\n',
    summary.requests, summary.duration, failed, e.connect + e.read + e.write + e.timeout,
    latency:percentile(50), latency:percentile(95), latency:percentile(99), latency.max))
end
"""


@dataclass(frozen=True)
class LoadResult:
    name: str
    path: str
    requests: int
    seconds: float
    failures: int
    p50_ms: float
    p95_ms: float
    p99_ms: float
    max_ms: float
    cpu_ms: float  # the gunicorn workers' CPU time per request

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def populate(server: Server) -> int:
    """The full campaign and its office user, written with the platform's own services."""
    os.environ.update(server.env)
    os.environ["DJANGO_SETTINGS_MODULE"] = "demozone.web.settings"
    import django  # noqa: PLC0415

    django.setup()
    from django.db import connections  # noqa: PLC0415

    from web.factories import make_campaign, make_user  # noqa: PLC0415

    campaign = make_campaign(filled=True)
    make_user(USERNAME, campaign, "office", password=PASSWORD)
    departments = campaign.departments.count()
    assignments = campaign.assignments.count()
    connections.close_all()
    print(
        f"活动 {campaign.pk}：{campaign.name}，{departments} 个单位，{assignments} 条分工，41 项指标均已填报"
    )
    return int(campaign.pk)


def _cookies(response: http.client.HTTPResponse) -> dict[str, str]:
    jar = {}
    for header in response.headers.get_all("Set-Cookie") or []:
        name, _, rest = header.partition("=")
        jar[name.strip()] = rest.split(";", 1)[0]
    return jar


def log_in(server: Server) -> str:
    """Log in through the login form, as a browser does; the Cookie header of the session."""
    conn = http.client.HTTPConnection(server.host, server.port, timeout=30)
    conn.request("GET", "/login/")
    page = conn.getresponse()
    body = page.read().decode("utf-8")
    jar = _cookies(page)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', body)
    if page.status != 200 or token is None or "csrftoken" not in jar:
        raise SystemExit(f"登录页异常：HTTP {page.status}")
    form = f"csrfmiddlewaretoken={token.group(1)}&username={USERNAME}&password={PASSWORD}&next=/"
    conn.close()
    conn = http.client.HTTPConnection(server.host, server.port, timeout=30)
    conn.request(
        "POST",
        "/login/",
        body=form,
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": f"csrftoken={jar['csrftoken']}",
            "Referer": f"{server.url}/login/",
        },
    )
    answer = conn.getresponse()
    answer.read()
    jar.update(_cookies(answer))
    conn.close()
    if answer.status != 302 or "sessionid" not in jar:
        raise SystemExit(f"登录失败：HTTP {answer.status}")
    return f"sessionid={jar['sessionid']}; csrftoken={jar['csrftoken']}"


def fetch(server: Server, path: str, cookie: str) -> tuple[int, str]:
    conn = http.client.HTTPConnection(server.host, server.port, timeout=30)
    conn.request("GET", path, headers={"Cookie": cookie})
    response = conn.getresponse()
    body = response.read().decode("utf-8", errors="replace")
    conn.close()
    return response.status, body


def run_wrk(
    server: Server,
    path: str,
    cookie: str,
    *,
    clients: int,
    seconds: float,
    max_requests: int,
    script: Path,
) -> dict[str, Any]:
    threads = min(2, clients)
    argv = [
        "wrk",
        f"--threads={threads}",
        f"--connections={clients}",
        f"--duration={max(1, round(seconds))}s",
        "--timeout=10s",
        f"--script={script}",
        *([f"--header=Cookie: {cookie}"] if cookie else []),
        server.url + path,
        "--",
        str(max(1, max_requests // threads)),
    ]
    proc = subprocess.run(argv, capture_output=True, text=True, timeout=seconds + 60, check=False)
    found = re.search(r"^BENCH-JSON (.+)$", proc.stdout, re.MULTILINE)
    if proc.returncode != 0 or found is None:
        raise SystemExit(f"wrk 运行失败（{proc.returncode}）：\n{proc.stdout}{proc.stderr}")
    return dict(json.loads(found.group(1)))


def measure(
    server: Server,
    *,
    name: str,
    path: str,
    cookie: str,
    args: argparse.Namespace,
    script: Path,
    warm_up: bool,
) -> LoadResult:
    if warm_up:
        # Every worker imports, connects and fills its page cache before the clock starts.
        run_wrk(
            server,
            path,
            cookie,
            clients=args.clients,
            seconds=args.warmup,
            max_requests=args.clients * 20,
            script=script,
        )
    cpu_before = worker_cpu_seconds(server)
    raw = run_wrk(
        server,
        path,
        cookie,
        clients=args.clients,
        seconds=args.duration,
        max_requests=args.max_requests,
        script=script,
    )
    cpu = worker_cpu_seconds(server) - cpu_before
    return LoadResult(
        name=name,
        path=path,
        requests=raw["requests"],
        seconds=raw["duration_us"] / 1e6,
        failures=raw["bad_status"] + raw["socket_errors"],
        p50_ms=raw["p50_us"] / 1000,
        p95_ms=raw["p95_us"] / 1000,
        p99_ms=raw["p99_us"] / 1000,
        max_ms=raw["max_us"] / 1000,
        cpu_ms=cpu * 1000 / raw["requests"] if raw["requests"] else 0.0,
    )


def profile(campaign_id: int, rounds: int) -> None:
    """Where a dashboard request's time goes, in this process: cold (page cache empty, as after
    every change of the campaign's data) and warm (the cached body, as under load)."""
    from django.core.cache import cache  # noqa: PLC0415
    from django.db import connection  # noqa: PLC0415
    from django.test import Client  # noqa: PLC0415
    from django.test.utils import CaptureQueriesContext  # noqa: PLC0415

    client = Client(HTTP_HOST="127.0.0.1")
    if not client.login(username=USERNAME, password=PASSWORD):
        raise SystemExit("性能剖析：无法登录")
    path = f"/campaigns/{campaign_id}/"
    client.get(path)  # imports, template compilation

    def timed(clear: bool) -> tuple[float, int]:
        if clear:
            cache.clear()
        with CaptureQueriesContext(connection) as queries:
            start = time.perf_counter()
            response = client.get(path)
            elapsed = (time.perf_counter() - start) * 1000
        if response.status_code != 200:
            raise SystemExit(f"性能剖析：HTTP {response.status_code}")
        return elapsed, len(queries)

    cold = [timed(True) for _ in range(rounds)]
    warm = [timed(False) for _ in range(rounds * 3)]
    print("\n单进程剖析（驾驶舱，每次请求）：")
    print(
        f"  冷（页面缓存为空，数据变更后的第一次）：中位 {statistics.median(t for t, _ in cold):.1f} ms，"
        f"{cold[-1][1]} 次查询"
    )
    print(
        f"  热（命中按数据版本缓存的页面主体）：  中位 {statistics.median(t for t, _ in warm):.1f} ms，"
        f"{warm[-1][1]} 次查询"
    )


def print_row(r: LoadResult, label: str) -> None:
    print(
        f"{label:<10}{r.name:<8}{r.requests:>8}{r.failures:>6}{r.rps:>10.1f}"
        f"{r.p50_ms:>9.1f}{r.p95_ms:>9.1f}{r.p99_ms:>9.1f}{r.cpu_ms:>11.2f}"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=20, help="并发客户端（连接）数")
    parser.add_argument(
        "--duration", type=float, default=8.0, help="每轮每个页面的测量时长上限（秒）"
    )
    parser.add_argument("--max-requests", type=int, default=20000, help="每轮每个页面的请求数上限")
    parser.add_argument("--rounds", type=int, default=3, help="轮数：两个页面交替测量，取中位数")
    parser.add_argument("--warmup", type=float, default=2.0, help="预热时长（秒）")
    parser.add_argument("--workers", type=int, help="gunicorn 进程数（默认与 make run 相同）")
    parser.add_argument("--profile-rounds", type=int, default=10)
    args = parser.parse_args(argv)
    if shutil.which("wrk") is None:
        print("缺少 wrk：请运行 bash scripts/system-deps.sh", file=sys.stderr)
        return 1

    trivial: list[LoadResult] = []
    board: list[LoadResult] = []
    anonymous: list[LoadResult] = []
    # The server and wrk share the machine's cores with whatever else runs: say how busy it was.
    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="demozone-bench-") as tmp:
        tmp_dir = Path(tmp)
        script = tmp_dir / "count.lua"
        script.write_text(WRK_SCRIPT, encoding="utf-8")
        with production_server(tmp_dir / "data", workers=args.workers) as server:
            campaign_id = populate(server)
            cookie = log_in(server)
            dashboard = f"/campaigns/{campaign_id}/"
            status, body = fetch(server, dashboard, cookie)
            if status != 200 or "驾驶舱" not in body:
                raise SystemExit(f"驾驶舱页面异常：HTTP {status}")
            status, _ = fetch(server, "/healthz/", cookie)
            if status != 200:
                raise SystemExit(f"/healthz/ 异常：HTTP {status}")
            log_text = (server.data_dir / "server.log").read_text(errors="replace")
            workers = len(re.findall(r"Booting worker", log_text))
            print(
                f"生产服务器：gunicorn {workers} 个进程，{server.url}，SQLite；wrk {args.clients} 个并发"
                f"连接；{args.rounds} 轮，每轮每页最多 {args.max_requests} 次请求或 {args.duration:g} 秒；"
                f"本机 {os.cpu_count()} 核"
            )
            common = {"args": args, "script": script}
            # Alternating rounds: the views see the same background load, round by round. The
            # trivial view gets the same session cookie as the dashboard (a signed-in browser sends
            # it everywhere, and the middleware then loads the session and the user for any view),
            # so the ratio is the dashboard's own work; the anonymous row is for reference only.
            for n in range(args.rounds):
                first = n == 0
                trivial.append(
                    measure(
                        server,
                        name="最简视图",
                        path="/healthz/",
                        cookie=cookie,
                        warm_up=first,
                        **common,
                    )
                )
                board.append(
                    measure(
                        server,
                        name="驾驶舱",
                        path=dashboard,
                        cookie=cookie,
                        warm_up=first,
                        **common,
                    )
                )
                anonymous.append(
                    measure(
                        server,
                        name="最简·匿名",
                        path="/healthz/",
                        cookie="",
                        warm_up=first,
                        **common,
                    )
                )
            profile(campaign_id, args.profile_rounds)

    print(
        f"\n{'轮次':<8}{'页面':<6}{'请求数':>6}{'失败':>4}{'请求/秒':>7}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}"
    )
    for n, (t, b, a) in enumerate(zip(trivial, board, anonymous, strict=True), start=1):
        print_row(t, f"第 {n} 轮")
        print_row(b, f"第 {n} 轮")
        print_row(a, f"第 {n} 轮")
    ratios = [b.rps / t.rps for t, b in zip(trivial, board, strict=True) if t.rps]
    ratio = statistics.median(ratios) if ratios else 0.0
    p95 = statistics.median(b.p95_ms for b in board)
    failures = sum(r.failures for r in (*trivial, *board))
    print(
        f"\n中位数：最简视图 {statistics.median(t.rps for t in trivial):.1f} 请求/秒，"
        f"p95 {statistics.median(t.p95_ms for t in trivial):.1f} ms；"
        f"驾驶舱 {statistics.median(b.rps for b in board):.1f} 请求/秒，p95 {p95:.1f} ms；"
        f"匿名最简视图（仅供参考）{statistics.median(a.rps for a in anonymous):.1f} 请求/秒"
    )
    print(
        f"驾驶舱吞吐量 / 最简视图吞吐量 = {ratio:.0%}（各轮同轮比值的中位数；目标 ≥ {RATIO_TARGET:.0%}）"
    )
    cpu_ratio = statistics.median(t.cpu_ms for t in trivial) / statistics.median(
        b.cpu_ms for b in board
    )
    print(
        f"服务端每次请求 CPU：最简视图 / 驾驶舱 = {cpu_ratio:.0%}（不受本机其他负载影响的容量比，仅供参考）"
    )
    print(f"驾驶舱 p95 = {p95:.1f} ms（目标 ≤ {P95_TARGET_MS:.0f} ms）；失败请求 {failures}")
    ok = p95 <= P95_TARGET_MS and ratio >= RATIO_TARGET and failures == 0
    print(
        f"本机 1 分钟平均负载：开始 {load_before:.2f}，结束 {os.getloadavg()[0]:.2f}"
        f"（{os.cpu_count()} 核；负载高于核数时延迟随之上升）"
    )
    print("结论：" + ("达到目标" if ok else "未达到目标"))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
