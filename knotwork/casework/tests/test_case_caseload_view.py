"""A key worker's caseload: open cases as lead against the limit, each with its
10-week clock, paginated, in a fixed number of queries."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from knotwork.casework.case_services import case_close, plan_action_add, review_record
from knotwork.casework.tests.case_fixtures import open_case, signed_in, today  # noqa: F401
from knotwork.core.models import AuditEntry
from knotwork.core.testing import make_pupil

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("today")]
D = datetime.date
URL = "/casework/cases/caseload/"


def test_the_caseload_counts_open_cases_as_lead_with_their_clocks(client, cast, settings):
    settings.KNOTWORK_CASELOAD_LIMIT = 3
    running = open_case(cast, opened_on=D(2026, 10, 19))  # week 5 of 10, due 28 Dec
    late = open_case(cast, pupil=cast.pupil_a, opened_on=D(2026, 9, 7))  # overdue since 16 Nov
    plan_action_add(
        actor=cast.officer, case=late, what="x", owner=cast.officer, due_on=D(2026, 11, 1)
    )
    review_record(
        actor=cast.officer,
        case=late,
        held_on=D(2026, 10, 12),
        child_view="x",
        scale_now=3,
        scale_goal=7,
    )
    closed = open_case(cast, pupil=make_pupil(setting=cast.school_a), opened_on=D(2026, 9, 7))
    case_close(
        actor=cast.officer,
        case=closed,
        version=1,
        closed_on=D(2026, 11, 2),
        closure_reason="other",
        exit_summary="x",
    )
    open_case(cast, pupil=make_pupil(setting=cast.school_a), lead=cast.coordinator)  # not theirs

    response = signed_in(client).get(URL)
    load = response.context["load"]
    assert (load.open_cases, load.limit, load.spare) == (2, 3, 1)
    rows = response.context["rows"]
    assert [r.case for r in rows] == [late, running]
    assert [(r.clock.weeks_in, r.clock.due_on, r.clock.state) for r in rows] == [
        (11, D(2026, 11, 16), "overdue"),
        (5, D(2026, 12, 28), "running"),
    ]
    assert [(r.last_review, r.overdue_actions) for r in rows] == [(D(2026, 10, 12), 1), (None, 0)]
    assert AuditEntry.objects.filter(action="view", what="caseload").count() == 2


def test_the_caseload_pages_in_a_fixed_number_of_queries(
    client, cast, settings, django_assert_max_num_queries
):
    settings.KNOTWORK_PAGE_SIZE = 5
    for _ in range(7):
        open_case(cast, pupil=make_pupil(setting=cast.school_a))
    signed_in(client)
    with django_assert_max_num_queries(11):  # with asking which pupils the lead still sees
        response = client.get(URL)
    assert len(response.context["rows"]) == 5
    with CaptureQueriesContext(connection) as five:
        client.get(URL)
    with CaptureQueriesContext(connection) as two:
        assert len(client.get(URL + "?page=2").context["rows"]) == 2
    assert len(five) == len(two)  # the audit rows of a page go in one insert


def test_signed_out_goes_to_sign_in(client):
    assert "sign-in" in client.get(URL)["Location"]


def test_someone_leading_nothing_sees_an_empty_caseload(client, cast):
    open_case(cast)
    response = signed_in(client, "outsider").get(URL)
    assert response.context["rows"] == [] and "You lead no open cases" in response.content.decode()
