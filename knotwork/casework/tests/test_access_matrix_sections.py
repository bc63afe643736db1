"""Lists of casework follow the casework section: a practitioner whose consent covers
only attendance sees the pupil, but not the pupil's concern on the setting's worklist,
the pupil's row on the tracking grid, their notices about the pupil's case, nor a
concern to refer from; with casework covered, or a link resting on another basis, they
do. A practitioner who leads a case loses it from their caseload with the link or the
consent, as they lose its page. (Found by the access matrix.)"""

import datetime

import pytest
from django.urls import reverse

from knotwork.casework.case_services import case_member_add
from knotwork.casework.concern_services import concern_raise
from knotwork.casework.consent_models import ConsentRecord, Section
from knotwork.casework.models import Concern
from knotwork.casework.tests.case_fixtures import open_case, today  # noqa: F401
from knotwork.casework.tests.consent_helpers import make_decision
from knotwork.core.models import AuditEntry
from knotwork.notices.models import Notice
from knotwork.notices.queries import unread_count
from knotwork.pupils.access import visible_among
from knotwork.pupils.models import PupilLink

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("today")]
TODAY = datetime.date(2026, 11, 24)


@pytest.fixture
def world(cast):  # type: ignore[no-untyped-def]
    concern = concern_raise(
        actor=cast.officer,
        pupil=cast.linked_pupil,
        sign=Concern.Sign.MORALE,
        note="Quiet in lessons.",
        today=TODAY,
    )
    case = open_case(cast)
    case_member_add(
        actor=cast.officer,
        case=case,
        role="Therapist",
        starts_on=datetime.date(2026, 10, 12),
        user=cast.caseworker,
    )
    Notice.objects.create(
        recipient=cast.caseworker,
        case=case,
        pupil=cast.linked_pupil,
        kind=Notice.Kind.ACTION_ADDED,
        purpose="information",
        by=cast.officer,
        email=Notice.Email.NONE,
    )
    return cast, concern


def attendance_only(cast) -> None:  # type: ignore[no-untyped-def]
    ConsentRecord.objects.filter(pupil=cast.linked_pupil).update(
        shares_behaviour=False, shares_casework=False
    )


def what_the_caseworker_sees(client, cast, concern):  # type: ignore[no-untyped-def]
    client.force_login(cast.caseworker)
    pages = {
        "worklist": reverse("casework:worklist", args=[cast.school_a.uuid]),
        "grid": reverse("casework:grid"),
        "notices": reverse("notices:list"),
    }
    seen = {k: "Lewis" in client.get(url).content.decode() for k, url in pages.items()}
    seen["notices counted"] = unread_count(cast.caseworker) == 1
    refer = client.get(reverse("casework:referral-from-concern", args=[concern.uuid]))
    seen["refer"] = refer.status_code
    return seen


def test_with_casework_covered_the_lists_show_the_pupil(client, world):
    cast, concern = world
    assert what_the_caseworker_sees(client, cast, concern) == {
        "worklist": True,
        "grid": True,
        "notices": True,
        "notices counted": True,
        "refer": 403,  # sees the concern, may not refer
    }


def test_with_attendance_only_the_lists_hide_the_pupil(client, world):
    cast, concern = world
    attendance_only(cast)
    assert what_the_caseworker_sees(client, cast, concern) == {
        "worklist": False,
        "grid": False,
        "notices": False,
        "notices counted": False,
        "refer": 404,
    }
    refused = AuditEntry.objects.filter(actor=cast.caseworker, pupil=cast.linked_pupil)
    assert not refused.exists()


def test_a_decision_covering_casework_opens_it_again(client, world):
    cast, concern = world
    attendance_only(cast)
    make_decision(cast.linked_pupil, cast.camhs, cast.officer, sections=("casework",))
    assert what_the_caseworker_sees(client, cast, concern)["worklist"] is True


def test_visible_among_by_section_follows_the_consent(world):
    cast, _ = world
    ids = [cast.linked_pupil.pk]
    attendance_only(cast)
    by_section = {
        s: visible_among(cast.caseworker, ids, TODAY, section=s) == set(ids) for s in Section
    }
    assert by_section == {"attendance": True, "behaviour": False, "casework": False}
    assert visible_among(cast.caseworker, ids, TODAY) == set(ids)


def test_a_link_on_another_basis_opens_every_section(world):
    cast, _ = world
    attendance_only(cast)
    PupilLink.objects.filter(user=cast.caseworker).update(lawful_basis="public_task")
    ids = [cast.linked_pupil.pk]
    assert all(visible_among(cast.caseworker, ids, TODAY, section=s) for s in Section)


def test_staff_see_every_section_whatever_the_consent(world):
    cast, _ = world
    attendance_only(cast)
    ids = [cast.linked_pupil.pk]
    assert all(visible_among(cast.head_of_year, ids, TODAY, section=s) for s in Section)
    assert not visible_among(cast.outsider, ids, TODAY, section=Section.CASEWORK)


def test_a_lead_whose_consent_was_withdrawn_no_longer_has_the_case_on_their_caseload(client, cast):
    open_case(cast, lead=cast.caseworker)
    client.force_login(cast.caseworker)
    caseload = reverse("casework:caseload")
    assert "Lewis" in client.get(caseload).content.decode()
    ConsentRecord.objects.filter(pupil=cast.linked_pupil).update(
        withdrawn_on=datetime.date(2026, 11, 20), withdrawal_recorded_by=cast.officer
    )
    before = AuditEntry.objects.filter(actor=cast.caseworker).count()
    body = client.get(caseload).content.decode()
    assert "Lewis" not in body and cast.linked_pupil.upn not in body
    assert AuditEntry.objects.filter(actor=cast.caseworker).count() == before


def test_a_lead_whose_link_ended_no_longer_sees_the_case_on_their_caseload(client, cast):
    open_case(cast, lead=cast.caseworker)
    PupilLink.objects.filter(user=cast.caseworker).update(ends_on=datetime.date(2026, 11, 23))
    client.force_login(cast.caseworker)
    assert "Lewis" not in client.get(reverse("casework:caseload")).content.decode()
