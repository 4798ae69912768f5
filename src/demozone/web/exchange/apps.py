from __future__ import annotations

from django.apps import AppConfig


class ExchangeConfig(AppConfig):
    name = "demozone.web.exchange"
    label = "exchange"
    verbose_name = "数据采集与报告"
