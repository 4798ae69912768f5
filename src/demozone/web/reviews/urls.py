from __future__ import annotations

from django.urls import path

from demozone.web.reviews import views

_ROUND = "campaigns/<int:campaign_id>/rounds/<int:round_id>/"

urlpatterns = [
    path("campaigns/<int:campaign_id>/rounds/", views.round_list, name="rounds"),
]
