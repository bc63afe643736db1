"""One incident: its page, editing with a version check, each pupil's part, follow-up and
withdrawal."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from knotwork.behaviour.models import Incident, IncidentPupil
from knotwork.behaviour.testing import make_incident
from knotwork.core.models import AuditEntry
from knotwork.core.testing import PASSWORD, make_pupil

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(datetime.datetime(2026, 11, 24, 10, 0), tick=False):
        yield


@pytest.fixture
def third(cast):
    return make_pupil(setting=cast.school_a, legal_forename="Tom", legal_surname="Tran")


@pytest.fixture
def incident(cast, third):
    return make_incident(
        setting=cast.school_a,
        recorded_by=cast.officer,
        pupils={cast.pupil_a: "instigator", cast.linked_pupil: "target", third: "witness"},
        follow_up_owner=cast.officer,
        follow_up_on=datetime.date(2026, 11, 20),
        description="Pushed into the lockers.",
    )


def signed_in(client, username="officer"):
    client.login(username=username, password=PASSWORD)
    return client


def url(name, incident):
    return reverse(f"behaviour:{name}", args=[incident.uuid])


def edit_data(**overrides):
    values = {
        "occurred_on": "2026-11-23",
        "occurred_time": "13:20",
        "place": "corridor",
        "kind": "disruption",
        "severity": "2",
        "bullying": "",
        "description": "Pushed into the lockers.",
        "staff_involved": "",
        "action_taken": "",
        "follow_up_owner": "",
        "follow_up_on": "",
        "version": "1",
    }
    values.update(overrides)
    return values


def parts(incident):
    return dict(
        IncidentPupil.objects.filter(incident=incident).values_list("pupil__legal_forename", "role")
    )


def test_the_page_names_each_pupil_and_each_view_is_audited(client, cast, incident, third):
    response = signed_in(client).get(url("incident", incident))
    assert response.status_code == 200
    html = response.content.decode()
    for name in ("Ahmed, Amira", "Lewis, Liam", "Tran, Tom"):
        assert name in html
    assert "Overdue" in html and response.context["can_edit"] is True
    viewed = AuditEntry.objects.filter(action="view", object_id=str(incident.uuid))
    assert sorted(e.pupil_id for e in viewed) == sorted(
        [cast.pupil_a.pk, cast.linked_pupil.pk, third.pk]
    )


def test_a_viewer_sees_only_the_pupils_they_may_see(client, cast, incident):
    response = signed_in(client, "caseworker").get(url("incident", incident))
    html = response.content.decode()
    assert "Lewis, Liam" in html
    assert "Ahmed" not in html and "Tran" not in html
    assert "2 other pupils" in html
    assert response.context["can_edit"] is False and "Change the details" not in html
    viewed = AuditEntry.objects.filter(action="view")
    assert [e.pupil_id for e in viewed] == [cast.linked_pupil.pk]


def test_an_edit_is_saved_and_keeps_all_three_pupils(client, cast, incident):
    data = edit_data(kind="defiance", severity="3")
    response = signed_in(client).post(url("incident-edit", incident), data)
    assert response.status_code == 302
    incident.refresh_from_db()
    assert (incident.kind, incident.severity, incident.version) == ("defiance", 3, 2)
    assert incident.follow_up_owner is None
    assert parts(incident) == {"Amira": "instigator", "Liam": "target", "Tom": "witness"}
    changed = AuditEntry.objects.filter(action="update")
    assert changed.count() == 3
    assert {e.what for e in changed} == {"incident: kind,severity,follow_up_owner,follow_up_on"}


def test_three_pupils_through_an_edit_and_removing_one_part(client, cast, incident, third):
    client = signed_in(client)
    client.post(url("incident-edit", incident), edit_data(severity="4"))
    removed = client.post(url("incident-pupil-remove", incident), {"pupil": str(third.uuid)})
    assert removed.status_code == 302
    assert parts(incident) == {"Amira": "instigator", "Liam": "target"}
    page = client.get(url("incident", incident)).content.decode()
    assert "Ahmed, Amira" in page and "Lewis, Liam" in page and "Tran, Tom" not in page
    assert "other pupil" not in page
    assert AuditEntry.objects.get(action="delete").pupil == third


def test_a_stale_edit_is_told_and_loses_nothing(client, cast, incident):
    Incident.objects.filter(pk=incident.pk).update(version=2, place="toilets")
    data = edit_data(description="What I typed, kept.", severity="4")
    response = signed_in(client).post(url("incident-edit", incident), data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Someone else changed this incident" in html
    assert "What I typed, kept." in html
    assert response.context["form"]["version"].value() == "2"
    incident.refresh_from_db()
    assert (incident.place, incident.severity) == ("toilets", 2)
    again = signed_in(client).post(url("incident-edit", incident), {**data, "version": "2"})
    assert again.status_code == 302
    incident.refresh_from_db()
    assert (incident.description, incident.severity) == ("What I typed, kept.", 4)


def test_invalid_edit_is_shown_again_and_saves_nothing(client, cast, incident):
    data = edit_data(kind="", description="Kept as typed", follow_up_on="2026-12-01")
    response = signed_in(client).post(url("incident-edit", incident), data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "There is a problem" in html and "Kept as typed" in html
    assert "Choose who will follow it up." in html
    incident.refresh_from_db()
    assert (incident.kind, incident.version) == ("disruption", 1)


def test_a_pupil_is_added_and_a_part_changed_keeping_the_others(client, cast, incident):
    fourth = make_pupil(setting=cast.school_a, legal_forename="Uma", legal_surname="Upton")
    client = signed_in(client)
    found = client.post(url("incident-pupil", incident), {"find": "upton", "action": "find"})
    assert [p.pk for p in found.context["found"]] == [fourth.pk]
    add = {"chosen": str(fourth.uuid), "chosen_role": "involved", "action": "add"}
    assert client.post(url("incident-pupil", incident), add).status_code == 302
    change = {"chosen": str(cast.linked_pupil.uuid), "chosen_role": "witness"}
    assert client.post(url("incident-pupil", incident), change).status_code == 302
    assert parts(incident) == {
        "Amira": "instigator",
        "Liam": "witness",
        "Tom": "witness",
        "Uma": "involved",
    }


def test_adding_without_a_part_shows_the_problem(client, cast, incident):
    data = {"chosen": str(cast.pupil_a.uuid), "chosen_role": "", "action": "add", "find": "ahm"}
    response = signed_in(client).post(url("incident-pupil", incident), data)
    assert response.status_code == 200
    assert "Choose the pupil&#x27;s part in the incident." in response.content.decode()
    assert 'value="ahm"' in response.content.decode()


def test_a_pupil_of_another_setting_cannot_be_added(client, cast, incident):
    data = {"chosen": str(cast.pupil_b.uuid), "chosen_role": "target", "action": "add"}
    assert signed_in(client).post(url("incident-pupil", incident), data).status_code == 404
    response = signed_in(client, "coordinator").post(url("incident-pupil", incident), data)
    assert "Not on roll at Ashdown Academy" in response.content.decode()
    assert "Bea" not in parts(incident)


def test_the_follow_up_is_marked_done(client, cast, incident):
    response = signed_in(client).post(url("incident-follow-up-done", incident), {"version": "1"})
    assert response.status_code == 302
    incident.refresh_from_db()
    assert incident.follow_up_done_on == datetime.date(2026, 11, 24)
    assert (
        AuditEntry.objects.filter(action="update", what="incident: follow_up_done_on").count() == 3
    )


def test_withdrawing_takes_it_out_of_the_list(client, cast, incident):
    client = signed_in(client)
    confirm = client.get(url("incident-withdraw", incident))
    assert confirm.status_code == 200 and "Withdraw this incident?" in confirm.content.decode()
    response = client.post(url("incident-withdraw", incident), {"version": "1"})
    assert response.status_code == 302 and response["Location"] == reverse("behaviour:incidents")
    incident.refresh_from_db()
    assert incident.deleted_at is not None
    assert client.get(reverse("behaviour:incidents")).context["page"].paginator.count == 0
    assert client.get(url("incident", incident)).status_code == 404
    assert AuditEntry.objects.filter(action="delete", what="incident withdrawn").count() == 3


def test_a_read_only_user_gets_403_for_every_change(client, cast, incident, third):
    client = signed_in(client, "head_of_year")
    assert client.get(url("incident", incident)).status_code == 200
    assert client.get(url("incident-edit", incident)).status_code == 403
    assert client.post(url("incident-edit", incident), edit_data()).status_code == 403
    assert client.get(url("incident-withdraw", incident)).status_code == 403
    assert client.post(url("incident-withdraw", incident), {"version": "1"}).status_code == 403
    remove = {"pupil": str(third.uuid)}
    assert client.post(url("incident-pupil-remove", incident), remove).status_code == 403
    follow = {"version": "1"}
    assert client.post(url("incident-follow-up-done", incident), follow).status_code == 403
    add = {"chosen": str(third.uuid), "chosen_role": "target"}
    assert client.post(url("incident-pupil", incident), add).status_code == 403
    incident.refresh_from_db()
    assert (incident.version, incident.deleted_at) == (1, None)
    assert len(parts(incident)) == 3


def test_an_outsider_gets_404_everywhere(client, cast, incident, third):
    client = signed_in(client, "outsider")
    for name in ("incident", "incident-edit", "incident-withdraw"):
        assert client.get(url(name, incident)).status_code == 404, name
    for name in ("incident-pupil", "incident-pupil-remove", "incident-follow-up-done"):
        data = {"pupil": str(third.uuid), "version": "1", "chosen": str(third.uuid)}
        assert client.post(url(name, incident), data).status_code == 404, name
    assert not AuditEntry.objects.filter(pupil__isnull=False).exists()


def test_changes_are_posts(client, cast, incident):
    client = signed_in(client)
    for name in ("incident-pupil", "incident-pupil-remove", "incident-follow-up-done"):
        assert client.get(url(name, incident)).status_code == 405, name
    assert client.post(url("incident", incident)).status_code == 405


def test_signed_out_goes_to_sign_in(client, cast, incident):
    for name in ("incident", "incident-edit", "incident-withdraw"):
        response = client.get(url(name, incident))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:sign-in"))


def test_the_edit_form_starts_from_the_incident(client, cast, incident):
    response = signed_in(client).get(url("incident-edit", incident))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'value="2026-11-23"' in html and 'value="13:20"' in html
    assert 'name="version" value="1"' in html and "Pushed into the lockers." in html
    assert AuditEntry.objects.filter(action="view", what="incident form").count() == 3
