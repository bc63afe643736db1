"""The demo's notices and parent contacts, on a small demo built here: notices only to
team members who may see the pupil and never to whoever made the change; contacts only
for pupils with a case, a concern or a suspension."""

import datetime

import pytest

from knotwork.behaviour.testing import make_exclusion
from knotwork.casework.case_services import case_member_add
from knotwork.casework.tests.case_fixtures import today  # noqa: F401
from knotwork.notices.demo import notices_demo, parent_contacts_demo
from knotwork.notices.models import Notice, NoticePreference
from knotwork.notices.tests.team_helpers import JOINED, build_team
from knotwork.pupils.models import Contact
from knotwork.pupils.parent_contact_models import ParentContact

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("today")]
TODAY = datetime.date(2026, 11, 24)


@pytest.fixture
def team(cast):
    team = build_team(cast)
    case_member_add(
        actor=team.lead, case=team.case, role="Beacon head", starts_on=JOINED, user=cast.outsider
    )
    return team


def test_the_team_gets_notices_only_where_the_rules_allow(cast, team):
    made = notices_demo(seed=3, today=TODAY)
    notices = list(Notice.objects.select_related("recipient"))
    assert made.cases == 1 and made.notices == len(notices) > 0
    assert {n.recipient.username for n in notices} <= {"officer", "caseworker", "head_of_year"}
    assert all(n.by_id != n.recipient_id for n in notices)
    assert {n.purpose for n in notices if n.recipient == team.lead} <= {"action"}
    assert made.read == sum(n.read_at is not None for n in notices)
    assert all(n.created_at.date() >= TODAY - datetime.timedelta(days=29) for n in notices)
    assert all((n.email == "sent") == (n.emailed_at is not None) for n in notices)
    assert set(NoticePreference.objects.values_list("user__username", flat=True)) == {
        "officer",
        "caseworker",
        "head_of_year",
        "outsider",
    }


def test_the_same_seed_gives_the_same_notices(team):
    notices_demo(seed=5, today=TODAY)
    first = sorted(Notice.objects.values_list("recipient_id", "kind", "purpose", "by_id"))
    Notice.objects.all().delete()
    NoticePreference.objects.all().delete()
    notices_demo(seed=5, today=TODAY)
    assert sorted(Notice.objects.values_list("recipient_id", "kind", "purpose", "by_id")) == first


def test_contacts_are_logged_for_pupils_with_a_case_or_a_suspension(cast, team):
    for pupil in (cast.pupil_a, cast.linked_pupil, cast.pupil_b):
        Contact.objects.create(
            pupil=pupil, name="A Parent", relationship="Mother", preferred_channel="phone"
        )
    make_exclusion(pupil=cast.pupil_a, recorded_by=cast.officer)
    made = parent_contacts_demo(seed=2, today=TODAY)
    rows = list(ParentContact.objects.all())
    assert made == len(rows) >= 2
    assert {r.pupil_id for r in rows} == {cast.pupil_a.pk, cast.linked_pupil.pk}
    assert {r.made_by for r in rows} == {cast.officer}
    assert {r.setting for r in rows} == {cast.school_a}
    assert all(r.at.date() < TODAY and r.note for r in rows)
