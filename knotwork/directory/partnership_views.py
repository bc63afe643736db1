from __future__ import annotations

import uuid

from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_http_methods

from knotwork.core.http import AuthedRequest
from knotwork.directory.models import Partnership
from knotwork.directory.queries import partnership_members


@require_http_methods(["GET"])
def partnership_detail(request: AuthedRequest, partnership_uuid: uuid.UUID) -> HttpResponse:
    partnership = get_object_or_404(
        Partnership.objects.select_related("local_authority"), uuid=partnership_uuid
    )
    members = partnership_members(partnership)
    return render(
        request, "directory/partnership_detail.html", {"partnership": partnership, **members}
    )
