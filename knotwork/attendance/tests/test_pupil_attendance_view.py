"""The pupil's attendance page: grid, measures (hand-computed), trend, amendments, access."""

import datetime
import zoneinfo
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from knotwork.attendance.codes import code_for
from knotwork.attendance.models import MarkAmendment
from knotwork.attendance.queries import SessionMaps
from knotwork.attendance.services import marks_record
from knotwork.attendance.testing import fill_register, whole_day
from knotwork.core.models import AuditEntry
from knotwork.core.testing import PASSWORD, add_academic_year, make_setting
from knotwork.directory.models import Setting
from knotwork.pupils.models import Enrolment

pytestmark = pytest.mark.django_db

MONDAY = datetime.date(2026, 11, 23)
NOON = datetime.datetime(2026, 11, 23, 12, 0, tzinfo=zoneinfo.ZoneInfo("Europe/London"))


@pytest.fixture(autouse=True)
def on_a_monday_in_november():
    with time_machine.travel(NOON, tick=False):
        yield


def url(pupil, **query):
    base = reverse("attendance:pupil", args=[pupil.uuid])
    return base + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def known_marks(pupil):
    """Autumn 2026 to Monday 23 November AM, present except:
    I all day 14 Sep, M 5 Oct AM, G all day 9 Nov, L 10 Nov AM, U 11 Nov AM,
    D all day 12 Nov, B 13 Nov PM, N 23 Nov AM (23 Nov PM not yet marked)."""
    marks = {
        **whole_day(datetime.date(2026, 9, 14), "I"),
        (datetime.date(2026, 10, 5), "AM"): "M",
        **whole_day(datetime.date(2026, 11, 9), "G"),
        (datetime.date(2026, 11, 10), "AM"): "L",
        (datetime.date(2026, 11, 11), "AM"): "U",
        **whole_day(datetime.date(2026, 11, 12), "D"),
        (datetime.date(2026, 11, 13), "PM"): "B",
    }
    register = fill_register(
        pupil.enrolments.get(), 2026, through=datetime.date(2026, 11, 20), marks=marks
    )
    year = SessionMaps().for_setting(pupil.enrolments.get().setting, 2026)
    row = bytearray(register.marks)
    row[year.sessions.index_of(MONDAY, "AM")] = code_for("N", MONDAY).id
    register.marks = bytes(row)
    register.save()
    return register


def figures(response, enrolment_index=0):
    item = response.context["year"].enrolment_years[enrolment_index]
    return {row.label: row.values for row in item.measure_rows}, item


def test_officer_sees_the_measures_hand_computed_and_it_is_audited(client, cast):
    known_marks(cast.pupil_a)
    client.login(username="officer", password=PASSWORD)
    response = client.get(url(cast.pupil_a))
    assert response.status_code == 200
    table, item = figures(response)
    assert [m.label for m in item.measures] == [
        "This term (autumn)",
        "This year to date",
        "Last 6 school weeks",
    ]
    # 53 school days to 20 Nov (106 sessions) + 23 Nov AM = 107 marked; D twice not possible.
    # Six weeks: w/b 12 Oct, 19 Oct, 2 Nov, 9 Nov, 16 Nov, 23 Nov = 50 + 1 marked, less D.
    assert table["Possible sessions"] == ("105", "105", "49")
    assert table["Present"] == ("97", "97", "44")
    assert table["Approved educational activity"] == ("1", "1", "1")
    assert table["Authorised absence"] == ("3", "3", "0")
    assert table["Unauthorised absence"] == ("4", "4", "4")
    assert table["Late (L and U)"] == ("2", "2", "2")
    assert table["Attendance rate"] == ("93.33%", "93.33%", "91.84%")  # 98/105, 45/49
    assert table["Overall absence rate"] == ("6.67%", "6.67%", "8.16%")  # 7/105, 4/49
    assert table["Persistently absent (10% or more)"] == ("No", "No", "No")
    assert table["Severely absent (50% or more)"] == ("No", "No", "No")
    assert (item.measures[2].first, item.measures[2].last) == (datetime.date(2026, 10, 12), MONDAY)
    html = response.content.decode()
    for figure in ("93.33%", "91.84%", "6.67%", "8.16%"):
        assert figure in html
    entry = AuditEntry.objects.get(pupil=cast.pupil_a, action="view")
    assert (entry.actor, entry.what) == (cast.officer, "attendance")


def test_the_page_shows_where_the_pupil_is_on_the_attendance_ladder(client, cast):
    client.login(username="officer", password=PASSWORD)
    response = client.get(url(cast.pupil_a))
    assert response.context["ladder_panel"].position == "Not on the ladder yet"
    html = response.content.decode()
    assert 'id="ladder-panel"' in html
    assert reverse("attendance:ladder", args=[cast.pupil_a.uuid]) in html


