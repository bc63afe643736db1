"""Every change to a pupil's suspensions and permanent exclusions.

Each function is keyword-only, atomic, access-checked (edit access to the
pupil), validated and audited; those that change an exclusion refuse a stale
``expected_version`` so two people recording at once are told. The rules
(school sessions, the 45-day cap, the review window, when a permanently
excluded pupil comes off roll) are in ``rules``; a pupil comes off roll only
through ``pupils.services.enrolment_end``.
"""

from __future__ import annotations

import datetime
from collections.abc import Hashable, Sequence

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from knotwork.accounts.models import User
from knotwork.behaviour import rules
from knotwork.behaviour.exclusion_queries import calendars_for, exclusions_for_pupil, facts_of
from knotwork.behaviour.models import Exclusion, Incident
from knotwork.core.audit import audit_record
from knotwork.core.models import AuditEntry
from knotwork.notices.services import notice_exclusion_issued
from knotwork.pupils.access import Access, may_enrol_at, pupil_access
from knotwork.pupils.models import Enrolment, Pupil
from knotwork.pupils.services import enrolment_end
from knotwork.termdates.school_days import SchoolDays, start_year_of

Date = datetime.date

#: What ``exclusion_notice_record`` records: who was told (or the parents' representations).
NOTICES: dict[str, tuple[str, str]] = {
    "parents": ("parents_told_on", "Parents told"),
    "la": ("la_told_on", "Local authority told"),
    "governors": ("governors_told_on", "Governing board told"),
    "social_worker": ("social_worker_told_on", "Social worker told"),
    "virtual_school": ("virtual_school_told_on", "Virtual school head told"),
    "representations": (
        "parents_representations_on",
        "Parents asked the governing board to consider reinstatement",
    ),
}
MOST_SESSIONS = 2 * rules.CAP_DAYS


class StaleExclusion(ValidationError):
    """Someone else changed the exclusion since it was read."""


def _require_edit(actor: User, pupil: Pupil) -> None:
    if pupil_access(actor, pupil) < Access.EDIT:
        raise PermissionDenied("You may not change this pupil's exclusions.")


def _pupil_calendars(
    pupil: Pupil, today: Date, also: Enrolment | None = None, start: Date | None = None
) -> tuple[list[rules.ExclusionFacts], dict[Hashable, SchoolDays]]:
    """The facts of the pupil's exclusions, with the school days of their settings' calendars
    (and of ``also``'s, for a new exclusion starting on ``start``)."""
    exclusions = list(exclusions_for_pupil(pupil))
    calendar_ids = {x.enrolment.setting.calendar_id for x in exclusions}
    starts = [x.start_date for x in exclusions]
    if also is not None and start is not None:
        calendar_ids.add(also.setting.calendar_id)
        starts.append(start)
    return [facts_of(x) for x in exclusions], calendars_for(calendar_ids, starts, today)


def _say_day(day: Date) -> str:
    return f"{day:%A} {day.day} {day:%B %Y}"


def _check_session(calendar: SchoolDays, enrolment: Enrolment, start: Date, half: str) -> str:
    """Why an exclusion may not start at (start, half) at the setting; "" when it may."""
    if not calendar.covers(start):
        year = start_year_of(start)
        return (
            f"{enrolment.setting.name}'s calendar has no term dates for "
            f"{year}/{str(year + 1)[-2:]}, so the start cannot be checked."
        )
    if half not in ("AM", "PM"):
        return "Choose the morning or the afternoon."
    if not calendar.is_session(start, half):  # type: ignore[arg-type]
        part = rules.HALF_TEXT[half]
        return (
            f"{enrolment.setting.name} is not open to pupils on the {part} of "
            f"{_say_day(start)}: an exclusion starts at a school session."
        )
    return ""


