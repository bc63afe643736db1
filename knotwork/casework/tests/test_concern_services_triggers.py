"""Running the trigger points for a partnership: the facts read from the database, the
concerns raised once, the audit rows, and ``knotwork casework triggers``."""

import datetime
import uuid
from io import StringIO

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from knotwork.attendance.models import Signal
from knotwork.attendance.testing import fill_register, whole_day
from knotwork.behaviour.testing import make_exclusion, make_incident
from knotwork.casework import triggers
from knotwork.casework.concern_services import (
    _rows_insert,
    rule_figures,
    trigger_rules_adopt_defaults,
    triggers_run,
)
from knotwork.casework.models import Concern, TriggerRule
from knotwork.casework.tests.concern_helpers import make_rules
from knotwork.casework.trigger_queries import trigger_facts
from knotwork.core.models import AuditEntry
from knotwork.core.testing import make_pupil

pytestmark = pytest.mark.django_db

FRIDAY = datetime.date(2026, 11, 20)


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(datetime.datetime(2026, 11, 20, 17, 0), tick=False):
        yield


def at(day):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(13, 20)))


@pytest.fixture
def firing(cast):
    """Amira: 9 days off in November; Liam: three incidents and two suspensions."""
    rules = make_rules(cast.partnership)
    absent = {}
    for day in (datetime.date(2026, 11, d) for d in (2, 3, 4, 5, 6, 9, 10, 11, 12)):
        absent.update(whole_day(day, "O"))
    fill_register(cast.pupil_a.enrolments.get(), 2026, through=FRIDAY, marks=absent)
    fill_register(cast.linked_pupil.enrolments.get(), 2026, through=FRIDAY)
    for day in (datetime.date(2026, 11, 16), datetime.date(2026, 11, 17), FRIDAY):
        make_incident(
            setting=cast.school_a,
            recorded_by=cast.officer,
            pupils={cast.linked_pupil: "instigator"},
            occurred_at=at(day),
        )
    make_exclusion(
        pupil=cast.linked_pupil, recorded_by=cast.officer, start_date=datetime.date(2026, 10, 5)
    )
    make_exclusion(
        pupil=cast.linked_pupil, recorded_by=cast.officer, start_date=datetime.date(2026, 11, 18)
    )
    Signal.objects.create(
        enrolment=cast.pupil_a.enrolments.get(),
        kind=Signal.Kind.PENALTY_THRESHOLD,
        first_seen=datetime.date(2026, 11, 12),
        last_seen=FRIDAY,
        evidence={
            "sessions": 18,
            "window_from": "2026-09-21",
            "window_to": "2026-11-12",
            "school_weeks": 7,
            "codes": ["G", "N", "O", "U"],
        },
    )
    return rules


def raised(kind):
    return list(Concern.objects.filter(rule__kind=kind).values_list("pupil__legal_forename", "key"))


def test_each_rule_raises_its_concerns_on_the_pupils_setting(cast, firing):
    outcome = triggers_run(partnership=cast.partnership, on=FRIDAY)
    by_kind = {rule.kind: n for rule, n in outcome.raised.items()}
    assert by_kind == {
        "attendance_below": 1,
        "newly_persistent": 0,
        "penalty_threshold": 1,
        "incidents": 1,
        "suspension": 2,
        "repeat_suspension": 1,
        "managed_move": 0,
    }
    assert raised("attendance_below") == [("Amira", "term:2026-autumn")]
    assert raised("incidents")[0][0] == "Liam"
    concern = Concern.objects.get(rule__kind="attendance_below")
    assert concern.summary.startswith(
        "Attendance 70.0% over the 30 school days to 20 November 2026 (possible 60, missed 9 days)"
    )
    assert (concern.setting, concern.status, concern.fired_on) == (cast.school_a, "open", FRIDAY)
    penalty = Concern.objects.get(rule__kind="penalty_threshold")
    assert penalty.summary.startswith("Penalty notice threshold reached on 12 November 2026: 18")


def test_running_twice_raises_nothing_new(cast, firing):
    triggers_run(partnership=cast.partnership, on=FRIDAY)
    again = triggers_run(partnership=cast.partnership, on=FRIDAY)
    assert set(again.raised.values()) == {0}
    assert Concern.objects.count() == 6


def test_each_concern_created_writes_one_audit_row_on_its_pupil(cast, firing):
    triggers_run(partnership=cast.partnership, on=FRIDAY)
    rows = AuditEntry.objects.filter(object_type="casework.concern", action="create")
    assert rows.count() == 6
    assert sorted(rows.values_list("object_id", flat=True)) == sorted(
        str(u) for u in Concern.objects.values_list("uuid", flat=True)
    )
    assert {r.pupil_id for r in rows} == {cast.pupil_a.pk, cast.linked_pupil.pk}
    assert all("Amira" not in r.what for r in rows)


def test_an_inactive_rule_raises_nothing(cast, firing):
    TriggerRule.objects.filter(kind="suspension").update(active=False)
    outcome = triggers_run(partnership=cast.partnership, on=FRIDAY)
    assert "suspension" not in {rule.kind for rule in outcome.raised}
    assert not Concern.objects.filter(rule__kind="suspension").exists()


def test_the_facts_are_read_in_the_same_number_of_queries_for_more_pupils(cast, firing):
    with CaptureQueriesContext(connection) as few:
        triggers_run(partnership=cast.partnership, on=FRIDAY)
    Concern.objects.all().delete()
    for _ in range(15):
        pupil = make_pupil(setting=cast.school_a)
        fill_register(pupil.enrolments.get(), 2026, through=FRIDAY)
        make_exclusion(pupil=pupil, recorded_by=cast.officer)
    with CaptureQueriesContext(connection) as many:
        triggers_run(partnership=cast.partnership, on=datetime.date(2026, 11, 23))
    assert len(many) == len(few)


