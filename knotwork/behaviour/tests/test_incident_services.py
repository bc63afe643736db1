"""Recording and changing incidents: access, validation, the audit trail and versions."""

import datetime

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from knotwork.accounts.models import Role
from knotwork.behaviour.incident_queries import recording_settings
from knotwork.behaviour.incident_services import (
    StaleIncident,
    incident_follow_up_done,
    incident_pupil_add,
    incident_pupil_remove,
    incident_record,
    incident_update,
    incident_withdraw,
)
from knotwork.behaviour.models import Incident, IncidentPupil
from knotwork.behaviour.queries import visible_incidents
from knotwork.behaviour.testing import make_incident
from knotwork.core.models import AuditEntry
from knotwork.core.testing import make_pupil, make_user
from knotwork.directory.models import Setting
from knotwork.pupils.access import may_enrol_at

pytestmark = pytest.mark.django_db

WHEN = timezone.make_aware(datetime.datetime(2026, 11, 23, 13, 20))


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(datetime.datetime(2026, 11, 24, 10, 0), tick=False):
        yield


@pytest.fixture
def third(cast):
    return make_pupil(setting=cast.school_a, legal_forename="Tom", legal_surname="Tran")


def record(cast, actor=None, pupils=None, **overrides):
    values = {
        "actor": actor or cast.officer,
        "setting": cast.school_a,
        "occurred_at": WHEN,
        "place": Incident.Place.CORRIDOR,
        "kind": Incident.Kind.PHYSICAL_PUPIL,
        "severity": Incident.Severity.HIGH,
        "pupils": pupils
        if pupils is not None
        else [(cast.pupil_a, "instigator"), (cast.linked_pupil, "target")],
    }
    values.update(overrides)
    return incident_record(**values)


def roles(incident):
    return dict(
        IncidentPupil.objects.filter(incident=incident).values_list("pupil__legal_forename", "role")
    )


def test_it_records_the_incident_with_each_pupil_in_their_part(cast, third):
    incident = record(
        cast,
        pupils=[(cast.pupil_a, "instigator"), (cast.linked_pupil, "target"), (third, "witness")],
        description="Pushed into the lockers.",
        follow_up_owner=cast.officer,
        follow_up_on=datetime.date(2026, 11, 30),
    )
    incident.refresh_from_db()
    assert (incident.setting, incident.recorded_by, incident.version) == (
        cast.school_a,
        cast.officer,
        1,
    )
    assert roles(incident) == {"Amira": "instigator", "Liam": "target", "Tom": "witness"}
    entries = AuditEntry.objects.filter(action="create", object_id=str(incident.uuid))
    assert sorted(e.pupil_id for e in entries) == sorted(
        [cast.pupil_a.pk, cast.linked_pupil.pk, third.pk]
    )
    assert {e.what for e in entries} == {"incident, role"}
    assert all("Pushed" not in e.what for e in entries)


def test_racist_bullying_makes_a_racist_incident(cast):
    incident = record(cast, bullying=Incident.Bullying.RACIST, racist=False)
    assert Incident.objects.get(pk=incident.pk).racist is True


def test_a_read_only_user_may_not_record(cast):
    with pytest.raises(PermissionDenied):
        record(cast, actor=cast.head_of_year)
    assert not Incident.objects.exists()


def test_an_outsider_may_not_name_pupils_of_another_setting(cast):
    with pytest.raises(PermissionDenied):
        record(cast, actor=cast.outsider, setting=cast.school_b)
    with pytest.raises(PermissionDenied):
        record(cast, actor=cast.outsider)
    assert not Incident.objects.exists()


def test_a_coordinator_may_not_name_a_pupil_on_roll_elsewhere(cast):
    with pytest.raises(ValidationError) as refused:
        record(cast, actor=cast.coordinator, pupils=[(cast.pupil_b, "instigator")])
    assert "Not on roll at Ashdown Academy: Bea Brown" in str(refused.value)
    assert not Incident.objects.exists()


