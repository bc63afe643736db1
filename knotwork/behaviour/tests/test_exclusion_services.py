"""Issuing suspensions and permanent exclusions and recording what follows: each service
access-checked, validated, atomic and audited; a permanently excluded pupil comes off
roll through ``pupils.services.enrolment_end`` on the right day."""

import datetime

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from knotwork.behaviour.exclusion_services import (
    StaleExclusion,
    board_outcome_record,
    exclusion_cancel,
    exclusion_notice_record,
    exclusion_off_roll,
    permanent_exclusion_issue,
    provision_arrange,
    review_outcome_record,
    suspension_issue,
)
from knotwork.behaviour.models import Exclusion
from knotwork.behaviour.testing import make_exclusion
from knotwork.core.models import AuditEntry
from knotwork.core.testing import add_academic_year, make_setting
from knotwork.directory.models import PartnershipMember
from knotwork.pupils.models import Enrolment
from knotwork.termdates.models import Closure

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(datetime.datetime(2026, 11, 24, 10, 0), tick=False):
        yield


def enrolment(cast, pupil=None):
    """The pupil's enrolment at School A (or at their school, for another pupil)."""
    pupil = pupil or cast.pupil_a
    return pupil.enrolments.select_related("setting").order_by("-start_date").first()


def suspend(cast, **overrides):
    values = {
        "actor": cast.officer,
        "pupil": cast.pupil_a,
        "enrolment": enrolment(cast),
        "start_date": D(2026, 11, 23),
        "start_half": "AM",
        "sessions": 4,
        "reasons": ["PP", "VA"],
        "decided_by": "Ms Head, headteacher",
        "parents_told_on": D(2026, 11, 20),
        "parents_told_how": "phone",
    }
    values.update(overrides)
    return suspension_issue(**values)


def exclude(cast, **overrides):
    values = {
        "actor": cast.officer,
        "pupil": cast.pupil_a,
        "enrolment": enrolment(cast),
        "start_date": D(2026, 11, 2),
        "start_half": "AM",
        "reasons": ["PA"],
        "decided_by": "Ms Head, headteacher",
    }
    values.update(overrides)
    return permanent_exclusion_issue(**values)


def errors_of(excinfo):
    return excinfo.value.message_dict


# --- issuing ------------------------------------------------------------------------------


def test_it_records_a_suspension_and_audits_it(cast):
    x = suspend(cast)
    x.refresh_from_db()
    assert (x.kind, x.start_date, x.sessions, x.reasons) == (
        "suspension",
        D(2026, 11, 23),
        4,
        ["PP", "VA"],
    )
    assert (x.parents_told_on, x.parents_told_how, x.recorded_by) == (
        D(2026, 11, 20),
        "phone",
        cast.officer,
    )
    entry = AuditEntry.objects.get(action="create", object_id=str(x.uuid))
    assert (entry.actor, entry.pupil, entry.what) == (cast.officer, cast.pupil_a, "suspension")


def test_a_suspension_may_start_on_a_friday_afternoon(cast):
    x = suspend(cast, start_date=D(2026, 11, 20), start_half="PM", sessions=1)
    assert (x.start_half, x.days) == ("PM", 0.5)


@pytest.mark.parametrize(
    ("start", "half", "says"),
    [
        (D(2026, 11, 21), "AM", "not open to pupils on the morning of Saturday 21 November 2026"),
        (D(2026, 10, 28), "AM", "not open to pupils on the morning of Wednesday 28 October 2026"),
        (D(2027, 9, 6), "AM", "has no term dates for 2027/28"),
    ],
)
def test_it_refuses_a_start_that_is_not_a_school_session(cast, start, half, says):
    with pytest.raises(ValidationError) as excinfo:
        suspend(cast, start_date=start, start_half=half)
    assert says in errors_of(excinfo)["start_date"][0]
    assert not Exclusion.objects.exists()


def test_it_refuses_the_afternoon_of_a_half_day_closure(cast):
    year = cast.school_a.calendar.years.get(start_year=2026)
    Closure.objects.create(academic_year=year, date=D(2026, 11, 18), part="PM", kind="planned")
    with pytest.raises(ValidationError) as excinfo:
        suspend(cast, start_date=D(2026, 11, 18), start_half="PM")
    assert "afternoon of Wednesday 18 November 2026" in errors_of(excinfo)["start_date"][0]
    assert suspend(cast, start_date=D(2026, 11, 18), start_half="AM", sessions=1).pk


