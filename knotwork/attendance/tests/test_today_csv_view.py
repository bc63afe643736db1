"""The absent-with-no-reason list as CSV: what it holds, and an EXPORT on each pupil's trail."""

import csv
import datetime
import io
import zoneinfo

import pytest
import time_machine
from django.urls import reverse

from knotwork.attendance.testing import fill_register
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
    Contact.objects.create(
        pupil=cast.pupil_a,
        name="=HYPERLINK(1)",
        relationship="Mother",
        parental_responsibility=True,
        email="farida@example.org",
        preferred_channel=Contact.Channel.EMAIL,
        language="Urdu",
    )
    fill_register(cast.pupil_a.enrolments.get(), 2026, through=MONDAY, marks={(MONDAY, "PM"): "N"})
    fill_register(cast.linked_pupil.enrolments.get(), 2026, through=MONDAY)
    return cast


def url(setting, day=MONDAY):
    return reverse("attendance:today-csv", args=[setting.uuid]) + f"?date={day.isoformat()}"


def test_the_list_downloads_as_csv_and_each_pupil_is_audited(client, absent):
    cast = absent
    client.login(username="officer", password=PASSWORD)
    response = client.get(url(cast.school_a))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv"
    assert response["Content-Disposition"] == (
        f'attachment; filename="first-day-contact-{cast.school_a.urn}-2026-11-23.csv"'
    )
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:6] == ["Surname", "Forename", "UPN", "Year group", "AM", "PM"]
    assert rows[1] == [
        "Ahmed",
        "Amira",
        cast.pupil_a.upn,
        "9",
        "/",
        "N",
        "'=HYPERLINK(1)",  # a spreadsheet must not run it
        "Mother",
        "Email",
        "farida@example.org",
        "Urdu",
        "No",
    ]
    assert len(rows) == 2
    entry = AuditEntry.objects.get(action="export")
    assert (entry.actor, entry.pupil, entry.what) == (
        cast.officer,
        cast.pupil_a,
        "first-day list CSV",
    )


def test_outsider_gets_404(client, absent):
    client.login(username="outsider", password=PASSWORD)
    assert client.get(url(absent.school_a)).status_code == 404
    assert not AuditEntry.objects.filter(action="export").exists()


def test_signed_out_goes_to_sign_in(client, absent):
    response = client.get(url(absent.school_a))
    assert response.status_code == 302 and "/account/sign-in/" in response.url


def test_post_is_405(client, absent):
    client.login(username="officer", password=PASSWORD)
    assert client.post(url(absent.school_a)).status_code == 405
