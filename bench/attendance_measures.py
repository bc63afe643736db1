"""Benchmark: attendance measures on the 130,000-pupil demo year.

    .venv/bin/python bench/attendance_measures.py [--pupils 130000] [--database-url URL]
                                                  [--skip-database] [--no-docs]

1. The matrix: the demo's pupils and enrolments planned without a database
   (``directory.demo.pupil_plans``) and a whole year of their marks (2026/27 as if it
   were over) made by the demo's generator (``attendance.demo.year_marks``): one
   ``uint8`` matrix, one byte a mark, one row an enrolment.
2. knotwork: all measures for every enrolment (``sessions_of``, ``persistent``,
   ``severe``) and the dashboard's aggregates (``summarise_groups`` by setting, year
   group, gender, SEN provision, FSM, ethnic group, ethnicity in detail and looked after),
   against the goal (0.5 s), with the peak extra memory (tracemalloc).
3. The baseline in the same run: a straightforward pandas long table, one row per mark
   (enrolment id, code), and a groupby to the same figures. The two must agree exactly.
4. The database (unless --skip-database): ``demo_build`` with N pupils and their
   attendance in a temporary database (SQLite there, or an empty PostgreSQL database
   with --database-url), then the dashboard's reading of a year of registers
   (``load_enrolments``: the bytes and grouping fields, ``stack``, ``sessions_of``) and
   the whole dashboard for the partnership coordinator.

Prints the figures side by side and writes them to docs/benchmarks.md (``--no-docs``
to skip). The temporary data directory is removed at the end.
"""

from __future__ import annotations

import argparse
import datetime
import gc
import os
import shutil
import statistics
import sys
import time
import tracemalloc
from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction
from functools import partial
from typing import Any, Literal

import numpy as np
from harness import DOCS, ROOT, commit, configure, machine, seconds, write_docs

GOAL_S = 0.5
GOAL_RATIO = 10.0
YEAR = 2026  # the demo's year; measured as if it were over
AFTER_THE_YEAR = datetime.date(YEAR + 1, 9, 1)
DEMO_DAY = datetime.date(YEAR, 11, 24)  # the day the database's demo is marked to
THRESHOLD = Fraction(10)
FIELDS = (
    "enrolments",
    "possible",
    "present",
    "approved_activity",
    "authorised",
    "unauthorised",
    "late",
    "persistent",
    "severe",
)


# --- The matrix ----------------------------------------------------------------------------


@dataclass
class Year:
    """A year of the demo's marks with what each row (enrolment) is grouped by."""

    marks: np.ndarray  # enrolments x sessions, uint8
    keys: dict[str, tuple[np.ndarray, int]]  # grouping -> (group per row, number of groups)
    planning_s: float
    marking_s: float


def demo_sessions() -> Any:
    """The demo calendar's 2026/27 sessions (its term dates and INSET days)."""
    from knotwork.directory.demo import _HALF_TERMS, _INSET_DAYS
    from knotwork.termdates.bank_holidays import bank_holidays_between
    from knotwork.termdates.rules import SessionMap, school_days

    terms = [
        (datetime.date.fromisoformat(a), datetime.date.fromisoformat(b))
        for a, b in _HALF_TERMS[YEAR]
    ]
    holidays = bank_holidays_between(datetime.date(YEAR, 9, 1), datetime.date(YEAR + 1, 8, 31))
    closures: list[tuple[datetime.date, Literal["day"]]] = [
        (datetime.date.fromisoformat(day), "day") for day in _INSET_DAYS[YEAR]
    ]
    return SessionMap(school_days(terms, holidays), closures)


