"""The access rule, role by role (a matrix over the named cast)."""

import datetime

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404

from knotwork.accounts.models import Membership, Role
from knotwork.core.testing import make_pupil, make_setting, make_user
from knotwork.pupils.access import (
    Access,
    get_pupil_for_user,
    pupil_access,
    sees_roll_of,
    visible_among,
    visible_pupils,
)
from knotwork.pupils.models import Enrolment, PupilLink

pytestmark = pytest.mark.django_db
D = datetime.date


def names(queryset):
    return {p.legal_forename for p in queryset}


@pytest.mark.parametrize(
    ("who", "sees", "edits"),
    [
        ("officer", {"Amira", "Liam"}, {"Amira", "Liam"}),
        ("head_of_year", {"Amira", "Liam"}, set()),
        ("caseworker", {"Liam"}, set()),
        ("outsider", {"Bea"}, {"Bea"}),
        ("coordinator", {"Amira", "Liam", "Bea"}, {"Amira", "Liam", "Bea"}),
        ("board_member", set(), set()),
        ("admin", set(), set()),
    ],
)
def test_each_role_sees_and_edits_exactly_its_pupils(cast, who, sees, edits):
    user = getattr(cast, who)
    assert names(visible_pupils(user)) == sees
    assert names(visible_pupils(user, for_edit=True)) == edits
    for pupil in (cast.pupil_a, cast.linked_pupil, cast.pupil_b):
        expected = (
            Access.EDIT
            if pupil.legal_forename in edits
            else Access.READ
            if pupil.legal_forename in sees
            else Access.NONE
        )
        assert pupil_access(user, pupil) == expected


def test_signed_out_sees_nothing(cast):
    assert not visible_pupils(AnonymousUser()).exists()


def test_an_inactive_user_sees_nothing(cast):
    cast.officer.is_active = False
    cast.officer.save()
    assert not visible_pupils(cast.officer).exists()


def test_staff_stop_seeing_a_pupil_who_has_left(cast):
    Enrolment.objects.filter(pupil=cast.pupil_a).update(end_date=D(2025, 7, 22))
    assert cast.pupil_a not in visible_pupils(cast.officer, D(2025, 9, 3))
    assert cast.pupil_a in visible_pupils(cast.officer, D(2025, 7, 22))


def test_staff_do_not_see_a_pupil_before_they_join(cast):
    newcomer = make_pupil(setting=cast.school_a, enrolled_on=D(2027, 1, 4))
    assert newcomer not in visible_pupils(cast.officer, D(2026, 12, 18))
    assert newcomer in visible_pupils(cast.officer, D(2027, 1, 4))


def test_a_practitioners_link_ends(cast):
    PupilLink.objects.filter(user=cast.caseworker).update(ends_on=D(2026, 3, 31))
    assert cast.linked_pupil in visible_pupils(cast.caseworker, D(2026, 3, 31))
    assert not visible_pupils(cast.caseworker, D(2026, 4, 1)).exists()


def test_a_link_gives_nothing_without_the_practitioner_role(cast):
    PupilLink.objects.create(
        pupil=cast.pupil_b,
        user=cast.head_of_year,
        reason="case",
        lawful_basis="consent",
        starts_on=D(2025, 1, 1),
    )
    assert cast.pupil_b not in visible_pupils(cast.head_of_year)


def test_coordinators_do_not_see_settings_outside_their_partnerships(cast):
    elsewhere = make_setting(name="Far Away School")
    stranger = make_pupil(setting=elsewhere)
    assert stranger not in visible_pupils(cast.coordinator)


def test_dual_registered_pupil_is_seen_at_both_settings(cast):
    Enrolment.objects.filter(pupil=cast.pupil_b).update(registration="M")
    Enrolment.objects.create(
        pupil=cast.pupil_b, setting=cast.school_a, start_date=D(2025, 1, 6), registration="S"
    )
    assert cast.pupil_b in visible_pupils(cast.officer)
    assert cast.pupil_b in visible_pupils(cast.outsider)


def test_a_second_membership_adds_its_pupils(cast):
    Membership.objects.create(
        user=cast.head_of_year, organisation=cast.school_b, role=Role.SCHOOL_STAFF
    )
    assert names(visible_pupils(cast.head_of_year)) == {"Amira", "Liam", "Bea"}


