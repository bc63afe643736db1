"""The panel's members page: those who run the panel give an organisation a seat and end
one, each with its audit row; the rest are refused; a seat that ended stops counting."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from knotwork.accounts.models import Role
from knotwork.core.models import AuditEntry
from knotwork.core.testing import PASSWORD, make_agency, make_user
from knotwork.directory.models import Agency
from knotwork.placements.panel_access import panel_rights, visible_panels
from knotwork.placements.panel_models import MeetingAttendance, PanelMeeting, PanelMember
from knotwork.placements.tests.panel_helpers import NOW, TODAY, build_panel_world

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _now():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def world(cast):
    return build_panel_world(cast)


def signed_in(client, username="coordinator"):
    assert client.login(username=username, password=PASSWORD)
    return client


def page(world):
    return reverse("placements:panel-members", args=[world.panel.uuid])


def add(world):
    return reverse("placements:panel-member-add", args=[world.panel.uuid])


def end(world, member):
    return reverse("placements:panel-member-end", args=[world.panel.uuid, member.pk])


def seat(world, organisation):
    return PanelMember.objects.get(panel=world.panel, organisation=organisation)


def test_the_coordinator_sees_the_seats_and_the_form(client, world, cast):
    response = signed_in(client).get(page(world))
    assert response.status_code == 200
    html = response.content.decode()
    for name in ("Ashdown Academy", "East Marsh Police, Safer Schools", "Give an organisation"):
        assert name in html
    offered = {o.pk for o in response.context["form"].fields["organisation"].queryset}
    assert cast.school_b.pk in offered and cast.school_a.pk not in offered  # A already sits


def test_adding_a_member_writes_the_seat_and_its_audit_row(client, world, cast):
    response = signed_in(client).post(
        add(world), {"organisation": cast.school_b.pk, "role": "setting", "expected": "on"}
    )
    assert response.status_code == 302 and response["Location"] == page(world)
    member = seat(world, cast.school_b)
    assert (member.role, member.expected, member.ended_on) == ("setting", True, None)
    audit = AuditEntry.objects.get(what="panel member")
    assert (audit.actor, audit.action, audit.object_id, audit.pupil) == (
        cast.coordinator,
        AuditEntry.Action.CREATE,
        str(member.pk),
        None,
    )
    assert panel_rights(cast.outsider, world.panel).member  # Beacon's staff now sit on it


def test_a_member_added_on_occasion_is_not_expected(client, world):
    fe = make_agency(name="East Marsh College", agency_type=Agency.Type.OTHER)
    signed_in(client).post(add(world), {"organisation": fe.pk, "role": "fe"})
    assert seat(world, fe).expected is False


def test_invalid_input_reshows_the_form_and_saves_nothing(client, world, cast):
    response = signed_in(client).post(add(world), {"organisation": cast.school_b.pk, "role": ""})
    assert response.status_code == 200
    assert response.context["form"].errors["role"]
    assert "There is a problem" in response.content.decode()
    assert not PanelMember.objects.filter(organisation=cast.school_b).exists()
    assert not AuditEntry.objects.filter(what="panel member").exists()


def test_an_organisation_with_a_seat_is_not_offered_again(client, world, cast):
    response = signed_in(client).post(
        add(world), {"organisation": cast.school_a.pk, "role": "setting"}
    )
    assert response.status_code == 200 and response.context["form"].errors["organisation"]
    assert PanelMember.objects.filter(organisation=cast.school_a).count() == 1


def test_ending_a_seat_keeps_its_row_and_writes_the_audit_row(client, world):
    police = seat(world, world.police)
    response = signed_in(client).post(end(world, police), {f"end-{police.pk}-ended_on": TODAY})
    assert response.status_code == 302
    police.refresh_from_db()
    assert police.ended_on == TODAY
    audit = AuditEntry.objects.get(what="panel member ended")
    assert (audit.action, audit.object_id) == (AuditEntry.Action.UPDATE, str(police.pk))
    html = signed_in(client).get(page(world)).content.decode()
    assert "Seats that have ended" in html


def test_an_ended_seat_no_longer_counts_from_the_next_day(client, world, cast):
    police = seat(world, world.police)
    signed_in(client).post(end(world, police), {f"end-{police.pk}-ended_on": TODAY})
    assert panel_rights(world.police_officer, world.panel).member  # its last day
    with time_machine.travel(NOW + datetime.timedelta(days=1), tick=False):
        assert not panel_rights(world.police_officer, world.panel).sees
        assert not visible_panels(world.police_officer).exists()
    # The organisation may be given a new seat; the old one keeps its history.
    signed_in(client).post(add(world), {"organisation": world.police.pk, "role": "police"})
    assert PanelMember.objects.filter(organisation=world.police).count() == 2


def test_a_seat_cannot_end_before_a_meeting_it_came_to_or_after_today(client, world, cast):
    police = seat(world, world.police)
    held = PanelMeeting.objects.create(
        panel=world.panel, held_on=datetime.date(2026, 11, 2), status="held"
    )
    MeetingAttendance.objects.create(meeting=held, member=police, status="attended")
    key = f"end-{police.pk}-ended_on"
    for day in (datetime.date(2026, 10, 30), TODAY + datetime.timedelta(days=1)):
        response = signed_in(client).post(end(world, police), {key: day})
        assert response.status_code == 200
        assert response.context["current"]  # the page again, with the error on the seat
        assert "There is a problem" in response.content.decode()
    police.refresh_from_db()
    assert police.ended_on is None
    assert not AuditEntry.objects.filter(what="panel member ended").exists()


def test_get_on_the_forms_is_405(client, world):
    police = seat(world, world.police)
    assert signed_in(client).get(add(world)).status_code == 405
    assert client.get(end(world, police)).status_code == 405


def test_signed_out_goes_to_sign_in(client, world):
    response = client.get(page(world))
    assert response.status_code == 302 and response["Location"].startswith("/account/sign-in/")


def test_an_outsider_gets_404(client, world):
    # Beacon's staff: no seat on the panel; the board member: no seat and no officer.
    for username in ("outsider", "board_member"):
        assert signed_in(client, username).get(page(world)).status_code == 404
        assert signed_in(client, username).post(add(world), {}).status_code == 404


def test_members_who_do_not_run_the_panel_get_403(client, world, cast):
    make_user("la_reader", role=Role.LA_OFFICER, organisation=cast.la_service)
    for username in ("officer", "police_officer", "la_reader"):
        assert signed_in(client, username).get(page(world)).status_code == 403
        response = signed_in(client, username).post(
            add(world), {"organisation": cast.school_b.pk, "role": "setting"}
        )
        assert response.status_code == 403
    assert not PanelMember.objects.filter(organisation=cast.school_b).exists()


def test_a_seat_of_another_panel_is_404(client, world, cast):
    from knotwork.placements.tests.panel_helpers import make_panel

    other = make_panel(cast, name="Primary panel")
    member = PanelMember.objects.create(panel=other, organisation=cast.school_b, role="setting")
    response = signed_in(client).post(end(world, member), {f"end-{member.pk}-ended_on": TODAY})
    assert response.status_code == 404
