"""Recording consent, withdrawing it, and deciding to share without it: what is saved,
what is refused, who may, and the audit rows."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from knotwork.casework.consent_models import ConsentRecord, SharingDecision
from knotwork.casework.consent_services import consent_record, consent_withdraw, sharing_decide
from knotwork.casework.tests.consent_helpers import TODAY, make_consent, today  # noqa: F401
from knotwork.core.models import AuditEntry
from knotwork.core.testing import make_agency
from knotwork.pupils.access import visible_pupils

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("today")]
D = datetime.date


def record(cast, **overrides):
    values = {
        "actor": cast.officer,
        "pupil": cast.pupil_a,
        "organisation": cast.camhs,
        "given_by": "young_person",
        "given_by_name": "Amira Ahmed",
        "given_on": D(2026, 11, 20),
        "sections": ["attendance", "casework"],
        "expires_on": D(2027, 7, 21),
        "note": " For the CAMHS referral ",
    }
    values.update(overrides)
    return consent_record(**values)


def decide(cast, **overrides):
    values = {
        "actor": cast.officer,
        "pupil": cast.pupil_a,
        "organisation": cast.camhs,
        "lawful_basis": "public_task",
        "special_condition": "sch1_18",
        "decided_by": cast.officer,
        "decided_by_role": "Designated safeguarding lead",
        "reason": "Disclosure of harm; parents not told as it would raise the risk.",
        "sections": ["behaviour"],
        "starts_on": D(2026, 11, 24),
        "ends_on": D(2027, 2, 12),
    }
    values.update(overrides)
    return sharing_decide(**values)


def test_it_records_the_consent_with_its_sections_and_an_audit_row(cast):
    consent = record(cast)
    consent.refresh_from_db()
    assert (consent.given_by, consent.given_by_name, consent.note) == (
        "young_person",
        "Amira Ahmed",
        "For the CAMHS referral",
    )
    assert consent.sections == {"attendance", "casework"}
    assert (consent.recorded_by, consent.withdrawn_on) == (cast.officer, None)
    entry = AuditEntry.objects.get(action="create")
    assert (entry.actor, entry.pupil, entry.object_id, entry.what) == (
        cast.officer,
        cast.pupil_a,
        str(consent.uuid),
        "consent recorded",
    )
    assert "Amira" not in entry.what


def test_it_refuses_a_consent_with_every_problem_named(cast):
    with pytest.raises(ValidationError) as caught:
        record(
            cast,
            given_on=D(2026, 11, 25),
            expires_on=None,
            sections=[],
            given_by="neighbour",
            given_by_name=" ",
        )
    assert set(caught.value.message_dict) == {
        "given_on",
        "sections",
        "given_by",
        "given_by_name",
    }
    assert not ConsentRecord.objects.filter(pupil=cast.pupil_a).exists()
    assert not AuditEntry.objects.exists()


def test_it_refuses_an_expiry_before_the_consent_and_unknown_sections(cast):
    with pytest.raises(ValidationError) as caught:
        record(cast, expires_on=D(2026, 11, 19), sections=["health"])
    assert set(caught.value.message_dict) == {"expires_on", "sections"}


def test_consent_is_to_an_agency_or_service_in_the_pupils_partnership(cast):
    elsewhere = make_agency(name="Far Away Agency")
    with pytest.raises(ValidationError) as caught:
        record(cast, organisation=elsewhere)
    assert set(caught.value.message_dict) == {"organisation"}
    with pytest.raises(ValidationError):
        record(cast, organisation=cast.school_b)  # a setting is not shared with this way


@pytest.mark.parametrize("who", ["head_of_year", "caseworker", "outsider", "board_member"])
def test_only_those_who_may_change_the_pupil_record_consent(cast, who):
    with pytest.raises(PermissionDenied):
        record(cast, actor=getattr(cast, who))


def test_a_coordinator_may_record_consent(cast):
    assert record(cast, actor=cast.coordinator).recorded_by == cast.coordinator


def test_withdrawing_keeps_the_consent_with_who_when_and_why(cast):
    consent = record(cast)
    consent_withdraw(
        actor=cast.officer, consent=consent, withdrawn_on=D(2026, 11, 23), note=" By phone "
    )
    consent.refresh_from_db()
    assert (consent.withdrawn_on, consent.withdrawal_recorded_by, consent.withdrawal_note) == (
        D(2026, 11, 23),
        cast.officer,
        "By phone",
    )
    assert AuditEntry.objects.filter(action="update", what="consent withdrawn").count() == 1


def test_withdrawal_takes_the_record_from_the_linked_practitioner_at_once(cast):
    consent = ConsentRecord.objects.get(pupil=cast.linked_pupil)
    assert visible_pupils(cast.caseworker).exists()
    consent_withdraw(actor=cast.officer, consent=consent, withdrawn_on=TODAY)
    assert not visible_pupils(cast.caseworker).exists()


@pytest.mark.parametrize(
    ("withdrawn_on", "problem"),
    [(D(2026, 11, 25), "future"), (D(2026, 11, 19), "before it was given")],
)
def test_a_withdrawal_must_fall_between_the_consent_and_today(cast, withdrawn_on, problem):
    consent = record(cast)
    with pytest.raises(ValidationError) as caught:
        consent_withdraw(actor=cast.officer, consent=consent, withdrawn_on=withdrawn_on)
    assert problem in caught.value.message_dict["withdrawn_on"][0]


def test_consent_is_withdrawn_once(cast):
    consent = record(cast)
    consent_withdraw(actor=cast.officer, consent=consent, withdrawn_on=TODAY)
    with pytest.raises(ValidationError):
        consent_withdraw(actor=cast.officer, consent=consent, withdrawn_on=TODAY)
    consent.refresh_from_db()
    assert consent.withdrawn_on == TODAY


def test_a_read_only_user_may_not_withdraw(cast):
    consent = record(cast)
    with pytest.raises(PermissionDenied):
        consent_withdraw(actor=cast.head_of_year, consent=consent, withdrawn_on=TODAY)


def test_it_records_a_decision_to_share_without_consent(cast):
    decision = decide(cast)
    decision.refresh_from_db()
    assert (decision.lawful_basis, decision.special_condition, decision.decided_by) == (
        "public_task",
        "sch1_18",
        cast.officer,
    )
    assert decision.sections == {"behaviour"}
    entry = AuditEntry.objects.get(action="create")
    assert (entry.object_id, entry.what) == (str(decision.uuid), "sharing decided without consent")


def test_a_decision_needs_a_basis_other_than_consent_and_a_decider_who_may_change_the_record(
    cast,
):
    with pytest.raises(ValidationError) as caught:
        decide(
            cast,
            lawful_basis="consent",
            special_condition="gut_feeling",
            decided_by=cast.head_of_year,
            decided_by_role="",
            reason=" ",
            sections=[],
            ends_on=D(2026, 11, 23),
        )
    assert set(caught.value.message_dict) == {
        "lawful_basis",
        "special_condition",
        "decided_by",
        "decided_by_role",
        "reason",
        "sections",
        "ends_on",
    }
    assert not SharingDecision.objects.exists()


def test_the_database_refuses_a_consent_with_no_section(cast):
    with pytest.raises(IntegrityError), transaction.atomic():
        make_consent(cast.pupil_a, cast.camhs, cast.officer, sections=())


def test_the_database_refuses_a_withdrawal_without_who_recorded_it(cast):
    consent = make_consent(cast.pupil_a, cast.camhs, cast.officer)
    with pytest.raises(IntegrityError), transaction.atomic():
        ConsentRecord.objects.filter(pk=consent.pk).update(withdrawn_on=TODAY)
