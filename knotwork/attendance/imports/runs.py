"""Import runs: a file of marks from upload (or the command line) to its outcome.

``import_run_create`` keeps the file as an ``ImportRun``; ``import_run_start``
hands it to a task (run at once in the embedded set-up, by a worker in
production); ``import_run_execute`` reads, checks and writes it, reporting
progress as it goes. The run's status in the database moves from waiting to
checking to saving, then to done or failed; how far each step has got goes to
the "progress" cache, which the page's poller can read while the writes'
transaction is still open (rows written inside it are not visible until it
commits). The file is taken out of the database when the run starts.
"""

from __future__ import annotations

import csv
import io
import logging
import traceback
import uuid as uuid_module
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import PurePath

from django.core.cache import caches
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone
from django_tasks import task

from knotwork.accounts.models import User
from knotwork.attendance.ctf import read_ctf
from knotwork.attendance.imports.checks import check_marks
from knotwork.attendance.imports.marks_file import (
    FileProblem,
    MarkLines,
    Problems,
    read_csv,
)
from knotwork.attendance.imports.writing import RegisterChanged, plan_writes, write_marks
from knotwork.attendance.models import ImportRun
from knotwork.core.audit import audit_record
from knotwork.core.models import AuditEntry
from knotwork.pupils.access import may_enrol_at, visible_settings

logger = logging.getLogger(__name__)

Status = ImportRun.Status
FINISHED = frozenset({Status.DONE, Status.FAILED})
#: Share of the progress bar for reading and checking; the rest is for saving.
CHECKING_SHARE = 0.6
PROGRESS_STEPS = 1000

NOT_SAVED = (
    "The marks could not be saved, so nothing was changed. Try the import again; "
    "if it fails again, tell your administrator."
)
CHANGED_MEANWHILE = (
    "Someone changed a register in this file while it was being checked, so nothing was "
    "imported. Import the file again."
)


def format_of(file_name: str, content: bytes = b"") -> str:
    """CSV or CTF, from the name (.csv, .xml) or, failing that, from how the file starts."""
    suffix = PurePath(file_name).suffix.lower()
    if suffix == ".xml":
        return ImportRun.Format.CTF
    if suffix == ".csv":
        return ImportRun.Format.CSV
    start = content.lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
    return ImportRun.Format.CTF if start == b"<" else ImportRun.Format.CSV


def may_import(user: User) -> bool:
    """Whether the user may record marks at any setting (and so bring in a file)."""
    return any(may_enrol_at(user, setting) for setting in visible_settings(user))


@transaction.atomic
def import_run_create(
    *, actor: User, file_name: str, content: bytes, file_format: str | None = None
) -> ImportRun:
    """Keep an uploaded file of marks as a run waiting to start."""
    if not may_import(actor):
        raise PermissionDenied("You may not record attendance marks at any setting.")
    name = PurePath(file_name.replace("\\", "/")).name[:200] or "marks"
    run = ImportRun.objects.create(
        file_name=name,
        file_format=file_format or format_of(name, content),
        content=content,
        uploaded_by=actor,
    )
    audit_record(actor=actor, action=AuditEntry.Action.CREATE, obj=run, what="attendance import")
    return run


# --- Progress ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Progress:
    status: str
    label: str
    percent: int

    @property
    def finished(self) -> bool:
        return self.status in FINISHED


def _progress_key(run: ImportRun) -> str:
    return f"attendance-import:{run.uuid}"


def _report(run: ImportRun, status: str, fraction: float) -> None:
    steps = int(PROGRESS_STEPS * min(max(fraction, 0.0), 1.0))
    caches["progress"].set(_progress_key(run), {"status": status, "steps": steps})


