"""The demo's cases: open cases in proportion to the pupils, each with its assessment,
team across agencies, lead, outcomes, plan and moving scaling; closed cases with their
reasons and before/after measures; caseloads varied with one over the limit; and the
team's links kept as ``case_services`` keeps them."""

from __future__ import annotations

import datetime
import random
from collections import Counter

import pytest
from django.db.models import Q
from django.utils import timezone

from knotwork.accounts.models import Membership, Role
from knotwork.casework.case_models import Case, CaseMeasure, PlanAction
from knotwork.casework.case_queries import caseload_cases, lead_candidates, measure_value
from knotwork.casework.case_rules import measure_windows
from knotwork.casework.case_services import LEAD_ROLE
from knotwork.casework.demo_cases import caseload_plan, open_case_count
from knotwork.casework.models import Concern, Referral
from knotwork.casework.tests.demo_fixtures import LIMIT, PUPILS, TODAY, demo  # noqa: F401
from knotwork.core.models import AuditEntry
from knotwork.pupils.models import Enrolment, PupilLink

pytestmark = pytest.mark.django_db


def cases(**filters: object) -> list[Case]:
    return list(
        Case.objects.filter(**filters)
        .select_related("lead", "referral", "concern")
        .prefetch_related("members", "actions", "reviews", "outcomes", "measures")
        .order_by("pk")
    )


def test_open_cases_are_in_proportion_and_some_are_closed(demo):  # noqa: F811
    open_cases = cases(status=Case.Status.OPEN)
    closed = cases(status=Case.Status.CLOSED)
    assert len(open_cases) == demo.cases.open == open_case_count(PUPILS) == 10
    assert len(closed) == demo.cases.closed > 0
    assert open_case_count(6000) in range(40, 61)
    assert 1000 <= open_case_count(130_000) <= 1200
    assert len({c.pupil_id for c in open_cases + closed}) == len(open_cases) + len(closed)
    for case in closed:
        assert case.closure_reason and case.exit_summary
        assert case.opened_on < case.closed_on < TODAY


def test_each_case_has_its_assessment_team_outcomes_plan_and_reviews(demo):  # noqa: F811
    moved = overdue = 0
    for case in cases():
        assert (
            Enrolment.objects.current(case.opened_on)
            .filter(pupil_id=case.pupil_id, setting_id=case.setting_id)
            .exists()
        )
        assert case.development_needs and case.family_strengths and case.common_approach
        assert len(case.outcomes.all()) >= 2
        members = list(case.members.all())
        assert {m.role for m in members if m.user_id == case.lead_id} >= {LEAD_ROLE}
        assert len({m.organisation_id for m in members}) >= 2  # across organisations
        assert lead_candidates(case.setting).filter(pk=case.lead_id).exists()
        actions = list(case.actions.all())
        assert 3 <= len(actions) <= 6
        team = {m.user_id for m in members if m.user_id}
        assert all(a.owner_id in team if a.owner_id else a.owner_name for a in actions)
        overdue += sum(a.status in PlanAction.OUTSTANDING and a.due_on < TODAY for a in actions)
        end = case.closed_on or TODAY
        reviews = sorted(case.reviews.all(), key=lambda r: r.held_on)
        assert all(case.opened_on <= r.held_on <= end for r in reviews)
        assert all(1 <= r.scale_now <= 10 and r.child_view for r in reviews)
        moved += len({r.scale_now for r in reviews}) > 1
    assert moved > 0 and overdue == demo.cases.overdue_actions > 0


def test_records_are_timed_on_the_days_they_happened(demo):  # noqa: F811
    for case in cases():
        assert timezone.localdate(case.created_at) == case.opened_on
        for event in case.events.all():
            assert timezone.localdate(event.at) == event.on
        for review in case.reviews.all():
            assert timezone.localdate(review.recorded_at) == review.held_on
        for action in case.actions.all():
            assert timezone.localdate(action.created_at) == case.opened_on
            assert action.updated_at <= timezone.now()


def test_caseloads_are_varied_with_one_over_the_limit(demo):  # noqa: F811
    loads = Counter(
        Case.objects.filter(status=Case.Status.OPEN).values_list("lead__username", flat=True)
    )
    assert loads == Counter(demo.cases.caseloads)
    assert demo.cases.limit == LIMIT
    assert sum(n > LIMIT for n in loads.values()) == 1
    assert min(loads.values()) < LIMIT / 2
    assert loads["camhs"] == round(LIMIT * 0.6)  # the demo's practitioner sign-in


