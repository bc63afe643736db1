"""The demo's fair access and alternative provision, built on a small demo."""

import pytest

from knotwork.accounts.models import User
from knotwork.casework.tests.demo_fixtures import TODAY, demo  # noqa: F401
from knotwork.directory.models import Partnership, Setting
from knotwork.placements.demo_access import NEW_TO_AREA
from knotwork.placements.fair_access_models import FairAccessPlacement, FairShareWeighting
from knotwork.placements.fair_access_queries import year_figures
from knotwork.placements.provision_models import ProviderProfile, ProvisionPlacement
from knotwork.placements.provision_queries import overview, providers
from knotwork.pupils.models import Enrolment
from knotwork.pupils.rules import Span, enrolment_conflict

pytestmark = pytest.mark.django_db


@pytest.fixture
def built(demo):  # noqa: F811
    partnership = Partnership.objects.get(name=demo.partnership)
    coordinator = User.objects.get(username="coordinator")
    assert demo.placements is not None
    return partnership, coordinator, demo.placements.provision


def test_there_are_four_providers_with_their_checks(built):
    partnership, _, summary = built
    assert summary.providers == ProviderProfile.objects.count() == 4
    rows = providers(partnership, TODAY)
    assert len(rows) == 4 and sum(r.setting.setting_type == Setting.Type.AP for r in rows) == 3
    assert any("Safeguarding check overdue" in r.flags for r in rows)
    assert any("Quality assurance visit overdue" in r.flags for r in rows)


def test_fair_access_placements_across_the_schools_some_short_of_380(built):
    partnership, _, summary = built
    # Beside these, the children new to the area wait for a place (``demo_access``).
    assert summary.fair_access + NEW_TO_AREA == FairAccessPlacement.objects.count()
    assert summary.fair_access >= 6
    assert len(set(FairAccessPlacement.objects.values_list("placed_at", flat=True))) >= 3
    assert 1 <= summary.fair_access_short_of_380 < summary.fair_access
    assert summary.fair_access_waiting >= 1
    figures = year_figures(partnership, 2026, TODAY)
    assert figures.counts.pupils == summary.fair_access + NEW_TO_AREA
    assert FairShareWeighting.objects.count() == 6


def test_placements_at_the_providers_with_flags_reviews_and_returns(built):
    partnership, coordinator, summary = built
    assert summary.placements == ProvisionPlacement.objects.count() >= 10
    used = set(ProvisionPlacement.objects.values_list("provider__setting__name", flat=True))
    assert len(used) >= 3
    assert summary.part_time > 0 and summary.not_adding_up > 0
    assert summary.ended > 0 and summary.reintegrated > 0
    assert summary.reviews_overdue > 0 and summary.registers > 0
    seen = overview(coordinator, partnership, TODAY)
    running = ProvisionPlacement.objects.exclude(ends_on__lt=TODAY).count()
    assert sum(f.running for f in seen.by_provider) == running
    assert seen.not_adding_up and seen.overdue


def test_every_placement_is_dual_registered_without_overlaps(built):
    for p in ProvisionPlacement.objects.select_related("enrolment"):
        assert p.enrolment is not None and p.enrolment.setting_id == p.provider.setting_id
        assert p.enrolment.registration == Enrolment.Registration.SUBSIDIARY
    by_pupil: dict[int, list[Span]] = {}
    for e in Enrolment.objects.filter(pupil__provision_placements__isnull=False).distinct():
        by_pupil.setdefault(e.pupil_id, []).append(
            Span(e.start_date, e.end_date, e.registration, e.setting_id)
        )
    for spans in by_pupil.values():
        for i, span in enumerate(spans):
            assert enrolment_conflict(span, spans[:i] + spans[i + 1 :]) is None


def test_the_same_seed_builds_the_same_placements(built):
    assert ProvisionPlacement.objects.filter(ends_on__isnull=False).count() == built[2].ended


def test_the_first_provider_has_a_sign_in_whose_register_shows_its_placed_pupils(built, client):
    import time_machine
    from django.urls import reverse

    from knotwork.casework.tests.demo_fixtures import NOW
    from knotwork.directory.demo import DEMO_USERNAMES, demo_sign_ins

    assert DEMO_USERNAMES[-1] == "provider"
    user = User.objects.get(username="provider")
    # The demo's one password (the module's demo is hashed before the tests' fast hasher).
    assert user.password == User.objects.get(username="coordinator").password
    membership = user.memberships.get()
    first = ProviderProfile.objects.filter(setting__setting_type=Setting.Type.AP).order_by("pk")[0]
    assert membership.organisation_id == first.setting_id
    assert membership.role == "school_staff" and membership.can_edit
    listed = [s for s in demo_sign_ins() if s.username == "provider"]
    assert [(s.organisation, s.can_edit) for s in listed] == [(first.setting.name, True)]
    placed = set(
        ProvisionPlacement.objects.filter(provider=first, starts_on__lte=TODAY)
        .exclude(ends_on__lt=TODAY)
        .values_list("pupil_id", flat=True)
    )
    assert placed  # the demo places pupils with it
    with time_machine.travel(NOW, tick=False):
        client.force_login(user)
        url = reverse("attendance:provider-register", args=[first.setting.uuid])
        response = client.get(url, {"date": TODAY.isoformat()})
    assert response.status_code == 200
    shown = {row.enrolment.pupil_id for row in response.context["sheet"].rows}
    assert placed <= shown