def demo_year(pupils: int) -> Year:
    from knotwork.attendance.dashboard_queries import ETHNIC_GROUPS
    from knotwork.attendance.demo import Enrolments, year_marks
    from knotwork.directory.demo import _PRU, pupil_plans
    from knotwork.pupils.models import Ethnicity
    from knotwork.pupils.rules import national_curriculum_year

    started = time.perf_counter()
    plans = list(pupil_plans(pupils=pupils, seed=1))
    rows = [(i, plan, e) for i, plan in enumerate(plans) for e in plan.enrolments]
    sen = {"N": 0, "K": 1, "E": 2}
    enrolments = Enrolments(
        pupil=np.asarray([i for i, _, _ in rows], dtype=np.int64),
        setting=np.asarray([e.setting for _, _, e in rows], dtype=np.int64),
        start=np.asarray([e.start_date for _, _, e in rows], dtype="datetime64[D]"),
        end=np.asarray([e.end_date or "NaT" for _, _, e in rows], dtype="datetime64[D]"),
        registration=np.asarray([e.registration for _, _, e in rows], dtype="<U1"),
        born=np.asarray([p.date_of_birth for _, p, _ in rows], dtype="datetime64[D]"),
        fsm=np.asarray([p.fsm_eligible for _, p, _ in rows], dtype=np.bool_),
        sen=np.asarray([sen[p.sen_provision] for _, p, _ in rows], dtype=np.int8),
        looked_after=np.asarray([p.looked_after for _, p, _ in rows], dtype=np.bool_),
    )
    planning = time.perf_counter() - started
    started = time.perf_counter()
    blocks = list(
        year_marks(
            enrolments,
            demo_sessions(),
            start_year=YEAR,
            unit_settings=frozenset({_PRU}),
            seed=1,
            today=AFTER_THE_YEAR,
        )
    )
    marks = np.concatenate([b.marks for b in blocks])
    order = np.concatenate([b.rows for b in blocks])
    marking = time.perf_counter() - started

    chosen = [rows[i] for i in order.tolist()]
    on = datetime.date(YEAR, 9, 1)
    year_of = {dob: national_curriculum_year(dob, on) for dob in {p.date_of_birth for p in plans}}
    major = {code: g for g, (_, codes) in enumerate(ETHNIC_GROUPS) for code in codes}
    detail = {code: i for i, code in enumerate(Ethnicity.values)}

    def key(values: list[int], groups: int) -> tuple[np.ndarray, int]:
        return np.asarray(values, dtype=np.int64), groups

    keys = {
        "setting": key([e.setting for _, _, e in chosen], _PRU + 1),
        "year group": key([year_of[p.date_of_birth] - 7 for _, p, _ in chosen], 5),
        "gender": key([p.sex == "M" for _, p, _ in chosen], 2),
        "SEN provision": key([sen[p.sen_provision] for _, p, _ in chosen], 3),
        "FSM": key([p.fsm_eligible for _, p, _ in chosen], 2),
        "ethnic group": key([major[p.ethnicity] for _, p, _ in chosen], len(ETHNIC_GROUPS)),
        "ethnicity": key([detail[p.ethnicity] for _, p, _ in chosen], len(detail)),
        "looked after": key([p.looked_after for _, p, _ in chosen], 2),
    }
    return Year(marks=marks, keys=keys, planning_s=planning, marking_s=marking)


# --- knotwork and the baseline ---------------------------------------------------------------


def knotwork_measures(year: Year) -> dict[str, Any]:
    """What knotwork does: every enrolment's measures, then every dashboard aggregate."""
    from knotwork.analytics.attendance import persistent, sessions_of, severe, summarise_groups

    sessions = sessions_of(year.marks)
    per_enrolment = {
        "possible": sessions.possible,
        "absent": sessions.absent,
        "persistent": persistent(sessions, THRESHOLD),
        "severe": severe(sessions),
    }
    groups = {
        name: summarise_groups(sessions, keys, count, pa_threshold=THRESHOLD)
        for name, (keys, count) in year.keys.items()
    }
    return {"per_enrolment": per_enrolment, "groups": groups}


def long_table(year: Year) -> Any:
    """The baseline's input: one row per mark (enrolment id, code); no rows for no mark."""
    import pandas as pd

    rows, sessions = year.marks.shape
    codes = year.marks.ravel()
    marked = codes > 0
    enrolment = np.repeat(np.arange(rows, dtype=np.int32), sessions)[marked]
    return pd.DataFrame({"enrolment": enrolment, "code": codes[marked]})


