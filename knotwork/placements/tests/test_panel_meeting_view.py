"""The meeting page and the forms it posts: the agenda with names for members while the
papers are out, putting a case forward, the decision, attendance, actions and minutes."""

import datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from knotwork.core.models import AuditEntry
from knotwork.core.testing import PASSWORD, make_pupil
from knotwork.placements.panel_models import AgendaItem, MeetingAttendance, PanelAction
from knotwork.placements.tests.panel_helpers import NOW, build_panel_world

pytestmark = pytest.mark.django_db
AFTER_THE_MEETING = datetime.datetime(2026, 11, 26, 16, 0, tzinfo=NOW.tzinfo)


@pytest.fixture(autouse=True)
def _now():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def world(cast):
    return build_panel_world(cast)


def signed_in(client, username="officer"):
    client.login(username=username, password=PASSWORD)
    return client


def page_url(world):
    return reverse("placements:panel-meeting", args=[world.meeting.uuid])


def test_a_member_sees_the_agenda_by_name_while_the_papers_are_out_and_it_is_audited(
    client, world, cast
):
    response = signed_in(client, "police_officer").get(page_url(world))
    assert response.status_code == 200
    assert "Amira Ahmed" in response.content.decode()
    audit = AuditEntry.objects.get(what="panel agenda")
    assert (audit.pupil, audit.object_id, audit.actor) == (
        cast.pupil_a,
        str(world.item.uuid),
        world.police_officer,
    )


def test_after_the_meeting_a_member_sees_the_item_without_the_name(client, world):
    with time_machine.travel(NOW + datetime.timedelta(days=4), tick=False):
        response = signed_in(client, "police_officer").get(page_url(world))
    body = response.content.decode()
    assert "Amira" not in body and "A pupil put forward by Ashdown Academy" in body
    assert not AuditEntry.objects.filter(what="panel agenda").exists()


def test_the_page_keeps_to_a_query_budget_however_long_the_agenda(client, world, cast):
    signed_in(client, "coordinator")
    with CaptureQueriesContext(connection) as few:
        client.get(page_url(world))
    for n in range(8):
        pupil = make_pupil(setting=cast.school_a, legal_forename=f"P{n}")
        AgendaItem.objects.create(
            meeting=world.meeting,
            pupil=pupil,
            kind="hard_to_place",
            put_forward_by=cast.school_a,
            summary="x",
            position=n + 2,
        )
    with CaptureQueriesContext(connection) as many:
        response = client.get(page_url(world))
    assert response.status_code == 200
    assert len(many) <= len(few) + 1 and len(many) <= 30


def test_signed_out_goes_to_sign_in(client, world):
    response = client.get(page_url(world))
    assert response.status_code == 302 and response["Location"].startswith("/account/sign-in/")


@pytest.mark.parametrize("who", ["outsider", "board_member", "caseworker"])
def test_a_non_member_gets_404(client, world, who):
    assert signed_in(client, who).get(page_url(world)).status_code == 404


def test_the_meeting_list_shows_the_meetings_a_user_may_see(client, world):
    url = reverse("placements:panel-list")
    assert world.meeting in signed_in(client, "officer").get(url).context["page"].object_list
    assert not signed_in(client, "outsider").get(url).context["page"].object_list


# --- Putting a case forward ---------------------------------------------------------------------


def item_url(world):
    return reverse("placements:panel-item-new", args=[world.meeting.uuid])


def typed(cast, **overrides):
    values = {
        "kind": "ap_referral",
        "upn": cast.linked_pupil.upn,
        "organisation": str(cast.school_a.pk),
        "summary": "Needs a half-termly place at the Bridge.",
    }
    values.update(overrides)
    return values


def test_putting_a_case_forward_adds_it_to_the_agenda(client, world, cast):
    response = signed_in(client).post(item_url(world), typed(cast))
    assert response.status_code == 302 and response["Location"] == page_url(world)
    item = AgendaItem.objects.get(pupil=cast.linked_pupil)
    assert (item.kind, item.position) == ("ap_referral", 2)
    assert AuditEntry.objects.filter(action="create", object_id=str(item.uuid)).exists()


def test_get_on_the_put_forward_form_is_405(client, world):
    assert signed_in(client).get(item_url(world)).status_code == 405


def test_an_unknown_or_unseen_upn_reshows_the_form_and_saves_nothing(client, world, cast):
    response = signed_in(client).post(item_url(world), typed(cast, upn=cast.pupil_b.upn))
    assert response.status_code == 200
    assert response.context["item_form"].errors["upn"]
    assert "Needs a half-termly place" in response.content.decode()
    assert AgendaItem.objects.count() == 1


