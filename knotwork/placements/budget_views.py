"""The pooled budget: its page (balance, contributions, spending by category with a chart,
commitments, the ledger, settings' own accounts), the statement as CSV and PDF, entries
kept by the accountable manager and the LA service, and the cost per improved outcome.
Read by every member of the partnership, board members too; nothing here names a pupil.
Also the officers' caseloads and intervention clocks across the service."""

from __future__ import annotations

import uuid

from django.conf import settings as django_settings
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from knotwork.core.audit import audit_record, audit_record_many
from knotwork.core.http import AuthedRequest
from knotwork.core.models import AuditEntry
from knotwork.directory.models import Partnership, Setting
from knotwork.placements.budget_access import (
    manager_candidates,
    may_keep_budget,
    service_partnership_ids,
)
from knotwork.placements.budget_charts import budget_chart
from knotwork.placements.budget_exports import (
    ledger_csv,
    ledger_xlsx,
    statement_csv,
    statement_html,
    statement_pdf,
    statement_xlsx,
)
from knotwork.placements.budget_forms import BudgetOpenForm, EntryForm
from knotwork.placements.budget_queries import (
    budget_entries,
    budget_for_user,
    budget_statement,
    budgets_for,
    cost_per_outcome,
    setting_accounts,
)
from knotwork.placements.budget_rules import budget_year_of
from knotwork.placements.budget_services import budget_entry_record, budget_open
from knotwork.placements.menu_views import form_page, run
from knotwork.placements.order_queries import (
    case_rows,
    intervention_rows,
    officer_rows,
    officers_cases,
    officers_scope,
    open_orders,
)
from knotwork.placements.workbook_exports import XLSX


@require_http_methods(["GET"])
def budget_current(request: AuthedRequest) -> HttpResponse:
    """The latest budget of the user's partnership, or a page saying there is none."""
    budget = budgets_for(request.user).first()
    if budget is None:
        can_open = bool(service_partnership_ids(request.user, edit=True))
        return render(request, "placements/budget_none.html", {"can_open": can_open})
    return redirect("placements:budget-detail", budget_uuid=budget.uuid)


@require_http_methods(["GET", "POST"])
def budget_open_page(request: AuthedRequest) -> HttpResponse:
    """The LA service opens a partnership's budget for a year and names its manager."""
    ids = service_partnership_ids(request.user, edit=True)
    if not ids:
        raise PermissionDenied("The partnership's LA service opens its budget.")
    partnerships = Partnership.objects.filter(pk__in=sorted(ids)).order_by("name")
    managers = manager_candidates(partnerships)
    data = request.POST if request.method == "POST" else None
    initial = {
        "start_year": budget_year_of(timezone.localdate()),
        "accountable_manager": request.user.pk,
    }
    form = BudgetOpenForm(data, initial=initial, partnerships=partnerships, managers=managers)
    if request.method == "POST" and form.is_valid():
        budget = run(form, lambda: budget_open(actor=request.user, **form.cleaned_data))
        if budget is not None:
            return redirect("placements:budget-detail", budget_uuid=budget.uuid)
    return form_page(request, form, title="Open a pooled budget")


@require_http_methods(["GET"])
def budget_detail(request: AuthedRequest, budget_uuid: uuid.UUID) -> HttpResponse:
    budget = budget_for_user(request.user, budget_uuid)
    statement = budget_statement(budget)
    page = Paginator(budget_entries(budget), django_settings.KNOTWORK_PAGE_SIZE).get_page(
        request.GET.get("page") or 1
    )
    audit_record(actor=request.user, action=AuditEntry.Action.VIEW, obj=budget, what="budget")
    context = {
        "budget": budget,
        "statement": statement,
        "chart": budget_chart(statement),
        "accounts": setting_accounts(budget),
        "page": page,
        "others": budgets_for(request.user).exclude(pk=budget.pk),
        "can_keep": may_keep_budget(request.user, budget),
        "can_open": bool(service_partnership_ids(request.user, edit=True)),
        "today": timezone.localdate(),
    }
    return render(request, "placements/budget_detail.html", context)


