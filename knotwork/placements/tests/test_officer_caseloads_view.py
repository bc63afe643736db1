"""Officers' caseloads across the LA service: open orders and cases led against the limit,
and each open order's 10-week clock."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from knotwork.casework.tests.case_fixtures import open_case
from knotwork.core.models import AuditEntry
from knotwork.core.testing import make_pupil
from knotwork.placements.order_services import order_assign, order_session_record
from knotwork.placements.tests.budget_helpers import (
    make_budget,
    make_item,
    make_officer,
    place,
    signed_in,
    today,  # noqa: F401
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("today")]
URL = "/placements/interventions/officers/"
D = datetime.date


def test_officers_with_their_orders_cases_and_clocks(client, cast, settings):
    settings.KNOTWORK_OFFICER_CASELOAD_LIMIT = 2
    make_budget(cast)
    officer = make_officer(cast)
    item = make_item(cast)
    late = place(cast, item, ordered_on=D(2026, 9, 7))  # week 11 of 10: overdue since 16 Nov
    order_assign(actor=officer, order=late, officer=officer, starts_on=D(2026, 9, 14))
    running = place(cast, item, pupil=None, group_label="Year 10", group_size=6)
    order_assign(actor=officer, order=running, officer=officer)
    order_session_record(actor=officer, order=running, on=D(2026, 11, 16), length="day")
    led = open_case(
        cast, pupil=make_pupil(setting=cast.school_a), lead=officer, opened_on=D(2026, 10, 5)
    )

    response = signed_in(client, "coordinator").get(URL)
    [row] = [r for r in response.context["officers"] if r.officer == officer]
    assert (row.orders, row.cases, row.overdue, row.due) == (2, 1, 1, 0)
    assert (row.load.open_cases, row.load.over) == (3, True)
    rows = response.context["rows"]
    assert [r.order for r in rows] == [late, running]
    assert [(r.clock.due_on, r.clock.state) for r in rows] == [
        (D(2026, 11, 23), "overdue"),
        (D(2027, 1, 25), "running"),
    ]
    [case_row] = response.context["cases"]
    assert (case_row.case, case_row.clock.due_on, case_row.pupil_shown) == (
        led,
        D(2026, 12, 14),
        True,
    )
    body = response.content.decode()
    assert "Over the limit" in body
    assert "<title>Officers' caseloads \N{EN DASH} knotwork</title>" in body
    assert body.count('id="case-clocks"') == 1  # the cases' table once, in the page
    audits = AuditEntry.objects.filter(what="officer caseloads").order_by("pk")
    # The group order names no one.
    assert [a.pupil for a in audits] == [cast.pupil_a, led.pupil]


def test_the_page_is_for_the_la_service(client, cast):
    assert "sign-in" in client.get(URL)["Location"]
    assert signed_in(client, "officer").get(URL).status_code == 403
    assert signed_in(client, "board_member").get(URL).status_code == 403


def test_the_clocks_page_in_a_fixed_number_of_queries(
    client, cast, settings, django_assert_max_num_queries
):
    settings.KNOTWORK_PAGE_SIZE = 5
    make_budget(cast)
    make_officer(cast)
    item = make_item(cast)
    for _ in range(7):
        place(cast, item, pupil=make_pupil(setting=cast.school_a))
    signed_in(client, "coordinator")
    with django_assert_max_num_queries(18):  # both lists, and who sees which pupils
        assert len(client.get(URL).context["rows"]) == 5
    with CaptureQueriesContext(connection) as five:
        client.get(URL)
    with CaptureQueriesContext(connection) as two:
        assert len(client.get(URL + "?page=2").context["rows"]) == 2
    assert len(five) == len(two)