def _issue(
    *,
    actor: User,
    pupil: Pupil,
    enrolment: Enrolment,
    kind: str,
    start_date: Date,
    start_half: str,
    sessions: int | None,
    reasons: Sequence[str],
    decided_by: str,
    parents_told_on: Date | None,
    parents_told_how: str,
    incident: Incident | None,
) -> Exclusion:
    _require_edit(actor, pupil)
    # One new exclusion at a time per pupil, so two cannot both pass the cap together.
    Pupil.objects.select_for_update().filter(pk=pupil.pk).first()
    today = timezone.localdate()
    codes = [code.strip().upper() for code in reasons if code and code.strip()]
    errors: dict[str, list[str]] = {}

    def refuse(name: str, message: str) -> None:
        errors.setdefault(name, []).append(message)

    if enrolment.pupil_id != pupil.pk:
        refuse("enrolment", "Choose one of this pupil's enrolments.")
    elif not may_enrol_at(actor, enrolment.setting):
        refuse("enrolment", "You may not record exclusions at this setting.")
    elif not enrolment.is_current(start_date):
        refuse(
            "start_date",
            f"The pupil was not on roll at {enrolment.setting.name} on {_say_day(start_date)}.",
        )
    for problem in rules.reason_problems(codes, start_date):
        refuse("reasons", problem)
    if not decided_by.strip():
        refuse("decided_by", "Enter who decided: the headteacher's name and role.")
    if parents_told_on is not None and parents_told_on > today:
        refuse("parents_told_on", "The day the parents were told cannot be in the future.")
    if parents_told_on is not None and not parents_told_how:
        refuse("parents_told_how", "Say how the parents were told.")
    if parents_told_how and parents_told_on is None:
        refuse("parents_told_on", "Enter the day the parents were told.")
    if parents_told_how and parents_told_how not in Exclusion.Channel.values:
        refuse("parents_told_how", "Choose how the parents were told.")
    if incident is not None and not incident.pupils.filter(pupil=pupil).exists():
        refuse("incident", "The incident must involve this pupil.")
    permanent = kind == Exclusion.Kind.PERMANENT
    if not permanent and (sessions is None or sessions < 1):
        refuse("sessions", "Enter the length: at least half a day.")
    elif not permanent and sessions is not None and sessions > MOST_SESSIONS:
        refuse("sessions", f"A suspension may be at most {rules.CAP_DAYS} school days.")
    if errors:
        raise ValidationError(errors)

    existing, calendars = _pupil_calendars(pupil, today, enrolment, start_date)
    calendar = calendars[enrolment.setting.calendar_id]
    problem = _check_session(calendar, enrolment, start_date, start_half)
    if problem:
        raise ValidationError({"start_date": problem})
    new = rules.ExclusionFacts(
        ref="new",
        calendar=enrolment.setting.calendar_id,
        setting=enrolment.setting_id,
        permanent=permanent,
        start=start_date,
        start_half=start_half,  # type: ignore[arg-type]
        sessions=None if permanent else sessions,
    )
    clashing = rules.clash(calendar, existing, new)
    if clashing is not None:
        what = "permanent exclusion" if clashing.permanent else "suspension"
        raise ValidationError(
            {"start_date": f"This overlaps the {what} from {_say_day(clashing.start)}."}
        )
    if not permanent:
        for year, adding in rules.sessions_by_year(calendar, new).items():
            refusal = rules.cap_refusal(
                rules.sessions_used(calendars, existing, year), adding, year
            )
            if refusal:
                raise ValidationError({"sessions": refusal})
    exclusion = Exclusion.objects.create(
        pupil=pupil,
        enrolment=enrolment,
        incident=incident,
        kind=kind,
        start_date=start_date,
        start_half=start_half,
        sessions=None if permanent else sessions,
        reason_1=codes[0],
        reason_2=codes[1] if len(codes) > 1 else "",
        reason_3=codes[2] if len(codes) > 2 else "",
        decided_by=decided_by.strip()[:120],
        parents_told_on=parents_told_on,
        parents_told_how=parents_told_how,
        recorded_by=actor,
    )
    audit_record(
        actor=actor,
        action=AuditEntry.Action.CREATE,
        pupil=pupil,
        obj=exclusion,
        what="permanent exclusion" if permanent else "suspension",
    )
    notice_exclusion_issued(actor=actor, exclusion=exclusion)
    return exclusion


@transaction.atomic
def suspension_issue(
    *,
    actor: User,
    pupil: Pupil,
    enrolment: Enrolment,
    start_date: Date,
    start_half: str,
    sessions: int,
    reasons: Sequence[str],
    decided_by: str,
    parents_told_on: Date | None = None,
    parents_told_how: str = "",
    incident: Incident | None = None,
) -> Exclusion:
    """Record a suspension of ``sessions`` half days from (start_date, start_half) at the
    enrolment's setting, with up to three census reasons (one before 2020/21).

    Refused when the start is not a school session there, it overlaps another exclusion,
    or it would take the pupil past 45 school days in the academic year across schools."""
    return _issue(
        actor=actor,
        pupil=pupil,
        enrolment=enrolment,
        kind=Exclusion.Kind.SUSPENSION,
        start_date=start_date,
        start_half=start_half,
        sessions=sessions,
        reasons=reasons,
        decided_by=decided_by,
        parents_told_on=parents_told_on,
        parents_told_how=parents_told_how,
        incident=incident,
    )


