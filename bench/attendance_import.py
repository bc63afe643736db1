"""Benchmark: importing a school's year of register marks from CSV.

    .venv/bin/python bench/attendance_import.py [--pupils 1000] [--database-url URL]

Works in a temporary data directory (SQLite there unless --database-url names a
PostgreSQL database, which should be empty), migrates, builds one secondary school
(a calendar with the 2026/27 year and five INSET days, N pupils on roll, an
attendance officer) and a CSV of every session of the year for every pupil
(about 380,000 lines for 1,000 pupils), then measures:

1. The import (``import_run_execute``: reading, every check, and the writes in one
   transaction) into empty registers, against the 2 s goal.
2. The same file again (nothing changes) and a file with 1% of marks changed
   (amendments), as the import runs them.
3. A straightforward baseline measured in the same run: the file read with
   ``csv.DictReader``, each line looked up with ``code_for`` and the session map,
   each pupil fetched and their marks written one register at a time through
   ``services.marks_record`` (access check, lock, amendments, audit row), for the
   first 50 pupils (rolled back), extrapolated to N.

Prints the figures side by side and writes them to docs/benchmarks.md
(``--no-docs`` to skip). The temporary data directory is removed at the end
(``--keep-data`` keeps it).
"""

from __future__ import annotations

import argparse
import datetime
import io
import os
import random
import sys
import time
from collections import defaultdict
from typing import Any

from harness import (
    configure,
    finish,
    run_facts,
    seconds,
)

GOAL_S = 2.0
START_YEAR = 2026
INSET_DAYS = [
    datetime.date(2026, 9, 2),
    datetime.date(2026, 11, 2),
    datetime.date(2027, 1, 4),
    datetime.date(2027, 4, 12),
    datetime.date(2027, 6, 7),
]
# A secondary school's spread of marks (present about 91%).
CODE_WEIGHTS = {
    "present": 9100,
    "L": 150,
    "I": 330,
    "M": 60,
    "C": 20,
    "N": 80,
    "O": 60,
    "G": 50,
    "U": 40,
    "V": 30,
    "B": 20,
    "P": 10,
    "E": 10,
    "C2": 20,
    "D": 20,
}


# --- The school and its file ---------------------------------------------------------------


def build_school(pupils: int) -> tuple[Any, Any, list[str]]:
    """A school with a 2026/27 calendar, ``pupils`` pupils on roll and an officer."""
    from knotwork.accounts.models import Role
    from knotwork.core.testing import make_calendar, make_setting, make_user
    from knotwork.pupils.models import Enrolment, Pupil
    from knotwork.pupils.rules import upn_check_letter
    from knotwork.termdates.models import Closure

    calendar = make_calendar("Benchmark term dates", START_YEAR)
    year = calendar.years.get()
    Closure.objects.bulk_create(
        Closure(academic_year=year, date=day, kind=Closure.Kind.INSET) for day in INSET_DAYS
    )
    school = make_setting(name="Benchmark Academy", urn="149999", calendar=calendar)
    officer = make_user("officer", role=Role.SCHOOL_STAFF, organisation=school, can_edit=True)
    upns = []
    for k in range(pupils):
        body = f"845{4000 + k // 1000:04d}{11 + k % 5:02d}{k % 1000:03d}"
        upns.append(upn_check_letter(body) + body)
    rng = random.Random(2026)
    created = Pupil.objects.bulk_create(
        Pupil(
            upn=upn,
            legal_forename=f"Forename{k}",
            legal_surname=f"Surname{k}",
            date_of_birth=datetime.date(2011 + k % 5, 1 + k % 12, 1 + rng.randrange(28)),
            sex="F" if k % 2 else "M",
        )
        for k, upn in enumerate(upns)
    )
    Enrolment.objects.bulk_create(
        Enrolment(pupil=p, setting=school, start_date=datetime.date(2026, 9, 1)) for p in created
    )
    return school, officer, upns


