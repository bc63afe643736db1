"""The setting's "today" list: absent with no reason yet, late, and open plans."""

import datetime
import zoneinfo

import pytest
import time_machine
from django.urls import reverse

from knotwork.attendance.models import FirstDayContact, LadderStep
from knotwork.attendance.testing import fill_register, whole_day
from knotwork.core.models import AuditEntry
from knotwork.core.testing import PASSWORD, make_pupil
from knotwork.pupils.models import Contact

pytestmark = pytest.mark.django_db

MONDAY = datetime.date(2026, 11, 23)
MORNING = datetime.datetime(2026, 11, 23, 9, 14, tzinfo=zoneinfo.ZoneInfo("Europe/London"))


@pytest.fixture(autouse=True)
def on_a_monday_morning():
    with time_machine.travel(MORNING, tick=False):
        yield


def url(setting, day=None):
    base = reverse("attendance:today", args=[setting.uuid])
    return f"{base}?date={day.isoformat()}" if day else base


def contact(pupil, **overrides):
    values = {
        "name": "Farida Ahmed",
        "relationship": "Mother",
        "parental_responsibility": True,
        "phone": "07700 900123",
        "email": "farida@example.org",
        "preferred_channel": Contact.Channel.PHONE,
        "language": "Arabic",
        "interpreter_needed": True,
        "priority": 1,
    }
    values.update(overrides)
    return Contact.objects.create(pupil=pupil, **values)


def mark(pupil, marks, through=MONDAY):
    return fill_register(pupil.enrolments.get(), 2026, through=through, marks=marks)


@pytest.fixture
def the_day(cast):
    """Amira N all day, Liam late (L) this morning, Bea (School B) N too."""
    contact(cast.pupil_a, name="Grandad", relationship="Grandfather", parental_responsibility=False)
    contact(cast.pupil_a, priority=2)
    contact(cast.pupil_a, name="Sami Ahmed", relationship="Father", priority=3)
    mark(cast.pupil_a, whole_day(MONDAY, "N"))
    mark(cast.linked_pupil, {(MONDAY, "AM"): "L"})
    mark(cast.pupil_b, whole_day(MONDAY, "N"))
    return cast


def test_officer_sees_the_three_lists_and_the_view_is_audited(client, the_day):
    cast = the_day
    client.login(username="officer", password=PASSWORD)
    response = client.get(url(cast.school_a))
    assert response.status_code == 200
    lists = response.context["lists"]
    assert [r.pupil for r in lists.absent] == [cast.pupil_a]
    assert [(r.am.code, r.pm.code) for r in lists.absent] == [("N", "N")]
    assert [r.pupil for r in lists.late] == [cast.linked_pupil]
    assert list(lists.contacted) == [] and list(lists.plans) == []
    html = response.content.decode()
    assert "1 pupil absent with no reason yet" in html
    assert "1 pupil late today" in html
    assert "0 pupils with an open plan" in html
    # The parent: highest priority with parental responsibility, not the grandfather.
    assert "Farida Ahmed" in html and "Mother" in html and "Grandad" not in html
    assert "Phone call: 07700 900123" in html and "Arabic" in html and "Interpreter needed" in html
    assert reverse("attendance:pupil", args=[cast.pupil_a.uuid]) in html
    assert 'name="outcome" value="no_answer"' in html
    entry = AuditEntry.objects.get(actor=cast.officer, action="view")
    assert (entry.object_type, entry.object_id, entry.what) == (
        "directory.setting",
        str(cast.school_a.uuid),
        "today list",
    )


def test_a_pupil_already_called_moves_to_the_contacted_list(client, the_day):
    cast = the_day
    FirstDayContact.objects.create(
        pupil=cast.pupil_a,
        setting=cast.school_a,
        date=MONDAY,
        channel="phone",
        outcome=FirstDayContact.Outcome.MESSAGE_LEFT,
        made_by=cast.officer,
    )
    client.login(username="officer", password=PASSWORD)
    response = client.get(url(cast.school_a))
    lists = response.context["lists"]
    assert list(lists.absent) == []
    assert [(c.pupil, c.record.outcome) for c in lists.contacted] == [
        (cast.pupil_a, "message_left")
    ]
    html = response.content.decode()
    assert "0 pupils absent with no reason yet" in html
    assert "Called at 09:14 by Olu — Message left" in html


def test_a_call_yesterday_does_not_count_today(client, the_day):
    cast = the_day
    FirstDayContact.objects.create(
        pupil=cast.pupil_a,
        setting=cast.school_a,
        date=MONDAY - datetime.timedelta(days=3),
        channel="phone",
        outcome=FirstDayContact.Outcome.NO_ANSWER,
        made_by=cast.officer,
    )
    client.login(username="officer", password=PASSWORD)
    assert [r.pupil for r in client.get(url(cast.school_a)).context["lists"].absent] == [
        cast.pupil_a
    ]


