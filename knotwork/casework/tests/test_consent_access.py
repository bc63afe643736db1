"""What a linked practitioner sees as consent and sharing change: the pupil's pages
open only while the link is live and its basis holds, and only for the sections the
basis covers; every other state is a 404, as for a pupil they cannot see."""

import datetime

import pytest
from django.urls import reverse

from knotwork.accounts.models import Membership, Role
from knotwork.casework.case_services import case_member_add
from knotwork.casework.consent_models import ConsentRecord
from knotwork.casework.tests.case_fixtures import open_case, signed_in
from knotwork.casework.tests.consent_helpers import ALL, make_consent, make_decision, today  # noqa: F401
from knotwork.core.models import AuditEntry
from knotwork.core.testing import make_agency
from knotwork.pupils.access import pupil_sections, visible_pupils
from knotwork.pupils.models import PupilLink

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("today")]
D = datetime.date

PAGES = {
    "attendance": ["attendance:pupil", "attendance:ladder"],
    "behaviour": ["behaviour:pupil-behaviour", "behaviour:pupil-exclusions"],
    "casework": ["casework:pupil-cases", "casework:pupil-concerns"],
}


def statuses(client, pupil):
    """The status of each section's pages and of the profile, for the signed-in user."""
    seen = {
        section: {client.get(reverse(name, args=[pupil.uuid])).status_code for name in names}
        for section, names in PAGES.items()
    }
    seen["profile"] = {client.get(reverse("pupils:profile", args=[pupil.uuid])).status_code}
    return seen


def everything(code):
    return {"attendance": {code}, "behaviour": {code}, "casework": {code}, "profile": {code}}


def the_consent(cast):
    return ConsentRecord.objects.filter(pupil=cast.linked_pupil)


def test_a_live_link_with_live_consent_opens_every_page_it_covers(client, cast):
    assert statuses(signed_in(client, "caseworker"), cast.linked_pupil) == everything(200)


def test_consent_withdrawn_closes_the_record(client, cast):
    the_consent(cast).update(withdrawn_on=D(2026, 11, 20), withdrawal_recorded_by=cast.officer)
    assert statuses(signed_in(client, "caseworker"), cast.linked_pupil) == everything(404)
    assert not AuditEntry.objects.filter(actor=cast.caseworker).exists()


def test_consent_withdrawn_from_tomorrow_still_shows_today(client, cast):
    the_consent(cast).update(withdrawn_on=D(2026, 11, 25), withdrawal_recorded_by=cast.officer)
    assert statuses(signed_in(client, "caseworker"), cast.linked_pupil) == everything(200)


def test_consent_expired_closes_the_record(client, cast):
    the_consent(cast).update(expires_on=D(2026, 11, 23))
    assert statuses(signed_in(client, "caseworker"), cast.linked_pupil) == everything(404)


def test_consent_expiring_today_still_shows(client, cast):
    the_consent(cast).update(expires_on=D(2026, 11, 24))
    assert statuses(signed_in(client, "caseworker"), cast.linked_pupil) == everything(200)


def test_the_link_ended_closes_the_record_though_consent_is_live(client, cast):
    PupilLink.objects.filter(user=cast.caseworker).update(ends_on=D(2026, 11, 23))
    assert statuses(signed_in(client, "caseworker"), cast.linked_pupil) == everything(404)


def test_consent_for_another_organisation_opens_nothing(client, cast):
    yot = make_agency(name="Youth Offending Team", agency_type="yot")
    the_consent(cast).update(organisation=yot)
    assert statuses(signed_in(client, "caseworker"), cast.linked_pupil) == everything(404)


def test_consent_to_an_organisation_the_practitioner_also_works_for_counts(client, cast):
    yot = make_agency(name="Youth Offending Team", agency_type="yot")
    the_consent(cast).update(organisation=yot)
    Membership.objects.create(user=cast.caseworker, organisation=yot, role=Role.AGENCY_PRACTITIONER)
    assert statuses(signed_in(client, "caseworker"), cast.linked_pupil) == everything(200)