@pytest.mark.parametrize(
    ("reasons", "start", "says"),
    [
        ([], D(2026, 11, 23), "Choose at least one reason."),
        (["PP", "PP"], D(2026, 11, 23), "Choose each reason once."),
        (["PP", "VA", "DB", "TH"], D(2026, 11, 23), "at most 3 reasons"),
        (["OT"], D(2026, 11, 23), "OT is not in the census list from 2020/21."),
    ],
)
def test_it_refuses_reasons_wrong_for_the_date(cast, reasons, start, says):
    with pytest.raises(ValidationError) as excinfo:
        suspend(cast, reasons=reasons, start_date=start)
    assert any(says in message for message in errors_of(excinfo)["reasons"])
    assert not Exclusion.objects.exists()


def test_before_2020_one_reason_from_the_old_list(cast):
    add_academic_year(cast.school_a.calendar, 2019)
    e = enrolment(cast)
    e.start_date = D(2019, 9, 1)
    e.save()
    x = suspend(cast, start_date=D(2019, 11, 18), reasons=["OT"])
    assert x.reasons == ["OT"]
    with pytest.raises(ValidationError) as excinfo:
        suspend(cast, start_date=D(2019, 11, 25), reasons=["PP", "DB"])
    assert "at most 1 reason" in errors_of(excinfo)["reasons"][0]


def test_it_refuses_a_start_when_the_pupil_was_not_on_roll(cast):
    e = enrolment(cast)
    e.start_date = D(2026, 11, 16)
    e.save()
    with pytest.raises(ValidationError) as excinfo:
        suspend(cast, start_date=D(2026, 11, 9))
    assert "was not on roll at Ashdown Academy" in errors_of(excinfo)["start_date"][0]


def test_it_refuses_another_pupils_enrolment_and_parents_told_without_how(cast):
    with pytest.raises(ValidationError) as excinfo:
        suspend(cast, enrolment=enrolment(cast, cast.linked_pupil), parents_told_how="")
    assert set(errors_of(excinfo)) == {"enrolment", "parents_told_how"}


def test_it_refuses_an_overlapping_suspension(cast):
    suspend(cast)  # Mon 23 and Tue 24
    with pytest.raises(ValidationError) as excinfo:
        suspend(cast, start_date=D(2026, 11, 24), start_half="PM")
    assert errors_of(excinfo)["start_date"] == [
        "This overlaps the suspension from Monday 23 November 2026."
    ]
    assert suspend(cast, start_date=D(2026, 11, 25)).pk  # the day after is fine


def test_a_read_only_user_and_an_outsider_may_not_issue(cast):
    for user in (cast.head_of_year, cast.outsider, cast.caseworker):
        with pytest.raises(PermissionDenied):
            suspend(cast, actor=user)
    assert not Exclusion.objects.exists()


def test_the_coordinator_may_issue_for_a_partnership_school(cast):
    assert suspend(cast, actor=cast.coordinator).recorded_by == cast.coordinator


# --- the 45-day cap ------------------------------------------------------------------------------


def test_the_cap_counts_suspensions_at_a_previous_school_and_refuses_past_45_days(cast):
    previous = make_setting(name="Old School", calendar=cast.school_a.calendar)
    PartnershipMember.objects.create(
        partnership=cast.partnership,
        organisation=previous,
        representative_name="R",
        representative_role="Head",
        joined_on=D(2024, 9, 1),
    )
    pupil = cast.pupil_a
    old = Enrolment.objects.create(
        pupil=pupil, setting=previous, start_date=D(2024, 9, 1), end_date=D(2026, 10, 23)
    )
    e = enrolment(cast)
    e.start_date = D(2026, 11, 2)
    e.save()
    # 42 days at the old school this year: 84 sessions, as 4 suspensions on record.
    for start, sessions in (
        (D(2026, 9, 2), 20),
        (D(2026, 9, 16), 20),
        (D(2026, 9, 30), 20),
        (D(2026, 10, 14), 24),
    ):
        make_exclusion(
            pupil=pupil,
            recorded_by=cast.officer,
            enrolment=old,
            start_date=start,
            sessions=sessions,
        )
    with pytest.raises(ValidationError) as excinfo:
        suspend(cast, start_date=D(2026, 11, 16), sessions=7)
    assert errors_of(excinfo)["sessions"] == [
        "This would take the pupil to 45.5 days of suspension in 2026/27. The limit is 45 school "
        "days in an academic year, across schools; 42 days are used, so a suspension this year "
        "may be at most 3 days."
    ]
    assert suspend(cast, start_date=D(2026, 11, 16), sessions=6).sessions == 6


