from __future__ import annotations

from django.apps import AppConfig


class ReviewsConfig(AppConfig):
    name = "demozone.web.reviews"
    label = "reviews"
    verbose_name = "评审轮次"