def import_progress(run: ImportRun) -> Progress:
    """How far a run has got: from the run once finished, else from the progress cache."""
    status, percent = run.status, run.percent_done
    if status not in FINISHED:
        reported = caches["progress"].get(_progress_key(run))
        if reported:
            status = reported["status"]
            percent = min(100, 100 * reported["steps"] // PROGRESS_STEPS)
    return Progress(status, Status(status).label, percent)


# --- Running -------------------------------------------------------------------------------


def read_marks(run: ImportRun, content: bytes, problems: Problems) -> MarkLines:
    if run.file_format == ImportRun.Format.CTF:
        return read_ctf(content, run.file_name, problems)
    return read_csv(content, run.file_name, problems)


def _fail(run: ImportRun, errors: list[dict[str, str | int | None]]) -> None:
    ImportRun.objects.filter(pk=run.pk).update(
        status=Status.FAILED, errors=errors, finished_at=timezone.now()
    )
    caches["progress"].delete(_progress_key(run))


def _claim(run: ImportRun) -> bytes | None:
    """Mark a waiting run as started and take its file out of the database (one write:
    SQLite rewrites the whole row, file and all, on every update); None if it was
    already started."""
    content = bytes(run.content)
    claimed = ImportRun.objects.filter(pk=run.pk, status=Status.QUEUED).update(
        status=Status.VALIDATING, steps_total=PROGRESS_STEPS, steps_done=0, content=b""
    )
    return content if claimed == 1 else None


def import_run_execute(
    *, run: ImportRun, on_progress: Callable[[Progress], None] | None = None
) -> ImportRun:
    """Read, check and (when every line is right) save a run's file; its outcome."""
    content = _claim(run)
    if content is None:
        run.refresh_from_db()
        return run
    run.steps_total = PROGRESS_STEPS
    problems = Problems(file_name=run.file_name)

    def progress(status: str, fraction: float) -> None:
        _report(run, status, fraction)
        if on_progress is not None:
            percent = int(100 * fraction)
            on_progress(Progress(status, Status(status).label, percent))

    def checking(fraction: float) -> None:
        progress(Status.VALIDATING, CHECKING_SHARE * (0.1 + 0.9 * fraction))

    def writing(fraction: float) -> None:
        progress(Status.WRITING, CHECKING_SHARE + (1 - CHECKING_SHARE) * fraction)

    try:
        progress(Status.VALIDATING, 0.0)
        marks = read_marks(run, content, problems)
        problems.marks = marks
        checking(0.0)
        checked = check_marks(
            actor=run.uploaded_by, marks=marks, problems=problems, progress=checking
        )
        if checked is None:
            _fail(run, problems.report())
        else:
            planned = plan_writes(checked.plans)
            ImportRun.objects.filter(pk=run.pk).update(
                status=Status.WRITING, steps_done=int(PROGRESS_STEPS * CHECKING_SHARE)
            )
            writing(0.0)
            write_marks(actor=run.uploaded_by, run=run, planned=planned, progress=writing)
            caches["progress"].delete(_progress_key(run))
    except FileProblem as exc:
        _fail(run, [exc.problem.as_dict()])
    except RegisterChanged:
        _fail(
            run, [{"file": run.file_name, "line": None, "field": "", "reason": CHANGED_MEANWHILE}]
        )
    except Exception as exc:
        # The type and place only: an exception's message may quote the file.
        where = traceback.extract_tb(exc.__traceback__)[-1]
        logger.error(
            "attendance import %s failed (%s at %s:%s); nothing was saved",
            run.uuid,
            type(exc).__name__,
            where.filename,
            where.lineno,
        )
        _fail(run, [{"file": run.file_name, "line": None, "field": "", "reason": NOT_SAVED}])
    run.refresh_from_db()
    if on_progress is not None:
        on_progress(import_progress(run))
    return run


@task()
def import_run_task(run_uuid: str) -> str:
    """The task that runs an import (immediately, or on a worker)."""
    run = ImportRun.objects.select_related("uploaded_by").get(uuid=run_uuid)
    return str(import_run_execute(run=run).status)


def import_run_start(*, actor: User, run: ImportRun) -> None:
    """Start a waiting run of the actor's own; a run already started is left alone."""
    if run.uploaded_by_id != actor.pk:
        raise Http404("No such import")
    if run.status == Status.QUEUED:
        import_run_task.enqueue(str(run.uuid))


# --- Reading runs --------------------------------------------------------------------------


def import_runs_for(user: User) -> QuerySet[ImportRun]:
    """The user's own runs, newest first (without the files)."""
    return ImportRun.objects.filter(uploaded_by=user).defer("content").order_by("-created_at")


def import_run_for_user(user: User, run_uuid: uuid_module.UUID | str) -> ImportRun:
    """One of the user's own runs; 404 for anyone else's."""
    run = import_runs_for(user).filter(uuid=run_uuid).first()
    if run is None:
        raise Http404("No such import")
    return run


ERROR_HEADER = ["file", "line", "field", "reason"]
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: object) -> str:
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(_FORMULA_STARTS) else text


def errors_csv(errors: list[dict[str, str | int | None]]) -> str:
    """An error report as CSV (with a byte order mark, for spreadsheets)."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow(ERROR_HEADER)
    for error in errors:
        writer.writerow([_cell(error.get(name)) for name in ERROR_HEADER])
    return out.getvalue()


def split_errors(
    errors: list[dict[str, str | int | None]],
) -> tuple[list[dict[str, str | int | None]], int]:
    """(the problems listed, how many there were in all, counting those not listed)."""
    listed = [error for error in errors if "more" not in error]
    more = sum(int(error["more"] or 0) for error in errors if "more" in error)
    return listed, len(listed) + more
