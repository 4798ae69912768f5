from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from demozone.core.errors import InputError
from demozone.web.campaigns.management.commands.export_campaign import _format
from demozone.web.campaigns.models import Campaign
from demozone.web.campaigns.services import import_document, read_document


class Command(BaseCommand):
    help = "从评估数据文件导入创建活动的全部数据（全部成功或全部不写入）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("campaign_id", type=int)
        parser.add_argument("file", help="评估数据文件，.yaml/.yml 或 .json")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        campaign = (
            Campaign.objects.select_related("region", "framework")
            .filter(pk=options["campaign_id"])
            .first()
        )
        if campaign is None:
            raise CommandError(f"创建活动 {options['campaign_id']} 不存在", returncode=2)
        try:
            raw = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"无法读取文件 {path}：{exc.strerror}", returncode=2) from exc
        try:
            doc = read_document(raw, _format(path))
            import_document(campaign, doc, None, source=path.name)
        except InputError as exc:
            raise CommandError(exc.describe() + "\n未导入任何数据。", returncode=2) from exc
        self.stdout.write(f"已将 {path} 导入创建活动 {campaign.pk}")