def test_visible_pupils_has_no_duplicates(cast):
    Enrolment.objects.create(
        pupil=cast.pupil_a,
        setting=cast.school_a,
        start_date=D(2020, 9, 1),
        end_date=D(2021, 7, 20),
    )
    assert visible_pupils(cast.coordinator).filter(pk=cast.pupil_a.pk).count() == 1


def test_get_pupil_for_user_is_404_for_outsiders_and_unknown_ids(cast):
    import uuid

    with pytest.raises(Http404):
        get_pupil_for_user(cast.outsider, cast.pupil_a.uuid)
    with pytest.raises(Http404):
        get_pupil_for_user(cast.officer, uuid.uuid4())


def test_get_pupil_for_user_is_403_for_read_only_writes(cast):
    assert get_pupil_for_user(cast.head_of_year, cast.pupil_a.uuid) == cast.pupil_a
    with pytest.raises(PermissionDenied):
        get_pupil_for_user(cast.head_of_year, cast.pupil_a.uuid, write=True)
    assert get_pupil_for_user(cast.officer, cast.pupil_a.uuid, write=True) == cast.pupil_a


def test_board_member_cannot_be_given_edit_rights(cast):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.filter(user=cast.board_member).update(can_edit=True)


def test_a_user_with_no_membership_sees_nothing(cast):
    assert not visible_pupils(make_user("newcomer")).exists()


def test_visible_settings_follow_memberships_and_links(cast):
    from knotwork.pupils.access import visible_settings

    def setting_names(user):
        return [s.name for s in visible_settings(user)]

    assert setting_names(cast.officer) == ["Ashdown Academy"]
    assert setting_names(cast.coordinator) == ["Ashdown Academy", "Beacon High School"]
    assert setting_names(cast.caseworker) == ["Ashdown Academy"]
    assert setting_names(cast.board_member) == []
    assert setting_names(AnonymousUser()) == []


CAST = ("officer", "head_of_year", "caseworker", "outsider", "coordinator", "board_member", "admin")


@pytest.mark.parametrize("who", CAST)
@pytest.mark.parametrize("on", [D(2025, 9, 3), D(2026, 3, 31), D(2026, 4, 1), D(2026, 11, 23)])
def test_visible_among_agrees_with_visible_pupils(cast, who, on):
    """The same rule asked of given pupils: left, joined later, links ended, two rolls."""
    Enrolment.objects.filter(pupil=cast.pupil_a).update(end_date=D(2026, 3, 31))
    PupilLink.objects.filter(user=cast.caseworker).update(ends_on=D(2026, 3, 31))
    newcomer = make_pupil(setting=cast.school_b, enrolled_on=D(2026, 4, 1))
    Enrolment.objects.create(pupil=newcomer, setting=cast.school_a, start_date=D(2026, 9, 1))
    everyone = [cast.pupil_a.pk, cast.linked_pupil.pk, cast.pupil_b.pk, newcomer.pk]
    user = getattr(cast, who)
    for for_edit in (False, True):
        expected = set(visible_pupils(user, on, for_edit=for_edit).values_list("pk", flat=True))
        assert visible_among(user, everyone, on, for_edit=for_edit) == expected
        assert visible_among(user, everyone[:2], on, for_edit=for_edit) == expected & set(
            everyone[:2]
        )


def test_visible_among_asks_nothing_of_no_pupils_and_nothing_for_the_signed_out(cast):
    assert visible_among(cast.officer, []) == set()
    assert visible_among(AnonymousUser(), [cast.pupil_a.pk]) == set()


@pytest.mark.parametrize("who", CAST)
def test_whoever_sees_a_settings_roll_sees_every_pupil_on_it(cast, who):
    user = getattr(cast, who)
    for setting in (cast.school_a, cast.school_b):
        on_roll = set(
            Enrolment.objects.current(D(2026, 11, 23))
            .filter(setting=setting)
            .values_list("pupil_id", flat=True)
        )
        visible = set(visible_pupils(user, D(2026, 11, 23)).values_list("pk", flat=True))
        if sees_roll_of(user, setting):
            assert on_roll <= visible
        editable = set(
            visible_pupils(user, D(2026, 11, 23), for_edit=True).values_list("pk", flat=True)
        )
        if sees_roll_of(user, setting, for_edit=True):
            assert on_roll <= editable


