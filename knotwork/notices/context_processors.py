"""The count of unread notices in the header, for the signed-in user."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from knotwork.notices.queries import unread_count


def unread_notices(request: HttpRequest) -> dict[str, Any]:
    """Read only when a page shows it: one query when there are none."""
    user = request.user
    if not user.is_authenticated:
        return {}
    return {"unread_notices": SimpleLazyObject(lambda: unread_count(user))}
