from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from demozone.web.audit.services import verify_chain


class Command(BaseCommand):
    help = "重新计算审计记录的哈希链：全部完好时退出码为 0，否则指出第一条有问题的记录"

    def handle(self, *args: Any, **options: Any) -> None:
        result = verify_chain()
        if result.problem is not None:
            raise CommandError(
                f"审计记录校验失败：{result.problem.message}（已核对完好的记录 {result.count} 条）",
                returncode=1,
            )
        self.stdout.write(f"审计记录校验通过（{result.count} 条）")
        if result.count:
            self.stdout.write(f"最后一条：第 {result.last_sequence} 条，哈希 {result.last_hash}")
