from __future__ import annotations

from django.apps import AppConfig


class EntryConfig(AppConfig):
    name = "demozone.web.entry"
    label = "entry"
    verbose_name = "数据填报"