def test_sections_not_covered_are_404_while_the_others_show(client, cast):
    the_consent(cast).update(shares_behaviour=False, shares_casework=False)
    assert statuses(signed_in(client, "caseworker"), cast.linked_pupil) == {
        "attendance": {200},
        "behaviour": {404},
        "casework": {404},
        "profile": {200},
    }


def test_two_consents_add_their_sections(client, cast):
    the_consent(cast).update(shares_behaviour=False, shares_casework=False)
    make_consent(cast.linked_pupil, cast.camhs, cast.officer, sections=("casework",))
    assert pupil_sections(cast.caseworker, cast.linked_pupil) == {"attendance", "casework"}


def test_a_decision_without_consent_keeps_its_sections_open_after_withdrawal(client, cast):
    the_consent(cast).update(withdrawn_on=D(2026, 11, 20), withdrawal_recorded_by=cast.officer)
    make_decision(cast.linked_pupil, cast.camhs, cast.officer, sections=("behaviour",))
    assert statuses(signed_in(client, "caseworker"), cast.linked_pupil) == {
        "attendance": {404},
        "behaviour": {200},
        "casework": {404},
        "profile": {200},
    }


@pytest.mark.parametrize(
    ("starts_on", "ends_on"), [(D(2026, 11, 25), D(2027, 1, 1)), (D(2026, 9, 1), D(2026, 11, 23))]
)
def test_a_decision_outside_its_days_opens_nothing(client, cast, starts_on, ends_on):
    the_consent(cast).delete()
    make_decision(cast.linked_pupil, cast.camhs, cast.officer, starts_on=starts_on, ends_on=ends_on)
    assert not visible_pupils(cast.caseworker).exists()


def test_a_decision_for_another_organisation_opens_nothing(client, cast):
    the_consent(cast).delete()
    make_decision(cast.linked_pupil, make_agency(name="Police"), cast.officer)
    assert statuses(signed_in(client, "caseworker"), cast.linked_pupil) == everything(404)


@pytest.mark.parametrize("basis", ["public_task", "legal_obligation", "vital_interests"])
def test_a_link_on_another_basis_shows_the_record_while_it_runs(client, cast, basis):
    the_consent(cast).delete()
    PupilLink.objects.filter(user=cast.caseworker).update(lawful_basis=basis)
    assert statuses(signed_in(client, "caseworker"), cast.linked_pupil) == everything(200)
    PupilLink.objects.filter(user=cast.caseworker).update(ends_on=D(2026, 11, 23))
    assert statuses(client, cast.linked_pupil) == everything(404)


def test_a_consent_link_beside_a_public_task_link_shows_everything(cast):
    the_consent(cast).update(shares_behaviour=False, shares_casework=False)
    PupilLink.objects.create(
        pupil=cast.linked_pupil,
        user=cast.caseworker,
        reason="referral",
        lawful_basis="public_task",
        starts_on=D(2026, 11, 2),
    )
    assert pupil_sections(cast.caseworker, cast.linked_pupil) == set(ALL)


def test_the_case_page_needs_casework_covered(client, cast):
    case = open_case(cast)
    case_member_add(
        actor=cast.officer,
        case=case,
        user=cast.caseworker,
        role="Therapist",
        starts_on=D(2026, 11, 2),
    )
    url = reverse("casework:case", args=[case.uuid])
    assert signed_in(client, "caseworker").get(url).status_code == 200
    the_consent(cast).update(shares_casework=False)
    assert client.get(url).status_code == 404


@pytest.mark.parametrize(
    ("who", "sections"),
    [
        ("officer", set(ALL)),
        ("head_of_year", set(ALL)),
        ("coordinator", set(ALL)),
        ("outsider", set()),
        ("board_member", set()),
        ("admin", set()),
    ],
)
def test_staff_of_the_setting_and_the_partnership_see_every_section(cast, who, sections):
    for pupil in (cast.pupil_a, cast.linked_pupil):
        assert pupil_sections(getattr(cast, who), pupil) == sections


def test_a_practitioner_sees_no_section_of_a_pupil_they_are_not_linked_to(cast):
    make_consent(cast.pupil_a, cast.camhs, cast.officer)
    assert pupil_sections(cast.caseworker, cast.pupil_a) == set()
    assert pupil_sections(cast.caseworker, cast.linked_pupil) == set(ALL)