@require_http_methods(["GET"])
def budget_statement_export(
    request: AuthedRequest, budget_uuid: uuid.UUID, file_format: str = "csv"
) -> HttpResponse:
    if file_format not in ("csv", "xlsx", "pdf"):
        raise Http404("No such format")
    budget = budget_for_user(request.user, budget_uuid)
    today = timezone.localdate()
    statement = budget_statement(budget, through=today)
    audit_record(
        actor=request.user,
        action=AuditEntry.Action.EXPORT,
        obj=budget,
        what=f"budget statement {file_format.upper()}",
    )
    name = f"budget-statement-{budget.start_year}-{today:%Y%m%d}.{file_format}"
    if file_format == "csv":
        response = HttpResponse(
            statement_csv(budget, statement, today), content_type="text/csv; charset=utf-8"
        )
    elif file_format == "xlsx":
        response = HttpResponse(statement_xlsx(budget, statement, today), content_type=XLSX)
    else:
        html = statement_html(budget, statement, setting_accounts(budget), today)
        response = HttpResponse(statement_pdf(html), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@require_http_methods(["GET"])
def budget_ledger_export(
    request: AuthedRequest, budget_uuid: uuid.UUID, file_format: str = "csv"
) -> HttpResponse:
    budget = budget_for_user(request.user, budget_uuid)
    audit_record(
        actor=request.user,
        action=AuditEntry.Action.EXPORT,
        obj=budget,
        what=f"budget ledger {file_format.upper()}",
    )
    today = timezone.localdate()
    entries = budget_entries(budget, account="").order_by("on", "pk")
    if file_format == "xlsx":
        response = HttpResponse(ledger_xlsx(budget, entries, today), content_type=XLSX)
    else:
        response = HttpResponse(ledger_csv(entries), content_type="text/csv; charset=utf-8")
    name = f"budget-ledger-{budget.start_year}-{today:%Y%m%d}.{file_format}"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@require_http_methods(["GET", "POST"])
def budget_entry_new(request: AuthedRequest, budget_uuid: uuid.UUID) -> HttpResponse:
    budget = budget_for_user(request.user, budget_uuid)
    if not may_keep_budget(request.user, budget):
        raise PermissionDenied("Only the accountable manager and the LA service keep the budget.")
    settings = Setting.objects.filter(partnership_memberships__partnership=budget.partnership)
    data = request.POST if request.method == "POST" else None
    form = EntryForm(data, initial={"on": timezone.localdate()}, settings=settings)
    if request.method == "POST" and form.is_valid():
        done = run(
            form,
            lambda: budget_entry_record(actor=request.user, budget=budget, **form.cleaned_data),
        )
        if done is not None:
            return redirect(reverse("placements:budget-detail", args=[budget.uuid]) + "#entries")
    return form_page(request, form, title="Add to the budget's ledger", budget=budget)


@require_http_methods(["GET"])
def budget_outcomes(request: AuthedRequest, budget_uuid: uuid.UUID) -> HttpResponse:
    budget = budget_for_user(request.user, budget_uuid)
    audit_record(
        actor=request.user, action=AuditEntry.Action.VIEW, obj=budget, what="cost per outcome"
    )
    context = {"budget": budget, "rows": cost_per_outcome(budget)}
    return render(request, "placements/budget_outcomes.html", context)


@require_http_methods(["GET"])
def officer_caseloads(request: AuthedRequest) -> HttpResponse:
    scope = officers_scope(request.user)
    if not scope:
        raise PermissionDenied("Officers' caseloads are for the local authority service.")
    today = timezone.localdate()
    size = django_settings.KNOTWORK_PAGE_SIZE
    page = Paginator(open_orders(scope), size).get_page(request.GET.get("page") or 1)
    rows = intervention_rows(request.user, list(page.object_list), today)
    cases_page = Paginator(officers_cases(scope), size).get_page(request.GET.get("cases_page") or 1)
    cases = case_rows(request.user, list(cases_page.object_list), today)
    audit_record_many(
        actor=request.user,
        action=AuditEntry.Action.VIEW,
        records=[
            *((r.order.pupil_id, r.order) for r in rows if r.pupil_shown and r.order.pupil_id),
            *((r.case.pupil_id, r.case) for r in cases if r.pupil_shown),
        ],
        what="officer caseloads",
    )
    context = {
        "officers": officer_rows(scope, today),
        "page": page,
        "rows": rows,
        "cases_page": cases_page,
        "cases": cases,
        "today": today,
        "weeks": django_settings.KNOTWORK_INTERVENTION_WEEKS,
    }
    return render(request, "placements/officer_caseloads.html", context)
