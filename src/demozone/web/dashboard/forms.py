from __future__ import annotations

import datetime as dt
from typing import Any, cast

from django import forms


class CampaignForm(forms.Form):
    """新建创建活动 from a bundled template (the same as `demozone manage create_campaign`)."""

    template = forms.ChoiceField(label="创建模板")
    region = forms.CharField(label="地区", max_length=100, initial="盐城市")
    province = forms.CharField(
        label="所在省份",
        max_length=100,
        required=False,
        help_text="模板以外的地区需填写，如“江苏省”",
    )
    first_year = forms.IntegerField(label="第一个评估年度", min_value=2000, max_value=2099)
    approval_date = forms.DateField(label="总局同意创建日期", required=False)
    deadline = forms.DateField(
        label="评估验收截止日期", required=False, help_text="留空则采用模板中的日期"
    )

    def __init__(self, *args: Any, templates: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # self.fields holds the fields declared above, typed only as forms.Field.
        cast("forms.ChoiceField", self.fields["template"]).choices = [(t, t) for t in templates]
        self.fields["first_year"].initial = dt.date.today().year - 2

    def arguments(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "template_id": data["template"],
            "region_name": data["region"].strip(),
            "years": (data["first_year"], data["first_year"] + 1),
            "province": data["province"].strip() or None,
            "approval_date": data["approval_date"],
            "deadline": data["deadline"],
        }