def pandas_measures(year: Year, long: Any) -> dict[str, Any]:
    """The same figures with a straightforward pandas groupby over the long table."""
    import pandas as pd

    from knotwork.attendance.codes import CATEGORY_OF_ID, LATE_CODES, Category, ids_of

    category = pd.Series(CATEGORY_OF_ID, name="category")
    long = long.assign(category=long["code"].map(category))
    by_category = long.groupby(["enrolment", "category"]).size().unstack(fill_value=0)
    for c in Category:
        if int(c) not in by_category.columns:
            by_category[int(c)] = 0
    per = pd.DataFrame(index=pd.RangeIndex(year.marks.shape[0], name="enrolment"))
    per["present"] = by_category[int(Category.PRESENT)]
    per["approved_activity"] = by_category[int(Category.APPROVED_ACTIVITY)]
    per["authorised"] = by_category[int(Category.AUTHORISED)]
    per["unauthorised"] = by_category[int(Category.UNAUTHORISED)]
    per = per.fillna(0).astype("int64")
    late = long[long["code"].isin(ids_of(LATE_CODES))].groupby("enrolment").size()
    per["late"] = late.reindex(per.index, fill_value=0)
    per["possible"] = per[["present", "approved_activity", "authorised", "unauthorised"]].sum(
        axis=1
    )
    absent = per["authorised"] + per["unauthorised"]
    counted = per["possible"] > 0
    per["enrolments"] = counted.astype("int64")
    per["persistent"] = (
        counted & (absent * 100 * THRESHOLD.denominator >= per["possible"] * THRESHOLD.numerator)
    ).astype("int64")
    per["severe"] = (counted & (absent * 100 >= per["possible"] * 50)).astype("int64")
    per_enrolment = {
        "possible": per["possible"].to_numpy(),
        "absent": absent.to_numpy(),
        "persistent": per["persistent"].to_numpy().astype(bool),
        "severe": per["severe"].to_numpy().astype(bool),
    }
    groups = {}
    for name, (keys, count) in year.keys.items():
        summed = per.groupby(keys)[list(FIELDS)].sum().reindex(range(count), fill_value=0)
        groups[name] = summed
    return {"per_enrolment": per_enrolment, "groups": groups}


def agree(ours: dict[str, Any], theirs: dict[str, Any]) -> bool:
    for name, values in ours["per_enrolment"].items():
        if not np.array_equal(np.asarray(values), np.asarray(theirs["per_enrolment"][name])):
            print(f"  per enrolment, {name}: the figures differ", file=sys.stderr)
            return False
    for name, summaries in ours["groups"].items():
        table = theirs["groups"][name]
        for group, summary in enumerate(summaries):
            for field in FIELDS:
                if int(table.iloc[group][field]) != getattr(summary, field):
                    print(f"  {name} group {group} {field}: the figures differ", file=sys.stderr)
                    return False
    return True


def timed(run: Callable[[], Any], repeat: int) -> tuple[list[float], Any]:
    seconds, result = [], None
    for _ in range(repeat):
        gc.collect()
        started = time.perf_counter()
        result = run()
        seconds.append(time.perf_counter() - started)
    return seconds, result


def peak_memory(run: Callable[[], Any]) -> int:
    """The most memory ``run`` held at once beyond what was there before (bytes)."""
    gc.collect()
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        result = run()
        peak = tracemalloc.get_traced_memory()[1]
        del result
    finally:
        tracemalloc.stop()
    return peak - before


# --- The database ----------------------------------------------------------------------------


def database_figures(pupils: int) -> dict[str, Any]:
    from django.core.management import call_command
    from django.db import connection

    from knotwork.accounts.models import User
    from knotwork.attendance.dashboard_queries import (
        attendance_dashboard,
        calendar_years,
        dashboard_scope,
        load_enrolments,
    )
    from knotwork.attendance.dashboard_rules import year_bounds
    from knotwork.attendance.models import Register
    from knotwork.directory.demo import demo_build

    call_command("migrate", verbosity=0, interactive=False)

    def progress(what: str) -> Callable[[int, int], None]:
        def report(done: int, total: int) -> None:
            print(f"\r  {what}: {done:,} of {total:,}", end="", file=sys.stderr, flush=True)
            if done == total:
                print(file=sys.stderr)

        return report

    started = time.perf_counter()
    summary = demo_build(
        pupils=pupils,
        seed=1,
        today=DEMO_DAY,
        progress=progress("pupils written"),
        attendance_progress=progress("registers written"),
    )
    build = time.perf_counter() - started
    user = User.objects.get(username="coordinator")
    scope = dashboard_scope(user)
    assert scope is not None

    def load(start_year: int) -> Any:
        years = calendar_years(scope, [start_year])
        return load_enrolments(scope, years, {start_year: year_bounds(start_year)})[start_year]

    load(YEAR)  # warm the database's cache, as a running server has it
    load_this, loaded = timed(lambda: load(YEAR), 3)
    load_last, loaded_last = timed(lambda: load(YEAR - 1), 3)
    dashboard, _ = timed(
        lambda: attendance_dashboard(
            scope, start_year=YEAR, period="year", today=DEMO_DAY, threshold=THRESHOLD
        ),
        3,
    )
    register_bytes = sum(
        len(m)
        for m in Register.objects.filter(academic_year__start_year=YEAR).values_list(
            "marks", flat=True
        )[:1000]
    )
    connection.close()
    return {
        "engine": "PostgreSQL" if connection.vendor == "postgresql" else "SQLite",
        "vendor": connection.vendor,
        "build": build,
        "pupils": summary.pupils,
        "enrolments": summary.enrolments,
        "registers": summary.registers,
        "load_this": statistics.median(load_this),
        "load_this_rows": len(loaded),
        "load_last": statistics.median(load_last),
        "load_last_rows": len(loaded_last),
        "dashboard": statistics.median(dashboard),
        "row_bytes": register_bytes / 1000,
    }