def marks_file(school: Any, upns: list[str], change_share: float = 0.0, seed: int = 1) -> bytes:
    """Every session of the year for every pupil; ``change_share`` of marks swapped for N."""
    from knotwork.attendance.queries import SessionMaps

    year = SessionMaps().for_setting(school, START_YEAR)
    assert year is not None
    sessions = year.sessions
    labels = [(s.date.isoformat(), s.half) for s in map(sessions.session_at, range(len(sessions)))]
    rng = random.Random(seed)
    changer = random.Random(seed + 1)
    names, weights = list(CODE_WEIGHTS), list(CODE_WEIGHTS.values())
    out = io.StringIO()
    out.write("UPN,URN,date,session,code\n")
    for upn in upns:
        codes = rng.choices(names, weights, k=len(sessions))
        for i, ((day, half), code) in enumerate(zip(labels, codes, strict=True)):
            if i in sessions.closed:
                code = "#"
            elif code == "present":
                code = "/" if half == "AM" else "\\"
            if change_share and i not in sessions.closed and changer.random() < change_share:
                code = "N" if code != "N" else "O"
            out.write(f"{upn},{school.urn},{day},{half},{code}\n")
    return out.getvalue().encode()


# --- Timing --------------------------------------------------------------------------------


def timed_import(officer: Any, content: bytes, name: str) -> dict[str, Any]:
    """One import as the upload page runs it; seconds in all and for checking."""
    from knotwork.attendance.imports.runs import import_run_create, import_run_execute

    run = import_run_create(actor=officer, file_name=name, content=content)
    marks: dict[str, float] = {}

    def progress(report: Any) -> None:
        marks.setdefault(report.status, time.perf_counter())

    started = time.perf_counter()
    finished = import_run_execute(run=run, on_progress=progress)
    total = time.perf_counter() - started
    if finished.status != "done":
        raise SystemExit(f"the import failed: {finished.errors[:5]}")
    return {
        "seconds": total,
        "checking": marks.get("writing", started + total) - started,
        "new": finished.marks_new,
        "amended": finished.marks_amended,
        "unchanged": finished.marks_unchanged,
    }


def naive_import(officer: Any, content: bytes, sample_pupils: int) -> tuple[float, int]:
    """The baseline on the first ``sample_pupils`` pupils of the file (rolled back):
    (seconds, marks written)."""
    import csv

    from django.db import transaction

    from knotwork.attendance.codes import code_for
    from knotwork.attendance.queries import SessionMaps, start_year_of
    from knotwork.attendance.services import marks_record
    from knotwork.directory.models import Setting
    from knotwork.pupils.models import Enrolment, Pupil

    started = time.perf_counter()
    with transaction.atomic():
        maps = SessionMaps()
        per_pupil: dict[tuple[str, str], dict[int, int]] = defaultdict(dict)
        order: list[tuple[str, str]] = []
        years: dict[tuple[str, str], Any] = {}
        settings: dict[str, Setting] = {}
        for row in csv.DictReader(io.StringIO(content.decode("utf-8"))):
            key = (row["UPN"], row["URN"])
            if key not in per_pupil:
                if len(order) == sample_pupils:
                    break
                order.append(key)
            day = datetime.date.fromisoformat(row["date"])
            setting = settings.get(row["URN"]) or Setting.objects.get(urn=row["URN"])
            settings[row["URN"]] = setting
            year = maps.for_setting(setting, start_year_of(day))
            assert year is not None
            years[key] = year
            index = year.sessions.index_of(day, row["session"])
            per_pupil[key][index] = code_for(row["code"], day).id
        written = 0
        for upn, urn in order:
            pupil = Pupil.objects.get(upn=upn)
            enrolment = Enrolment.objects.select_related("setting", "pupil").get(
                pupil=pupil, setting__urn=urn
            )
            year = years[(upn, urn)]
            result = marks_record(
                actor=officer,
                enrolment=enrolment,
                year=year.year,
                sessions=year.sessions,
                marks=per_pupil[(upn, urn)],
                reason="Imported",
            )
            written += result.entries + result.amendments
        elapsed = time.perf_counter() - started
        transaction.set_rollback(True)
    return elapsed, written


# --- Report --------------------------------------------------------------------------------


