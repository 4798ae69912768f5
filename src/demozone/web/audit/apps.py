from __future__ import annotations

from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "demozone.web.audit"
    label = "audit"
    verbose_name = "审计记录"

    def ready(self) -> None:
        from demozone.web.audit import security, signals  # noqa: F401, PLC0415
