"""Middleware of the audit app: the request an audit row is written for."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from demozone.web.audit.services import current_request


class AuditRequestMiddleware:
    """Make the request known to :func:`record`, so services that take only a user still record
    where the change came from (client IP and user agent)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = current_request.set(request)
        try:
            return self.get_response(request)
        finally:
            current_request.reset(token)
