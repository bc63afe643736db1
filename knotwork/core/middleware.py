"""Request plumbing: a request id and address that a request's audit rows share."""

from __future__ import annotations

import uuid
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from knotwork.core.request_context import Origin, reset_origin, set_origin


class RequestIdMiddleware:
    """Gives each request an id (echoed in X-Request-Id) and records where it came from."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request_id = uuid.uuid4()
        token = set_origin(
            Origin(request_id=request_id, ip_address=request.META.get("REMOTE_ADDR"))
        )
        try:
            response = self.get_response(request)
        finally:
            reset_origin(token)
        response["X-Request-Id"] = str(request_id)
        return response
