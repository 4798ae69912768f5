"""Hold a user who signed in with an issued password at the password page until it is changed."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse

from demozone.web.accounts.services import MUST_CHANGE_SESSION_KEY

_MESSAGE = "请先修改初始密码，再使用平台"


class ForcedPasswordChangeMiddleware:
    """Reads only the session (already loaded for the signed-in user): no query of its own."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if settings.SESSION_COOKIE_NAME in request.COOKIES and request.session.get(
            MUST_CHANGE_SESSION_KEY
        ):
            free = (reverse("password_change"), reverse("logout"), settings.STATIC_URL)
            if not request.path.startswith(free):
                if request.path.startswith("/api/"):
                    return JsonResponse({"detail": _MESSAGE}, status=403)
                return redirect("password_change")
        return self.get_response(request)
