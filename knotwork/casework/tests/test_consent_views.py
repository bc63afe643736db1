"""The consent and sharing pages: the pupil's page, recording consent, withdrawing it,
and recording a decision to share without consent."""

import datetime

import pytest
from django.urls import reverse

from knotwork.casework.consent_models import ConsentRecord, SharingDecision
from knotwork.casework.tests.case_fixtures import open_case, signed_in
from knotwork.casework.tests.consent_helpers import make_consent, make_decision, today  # noqa: F401
from knotwork.core.models import AuditEntry

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("today")]
D = datetime.date


def page_url(pupil):
    return reverse("casework:pupil-sharing", args=[pupil.uuid])


def new_url(pupil):
    return reverse("casework:consent-new", args=[pupil.uuid])


def decide_url(pupil):
    return reverse("casework:sharing-decide", args=[pupil.uuid])


def withdraw_url(consent):
    return reverse("casework:consent-withdraw", args=[consent.uuid])


def consent_form(cast, **overrides):
    data = {
        "organisation": str(cast.camhs.pk),
        "given_by": "parent",
        "given_by_name": "Asha Ahmed",
        "sections": ["attendance", "behaviour"],
        "given_on": "2026-11-20",
        "expires_on": "2027-07-21",
        "note": "Referral for low mood",
    }
    data.update(overrides)
    return data


def decision_form(cast, **overrides):
    data = {
        "organisation": str(cast.camhs.pk),
        "lawful_basis": "public_task",
        "special_condition": "sch1_18",
        "decided_by": str(cast.officer.pk),
        "decided_by_role": "Designated safeguarding lead",
        "reason": "Disclosure; telling the family would raise the risk.",
        "sections": ["casework"],
        "starts_on": "2026-11-24",
        "ends_on": "2027-02-12",
    }
    data.update(overrides)
    return data


# --- The page ------------------------------------------------------------------------------------


def test_the_page_lists_consents_decisions_and_who_sees_what(client, cast):
    consent = ConsentRecord.objects.get(pupil=cast.linked_pupil)
    expired = make_consent(
        cast.linked_pupil,
        cast.la_service,
        cast.officer,
        sections=("attendance",),
        expires_on=D(2026, 10, 23),
    )
    make_decision(cast.linked_pupil, cast.camhs, cast.officer, sections=("behaviour",))
    response = signed_in(client).get(page_url(cast.linked_pupil))
    assert response.status_code == 200
    html = response.content.decode()
    states = {row.consent: row.state for row in response.context["page"].consents}
    assert states == {consent: "live", expired: "expired"}
    assert "Lee Lewis" in html and "Expired" in html
    assert "Designated safeguarding lead" in html
    [link] = response.context["page"].links
    assert link.link.user == cast.caseworker
    assert link.sections == [
        "Attendance",
        "Behaviour, suspensions and exclusions",
        "Casework: concerns, cases, plans and reviews",
    ]
    assert withdraw_url(consent) in html and withdraw_url(expired) in html
    entry = AuditEntry.objects.get(action="view")
    assert (entry.actor, entry.pupil, entry.what) == (cast.officer, cast.linked_pupil, "sharing")


def test_read_only_staff_see_the_page_without_the_buttons(client, cast):
    response = signed_in(client, "head_of_year").get(page_url(cast.linked_pupil))
    assert response.status_code == 200
    html = response.content.decode()
    assert new_url(cast.linked_pupil) not in html and "Withdraw" not in html


@pytest.mark.parametrize("who", ["caseworker", "outsider", "board_member", "admin"])
def test_those_who_do_not_see_the_pupil_through_a_roll_get_404(client, cast, who):
    assert signed_in(client, who).get(page_url(cast.linked_pupil)).status_code == 404
    assert not AuditEntry.objects.filter(action="view").exists()


def test_signed_out_goes_to_sign_in(client, cast):
    response = client.get(page_url(cast.pupil_a))
    assert response.status_code == 302 and "sign-in" in response["Location"]


def test_the_page_takes_no_post(client, cast):
    assert signed_in(client).post(page_url(cast.pupil_a)).status_code == 405


def test_the_profile_and_the_case_page_link_to_it(client, cast):
    client = signed_in(client)
    profile = client.get(reverse("pupils:profile", args=[cast.linked_pupil.uuid]))
    assert page_url(cast.linked_pupil) in profile.content.decode()
    case = open_case(cast)
    case_page = client.get(reverse("casework:case", args=[case.uuid])).content.decode()
    assert page_url(cast.linked_pupil) in case_page


# --- Recording consent ---------------------------------------------------------------------------


def test_recording_consent_saves_it_and_returns_to_the_page(client, cast):
    response = signed_in(client).post(new_url(cast.pupil_a), consent_form(cast))
    assert response.status_code == 302
    assert response["Location"] == page_url(cast.pupil_a)
    consent = ConsentRecord.objects.get(pupil=cast.pupil_a)
    assert (consent.organisation_id, consent.given_by_name, consent.expires_on) == (
        cast.camhs.pk,
        "Asha Ahmed",
        D(2027, 7, 21),
    )
    assert consent.sections == {"attendance", "behaviour"}
    assert AuditEntry.objects.filter(action="create", what="consent recorded").count() == 1


def test_the_form_offers_the_partnerships_agencies_and_services_only(client, cast):
    response = signed_in(client).get(new_url(cast.pupil_a))
    assert response.status_code == 200
    offered = {o.pk for o in response.context["form"].fields["organisation"].queryset}
    assert offered == {cast.camhs.pk, cast.la_service.pk}


