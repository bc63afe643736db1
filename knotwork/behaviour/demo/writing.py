"""Writing the demo's behaviour records: plain INSERTs in batches on SQLite, COPY on
PostgreSQL (and UPDATEs of the registers that changed, and of the enrolments of pupils
come off roll after permanent exclusion), the values as each database takes them.

``bulk_create`` makes a model instance of every row: it took 8 s for 100,000 incidents
against 1.8 s for an ``executemany`` of the same rows on SQLite, and the demo writes
about three incidents a pupil; on PostgreSQL ``executemany`` took 54 s for the
130,000-pupil demo's million rows, COPY about 25 s. Incidents get their ids here, in
order of setting and time, so the indexes grow at their end; on PostgreSQL the id
sequence is moved on past them.
"""

from __future__ import annotations

import datetime
import os
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import numpy as np
import numpy.typing as npt
from django.core.management.color import no_style
from django.db import connection
from django.db.models import Field, Max, Model

from knotwork.attendance.models import Register
from knotwork.behaviour.demo.records import BehaviourCounts, ExclusionPlan, Records
from knotwork.behaviour.demo.roll import Context, utc_offset
from knotwork.behaviour.demo.tables import (
    ACTIONS,
    BULLYING,
    DESCRIPTIONS,
    KINDS,
    PERMANENT,
    PLACES,
    ROLES,
    STAFF,
    SUSPENSION,
    WITHDRAWAL_KINDS,
)
from knotwork.behaviour.models import Exclusion, Incident, IncidentPupil, Withdrawal
from knotwork.pupils.models import Enrolment

Date = datetime.date
Ints = npt.NDArray[np.int64]
Progress = Callable[[int, int], None]

BATCH_SIZE = 5000  # rows an executemany
#: SQLite's page cache while loading (256 MB), so inserts into the indexes stay fast.
SQLITE_CACHE_KIB = 262144


class Writer:
    """Plain INSERTs (and UPDATEs) in batches, with values as the database takes them: on
    SQLite text for dates and times and hex for UUIDs, as Django stores them there."""

    def __init__(self, total: int, progress: Progress | None) -> None:
        self.total, self.done, self.progress = total, 0, progress
        self.sqlite = connection.vendor == "sqlite"
        self.native_uuid = connection.features.has_native_uuid_field
        self._adapt_date = connection.ops.adapt_datefield_value

    def uuids(self, n: int) -> list[Any]:
        raw = np.frombuffer(os.urandom(16 * n), dtype=np.uint8).reshape(n, 16).copy()
        raw[:, 6] = (raw[:, 6] & 0x0F) | 0x40  # version 4
        raw[:, 8] = (raw[:, 8] & 0x3F) | 0x80  # the RFC 4122 variant
        data = raw.tobytes()
        if self.native_uuid:
            return [uuid.UUID(bytes=data[i : i + 16]) for i in range(0, 16 * n, 16)]
        text = data.hex()
        return [text[i : i + 32] for i in range(0, 32 * n, 32)]

    def datetimes(self, values: npt.NDArray[Any]) -> list[Any]:
        """UTC times (numpy, to the minute) as the database takes aware datetimes."""
        if self.sqlite:
            text = np.datetime_as_string(values.astype("datetime64[s]"), unit="s").tolist()
            return [t.replace("T", " ") for t in text]
        adapt = connection.ops.adapt_datetimefield_value
        naive = values.astype("datetime64[us]").tolist()
        return [adapt(v.replace(tzinfo=datetime.UTC)) for v in naive]

    def dates(self, values: npt.NDArray[Any]) -> list[Any]:
        return [self.date(v) for v in values.astype("datetime64[D]").tolist()]

    def date(self, value: Date | None) -> Any:
        if value is None:
            return None
        return value.isoformat() if self.sqlite else self._adapt_date(value)

    def insert(
        self, model: type[Model], columns: Sequence[str], batches: Iterable[list[tuple[Any, ...]]]
    ) -> None:
        """The rows, batch by batch: COPY on PostgreSQL, INSERTs elsewhere."""
        meta, quote = model._meta, connection.ops.quote_name
        table = quote(meta.db_table)
        names = ", ".join(quote(_column(meta.get_field(name))) for name in columns)
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                    for batch in batches:
                        for row in batch:
                            copy.write_row(row)
                        self._report(len(batch))
                return
            values = ", ".join(["%s"] * len(columns))
            sql = f"INSERT INTO {table} ({names}) VALUES ({values})"
            for batch in batches:
                cursor.executemany(sql, batch)
                self._report(len(batch))

    def update_marks(self, registers: dict[int, bytes]) -> None:
        quote = connection.ops.quote_name
        table = quote(Register._meta.db_table)
        sql = f"UPDATE {table} SET {quote('marks')} = %s WHERE {quote('id')} = %s"
        pairs = [(marks, pk) for pk, marks in sorted(registers.items())]
        with connection.cursor() as cursor:
            for start in range(0, len(pairs), BATCH_SIZE):
                batch = pairs[start : start + BATCH_SIZE]
                cursor.executemany(sql, batch)
                self._report(len(batch))

    def end_enrolments(self, ends: dict[int, Date]) -> None:
        """The last day on roll of each enrolment (by id) given one."""
        quote = connection.ops.quote_name
        table = quote(Enrolment._meta.db_table)
        sql = f"UPDATE {table} SET {quote('end_date')} = %s WHERE {quote('id')} = %s"
        pairs = [(self.date(day), pk) for pk, day in sorted(ends.items())]
        with connection.cursor() as cursor:
            for start in range(0, len(pairs), BATCH_SIZE):
                cursor.executemany(sql, pairs[start : start + BATCH_SIZE])

    def _report(self, rows: int) -> None:
        self.done += rows
        if self.progress is not None:
            self.progress(self.done, self.total)


