"""Recording a first-day call from the today list: one click, with and without htmx."""

import datetime
import zoneinfo

import pytest
import time_machine
from django.urls import reverse

from knotwork.attendance.models import FirstDayContact
from knotwork.attendance.testing import fill_register, whole_day
from knotwork.core.models import AuditEntry
from knotwork.core.testing import PASSWORD
from knotwork.pupils.models import Contact

pytestmark = pytest.mark.django_db

MONDAY = datetime.date(2026, 11, 23)
MORNING = datetime.datetime(2026, 11, 23, 9, 14, tzinfo=zoneinfo.ZoneInfo("Europe/London"))


@pytest.fixture(autouse=True)
def on_a_monday_morning():
    with time_machine.travel(MORNING, tick=False):
        yield


@pytest.fixture
def absent(cast):
    """Amira is marked N all day; her mother prefers a text message."""
    parent = Contact.objects.create(
        pupil=cast.pupil_a,
        name="Farida Ahmed",
        relationship="Mother",
        parental_responsibility=True,
        phone="07700 900123",
        preferred_channel=Contact.Channel.TEXT,
    )
    fill_register(cast.pupil_a.enrolments.get(), 2026, through=MONDAY, marks=whole_day(MONDAY, "N"))
    return cast, parent


def url(setting):
    return reverse("attendance:today-call", args=[setting.uuid])


def call(pupil, outcome="no_answer", day=MONDAY):
    return {"pupil": str(pupil.uuid), "date": day.isoformat(), "outcome": outcome}


def test_a_call_is_recorded_audited_and_the_list_shown_again(client, absent):
    cast, parent = absent
    client.login(username="officer", password=PASSWORD)
    response = client.post(url(cast.school_a), call(cast.pupil_a))
    assert response.status_code == 302
    assert response.url == reverse("attendance:today", args=[cast.school_a.uuid]) + (
        "?date=2026-11-23"
    )
    record = FirstDayContact.objects.get()
    assert (record.pupil, record.setting, record.date) == (cast.pupil_a, cast.school_a, MONDAY)
    assert (record.contact, record.channel, record.outcome) == (parent, "text", "no_answer")
    assert record.made_by == cast.officer
    entry = AuditEntry.objects.get(action="create")
    assert (entry.actor, entry.pupil, entry.object_id, entry.what) == (
        cast.officer,
        cast.pupil_a,
        str(record.uuid),
        "first-day call",
    )
    page = client.get(response.url)
    assert "Call recorded: No answer." in page.content.decode()
    assert list(page.context["lists"].absent) == []
    assert [c.pupil for c in page.context["lists"].contacted] == [cast.pupil_a]


def test_with_htmx_the_row_is_swapped_for_what_happened(client, absent):
    cast, _ = absent
    client.login(username="officer", password=PASSWORD)
    response = client.post(
        url(cast.school_a), call(cast.pupil_a, "home_visit"), headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith(f'<tr class="govuk-table__row" id="absent-{cast.pupil_a.uuid}"')
    assert "Called at 09:14 by Olu — Home visit needed" in html
    assert "<html" not in html
    assert '<h2 class="govuk-heading-m" id="absent-heading" hx-swap-oob="true">0 pupils' in html
    assert FirstDayContact.objects.get().outcome == "home_visit"


def test_read_only_user_gets_403_and_nothing_is_saved(client, absent):
    cast, _ = absent
    client.login(username="head_of_year", password=PASSWORD)
    assert client.post(url(cast.school_a), call(cast.pupil_a)).status_code == 403
    assert not FirstDayContact.objects.exists()
    assert not AuditEntry.objects.filter(action="create").exists()


def test_outsider_gets_404(client, absent):
    cast, _ = absent
    client.login(username="outsider", password=PASSWORD)
    assert client.post(url(cast.school_a), call(cast.pupil_a)).status_code == 404
    # Their own setting, someone else's pupil: still 404.
    assert client.post(url(cast.school_b), call(cast.pupil_a)).status_code == 404
    assert not FirstDayContact.objects.exists()


def test_a_pupil_not_on_roll_at_the_setting_is_refused(client, absent):
    cast, _ = absent
    client.login(username="coordinator", password=PASSWORD)  # sees both schools
    response = client.post(url(cast.school_b), call(cast.pupil_a))
    assert response.status_code == 200
    assert "The pupil was not on roll at this setting that day." in response.content.decode()
    assert not FirstDayContact.objects.exists()


def test_invalid_input_re_shows_the_list_and_saves_nothing(client, absent):
    cast, _ = absent
    client.login(username="officer", password=PASSWORD)
    response = client.post(url(cast.school_a), call(cast.pupil_a, "shrugged"))
    assert response.status_code == 200
    assert response.context["form"].errors["outcome"]
    assert "There is a problem" in response.content.decode()
    assert [r.pupil for r in response.context["lists"].absent] == [cast.pupil_a]
    future = client.post(url(cast.school_a), call(cast.pupil_a, day=MONDAY.replace(day=24)))
    assert "A call cannot be recorded for a day still to come." in future.content.decode()
    assert not FirstDayContact.objects.exists()


def test_invalid_input_with_htmx_answers_with_a_row_saying_so(client, absent):
    cast, _ = absent
    client.login(username="officer", password=PASSWORD)
    response = client.post(
        url(cast.school_a), call(cast.pupil_a, "shrugged"), headers={"HX-Request": "true"}
    )
    assert "The call was not recorded" in response.content.decode()
    assert not FirstDayContact.objects.exists()


def test_get_is_405(client, absent):
    cast, _ = absent
    client.login(username="officer", password=PASSWORD)
    assert client.get(url(cast.school_a)).status_code == 405


def test_signed_out_goes_to_sign_in(client, absent):
    cast, _ = absent
    response = client.post(url(cast.school_a), call(cast.pupil_a))
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:sign-in"))
    assert not FirstDayContact.objects.exists()
