import datetime
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from knotwork.attendance import ladder_rules as rules
from knotwork.attendance.ladder_rules import (
    DONE,
    ESO,
    LETTER_1,
    LETTER_2,
    LETTER_3,
    NOTICE_TO_IMPROVE,
    PANEL,
    PENALTY_NOTICE,
    PLANNED,
    PROSECUTION_444_1,
    PROSECUTION_444_1A,
    WITHDRAWN,
    PenaltyRefused,
    Situation,
    StepFact,
    blocker,
    next_step,
    overdue,
    penalty_terms,
    position,
    years_after,
)
from knotwork.attendance.models import LadderStep

D = datetime.date
TODAY = D(2026, 11, 24)
MUM, DAD = 1, 2


def notice(on, status=DONE, parent=MUM):
    return StepFact(PENALTY_NOTICE, status, on, parent=parent)


def done(kind, on=None, review_on=None):
    return StepFact(kind, DONE, on or D(2026, 10, 1), review_on=review_on, parent=MUM)


SUPPORT_GIVEN = [done(LETTER_1), done(LETTER_2), done(LETTER_3), done(PANEL)]


def situation(steps=(), signals=(), parents=(MUM, DAD), today=TODAY):
    return Situation(
        steps=list(steps), today=today, signals=frozenset(signals), parents=list(parents)
    )


# --- penalty notice amounts and limits ----------------------------------------------


def test_a_first_notice_is_80_within_21_days_or_160_within_28():
    terms = penalty_terms(TODAY, [])
    assert terms.number == 1
    assert (terms.early_amount, terms.pay_early_by) == (Decimal(80), D(2026, 12, 15))
    assert (terms.amount, terms.pay_by) == (Decimal(160), D(2026, 12, 22))
    assert terms.summary() == "£80 if paid by 15 December 2026, £160 if paid by 22 December 2026"


def test_a_second_notice_within_3_years_is_a_flat_160():
    terms = penalty_terms(TODAY, [notice(D(2025, 1, 10))])
    assert terms.number == 2
    assert (terms.amount, terms.early_amount, terms.pay_early_by) == (Decimal(160), None, None)
    assert terms.as_details() == {
        "notice_number": 2,
        "amount": "160",
        "pay_by": "2026-12-22",
        "early_amount": None,
        "pay_early_by": None,
    }


def test_on_the_third_anniversary_the_earlier_notice_no_longer_counts():
    assert penalty_terms(D(2027, 11, 23), [notice(D(2024, 11, 24))]).number == 2
    assert penalty_terms(D(2027, 11, 24), [notice(D(2024, 11, 24))]).number == 1


def test_a_third_notice_within_3_years_is_refused_with_the_reason():
    with pytest.raises(PenaltyRefused) as refused:
        penalty_terms(TODAY, [notice(D(2025, 1, 10)), notice(D(2026, 2, 3))])
    message = str(refused.value)
    assert "already had 2 penalty notices for this child within 3 years" in message
    assert "10 January 2025 and 3 February 2026" in message
    assert "prosecution" in message
    assert "from 10 January 2028" in message


def test_a_third_notice_after_the_first_has_dropped_out_is_a_second():
    earlier = [notice(D(2024, 9, 2)), notice(D(2026, 2, 3))]
    with pytest.raises(PenaltyRefused):
        penalty_terms(D(2027, 9, 1), earlier)
    assert penalty_terms(D(2027, 9, 2), earlier).number == 2


def test_withdrawn_notices_do_not_count():
    assert penalty_terms(TODAY, [notice(D(2026, 2, 3), WITHDRAWN)]).number == 1
    earlier = [notice(D(2025, 1, 10)), notice(D(2026, 2, 3), WITHDRAWN)]
    terms = penalty_terms(TODAY, earlier)
    assert (terms.number, terms.amount) == (2, Decimal(160))


def test_notices_before_the_framework_do_not_start_the_clock():
    # Without the framework's start, 2024-06-01 and 2025-01-10 would make a third here.
    terms = penalty_terms(TODAY, [notice(D(2024, 6, 1)), notice(D(2025, 1, 10))])
    assert (terms.number, terms.amount) == (2, Decimal(160))


def test_a_notice_before_the_framework_had_the_old_amounts():
    terms = penalty_terms(D(2024, 3, 1), [])
    assert (terms.early_amount, terms.amount) == (Decimal(60), Decimal(120))


