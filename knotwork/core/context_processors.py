from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse


def navigation(request: HttpRequest) -> dict[str, Any]:
    """The service menu: the same for everyone signed in; pages check access themselves."""
    if not request.user.is_authenticated:
        return {}
    # Casework has no item: where it starts differs by role (a school's worklist, a
    # practitioner's inbox, a key worker's caseload), so the home page offers each role
    # its own casework pages.
    items = [
        ("Home", reverse("core:home")),
        ("Pupils", reverse("pupils:search")),
        ("Attendance", reverse("attendance:dashboard")),
        ("Behaviour", reverse("behaviour:incidents")),
        ("Partnership", reverse("placements:index")),
        ("Settings", reverse("directory:setting-list")),
        ("Agency directory", reverse("directory:agency-list")),
    ]
    if request.user.is_superuser:
        items.append(("Audit trail", reverse("core:audit-lookup")))
    path = request.path
    nav_items = []
    for label, url in items:
        active = path == url if url == "/" else path.startswith(url)
        nav_items.append({"label": label, "url": url, "active": active})
    return {"nav_items": nav_items}
