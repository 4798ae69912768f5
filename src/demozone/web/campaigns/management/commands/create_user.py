from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from demozone.web.accounts import services
from demozone.web.accounts.services import UserAdminError
from demozone.web.campaigns.access import Access
from demozone.web.campaigns.models import Campaign, Department, Membership, Role


class Command(BaseCommand):
    help = "新建用户（或更新已有用户）并加入创建活动，指定角色与所在单位（与“用户管理”页面同一套规则，并记入审计日志）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--campaign", type=int, required=True, help="创建活动编号")
        parser.add_argument("--role", required=True, choices=[r.value for r in Role], help="角色")
        parser.add_argument("--department", help="所在单位名称（联络员必填）")
        parser.add_argument(
            "--password", help="密码（默认随机生成并显示一次，且须在首次登录时修改）"
        )
        parser.add_argument("--name", default=None, help="姓名")

    def handle(self, *args: Any, **options: Any) -> None:
        campaign = (
            Campaign.objects.select_related("region", "framework")
            .filter(pk=options["campaign"])
            .first()
        )
        if campaign is None:
            raise CommandError(f"创建活动 {options['campaign']} 不存在", returncode=2)
        department = None
        if options["department"]:
            department = Department.objects.filter(
                campaign=campaign, name=options["department"]
            ).first()
            if department is None:
                raise CommandError(f"创建活动中没有单位“{options['department']}”", returncode=2)
        access = Access.shell(campaign)
        try:
            with transaction.atomic():
                issued = self._apply(access, department, options)
        except (UserAdminError, PermissionDenied) as exc:
            raise CommandError(str(exc), returncode=2) from exc
        member = issued.membership
        self.stdout.write(
            f"用户 {member.user.username}：{member.get_role_display()}"
            f"{'，' + member.department.name if member.department else ''}"
        )
        if issued.password:
            self.stdout.write(f"初始密码（仅显示这一次，首次登录须修改）：{issued.password}")

    def _apply(
        self, access: Access, department: Department | None, options: dict[str, Any]
    ) -> services.Issued:
        user = get_user_model().objects.filter(username=options["username"]).first()
        if user is None:
            return services.invite(
                access,
                username=options["username"],
                name=options["name"] or "",
                role=options["role"],
                department=department,
                password=options["password"],
            )
        member = Membership.objects.filter(user=user, campaign=access.campaign).first()
        if member is None:
            member = services.join(access, user, role=options["role"], department=department)
        member = services.change_member(
            access, member, role=options["role"], department=department, name=options["name"]
        )
        if options["password"]:
            services.reset_password(access, member, password=options["password"])
        return services.Issued(member, None)
