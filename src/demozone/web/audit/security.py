"""Security middleware (issue 4, item 6): a strict Content-Security-Policy and session expiry.

The pages load scripts and styles only from the platform itself: no inline ``<script>``, no
``style`` attributes, no event-handler attributes. Data for the charts travels in
``<script type="application/json">`` blocks (``json_script``), which are data, not scripts.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.signals import user_logged_in
from django.contrib.auth.views import redirect_to_login
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.shortcuts import resolve_url

CSP = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self' data:",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"

LOGIN_AT = "dz_login_at"
SEEN_AT = "dz_seen_at"
# The idle clock is written back at most this often, not on every request.
_TOUCH_EVERY = 60


class SecurityHeadersMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response


@receiver(user_logged_in)
def _start_clock(sender: object, request: HttpRequest | None, **kwargs: object) -> None:
    if request is not None and hasattr(request, "session"):
        now = int(time.time())
        request.session[LOGIN_AT] = now
        request.session[SEEN_AT] = now


class SessionTimeoutMiddleware:
    """Sign out after ``DEMOZONE_SESSION_IDLE_MINUTES`` without a request (30) or
    ``DEMOZONE_SESSION_AGE`` seconds after signing in (8 h), whichever comes first."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and hasattr(request, "session"):
            expired = self._expired(request)
            if expired:
                logout(request)
                if request.path.startswith("/api/"):
                    return self.get_response(request)  # answered 401 like any anonymous call
                messages.info(request, expired)
                if request.headers.get("HX-Request"):
                    # A partial must not land inside the page: htmx reloads the whole page.
                    response = HttpResponse(status=204)
                    response["HX-Redirect"] = resolve_url(settings.LOGIN_URL)
                    return response
                return redirect_to_login(request.get_full_path())
        return self.get_response(request)

    def _expired(self, request: HttpRequest) -> str | None:
        now = int(time.time())
        session = request.session
        login_at = session.get(LOGIN_AT)
        seen_at = session.get(SEEN_AT, login_at)
        if login_at is None:
            # Signed in before this middleware existed: start the clocks now.
            session[LOGIN_AT] = session[SEEN_AT] = now
            return None
        if now - int(login_at) > settings.SESSION_COOKIE_AGE:
            hours = settings.SESSION_COOKIE_AGE / 3600
            return f"登录已超过 {hours:g} 小时，为安全起见请重新登录。"
        if now - int(seen_at) > settings.DEMOZONE_SESSION_IDLE_SECONDS:
            minutes = settings.DEMOZONE_SESSION_IDLE_SECONDS // 60
            return f"您已 {minutes} 分钟没有操作，为安全起见已退出登录，请重新登录。"
        if now - int(seen_at) >= _TOUCH_EVERY:
            session[SEEN_AT] = now
        return None