@transaction.atomic
def permanent_exclusion_issue(
    *,
    actor: User,
    pupil: Pupil,
    enrolment: Enrolment,
    start_date: Date,
    start_half: str,
    reasons: Sequence[str],
    decided_by: str,
    parents_told_on: Date | None = None,
    parents_told_how: str = "",
    incident: Incident | None = None,
) -> Exclusion:
    """Record a permanent exclusion from (start_date, start_half) at the enrolment's
    setting. The pupil stays on roll until the review route is exhausted."""
    return _issue(
        actor=actor,
        pupil=pupil,
        enrolment=enrolment,
        kind=Exclusion.Kind.PERMANENT,
        start_date=start_date,
        start_half=start_half,
        sessions=None,
        reasons=reasons,
        decided_by=decided_by,
        parents_told_on=parents_told_on,
        parents_told_how=parents_told_how,
        incident=incident,
    )


# --- changing an exclusion ------------------------------------------------------------------


def _locked(actor: User, exclusion: Exclusion, expected_version: int) -> Exclusion:
    _require_edit(actor, exclusion.pupil)
    locked = (
        Exclusion.objects.select_for_update()
        .select_related("pupil", "enrolment__setting")
        .get(pk=exclusion.pk)
    )
    if locked.version != expected_version:
        raise StaleExclusion(
            "Someone else changed this exclusion while you were looking at it. "
            "Here it is as it is now: check it, then try again if you still need to."
        )
    return locked


def _save(actor: User, exclusion: Exclusion, fields: list[str], what: str) -> Exclusion:
    exclusion.version += 1
    exclusion.save(update_fields=[*fields, "version"])
    audit_record(
        actor=actor,
        action=AuditEntry.Action.UPDATE,
        pupil=exclusion.pupil,
        obj=exclusion,
        what=f"exclusion {what}",
    )
    return exclusion


def _not_after_today(day: Date, name: str, what: str) -> None:
    if day > timezone.localdate():
        raise ValidationError({name: f"{what} cannot be in the future."})


def _facts_and_calendar(
    exclusion: Exclusion, today: Date
) -> tuple[list[rules.ExclusionFacts], rules.ExclusionFacts, SchoolDays]:
    existing, calendars = _pupil_calendars(exclusion.pupil, today)
    mine = next(x for x in existing if x.ref == exclusion.pk)
    return existing, mine, calendars[exclusion.enrolment.setting.calendar_id]


def _take_off_roll(actor: User, exclusion: Exclusion, last_day: Date) -> None:
    """End the enrolment of a permanently excluded pupil on their last day on roll."""
    enrolment = exclusion.enrolment
    if enrolment.end_date is not None and enrolment.end_date <= last_day:
        return
    enrolment_end(actor=actor, enrolment=enrolment, end_date=last_day)


@transaction.atomic
def exclusion_notice_record(
    *,
    actor: User,
    exclusion: Exclusion,
    expected_version: int,
    who: str,
    on: Date,
    how: str = "",
) -> Exclusion:
    """Record when someone was told (parents, local authority, governing board, social
    worker, virtual school head), or when the parents made representations."""
    locked = _locked(actor, exclusion, expected_version)
    if who not in NOTICES:
        raise ValidationError({"who": "Choose who was told."})
    _not_after_today(on, "on", "The day")
    field, _ = NOTICES[who]
    fields = [field]
    if who == "parents":
        if how not in Exclusion.Channel.values:
            raise ValidationError({"how": "Say how the parents were told."})
        locked.parents_told_how = how
        fields.append("parents_told_how")
    setattr(locked, field, on)
    return _save(actor, locked, fields, f"notice {who}")


