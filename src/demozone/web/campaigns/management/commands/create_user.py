from __future__ import annotations

import secrets
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from demozone.web.campaigns.models import Campaign, Department, Membership, Role


class Command(BaseCommand):
    help = "新建用户（或更新已有用户）并加入创建活动，指定角色与所在单位"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--campaign", type=int, required=True, help="创建活动编号")
        parser.add_argument("--role", required=True, choices=[r.value for r in Role], help="角色")
        parser.add_argument("--department", help="所在单位名称（联络员必填）")
        parser.add_argument("--password", help="密码（默认随机生成并显示一次）")
        parser.add_argument("--name", default="", help="姓名")

    def handle(self, *args: Any, **options: Any) -> None:
        campaign = Campaign.objects.filter(pk=options["campaign"]).first()
        if campaign is None:
            raise CommandError(f"创建活动 {options['campaign']} 不存在", returncode=2)
        department = None
        if options["department"]:
            department = Department.objects.filter(
                campaign=campaign, name=options["department"]
            ).first()
            if department is None:
                raise CommandError(f"创建活动中没有单位“{options['department']}”", returncode=2)
        if options["role"] == Role.LIAISON and department is None:
            raise CommandError("成员单位联络员必须指定所在单位（--department）", returncode=2)
        User = get_user_model()
        with transaction.atomic():
            user, created = User.objects.get_or_create(username=options["username"])
            password = options["password"]
            if created or password:
                password = password or secrets.token_urlsafe(12)
                user.set_password(password)
            if options["name"]:
                user.first_name = options["name"]
            user.save()
            Membership.objects.update_or_create(
                user=user,
                campaign=campaign,
                defaults={"role": options["role"], "department": department},
            )
        self.stdout.write(
            f"用户 {user.username}：{Role(options['role']).label}{'，' + department.name if department else ''}"
        )
        if created and not options["password"]:
            self.stdout.write(f"初始密码（仅显示这一次）：{password}")
