from __future__ import annotations

import logging
import os
import secrets
from importlib import resources
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser
from django.db import connection, transaction

from demozone.web.campaigns.models import Campaign
from demozone.web.campaigns.services import import_document, read_document
from demozone.web.campaigns.templating import create_campaign
from demozone.web.evidence.services import sweep as sweep_evidence

log = logging.getLogger(__name__)

DEMO_TEMPLATE = "yancheng-2023"
DEMO_DATA = "yancheng-demo.yaml"
DEMO_SOURCE = "示例数据（非官方统计）"


def load_demo() -> Campaign:
    """The demo campaign: Yancheng's template with illustrative figures marked 示例."""
    doc = read_document((resources.files("demozone.web.data") / DEMO_DATA).read_bytes(), "yaml")
    with transaction.atomic():
        campaign = create_campaign(
            DEMO_TEMPLATE,
            "盐城市",
            (2022, 2023),
            name="盐城市创建全国网络市场监管与服务示范区（示例）",
            is_demo=True,
        )
        import_document(campaign, doc, None, source=DEMO_SOURCE)
    return campaign


class Command(BaseCommand):
    help = (
        "首次运行准备：迁移数据库、收集静态文件、载入示例创建活动（数据库为空时）、创建管理员 admin"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--no-demo", action="store_true", help="不载入示例创建活动")

    def handle(self, *args: Any, **options: Any) -> None:
        call_command("migrate", interactive=False, verbosity=0)
        if connection.vendor == "sqlite" and not connection.in_atomic_block:
            with connection.cursor() as cursor:
                cursor.execute("PRAGMA journal_mode=WAL")
        call_command("collectstatic", interactive=False, verbosity=0)
        if not options["no_demo"] and not Campaign.objects.exists():
            campaign = load_demo()
            self.stdout.write(
                f"已载入示例创建活动 {campaign.pk}：{campaign.name}（示例数据，非官方统计）"
            )
        self._admin()
        self._sweep_evidence()

    def _sweep_evidence(self) -> None:
        # Finish what a crash interrupted (no half-writes); uploads in progress elsewhere are
        # younger than the threshold and left alone.
        _, missing = sweep_evidence(60 * 60)
        if missing:
            self.stderr.write(
                f"警告：{len(missing)} 个佐证材料版本的文件缺失，运行 demozone manage evidence_sweep 查看详情。"
            )

    def _admin(self) -> None:
        User = get_user_model()
        if User.objects.filter(username="admin").exists():
            self.stdout.write("管理员 admin 已存在。")
            return
        password = os.environ.get("DEMOZONE_ADMIN_PASSWORD", "").strip()
        generated = not password
        password = password or secrets.token_urlsafe(12)
        User.objects.create_superuser("admin", email="", password=password, first_name="系统管理员")
        if generated:
            self.stdout.write(f"已创建管理员 admin，初始密码（仅显示这一次）：{password}")
        else:
            self.stdout.write("已创建管理员 admin，密码取自 DEMOZONE_ADMIN_PASSWORD。")
