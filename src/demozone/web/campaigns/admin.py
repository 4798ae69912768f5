from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from demozone.web.campaigns import models


@admin.register(models.Region)
class RegionAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["name", "level", "zone", "parent"]
    list_filter = ["level", "zone"]
    search_fields = ["name"]


@admin.register(models.Framework)
class FrameworkAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["name", "code", "version", "sha256", "loaded_at"]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class DepartmentInline(admin.TabularInline):  # type: ignore[type-arg]
    model = models.Department
    extra = 0


@admin.register(models.Campaign)
class CampaignAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["name", "region", "first_year", "second_year", "status", "deadline"]
    list_filter = ["status"]
    exclude = ["revision"]
    # The status follows the review rounds (自评, 省局初审 …); editing it by hand would let it
    # disagree with them.
    readonly_fields = ["status"]
    inlines = [DepartmentInline]


@admin.register(models.Membership)
class MembershipAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["user", "campaign", "department", "role"]
    list_filter = ["role", "campaign"]


@admin.register(models.Assignment)
class AssignmentAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["campaign", "indicator", "department", "is_lead"]
    list_filter = ["campaign", "is_lead"]