def test_the_roll_is_seen_by_its_staff_and_the_partnership_only(cast):
    assert sees_roll_of(cast.officer, cast.school_a, for_edit=True)
    assert sees_roll_of(cast.head_of_year, cast.school_a)
    assert not sees_roll_of(cast.head_of_year, cast.school_a, for_edit=True)
    assert not sees_roll_of(cast.head_of_year, cast.school_b)
    assert sees_roll_of(cast.coordinator, cast.school_b)
    for who in ("caseworker", "board_member", "admin"):
        assert not sees_roll_of(getattr(cast, who), cast.school_a)
    assert not sees_roll_of(AnonymousUser(), cast.school_a)


CONSENT_STATES = (
    "live",
    "withdrawn",
    "expired",
    "not_yet_given",
    "other_organisation",
    "decision_instead",
    "public_task_without_consent",
)


def _put_consent_in(cast, state):
    from knotwork.casework.consent_models import ConsentRecord, SharingDecision
    from knotwork.core.testing import make_agency

    consent = ConsentRecord.objects.filter(pupil=cast.linked_pupil)
    if state == "withdrawn":
        consent.update(withdrawn_on=D(2026, 3, 1), withdrawal_recorded_by=cast.officer)
    elif state == "expired":
        consent.update(expires_on=D(2026, 3, 31))
    elif state == "not_yet_given":
        consent.update(given_on=D(2026, 4, 1))
    elif state == "other_organisation":
        consent.update(organisation=make_agency(name="Youth Offending Team"))
    elif state == "decision_instead":
        consent.delete()
        SharingDecision.objects.create(
            pupil=cast.linked_pupil,
            organisation=cast.camhs,
            lawful_basis="public_task",
            special_condition="sch1_18",
            decided_by=cast.officer,
            decided_by_role="Designated safeguarding lead",
            reason="Safeguarding",
            starts_on=D(2025, 9, 1),
            ends_on=D(2026, 3, 31),
            shares_behaviour=True,
            recorded_by=cast.officer,
        )
    elif state == "public_task_without_consent":
        consent.delete()
        PupilLink.objects.filter(user=cast.caseworker).update(lawful_basis="public_task")


@pytest.mark.parametrize("who", CAST)
@pytest.mark.parametrize("state", CONSENT_STATES)
def test_visible_among_agrees_with_visible_pupils_in_every_consent_state(cast, who, state):
    """The caseworker's consent link, live, withdrawn, expired, not yet given, for another
    organisation, replaced by a decision to share, or a link on another basis: both shapes
    of the rule agree, and a pupil is seen exactly when some section of them is."""
    from knotwork.pupils.access import pupil_sections

    _put_consent_in(cast, state)
    user = getattr(cast, who)
    everyone = [cast.pupil_a.pk, cast.linked_pupil.pk, cast.pupil_b.pk]
    pupils = {p.pk: p for p in (cast.pupil_a, cast.linked_pupil, cast.pupil_b)}
    for on in (D(2025, 9, 3), D(2026, 3, 31), D(2026, 4, 1), D(2026, 11, 23)):
        expected = set(visible_pupils(user, on).values_list("pk", flat=True))
        assert visible_among(user, everyone, on) == expected
        assert {pk for pk in everyone if pupil_sections(user, pupils[pk], on)} == expected


@pytest.mark.parametrize(
    ("state", "sees_on"),
    [
        ("live", {D(2025, 9, 3), D(2026, 3, 31), D(2026, 4, 1), D(2026, 11, 23)}),
        ("withdrawn", {D(2025, 9, 3)}),
        ("expired", {D(2025, 9, 3), D(2026, 3, 31)}),
        ("not_yet_given", {D(2026, 4, 1), D(2026, 11, 23)}),
        ("other_organisation", set()),
        ("decision_instead", {D(2025, 9, 3), D(2026, 3, 31)}),
        (
            "public_task_without_consent",
            {D(2025, 9, 3), D(2026, 3, 31), D(2026, 4, 1), D(2026, 11, 23)},
        ),
    ],
)
def test_the_caseworker_sees_the_linked_pupil_only_while_the_basis_holds(cast, state, sees_on):
    _put_consent_in(cast, state)
    days = (D(2025, 9, 3), D(2026, 3, 31), D(2026, 4, 1), D(2026, 11, 23))
    seen = {on for on in days if visible_pupils(cast.caseworker, on).exists()}
    assert seen == sees_on