@contextmanager
def roomy_cache() -> Iterator[None]:
    """On SQLite, a page cache big enough for the indexes while loading."""
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        before = int(cursor.fetchone()[0])
        cursor.execute(f"PRAGMA cache_size = -{SQLITE_CACHE_KIB}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size = {before}")


def _column(field: object) -> str:
    assert isinstance(field, Field) and field.column
    return str(field.column)


def _batches(n: int) -> Iterator[slice]:
    return (slice(start, min(n, start + BATCH_SIZE)) for start in range(0, n, BATCH_SIZE))


_INCIDENT_COLUMNS = (
    "id", "uuid", "setting", "occurred_at", "place", "kind", "severity", "bullying", "racist",
    "description", "staff_involved", "action_taken", "follow_up_owner", "follow_up_on",
    "follow_up_done_on", "recorded_by", "recorded_at", "version",
)  # fmt: skip
_INCIDENT_VALUES = ("setting", "place", "kind", "severity", "bullying", "racist", "description",
                    "staff", "action", "owner")  # fmt: skip
_WITHDRAWAL_COLUMNS = ("uuid", "pupil", "setting", "incident", "kind", "date", "sessions",
                       "minutes", "recorded_by", "recorded_at")  # fmt: skip
_EXCLUSION_DATES = (
    "parents_told_on", "la_told_on", "social_worker_told_on", "virtual_school_told_on",
    "governors_told_on", "provision_from", "parents_representations_on", "board_met_on",
    "board_decision_sent_on", "review_applied_on", "review_decided_on", "cancelled_on",
)  # fmt: skip
_EXCLUSION_TEXT = ("parents_told_how", "provision_by", "provision_where", "board_outcome",
                   "review_outcome")  # fmt: skip
_EXCLUSION_COLUMNS = (
    "uuid", "pupil", "enrolment", "incident", "kind", "start_date", "start_half", "sessions",
    "reason_1", "reason_2", "reason_3", "decided_by", *_EXCLUSION_DATES, *_EXCLUSION_TEXT,
    "recorded_by", "recorded_at", "version",
)  # fmt: skip


def _incident_rows(
    writer: Writer, columns: dict[str, npt.NDArray[Any]], context: Context, first_id: int
) -> Iterator[list[tuple[Any, ...]]]:
    pks, users = context.setting_pks, context.users
    for part in _batches(columns["kind"].shape[0]):
        uuids = writer.uuids(part.stop - part.start)
        occurred = writer.datetimes(columns["occurred"][part])
        recorded = writer.datetimes(columns["recorded"][part])
        follow_on = writer.dates(columns["follow_on"][part])
        done_on = writer.dates(columns["done_on"][part])
        values = zip(*(columns[name][part].tolist() for name in _INCIDENT_VALUES), strict=True)
        yield [
            (first_id + part.start + i, uuids[i], pks[setting], occurred[i], PLACES[place],
             KINDS[kind], severity, BULLYING[bullying], bool(racist), DESCRIPTIONS[description],
             STAFF[staff], ACTIONS[action], owner or None, follow_on[i], done_on[i],
             users[setting], recorded[i], 1)
            for i, (setting, place, kind, severity, bullying, racist, description, staff,
                    action, owner) in enumerate(values)
        ]  # fmt: skip


def _role_rows(incident: Ints, pupil: Ints, role: Ints) -> Iterator[list[tuple[Any, ...]]]:
    for part in _batches(incident.shape[0]):
        values = zip(
            incident[part].tolist(), pupil[part].tolist(), role[part].tolist(), strict=True
        )
        yield [(i, p, ROLES[r]) for i, p, r in values]