def test_it_needs_a_pupil_named_once_each_in_a_part(cast):
    with pytest.raises(ValidationError):
        record(cast, pupils=[])
    with pytest.raises(ValidationError):
        record(cast, pupils=[(cast.pupil_a, "instigator"), (cast.pupil_a, "target")])
    with pytest.raises(ValidationError):
        record(cast, pupils=[(cast.pupil_a, "ringleader")])
    assert not Incident.objects.exists()


def test_a_follow_up_needs_an_owner_at_the_setting_and_a_date(cast):
    with pytest.raises(ValidationError) as no_date:
        record(cast, follow_up_owner=cast.officer)
    assert "follow_up_on" in no_date.value.message_dict
    with pytest.raises(ValidationError) as elsewhere:
        record(cast, follow_up_owner=cast.outsider, follow_up_on=datetime.date(2026, 12, 1))
    assert "follow_up_owner" in elsewhere.value.message_dict
    with pytest.raises(ValidationError):
        record(cast, occurred_at=WHEN + datetime.timedelta(days=2))
    assert not Incident.objects.exists()


def test_an_update_names_the_fields_changed_on_each_pupils_trail(cast):
    incident = record(cast)
    updated = incident_update(
        actor=cast.officer,
        incident=incident,
        expected_version=1,
        place=Incident.Place.PLAYGROUND,
        severity=Incident.Severity.SERIOUS,
        kind=Incident.Kind.PHYSICAL_PUPIL,
    )
    assert (updated.place, updated.severity, updated.version) == ("playground", 4, 2)
    entries = AuditEntry.objects.filter(action="update", object_id=str(incident.uuid))
    assert sorted(e.pupil_id for e in entries) == sorted([cast.pupil_a.pk, cast.linked_pupil.pk])
    assert {e.what for e in entries} == {"incident: place,severity"}


def test_a_stale_update_is_refused_and_changes_nothing(cast):
    incident = record(cast)
    incident_update(actor=cast.officer, incident=incident, expected_version=1, severity=2)
    with pytest.raises(StaleIncident):
        incident_update(actor=cast.officer, incident=incident, expected_version=1, place="toilets")
    incident.refresh_from_db()
    assert (incident.place, incident.severity, incident.version) == ("corridor", 2, 2)


def test_an_update_with_nothing_changed_keeps_the_version(cast):
    incident = record(cast)
    same = incident_update(
        actor=cast.officer, incident=incident, expected_version=1, place="corridor"
    )
    assert same.version == 1
    assert not AuditEntry.objects.filter(action="update").exists()


def test_three_pupils_are_kept_through_an_edit_and_the_removal_of_one(cast, third):
    incident = record(
        cast,
        pupils=[(cast.pupil_a, "instigator"), (cast.linked_pupil, "target"), (third, "witness")],
    )
    incident_update(actor=cast.officer, incident=incident, expected_version=1, severity=1)
    assert roles(incident) == {"Amira": "instigator", "Liam": "target", "Tom": "witness"}
    incident_pupil_remove(actor=cast.officer, incident=incident, pupil=third)
    assert roles(incident) == {"Amira": "instigator", "Liam": "target"}
    incident.refresh_from_db()
    assert (incident.severity, incident.version) == (1, 2)
    removal = AuditEntry.objects.get(action="delete")
    assert (removal.pupil, removal.what) == (third, "incident role")


def test_adding_a_pupil_or_changing_a_part_keeps_the_others(cast, third):
    incident = record(cast)
    incident_pupil_add(actor=cast.officer, incident=incident, pupil=third, role="witness")
    incident_pupil_add(actor=cast.officer, incident=incident, pupil=cast.pupil_a, role="involved")
    assert roles(incident) == {"Amira": "involved", "Liam": "target", "Tom": "witness"}
    added = AuditEntry.objects.get(action="create", pupil=third, what="incident role")
    changed = AuditEntry.objects.get(action="update", pupil=cast.pupil_a)
    assert (added.object_id, changed.what) == (str(incident.uuid), "incident role")