def test_a_read_only_member_gets_403(client, world, cast):
    response = signed_in(client, "head_of_year").post(item_url(world), typed(cast, upn=""))
    assert response.status_code == 403
    assert AgendaItem.objects.count() == 1


def test_an_outsider_putting_forward_gets_404(client, world, cast):
    response = signed_in(client, "outsider").post(item_url(world), typed(cast))
    assert response.status_code == 404 and AgendaItem.objects.count() == 1


# --- The decision, attendance and actions ----------------------------------------------------


def decide_url(world):
    return reverse("placements:panel-item-decide", args=[world.item.uuid])


def test_agreeing_a_managed_move_goes_on_to_record_the_move(client, world):
    with time_machine.travel(AFTER_THE_MEETING, tick=False):
        response = signed_in(client, "coordinator").post(
            decide_url(world), {"decision": "agreed", "note": "Beacon High has a place."}
        )
    assert response["Location"] == reverse("placements:move-new", args=[world.item.uuid])
    world.item.refresh_from_db()
    assert world.item.decision == "agreed"
    assert AuditEntry.objects.filter(what="decision agreed", pupil=world.item.pupil).exists()


def test_a_decision_needs_a_choice(client, world):
    with time_machine.travel(AFTER_THE_MEETING, tick=False):
        response = signed_in(client, "coordinator").post(decide_url(world), {"decision": ""})
    assert response.status_code == 200
    world.item.refresh_from_db()
    assert world.item.decision == ""


def test_a_member_who_does_not_run_the_meeting_gets_403_deciding(client, world):
    with time_machine.travel(AFTER_THE_MEETING, tick=False):
        response = signed_in(client, "officer").post(decide_url(world), {"decision": "agreed"})
    assert response.status_code == 403


def test_get_on_the_decision_is_405(client, world):
    assert signed_in(client, "coordinator").get(decide_url(world)).status_code == 405


def test_recording_attendance(client, world):
    members = list(world.panel.members.all())
    data = {f"member_{m.pk}": "attended" for m in members}
    data[f"member_{members[-1].pk}"] = "apologies"
    url = reverse("placements:panel-attendance", args=[world.meeting.uuid])
    with time_machine.travel(AFTER_THE_MEETING, tick=False):
        response = signed_in(client, "coordinator").post(url, data)
        assert response.status_code == 302
        assert MeetingAttendance.objects.filter(status="attended").count() == 2
        page = signed_in(client, "coordinator").get(page_url(world))
    assert [r.status for r in page.context["agenda"].members].count("apologies") == 1


def test_adding_an_action(client, world, cast):
    url = reverse("placements:panel-action-new", args=[world.meeting.uuid])
    data = {
        "text": "Send the support plan",
        "owner": str(cast.officer.pk),
        "due_on": "2026-12-03",
        "item": str(world.item.uuid),
    }
    response = signed_in(client, "coordinator").post(url, data)
    assert response.status_code == 302
    action = PanelAction.objects.get()
    assert (action.owner, action.item) == (cast.officer, world.item)
    response = signed_in(client, "coordinator").post(url, {**data, "text": ""})
    assert response.status_code == 200 and PanelAction.objects.count() == 1


def test_the_minutes_are_a_pdf_and_their_names_are_audited(client, world):
    response = signed_in(client, "coordinator").get(
        reverse("placements:panel-minutes", args=[world.meeting.uuid])
    )
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert "Amira" not in response["Content-Disposition"]
    assert AuditEntry.objects.filter(action="export", what="panel minutes PDF").count() == 1


# --- Scheduling a meeting and marking an action done -----------------------------------------


def test_the_coordinator_adds_a_meeting(client, world):
    url = reverse("placements:panel-meeting-new", args=[world.panel.uuid])
    response = signed_in(client, "coordinator").post(url, {"held_on": "2026-12-17"})
    meeting = world.panel.meetings.get(held_on=datetime.date(2026, 12, 17))
    assert response["Location"] == reverse("placements:panel-meeting", args=[meeting.uuid])
    assert AuditEntry.objects.filter(object_id=str(meeting.uuid), action="create").exists()
    again = signed_in(client, "coordinator").post(url, {"held_on": "2026-12-17"})
    assert again.status_code == 200 and world.panel.meetings.count() == 2
    assert signed_in(client, "coordinator").get(url).status_code == 405


