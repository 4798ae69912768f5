from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from demozone.core.errors import InputError
from demozone.web.campaigns.models import Campaign
from demozone.web.campaigns.services import dump_document, export_document


class Command(BaseCommand):
    help = (
        "把创建活动的数据导出为评估数据文件（YAML 或 JSON，按扩展名），可直接用 demozone score 评分"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("campaign_id", type=int)
        parser.add_argument("--out", required=True, help="输出文件，.yaml/.yml 或 .json")

    def handle(self, *args: Any, **options: Any) -> None:
        out = Path(options["out"])
        fmt = _format(out)
        campaign = (
            Campaign.objects.select_related("region", "framework")
            .filter(pk=options["campaign_id"])
            .first()
        )
        if campaign is None:
            raise CommandError(f"创建活动 {options['campaign_id']} 不存在", returncode=2)
        try:
            text = dump_document(export_document(campaign), fmt)
        except InputError as exc:
            raise CommandError(exc.describe(), returncode=2) from exc
        out.write_text(text, encoding="utf-8")
        self.stdout.write(f"已导出创建活动 {campaign.pk} 的评估数据：{out}")


def _format(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix == ".json":
        return "json"
    if suffix in (".yaml", ".yml"):
        return "yaml"
    raise CommandError(f"文件扩展名应为 .yaml、.yml 或 .json：{path}", returncode=2)
