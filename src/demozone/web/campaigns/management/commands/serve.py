from __future__ import annotations

import os
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser


def _int_env(name: str, default: int, low: int, high: int) -> int:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    if not raw.isdigit() or not low <= int(raw) <= high:
        raise CommandError(
            f"环境变量 {name} 应为 {low}—{high} 之间的整数，实际为 “{raw}”", returncode=2
        )
    return int(raw)


class Command(BaseCommand):
    help = (
        "用 gunicorn 在 127.0.0.1:8000 提供服务（DEMOZONE_PORT 改端口，DEMOZONE_WORKERS 改进程数）"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default=os.environ.get("DEMOZONE_HOST", "127.0.0.1"))

    def handle(self, *args: Any, **options: Any) -> None:
        port = _int_env("DEMOZONE_PORT", 8000, 1, 65535)
        cpus = os.cpu_count() or 1
        workers = _int_env("DEMOZONE_WORKERS", min(2 * cpus + 1, 8), 1, 64)
        bind = f"{options['host']}:{port}"
        self.stdout.write(f"示范区创建评估平台：http://{bind}/ （按 Ctrl+C 停止）")
        self.stdout.flush()
        argv = [
            sys.executable,
            "-m",
            "gunicorn",
            "demozone.web.wsgi:application",
            "--bind",
            bind,
            "--workers",
            str(workers),
            "--access-logfile",
            "-",
            "--graceful-timeout",
            "10",
        ]
        # Replace this process: gunicorn gets the signals (Ctrl+C, SIGTERM) directly.
        os.execv(sys.executable, argv)