def test_an_invalid_consent_is_shown_again_with_what_was_typed(client, cast):
    data = consent_form(cast, sections=[], expires_on="2026-11-01", given_by_name="")
    response = signed_in(client).post(new_url(cast.pupil_a), data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "There is a problem" in html
    assert "Choose at least one part of the record to share." in html
    assert "The expiry date must be on or after the date given." in html
    assert 'value="Referral for low mood"' in html
    assert not ConsentRecord.objects.filter(pupil=cast.pupil_a).exists()


def test_a_future_consent_date_is_refused_by_the_service_on_its_field(client, cast):
    data = consent_form(cast, given_on="2026-11-25", expires_on="")
    response = signed_in(client).post(new_url(cast.pupil_a), data)
    assert response.status_code == 200
    assert response.context["form"].errors["given_on"] == [
        "The date consent was given cannot be in the future."
    ]


def test_read_only_staff_may_not_record_consent(client, cast):
    client = signed_in(client, "head_of_year")
    assert client.get(new_url(cast.pupil_a)).status_code == 403
    assert client.post(new_url(cast.pupil_a), consent_form(cast)).status_code == 403
    assert not ConsentRecord.objects.filter(pupil=cast.pupil_a).exists()


@pytest.mark.parametrize("who", ["outsider", "caseworker"])
def test_others_get_404_on_the_form(client, cast, who):
    assert signed_in(client, who).get(new_url(cast.linked_pupil)).status_code == 404


# --- Withdrawing ---------------------------------------------------------------------------------


def test_withdrawing_records_it_and_the_practitioner_loses_the_record(client, cast):
    consent = ConsentRecord.objects.get(pupil=cast.linked_pupil)
    client = signed_in(client)
    assert "Lee Lewis" in client.get(withdraw_url(consent)).content.decode()
    response = client.post(
        withdraw_url(consent), {"withdrawn_on": "2026-11-24", "note": "Mum rang the office"}
    )
    assert response["Location"] == page_url(cast.linked_pupil)
    consent.refresh_from_db()
    assert (consent.withdrawn_on, consent.withdrawal_recorded_by, consent.withdrawal_note) == (
        D(2026, 11, 24),
        cast.officer,
        "Mum rang the office",
    )
    assert AuditEntry.objects.filter(action="update", what="consent withdrawn").exists()
    client.logout()
    profile = reverse("pupils:profile", args=[cast.linked_pupil.uuid])
    assert signed_in(client, "caseworker").get(profile).status_code == 404


def test_a_bad_withdrawal_date_is_shown_again(client, cast):
    consent = ConsentRecord.objects.get(pupil=cast.linked_pupil)
    response = signed_in(client).post(
        withdraw_url(consent), {"withdrawn_on": "2026-12-01", "note": "Typed note"}
    )
    assert response.status_code == 200
    assert "cannot be in the future" in response.content.decode()
    assert "Typed note" in response.content.decode()
    consent.refresh_from_db()
    assert consent.withdrawn_on is None


def test_withdrawing_needs_edit_rights_and_sight_of_the_pupil(client, cast):
    consent = ConsentRecord.objects.get(pupil=cast.linked_pupil)
    data = {"withdrawn_on": "2026-11-24"}
    assert signed_in(client, "head_of_year").post(withdraw_url(consent), data).status_code == 403
    for who in ("outsider", "caseworker"):
        client.logout()
        assert signed_in(client, who).post(withdraw_url(consent), data).status_code == 404
    consent.refresh_from_db()
    assert consent.withdrawn_on is None


def test_an_unknown_consent_is_404(client, cast):
    url = reverse("casework:consent-withdraw", args=["7c2b1c0e-5d3f-4f43-9d8e-2b9c3f6f1a11"])
    assert signed_in(client).get(url).status_code == 404


# --- Deciding to share without consent ---------------------------------------------------------


def test_recording_a_decision_saves_it(client, cast):
    response = signed_in(client).post(decide_url(cast.pupil_a), decision_form(cast))
    assert response.status_code == 302
    decision = SharingDecision.objects.get(pupil=cast.pupil_a)
    assert (decision.decided_by, decision.special_condition, decision.ends_on) == (
        cast.officer,
        "sch1_18",
        D(2027, 2, 12),
    )
    assert decision.sections == {"casework"}
    assert AuditEntry.objects.filter(what="sharing decided without consent").count() == 1


def test_the_deciders_are_those_who_may_change_the_record(client, cast):
    response = signed_in(client).get(decide_url(cast.pupil_a))
    offered = set(response.context["form"].fields["decided_by"].queryset)
    assert offered == {cast.officer, cast.coordinator}


def test_an_invalid_decision_is_shown_again(client, cast):
    data = decision_form(cast, ends_on="2026-11-01", reason="", lawful_basis="consent")
    response = signed_in(client).post(decide_url(cast.pupil_a), data)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert set(errors) == {"ends_on", "reason", "lawful_basis"}
    assert "Designated safeguarding lead" in response.content.decode()
    assert not SharingDecision.objects.exists()


def test_read_only_staff_may_not_decide(client, cast):
    response = signed_in(client, "head_of_year").post(decide_url(cast.pupil_a), decision_form(cast))
    assert response.status_code == 403
    assert not SharingDecision.objects.exists()


@pytest.mark.parametrize(
    ("username", "shown"), [("officer", True), ("head_of_year", True), ("caseworker", False)]
)
def test_the_profile_offers_the_sharing_page_only_to_those_it_opens_to(
    client, cast, username, shown
):
    profile = reverse("pupils:profile", args=[cast.linked_pupil.uuid])
    page = signed_in(client, username).get(profile).content.decode()
    assert (reverse("casework:pupil-sharing", args=[cast.linked_pupil.uuid]) in page) is shown
