from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from demozone.web.accounts.models import ApiToken


class Command(BaseCommand):
    help = "为用户生成接口令牌（Authorization: Bearer …），令牌只显示这一次"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--name", default="", help="令牌用途说明")

    def handle(self, *args: Any, **options: Any) -> None:
        user = get_user_model().objects.filter(username=options["username"], is_active=True).first()
        if user is None:
            raise CommandError(f"用户“{options['username']}”不存在或已停用", returncode=2)
        _, token = ApiToken.issue(user, options["name"])
        self.stdout.write(token)