@transaction.atomic
def provision_arrange(
    *,
    actor: User,
    exclusion: Exclusion,
    expected_version: int,
    by: str,
    where: str,
    starts_on: Date,
) -> Exclusion:
    """Record the full-time education arranged from the sixth day: who arranged it, where,
    and from when."""
    locked = _locked(actor, exclusion, expected_version)
    if locked.cancelled_on is not None:
        raise ValidationError("This exclusion was cancelled.")
    errors: dict[str, str] = {}
    if by not in Exclusion.ProvisionBy.values:
        errors["by"] = "Choose who arranged the education."
    if not where.strip():
        errors["where"] = "Enter where the pupil is taught."
    if starts_on < locked.start_date:
        errors["starts_on"] = "The education cannot start before the exclusion does."
    if errors:
        raise ValidationError(errors)
    locked.provision_by = by
    locked.provision_where = where.strip()[:200]
    locked.provision_from = starts_on
    return _save(actor, locked, ["provision_by", "provision_where", "provision_from"], "provision")


@transaction.atomic
def board_outcome_record(
    *,
    actor: User,
    exclusion: Exclusion,
    expected_version: int,
    met_on: Date,
    outcome: str,
    decision_sent_on: Date | None = None,
) -> Exclusion:
    """Record the governing board's decision: upheld, or reinstatement directed; and the
    day its decision was sent to the parents in writing (the review window runs from it).

    After an independent review's "reconsider" or "quashed", this records the board's
    reconsideration; if it upholds the exclusion again, the pupil comes off roll that day."""
    locked = _locked(actor, exclusion, expected_version)
    today = timezone.localdate()
    if locked.cancelled_on is not None:
        raise ValidationError("This exclusion was cancelled.")
    if outcome not in Exclusion.BoardOutcome.values:
        raise ValidationError({"outcome": "Choose the board's decision."})
    _not_after_today(met_on, "met_on", "The day the board met")
    if decision_sent_on is not None:
        _not_after_today(decision_sent_on, "decision_sent_on", "The day the decision was sent")
        if decision_sent_on < met_on:
            raise ValidationError(
                {"decision_sent_on": "The decision cannot be sent before the board met."}
            )
    existing, mine, calendar = _facts_and_calendar(locked, today)
    if met_on < rules.decision_day(mine):
        raise ValidationError({"met_on": "The board cannot meet before the exclusion was made."})
    if locked.review_decided_on is not None and met_on < locked.review_decided_on:
        raise ValidationError(
            {
                "met_on": (
                    "The review panel decided on "
                    f"{_say_day(locked.review_decided_on)}: record the board's "
                    "reconsideration, on or after that day."
                )
            }
        )
    at_setting = [x for x in existing if x.setting == mine.setting]
    if outcome == Exclusion.BoardOutcome.REINSTATED and not rules.board_may_reinstate(
        calendar, at_setting, mine
    ):
        raise ValidationError(
            {
                "outcome": (
                    "With 5 or fewer days of suspension in the term the board considers the "
                    "parents' representations but cannot direct reinstatement."
                )
            }
        )
    locked.board_met_on = met_on
    locked.board_outcome = outcome
    locked.board_decision_sent_on = decision_sent_on
    _save(
        actor, locked, ["board_met_on", "board_outcome", "board_decision_sent_on"], "board outcome"
    )
    facts = facts_of(locked)
    reconsidered = locked.review_outcome in (
        Exclusion.ReviewOutcome.RECONSIDER,
        Exclusion.ReviewOutcome.QUASHED,
    )
    if reconsidered:
        last = rules.off_roll_day(calendar, facts, today)
        if last is not None:
            _take_off_roll(actor, locked, last)
    return locked


