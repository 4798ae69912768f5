from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from demozone.web.evidence.services import sweep


class Command(BaseCommand):
    help = (
        "整理佐证材料文件库：完成中断的文件移动，删除过期的临时文件和没有记录引用的文件，"
        "并列出文件缺失的材料（有缺失时退出码为 1）"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--older-than",
            type=float,
            default=60,
            metavar="MINUTES",
            help="只删除早于这么多分钟的临时文件和无引用文件（默认 60；正在进行的上传不受影响）",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        minutes = options["older_than"]
        if minutes < 0:
            raise CommandError("--older-than 不能为负数", returncode=2)
        report, missing = sweep(minutes * 60)
        self.stdout.write(
            f"已完成中断的移动 {len(report.recovered)} 个，删除临时文件 {len(report.removed_staged)} 个，"
            f"删除无引用文件 {len(report.removed_orphans)} 个。"
        )
        if missing:
            for v in missing:
                self.stdout.write(
                    f"文件缺失：创建活动 {v.evidence.campaign_id} · 材料 {v.evidence_id}“{v.evidence.title}”"
                    f" 第 {v.number} 版 {v.filename}（sha256 {v.sha256}）"
                )
            raise CommandError(f"{len(missing)} 个材料版本的文件缺失", returncode=1)
        self.stdout.write("所有材料版本的文件均完好。")