# --- Report ----------------------------------------------------------------------------------


def megabytes(value: float) -> str:
    return f"{value / 1e6:,.1f} MB"


def report(r: dict[str, Any]) -> str:
    marks = r["marks"]
    ours, theirs = statistics.median(r["ours"]), statistics.median(r["theirs"])
    lines = [
        f"### {r['engine_name']}",
        "",
        f"Measured {r['date']} at commit {r['commit']} on {r['machine']}; load average "
        f"(1 min) {r['load'][0]:.2f} at the start, {r['load'][1]:.2f} at the end.",
        "",
        f"The year: {r['pupils']:,} pupils, {r['rows']:,} enrolments x {r['sessions']} sessions "
        f"= {r['cells']:,} register cells, {marks:,} marks (the demo's 2026/27 as if it were "
        f"over; made in {seconds(r['marking'])} by the demo's generator, after "
        f"{seconds(r['planning'])} planning the pupils).",
        "",
        "| all measures for every enrolment and the dashboard's aggregates | median "
        f"({len(r['ours'])} runs) | best | goal | pandas, one row per mark (same run, "
        f"median of {len(r['theirs'])}) | ratio |",
        "| --- | --- | --- | --- | --- | --- |",
        f"| `sessions_of`, `persistent`, `severe`, then `summarise_groups` by "
        f"{len(r['groupings'])} groupings ({', '.join(r['groupings'])}) "
        f"| **{seconds(ours)}** | {seconds(min(r['ours']))} | {seconds(GOAL_S)} "
        f"| {seconds(theirs)} (building the long table: {seconds(r['long_build'])} more) "
        f"| **{theirs / ours:.1f}x** (goal {GOAL_RATIO:.0f}x) |",
        "",
        f"Same figures from both: **{'yes' if r['agree'] else 'NO'}** (every enrolment's "
        "possible and absence sessions, persistent and severe; every group's nine counts).",
        "",
        "| memory | knotwork | pandas baseline |",
        "| --- | --- | --- |",
        f"| the marks | {megabytes(r['matrix_bytes'])}: "
        f"**{r['matrix_bytes'] / r['cells']:.2f} bytes a register cell**, "
        f"{r['matrix_bytes'] / marks:.2f} a mark | long table "
        f"{megabytes(r['long_bytes'])}: {r['long_bytes'] / marks:.2f} bytes a mark |",
        f"| peak extra while measuring (tracemalloc) | {megabytes(r['ours_peak'])} "
        f"({r['ours_peak'] / marks:.2f} bytes a mark) | {megabytes(r['theirs_peak'])} "
        f"({r['theirs_peak'] / marks:.2f} bytes a mark) |",
    ]
    db = r.get("database")
    if db:
        lines += [
            "",
            f"From the database ({db['engine']}): the demo with {db['pupils']:,} pupils "
            f"({db['enrolments']:,} enrolments) and {db['registers']:,} registers "
            f"(2025/26 in full, 2026/27 to {DEMO_DAY:%-d %B %Y}; {db['row_bytes']:.0f} bytes "
            "a register).",
            "",
            "| from the database | figure |",
            "| --- | --- |",
            f"| `demo_build` with attendance, one transaction | **{seconds(db['build'])}** "
            "(the goal for the whole demo is 180 s) |",
            f"| reading 2026/27's registers for the dashboard (`load_enrolments`: bytes and "
            f"grouping fields, `stack`, `sessions_of`), {db['load_this_rows']:,} registers "
            f"| {seconds(db['load_this'])} |",
            f"| the same for 2025/26, {db['load_last_rows']:,} registers "
            f"| {seconds(db['load_last'])} |",
            "| the whole dashboard for the coordinator (`attendance_dashboard`: both years "
            f"read, seven tables, suppression) | {seconds(db['dashboard'])} |",
        ]
    return "\n".join(lines) + "\n"


