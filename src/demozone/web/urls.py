from __future__ import annotations

from django.contrib import admin
from django.urls import include, path

from demozone.web.api.api import api

urlpatterns = [
    path("", include("demozone.web.accounts.urls")),
    path("", include("demozone.web.dashboard.urls")),
    path("", include("demozone.web.entry.urls")),
    path("", include("demozone.web.evidence.urls")),
    path("", include("demozone.web.audit.urls")),
    path("", include("demozone.web.exchange.urls")),
    path("", include("demozone.web.reviews.urls")),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
]

handler403 = "demozone.web.audit.views.permission_denied"

admin.site.site_header = "示范区创建评估平台 · 系统管理"
admin.site.site_title = "示范区创建评估平台"
