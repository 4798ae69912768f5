from __future__ import annotations

from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "demozone.web.accounts"
    label = "accounts"
    verbose_name = "用户与令牌"