def test_the_partnerships_threshold_decides_who_is_persistently_absent(client, cast):
    cast.partnership.persistent_absence_threshold = Decimal("8")
    cast.partnership.save()
    known_marks(cast.pupil_a)
    client.login(username="officer", password=PASSWORD)
    table, item = figures(client.get(url(cast.pupil_a)))
    assert table["Persistently absent (8% or more)"] == ("No", "No", "Yes")  # 6.67, 6.67, 8.16
    assert item.measures[2].persistent is True


def test_the_grid_shows_each_code_with_its_meaning_on_focus(client, cast):
    known_marks(cast.pupil_a)
    client.login(username="officer", password=PASSWORD)
    response = client.get(url(cast.pupil_a))
    _, item = figures(response)
    week = next(w for w in item.grid if w.monday == datetime.date(2026, 11, 9))
    assert [c.code for c in week.cells] == ["G", "G", "L", "\\", "U", "\\", "D", "D", "/", "B"]
    assert [c.style for c in week.cells[:3]] == ["unauthorised", "unauthorised", "present"]
    assert week.cells[6].style == "not-possible" and week.cells[9].style == "activity"
    this_week = item.grid[-1] if item.grid[-1].monday == MONDAY else None
    current = next(w for w in item.grid if w.current)
    assert current.monday == MONDAY and this_week is None  # the year runs on past today
    assert current.cells[0].code == "N" and current.cells[1].style == "no-mark"
    html = response.content.decode()
    assert (
        '<td class="kw-grid__cell kw-grid__cell--unauthorised" tabindex="0">N'
        '<span class="kw-grid__meaning">Monday 23 November, morning: '
        "N, Reason not yet established (unauthorised absence)</span></td>"
    ) in html
    assert '<th scope="col" class="govuk-table__header kw-grid__session">Mon AM</th>' in html
    assert "<caption" in html and 'scope="row"' in html


def test_half_term_is_one_row_and_the_weeks_before_term_are_not_school_days(client, cast):
    known_marks(cast.pupil_a)
    client.login(username="officer", password=PASSWORD)
    _, item = figures(client.get(url(cast.pupil_a)))
    breaks = [w.break_label for w in item.grid if w.break_label]
    assert breaks[0] == "Half term: 26 October to 30 October"
    assert "Holiday: 21 December to 1 January" in breaks
    first = item.grid[0]  # term starts on Wednesday 2 September
    assert first.monday == datetime.date(2026, 8, 31)
    assert [c.style for c in first.cells[:4]] == ["not-school-day"] * 4
    assert first.cells[4].code == "/"


def test_last_year_shows_bank_holidays_inside_a_term(client, cast):
    add_academic_year(cast.school_a.calendar, 2025)
    fill_register(cast.pupil_a.enrolments.get(), 2025, through=datetime.date(2026, 7, 31))
    client.login(username="officer", password=PASSWORD)
    response = client.get(url(cast.pupil_a, year=2025))
    assert response.context["year"].label == "2025/26"
    _, item = figures(response)
    may_day = next(w for w in item.grid if w.monday == datetime.date(2026, 5, 4))
    assert may_day.cells[0].style == "not-school-day"
    assert may_day.cells[0].meaning == "Bank holiday"
    assert may_day.cells[2].code == "/"
    table, _ = figures(response)
    assert table["Attendance rate"] == ("100.00%", "100.00%", "100.00%")
    assert item.measures[0].label == "This term (summer)"
    assert "Back to this year (2026/27)" in response.content.decode()


def test_an_odd_year_falls_back_to_this_year(client, cast):
    client.login(username="officer", password=PASSWORD)
    for odd in ("soon", "1990", "2031"):
        assert client.get(url(cast.pupil_a, year=odd)).context["year"].start_year == 2026


def test_the_trend_chart_has_one_point_a_school_week_and_the_90_line(client, cast):
    known_marks(cast.pupil_a)
    client.login(username="officer", password=PASSWORD)
    response = client.get(url(cast.pupil_a))
    _, item = figures(response)
    assert len(item.weeks) == 12  # w/b 31 Aug to 23 Nov, less half term
    nov_9 = next(w for w in item.weeks if w.monday == datetime.date(2026, 11, 9))
    # Mon G G, Tue L present, Wed U present, Thu D D, Fri present B: 8 possible, 5 attending
    assert (nov_9.possible, nov_9.attending, nov_9.rate) == (8, 5, Decimal("62.50"))
    chart = response.context["chart"]
    datasets = chart.spec["datasets"]
    values = datasets[chart.spec["layer"][0]["data"]["name"]]
    assert len(values) == 12 and values[-1]["attendance"] == 0.0
    assert values[-1]["week"] == "2026-11-23"
    assert datasets[chart.spec["layer"][1]["data"]["name"]][0]["target"] == 90
    assert "Ashdown Academy" in chart.description
    html = response.content.decode()
    assert 'data-chart-spec="attendance-trend-spec"' in html
    assert "build/js/vega-embed.min.js" in html