def test_the_caseload_plan_puts_one_or_two_over_the_limit():
    rng = random.Random(3)
    for open_cases, limit, over in ((50, 20, 1), (1083, 20, 2), (10, 5, 1), (8, 20, 0)):
        plan = caseload_plan(open_cases, limit, rng)
        assert sum(plan) == open_cases
        assert sum(n > limit for n in plan) == over
        assert plan[0] == min(open_cases, round(limit * 0.6))


def test_team_links_follow_membership(demo):  # noqa: F811
    practitioners = set(
        Membership.objects.filter(role=Role.AGENCY_PRACTITIONER).values_list("user_id", flat=True)
    )
    linked = set()
    for case in cases():
        for m in case.members.all():
            if case.closed_on is not None:
                assert m.ends_on is not None and m.ends_on <= case.closed_on
            if m.user_id in practitioners:
                link = PupilLink.objects.get(pk=m.link_id)
                assert (link.pupil_id, link.user_id) == (case.pupil_id, m.user_id)
                assert link.reason == PupilLink.Reason.CASE
                assert link.lawful_basis == case.lawful_basis
                assert (link.starts_on, link.ends_on) == (m.starts_on, m.ends_on)
                linked.add(link.pk)
            else:
                assert m.link_id is None
    assert linked == set(
        PupilLink.objects.filter(reason=PupilLink.Reason.CASE).values_list("pk", flat=True)
    )
    assert caseload_cases(Case.objects.filter(lead__username="camhs").first().lead).count()


def test_the_demo_writes_no_audit_row_in_anyones_name(demo):  # noqa: F811
    # Bar the trail of the one past break-glass use, which the demo's privacy records hold.
    named = AuditEntry.objects.exclude(actor=None)
    assert set(named.values_list("object_type", "actor__username")) == {
        ("privacy.breakglass", "camhs")
    }
    assert set(AuditEntry.objects.values_list("what", flat=True)) <= {
        "concern raised by trigger point",
        "break glass opened",
        "profile, break glass",
    }


def test_some_cases_came_from_referrals_and_concerns(demo):  # noqa: F811
    from_referrals = cases(referral__isnull=False)
    assert len(from_referrals) == demo.cases.from_referrals > 0
    for case in from_referrals:
        assert case.referral.pupil_id == case.pupil_id
        assert case.referral.answered_at.date() <= case.opened_on + datetime.timedelta(days=1)
        assert case.referral.status in (
            Referral.Status.ACCEPTED,
            Referral.Status.WAITING,
            Referral.Status.STARTED,
        )
    from_concerns = cases(concern__isnull=False)
    assert len(from_concerns) == demo.cases.from_concerns > 0
    for case in from_concerns:
        assert case.concern.status == Concern.Status.CASE_OPENED
        assert case.concern.pupil_id == case.pupil_id
        assert case.concern.fired_on <= case.opened_on


def test_measures_read_as_the_case_services_read_them(demo):  # noqa: F811
    read = 0
    for case in cases():
        kinds = sorted(m.kind for m in case.measures.all())
        assert kinds == sorted(CaseMeasure.Kind.values)
        for m in case.measures.all():
            m.case = case
            windows = measure_windows(m.starts_on, m.weeks, case.closed_on)
            if m.kind != CaseMeasure.Kind.SCALING or m.read_at is not None:
                expected = measure_value(m, windows.before_first, windows.before_last, before=True)
                assert m.before == expected, (case.pk, m.kind)
            if m.read_at is None:
                assert case.closed_on is None and windows.after_last >= TODAY
                continue
            read += 1
            assert m.after_to == windows.after_last
            after = measure_value(m, windows.after_first, windows.after_last, before=False)
            assert m.after == after, (case.pk, m.kind)
    assert read == demo.cases.measures_read > 0
    closed = CaseMeasure.objects.filter(case__status=Case.Status.CLOSED)
    assert closed.exists() and not closed.filter(Q(read_at__isnull=True)).exists()
    assert closed.filter(kind="attendance", before__isnull=False, after__isnull=False).exists()