def test_only_those_who_run_the_panel_add_meetings(client, world):
    url = reverse("placements:panel-meeting-new", args=[world.panel.uuid])
    assert signed_in(client, "officer").post(url, {"held_on": "2026-12-17"}).status_code == 403
    assert signed_in(client, "outsider").post(url, {"held_on": "2026-12-17"}).status_code == 404
    assert world.panel.meetings.count() == 1


def test_the_owner_marks_their_action_done_and_others_may_not(client, world, cast):
    action = PanelAction.objects.create(
        meeting=world.meeting,
        text="Send the plan",
        owner=cast.officer,
        due_on=datetime.date(2026, 12, 3),
    )
    url = reverse("placements:panel-action-done", args=[action.uuid])
    assert (
        signed_in(client, "police_officer").post(url, {"done_on": "2026-11-23"}).status_code == 403
    )
    assert signed_in(client, "outsider").post(url, {"done_on": "2026-11-23"}).status_code == 404
    response = signed_in(client).post(url, {"done_on": "2026-11-23"})
    assert response["Location"] == page_url(world)
    action.refresh_from_db()
    assert action.done_on == datetime.date(2026, 11, 23)


def test_actions_are_owned_by_the_panels_people_not_board_members(client, world, cast):
    with time_machine.travel(AFTER_THE_MEETING, tick=False):
        page = signed_in(client, "coordinator").get(page_url(world))
    owners = set(page.context["action_form"].fields["owner"].queryset)
    assert {cast.officer, cast.coordinator, world.police_officer} <= owners
    assert cast.board_member not in owners and cast.outsider not in owners


# --- The agenda from referrals to the panel ---------------------------------------------------


def make_panel_referral(cast, pupil, **overrides):
    from knotwork.casework.models import Referral

    values = {
        "pupil": pupil,
        "from_organisation": cast.school_a,
        "panel": cast.partnership,
        "reason": "Out of school for five weeks; no place offered.",
        "lawful_basis": "public_task",
        "basis_decided_by": cast.officer,
        "sent_at": NOW - datetime.timedelta(days=3),
        "sent_by": cast.officer,
    }
    values.update(overrides)
    return Referral.objects.create(**values)


def test_referrals_to_the_panel_wait_on_the_meeting_page_and_go_on_the_agenda(client, world, cast):
    referral = make_panel_referral(cast, cast.linked_pupil)
    page = signed_in(client, "coordinator").get(page_url(world))
    assert page.context["referrals"] == [referral]
    assert AuditEntry.objects.filter(
        what="referrals to the panel", pupil=cast.linked_pupil
    ).exists()
    url = reverse("placements:panel-item-from-referral", args=[world.meeting.uuid, referral.uuid])
    assert signed_in(client, "coordinator").get(url).status_code == 405
    response = signed_in(client, "coordinator").post(url, {"kind": "hard_to_place"})
    assert response["Location"] == page_url(world)
    item = AgendaItem.objects.get(referral=referral)
    assert (item.pupil, item.kind, item.put_forward_by_id, item.summary) == (
        cast.linked_pupil,
        "hard_to_place",
        cast.school_a.pk,
        referral.reason,
    )
    assert signed_in(client, "coordinator").get(page_url(world)).context["referrals"] == []
    # Once on an agenda it is not offered again.
    assert signed_in(client, "coordinator").post(url, {"kind": "hard_to_place"}).status_code == 404


def test_only_those_who_run_the_panel_add_referrals(client, world, cast):
    referral = make_panel_referral(cast, cast.linked_pupil)
    url = reverse("placements:panel-item-from-referral", args=[world.meeting.uuid, referral.uuid])
    assert signed_in(client, "officer").post(url, {"kind": "fair_access"}).status_code == 403
    assert signed_in(client, "outsider").post(url, {"kind": "fair_access"}).status_code == 404
    assert "referrals" not in signed_in(client, "officer").get(page_url(world)).context
    response = signed_in(client, "coordinator").post(url, {"kind": "other"})
    assert response.status_code == 302 and not AgendaItem.objects.filter(referral=referral).exists()


def test_the_meeting_list_pages_and_keeps_to_a_query_budget(client, world, settings):
    from knotwork.placements.panel_models import PanelMeeting

    settings.KNOTWORK_PAGE_SIZE = 5
    url = reverse("placements:panel-list")
    signed_in(client, "coordinator")
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for month in range(1, 13):
        PanelMeeting.objects.create(panel=world.panel, held_on=datetime.date(2025, month, 15))
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)
    assert len(response.context["page"].object_list) == 5
    assert response.context["page"].paginator.num_pages == 3
    assert len(many) <= len(few) + 1 and len(many) <= 15
