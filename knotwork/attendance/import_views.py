"""Importing register marks: the upload page, a run's progress and outcome, its errors."""

from __future__ import annotations

import uuid

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from knotwork.attendance.forms import MarksUploadForm
from knotwork.attendance.imports.runs import (
    errors_csv,
    import_progress,
    import_run_create,
    import_run_for_user,
    import_run_start,
    import_runs_for,
    may_import,
    split_errors,
)
from knotwork.attendance.models import ImportRun
from knotwork.core.http import AuthedRequest

RECENT = 20


@require_http_methods(["GET", "POST"])
def imports(request: AuthedRequest) -> HttpResponse:
    """The user's recent imports, and the form to bring in another file."""
    allowed = may_import(request.user)
    posted = request.method == "POST"
    form = MarksUploadForm(request.POST, request.FILES) if posted else MarksUploadForm()
    if posted:
        if not allowed:
            raise PermissionDenied("You may not record attendance marks at any setting.")
        if form.is_valid():
            upload = form.cleaned_data["file"]
            run = import_run_create(
                actor=request.user,
                file_name=upload.name,
                content=upload.read(),
                file_format=form.cleaned_data["file_format"],
            )
            return redirect("attendance:import-run", run_uuid=run.uuid)
    context = {
        "form": form,
        "allowed": allowed,
        "runs": import_runs_for(request.user)[:RECENT],
        "max_mb": form.max_bytes // (1024 * 1024),
    }
    return render(request, "attendance/import_list.html", context)


def _status_context(run: ImportRun) -> dict[str, object]:
    listed, total = split_errors(run.errors)
    return {
        "run": run,
        "progress": import_progress(run),
        "errors": listed,
        "error_count": total,
        "more_errors": total - len(listed),
    }


@require_GET
def run_detail(request: AuthedRequest, run_uuid: uuid.UUID) -> HttpResponse:
    run = import_run_for_user(request.user, run_uuid)
    return render(request, "attendance/import_run.html", _status_context(run))


@require_GET
def run_progress(request: AuthedRequest, run_uuid: uuid.UUID) -> HttpResponse:
    """The progress panel alone, which the run page asks for every 300 ms while it runs."""
    run = import_run_for_user(request.user, run_uuid)
    return render(request, "attendance/import_status.html", _status_context(run))


@require_POST
def run_start(request: AuthedRequest, run_uuid: uuid.UUID) -> HttpResponse:
    run = import_run_for_user(request.user, run_uuid)
    import_run_start(actor=request.user, run=run)
    if request.headers.get("HX-Request"):
        return HttpResponse(status=204)
    return redirect("attendance:import-run", run_uuid=run.uuid)


@require_GET
def run_errors(request: AuthedRequest, run_uuid: uuid.UUID) -> HttpResponse:
    """The run's error report as a CSV file."""
    run = import_run_for_user(request.user, run_uuid)
    response = HttpResponse(errors_csv(run.errors), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="import-errors.csv"'
    return response
