from __future__ import annotations

from django.apps import AppConfig


class DashboardConfig(AppConfig):
    name = "demozone.web.dashboard"
    label = "dashboard"
    verbose_name = "驾驶舱"
