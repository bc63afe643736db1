"""Placing a pupil with a provider, changing, reviewing and ending the placement."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from knotwork.behaviour.models import Exclusion
from knotwork.core.models import AuditEntry
from knotwork.placements.provision_models import ProviderProfile, ProvisionPlacement
from knotwork.placements.provision_services import (
    provider_profile_save,
    provision_end,
    provision_review_hold,
    provision_update,
)
from knotwork.placements.tests.provision_helpers import place, provision_world  # noqa: F401
from knotwork.pupils.access import visible_among, visible_pupils
from knotwork.pupils.models import Enrolment

pytestmark = pytest.mark.django_db
D = datetime.date


def test_placing_keeps_the_pupil_on_the_home_roll_and_dual_registers_them(world):
    placement = place(world)
    pupil = world.cast.pupil_a
    home = Enrolment.objects.get(pupil=pupil, setting=world.cast.school_a)
    assert home.registration == Enrolment.Registration.MAIN and home.end_date is None
    assert placement.enrolment.setting == world.ap
    assert placement.enrolment.registration == Enrolment.Registration.SUBSIDIARY
    assert placement.enrolment.start_date == D(2026, 11, 9)
    assert placement.home_setting == world.cast.school_a
    assert placement.partnership == world.cast.partnership
    assert not placement.full_time and placement.sessions_per_week == 5
    actions = set(
        AuditEntry.objects.filter(pupil=pupil).values_list("action", "object_type", "what")
    )
    assert ("create", "placements.provisionplacement", "") in actions
    assert ("update", "pupils.enrolment", "registration") in actions
    assert ("create", "pupils.enrolment", "") in actions


def test_the_providers_staff_see_the_pupil_while_placed_and_not_after(world):
    placement = place(world)
    pupil = world.cast.pupil_a
    assert visible_pupils(world.tutor).filter(pk=pupil.pk).exists()
    assert visible_among(world.reader, [pupil.pk]) == {pupil.pk}
    assert world.cast.pupil_b.pk not in visible_among(world.tutor, [world.cast.pupil_b.pk])
    provision_end(
        actor=world.cast.officer,
        placement=placement,
        ends_on=D(2026, 11, 20),
        outcome=ProvisionPlacement.Outcome.REINTEGRATED,
    )
    placement.refresh_from_db()
    assert placement.enrolment.end_date == D(2026, 11, 20)
    assert not visible_pupils(world.tutor).filter(pk=pupil.pk).exists()
    # Still on the home school's roll.
    assert visible_pupils(world.cast.officer).filter(pk=pupil.pk).exists()


def test_reviews_are_due_at_each_half_term_end_to_the_planned_return(world):
    placement = place(world)
    assert list(placement.reviews.values_list("due_on", flat=True)) == [
        D(2026, 12, 18),
        D(2027, 2, 12),
        D(2027, 3, 26),
    ]


def test_without_a_planned_return_reviews_run_to_the_end_of_the_school_year(world):
    placement = place(world, planned_reintegration_on=None)
    assert placement.reviews.count() == 5  # autumn 2 to summer 2


def test_moving_the_planned_return_later_adds_the_reviews_it_needs(world):
    placement = place(world)
    provision_update(
        actor=world.cast.officer,
        placement=placement,
        expected_version=1,
        planned_reintegration_on=D(2027, 5, 1),
    )
    assert placement.reviews.count() == 4
    entry = AuditEntry.objects.filter(object_id=str(placement.uuid), action="update").get()
    assert entry.what == "planned_reintegration_on"


def test_a_change_made_meanwhile_is_not_overwritten(world):
    placement = place(world)
    provision_update(actor=world.cast.officer, placement=placement, timetable="P" * 10)
    with pytest.raises(ValidationError, match="Someone else changed"):
        provision_update(
            actor=world.cast.officer, placement=placement, expected_version=1, plan_targets="x"
        )


def test_the_provider_may_change_the_plan_but_a_reader_may_not(world):
    placement = place(world)
    provision_update(actor=world.tutor, placement=placement, plan_targets="Read daily")
    assert ProvisionPlacement.objects.get().plan_targets == "Read daily"
    with pytest.raises(PermissionDenied):
        provision_update(actor=world.reader, placement=placement, plan_targets="No")
    with pytest.raises(PermissionDenied):
        provision_update(actor=world.cast.head_of_year, placement=placement, plan_targets="No")


def test_a_school_cannot_place_another_schools_pupil(world):
    with pytest.raises(PermissionDenied):
        place(world, actor=world.cast.outsider)
    assert not ProvisionPlacement.objects.exists()


def test_a_pru_placement_is_with_a_pru(world):
    with pytest.raises(ValidationError) as caught:
        place(world, kind="pru")
    assert "provider" in caught.value.message_dict
    assert place(world, kind="pru", provider=world.bridge).provider == world.bridge


def test_a_timetable_must_be_ten_sessions(world):
    with pytest.raises(ValidationError) as caught:
        place(world, timetable="PPP")
    assert "timetable" in caught.value.message_dict
    assert not ProvisionPlacement.objects.exists()


def _exclusion(world, kind):
    enrolment = Enrolment.objects.get(pupil=world.cast.pupil_a)
    return Exclusion.objects.create(
        pupil=world.cast.pupil_a,
        enrolment=enrolment,
        kind=kind,
        start_date=D(2026, 11, 2),
        sessions=20 if kind == "suspension" else None,
        reason_1="PP",
        decided_by="The head",
        recorded_by=world.cast.officer,
    )


def test_day_six_provision_names_its_exclusion_and_is_noted_on_it(world):
    suspension = _exclusion(world, Exclusion.Kind.SUSPENSION)
    placement = place(
        world,
        kind="day6_suspension",
        exclusion=suspension,
        timetable="P" * 10,
        starts_on=D(2026, 11, 9),
        planned_reintegration_on=D(2026, 11, 16),
    )
    suspension.refresh_from_db()
    assert placement.exclusion == suspension
    assert suspension.provision_from == D(2026, 11, 9)
    assert suspension.provision_by == Exclusion.ProvisionBy.SCHOOL
    assert suspension.provision_where == "Riverside Alternative Provision"
    assert suspension.version == 2
    assert AuditEntry.objects.filter(object_id=str(suspension.uuid), what="provision").exists()


def test_day_six_provision_needs_the_right_kind_of_exclusion(world):
    suspension = _exclusion(world, Exclusion.Kind.SUSPENSION)
    with pytest.raises(ValidationError) as caught:
        place(world, kind="day6_permanent", exclusion=suspension, timetable="P" * 10)
    assert "exclusion" in caught.value.message_dict
    with pytest.raises(ValidationError):
        place(world, kind="day6_suspension", exclusion=None, timetable="P" * 10)
    with pytest.raises(ValidationError):
        place(world, kind="ap", exclusion=suspension)


def test_a_part_time_day_six_timetable_is_kept_but_flagged(world):
    """The law asks for full-time education; the placement is recorded as it is and the
    page says so (``provision_rules.timetable_check``)."""
    suspension = _exclusion(world, Exclusion.Kind.SUSPENSION)
    placement = place(world, kind="day6_suspension", exclusion=suspension, timetable="PPPPPPPP--")
    assert placement.timetable == "PPPPPPPP--"


def test_holding_a_review_records_who_and_what_progress(world):
    placement = place(world)
    review = placement.reviews.first()
    provision_review_hold(
        actor=world.tutor, review=review, held_on=D(2026, 11, 23), progress="some", notes="Good"
    )
    review.refresh_from_db()
    assert (review.held_on, review.progress, review.held_by) == (
        D(2026, 11, 23),
        "some",
        world.tutor,
    )
    assert AuditEntry.objects.filter(object_id=str(review.uuid), action="update").exists()
    with pytest.raises(ValidationError):
        provision_review_hold(
            actor=world.tutor, review=review, held_on=D(2026, 12, 1), progress="some"
        )


def test_ending_drops_the_reviews_not_needed(world):
    placement = place(world)
    provision_end(
        actor=world.cast.officer, placement=placement, ends_on=D(2026, 11, 23), outcome="broke_down"
    )
    assert placement.reviews.count() == 0
    with pytest.raises(ValidationError, match="already ended"):
        provision_end(
            actor=world.cast.officer, placement=placement, ends_on=D(2026, 11, 23), outcome="stayed"
        )


def test_an_existing_registration_at_the_provider_is_used(world):
    Enrolment.objects.filter(pupil=world.cast.pupil_a).update(registration="M")
    existing = Enrolment.objects.create(
        pupil=world.cast.pupil_a, setting=world.ap, start_date=D(2026, 9, 7), registration="S"
    )
    assert place(world).enrolment == existing


def test_the_coordinator_keeps_the_providers_record_and_a_school_may_not(world):
    profile = provider_profile_save(
        actor=world.cast.coordinator,
        setting=world.ap,
        cost_per_day=Decimal("99.50"),
        registration="independent",
        ofsted="good",
    )
    assert profile == world.riverside and ProviderProfile.objects.get(
        pk=profile.pk
    ).cost_per_day == Decimal("99.50")
    assert AuditEntry.objects.filter(object_id=str(profile.uuid), what="cost_per_day").exists()
    with pytest.raises(PermissionDenied):
        provider_profile_save(actor=world.cast.officer, setting=world.ap, cost_per_day=Decimal(1))
    with pytest.raises(ValidationError):
        provider_profile_save(
            actor=world.cast.coordinator, setting=world.cast.school_a, cost_per_day=Decimal(1)
        )
