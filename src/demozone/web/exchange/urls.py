from __future__ import annotations

from django.urls import path

from demozone.web.exchange import views

urlpatterns = [
    path("campaigns/<int:campaign_id>/collection/", views.collection_page, name="collection"),
    path(
        "campaigns/<int:campaign_id>/collection/workbook.xlsx",
        views.collection_workbook,
        name="collection_workbook",
    ),
    path(
        "campaigns/<int:campaign_id>/collection/upload/",
        views.collection_upload,
        name="collection_upload",
    ),
    path(
        "campaigns/<int:campaign_id>/collection/apply/",
        views.collection_apply,
        name="collection_apply",
    ),
    path("campaigns/<int:campaign_id>/reports/", views.reports_page, name="reports"),
    path(
        "campaigns/<int:campaign_id>/reports/package.zip",
        views.package_download,
        name="report_package",
    ),
    path(
        "campaigns/<int:campaign_id>/reports/report.<str:fmt>",
        views.report_download,
        name="report_download",
    ),
]
