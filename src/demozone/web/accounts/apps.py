from __future__ import annotations

from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "demozone.web.accounts"
    label = "accounts"
    verbose_name = "用户与令牌"

    def ready(self) -> None:
        from demozone.web.accounts import signals  # noqa: F401, PLC0415
