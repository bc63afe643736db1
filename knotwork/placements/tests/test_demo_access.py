"""The demo's children new to the area, built on a small demo."""

import pytest
from django.urls import reverse

from knotwork.accounts.models import User
from knotwork.casework.tests.demo_fixtures import TODAY, demo  # noqa: F401
from knotwork.directory.models import Partnership
from knotwork.placements.fair_access_models import FairAccessPlacement
from knotwork.pupils.access import visible_among, visible_pupils

pytestmark = pytest.mark.django_db


@pytest.fixture
def built(demo):  # noqa: F811
    partnership = Partnership.objects.get(name=demo.partnership)
    coordinator = User.objects.get(username="coordinator")
    assert demo.placements is not None
    return partnership, coordinator, demo.placements.access


def test_children_on_no_roll_wait_for_a_first_day_seen_by_the_officers(built):
    partnership, coordinator, summary = built
    placements = list(
        FairAccessPlacement.objects.filter(pupil__enrolments__isnull=True).select_related("pupil")
    )
    assert summary.new_to_area == len(placements) == 5
    assert all(p.started_on is None and p.partnership == partnership for p in placements)
    ids = {p.pupil_id for p in placements}
    assert visible_among(coordinator, ids, TODAY, for_edit=True) == ids
    assert (
        set(visible_pupils(coordinator, TODAY).filter(pk__in=ids).values_list("pk", flat=True))
        == ids
    )
    staff = User.objects.filter(memberships__role="school_staff").first()
    assert staff is not None and visible_among(staff, ids, TODAY) == set()


def test_the_placements_were_agreed_at_the_panels_last_meeting(built, client):
    _, coordinator, summary = built
    assert summary.decided_at_panel == 5
    placement = FairAccessPlacement.objects.filter(decided_at__isnull=False).first()
    assert placement.decided_at.decision == "agreed"
    assert placement.placed_on == placement.decided_at.meeting.held_on
    client.force_login(coordinator)
    page = client.get(reverse("placements:fair-access-placement", args=[placement.uuid]))
    assert "agreed at the panel on" in page.content.decode()


def test_it_is_deterministic_from_the_seed(built):
    names = sorted(
        FairAccessPlacement.objects.filter(pupil__enrolments__isnull=True).values_list(
            "pupil__legal_forename", "placed_at__name", "category"
        )
    )
    assert len(names) == 5 and names[0][0] == "Esme"
