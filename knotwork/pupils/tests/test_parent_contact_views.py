"""The parent contact log on a pupil's record: the list newest first, adding a contact,
the CSV; every read and change audited; 404 for outsiders, 403 for the read-only."""

import datetime
import zoneinfo

import pytest
import time_machine
from django.urls import reverse

from knotwork.core.models import AuditEntry
from knotwork.core.testing import PASSWORD
from knotwork.pupils.models import Contact
from knotwork.pupils.parent_contact_models import ParentContact

pytestmark = pytest.mark.django_db
LONDON = zoneinfo.ZoneInfo("Europe/London")
NOW = datetime.datetime(2026, 11, 24, 10, 0, tzinfo=LONDON)


@pytest.fixture(autouse=True)
def _now():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def mum(cast):
    return Contact.objects.create(
        pupil=cast.pupil_a, name="Mina Ahmed", relationship="Mother", preferred_channel="phone"
    )


def signed_in(client, username="officer"):
    client.login(username=username, password=PASSWORD)
    return client


def log(cast, mum, hours_ago, note, channel="phone"):
    return ParentContact.objects.create(
        pupil=cast.pupil_a,
        contact=mum,
        setting=cast.school_a,
        channel=channel,
        direction="to_parent",
        at=NOW - datetime.timedelta(hours=hours_ago),
        note=note,
        made_by=cast.officer,
    )


def urls(cast):
    args = [cast.pupil_a.uuid]
    return (
        reverse("pupils:parent-contacts", args=args),
        reverse("pupils:parent-contact-new", args=args),
        reverse("pupils:parent-contacts-csv", args=args),
    )


def test_the_profile_links_to_the_log(client, cast):
    body = signed_in(client).get(reverse("pupils:profile", args=[cast.pupil_a.uuid]))
    assert urls(cast)[0] in body.content.decode()


def test_the_log_lists_contacts_newest_first_and_audits_the_read(client, cast, mum):
    older = log(cast, mum, 30, "Letter about attendance", channel="letter")
    newer = log(cast, mum, 2, "Called home")
    response = signed_in(client, "head_of_year").get(urls(cast)[0])
    assert response.status_code == 200
    assert [r.uuid for r in response.context["page"]] == [newer.uuid, older.uuid]
    body = response.content.decode()
    assert "Mina Ahmed (Mother)" in body and "Record a contact" not in body
    assert AuditEntry.objects.filter(
        action="view", what="parent contact log", pupil=cast.pupil_a, actor=cast.head_of_year
    ).exists()


def test_adding_a_contact_saves_it_and_goes_back_to_the_log(client, cast, mum):
    new = urls(cast)[1]
    assert signed_in(client).get(new).status_code == 200
    response = client.post(
        new,
        {
            "contact": mum.pk,
            "channel": "meeting",
            "direction": "from_parent",
            "on": "2026-11-24",
            "time": "08:45",
            "setting": cast.school_a.pk,
            "note": "Mum came in before school to talk about mornings.",
        },
    )
    assert response["Location"] == urls(cast)[0]
    row = ParentContact.objects.get()
    assert (row.channel, row.direction, row.made_by) == ("meeting", "from_parent", cast.officer)
    assert row.at == datetime.datetime(2026, 11, 24, 8, 45, tzinfo=LONDON)
    assert AuditEntry.objects.filter(action="create", what="parent contact recorded").exists()


def test_invalid_input_is_reshown_and_nothing_saved(client, cast, mum):
    response = signed_in(client).post(
        urls(cast)[1],
        {
            "contact": mum.pk,
            "channel": "phone",
            "direction": "to_parent",
            "on": "2026-11-25",
            "time": "09:00",
            "setting": cast.school_a.pk,
            "note": "Typed before it happened",
        },
    )
    body = response.content.decode()
    assert response.status_code == 200 and "There is a problem" in body
    assert "Typed before it happened" in body and "before it happens" in body
    assert not ParentContact.objects.exists()


def test_a_pupil_with_no_contacts_has_no_one_to_log(client, cast):
    body = signed_in(client).get(urls(cast)[1]).content.decode()
    assert 'id="no-parents"' in body


def test_the_csv_holds_the_log_and_is_audited(client, cast, mum):
    log(cast, mum, 2, "=Called home")
    response = signed_in(client).get(urls(cast)[2])
    assert response["Content-Type"].startswith("text/csv")
    lines = response.content.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("Date,Time,Channel,Direction,Parent or carer")
    assert lines[1] == (
        "2026-11-24,08:00,Phone call,From the school to the parent,Mina Ahmed (Mother),"
        "Olu,Ashdown Academy,'=Called home"
    )
    assert AuditEntry.objects.filter(action="export", what="parent contact log CSV").exists()


def test_outsiders_get_404_and_the_read_only_403_on_adding(client, cast, mum):
    for url in urls(cast):
        assert signed_in(client, "outsider").get(url).status_code == 404
    assert signed_in(client, "head_of_year").get(urls(cast)[1]).status_code == 403
    assert client.post(urls(cast)[1], {}).status_code == 403


def test_signed_out_goes_to_sign_in(client, cast):
    for url in urls(cast):
        assert "/account/sign-in/" in client.get(url)["Location"]


def test_the_export_and_the_list_are_read_only_pages(client, cast):
    signed_in(client)
    assert client.post(urls(cast)[0]).status_code == 405
    assert client.post(urls(cast)[2]).status_code == 405


def test_the_log_reads_a_fixed_number_of_queries(
    client, cast, mum, settings, django_assert_max_num_queries
):
    settings.KNOTWORK_PAGE_SIZE = 5
    for n in range(12):
        log(cast, mum, n + 1, f"Contact {n}")
    signed_in(client)
    with django_assert_max_num_queries(12):
        response = client.get(urls(cast)[0])
    assert len(response.context["page"]) == 5