def _withdrawal_rows(
    writer: Writer, columns: dict[str, npt.NDArray[Any]], context: Context
) -> Iterator[list[tuple[Any, ...]]]:
    kinds = [name for _, name, _ in WITHDRAWAL_KINDS]
    names = ("incident", "pupil_id", "setting", "kind", "minutes", "sessions")
    for part in _batches(columns["kind"].shape[0]):
        uuids = writer.uuids(part.stop - part.start)
        dates = writer.dates(columns["date"][part])
        recorded = writer.datetimes(columns["recorded"][part])
        values = zip(*(columns[name][part].tolist() for name in names), strict=True)
        yield [
            (uuids[i], pupil, context.setting_pks[setting], incident, kinds[kind], dates[i],
             sessions or None, minutes or None, context.users[setting], recorded[i])
            for i, (incident, pupil, setting, kind, minutes, sessions) in enumerate(values)
        ]  # fmt: skip


def _exclusion_rows(
    writer: Writer, plans: list[ExclusionPlan], context: Context, incident_ids: Ints
) -> Iterator[list[tuple[Any, ...]]]:
    """Exclusions, recorded at half past four on the day the parents were told."""
    roll = context.roll
    for part in _batches(len(plans)):
        batch = plans[part]
        uuids = writer.uuids(len(batch))
        told = np.asarray([plan.notices["parents_told_on"] for plan in batch], "datetime64[D]")
        offsets = np.asarray([utc_offset(plan.notices["parents_told_on"]) for plan in batch])
        recorded = writer.datetimes(
            told.astype("datetime64[m]") + (990 - offsets).astype("timedelta64[m]")
        )
        rows = []
        for i, plan in enumerate(batch):
            setting = int(roll.setting[plan.row])
            rows.append((
                uuids[i], int(roll.pupil_id[plan.row]), int(roll.enrolment[plan.row]),
                int(incident_ids[plan.incident]), plan.kind, writer.date(plan.start),
                plan.start_half, plan.sessions, *(*plan.reasons, "", "")[:3],
                context.heads[setting],
                *(writer.date(plan.notices.get(name)) for name in _EXCLUSION_DATES),
                *(plan.notices.get(name) or "" for name in _EXCLUSION_TEXT),
                context.users[setting], recorded[i], 1,
            ))  # fmt: skip
        yield rows


def write(records: Records, context: Context, progress: Progress | None) -> BehaviourCounts:
    """Incidents numbered in order of setting and time (so indexes grow at their end), the
    pupils in them, withdrawals, exclusions; then the registers that changed."""
    counts = BehaviourCounts(
        incidents=len(records.incidents),
        incident_pupils=len(records.roles),
        withdrawals=len(records.withdrawals),
        suspensions=sum(plan.kind == SUSPENSION for plan in records.exclusions),
        permanent_exclusions=sum(plan.kind == PERMANENT for plan in records.exclusions),
        registers_changed=len(records.registers),
    )
    total = (counts.incidents + counts.incident_pupils + counts.withdrawals
             + len(records.exclusions) + counts.registers_changed)  # fmt: skip
    writer = Writer(total, progress)
    incidents = {name: records.incidents[name] for name in records.incidents.parts}
    order = np.lexsort(
        (incidents.get("occurred", np.zeros(0)), incidents.get("setting", np.zeros(0)))
    )
    first_id = (Incident.objects.aggregate(most=Max("pk"))["most"] or 0) + 1
    ids = np.empty(order.shape[0], dtype=np.int64)
    ids[order] = first_id + np.arange(order.shape[0])
    if counts.incidents:
        sorted_incidents = {name: values[order] for name, values in incidents.items()}
        writer.insert(Incident, _INCIDENT_COLUMNS,
                      _incident_rows(writer, sorted_incidents, context, first_id))  # fmt: skip
        with connection.cursor() as cursor:  # the next incident recorded takes the next number
            for sql in connection.ops.sequence_reset_sql(no_style(), [Incident]):
                cursor.execute(sql)
    if counts.incident_pupils:
        role_ids = ids[records.roles["incident"].astype(np.int64)]
        by_incident = np.argsort(role_ids, kind="stable")
        writer.insert(
            IncidentPupil,
            ("incident", "pupil", "role"),
            _role_rows(role_ids[by_incident], records.roles["pupil_id"][by_incident],
                       records.roles["role"][by_incident]),
        )  # fmt: skip
    if counts.withdrawals:
        withdrawals = {name: records.withdrawals[name] for name in records.withdrawals.parts}
        withdrawals["incident"] = ids[withdrawals["incident"].astype(np.int64)]
        writer.insert(
            Withdrawal, _WITHDRAWAL_COLUMNS, _withdrawal_rows(writer, withdrawals, context)
        )
    writer.insert(Exclusion, _EXCLUSION_COLUMNS,
                  _exclusion_rows(writer, records.exclusions, context, ids))  # fmt: skip
    writer.end_enrolments(
        {
            int(context.roll.enrolment[plan.row]): plan.off_roll_on
            for plan in records.exclusions
            if plan.off_roll_on is not None
        }
    )
    writer.update_marks(records.registers)
    with connection.cursor() as cursor:
        for model in (Incident, IncidentPupil, Withdrawal, Exclusion):
            cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")
    return counts