def test_pupils_on_the_attendance_ladder_are_listed_as_open_plans(client, the_day):
    cast = the_day
    for kind, status in (("letter_2", "planned"), ("letter_1", "done")):
        LadderStep.objects.create(
            pupil=cast.linked_pupil,
            kind=kind,
            status=status,
            date=datetime.date(2026, 11, 30),
            owner=cast.officer,
            created_by=cast.officer,
        )
    client.login(username="officer", password=PASSWORD)
    response = client.get(url(cast.school_a))
    [plan] = response.context["lists"].plans
    assert plan.pupil == cast.linked_pupil
    assert plan.kind == "On the attendance ladder: Letter, stage 2"
    assert "1 pupil with an open plan" in response.content.decode()


def test_read_only_staff_see_the_lists_without_the_call_buttons(client, the_day):
    client.login(username="head_of_year", password=PASSWORD)
    response = client.get(url(the_day.school_a))
    assert [r.pupil for r in response.context["lists"].absent] == [the_day.pupil_a]
    assert 'name="outcome"' not in response.content.decode()
    assert "You can see this pupil but not record calls" in response.content.decode()


def test_a_caseworker_sees_only_the_pupil_they_are_linked_to(client, the_day):
    client.login(username="caseworker", password=PASSWORD)
    response = client.get(url(the_day.school_a))
    lists = response.context["lists"]
    assert list(lists.absent) == [] and [r.pupil for r in lists.late] == [the_day.linked_pupil]


def test_another_day_can_be_chosen_and_a_weekend_is_not_a_school_day(client, the_day):
    cast = the_day
    mark(cast.pupil_a, {(datetime.date(2026, 11, 20), "PM"): "N"}, through=MONDAY)
    client.login(username="officer", password=PASSWORD)
    friday = client.get(url(cast.school_a, datetime.date(2026, 11, 20)))
    assert [(r.am.code, r.pm.code) for r in friday.context["lists"].absent] == [("/", "N")]
    assert "Attendance on Friday 20 November 2026" in friday.content.decode()
    saturday = client.get(url(cast.school_a, datetime.date(2026, 11, 21)))
    assert list(saturday.context["lists"].absent) == []
    assert "is not a school day at Ashdown Academy" in saturday.content.decode()
    odd = client.get(url(cast.school_a) + "?date=2026-02-30")
    assert odd.context["when"].day == MONDAY  # not a date: today


def test_query_count_stays_small_with_a_full_roll(client, the_day, django_assert_max_num_queries):
    cast = the_day
    for i in range(30):
        pupil = make_pupil(setting=cast.school_a, legal_surname=f"Roll{i:02d}")
        contact(pupil)
        mark(pupil, whole_day(MONDAY, "N" if i % 3 == 0 else "/"))
    client.login(username="officer", password=PASSWORD)
    with django_assert_max_num_queries(17):  # the same for 3 pupils or 3,000
        response = client.get(url(cast.school_a))
    assert len(response.context["lists"].absent) == 11


def test_outsider_and_board_member_get_404(client, the_day):
    for username in ("outsider", "board_member"):
        client.login(username=username, password=PASSWORD)
        assert client.get(url(the_day.school_a)).status_code == 404
    assert not AuditEntry.objects.filter(action="view").exists()


def test_signed_out_goes_to_sign_in(client, the_day):
    response = client.get(url(the_day.school_a))
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:sign-in"))


def test_post_is_405(client, the_day):
    client.login(username="officer", password=PASSWORD)
    assert client.post(url(the_day.school_a)).status_code == 405


def test_the_setting_page_links_to_its_today_list(client, the_day):
    client.login(username="officer", password=PASSWORD)
    page = client.get(reverse("directory:setting-detail", args=[the_day.school_a.uuid]))
    html = page.content.decode()
    assert f'href="{url(the_day.school_a)}"' in html
    assert "Take today&#x27;s register" not in html  # a school, not a provider
    client.login(username="outsider", password=PASSWORD)
    page = client.get(reverse("directory:setting-detail", args=[the_day.school_a.uuid]))
    assert url(the_day.school_a) not in page.content.decode()


def test_a_long_list_pages_and_its_links_keep_the_day_and_the_other_lists(
    client, the_day, settings
):
    cast = the_day
    settings.KNOTWORK_PAGE_SIZE = 5
    friday = datetime.date(2026, 11, 20)
    for i in range(11):
        pupil = make_pupil(setting=cast.school_a, legal_surname=f"Roll{i:02d}")
        mark(pupil, {(friday, "AM"): "N", (friday, "PM"): "L"})
    client.login(username="officer", password=PASSWORD)
    response = client.get(url(cast.school_a, friday) + "&late_page=2")
    lists = response.context["lists"]
    assert [r.pupil.surname for r in lists.absent] == [f"Roll{i:02d}" for i in range(5)]
    assert [r.pupil.surname for r in lists.late] == [f"Roll{i:02d}" for i in range(5, 10)]
    html = response.content.decode()
    assert "11 pupils absent with no reason yet" in html and "11 pupils late that day" in html
    assert "Page 1 of 3" in html and "Page 2 of 3" in html
    assert 'href="?date=2026-11-20&amp;late_page=2&amp;absent_page=2#absent-heading"' in html
    assert 'href="?date=2026-11-20&amp;late_page=3#late-heading"' in html