def test_a_notice_between_two_others_in_3_years_is_refused():
    with pytest.raises(PenaltyRefused):
        penalty_terms(D(2025, 6, 1), [notice(D(2025, 1, 10)), notice(D(2026, 2, 3))])


def test_three_years_after_29_february_is_28_february():
    assert years_after(D(2028, 2, 29), 3) == D(2031, 2, 28)
    assert years_after(D(2026, 11, 24), 3) == D(2029, 11, 24)


notice_dates = st.dates(min_value=D(2024, 8, 19), max_value=D(2032, 12, 31))


@given(
    dates=st.lists(notice_dates, min_size=0, max_size=6, unique=True),
    statuses=st.lists(st.sampled_from([DONE, PLANNED, WITHDRAWN]), min_size=6, max_size=6),
)
def test_notices_that_are_allowed_one_by_one_never_put_3_in_3_years(dates, statuses):
    kept: list[StepFact] = []
    for day, status in zip(sorted(dates), statuses, strict=False):
        try:
            terms = penalty_terms(day, kept)
        except PenaltyRefused:
            continue
        assert terms.amount == Decimal(160)
        assert terms.number in (1, 2)
        kept.append(notice(day, status))
    counting = sorted(n.on for n in kept if n.status != WITHDRAWN)
    for first, third in zip(counting, counting[2:], strict=False):
        assert years_after(first, 3) <= third


# --- the order of the ladder ----------------------------------------------------------


def test_the_kinds_are_the_model_s():
    assert list(rules.ORDER) == LadderStep.Kind.values
    assert {PLANNED, DONE, WITHDRAWN} == set(LadderStep.Status.values)


def test_where_the_pupil_is_counts_only_steps_done():
    assert position([]) is None
    steps = [done(LETTER_1), StepFact(LETTER_2, PLANNED, TODAY), StepFact(PANEL, WITHDRAWN, TODAY)]
    assert position(steps) == LETTER_1


@pytest.mark.parametrize(
    ("kind", "steps", "expected"),
    [
        (LETTER_1, [], None),
        (LETTER_2, [], "Send the stage 1 letter first."),
        (LETTER_2, [StepFact(LETTER_1, PLANNED, TODAY)], "Send the stage 1 letter first."),
        (LETTER_2, [done(LETTER_1), StepFact(LETTER_2, PLANNED, TODAY)], "One is already planned"),
        (LETTER_2, [done(LETTER_1)], None),
        (LETTER_3, [done(LETTER_1)], "Send the stage 2 letter first."),
        (PANEL, [], "Support first: send a letter before an attendance panel meeting."),
        (PANEL, [done(LETTER_1)], None),
        (NOTICE_TO_IMPROVE, [done(LETTER_1)], "Support first: hold an attendance panel meeting"),
        (NOTICE_TO_IMPROVE, [done(LETTER_1), done(PANEL)], None),
        (ESO, [done(LETTER_1), done(LETTER_2)], "Support first: hold an attendance panel"),
        (PROSECUTION_444_1A, SUPPORT_GIVEN, None),
    ],
)
def test_support_first(kind, steps, expected):
    found = blocker(kind, situation(steps))
    if expected is None:
        assert found is None
    else:
        assert found is not None and found.startswith(expected)


def test_a_letter_needs_a_parent_with_parental_responsibility():
    assert blocker(LETTER_1, situation(parents=())) == (
        "Record a parent or carer with parental responsibility first."
    )
    assert blocker(PANEL, situation([done(LETTER_1)], parents=())) is None


def test_a_penalty_notice_needs_the_threshold_met():
    reason = blocker(PENALTY_NOTICE, situation(SUPPORT_GIVEN))
    assert reason is not None and reason.startswith("The penalty notice threshold is not met")
    assert blocker(PENALTY_NOTICE, situation(SUPPORT_GIVEN, {"penalty_threshold"})) is None


def test_a_penalty_notice_is_per_parent_and_refused_when_every_parent_is_at_the_limit():
    at_limit = [notice(D(2025, 1, 10)), notice(D(2026, 2, 3))]
    one = situation([*SUPPORT_GIVEN, *at_limit], {"penalty_threshold"})
    assert blocker(PENALTY_NOTICE, one) is None  # the other parent may have one
    assert rules.penalty_blocker(one, MUM, TODAY) is not None
    assert rules.penalty_blocker(one, DAD, TODAY) is None
    both = situation(
        [*SUPPORT_GIVEN, *at_limit, *(notice(n.on, parent=DAD) for n in at_limit)],
        {"penalty_threshold"},
    )
    reason = blocker(PENALTY_NOTICE, both)
    assert reason is not None and "A third is not allowed" in reason