def test_amendments_are_listed_with_reason_who_and_when(client, cast):
    known_marks(cast.pupil_a)
    enrolment = cast.pupil_a.enrolments.select_related("setting", "pupil").get()
    year = SessionMaps().for_setting(cast.school_a, 2026)
    marks_record(
        actor=cast.officer,
        enrolment=enrolment,
        year=year.year,
        sessions=year.sessions,
        marks={year.sessions.index_of(MONDAY, "AM"): code_for("I", MONDAY).id},
        reason="Mother rang: flu",
    )
    client.login(username="officer", password=PASSWORD)
    response = client.get(url(cast.pupil_a))
    _, item = figures(response)
    assert [(a.original_code, a.new_code, a.reason) for a in item.amendments] == [
        ("N", "I", "Mother rang: flu")
    ]
    html = response.content.decode()
    assert "Mother rang: flu" in html and "Olu" in html
    assert MarkAmendment.objects.count() == 1


def test_both_enrolments_of_a_dual_registered_pupil_are_shown(client, cast):
    provider = make_setting(
        name="Riverside Alternative Provision",
        setting_type=Setting.Type.AP,
        phase=Setting.Phase.SECONDARY,
    )
    Enrolment.objects.filter(pupil=cast.pupil_a).update(registration="M")
    placement = Enrolment.objects.create(
        pupil=cast.pupil_a,
        setting=provider,
        start_date=datetime.date(2026, 11, 2),
        registration=Enrolment.Registration.SUBSIDIARY,
    )
    fill_register(placement, 2026, through=MONDAY, marks=whole_day(MONDAY, "O"))
    client.login(username="officer", password=PASSWORD)
    response = client.get(url(cast.pupil_a))
    years = response.context["year"].enrolment_years
    assert [y.enrolment.setting.name for y in years] == [
        "Ashdown Academy",
        "Riverside Alternative Provision",
    ]
    assert years[0].has_marks is False
    current = next(w for w in years[1].grid if w.current)
    assert [c.code for c in current.cells[:2]] == ["O", "O"]


def test_query_count_stays_small(client, cast, django_assert_max_num_queries):
    known_marks(cast.pupil_a)
    client.login(username="officer", password=PASSWORD)
    client.get(url(cast.pupil_a))
    # 15 for the page (sign-in, access and the sections the user may see, audit,
    # enrolments, calendar, registers, amendments, the header's unread notices) and 12 for
    # the ladder panel it includes.
    with django_assert_max_num_queries(27):
        response = client.get(url(cast.pupil_a))
    assert response.status_code == 200


def test_read_only_staff_and_linked_caseworker_may_see_it(client, cast):
    for username, pupil in (("head_of_year", cast.pupil_a), ("caseworker", cast.linked_pupil)):
        client.login(username=username, password=PASSWORD)
        assert client.get(url(pupil)).status_code == 200


def test_outsider_gets_404_and_nothing_is_audited(client, cast):
    client.login(username="outsider", password=PASSWORD)
    assert client.get(url(cast.pupil_a)).status_code == 404
    assert not AuditEntry.objects.filter(pupil=cast.pupil_a).exists()


def test_caseworker_gets_404_for_a_pupil_they_are_not_linked_to(client, cast):
    client.login(username="caseworker", password=PASSWORD)
    assert client.get(url(cast.pupil_a)).status_code == 404


def test_signed_out_goes_to_sign_in(client, cast):
    response = client.get(url(cast.pupil_a))
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:sign-in"))


def test_post_is_405(client, cast):
    client.login(username="officer", password=PASSWORD)
    assert client.post(url(cast.pupil_a)).status_code == 405


def test_a_pupil_with_no_marks_yet_shows_empty_figures(client, cast):
    client.login(username="officer", password=PASSWORD)
    response = client.get(url(cast.pupil_a))
    table, item = figures(response)
    assert item.has_marks is False
    assert table["Attendance rate"] == ("\u2013", "\u2013", "\u2013")
    assert response.context["chart"] is None
    assert "No marks have been entered for 2026/27 yet." in response.content.decode()
