from __future__ import annotations

from django.apps import AppConfig


class CampaignsConfig(AppConfig):
    name = "demozone.web.campaigns"
    label = "campaigns"
    verbose_name = "创建活动"
