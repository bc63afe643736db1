from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse


def navigation(request: HttpRequest) -> dict[str, Any]:
    """The service menu: the same for everyone signed in; pages check access themselves."""
    if not request.user.is_authenticated:
        return {}
    # Each item: its label, where it goes, and the part of the site it stands for (casework
    # starts from the caseload, and stays lit on every casework page).
    items = [
        ("Home", reverse("core:home"), None),
        ("Pupils", reverse("pupils:search"), None),
        ("Attendance", reverse("attendance:dashboard"), None),
        ("Behaviour", reverse("behaviour:incidents"), None),
        ("Casework", reverse("casework:caseload"), "/casework/"),
        ("Partnership", reverse("placements:index"), None),
        ("Settings", reverse("directory:setting-list"), None),
        ("Agency directory", reverse("directory:agency-list"), None),
    ]
    if request.user.is_superuser:
        items.append(("Audit trail", reverse("core:audit-lookup"), None))
    path = request.path
    nav_items = []
    for label, url, section in items:
        active = path == url if url == "/" else path.startswith(section or url)
        nav_items.append({"label": label, "url": url, "active": active})
    return {"nav_items": nav_items}
