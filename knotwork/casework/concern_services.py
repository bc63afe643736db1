"""Every change to concerns and trigger rules.

Concerns raised by the trigger points are written in bulk (``concerns_raise``), one audit
row for each concern created; those staff raise by hand, and everything done about a
concern (acknowledged, dismissed with a reason, referred, a case opened), go through one
function each: keyword-only, atomic, access-checked (edit access to the pupil),
validated and audited. Changes refuse a stale ``expected_version`` so two people acting
at once are told.
"""

from __future__ import annotations

import datetime
import gc
import itertools
import json
import uuid
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, models, transaction
from django.db.models.fields import AutoFieldMixin
from django.utils import timezone

from knotwork.accounts.models import User
from knotwork.casework import triggers
from knotwork.casework.models import Concern, Referral, TriggerRule
from knotwork.casework.trigger_queries import trigger_facts
from knotwork.core.audit import audit_record, audit_record_many
from knotwork.core.models import AuditEntry
from knotwork.core.request_context import current_origin
from knotwork.directory.models import Partnership
from knotwork.pupils.access import Access, pupil_access
from knotwork.pupils.models import Enrolment, Pupil

BATCH_SIZE = 1000


class StaleConcern(ValidationError):
    """Someone else acted on the concern since it was read."""


# --- trigger rules ---------------------------------------------------------------------------


@transaction.atomic
def trigger_rules_adopt_defaults(
    *, partnership: Partnership, actor: User | None = None
) -> list[TriggerRule]:
    """Give the partnership the default trigger points (``triggers.DEFAULT_RULES``) it does
    not have a rule of that kind for yet; answers the rules created."""
    held = set(TriggerRule.objects.filter(partnership=partnership).values_list("kind", flat=True))
    made = [
        TriggerRule(
            partnership=partnership,
            kind=kind,
            threshold=threshold,
            window_school_days=window,
            active=active,
            created_by=actor,
        )
        for kind, threshold, window, active in triggers.DEFAULT_RULES
        if kind not in held
    ]
    TriggerRule.objects.bulk_create(made)
    return made


def rule_figures(rule: TriggerRule) -> triggers.Rule:
    return triggers.Rule(
        id=rule.pk,
        kind=rule.kind,
        threshold=rule.threshold,
        window_school_days=rule.window_school_days,
    )


# --- raised by the trigger points --------------------------------------------------------------


def _to_database(field: models.Field[Any, Any]) -> Callable[[Any], Any] | None:
    """How a value of the field goes to the database, as ``get_db_prep_save`` would send
    it, without its per-value cost: JSON as text (a jsonb column parses it), a UUID as
    hex where the database has no UUID type, dates and times by the backend's adapters
    where it has any; None when the value goes as it is."""
    if isinstance(field, models.JSONField):
        encoder = field.encoder
        return lambda value: json.dumps(value, cls=encoder)
    if isinstance(field, models.UUIDField):
        if connection.features.has_native_uuid_field:
            return None
        return lambda value: None if value is None else value.hex
    if connection.vendor == "postgresql":
        return None  # psycopg sends dates and aware times as they are
    if isinstance(field, models.DateTimeField):
        return connection.ops.adapt_datetimefield_value
    if isinstance(field, models.DateField):
        return connection.ops.adapt_datefield_value
    return None


def _rows_insert(
    model: type[models.Model], columns: Sequence[str], rows: Sequence[Sequence[Any]]
) -> None:
    """Insert rows of the named fields' values; every other field takes its default (and
    ``auto_now_add`` the time now), worked out once. COPY on PostgreSQL, an
    ``executemany`` INSERT elsewhere: ``bulk_create`` makes a model instance of every row
    and prepares each value through its field, which took 20 s for the 79,000 concerns
    and audit rows of a 130,000-pupil partnership's first run."""
    if not rows:
        return
    meta = model._meta
    named: list[models.Field[Any, Any]] = []
    for name in columns:
        found = meta.get_field(name)
        assert isinstance(found, models.Field)
        named.append(found)
    prototype = model()
    fixed = [
        f
        for f in meta.concrete_fields
        if f not in named and not (f.primary_key and isinstance(f, AutoFieldMixin))
    ]
    constants = [f.get_db_prep_save(f.pre_save(prototype, True), connection) for f in fixed]
    # Column by column: a value needing no change for this database is passed as it is.
    values: list[Iterable[Any]] = [
        column if to is None else map(to, column)
        for to, column in zip(
            [_to_database(f) for f in named],
            zip(*rows, strict=True),
            strict=True,
        )
    ]
    prepared = zip(*values, *(itertools.repeat(c) for c in constants), strict=False)
    quote = connection.ops.quote_name
    table = quote(meta.db_table)
    names = ", ".join(quote(f.column) for f in [*named, *fixed])
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Django's own errors (IntegrityError and the rest), as for any query.
            copying = cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN")
            with connection.wrap_database_errors, copying as copy:
                for row in prepared:
                    copy.write_row(row)
            return
        marks = ", ".join(["%s"] * (len(named) + len(fixed)))
        sql = f"INSERT INTO {table} ({names}) VALUES ({marks})"
        batch = list(itertools.islice(prepared, BATCH_SIZE))
        while batch:
            cursor.executemany(sql, batch)
            batch = list(itertools.islice(prepared, BATCH_SIZE))