# --- permanent exclusions ------------------------------------------------------------------------


def test_it_records_a_permanent_exclusion_without_a_length(cast):
    x = exclude(cast)
    assert (x.kind, x.sessions, x.days) == ("permanent", None, None)
    assert (
        AuditEntry.objects.get(action="create", object_id=str(x.uuid)).what == "permanent exclusion"
    )


def test_a_permanent_exclusion_may_follow_on_from_a_suspension_but_not_another(cast):
    suspend(cast, start_date=D(2026, 11, 16), sessions=6)
    x = exclude(cast, start_date=D(2026, 11, 18))
    assert x.pk
    with pytest.raises(ValidationError) as excinfo:
        exclude(cast, start_date=D(2026, 11, 23))
    assert (
        "overlaps the permanent exclusion from Wednesday 18 November"
        in errors_of(excinfo)["start_date"][0]
    )


# --- what follows ---------------------------------------------------------------------------------


def test_notices_are_recorded_with_a_version_check(cast):
    x = suspend(cast)
    x = exclusion_notice_record(
        actor=cast.officer, exclusion=x, expected_version=1, who="la", on=D(2026, 11, 23)
    )
    assert (x.la_told_on, x.version) == (D(2026, 11, 23), 2)
    entry = AuditEntry.objects.get(action="update", object_id=str(x.uuid))
    assert entry.what == "exclusion notice la"
    with pytest.raises(StaleExclusion):
        exclusion_notice_record(
            actor=cast.officer, exclusion=x, expected_version=1, who="governors", on=D(2026, 11, 23)
        )
    with pytest.raises(ValidationError) as excinfo:
        exclusion_notice_record(
            actor=cast.officer, exclusion=x, expected_version=2, who="parents", on=D(2026, 11, 23)
        )
    assert "how" in errors_of(excinfo)
    with pytest.raises(ValidationError):
        exclusion_notice_record(
            actor=cast.officer, exclusion=x, expected_version=2, who="la", on=D(2026, 11, 25)
        )
    x = exclusion_notice_record(
        actor=cast.officer,
        exclusion=x,
        expected_version=2,
        who="representations",
        on=D(2026, 11, 24),
    )
    assert x.parents_representations_on == D(2026, 11, 24)
    with pytest.raises(PermissionDenied):
        exclusion_notice_record(
            actor=cast.head_of_year, exclusion=x, expected_version=3, who="la", on=D(2026, 11, 24)
        )


def test_provision_is_arranged_from_a_day_on_or_after_the_start(cast):
    x = suspend(cast, start_date=D(2026, 11, 16), sessions=14)
    with pytest.raises(ValidationError) as excinfo:
        provision_arrange(
            actor=cast.officer,
            exclusion=x,
            expected_version=1,
            by="school",
            where=" ",
            starts_on=D(2026, 11, 13),
        )
    assert set(errors_of(excinfo)) == {"where", "starts_on"}
    x = provision_arrange(
        actor=cast.officer,
        exclusion=x,
        expected_version=1,
        by="school",
        where="Ashdown learning centre",
        starts_on=D(2026, 11, 23),
    )
    x.refresh_from_db()
    assert (x.provision_by, x.provision_where, x.provision_from, x.version) == (
        "school",
        "Ashdown learning centre",
        D(2026, 11, 23),
        2,
    )
    assert AuditEntry.objects.filter(what="exclusion provision", pupil=cast.pupil_a).count() == 1


