"""The clocks the law sets running when a pupil is suspended or permanently excluded.

Plain functions over plain values: an exclusion's facts (``ExclusionFacts``),
the pupil's (``PupilFacts``), the school days of each setting's calendar
(``termdates.school_days.SchoolDays``) and today. No database here.

Sources (../shared/domain/england.md):
- §4.1: any number of whole or half days (a lunchtime is half a day); at most
  45 school days of suspension in an academic year, across schools.
- §4.2: parents, the local authority, the governing board, a social worker
  and a looked-after child's virtual school head are told "without delay".
- §4.3: the governing board must meet within 15 school days of notice for a
  permanent exclusion or when suspensions total more than 15 school days in a
  term; within 50 school days for more than 5 and up to 15 if the parents
  ask; no duty for 5 or fewer.
- §4.4: the parents may apply for an independent review within 15 school
  days of being given the board's decision in writing; after "reconsider" or
  "quashed" the board reconsiders within 10 school days; the pupil comes off
  roll only once the review route is exhausted.
- §4.5: suitable full-time education from the sixth school day, consecutive
  suspensions counted together: the school arranges it for a suspension, the
  local authority for a permanent exclusion.

Each clock has a due date, a status given today (met, not yet due, due soon,
overdue, or lapsed when its moment has passed and nothing is left to do) and
a plain-language line.

The modules: ``clocks`` (what a clock is, the facts it is worked from, the limits above,
and the wording and statuses all clocks share), ``spans`` (where an exclusion falls in
its calendar), ``notices``, ``day_six``, ``board``, ``review`` (the independent review
and the day off roll), ``cap``, ``reason_checks`` and ``per_pupil`` (every clock of one
pupil). Callers import the package (``from knotwork.behaviour import rules``) and use
the names it gathers here.
"""

from knotwork.behaviour.rules.board import (
    board_clocks_for_term,
    board_may_reinstate,
    permanent_board_clocks,
    term_totals,
)
from knotwork.behaviour.rules.cap import cap_clock, cap_refusal, sessions_used
from knotwork.behaviour.rules.clocks import (
    BOARD_CONSIDERS_WITHIN,
    BOARD_MEETS_IF_ASKED_ABOVE_DAYS,
    BOARD_MEETS_WITHIN,
    BOARD_MUST_MEET_ABOVE_DAYS,
    CAP_APPROACHING_DAYS,
    CAP_DAYS,
    DAY_SIX_AFTER_SESSIONS,
    DUE_SOON_SCHOOL_DAYS,
    GROUP_OF,
    HALF_TEXT,
    NOT_IN_CALENDAR,
    NOTICE_WITHIN_SCHOOL_DAYS,
    RECONSIDER_WITHIN,
    REVIEW_WINDOW_SCHOOL_DAYS,
    TITLES,
    Clock,
    Date,
    ExclusionFacts,
    Group,
    Kind,
    PupilFacts,
    Status,
    board_notice_day,
    day_text,
    days_text,
    decision_day,
)
from knotwork.behaviour.rules.day_six import day_six_clock, runs
from knotwork.behaviour.rules.notices import NOTICE_FIELDS, notice_clocks
from knotwork.behaviour.rules.per_pupil import PupilClocks, pupil_clocks
from knotwork.behaviour.rules.reason_checks import reason_problems
from knotwork.behaviour.rules.review import off_roll_day, review_clocks, review_window_last_day
from knotwork.behaviour.rules.spans import Span, clash, last_day, sessions_by_year, span_of

__all__ = [
    "BOARD_CONSIDERS_WITHIN",
    "BOARD_MEETS_IF_ASKED_ABOVE_DAYS",
    "BOARD_MEETS_WITHIN",
    "BOARD_MUST_MEET_ABOVE_DAYS",
    "CAP_APPROACHING_DAYS",
    "CAP_DAYS",
    "DAY_SIX_AFTER_SESSIONS",
    "DUE_SOON_SCHOOL_DAYS",
    "GROUP_OF",
    "HALF_TEXT",
    "NOTICE_FIELDS",
    "NOTICE_WITHIN_SCHOOL_DAYS",
    "NOT_IN_CALENDAR",
    "RECONSIDER_WITHIN",
    "REVIEW_WINDOW_SCHOOL_DAYS",
    "TITLES",
    "Clock",
    "Date",
    "ExclusionFacts",
    "Group",
    "Kind",
    "PupilClocks",
    "PupilFacts",
    "Span",
    "Status",
    "board_clocks_for_term",
    "board_may_reinstate",
    "board_notice_day",
    "cap_clock",
    "cap_refusal",
    "clash",
    "day_six_clock",
    "day_text",
    "days_text",
    "decision_day",
    "last_day",
    "notice_clocks",
    "off_roll_day",
    "permanent_board_clocks",
    "pupil_clocks",
    "reason_problems",
    "review_clocks",
    "review_window_last_day",
    "runs",
    "sessions_by_year",
    "sessions_used",
    "span_of",
    "term_totals",
]