@pytest.mark.parametrize(
    ("expires_on", "withdrawn_on"),
    [
        (None, None),
        (D(2026, 10, 23), None),
        (None, D(2026, 10, 1)),
        (D(2026, 12, 18), D(2026, 9, 7)),
    ],
)
def test_the_database_says_live_on_exactly_the_days_the_rule_does(cast, expires_on, withdrawn_on):
    from knotwork.casework.consent_models import SharingDecision
    from knotwork.casework.consent_rules import State, consent_state, decision_state

    consent = make_consent(
        cast.pupil_a,
        cast.camhs,
        cast.officer,
        given_on=D(2026, 9, 7),
        expires_on=expires_on,
        withdrawn_on=withdrawn_on,
        withdrawal_recorded_by=cast.officer if withdrawn_on else None,
    )
    decision = make_decision(cast.pupil_a, cast.camhs, cast.officer)
    for offset in range(-3, 110):
        on = D(2026, 9, 7) + datetime.timedelta(days=offset)
        rule = consent_state(
            given_on=consent.given_on, expires_on=expires_on, withdrawn_on=withdrawn_on, on=on
        )
        assert ConsentRecord.objects.live(on).filter(pk=consent.pk).exists() == (rule == State.LIVE)
        live = decision_state(starts_on=decision.starts_on, ends_on=decision.ends_on, on=on)
        assert SharingDecision.objects.live(on).filter(pk=decision.pk).exists() == (
            live == State.LIVE
        )


def test_the_profile_shows_only_the_cards_of_sections_covered(client, cast):
    the_consent(cast).update(shares_attendance=False, shares_casework=False)
    profile = reverse("pupils:profile", args=[cast.linked_pupil.uuid])
    response = signed_in(client, "caseworker").get(profile)
    html = response.content.decode()
    assert "Behaviour this year" in html
    assert "Attendance this year" not in html and "attendance" not in response.context
    assert 'id="cases-card"' not in html and 'id="concerns-card"' not in html
    client.logout()
    staff = signed_in(client, "head_of_year").get(profile).content.decode()
    assert "Attendance this year" in staff and 'id="cases-card"' in staff


def test_a_records_own_page_follows_its_section(client, cast):
    from knotwork.attendance.models import LadderStep
    from knotwork.behaviour.testing import make_exclusion

    exclusion = make_exclusion(pupil=cast.linked_pupil, recorded_by=cast.officer)
    step = LadderStep.objects.create(
        pupil=cast.linked_pupil,
        kind="letter_1",
        status="planned",
        date=D(2026, 11, 24),
        owner=cast.officer,
        created_by=cast.officer,
    )
    urls = {
        "behaviour": reverse("behaviour:exclusion", args=[exclusion.uuid]),
        "attendance": reverse("attendance:ladder-step", args=[step.uuid]),
    }
    client = signed_in(client, "caseworker")
    assert {s: client.get(u).status_code for s, u in urls.items()} == {
        "behaviour": 200,
        "attendance": 200,
    }
    the_consent(cast).update(shares_behaviour=False)
    assert {s: client.get(u).status_code for s, u in urls.items()} == {
        "behaviour": 404,
        "attendance": 200,
    }
    the_consent(cast).update(shares_behaviour=True, shares_attendance=False)
    assert {s: client.get(u).status_code for s, u in urls.items()} == {
        "behaviour": 200,
        "attendance": 404,
    }


def test_an_incident_opens_only_where_behaviour_is_covered(client, cast):
    from knotwork.behaviour.testing import make_incident

    incident = make_incident(
        setting=cast.school_a,
        recorded_by=cast.officer,
        pupils={cast.linked_pupil: "instigator", cast.pupil_a: "target"},
    )
    url = reverse("behaviour:incident", args=[incident.uuid])
    client = signed_in(client, "caseworker")
    response = client.get(url)
    assert response.status_code == 200
    assert [r.pupil for r in response.context["incident"].visible_roles] == [cast.linked_pupil]
    the_consent(cast).update(shares_behaviour=False)
    assert client.get(url).status_code == 404
    client.logout()
    assert signed_in(client, "head_of_year").get(url).status_code == 200