@transaction.atomic
def concerns_raise(
    *, firings: Iterable[triggers.Firing], actor: User | None = None
) -> Counter[int]:
    """Write a concern for each firing whose rule, pupil and key have none yet, and an
    audit row for each; answers how many were created per rule id."""
    wanted: dict[tuple[int, int, str], triggers.Firing] = {}
    for firing in firings:
        wanted.setdefault((firing.rule_id, firing.pupil_id, firing.key[:80]), firing)
    created: Counter[int] = Counter()
    if not wanted:
        return created
    rule_ids = sorted({rule_id for rule_id, _, _ in wanted})
    held = set(
        Concern.objects.filter(source=Concern.Source.TRIGGER, rule_id__in=rule_ids)
        .order_by()  # a set: no sort of every concern by date
        .values_list("rule_id", "pupil_id", "key")
    )
    new = [(uuid.uuid4(), f) for identity, f in wanted.items() if identity not in held]
    trigger, create = Concern.Source.TRIGGER.value, AuditEntry.Action.CREATE.value
    _rows_insert(
        Concern,
        ("uuid", "pupil", "setting", "source", "rule", "key", "summary", "evidence", "fired_on"),
        [
            (
                made,
                f.pupil_id,
                f.setting_id,
                trigger,
                f.rule_id,
                f.key[:80],
                f.summary[:300],
                f.evidence,
                f.fired_on,
            )
            for made, f in new
        ],
    )
    origin = current_origin()
    actor_id, label = (actor.pk if actor is not None else None), Concern._meta.label_lower
    _rows_insert(
        AuditEntry,
        (
            "actor",
            "action",
            "pupil",
            "object_type",
            "object_id",
            "what",
            "request_id",
            "ip_address",
        ),
        [
            (
                actor_id,
                create,
                f.pupil_id,
                label,
                str(made),
                "concern raised by trigger point",
                origin.request_id,
                origin.ip_address,
            )
            for made, f in new
        ],
    )
    created.update(f.rule_id for _, f in new)
    return created


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Python's cycle collector held off while a run builds its facts and firings:
    hundreds of thousands of rows, facts and firings, none of them in a cycle, whose
    allocation set the collector going over and over (2.5 s of a 6.4 s run for a
    130,000-pupil partnership). It runs again as before afterwards."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


@dataclass(frozen=True)
class TriggersRun:
    on: datetime.date
    pupils: int
    raised: dict[TriggerRule, int]
    fired: dict[TriggerRule, int]


def triggers_run(
    *, partnership: Partnership, on: datetime.date, actor: User | None = None
) -> TriggersRun:
    """Evaluate every active trigger rule of the partnership on a day and raise the
    concerns that are new."""
    rules = list(TriggerRule.objects.filter(partnership=partnership, active=True))
    figures = {rule.pk: rule_figures(rule) for rule in rules}
    with _collector_paused():
        facts = trigger_facts(partnership, on, figures.values())
        firings = {rule.pk: triggers.evaluate(figures[rule.pk], facts) for rule in rules}
        found = [f for fired in firings.values() for f in fired]
        created = concerns_raise(firings=found, actor=actor)
    return TriggersRun(
        on=on,
        pupils=len(facts.roll),
        raised={rule: created.get(rule.pk, 0) for rule in rules},
        fired={rule: len(firings[rule.pk]) for rule in rules},
    )


#: A run that raised at least this many concerns tidies the table after it.
TIDY_AFTER = 1000


def concerns_tidy(*, raised: int, at_least: int = TIDY_AFTER) -> bool:
    """After a run that raised many concerns, bring the concern table's planner statistics
    and (PostgreSQL) its visibility map up to date, so the worklist reads the new rows from
    its index at once instead of visiting the table for each until autovacuum comes by a
    minute or so later (at 130,000 pupils: 245 ms at the 95th percentile straight after
    the first run, 78 ms once vacuumed). A VACUUM cannot run inside a transaction, so this
    does nothing there; it says whether it ran."""
    if raised < at_least or connection.in_atomic_block:
        return False
    table = connection.ops.quote_name(Concern._meta.db_table)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"VACUUM (ANALYZE) {table}")
        else:
            cursor.execute(f"ANALYZE {table}")
    return True


# --- raised by staff -------------------------------------------------------------------------


