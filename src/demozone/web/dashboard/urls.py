from __future__ import annotations

from django.urls import path

from demozone.web.dashboard import views

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz/", views.healthz, name="healthz"),
    path("campaigns/", views.campaign_list, name="campaign_list"),
    path("campaigns/<int:campaign_id>/", views.dashboard, name="dashboard"),
    path("campaigns/<int:campaign_id>/framework/", views.framework_tree, name="framework"),
    path("campaigns/<int:campaign_id>/scorecard/", views.scorecard, name="scorecard"),
    path(
        "campaigns/<int:campaign_id>/indicators/<int:number>/",
        views.indicator_detail,
        name="indicator",
    ),
    path("campaigns/<int:campaign_id>/export.<str:fmt>", views.export, name="export"),
]
