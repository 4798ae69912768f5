from __future__ import annotations

from django.contrib import admin

from demozone.web.accounts.models import ApiToken


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["user", "name", "hint", "created_at", "last_used_at"]
    readonly_fields = ["digest", "hint", "created_at", "last_used_at"]