def test_a_planned_notice_to_a_parent_blocks_another_to_that_parent():
    planned = situation(
        [*SUPPORT_GIVEN, notice(TODAY, PLANNED)], {"penalty_threshold"}, parents=(MUM,)
    )
    assert blocker(PENALTY_NOTICE, planned) == "A penalty notice to this parent is already planned."


# --- what is due next ------------------------------------------------------------------


def test_nothing_is_due_without_steps_or_signs():
    found = next_step(situation())
    assert (found.kind, found.due_on) == (None, None)


def test_early_signs_make_the_first_letter_due_today():
    found = next_step(situation(signals={"falling"}))
    assert (found.kind, found.due_on, found.overdue) == (LETTER_1, TODAY, False)


def test_a_planned_step_is_what_is_due_and_overdue_once_its_day_has_passed():
    steps = [done(LETTER_1), StepFact(LETTER_2, PLANNED, D(2026, 11, 20))]
    found = next_step(situation(steps, {"falling"}))
    assert (found.kind, found.due_on, found.overdue) == (LETTER_2, D(2026, 11, 20), True)
    assert [o.what for o in overdue(situation(steps))] == ["planned for a day that has passed"]


def test_the_next_letter_falls_due_at_the_review_or_four_weeks_on():
    reviewed = next_step(situation([done(LETTER_1, review_on=D(2026, 12, 1))], {"falling"}))
    assert (reviewed.kind, reviewed.due_on, reviewed.overdue) == (LETTER_2, D(2026, 12, 1), False)
    default = next_step(situation([done(LETTER_1, on=D(2026, 10, 1))], {"falling"}))
    assert (default.kind, default.due_on, default.overdue) == (LETTER_2, D(2026, 10, 29), True)


def test_with_no_signs_now_the_next_rung_is_only_if_attendance_has_not_improved():
    found = next_step(situation([done(LETTER_1, review_on=D(2026, 12, 1))]))
    assert found.kind == LETTER_2 and found.reason.startswith("Only if attendance")
    assert found.overdue is False


@pytest.mark.parametrize(
    ("steps", "signals", "expected"),
    [
        ([done(LETTER_1), done(LETTER_2)], {"falling"}, LETTER_3),
        ([done(LETTER_1), done(LETTER_2), done(LETTER_3)], {"falling"}, PANEL),
        (SUPPORT_GIVEN, {"falling"}, NOTICE_TO_IMPROVE),
        ([*SUPPORT_GIVEN, done(NOTICE_TO_IMPROVE)], {"penalty_threshold"}, PENALTY_NOTICE),
        ([*SUPPORT_GIVEN, done(NOTICE_TO_IMPROVE)], {"falling"}, ESO),
        ([*SUPPORT_GIVEN, done(PENALTY_NOTICE)], {"falling"}, ESO),
        ([*SUPPORT_GIVEN, done(ESO)], {"falling"}, PROSECUTION_444_1),
        ([*SUPPORT_GIVEN, done(PROSECUTION_444_1)], {"falling"}, PROSECUTION_444_1A),
        ([*SUPPORT_GIVEN, done(PROSECUTION_444_1A)], {"falling"}, None),
    ],
)
def test_the_ladder_goes_up_in_order(steps, signals, expected):
    assert next_step(situation(steps, signals)).kind == expected


def test_after_a_notice_with_the_limit_reached_prosecution_is_next():
    limit = [notice(D(2025, 1, 10), parent=p) for p in (MUM, DAD)]
    limit += [notice(D(2026, 2, 3), parent=p) for p in (MUM, DAD)]
    steps = [*SUPPORT_GIVEN, *limit, done(NOTICE_TO_IMPROVE, on=D(2026, 11, 1))]
    assert next_step(situation(steps, {"penalty_threshold"})).kind == PROSECUTION_444_1


def test_a_review_date_passed_with_nothing_after_it_is_overdue():
    steps = [done(PANEL, on=D(2026, 10, 1), review_on=D(2026, 11, 1))]
    found = overdue(situation(steps))
    assert [(o.step.kind, o.what) for o in found] == [(PANEL, "review date has passed")]
    assert overdue(situation([done(PANEL, review_on=D(2026, 12, 1))])) == []