@transaction.atomic
def review_outcome_record(
    *,
    actor: User,
    exclusion: Exclusion,
    expected_version: int,
    applied_on: Date,
    outcome: str = "",
    decided_on: Date | None = None,
) -> Exclusion:
    """Record the parents' application for an independent review of a permanent exclusion
    (within 15 school days of the board's decision letter) and, when known, the panel's
    decision. If the panel upholds the exclusion the pupil comes off roll that day."""
    locked = _locked(actor, exclusion, expected_version)
    today = timezone.localdate()
    if locked.kind != Exclusion.Kind.PERMANENT:
        raise ValidationError("Only a permanent exclusion goes to an independent review.")
    if locked.cancelled_on is not None:
        raise ValidationError("This exclusion was cancelled.")
    sent = locked.board_decision_sent_on
    if locked.board_outcome != Exclusion.BoardOutcome.UPHELD or sent is None:
        raise ValidationError(
            "Record the governing board's decision to uphold it, and the day it was sent, first."
        )
    if locked.enrolment.end_date is not None and locked.review_applied_on is None:
        raise ValidationError("The pupil is already off roll: the review route was closed.")
    _not_after_today(applied_on, "applied_on", "The day the parents applied")
    _, mine, calendar = _facts_and_calendar(locked, today)
    last = rules.review_window_last_day(calendar, mine)
    if applied_on < sent:
        raise ValidationError(
            {"applied_on": "The parents apply after the board's decision was sent."}
        )
    if last is not None and applied_on > last:
        raise ValidationError(
            {
                "applied_on": (
                    f"The window closed on {_say_day(last)}, 15 school days after the "
                    "board's decision was sent."
                )
            }
        )
    if outcome and outcome not in Exclusion.ReviewOutcome.values:
        raise ValidationError({"outcome": "Choose the panel's decision."})
    if outcome and decided_on is None:
        raise ValidationError({"decided_on": "Enter the day the panel decided."})
    if decided_on is not None and not outcome:
        raise ValidationError({"outcome": "Choose the panel's decision."})
    if decided_on is not None:
        _not_after_today(decided_on, "decided_on", "The day the panel decided")
        if decided_on < applied_on:
            raise ValidationError(
                {"decided_on": "The panel cannot decide before the parents applied."}
            )
    locked.review_applied_on = applied_on
    locked.review_outcome = outcome
    locked.review_decided_on = decided_on
    _save(actor, locked, ["review_applied_on", "review_outcome", "review_decided_on"], "review")
    if outcome == Exclusion.ReviewOutcome.UPHELD and decided_on is not None:
        _take_off_roll(actor, locked, decided_on)
    return locked


@transaction.atomic
def exclusion_off_roll(
    *,
    actor: User,
    exclusion: Exclusion,
    expected_version: int,
    parents_declined_on: Date | None = None,
) -> Exclusion:
    """Take a permanently excluded pupil off roll once the review route is exhausted with
    no application: on the day the parents confirmed in writing that they will not apply,
    or on the last day of the window once it has closed."""
    locked = _locked(actor, exclusion, expected_version)
    today = timezone.localdate()
    sent = locked.board_decision_sent_on
    if (
        locked.kind != Exclusion.Kind.PERMANENT
        or locked.cancelled_on is not None
        or locked.board_outcome != Exclusion.BoardOutcome.UPHELD
        or sent is None
    ):
        raise ValidationError(
            "A pupil comes off roll only after the board upholds a permanent exclusion and "
            "sends its decision."
        )
    if locked.review_applied_on is not None:
        raise ValidationError("The parents applied for a review: record its outcome instead.")
    if locked.enrolment.end_date is not None:
        raise ValidationError("The pupil is already off roll.")
    _, mine, calendar = _facts_and_calendar(locked, today)
    if parents_declined_on is not None:
        _not_after_today(parents_declined_on, "parents_declined_on", "The day")
        if parents_declined_on < sent:
            raise ValidationError(
                {"parents_declined_on": "This is before the board's decision was sent."}
            )
        last = parents_declined_on
        what = "off roll, parents will not apply"
    else:
        found = rules.off_roll_day(calendar, mine, today)
        what = "off roll, review window closed"
        if found is None:
            closes = rules.review_window_last_day(calendar, mine)
            when = f"until {_say_day(closes)}" if closes else "for 15 school days"
            raise ValidationError(
                f"The parents may apply for an independent review {when}: the pupil stays on "
                "roll until then, unless they confirm in writing that they will not apply."
            )
        last = found
    _take_off_roll(actor, locked, last)
    return _save(actor, locked, [], what)


@transaction.atomic
def exclusion_cancel(
    *, actor: User, exclusion: Exclusion, expected_version: int, cancelled_on: Date
) -> Exclusion:
    """The head withdraws an exclusion the governing board has not yet reviewed; the
    pupil returns (sessions from that day no longer count)."""
    locked = _locked(actor, exclusion, expected_version)
    if locked.cancelled_on is not None:
        raise ValidationError("This exclusion is already cancelled.")
    if locked.board_met_on is not None:
        raise ValidationError(
            "The governing board has reviewed this exclusion: it can no longer be cancelled."
        )
    if locked.kind == Exclusion.Kind.PERMANENT and locked.enrolment.end_date is not None:
        raise ValidationError("The pupil is already off roll.")
    _not_after_today(cancelled_on, "cancelled_on", "The day")
    if cancelled_on < rules.decision_day(facts_of(locked)):
        raise ValidationError(
            {"cancelled_on": "An exclusion cannot be cancelled before it was made."}
        )
    locked.cancelled_on = cancelled_on
    return _save(actor, locked, ["cancelled_on"], "cancelled")
