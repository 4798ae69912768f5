"""The platform as ``make run`` serves it, started for a test or a benchmark.

The same steps as ``make run`` (``demozone.web.manage bootstrap`` then ``serve``: gunicorn with
the production settings and whitenoise), in a throw-away data directory, on a free loopback port.
No Django is imported in the calling process: the server and every management command run in
their own processes with the environment built here, exactly as an operator would run them.
"""

from __future__ import annotations

import http.client
import logging
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path

log = logging.getLogger(__name__)

ADMIN_PASSWORD = "Admin-Pass-2024!"


class ServerError(RuntimeError):
    """The server or one of its management commands failed; carries their output."""


@dataclass(frozen=True)
class Server:
    host: str
    port: int
    data_dir: Path
    env: Mapping[str, str]
    pid: int | None = None  # the gunicorn master, once serving

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def manage(self, *args: str) -> str:
        """Run ``demozone manage ARGS`` against this server's database; its standard output."""
        return manage(self.env, *args)

    def create_campaign(
        self,
        template: str = "yancheng-2023",
        region: str = "盐城市",
        years: tuple[int, int] = (2022, 2023),
    ) -> int:
        out = self.manage(
            "create_campaign",
            "--template",
            template,
            "--region",
            region,
            "--years",
            *(str(year) for year in years),
        )
        found = re.search(r"创建活动 (\d+)", out)
        if found is None:
            raise ServerError(f"create_campaign printed no campaign id:\n{out}")
        return int(found.group(1))


def worker_cpu_seconds(server: Server) -> float:
    """User and system CPU time used so far by the gunicorn workers (children of the master);
    with the elapsed requests, the server's CPU cost per request whatever else the machine runs."""
    if server.pid is None:
        raise ServerError("the server is not running")
    tick = os.sysconf("SC_CLK_TCK")
    children = Path(f"/proc/{server.pid}/task/{server.pid}/children").read_text().split()
    total = 0
    for child in children:
        try:
            fields = Path(f"/proc/{child}/stat").read_text().rsplit(")", 1)[1].split()
        except FileNotFoundError:
            continue  # a worker that just exited
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / tick


def fresh_database(url: str, suffix: str) -> str:
    """A new, empty PostgreSQL database beside the one ``url`` names (``<name>_<suffix>``, dropped
    first if a previous run left it); its URL. Two test processes each starting a server must not
    bootstrap the same database."""
    import psycopg  # noqa: PLC0415 - only PostgreSQL runs need it
    from psycopg import sql  # noqa: PLC0415

    parts = urllib.parse.urlsplit(url)
    name = f"{parts.path.lstrip('/')}_{suffix}"
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    return urllib.parse.urlunsplit(parts._replace(path=f"/{name}"))


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


def server_env(
    data_dir: Path, port: int, *, workers: int | None, database_url: str | None
) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DEMOZONE_")}
    env.update(
        {
            "DEMOZONE_DATA_DIR": str(data_dir),
            "DEMOZONE_SECRET_KEY": secrets.token_urlsafe(40),
            "DEMOZONE_ADMIN_PASSWORD": ADMIN_PASSWORD,
            "DEMOZONE_PORT": str(port),
            "DEMOZONE_LOG_LEVEL": "WARNING",
            "PYTHONUNBUFFERED": "1",
        }
    )
    # Without a number, `serve` picks the worker count as it does for `make run`.
    if workers is not None:
        env["DEMOZONE_WORKERS"] = str(workers)
    # Without a URL the settings' default applies: SQLite in the data directory, as `make run`.
    if database_url:
        env["DEMOZONE_DATABASE_URL"] = database_url
    # The front-end packages live in the checkout being tested, wherever this runs from.
    node_modules = os.environ.get("DEMOZONE_NODE_MODULES")
    if node_modules:
        env["DEMOZONE_NODE_MODULES"] = node_modules
    return env


def manage(env: Mapping[str, str], *args: str) -> str:
    proc = subprocess.run(
        [sys.executable, "-m", "demozone.web.manage", *args],
        env=dict(env),
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    if proc.returncode != 0:
        raise ServerError(
            f"demozone manage {' '.join(args)} exited {proc.returncode}:\n{proc.stdout}{proc.stderr}"
        )
    return proc.stdout


def _wait_until_ready(server: Server, proc: subprocess.Popen[bytes], log_path: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise ServerError(
                f"gunicorn exited {proc.returncode}:\n{log_path.read_text(errors='replace')}"
            )
        conn = http.client.HTTPConnection(server.host, server.port, timeout=2)
        try:
            conn.request("GET", "/login/")
            if conn.getresponse().status == 200:
                return
        except OSError:
            pass
        finally:
            conn.close()
        time.sleep(0.2)
    raise ServerError(f"gunicorn not ready in 60 s:\n{log_path.read_text(errors='replace')}")


@contextmanager
def production_server(
    data_dir: Path,
    *,
    workers: int | None = 2,
    database_url: str | None = None,
    demo: bool = False,
) -> Iterator[Server]:
    """Bootstrap (migrate, collectstatic, admin) and serve; stopped and reaped on exit.

    The access log goes to ``data_dir/server.log``, which the caller may read after a failure.
    """
    data_dir.mkdir(parents=True, exist_ok=True)
    host, port = "127.0.0.1", free_port()
    env = server_env(data_dir, port, workers=workers, database_url=database_url)
    server = Server(host=host, port=port, data_dir=data_dir, env=env)
    manage(env, "bootstrap", *([] if demo else ["--no-demo"]))
    log_path = data_dir / "server.log"
    with log_path.open("wb") as log_file:
        # Its own session: stopping it reaches the gunicorn master, which stops its workers.
        proc = subprocess.Popen(
            [sys.executable, "-m", "demozone.web.manage", "serve"],
            env=dict(env),
            stdout=log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        server = replace(server, pid=proc.pid)  # `serve` execs gunicorn: same process
        try:
            _wait_until_ready(server, proc, log_path)
            log.info("production server ready at %s", server.url)
            yield server
        finally:
            _stop(proc)


def _stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is not None:
        return
    # TERM is gunicorn's graceful shutdown; the whole group, in case a worker outlives it.
    os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=5)