def test_the_board_cannot_reinstate_after_five_days_or_fewer(cast):
    x = suspend(cast, start_date=D(2026, 11, 16), sessions=10)
    with pytest.raises(ValidationError) as excinfo:
        board_outcome_record(
            actor=cast.officer,
            exclusion=x,
            expected_version=1,
            met_on=D(2026, 11, 23),
            outcome="reinstated",
        )
    assert "cannot direct reinstatement" in errors_of(excinfo)["outcome"][0]
    x = board_outcome_record(
        actor=cast.officer,
        exclusion=x,
        expected_version=1,
        met_on=D(2026, 11, 23),
        outcome="upheld",
    )
    assert (x.board_met_on, x.board_outcome) == (D(2026, 11, 23), "upheld")


def test_the_board_cannot_meet_before_the_exclusion_nor_send_before_it_meets(cast):
    x = exclude(cast)
    with pytest.raises(ValidationError) as excinfo:
        board_outcome_record(
            actor=cast.officer,
            exclusion=x,
            expected_version=1,
            met_on=D(2026, 10, 30),
            outcome="upheld",
        )
    assert "met_on" in errors_of(excinfo)
    with pytest.raises(ValidationError) as excinfo:
        board_outcome_record(
            actor=cast.officer,
            exclusion=x,
            expected_version=1,
            met_on=D(2026, 11, 16),
            outcome="upheld",
            decision_sent_on=D(2026, 11, 13),
        )
    assert "decision_sent_on" in errors_of(excinfo)


def upheld_pex(cast):
    """Permanent exclusion from Mon 2 Nov; the board upheld it on Mon 16 Nov and sent its
    decision on Tue 17 Nov, so the window runs to Tue 8 Dec (18-20 Nov 3, 23-27 8,
    30 Nov-4 Dec 13, 7 Dec 14, 8 Dec 15)."""
    x = exclude(cast)
    return board_outcome_record(
        actor=cast.officer,
        exclusion=x,
        expected_version=1,
        met_on=D(2026, 11, 16),
        outcome="upheld",
        decision_sent_on=D(2026, 11, 17),
    )


def test_upholding_a_permanent_exclusion_leaves_the_pupil_on_roll_while_the_window_is_open(cast):
    x = upheld_pex(cast)
    assert enrolment(cast).end_date is None
    with pytest.raises(ValidationError) as excinfo:
        exclusion_off_roll(actor=cast.officer, exclusion=x, expected_version=x.version)
    assert (
        "may apply for an independent review until Tuesday 8 December 2026"
        in excinfo.value.messages[0]
    )
    assert enrolment(cast).end_date is None


def test_with_no_application_the_pupil_comes_off_roll_on_the_last_day_of_the_window(cast):
    x = upheld_pex(cast)
    with time_machine.travel(datetime.datetime(2026, 12, 9, 9, 0), tick=False):
        x = exclusion_off_roll(actor=cast.officer, exclusion=x, expected_version=x.version)
    assert Enrolment.objects.get(pk=x.enrolment_id).end_date == D(2026, 12, 8)
    entry = AuditEntry.objects.get(action="update", object_type="pupils.enrolment")
    assert (entry.what, entry.pupil) == ("end_date", cast.pupil_a)
    assert AuditEntry.objects.filter(what="exclusion off roll, review window closed").exists()


def test_the_parents_written_word_takes_the_pupil_off_roll_that_day(cast):
    x = upheld_pex(cast)
    x = exclusion_off_roll(
        actor=cast.officer,
        exclusion=x,
        expected_version=x.version,
        parents_declined_on=D(2026, 11, 20),
    )
    assert Enrolment.objects.get(pk=x.enrolment_id).end_date == D(2026, 11, 20)
    # Off roll since 20 November, the pupil is no longer in anyone's care here.
    with pytest.raises(PermissionDenied):
        exclusion_off_roll(actor=cast.coordinator, exclusion=x, expected_version=x.version)


def test_a_review_application_must_be_in_the_window(cast):
    x = upheld_pex(cast)
    later = time_machine.travel(datetime.datetime(2026, 12, 10, 9, 0), tick=False)
    with later, pytest.raises(ValidationError) as excinfo:
        review_outcome_record(
            actor=cast.officer,
            exclusion=x,
            expected_version=x.version,
            applied_on=D(2026, 12, 9),
        )
    assert "closed on Tuesday 8 December 2026" in errors_of(excinfo)["applied_on"][0]


