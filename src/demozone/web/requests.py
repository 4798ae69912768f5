"""Request types for views, as django-stubs and django-htmx recommend for typing.

``HttpRequest`` declares neither what django-htmx's middleware adds (``request.htmx``) nor that a
``login_required`` view only ever sees a signed-in ``User``.
"""

from __future__ import annotations

from django.contrib.auth.models import User
from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails


class HtmxHttpRequest(HttpRequest):
    htmx: HtmxDetails


class AuthenticatedHttpRequest(HttpRequest):
    user: User
