from __future__ import annotations

from django.urls import path

from demozone.web.audit import views

urlpatterns = [
    path("audit/", views.audit_all, name="audit_all"),
    path("campaigns/<int:campaign_id>/audit/", views.audit_campaign, name="audit"),
    path(
        "campaigns/<int:campaign_id>/indicators/<int:number>/history/",
        views.indicator_history,
        name="indicator_history",
    ),
]
