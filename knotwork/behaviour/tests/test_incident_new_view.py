"""Recording an incident with several pupils through the form, with and without JavaScript."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from knotwork.behaviour.models import Incident, IncidentPupil
from knotwork.core.models import AuditEntry
from knotwork.core.testing import PASSWORD, make_pupil

pytestmark = pytest.mark.django_db

NEW = reverse("behaviour:incident-new")
SEARCH = reverse("behaviour:incident-pupil-search")


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(datetime.datetime(2026, 11, 24, 10, 0), tick=False):
        yield


@pytest.fixture
def third(cast):
    return make_pupil(setting=cast.school_a, legal_forename="Tom", legal_surname="Tran")


def signed_in(client, username="officer"):
    client.login(username=username, password=PASSWORD)
    return client


def details(cast, **overrides):
    values = {
        "setting": str(cast.school_a.pk),
        "occurred_on": "2026-11-23",
        "occurred_time": "13:20",
        "place": "corridor",
        "kind": "physical_pupil",
        "severity": "3",
        "bullying": "",
        "description": "Pushed into the lockers after lunch.",
        "staff_involved": "Mr Patel",
        "action_taken": "Detention",
        "follow_up_owner": str(cast.officer.pk),
        "follow_up_on": "2026-11-30",
    }
    values.update(overrides)
    return values


def rows(*named):
    data = {}
    for i, (pupil, role) in enumerate(named):
        data[f"pupil-{i}"] = str(pupil.uuid)
        data[f"role-{i}"] = role
    return data


def test_the_form_opens_for_someone_who_records_at_a_setting(client, cast):
    response = signed_in(client).get(NEW)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Record an incident" in html and "Add a pupil" in html
    assert list(response.context["form"].fields["setting"].queryset) == [cast.school_a]
    assert not response.context["form"].errors


def test_finding_a_pupil_without_javascript_keeps_everything_typed(client, cast):
    data = {
        **details(cast),
        **rows((cast.pupil_a, "instigator")),
        "find": "lewis",
        "action": "find",
    }
    response = signed_in(client).post(NEW, data)
    assert response.status_code == 200
    assert [p.pk for p in response.context["found"]] == [cast.linked_pupil.pk]
    html = response.content.decode()
    assert "Lewis, Liam" in html and "Ahmed, Amira" in html
    assert "Pushed into the lockers after lunch." in html and 'value="13:20"' in html
    assert "There is a problem" not in html
    assert not Incident.objects.exists()
    assert AuditEntry.objects.filter(action="search", what="incident pupils").count() == 1


def test_adding_and_removing_rows_without_javascript(client, cast, third):
    client = signed_in(client)
    data = {
        **details(cast),
        **rows((cast.pupil_a, "instigator")),
        "chosen": str(third.uuid),
        "chosen_role": "witness",
        "action": "add",
    }
    added = client.post(NEW, data)
    assert [(r.pupil, r.role) for r in added.context["rows"].rows] == [
        (cast.pupil_a, "instigator"),
        (third, "witness"),
    ]
    data = {**details(cast), **rows((cast.pupil_a, "instigator"), (third, "witness"))}
    removed = client.post(NEW, {**data, "action": "remove-0"})
    assert [(r.pupil, r.role) for r in removed.context["rows"].rows] == [(third, "witness")]
    assert "Pushed into the lockers after lunch." in removed.content.decode()
    assert not Incident.objects.exists()


def test_adding_needs_a_pupil_and_a_part(client, cast):
    data = {**details(cast), "chosen": str(cast.pupil_a.uuid), "action": "add"}
    response = signed_in(client).post(NEW, data)
    assert response.context["rows"].rows == []
    assert "Choose the pupil&#x27;s part in the incident." in response.content.decode()


def test_it_records_three_pupils_in_three_parts(client, cast, third):
    named = rows((cast.pupil_a, "instigator"), (cast.linked_pupil, "target"), (third, "witness"))
    response = signed_in(client).post(NEW, {**details(cast), **named, "action": "save"})
    incident = Incident.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("behaviour:incident", args=[incident.uuid])
    assert (incident.place, incident.kind, incident.severity) == ("corridor", "physical_pupil", 3)
    assert incident.follow_up_owner == cast.officer
    parts = dict(IncidentPupil.objects.filter(incident=incident).values_list("pupil", "role"))
    assert parts == {
        cast.pupil_a.pk: "instigator",
        cast.linked_pupil.pk: "target",
        third.pk: "witness",
    }
    created = AuditEntry.objects.filter(action="create", object_id=str(incident.uuid))
    assert created.count() == 3


def test_racist_bullying_is_flagged_reportable(client, cast):
    data = {**details(cast, bullying="racist"), **rows((cast.pupil_a, "instigator"))}
    signed_in(client).post(NEW, {**data, "action": "save"})
    incident = Incident.objects.get()
    assert (incident.bullying, incident.racist) == ("racist", True)


def test_invalid_input_is_shown_again_with_the_pupil_rows(client, cast, third):
    named = rows((cast.pupil_a, "instigator"), (third, ""))
    data = {**details(cast, place="", occurred_on="2026-12-25"), **named, "action": "save"}
    response = signed_in(client).post(NEW, data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "There is a problem" in html
    assert "The incident cannot be in the future." in html
    assert "Choose Tom Tran&#x27;s part in the incident." in html
    assert [(r.pupil, r.role) for r in response.context["rows"].rows] == [
        (cast.pupil_a, "instigator"),
        (third, ""),
    ]
    assert "Pushed into the lockers after lunch." in html and 'value="Mr Patel"' in html
    assert not Incident.objects.exists()


def test_saving_with_no_pupils_is_refused(client, cast):
    response = signed_in(client).post(NEW, {**details(cast), "action": "save"})
    assert "Name at least one pupil" in response.content.decode()
    assert not Incident.objects.exists()


def test_a_pupil_the_user_may_not_change_cannot_be_named(client, cast):
    data = {**details(cast), **rows((cast.pupil_b, "instigator")), "action": "save"}
    response = signed_in(client).post(NEW, data)
    assert "You cannot name this pupil." in response.content.decode()
    assert "Bea" not in response.content.decode()
    assert not Incident.objects.exists()


def test_the_picker_finds_only_pupils_on_roll_at_the_setting(client, cast):
    client = signed_in(client, "coordinator")
    found = client.post(
        SEARCH, {"setting": str(cast.school_a.pk), "find": "b"}, HTTP_HX_REQUEST="true"
    )
    assert found.status_code == 200
    assert found.context["found"] == []
    found = client.post(SEARCH, {"setting": str(cast.school_b.pk), "find": "brown"})
    assert [p.pk for p in found.context["found"]] == [cast.pupil_b.pk]
    assert "<html" not in found.content.decode()
    assert "Brown, Bea" in found.content.decode()


def test_the_picker_never_offers_a_pupil_of_another_setting(client, cast):
    response = signed_in(client).post(SEARCH, {"setting": str(cast.school_b.pk), "find": "brown"})
    assert response.context["no_setting"] is True
    assert "Brown" not in response.content.decode()


def test_a_read_only_user_gets_403(client, cast):
    client = signed_in(client, "head_of_year")
    assert client.get(NEW).status_code == 403
    data = {**details(cast), **rows((cast.pupil_a, "instigator")), "action": "save"}
    assert client.post(NEW, data).status_code == 403
    assert not Incident.objects.exists()


def test_the_picker_only_takes_posts(client, cast):
    assert signed_in(client).get(SEARCH).status_code == 405


def test_signed_out_goes_to_sign_in(client, cast):
    for response in (client.get(NEW), client.post(SEARCH, {"find": "a"})):
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:sign-in"))
