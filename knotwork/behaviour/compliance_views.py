"""The exclusions compliance page: every open clock at a setting or across the
partnership, overdue first, and the same list as CSV."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from knotwork.behaviour.compliance import (
    ComplianceScope,
    compliance_csv,
    compliance_export_audit,
    compliance_page,
    compliance_scope,
)
from knotwork.core.audit import audit_record
from knotwork.core.http import AuthedRequest
from knotwork.core.models import AuditEntry


def _scope(request: AuthedRequest) -> ComplianceScope:
    chosen = request.GET.get("setting") or None
    scope = compliance_scope(request.user, chosen)
    if scope is None:
        if chosen and compliance_scope(request.user) is not None:
            raise Http404("No such setting")
        raise PermissionDenied("The compliance page is for settings and the partnership.")
    return scope


@require_http_methods(["GET"])
def compliance(request: AuthedRequest) -> HttpResponse:
    scope = _scope(request)
    page = compliance_page(request.user, scope, timezone.localdate())
    audit_record(
        actor=request.user,
        action=AuditEntry.Action.VIEW,
        obj=scope.shown[0] if len(scope.shown) == 1 else None,
        what="exclusion compliance",
    )
    context = {"page": page, "scope": scope, "query": request.GET.urlencode()}
    return render(request, "behaviour/compliance.html", context)


@require_http_methods(["GET"])
def compliance_export(request: AuthedRequest) -> HttpResponse:
    scope = _scope(request)
    today = timezone.localdate()
    page = compliance_page(request.user, scope, today)
    compliance_export_audit(actor=request.user, pupil_uuids=[i.pupil_uuid for i in page.items])
    response = HttpResponse(compliance_csv(page), content_type="text/csv; charset=utf-8")
    name = f"exclusion-compliance-{today.isoformat()}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