SECTION = """
## Attendance measures (`bench/attendance_measures.py`)

All the measures for every enrolment (`sessions_of`, `persistent`, `severe` in
`knotwork.analytics.attendance`) and the dashboard's aggregates
(`summarise_groups` by setting, year group and each pupil group) on a year of the
130,000-pupil demo, made by the demo's own generator without a database; against
the goal (under 0.5 s, at least 10 times faster than the baseline, about one byte
per mark) and a straightforward pandas groupby over a long table of one row per
mark, run in the same process on the same marks, which must give the same
figures. Then, from a database holding the demo: how long building it takes with
its attendance, and reading a year of registers as the dashboard does.

Re-run (each run replaces its engine's figures below):

```sh
.venv/bin/python bench/attendance_measures.py                  # SQLite, 130,000 pupils
psql -h 127.0.0.1 -U postgres -c 'create database knotwork_bench'
.venv/bin/python bench/attendance_measures.py --database-url postgres://postgres@127.0.0.1:5432/knotwork_bench
psql -h 127.0.0.1 -U postgres -c 'drop database knotwork_bench'
```
"""


# --- Main ------------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--pupils", type=int, default=130_000)
    parser.add_argument(
        "--database-url", help="postgres://... (an empty database); SQLite if unset"
    )
    parser.add_argument("--skip-database", action="store_true", help="only the matrix figures")
    parser.add_argument("--runs", type=int, default=7, help="knotwork runs (7)")
    parser.add_argument("--baseline-runs", type=int, default=3, help="pandas runs (3)")
    parser.add_argument("--no-docs", action="store_true", help="only print the figures")
    args = parser.parse_args()

    load_at_start = os.getloadavg()[0]
    data_dir = configure(args.database_url)
    from django.db import connection

    vendor = connection.vendor
    print(f"Planning {args.pupils:,} pupils and marking a year", file=sys.stderr)
    year = demo_year(args.pupils)
    cells = int(year.marks.size)
    marks = int(np.count_nonzero(year.marks))
    print(f"knotwork: {args.runs} runs", file=sys.stderr)
    knotwork_measures(year)  # warm up: imports, first-touch of the pages
    ours, ours_result = timed(partial(knotwork_measures, year), args.runs)
    ours_peak = peak_memory(partial(knotwork_measures, year))
    print("pandas: the long table", file=sys.stderr)
    started = time.perf_counter()
    long = long_table(year)
    long_build = time.perf_counter() - started
    long_bytes = int(long.memory_usage(deep=True).sum())
    print(f"pandas: {args.baseline_runs} runs", file=sys.stderr)
    theirs, theirs_result = timed(partial(pandas_measures, year, long), args.baseline_runs)
    theirs_peak = peak_memory(partial(pandas_measures, year, long))
    agreed = agree(ours_result, theirs_result)
    del long, theirs_result
    gc.collect()

    results: dict[str, Any] = {
        "engine_name": "PostgreSQL" if vendor == "postgresql" else "SQLite",
        "date": datetime.date.today().isoformat(),
        "commit": commit(),
        "pupils": args.pupils,
        "rows": year.marks.shape[0],
        "sessions": year.marks.shape[1],
        "cells": cells,
        "marks": marks,
        "planning": year.planning_s,
        "marking": year.marking_s,
        "ours": ours,
        "theirs": theirs,
        "long_build": long_build,
        "agree": agreed,
        "groupings": list(year.keys),
        "matrix_bytes": year.marks.nbytes,
        "long_bytes": long_bytes,
        "ours_peak": ours_peak,
        "theirs_peak": theirs_peak,
    }
    del year
    gc.collect()
    if not args.skip_database:
        print(f"The database ({vendor}): demo_build with {args.pupils:,} pupils", file=sys.stderr)
        results["database"] = database_figures(args.pupils)
    import pandas

    results["machine"] = machine(
        results.get("database", {}).get("engine", results["engine_name"])
        if not args.skip_database
        else "no database",
        f"numpy {np.__version__}",
        f"pandas {pandas.__version__}",
    )
    results["load"] = (load_at_start, os.getloadavg()[0])
    block = report(results)
    print()
    print(block)
    if not args.no_docs:
        write_docs("attendance_measures", vendor, SECTION, block)
        print(f"Written to {DOCS.relative_to(ROOT)}", file=sys.stderr)
    shutil.rmtree(data_dir, ignore_errors=True)
    if not agreed:
        sys.exit("The two ways gave different figures.")


if __name__ == "__main__":
    main()