def _require_edit(actor: User, pupil: Pupil) -> None:
    if pupil_access(actor, pupil) < Access.EDIT:
        raise PermissionDenied("You may not change this pupil's concerns.")


@transaction.atomic
def concern_raise(
    *, actor: User, pupil: Pupil, sign: str, note: str, today: datetime.date
) -> Concern:
    """A member of staff raises a concern about a pupil they may edit: the sign they
    noticed and what they saw. It goes on the worklist of the pupil's setting."""
    _require_edit(actor, pupil)
    errors: dict[str, str] = {}
    if sign not in Concern.Sign.values:
        errors["sign"] = "Choose the sign you noticed."
    if not note.strip():
        errors["note"] = "Say what you noticed."
    enrolment = (
        Enrolment.objects.current(today).filter(pupil=pupil).order_by("start_date", "pk").first()
    )
    if enrolment is None:
        errors.setdefault("sign", "The pupil is not on roll at a setting today.")
    if errors:
        raise ValidationError(errors)
    assert enrolment is not None
    label = Concern.Sign(sign).label
    concern = Concern.objects.create(
        pupil=pupil,
        setting_id=enrolment.setting_id,
        source=Concern.Source.STAFF,
        sign=sign,
        summary=f"Raised by staff on {triggers.long_date(today)}: {label.lower()}.",
        note=note.strip(),
        fired_on=today,
        raised_by=actor,
    )
    audit_record(
        actor=actor, action=AuditEntry.Action.CREATE, pupil=pupil, obj=concern, what="concern"
    )
    return concern


# --- acting on a concern -------------------------------------------------------------------------


def _locked(actor: User, concern: Concern, expected_version: int | None) -> Concern:
    locked = Concern.objects.select_for_update().select_related("pupil").get(pk=concern.pk)
    _require_edit(actor, locked.pupil)
    if expected_version is not None and locked.version != expected_version:
        raise StaleConcern(
            "Someone else acted on this concern since you opened the page. "
            "Look at it again before you act."
        )
    if locked.status not in Concern.ACTIVE:
        raise ValidationError(
            f"This concern is {locked.get_status_display().lower()}; it is no longer open."
        )
    return locked


def _act(actor: User, concern: Concern, status: str, what: str, **fields: object) -> Concern:
    concern.status = status
    concern.acted_by = actor
    concern.acted_at = timezone.now()
    concern.version += 1
    for name, value in fields.items():
        setattr(concern, name, value)
    concern.save(update_fields=["status", "acted_by", "acted_at", "version", *fields])
    audit_record(
        actor=actor, action=AuditEntry.Action.UPDATE, pupil=concern.pupil, obj=concern, what=what
    )
    return concern


@transaction.atomic
def concern_acknowledge(*, actor: User, concern: Concern, expected_version: int) -> Concern:
    """Someone has seen the concern and is looking into it."""
    locked = _locked(actor, concern, expected_version)
    if locked.status == Concern.Status.ACKNOWLEDGED:
        raise ValidationError("This concern has already been acknowledged.")
    return _act(actor, locked, Concern.Status.ACKNOWLEDGED, "concern acknowledged")


@transaction.atomic
def concern_dismiss(
    *, actor: User, concern: Concern, expected_version: int, reason: str
) -> Concern:
    """Nothing more to do: dismissed, with the reason (required)."""
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "Say why the concern is dismissed."})
    if len(reason) > 300:
        raise ValidationError({"reason": "Say why in 300 characters or fewer."})
    locked = _locked(actor, concern, expected_version)
    return _act(
        actor, locked, Concern.Status.DISMISSED, "concern dismissed", dismissed_reason=reason
    )


@transaction.atomic
def concern_mark_referred(*, actor: User, concern: Concern, referral: Referral) -> Concern:
    """The concern became this referral (called by ``referral_services`` when a referral
    is sent from a concern)."""
    if referral.pupil_id != concern.pupil_id:
        raise ValidationError("The referral is about another pupil.")
    locked = _locked(actor, concern, None)
    return _act(actor, locked, Concern.Status.REFERRED, "concern referred")


@transaction.atomic
def concern_mark_case_opened(*, actor: User, concern: Concern, case: models.Model) -> Concern:
    """A case was opened around the pupil from this concern."""
    if getattr(case, "pupil_id", concern.pupil_id) != concern.pupil_id:
        raise ValidationError("The case is about another pupil.")
    locked = _locked(actor, concern, None)
    return _act(actor, locked, Concern.Status.CASE_OPENED, "concern became a case")


def concern_worklist_export_audit(*, actor: User, concerns: Sequence[Concern]) -> None:
    """One EXPORT row on each pupil's trail for a worklist taken away as a file."""
    audit_record_many(
        actor=actor,
        action=AuditEntry.Action.EXPORT,
        records=[(c.pupil_id, c) for c in concerns],
        what="concern worklist CSV",
    )
