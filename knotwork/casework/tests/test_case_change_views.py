"""The pages that change a case: opening, actions, reviews, the team, the lead, closing
and re-opening; each saves through its service and refuses those who may not."""

import pytest
from django.urls import reverse

from knotwork.casework.case_models import Case, PlanAction, Review
from knotwork.casework.tests.case_fixtures import open_case, signed_in, today  # noqa: F401
from knotwork.core.models import AuditEntry

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("today")]


@pytest.fixture
def case(cast):
    return open_case(cast)


def test_opening_a_case_from_the_pupil_saves_it_and_goes_to_it(client, cast):
    url = reverse("casework:case-open", args=[cast.pupil_a.uuid])
    assert signed_in(client).get(url).status_code == 200
    response = client.post(
        url,
        {
            "setting": cast.school_a.pk,
            "opened_on": "2026-11-24",
            "lead": cast.officer.pk,
            "common_approach": "Calm start",
            "measures": ["attendance", "scaling"],
            "measure_weeks": "10",
        },
    )
    case = Case.objects.get(pupil=cast.pupil_a)
    assert response["Location"] == reverse("casework:case", args=[case.uuid])
    assert (case.common_approach, case.measures.count()) == ("Calm start", 2)
    assert AuditEntry.objects.filter(
        action="create", what="case opened", pupil=cast.pupil_a
    ).exists()


def test_an_invalid_opening_reshows_what_was_typed_and_saves_nothing(client, cast):
    url = reverse("casework:case-open", args=[cast.pupil_a.uuid])
    response = signed_in(client).post(
        url,
        {
            "setting": cast.school_a.pk,
            "opened_on": "2027-01-05",
            "common_approach": "Calm start",
            "measure_weeks": "10",
        },
    )
    assert response.status_code == 200
    assert (
        "Calm start" in response.content.decode()
        and "cannot open in the future" in response.content.decode()
    )
    assert not Case.objects.exists()


def test_the_read_only_and_outsiders_may_not_open_a_case(client, cast):
    url = reverse("casework:case-open", args=[cast.pupil_a.uuid])
    assert signed_in(client, "head_of_year").get(url).status_code == 403
    assert signed_in(client, "outsider").get(url).status_code == 404


def test_adding_an_action_saves_it_and_audits_it(client, cast, case):
    url = reverse("casework:action-add", args=[case.uuid])
    response = signed_in(client).post(
        url,
        {
            "what": "Daily report card",
            "owner": cast.officer.pk,
            "due_on": "2026-12-04",
            "status": "not_started",
        },
    )
    assert response.status_code == 302
    action = PlanAction.objects.get()
    assert (action.what, action.owner) == ("Daily report card", cast.officer)
    assert AuditEntry.objects.filter(
        action="create", what="plan action added", object_id=str(action.uuid)
    ).exists()


def test_an_action_update_names_its_version(client, cast, case):
    signed_in(client).post(
        reverse("casework:action-add", args=[case.uuid]),
        {
            "what": "Report card",
            "owner": cast.officer.pk,
            "due_on": "2026-12-04",
            "status": "not_started",
        },
    )
    action = PlanAction.objects.get()
    url = reverse("casework:action-edit", args=[case.uuid, action.uuid])
    client.post(
        url,
        {
            "what": "Report card",
            "owner": cast.officer.pk,
            "due_on": "2026-12-04",
            "status": "done",
            "version": 1,
        },
    )
    stale = client.post(
        url,
        {
            "what": "Other",
            "owner": cast.officer.pk,
            "due_on": "2026-12-04",
            "status": "dropped",
            "version": 1,
        },
    )
    action.refresh_from_db()
    assert (action.status, action.version) == ("done", 2)
    assert stale.status_code == 200 and "Someone else changed" in stale.content.decode()


def test_recording_a_review_saves_the_scaling(client, cast, case):
    url = reverse("casework:review-record", args=[case.uuid])
    response = signed_in(client).post(
        url,
        {
            "held_on": "2026-11-23",
            "child_view": "Good week",
            "scale_now": "5",
            "scale_goal": "8",
            "attendees": [case.members.get().pk],
        },
    )
    assert response.status_code == 302
    review = Review.objects.get()
    assert (review.scale_now, review.scale_goal, review.attendees.count()) == (5, 8, 1)
    assert AuditEntry.objects.filter(action="create", what="review recorded").exists()


def test_a_scale_outside_1_to_10_reshows_the_form_and_saves_nothing(client, cast, case):
    url = reverse("casework:review-record", args=[case.uuid])
    response = signed_in(client).post(
        url,
        {"held_on": "2026-11-23", "child_view": "Good week", "scale_now": "11", "scale_goal": "8"},
    )
    assert response.status_code == 200 and "Good week" in response.content.decode()
    assert not Review.objects.exists()


def test_adding_a_named_person_to_the_team(client, cast, case):
    url = reverse("casework:member-add", args=[case.uuid])
    signed_in(client).post(
        url,
        {
            "name": "Pat Grant",
            "organisation_name": "Youth club",
            "role": "Mentor",
            "starts_on": "2026-11-24",
        },
    )
    assert case.members.filter(name="Pat Grant").exists()


def test_the_lead_page_suggests_key_workers_with_their_reasons(client, cast, case):
    response = signed_in(client).get(reverse("casework:case-lead", args=[case.uuid]))
    names = [s.name for s in response.context["suggestions"]]
    assert "Olu" in names and "Bob" not in names
    assert "already works with the school" in response.content.decode()


def test_closing_and_reopening(client, cast, case):
    url = reverse("casework:case-close", args=[case.uuid])
    signed_in(client).post(
        url,
        {
            "closed_on": "2026-11-24",
            "closure_reason": "outcomes_met",
            "exit_summary": "Back on track",
            "version": 1,
        },
    )
    case.refresh_from_db()
    assert (case.status, case.exit_summary) == ("closed", "Back on track")
    assert AuditEntry.objects.filter(action="update", what="case closed").exists()
    client.post(reverse("casework:case-reopen", args=[case.uuid]), {"version": case.version})
    case.refresh_from_db()
    assert case.status == "open"


def test_an_invalid_closure_reshows_and_saves_nothing(client, cast, case):
    url = reverse("casework:case-close", args=[case.uuid])
    response = signed_in(client).post(
        url,
        {
            "closed_on": "2026-11-24",
            "closure_reason": "",
            "exit_summary": "Back on track",
            "version": 1,
        },
    )
    assert response.status_code == 200 and "Back on track" in response.content.decode()
    case.refresh_from_db()
    assert case.status == "open"


@pytest.mark.parametrize(
    "name", ["member-add", "action-add", "review-record", "case-close", "case-lead"]
)
def test_the_read_only_get_403_and_outsiders_404(client, cast, case, name):
    url = reverse(f"casework:{name}", args=[case.uuid])
    assert signed_in(client, "head_of_year").post(url, {}).status_code == 403
    assert signed_in(client, "outsider").post(url, {}).status_code == 404
    assert signed_in(client, "board_member").get(url).status_code == 404
    client.logout()
    assert "sign-in" in client.get(url)["Location"]


@pytest.mark.parametrize("name", ["case-reopen"])
def test_a_get_on_a_post_only_page_is_405(client, cast, case, name):
    assert signed_in(client).get(reverse(f"casework:{name}", args=[case.uuid])).status_code == 405
    member = case.members.get()
    assert (
        client.get(reverse("casework:member-end", args=[case.uuid, member.pk])).status_code == 405
    )