def test_a_review_that_upholds_takes_the_pupil_off_roll_the_day_it_decides(cast):
    x = upheld_pex(cast)
    x = review_outcome_record(
        actor=cast.officer, exclusion=x, expected_version=x.version, applied_on=D(2026, 11, 20)
    )
    assert enrolment(cast).end_date is None
    x = review_outcome_record(
        actor=cast.officer,
        exclusion=x,
        expected_version=x.version,
        applied_on=D(2026, 11, 20),
        outcome="upheld",
        decided_on=D(2026, 11, 24),
    )
    assert Enrolment.objects.get(pk=x.enrolment_id).end_date == D(2026, 11, 24)
    assert (x.review_outcome, x.review_decided_on) == ("upheld", D(2026, 11, 24))


def test_after_a_quashed_decision_the_board_reconsiders_and_its_decision_settles_the_roll(cast):
    x = upheld_pex(cast)
    x = review_outcome_record(
        actor=cast.officer,
        exclusion=x,
        expected_version=x.version,
        applied_on=D(2026, 11, 18),
        outcome="quashed",
        decided_on=D(2026, 11, 20),
    )
    assert enrolment(cast).end_date is None
    with pytest.raises(ValidationError) as excinfo:
        board_outcome_record(
            actor=cast.officer,
            exclusion=x,
            expected_version=x.version,
            met_on=D(2026, 11, 19),
            outcome="upheld",
        )
    assert "reconsideration" in errors_of(excinfo)["met_on"][0]
    x = board_outcome_record(
        actor=cast.officer,
        exclusion=x,
        expected_version=x.version,
        met_on=D(2026, 11, 23),
        outcome="upheld",
    )
    assert Enrolment.objects.get(pk=x.enrolment_id).end_date == D(2026, 11, 23)


def test_reinstatement_after_reconsideration_keeps_the_pupil_on_roll(cast):
    x = upheld_pex(cast)
    x = review_outcome_record(
        actor=cast.officer,
        exclusion=x,
        expected_version=x.version,
        applied_on=D(2026, 11, 18),
        outcome="reconsider",
        decided_on=D(2026, 11, 20),
    )
    x = board_outcome_record(
        actor=cast.officer,
        exclusion=x,
        expected_version=x.version,
        met_on=D(2026, 11, 23),
        outcome="reinstated",
    )
    assert enrolment(cast).end_date is None and x.board_outcome == "reinstated"


def test_a_review_needs_the_boards_decision_first(cast):
    x = exclude(cast)
    with pytest.raises(ValidationError) as excinfo:
        review_outcome_record(
            actor=cast.officer, exclusion=x, expected_version=1, applied_on=D(2026, 11, 20)
        )
    assert "governing board's decision" in excinfo.value.messages[0]


def test_cancelling_before_the_board_meets_and_not_after(cast):
    x = suspend(cast, start_date=D(2026, 11, 16), sessions=12)
    x = exclusion_cancel(
        actor=cast.officer, exclusion=x, expected_version=1, cancelled_on=D(2026, 11, 18)
    )
    x.refresh_from_db()
    assert x.cancelled_on == D(2026, 11, 18)
    assert AuditEntry.objects.filter(what="exclusion cancelled").count() == 1
    with pytest.raises(ValidationError):
        provision_arrange(
            actor=cast.officer,
            exclusion=x,
            expected_version=x.version,
            by="school",
            where="X",
            starts_on=D(2026, 11, 23),
        )
    y = suspend(cast, start_date=D(2026, 11, 23), sessions=2)
    y = board_outcome_record(
        actor=cast.officer,
        exclusion=y,
        expected_version=1,
        met_on=D(2026, 11, 24),
        outcome="upheld",
    )
    with pytest.raises(ValidationError) as excinfo:
        exclusion_cancel(
            actor=cast.officer,
            exclusion=y,
            expected_version=y.version,
            cancelled_on=D(2026, 11, 24),
        )
    assert "can no longer be cancelled" in excinfo.value.messages[0]