def test_the_defaults_are_seven_rules_all_active_and_adopted_once(cast):
    made = trigger_rules_adopt_defaults(partnership=cast.partnership)
    assert len(made) == 7
    assert [r.kind for r in made if not r.active] == []
    rule = TriggerRule.objects.get(kind="attendance_below")
    assert (rule.threshold, rule.window_school_days, rule.stale_after_days) == (90, 30, 10)
    assert trigger_rules_adopt_defaults(partnership=cast.partnership) == []


def test_the_command_prints_the_concerns_raised_per_rule(cast, firing):
    out = StringIO()
    call_command(
        "casework",
        "triggers",
        "--on",
        "2026-11-20",
        "--partnership",
        str(cast.partnership.uuid),
        stdout=out,
    )
    text = out.getvalue()
    assert (
        "Trigger points for East Marsh North Partnership on 2026-11-20: 3 pupils on roll." in text
    )
    assert "Attendance below a rate over recent school days" in text
    assert Concern.objects.count() == 6


def test_the_command_refuses_a_bad_date_or_partnership(cast):
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("casework", "triggers", "--on", "20/11/2026")
    with pytest.raises(CommandError, match="UUID"):
        call_command("casework", "triggers", "--partnership", "nope")


def test_a_raised_concern_holds_its_firing_and_the_defaults_and_its_audit_row_the_actor(
    cast, firing
):
    triggers_run(partnership=cast.partnership, on=FRIDAY, actor=cast.officer)
    concern = Concern.objects.get(rule__kind="attendance_below")
    assert (concern.source, concern.status, concern.version, concern.key) == (
        "trigger",
        "open",
        1,
        "term:2026-autumn",
    )
    assert (concern.note, concern.sign, concern.dismissed_reason) == ("", "", "")
    assert concern.raised_by is None and concern.acted_by is None and concern.acted_at is None
    assert concern.raised_at == timezone.now()
    assert concern.evidence["possible"] == 60 and concern.evidence["attending"] == 42
    assert concern.evidence["from"] < concern.evidence["to"] == FRIDAY.isoformat()
    repeat = Concern.objects.get(rule__kind="repeat_suspension")
    assert len(repeat.evidence["exclusions"]) == 2
    row = AuditEntry.objects.get(object_id=str(concern.uuid))
    assert (row.actor, row.action, row.pupil_id) == (cast.officer, "create", cast.pupil_a.pk)
    assert row.at == timezone.now()


def test_an_incident_after_midnight_in_summer_time_counts_on_its_london_day(cast):
    rules = make_rules(cast.partnership)
    # 00:30 on Tuesday 6 October in London is 23:30 on Monday 5 October in UTC.
    when = timezone.make_aware(datetime.datetime(2026, 10, 6, 0, 30))
    assert when.astimezone(datetime.UTC).date() == datetime.date(2026, 10, 5)
    make_incident(
        setting=cast.school_a,
        recorded_by=cast.officer,
        pupils={cast.pupil_a: "instigator"},
        occurred_at=when,
    )
    facts = trigger_facts(cast.partnership, FRIDAY, [rule_figures(rules["incidents"])])
    assert [(x.pupil_id, x.day) for x in facts.incidents] == [
        (cast.pupil_a.pk, datetime.date(2026, 10, 6))
    ]


def test_a_register_shorter_than_the_window_reads_as_no_marks_and_others_in_full(cast):
    rules = make_rules(cast.partnership)
    full = fill_register(cast.pupil_a.enrolments.get(), 2026, through=FRIDAY)
    short = fill_register(cast.linked_pupil.enrolments.get(), 2026, through=FRIDAY)
    last = max(i for i, mark in enumerate(bytes(short.marks)) if mark)  # Friday afternoon
    cut = bytes(short.marks)[: last + 1 - 10]  # stored only up to the Friday before
    type(short).objects.filter(pk=short.pk).update(marks=cut)
    facts = trigger_facts(cast.partnership, FRIDAY, [rule_figures(rules["attendance_below"])])
    (window,) = [w for w in facts.registers if cast.pupil_a.pk in w.pupils]
    assert window.days[-1] == FRIDAY and len(window.days) == 30
    marks = {p: window.marks[row] for row, p in enumerate(window.pupils)}
    assert (marks[cast.linked_pupil.pk][-10:] == 0).all()
    assert (marks[cast.linked_pupil.pk][:-10] != 0).all()
    assert (marks[cast.pupil_a.pk] != 0).all()
    assert len(bytes(full.marks)) > len(cut)


def test_a_firing_a_concern_already_holds_is_refused_by_the_database_as_an_integrity_error(
    cast, firing
):
    triggers_run(partnership=cast.partnership, on=FRIDAY)
    held = Concern.objects.get(rule__kind="attendance_below")
    again = triggers.Firing(
        rule_id=held.rule_id,
        pupil_id=held.pupil_id,
        setting_id=held.setting_id,
        key=held.key,
        summary="The same again.",
        fired_on=FRIDAY,
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        _rows_insert(
            Concern,
            ("uuid", "pupil", "setting", "source", "rule", "key", "summary", "fired_on"),
            [
                (
                    uuid.uuid4(),
                    again.pupil_id,
                    again.setting_id,
                    "trigger",
                    again.rule_id,
                    again.key,
                    again.summary,
                    again.fired_on,
                )
            ],
        )
    assert Concern.objects.filter(rule__kind="attendance_below").count() == 1