def report(r: dict[str, Any]) -> str:
    first, again, changed = r["first"], r["again"], r["changed"]
    ratio = r["naive"] / first["seconds"]
    lines = [
        f"### {r['engine_name']}",
        "",
        f"Measured {r['date']} at commit {r['commit']} on {r['machine']}; load average "
        f"(1 min) {r['load'][0]:.2f} at the start, {r['load'][1]:.2f} at the end.",
        "",
        f"One school, {r['pupils']:,} pupils, every session of 2026/27: a CSV of "
        f"{r['lines']:,} lines ({r['megabytes']:.1f} MB).",
        "",
        "| import | figure | goal | baseline (same run) | ratio |",
        "| --- | --- | --- | --- | --- |",
        f"| into empty registers: {first['new']:,} new marks, {r['pupils']:,} registers "
        f"written | **{seconds(first['seconds'])}** (reading, checks and planning "
        f"{seconds(first['checking'])}; the transaction "
        f"{seconds(first['seconds'] - first['checking'])}) "
        f"| {seconds(GOAL_S)} | line by line, one register at a time through "
        f"`marks_record`: {seconds(r['naive'])}, extrapolated from {r['naive_pupils']} pupils "
        f"({1000 * r['naive_per_pupil']:.1f} ms a pupil) | {ratio:,.0f}x faster |",
        f"| the same file again: {again['unchanged']:,} unchanged, nothing written "
        f"| **{seconds(again['seconds'])}** | | | |",
        f"| 1% of marks changed: {changed['amended']:,} amendments, "
        f"{changed['unchanged']:,} unchanged | **{seconds(changed['seconds'])}** | | | |",
    ]
    return "\n".join(lines) + "\n"


SECTION = """
## Attendance import (`bench/attendance_import.py`)

`knotwork attendance import` and the upload page's task
(`knotwork.attendance.imports.runs.import_run_execute`: reading the CSV, every
check on every line, then the writes in one transaction) for one school's year,
against the goal of under 2 s for 1,000 pupils, and against a straightforward
import measured in the same run: each line read with `csv.DictReader` and looked
up one at a time, each pupil's marks written through `services.marks_record`
(50 pupils, rolled back, extrapolated).

Re-run (each run replaces its engine's figures below):

```sh
.venv/bin/python bench/attendance_import.py                  # SQLite, 1,000 pupils
psql -h 127.0.0.1 -U postgres -c 'create database knotwork_bench_import'
.venv/bin/python bench/attendance_import.py --database-url postgres://postgres@127.0.0.1:5432/knotwork_bench_import
psql -h 127.0.0.1 -U postgres -c 'drop database knotwork_bench_import'
```
"""


# --- Main ----------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pupils", type=int, default=1000)
    parser.add_argument(
        "--database-url", help="postgres://... (an empty database); SQLite if unset"
    )
    parser.add_argument("--naive-pupils", type=int, default=50)
    parser.add_argument("--no-docs", action="store_true", help="only print the figures")
    parser.add_argument(
        "--keep-data", action="store_true", help="keep the temporary data directory"
    )
    args = parser.parse_args()

    load_at_start = os.getloadavg()[0]
    data_dir = configure(args.database_url)
    from django.core.management import call_command
    from django.db import connection

    from knotwork.attendance.models import Register

    print(f"Migrating ({connection.vendor}, data in {data_dir})", file=sys.stderr)
    call_command("migrate", verbosity=0, interactive=False)
    print(f"Building a school of {args.pupils:,} pupils", file=sys.stderr)
    school, officer, upns = build_school(args.pupils)
    content = marks_file(school, upns)
    changed = marks_file(school, upns, change_share=0.01)
    line_count = content.count(b"\n") - 1
    print(f"Baseline: {args.naive_pupils} pupils through marks_record", file=sys.stderr)
    naive_seconds, naive_marks = naive_import(officer, content, args.naive_pupils)
    per_pupil = naive_seconds / args.naive_pupils
    print(f"Import of {line_count:,} lines", file=sys.stderr)
    first = timed_import(officer, content, "year.csv")
    assert Register.objects.count() == args.pupils
    assert first["new"] == line_count, (first["new"], line_count)
    print("The same file again", file=sys.stderr)
    again = timed_import(officer, content, "year.csv")
    assert again["unchanged"] == line_count and again["new"] == again["amended"] == 0
    print("1% of marks changed", file=sys.stderr)
    amended = timed_import(officer, changed, "year-corrected.csv")
    results: dict[str, Any] = {
        **run_facts(),
        "pupils": args.pupils,
        "lines": line_count,
        "megabytes": len(content) / 1e6,
        "first": first,
        "again": again,
        "changed": amended,
        "naive": per_pupil * args.pupils,
        "naive_per_pupil": per_pupil,
        "naive_pupils": args.naive_pupils,
        "naive_marks": naive_marks,
        "load": (load_at_start, os.getloadavg()[0]),
    }
    block = report(results)
    finish(args, name="attendance_import", section=SECTION, block=block, data_dir=data_dir)


if __name__ == "__main__":
    main()
