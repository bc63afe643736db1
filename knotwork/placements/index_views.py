"""The partnership's landing page: a card for each area the user's role may see, with
its first figures. Names no pupil."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from knotwork.core.http import AuthedRequest
from knotwork.placements.index_queries import landing


@require_http_methods(["GET"])
def index(request: AuthedRequest) -> HttpResponse:
    today = timezone.localdate()
    context = {"landing": landing(request.user, today), "today": today}
    return render(request, "placements/index.html", context)
