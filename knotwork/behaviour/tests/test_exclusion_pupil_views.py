"""The pupil's exclusions page, its CSV, and issuing a suspension or permanent exclusion."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from knotwork.behaviour.models import Exclusion
from knotwork.behaviour.testing import make_exclusion
from knotwork.core.models import AuditEntry
from knotwork.core.testing import PASSWORD

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(datetime.datetime(2026, 11, 24, 10, 0), tick=False):
        yield


def signed_in(client, username="officer"):
    client.login(username=username, password=PASSWORD)
    return client


def page_url(pupil):
    return reverse("behaviour:pupil-exclusions", args=[pupil.uuid])


def issue_url(pupil, kind="suspension"):
    return reverse("behaviour:exclusion-issue", args=[pupil.uuid, kind])


def form_data(cast, **overrides):
    data = {
        "enrolment": str(cast.pupil_a.enrolments.get().pk),
        "start_date": "2026-11-24",
        "start_half": "AM",
        "length": "6",
        "unit": "days",
        "reason_1": "PP",
        "reason_2": "VA",
        "reason_3": "",
        "decided_by": "Ms Head, headteacher",
        "parents_told_on": "2026-11-24",
        "parents_told_how": "phone",
    }
    data.update(overrides)
    return data


# --- the pupil's page ----------------------------------------------------------------------


def test_the_officer_sees_the_clocks_and_the_view_is_audited(client, cast):
    make_exclusion(
        pupil=cast.pupil_a, recorded_by=cast.officer, start_date=D(2026, 11, 16), sessions=14
    )
    response = signed_in(client).get(page_url(cast.pupil_a))
    assert response.status_code == 200
    page = response.context["page"]
    assert page.can_edit and page.may_issue and page.used == 14
    (row,) = page.rows
    day_six = next(c for c in row.clocks if c.kind == "day_six")
    assert (day_six.due, day_six.status) == (D(2026, 11, 23), "overdue")
    content = response.content.decode()
    assert "Issue a suspension" in content and "Education from the sixth day" in content
    assert "govuk-tag--red" in content and "7 days of 45" in content
    entry = AuditEntry.objects.get(action="view", pupil=cast.pupil_a)
    assert (entry.actor, entry.what) == (cast.officer, "exclusions")


def test_a_pupil_with_none_has_an_empty_page(client, cast):
    response = signed_in(client).get(page_url(cast.pupil_a))
    assert b"No suspensions or permanent exclusions recorded." in response.content
    assert response.context["page"].open_clocks == []


def test_a_read_only_user_sees_the_page_without_ways_to_change_it(client, cast):
    make_exclusion(pupil=cast.pupil_a, recorded_by=cast.officer)
    client = signed_in(client, "head_of_year")
    response = client.get(page_url(cast.pupil_a))
    assert response.status_code == 200 and not response.context["page"].can_edit
    assert b"Issue a suspension" not in response.content
    assert client.get(issue_url(cast.pupil_a)).status_code == 403
    assert client.post(issue_url(cast.pupil_a), form_data(cast)).status_code == 403
    assert Exclusion.objects.count() == 1


def test_an_outsider_gets_404_everywhere(client, cast):
    client = signed_in(client, "outsider")
    urls = [
        page_url(cast.pupil_a),
        issue_url(cast.pupil_a),
        reverse("behaviour:pupil-exclusions-csv", args=[cast.pupil_a.uuid]),
    ]
    for url in urls:
        assert client.get(url).status_code == 404
    assert client.post(issue_url(cast.pupil_a), form_data(cast)).status_code == 404
    assert not Exclusion.objects.exists()
    assert not AuditEntry.objects.filter(pupil=cast.pupil_a).exists()


def test_signed_out_goes_to_sign_in(client, cast):
    csv_url = reverse("behaviour:pupil-exclusions-csv", args=[cast.pupil_a.uuid])
    for url in (page_url(cast.pupil_a), issue_url(cast.pupil_a), csv_url):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("accounts:sign-in"))


def test_the_page_and_its_csv_answer_only_get(client, cast):
    client = signed_in(client)
    assert client.post(page_url(cast.pupil_a)).status_code == 405
    assert (
        client.post(reverse("behaviour:pupil-exclusions-csv", args=[cast.pupil_a.uuid])).status_code
        == 405
    )


def test_the_csv_holds_the_pupils_exclusions_and_is_audited(client, cast):
    make_exclusion(pupil=cast.pupil_a, recorded_by=cast.officer, decided_by="=HYPERLINK()")
    response = signed_in(client).get(
        reverse("behaviour:pupil-exclusions-csv", args=[cast.pupil_a.uuid])
    )
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    text = response.content.decode("utf-8-sig")
    header, row = text.splitlines()[:2]
    assert header.startswith("Kind,Setting,Start date")
    assert row.startswith(
        "Suspension,Ashdown Academy,2026-11-23,Morning,2026-11-24,4,DB,'=HYPERLINK()"
    )
    assert (
        AuditEntry.objects.filter(
            action="export", pupil=cast.pupil_a, what="exclusions csv"
        ).count()
        == 1
    )


def test_the_page_reads_a_fixed_number_of_queries(client, cast, django_assert_max_num_queries):
    for week in range(8):
        make_exclusion(
            pupil=cast.pupil_a,
            recorded_by=cast.officer,
            start_date=D(2026, 9, 7) + datetime.timedelta(weeks=week),
        )
    client = signed_in(client)
    with django_assert_max_num_queries(17):  # the same for 1 exclusion or 100
        response = client.get(page_url(cast.pupil_a))
    assert len(response.context["page"].rows) == 8


# --- issuing ---------------------------------------------------------------------------------


def test_the_form_comes_filled_in_and_its_view_is_audited(client, cast):
    response = signed_in(client).get(issue_url(cast.pupil_a))
    assert response.status_code == 200
    form = response.context["form"]
    assert form.initial["start_date"] == D(2026, 11, 24)
    assert "Days of suspension this year" in response.content.decode()
    assert AuditEntry.objects.get(action="view", pupil=cast.pupil_a).what == "issue suspension"
    assert signed_in(client).get(issue_url(cast.pupil_a, "expulsion")).status_code == 404


def test_issuing_a_suspension_saves_it_and_shows_its_clocks(client, cast):
    response = signed_in(client).post(issue_url(cast.pupil_a), form_data(cast))
    assert response.status_code == 302 and response.url == page_url(cast.pupil_a)
    x = Exclusion.objects.get()
    assert (x.kind, x.start_date, x.sessions, x.reasons, x.recorded_by) == (
        "suspension",
        D(2026, 11, 24),
        12,
        ["PP", "VA"],
        cast.officer,
    )
    assert AuditEntry.objects.get(action="create", pupil=cast.pupil_a).what == "suspension"
    page = client.get(page_url(cast.pupil_a))
    assert b"Suspension recorded." in page.content
    day_six = next(c for c in page.context["page"].rows[0].clocks if c.kind == "day_six")
    assert day_six.due == D(2026, 12, 1) and day_six.status == "upcoming"


@pytest.mark.parametrize(
    ("length", "unit", "sessions"),
    [("2.5", "days", 5), ("3", "sessions", 3), ("1", "lunchtimes", 1), ("0.5", "days", 1)],
)
def test_lengths_in_days_sessions_or_lunchtimes(client, cast, length, unit, sessions):
    response = signed_in(client).post(
        issue_url(cast.pupil_a), form_data(cast, length=length, unit=unit)
    )
    assert response.status_code == 302
    assert Exclusion.objects.get().sessions == sessions


def test_a_start_that_is_no_school_session_is_shown_with_what_was_typed(client, cast):
    response = signed_in(client).post(
        issue_url(cast.pupil_a), form_data(cast, start_date="2026-11-28", decided_by="Mr Deputy")
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert (
        "not open to pupils on the morning of Saturday 28 November 2026"
        in form.errors["start_date"][0]
    )
    content = response.content.decode()
    assert 'value="Mr Deputy"' in content and 'value="2026-11-28"' in content
    assert "There is a problem" in content
    assert not Exclusion.objects.exists()
    assert not AuditEntry.objects.filter(action="create").exists()


def test_a_length_that_is_not_whole_or_half_days_is_refused(client, cast):
    response = signed_in(client).post(issue_url(cast.pupil_a), form_data(cast, length="2.3"))
    assert response.status_code == 200
    assert response.context["form"].errors["length"] == ["Use whole or half days (2.5, not 2.3)."]
    assert not Exclusion.objects.exists()


def test_reasons_wrong_for_the_date_are_shown_on_the_reason(client, cast):
    response = signed_in(client).post(issue_url(cast.pupil_a), form_data(cast, reason_2="PP"))
    assert response.context["form"].errors["reason_1"] == ["Choose each reason once."]
    assert not Exclusion.objects.exists()


def test_issuing_a_permanent_exclusion(client, cast):
    data = form_data(cast)
    del data["length"], data["unit"]
    response = signed_in(client).post(issue_url(cast.pupil_a, "permanent"), data)
    assert response.status_code == 302
    x = Exclusion.objects.get()
    assert (x.kind, x.sessions) == ("permanent", None)
    assert AuditEntry.objects.get(action="create").what == "permanent exclusion"


def test_issuing_near_the_cap_says_so(client, cast):
    for start in (D(2026, 9, 7), D(2026, 9, 21), D(2026, 10, 5)):
        make_exclusion(pupil=cast.pupil_a, recorded_by=cast.officer, start_date=start, sessions=20)
    response = signed_in(client).post(
        issue_url(cast.pupil_a), form_data(cast, length="6"), follow=True
    )
    assert "Approaching the limit: 36 days of 45" in response.content.decode()
    refused = client.post(
        issue_url(cast.pupil_a), form_data(cast, start_date="2026-12-07", length="10")
    )
    assert "limit is 45 school days" in refused.context["form"].errors["length"][0]


def test_the_clocks_move_on_with_the_days_across_half_term(client, cast):
    """A permanent exclusion from Monday 12 October with the governors told that day: the
    board must meet by Monday 9 November, 15 school days on across half term."""
    make_exclusion(
        pupil=cast.pupil_a,
        recorded_by=cast.officer,
        kind="permanent",
        sessions=None,
        start_date=D(2026, 10, 12),
        parents_told_on=D(2026, 10, 12),
        parents_told_how="letter",
        la_told_on=D(2026, 10, 12),
        governors_told_on=D(2026, 10, 12),
        provision_by="la",
        provision_where="Pupil referral unit",
        provision_from=D(2026, 10, 19),
    )
    client = signed_in(client)

    def board_on(day):
        with time_machine.travel(datetime.datetime.combine(day, datetime.time(9)), tick=False):
            page = client.get(page_url(cast.pupil_a)).context["page"]
        return next(c for c in page.rows[0].clocks if c.kind == "board")

    assert (board_on(D(2026, 10, 23)).due, board_on(D(2026, 10, 23)).status) == (
        D(2026, 11, 9),
        "upcoming",
    )
    assert board_on(D(2026, 11, 4)).status == "due_soon"
    overdue = board_on(D(2026, 11, 10))
    assert overdue.status == "overdue"
    assert "The board must meet by Monday 9 November 2026." in overdue.line


def test_a_suspension_from_a_friday_afternoon_needs_education_from_the_next_friday_afternoon(
    client, cast
):
    """Issued at 2pm on Friday 13 November for six days: Fri PM, Mon-Thu, Fri AM are the
    first five days, so education is due from the afternoon of Friday 20 November."""
    client = signed_in(client)
    with time_machine.travel(datetime.datetime(2026, 11, 13, 14, 0), tick=False):
        data = form_data(cast, start_date="2026-11-13", start_half="PM", parents_told_on="")
        data["parents_told_how"] = ""
        assert client.post(issue_url(cast.pupil_a), data).status_code == 302
        page = client.get(page_url(cast.pupil_a)).context["page"]
    (row,) = page.rows
    day_six = next(c for c in row.clocks if c.kind == "day_six")
    assert (day_six.due, day_six.half, day_six.status) == (D(2026, 11, 20), "PM", "upcoming")
    assert row.last_day == D(2026, 11, 23)
    with time_machine.travel(datetime.datetime(2026, 11, 20, 9, 0), tick=False):
        page = client.get(page_url(cast.pupil_a)).context["page"]
    assert next(c for c in page.rows[0].clocks if c.kind == "day_six").status == "overdue"


def test_a_board_deadline_runs_past_the_early_may_bank_holiday(client, cast):
    """Governors told of a permanent exclusion on Friday 30 April 2027: Monday 3 May is a
    bank holiday, so the 15th school day is Monday 24 May, not Friday 21 May."""
    make_exclusion(
        pupil=cast.pupil_a,
        recorded_by=cast.officer,
        kind="permanent",
        sessions=None,
        start_date=D(2027, 4, 30),
        governors_told_on=D(2027, 4, 30),
    )
    with time_machine.travel(datetime.datetime(2027, 5, 21, 9, 0), tick=False):
        client = signed_in(client)  # a sign-in lasts two weeks: sign in on the day
        board = next(
            c
            for c in client.get(page_url(cast.pupil_a)).context["page"].rows[0].clocks
            if c.kind == "board"
        )
    assert (board.due, board.status) == (D(2027, 5, 24), "due_soon")
