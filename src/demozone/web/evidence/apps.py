from __future__ import annotations

from django.apps import AppConfig


class EvidenceConfig(AppConfig):
    name = "demozone.web.evidence"
    label = "evidence"
    verbose_name = "佐证材料"