def test_the_last_pupil_cannot_be_removed(cast):
    incident = record(cast, pupils=[(cast.pupil_a, "instigator")])
    with pytest.raises(ValidationError):
        incident_pupil_remove(actor=cast.officer, incident=incident, pupil=cast.pupil_a)
    assert roles(incident) == {"Amira": "instigator"}


def test_only_those_who_may_change_every_pupil_named_may_change_it(cast):
    incident = make_incident(
        setting=cast.school_a,
        recorded_by=cast.officer,
        pupils={cast.pupil_a: "instigator", cast.linked_pupil: "target"},
    )
    for actor in (cast.head_of_year, cast.caseworker, cast.outsider):
        with pytest.raises(PermissionDenied):
            incident_update(actor=actor, incident=incident, expected_version=1, severity=4)
        with pytest.raises(PermissionDenied):
            incident_pupil_remove(actor=actor, incident=incident, pupil=cast.pupil_a)
        with pytest.raises(PermissionDenied):
            incident_withdraw(actor=actor, incident=incident, expected_version=1)
    incident_update(actor=cast.coordinator, incident=incident, expected_version=1, severity=4)
    assert Incident.objects.get(pk=incident.pk).severity == 4


def test_a_pupil_from_another_setting_cannot_be_added(cast):
    incident = record(cast)
    with pytest.raises(ValidationError):
        incident_pupil_add(
            actor=cast.coordinator, incident=incident, pupil=cast.pupil_b, role="target"
        )
    assert set(roles(incident)) == {"Amira", "Liam"}


def test_a_withdrawn_incident_is_gone_from_lists_and_kept(cast):
    incident = record(cast)
    incident_withdraw(actor=cast.officer, incident=incident, expected_version=1)
    incident.refresh_from_db()
    assert incident.deleted_at is not None and incident.version == 2
    assert not visible_incidents(cast.officer).exists()
    entries = AuditEntry.objects.filter(action="delete", what="incident withdrawn")
    assert entries.count() == 2
    with pytest.raises(ValidationError):
        incident_update(actor=cast.officer, incident=incident, expected_version=2, severity=1)


def test_the_follow_up_is_marked_done_once(cast):
    incident = record(cast, follow_up_owner=cast.officer, follow_up_on=datetime.date(2026, 11, 30))
    done = incident_follow_up_done(
        actor=cast.officer, incident=incident, expected_version=1, on=datetime.date(2026, 11, 24)
    )
    assert (done.follow_up_done_on, done.version) == (datetime.date(2026, 11, 24), 2)
    assert AuditEntry.objects.filter(what="incident: follow_up_done_on").count() == 2
    with pytest.raises(ValidationError):
        incident_follow_up_done(
            actor=cast.officer, incident=incident, expected_version=2, on=datetime.date.today()
        )


def test_a_partnership_officer_without_edit_rights_may_not_record(cast):
    viewer = make_user("viewer", role=Role.LA_OFFICER, organisation=cast.la_service)
    with pytest.raises(PermissionDenied):
        record(cast, actor=viewer)


def test_the_settings_offered_for_recording_are_those_access_allows(cast):
    everyone = [
        cast.officer,
        cast.head_of_year,
        cast.caseworker,
        cast.outsider,
        cast.coordinator,
        cast.board_member,
        cast.admin,
    ]
    offered = {user.username: [s.name for s in recording_settings(user)] for user in everyone}
    assert offered == {
        user.username: [s.name for s in Setting.objects.order_by("name") if may_enrol_at(user, s)]
        for user in everyone
    }
    assert offered["officer"] == ["Ashdown Academy"]
    assert offered["coordinator"] == ["Ashdown Academy", "Beacon High School"]
    assert offered["head_of_year"] == []
