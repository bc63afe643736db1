"""The fair access clause of the access rule: the partnership's officers see a child on no
roll while their fair access placement waits, and for a term after their first day, in
every shape of the rule; no one else does."""

import datetime
import zoneinfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.http import Http404

from knotwork.accounts.models import Membership, Role
from knotwork.core.testing import make_local_authority, make_pupil, make_setting, make_user
from knotwork.directory.models import Organisation, Partnership, PartnershipMember
from knotwork.placements.fair_access_models import FairAccessPlacement
from knotwork.pupils.access import (
    ALL_SECTIONS,
    FAIR_ACCESS_TERM,
    Access,
    _scope_of,
    get_pupil_for_user,
    pupil_access,
    pupil_sections,
    visible_among,
    visible_pupils,
)

pytestmark = pytest.mark.django_db
D = datetime.date
TODAY = D(2026, 11, 24)
NOW = datetime.datetime(2026, 11, 24, 10, 30, tzinfo=zoneinfo.ZoneInfo("Europe/London"))


@pytest.fixture(autouse=True)
def _clock():
    with time_machine.travel(NOW, tick=False):
        yield


def on_no_roll(cast, started_on=None, partnership=None, **overrides):
    """Noor, new to the area: on no roll, placed at Ashdown under fair access."""
    pupil = make_pupil(legal_forename="Noor", **overrides)
    pupil.enrolments.all().delete()
    FairAccessPlacement.objects.create(
        partnership=partnership or cast.partnership,
        pupil=pupil,
        category="l",
        out_of_school_from=D(2025, 12, 1),
        placed_at=cast.school_a,
        placed_on=D(2026, 11, 16),
        started_on=started_on,
        recorded_by=cast.coordinator,
    )
    return pupil


def other_partnership(cast):
    """West Marsh: its own LA service with an officer who edits, and one school."""
    la = make_local_authority(name="West Marsh Council", code="846")
    partnership = Partnership.objects.create(
        name="West Marsh Partnership", local_authority=la, meeting_frequency="monthly"
    )
    service = Organisation.objects.create(
        name="West Marsh Service", kind=Organisation.Kind.LA_SERVICE, local_authority=la
    )
    school = make_setting(name="Westfield School")
    for organisation in (service, school):
        PartnershipMember.objects.create(
            partnership=partnership,
            organisation=organisation,
            representative_name="A Representative",
            representative_role="Lead",
            joined_on=D(2024, 9, 1),
        )
    officer = make_user("west", role=Role.LA_OFFICER, organisation=service, can_edit=True)
    return partnership, officer


CAST = ("officer", "head_of_year", "caseworker", "outsider", "coordinator", "board_member", "admin")


def shapes(user, pupil, on=TODAY):
    """What each shape of the rule says of the pupil for the user: seen, changed, sections."""
    seen = visible_pupils(user, on).filter(pk=pupil.pk).exists()
    edits = visible_pupils(user, on, for_edit=True).filter(pk=pupil.pk).exists()
    assert (pupil.pk in visible_among(user, [pupil.pk], on)) == seen
    assert (pupil.pk in visible_among(user, [pupil.pk], on, for_edit=True)) == edits
    assert bool(pupil_sections(user, pupil, on)) == seen
    return seen, edits


@pytest.mark.parametrize("who", CAST)
def test_only_the_partnerships_officers_see_a_child_on_no_roll(cast, who):
    pupil = on_no_roll(cast)
    seen, edits = shapes(getattr(cast, who), pupil)
    assert (seen, edits) == ((True, True) if who == "coordinator" else (False, False))


def test_the_officer_sees_the_whole_record_and_opens_it(cast):
    pupil = on_no_roll(cast)
    assert pupil_sections(cast.coordinator, pupil) == ALL_SECTIONS
    assert get_pupil_for_user(cast.coordinator, pupil.uuid, write=True) == pupil
    assert pupil_access(cast.coordinator, pupil) == Access.EDIT


def test_a_read_only_officer_reads_and_may_not_change(cast):
    reader = make_user("reader", role=Role.LA_OFFICER, organisation=cast.la_service)
    pupil = on_no_roll(cast)
    assert shapes(reader, pupil) == (True, False)
    assert get_pupil_for_user(reader, pupil.uuid) == pupil
    with pytest.raises(PermissionDenied):
        get_pupil_for_user(reader, pupil.uuid, write=True)


