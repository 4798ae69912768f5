from __future__ import annotations

from django.urls import path

from demozone.web.entry import views

urlpatterns = [
    path("campaigns/<int:campaign_id>/entry/", views.entry_page, name="entry"),
    path(
        "campaigns/<int:campaign_id>/entry/<int:number>/",
        views.save_indicator,
        name="entry_save",
    ),
]
