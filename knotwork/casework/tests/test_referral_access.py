"""Who sees and answers a referral to CAMHS, as a matrix of the cast and the referral's
state: the receiving side sees it from the moment it is sent but the pupil's record
opens only to the practitioner assigned, and only while the referral runs."""

import datetime

import pytest
import time_machine

from knotwork.casework.referral_access import ReferralRights, desk_of, referral_rights
from knotwork.casework.referral_services import referral_close
from knotwork.casework.tests.referral_helpers import NOW, accepted, make_lead, make_service, send

pytestmark = pytest.mark.django_db

NONE = ReferralRights()
# sees, answers, withdraws, sees_record
SENT = {
    "officer": ReferralRights(True, False, True, True),
    "head_of_year": ReferralRights(True, False, False, True),
    "lead": ReferralRights(True, True, False, False),
    "caseworker": ReferralRights(True, False, False, False),
    "outsider": NONE,
    "coordinator": ReferralRights(True, False, True, True),
    "board_member": NONE,
}
ACCEPTED = {**SENT, "lead": ReferralRights(True, True, False, True)}
CLOSED = SENT


@pytest.fixture(autouse=True)
def _now():
    with time_machine.travel(NOW, tick=False):
        yield


def who(cast, lead, name):
    return lead if name == "lead" else getattr(cast, name)


@pytest.mark.parametrize("name", sorted(SENT))
def test_before_acceptance_the_agency_sees_the_referral_but_not_the_record(cast, name):
    lead = make_lead(cast)
    referral = send(cast, make_service(cast.camhs))
    assert referral_rights(who(cast, lead, name), referral) == SENT[name]


@pytest.mark.parametrize("name", sorted(ACCEPTED))
def test_once_accepted_the_assigned_practitioner_sees_the_record(cast, name):
    lead = make_lead(cast)
    referral = accepted(cast, make_service(cast.camhs), lead)
    assert referral_rights(who(cast, lead, name), referral) == ACCEPTED[name]


@pytest.mark.parametrize("name", sorted(CLOSED))
def test_once_closed_the_record_is_closed_to_the_practitioner_again(cast, name):
    lead = make_lead(cast)
    referral = accepted(cast, make_service(cast.camhs), lead)
    with time_machine.travel(NOW + datetime.timedelta(days=7), tick=False):
        referral = referral_close(
            actor=lead, referral=referral, expected_version=2, reason="Finished."
        )
        assert referral_rights(who(cast, lead, name), referral) == CLOSED[name]


def test_a_panel_referral_is_answered_by_the_coordinator_and_never_seen_by_the_board(cast):
    referral = send(cast)
    assert referral_rights(cast.coordinator, referral).answers
    assert referral_rights(cast.board_member, referral) == NONE
    assert referral_rights(cast.caseworker, referral) == NONE


def test_a_board_member_has_no_desk_even_in_the_la_service(cast):
    assert desk_of(cast.board_member).empty
    assert cast.la_service.pk in desk_of(cast.coordinator).organisation_ids


def test_signed_out_visitors_have_no_rights(cast):
    from django.contrib.auth.models import AnonymousUser

    referral = send(cast, make_service(cast.camhs))
    assert referral_rights(AnonymousUser(), referral) == NONE
