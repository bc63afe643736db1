"""The demo's referrals: to most of the agencies' services, every state there with its
timed events, CAMHS waiting longest, some declined and some overdue, and the assigned
practitioners' links made and ended as ``referral_services`` makes and ends them."""

from __future__ import annotations

import datetime
import itertools
import statistics
from collections import defaultdict

import pytest
from django.utils import timezone

from knotwork.accounts.models import Membership
from knotwork.casework import referral_rules
from knotwork.casework.models import AgencyService, Concern, Referral
from knotwork.casework.referral_access import SENDING_ROLES
from knotwork.casework.referral_services import assignable
from knotwork.casework.tests.demo_fixtures import TODAY, demo  # noqa: F401
from knotwork.directory.models import Agency, Organisation
from knotwork.pupils.models import Enrolment, PupilLink

pytestmark = pytest.mark.django_db
Status = Referral.Status


def referrals() -> list[Referral]:
    return list(
        Referral.objects.select_related("service", "to_organisation", "concern")
        .prefetch_related("events")
        .order_by("pk")
    )


def test_the_summary_counts_referrals_to_most_agencies_services(demo):  # noqa: F811
    found = referrals()
    assert demo.referrals.referrals == len(found) >= 30
    assert demo.referrals.services == AgencyService.objects.count() >= 15
    referred_to = {r.to_organisation_id for r in found}
    agencies = Agency.objects.count()
    assert len(referred_to & set(Agency.objects.values_list("pk", flat=True))) > agencies / 2
    assert Organisation.objects.get(kind="la_service").pk in referred_to
    assert demo.referrals.by_status == {s: sum(r.status == s for r in found) for s in Status.values}


def test_every_state_is_there_and_each_move_was_legal_and_timed(demo):  # noqa: F811
    found = referrals()
    assert {r.status for r in found} == set(Status.values)
    for r in found:
        events = list(r.events.all())
        moves = [e.status for e in events]
        assert moves[0] == Status.SENT and events[0].at == r.sent_at
        assert moves[-1] == r.status
        assert all(referral_rules.may_move(a, b) for a, b in itertools.pairwise(moves))
        assert [e.at for e in events] == sorted(e.at for e in events)
        assert events[-1].at <= timezone.now()
        assert r.version == len(events)
        answers = [e for e in events if e.status in (Status.ACCEPTED, Status.DECLINED)]
        assert (r.answered_at is None) == (not answers)
        if answers:
            assert answers[0].at == r.answered_at
        if r.status == Status.DECLINED:
            assert r.declined_reason
        if r.status == Status.CLOSED:
            assert r.close_reason and r.closed_at == events[-1].at
        if Status.STARTED in moves:
            assert r.started_on is not None
            assert timezone.localdate(r.sent_at) <= r.started_on <= TODAY


def test_camhs_waits_longest_and_some_referrals_are_overdue(demo):  # noqa: F811
    types = dict(Agency.objects.values_list("pk", "agency_type"))
    waits: dict[str, list[int]] = defaultdict(list)
    for r in referrals():
        if r.started_on is not None:
            kind = types.get(r.to_organisation_id, "la")
            waits[kind].append((r.started_on - timezone.localdate(r.sent_at)).days)
    camhs = statistics.median(waits.pop(Agency.Type.CAMHS))
    assert waits and camhs > max(statistics.median(days) for days in waits.values())
    assert camhs >= 60  # months, not weeks
    overdue = [
        r
        for r in referrals()
        if referral_rules.is_overdue(
            status=r.status,
            sent_on=timezone.localdate(r.sent_at),
            today=TODAY,
            target_days=r.service.target_days,
        )
    ]
    assert len(overdue) == demo.referrals.overdue > 0
    assert all(r.status == Status.SENT for r in overdue)


def test_senders_and_answerers_are_who_the_services_allow(demo):  # noqa: F811
    for r in referrals():
        sent_on = timezone.localdate(r.sent_at)
        assert Membership.objects.filter(
            user=r.basis_decided_by, organisation=r.from_organisation, role__in=SENDING_ROLES
        ).exists()
        if r.from_organisation.kind == Organisation.Kind.SETTING:
            assert (
                Enrolment.objects.current(sent_on)
                .filter(pupil=r.pupil, setting_id=r.from_organisation_id)
                .exists()
            )
        assert Membership.objects.filter(
            user=r.sent_by, organisation=r.from_organisation, can_edit=True
        ).exists()
        for event in r.events.all():
            if event.status == Status.SENT or (event.status == Status.CLOSED and not r.answered_at):
                assert event.by_id == r.sent_by_id
            else:
                assert Membership.objects.filter(
                    user_id=event.by_id, organisation_id=r.to_organisation_id, can_edit=True
                ).exists()
        if r.assigned_to is not None:
            assert r.assigned_to in assignable(r)


def test_practitioners_links_follow_their_referrals(demo):  # noqa: F811
    links = {
        (link.pupil_id, link.user_id): link
        for link in PupilLink.objects.filter(reason=PupilLink.Reason.REFERRAL)
    }
    backed = set()
    for r in referrals():
        link = links.get((r.pupil_id, r.assigned_to_id))
        if r.answered_at is None or r.status == Status.DECLINED:
            assert r.assigned_to_id is None
            continue
        accepted_on = timezone.localdate(r.answered_at)
        if r.status == Status.CLOSED:
            ends = timezone.localdate(r.closed_at) - datetime.timedelta(days=1)
            if ends < accepted_on:
                assert link is None
                continue
            assert link is not None and link.ends_on == ends
        else:
            assert link is not None and link.ends_on is None
            assert PupilLink.objects.current(TODAY).filter(pk=link.pk).exists()
        assert link.starts_on == accepted_on
        assert link.lawful_basis == r.lawful_basis
        if link.lawful_basis != PupilLink.LawfulBasis.CONSENT:
            assert r.basis_note
        backed.add(link.pk)
    assert backed == {link.pk for link in links.values()}
    assert demo.referrals.links == len(backed) > 0


def test_some_concerns_became_referrals(demo):  # noqa: F811
    from_concerns = [r for r in referrals() if r.concern is not None]
    assert len(from_concerns) == demo.referrals.from_concerns > 0
    for r in from_concerns:
        assert r.concern.status == Concern.Status.REFERRED
        assert r.concern.pupil_id == r.pupil_id
        assert r.concern.acted_at == r.sent_at
        assert r.concern.raised_at <= r.sent_at
        assert r.concern.fired_on <= timezone.localdate(r.sent_at)
