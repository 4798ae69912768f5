from __future__ import annotations

from django.urls import path

from demozone.web.evidence import views

_ONE = "campaigns/<int:campaign_id>/evidence/<int:evidence_id>/"

urlpatterns = [
    path("campaigns/<int:campaign_id>/evidence/", views.library, name="evidence_library"),
    path("campaigns/<int:campaign_id>/evidence/upload/", views.upload, name="evidence_upload"),
    path("campaigns/<int:campaign_id>/evidence/trash/", views.trash, name="evidence_trash"),
    path(_ONE, views.detail, name="evidence_detail"),
    path(_ONE + "versions/", views.add_version, name="evidence_add_version"),
    path(_ONE + "links/", views.link, name="evidence_link"),
    path(_ONE + "links/remove/", views.unlink, name="evidence_unlink"),
    path(_ONE + "status/", views.change_status, name="evidence_status"),
    path(_ONE + "delete/", views.delete, name="evidence_delete"),
    path(_ONE + "restore/", views.restore, name="evidence_restore"),
    path(_ONE + "download/", views.download, name="evidence_download"),
    path(
        _ONE + "versions/<int:number>/download/",
        views.download,
        name="evidence_version_download",
    ),
]
