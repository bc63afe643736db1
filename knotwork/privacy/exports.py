"""Files for the data protection lead: a pupil's view log as CSV, and the subject access
export, everything knotwork holds on a pupil in one ZIP.

The export is found, not listed: starting from ``Pupil`` it walks every model that refers
to it (``_meta`` reverse relations, hidden ones too), then every model that refers to
those, and so on, so a record added by a later app is in the export without anyone
remembering to add it. A model with its own foreign key to the pupil contributes only that
pupil's rows; a model reached through another record (a register through an enrolment, a
review through a case) contributes the rows of those records; a record the pupil's row
joins them to (the incident their part in it belongs to) comes in too. Nothing is left out: what
must be redacted before the file goes to the pupil or their parent (other children and
third parties named in shared records) is for a reviewer, as the summary says.
"""

from __future__ import annotations

import csv
import datetime
import io
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from django.db import models
from django.db.models import Q, QuerySet, UniqueConstraint
from django.utils import timezone

from knotwork.attendance.codes import BY_ID
from knotwork.core.models import AuditEntry
from knotwork.privacy.queries import organisations_of
from knotwork.pupils.models import Pupil

#: How far from the pupil the walk goes (pupil -> case -> review -> ... ).
MAX_DEPTH = 6

REDACTION_NOTE = (
    "Before this is released, a reviewer must redact what the pupil is not entitled to: "
    "information about other children (for example other pupils named in an incident, "
    "a group withdrawal or a case note) and about third parties who have not agreed to "
    "its release, unless it is reasonable to release it without their agreement (UK "
    "GDPR Article 15(4); Data Protection Act 2018 Schedule 2 Part 3). Staff acting in "
    "their professional role are not third parties in this sense. Check also any "
    "exemption for serious harm or for child protection records before release."
)


# --- the walk -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Kind:
    """One kind of record in the export and how its rows are found."""

    model: type[models.Model]
    rows: QuerySet[Any]
    depth: int

    @property
    def label(self) -> str:
        return self.model._meta.label_lower


def _referring(model: type[models.Model]) -> Iterator[tuple[type[models.Model], str]]:
    """Models that refer to ``model``, with the name of the field doing it (on them)."""
    for relation in model._meta.get_fields(include_hidden=True):
        if not (relation.auto_created and not relation.concrete and relation.is_relation):
            continue
        related = relation.related_model
        if related is None or isinstance(related, str) or related._meta.auto_created:
            continue  # an automatic many-to-many table: covered by its field
        field = getattr(relation, "field", None)
        if field is None:
            continue
        yield related, field.name


def _joined(
    model: type[models.Model], pupil_field: str
) -> Iterator[tuple[type[models.Model], str]]:
    """Records a pupil's row joins them to: where the model is unique over the pupil and
    one other foreign key (a pupil's part in an incident), the record that key points at
    is the pupil's too (the incident), with the column holding its id."""
    groups = [tuple(c.fields) for c in model._meta.constraints if isinstance(c, UniqueConstraint)]
    groups += [tuple(g) for g in model._meta.unique_together]
    for names in groups:
        if len(names) != 2 or pupil_field not in names:
            continue
        other = model._meta.get_field(next(n for n in names if n != pupil_field))
        target = other.related_model
        if isinstance(other, models.ForeignKey) and isinstance(target, type):
            yield target, other.attname


def subject_access_kinds(pupil: Pupil) -> list[Kind]:
    """Every kind of record that refers to the pupil, directly or through another record,
    with a queryset of the rows about this pupil (breadth first: the nearest path wins).
    Records a pupil's row joins them to (``_joined``) come in beside those that refer to
    the pupil's row."""
    kinds: dict[type[models.Model], Kind] = {
        Pupil: Kind(Pupil, Pupil.objects.filter(pk=pupil.pk), 0)
    }
    frontier: list[Kind] = [kinds[Pupil]]
    joins: dict[type[models.Model], Q] = {}
    for depth in range(1, MAX_DEPTH + 1):
        found: dict[type[models.Model], Q] = dict(joins)
        joins = {}
        for parent in frontier:
            for model, field_name in _referring(parent.model):
                if model in kinds:
                    continue
                if depth == 1:
                    condition = Q(**{field_name: pupil})
                    for target, column in _joined(model, field_name):
                        ids = model._default_manager.filter(condition).values(column)
                        joins[target] = joins.get(target, Q(pk__in=[])) | Q(pk__in=ids)
                else:
                    condition = Q(**{f"{field_name}__in": parent.rows.values("pk")})
                found[model] = found[model] | condition if model in found else condition
        frontier = []
        for model, condition in found.items():
            if model in kinds:
                continue
            rows = model._default_manager.filter(condition).distinct().order_by("pk")
            kinds[model] = Kind(model, rows, depth)
            frontier.append(kinds[model])
        joins = {m: q for m, q in joins.items() if m not in kinds}
        if not frontier and not joins:
            break
    return sorted(kinds.values(), key=lambda k: (k.depth, k.label))


