"""Note at sign-in whether the user must first change an issued password (read by the
middleware from the session, so later requests need no query)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from demozone.web.accounts.services import MUST_CHANGE_SESSION_KEY, must_change_password


@receiver(user_logged_in)
def _hold_for_password_change(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if request is None or not hasattr(request, "session"):
        return
    if must_change_password(user):
        request.session[MUST_CHANGE_SESSION_KEY] = True
    else:
        request.session.pop(MUST_CHANGE_SESSION_KEY, None)