def test_another_partnerships_officer_gets_404(cast):
    _, west = other_partnership(cast)
    pupil = on_no_roll(cast)
    assert shapes(west, pupil) == (False, False)
    with pytest.raises(Http404):
        get_pupil_for_user(west, pupil.uuid)


def test_the_placement_shows_the_child_only_to_its_own_partnership(cast):
    partnership, west = other_partnership(cast)
    pupil = on_no_roll(cast, partnership=partnership)
    assert shapes(west, pupil) == (True, True)
    assert shapes(cast.coordinator, pupil) == (False, False)


@pytest.mark.parametrize(
    ("started_on", "seen"),
    [
        (None, True),
        (TODAY, True),
        (TODAY - FAIR_ACCESS_TERM + datetime.timedelta(days=1), True),
        (TODAY - FAIR_ACCESS_TERM, False),
    ],
)
def test_the_child_is_seen_until_a_term_after_their_first_day(cast, started_on, seen):
    pupil = on_no_roll(cast, started_on=started_on)
    assert shapes(cast.coordinator, pupil) == (seen, seen)


def test_a_child_on_roll_is_seen_by_the_roll_as_before(cast):
    """Bea, on Beacon's roll, placed under fair access: her school still sees her, and
    Ashdown's staff do not until she is on their roll."""
    FairAccessPlacement.objects.create(
        partnership=cast.partnership,
        pupil=cast.pupil_b,
        category="l",
        out_of_school_from=D(2026, 11, 2),
        placed_at=cast.school_a,
        placed_on=D(2026, 11, 9),
        recorded_by=cast.coordinator,
    )
    assert shapes(cast.outsider, cast.pupil_b) == (True, True)
    assert shapes(cast.officer, cast.pupil_b) == (False, False)
    assert shapes(cast.coordinator, cast.pupil_b) == (True, True)
    # On a roll in the partnership, the placement adds nothing to the rule.
    assert _scope_of(cast.coordinator, for_edit=False).fair_access_orgs == ()


def test_a_child_on_roll_outside_the_partnership_is_seen_by_the_placement(cast):
    elsewhere = make_setting(name="Far Away School")
    pupil = on_no_roll(cast)
    pupil.enrolments.create(setting=elsewhere, start_date=D(2024, 9, 1))
    assert shapes(cast.coordinator, pupil) == (True, True)


@pytest.mark.parametrize("who", CAST)
def test_visible_among_agrees_with_visible_pupils_with_a_child_on_no_roll(cast, who):
    waiting = on_no_roll(cast)
    long_ago = on_no_roll(cast, started_on=D(2026, 1, 5))
    everyone = [cast.pupil_a.pk, cast.linked_pupil.pk, cast.pupil_b.pk, waiting.pk, long_ago.pk]
    user = getattr(cast, who)
    for for_edit in (False, True):
        expected = set(visible_pupils(user, TODAY, for_edit=for_edit).values_list("pk", flat=True))
        assert visible_among(user, everyone, TODAY, for_edit=for_edit) == expected
        assert (waiting.pk in expected) == (who == "coordinator")
        assert long_ago.pk not in expected


def test_the_common_case_adds_no_clause(cast):
    """With no fair access placement waiting, the rule is the roll alone."""
    scope = _scope_of(cast.coordinator, for_edit=False)
    assert scope is not None and scope.fair_access_orgs == ()
    on_no_roll(cast)
    scope = _scope_of(cast.coordinator, for_edit=False)
    assert scope is not None and scope.fair_access_orgs == (cast.la_service.pk,)
    assert _scope_of(cast.officer, for_edit=False).fair_access_orgs == ()


def test_the_clause_costs_one_query_only_when_a_child_waits(cast, django_assert_num_queries):
    # The memberships (with whether a child waits), the partnership's settings, the search.
    with django_assert_num_queries(3):
        list(visible_pupils(cast.coordinator))
    pupil = on_no_roll(cast)
    with django_assert_num_queries(4):  # and the children waiting
        assert pupil in visible_pupils(cast.coordinator)
    Membership.objects.filter(user=cast.coordinator).update(role=Role.SCHOOL_STAFF)
    assert shapes(cast.coordinator, pupil) == (False, False)
