"""What every download the platform serves says about itself."""

from __future__ import annotations

from typing import TypeVar

from django.http.response import HttpResponseBase
from django.utils.http import content_disposition_header

_Response = TypeVar("_Response", bound=HttpResponseBase)


def attachment(response: _Response, filename: str) -> _Response:
    """A download under ``filename`` (Chinese names included), kept out of shared caches: the
    documents are a campaign's own."""
    response["Content-Disposition"] = content_disposition_header(True, filename)
    response["Cache-Control"] = "private, no-store"
    return response
