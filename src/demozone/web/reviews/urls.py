from __future__ import annotations

from django.urls import path

from demozone.web.reviews import compare_views, views

_ROUND = "campaigns/<int:campaign_id>/rounds/<int:round_id>/"

urlpatterns = [
    path("campaigns/<int:campaign_id>/rounds/", views.round_list, name="rounds"),
    path(
        "campaigns/<int:campaign_id>/rounds/compare/",
        compare_views.compare_page,
        name="round_compare",
    ),
    path(
        "campaigns/<int:campaign_id>/rounds/compare.xlsx",
        compare_views.compare_workbook,
        name="round_compare_xlsx",
    ),
    path(
        "campaigns/<int:campaign_id>/snapshots/<int:snapshot_id>/report.<str:fmt>",
        compare_views.snapshot_report,
        name="snapshot_report",
    ),
]
