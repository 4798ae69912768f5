from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from demozone.web.campaigns.errors import CampaignError
from demozone.web.campaigns.templating import create_campaign, template_ids


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError as exc:
        raise CommandError(f"日期格式应为 YYYY-MM-DD，实际为 “{text}”", returncode=2) from exc


class Command(BaseCommand):
    help = "按模板新建创建活动（成员单位、领导小组办公室、41项指标责任分工）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--template", required=True, help=f"模板：{'、'.join(template_ids())}")
        parser.add_argument("--region", required=True, help="地区名称，如 盐城市")
        parser.add_argument(
            "--years", required=True, nargs=2, type=int, metavar="YEAR", help="两个连续的评估年度"
        )
        parser.add_argument("--province", help="模板以外的地区所在省份，如 江苏省")
        parser.add_argument("--approval-date", type=_date, help="总局同意创建日期 YYYY-MM-DD")
        parser.add_argument(
            "--deadline", type=_date, help="评估验收截止日期 YYYY-MM-DD（默认取模板）"
        )
        parser.add_argument("--name", help="创建活动名称（默认按模板）")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            campaign = create_campaign(
                options["template"],
                options["region"],
                options["years"],
                province=options["province"],
                approval_date=options["approval_date"],
                deadline=options["deadline"],
                name=options["name"],
            )
        except CampaignError as exc:
            raise CommandError(exc.describe(), returncode=2) from exc
        self.stdout.write(
            f"已创建创建活动 {campaign.pk}：{campaign.name}（{campaign.departments.count()} 个单位，"
            f"{campaign.assignments.count()} 条责任分工）"
        )
