from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.urls import path

from demozone.web.accounts import views

urlpatterns = [
    path(
        "login/",
        auth_views.LoginView.as_view(
            template_name="accounts/login.html", redirect_authenticated_user=True
        ),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/", views.password_change, name="password_change"),
    path("campaigns/<int:campaign_id>/users/", views.members, name="users"),
    path("campaigns/<int:campaign_id>/users/invite/", views.invite, name="user_invite"),
    path("campaigns/<int:campaign_id>/users/<int:member_id>/", views.member, name="user_edit"),
    path(
        "campaigns/<int:campaign_id>/users/<int:member_id>/disable/",
        views.disable,
        name="user_disable",
    ),
    path(
        "campaigns/<int:campaign_id>/users/<int:member_id>/enable/",
        views.enable,
        name="user_enable",
    ),
    path(
        "campaigns/<int:campaign_id>/users/<int:member_id>/reset-password/",
        views.reset_password,
        name="user_reset_password",
    ),
]