# --- rows -----------------------------------------------------------------------------------


def _register_marks(value: bytes) -> str:
    """Register marks as the national codes, one per session ("-" where none yet)."""
    return " ".join(BY_ID[b].code if b in BY_ID else "-" for b in bytes(value))


#: Fields whose stored form needs reading out: (model label, field name) -> how.
DECODERS: dict[tuple[str, str], Callable[[Any], str]] = {
    ("attendance.register", "marks"): _register_marks,
}


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).isoformat(timespec="seconds")
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, bytes | memoryview):
        return bytes(value).hex()
    return str(value)


def kind_table(kind: Kind) -> tuple[list[str], Iterator[list[str]]]:
    """The header and rows of one kind: every stored field, foreign keys as both the id
    and what the record they point at is called."""
    fields = [f for f in kind.model._meta.concrete_fields]
    relations = [f.name for f in fields if f.is_relation]
    header: list[str] = []
    for f in fields:
        header.append(f.attname)
        if f.is_relation:
            header.append(f.name)
    label = kind.label

    def rows() -> Iterator[list[str]]:
        for obj in kind.rows.select_related(*relations).iterator(chunk_size=500):
            row: list[str] = []
            for f in fields:
                value = getattr(obj, f.attname)
                decode = DECODERS.get((label, f.name))
                row.append(decode(value) if decode and value is not None else _cell(value))
                if f.is_relation:
                    target = getattr(obj, f.name)
                    row.append("" if target is None else str(target))
            yield row

    return header, rows()


def _csv_text(header: list[str], rows: Iterable[list[str]]) -> tuple[str, int]:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    count = 0
    for row in rows:
        writer.writerow(row)
        count += 1
    return out.getvalue(), count


def _summary(pupil: Pupil, counts: list[tuple[Kind, int]], made_at: datetime.datetime) -> str:
    lines = [
        "Subject access export from knotwork",
        f"Pupil: {pupil.display_name} (UPN {pupil.upn}, record {pupil.uuid})",
        f"Made: {timezone.localtime(made_at):%d %B %Y at %H:%M}",
        "",
        "One CSV file per kind of record that refers to the pupil, found by walking every",
        "model that points at the pupil or at one of their records. Foreign keys appear",
        "twice: as the id and as what the record is called. Register marks are the",
        "national attendance codes, one per session ('-' where not yet marked).",
        "The view log (core.auditentry) lists who saw or changed the record, this export",
        "included.",
        "",
        "Files and rows:",
    ]
    lines += [
        f"  {kind.label}.csv: {count} row{'s' if count != 1 else ''}" for kind, count in counts
    ]
    lines += ["", "For the reviewer:", REDACTION_NOTE, ""]
    return "\n".join(lines)


def subject_access_zip(pupil: Pupil) -> bytes:
    """The ZIP: ``summary.txt`` and one ``<app>.<model>.csv`` per kind of record."""
    made_at = timezone.now()
    buffer = io.BytesIO()
    counts: list[tuple[Kind, int]] = []
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for kind in subject_access_kinds(pupil):
            header, rows = kind_table(kind)
            text, count = _csv_text(header, rows)
            archive.writestr(f"{kind.label}.csv", text)
            counts.append((kind, count))
        archive.writestr("summary.txt", _summary(pupil, counts, made_at))
    return buffer.getvalue()


# --- the view log ---------------------------------------------------------------------------

VIEW_LOG_HEADER = ["When", "Who", "Organisation", "Action", "Record", "What", "From"]


def view_log_row(entry: AuditEntry) -> list[str]:
    return [
        timezone.localtime(entry.at).isoformat(timespec="seconds"),
        str(entry.actor) if entry.actor is not None else "system",
        organisations_of(entry.actor),
        entry.get_action_display(),
        entry.object_type,
        entry.what,
        entry.ip_address or "",
    ]


def view_log_text(entries: Iterable[AuditEntry]) -> str:
    text, _ = _csv_text(VIEW_LOG_HEADER, (view_log_row(e) for e in entries))
    return text
