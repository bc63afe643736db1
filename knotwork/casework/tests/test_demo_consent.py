"""Demo consent on a small built demo: every sharing that rests on consent has it, some
consent has expired or been withdrawn without closing anyone's record, and a few
decisions to share without consent were taken for safeguarding."""

import datetime
import zoneinfo

import pytest
import time_machine

from knotwork.accounts.models import User
from knotwork.casework.case_models import Case, CaseMember
from knotwork.casework.consent_models import ConsentRecord, SharingDecision
from knotwork.casework.consent_rules import State, consent_state
from knotwork.casework.demo_consent import consent_demo
from knotwork.casework.models import Referral
from knotwork.directory.demo import demo_build
from knotwork.directory.models import Agency, Organisation, Setting
from knotwork.pupils.access import pupil_sections, visible_pupils
from knotwork.pupils.models import Enrolment, PupilLink

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 11, 24)
NOW = datetime.datetime(2026, 11, 24, 10, 30, tzinfo=zoneinfo.ZoneInfo("Europe/London"))


def _state(c: ConsentRecord) -> State:
    return consent_state(
        given_on=c.given_on, expires_on=c.expires_on, withdrawn_on=c.withdrawn_on, on=TODAY
    )


@pytest.fixture
def demo():
    with time_machine.travel(NOW, tick=False):
        demo_build(pupils=200, seed=1, today=TODAY)
        coordinator = User.objects.get(username="coordinator")
        setting = Setting.objects.order_by("pk").first()
        pupils = list(
            Enrolment.objects.current(TODAY).filter(setting=setting).order_by("-pupil_id")[:2]
        )
        youth_team, social_care = Agency.objects.order_by("pk")[:2]
        # A referral and a case resting on consent, as the demo's casework makes them.
        Referral.objects.create(
            pupil_id=pupils[0].pupil_id,
            from_organisation=setting,
            to_organisation=youth_team,
            reason="Anger at school and at home",
            lawful_basis="consent",
            basis_decided_by=coordinator,
            sent_at=NOW - datetime.timedelta(days=20),
            sent_by=coordinator,
        )
        case = Case.objects.create(
            pupil_id=pupils[1].pupil_id,
            setting=setting,
            opened_on=datetime.date(2026, 10, 5),
            intervention_started_on=datetime.date(2026, 10, 5),
            lawful_basis="consent",
            opened_by=coordinator,
        )
        CaseMember.objects.create(
            case=case,
            name="A Worker",
            organisation=social_care,
            role="Family support",
            starts_on=datetime.date(2026, 10, 5),
        )
        # The demo gave its own casework consent; give it again with these two added.
        ConsentRecord.objects.all().delete()
        SharingDecision.objects.all().delete()
        outcome = consent_demo(seed=1, today=TODAY)
        yield outcome, pupils, youth_team, social_care


def test_every_consent_link_of_the_demo_practitioner_is_covered(demo):
    camhs = User.objects.get(username="camhs")
    linked = set(
        PupilLink.objects.current(TODAY).filter(user=camhs).values_list("pupil_id", flat=True)
    )
    assert linked
    seen = visible_pupils(camhs, TODAY)
    assert set(seen.values_list("pk", flat=True)) == linked
    for pupil in seen:
        assert "attendance" in pupil_sections(camhs, pupil, TODAY)


def test_the_referral_and_the_case_on_consent_get_consent_to_their_organisations(demo):
    _, pupils, youth_team, social_care = demo
    for enrolment, organisation in ((pupils[0], youth_team), (pupils[1], social_care)):
        consents = ConsentRecord.objects.filter(
            pupil_id=enrolment.pupil_id, organisation=organisation
        )
        assert [s for s in map(_state, consents) if s == State.LIVE] == [State.LIVE]


def test_some_consent_has_expired_and_some_was_withdrawn(demo):
    outcome, *_ = demo
    states = [_state(c) for c in ConsentRecord.objects.all()]
    assert outcome.consents == len(states)
    assert states.count(State.EXPIRED) == outcome.expired >= 1
    assert states.count(State.WITHDRAWN) == outcome.withdrawn >= 1
    withdrawn = ConsentRecord.objects.exclude(withdrawn_on=None)
    assert all(c.withdrawal_note and c.withdrawal_recorded_by_id for c in withdrawn)
    assert ConsentRecord.objects.filter(given_by="parent").exclude(given_by_name="").exists()


def test_decisions_to_share_without_consent_are_for_safeguarding(demo):
    outcome, *_ = demo
    decisions = list(SharingDecision.objects.select_related("organisation"))
    assert len(decisions) == outcome.decisions >= 1
    for d in decisions:
        assert (d.lawful_basis, d.special_condition) == ("public_task", "sch1_18")
        assert d.starts_on <= TODAY <= d.ends_on and d.reason
        assert d.organisation.kind in (Organisation.Kind.AGENCY, Organisation.Kind.LA_SERVICE)


def test_run_again_it_adds_nothing(demo):
    outcome, *_ = demo
    before = list(
        ConsentRecord.objects.order_by("pk").values_list(
            "pupil_id", "organisation_id", "given_on", "expires_on", "withdrawn_on"
        )
    )
    again = consent_demo(seed=1, today=TODAY)
    assert (again.consents, again.decisions) == (0, 0)
    assert ConsentRecord.objects.count() == len(before) == outcome.consents
