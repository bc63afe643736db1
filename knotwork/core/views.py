from __future__ import annotations

from django.contrib.auth.decorators import login_not_required, user_passes_test
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template import loader
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from knotwork.core.forms import AuditLookupForm
from knotwork.core.http import AuthedRequest
from knotwork.core.queries import home_sections, privacy_links
from knotwork.pupils.models import Pupil


def home(request: AuthedRequest) -> HttpResponse:
    today = timezone.localdate()
    sections = home_sections(request.user, today)
    memberships = [section.membership for section in sections]
    context = {
        "sections": sections,
        "today": today,
        "privacy_links": privacy_links(request.user, memberships, today),
    }
    return render(request, "core/home.html", context)


@require_http_methods(["GET", "POST"])
@user_passes_test(lambda u: u.is_superuser)
def audit_lookup(request: AuthedRequest) -> HttpResponse:
    """Administrators find a pupil's trail by UPN (posted, so it never sits in a URL)."""
    form = AuditLookupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        pupil = Pupil.objects.filter(upn=form.cleaned_data["upn"]).first()
        if pupil is not None:
            return redirect("pupils:trail", pupil_uuid=pupil.uuid)
        form.add_error("upn", "No pupil has this UPN.")
    return render(request, "core/audit_lookup.html", {"form": form})


@login_not_required
def forbidden(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    message = str(exception) if isinstance(exception, PermissionDenied) and str(exception) else ""
    return render(request, "403.html", {"message": message}, status=403)


@login_not_required
def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "404.html", status=404)


@login_not_required
def server_error(request: HttpRequest) -> HttpResponse:
    # No request context: the failure may be in what a context would read.
    return HttpResponse(loader.get_template("500.html").render(), status=500)
