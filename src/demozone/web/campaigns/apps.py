from __future__ import annotations

from django.apps import AppConfig


class CampaignsConfig(AppConfig):
    name = "demozone.web.campaigns"
    label = "campaigns"
    verbose_name = "创建活动"

    def ready(self) -> None:
        from demozone.web.campaigns import signals  # noqa: F401, PLC0415
