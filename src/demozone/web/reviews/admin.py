"""Sealed snapshots in the admin site: to look at, never to add, change or delete."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from demozone.web.reviews.models import Snapshot


@admin.register(Snapshot)
class SnapshotAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["__str__", "campaign", "round", "event", "total", "passed", "created_at"]
    list_filter = ["event", "passed"]
    list_select_related = ["campaign", "round"]
    search_fields = ["seal"]
    # No action may touch a snapshot, not even the built-in bulk delete.
    actions = None

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return [f.name for f in Snapshot._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
