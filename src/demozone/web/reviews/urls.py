from __future__ import annotations

from django.urls import path

from demozone.web.reviews import compare_views, views

_C = "campaigns/<int:campaign_id>/"
_ROUND = _C + "rounds/<int:round_id>/"
_SNAPSHOT = _C + "snapshots/<int:snapshot_id>/"

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
    path(_C + "rounds/self/", views.open_self, name="round_open_self"),
    path(_C + "rounds/review/", views.open_review, name="round_open_review"),
    path(_ROUND, views.round_detail, name="round_detail"),
    path(_ROUND + "submit/", views.submit, name="round_submit"),
    path(_ROUND + "panel/", views.panel, name="round_panel"),
    path(_ROUND + "reconcile/", views.reconcile, name="round_reconcile"),
    path(_ROUND + "override/", views.override, name="round_override"),
    path(_ROUND + "return/", views.return_round, name="round_return"),
    path(_ROUND + "approve/", views.approve, name="round_approve"),
    path(_ROUND + "judge/", views.judge, name="round_judge"),
    path(_ROUND + "judge/<int:number>/", views.judge_save, name="round_judge_save"),
    path(_ROUND + "judge/submit/", views.judge_submit, name="round_judge_submit"),
    path(
        _ROUND + "evidence/<int:evidence_id>/preview/",
        views.evidence_preview,
        name="round_evidence_preview",
    ),
    path(_SNAPSHOT, views.snapshot, name="snapshot"),
    path(_SNAPSHOT + "verify/", views.snapshot_verify, name="snapshot_verify"),
    path(_SNAPSHOT + "download/", views.snapshot_download, name="snapshot_download"),
]
