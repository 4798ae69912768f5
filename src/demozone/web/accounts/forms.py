from __future__ import annotations

from typing import Any, cast

from django import forms
from django.contrib.auth.forms import PasswordChangeForm

from demozone.web.accounts.services import UserAdminError, assignable_roles
from demozone.web.campaigns.access import Access
from demozone.web.campaigns.models import Membership


class MemberForm(forms.Form):
    """邀请用户 (with a username) or 修改成员 (without): the service checks every rule; the form
    only reads the fields and shows the service's problems beside them."""

    username = forms.CharField(
        label="用户名", max_length=150, help_text="登录用，字母、数字和 @ . + - _"
    )
    name = forms.CharField(label="姓名", max_length=150, required=False)
    role = forms.ChoiceField(label="角色")
    department = forms.TypedChoiceField(
        label="所在单位",
        coerce=int,
        required=False,
        empty_value=None,
        help_text="成员单位联络员必填",
    )

    def __init__(
        self, *args: Any, access: Access, member: Membership | None = None, **kwargs: Any
    ) -> None:
        if member is not None:
            kwargs.setdefault(
                "initial",
                {
                    "name": member.user.first_name,
                    "role": member.role,
                    "department": member.department_id,
                },
            )
        super().__init__(*args, **kwargs)
        if member is not None:
            del self.fields["username"]
        # self.fields holds the fields declared above, typed only as forms.Field.
        role = cast("forms.ChoiceField", self.fields["role"])
        role.choices = assignable_roles(access)
        if member is not None and member.role not in dict(role.choices):
            role.choices = [(member.role, member.get_role_display())]
        cast("forms.TypedChoiceField", self.fields["department"]).choices = [("", "（无）")] + [
            (d.pk, d.name) for d in access.campaign.departments.all()
        ]

    def arguments(self) -> dict[str, Any]:
        return dict(self.cleaned_data)

    def add_problems(self, exc: UserAdminError) -> None:
        for problem in exc.problems:
            self.add_error(problem.path if problem.path in self.fields else None, problem.message)


class OwnPasswordForm(PasswordChangeForm):
    """修改密码: Django's form (old password, validators) that also refuses the old password
    again, so an issued password cannot simply be kept."""

    def clean(self) -> dict[str, Any]:
        # Django's Form.clean returns cleaned_data; the stubs allow None for overrides.
        data = cast("dict[str, Any]", super().clean())
        old, new = data.get("old_password"), data.get("new_password1")
        if old and new and old == new:
            self.add_error("new_password1", "新密码不能与原密码相同")
        return data
