"""Benchmark: building the demo partnership, and pupil search on it.

    .venv/bin/python bench/demo_and_search.py [--pupils 130000] [--database-url URL]

Works in a temporary data directory (SQLite there unless --database-url names a
PostgreSQL database, which should be empty), migrates, then measures:

1. Generation: ``demo_build`` for N pupils, against the goal (180 s for 130,000
   pupils) and a naive baseline measured in the same run: the same pupils,
   enrolments and contacts written one row at a time with ``objects.create()``
   for the first 1,000 pupils (rolled back), extrapolated to N.
2. Search: ``pupil_search`` over ``visible_pupils`` as the search page runs it
   (count, then the first page of 25 with current enrolments), for a partnership
   coordinator and for a member of school staff, over a fixed mix of 200 queries,
   against the 1 s goal and a naive baseline measured in the same run: every
   visible pupil loaded into Python and filtered there (20 of the 200 queries).

Prints the figures side by side and writes them to docs/benchmarks.md
(``--no-docs`` to skip). The temporary data directory is removed at the end
(``--keep-data`` keeps it).
"""

from __future__ import annotations

import argparse
import datetime
import itertools
import os
import random
import re
import statistics
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from harness import (
    configure,
    finish,
    run_facts,
    seconds,
)

DAY = datetime.date(2026, 11, 23)  # a Monday in the autumn term the demo is set in
GENERATION_GOAL_S = 180.0
SEARCH_GOAL_S = 1.0
PAGE_SIZE = 25


# --- Generation ----------------------------------------------------------------------------


def naive_generation(pupils: int, sample: int) -> tuple[float, float]:
    """Organisations, then ``sample`` pupils row by row; (organisation seconds, per pupil)."""
    from django.db import transaction

    from knotwork.directory.demo import PUPIL_FIELDS, demo_build, pupil_plans
    from knotwork.directory.models import Setting
    from knotwork.pupils.models import Contact, Enrolment, Pupil

    with transaction.atomic():
        started = time.perf_counter()
        demo_build(pupils=0, seed=1)
        organisations = time.perf_counter() - started
        settings = list(Setting.objects.order_by("pk"))  # in the demo's order
        started = time.perf_counter()
        for plan in itertools.islice(pupil_plans(pupils=pupils, seed=1), sample):
            pupil = Pupil.objects.create(**{f: getattr(plan, f) for f in PUPIL_FIELDS})
            for e in plan.enrolments:
                Enrolment.objects.create(
                    pupil=pupil,
                    setting=settings[e.setting],
                    start_date=e.start_date,
                    end_date=e.end_date,
                    registration=e.registration,
                )
            for c in plan.contacts:
                Contact.objects.create(pupil=pupil, **{f: getattr(c, f) for f in c.__slots__})
        per_pupil = (time.perf_counter() - started) / sample
        transaction.set_rollback(True)
    return organisations, per_pupil


def planning_only(pupils: int) -> float:
    from knotwork.directory.demo import pupil_plans

    started = time.perf_counter()
    for _ in pupil_plans(pupils=pupils, seed=1):
        pass
    return time.perf_counter() - started


def timed_build(pupils: int) -> tuple[float, Any]:
    from knotwork.directory.demo import demo_build

    def progress(done: int, total: int) -> None:
        print(f"\r  pupils written: {done:,} of {total:,}", end="", file=sys.stderr, flush=True)

    started = time.perf_counter()
    summary = demo_build(pupils=pupils, seed=1, progress=progress)
    print(file=sys.stderr)
    return time.perf_counter() - started, summary


# --- Search --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Query:
    kind: str
    text: str = ""
    year_group: int | None = None
    setting_id: int | None = None


def query_mix(user: Any, rng: random.Random) -> list[Query]:
    """200 queries a user of this kind might type, drawn from the pupils they can see."""
    from knotwork.pupils.access import visible_pupils
    from knotwork.pupils.models import Enrolment

    visible = visible_pupils(user, DAY)
    people = list(visible.values_list("upn", "legal_forename", "legal_surname"))
    settings = sorted(
        set(
            Enrolment.objects.filter(pupil__in=visible, end_date__isnull=True).values_list(
                "setting_id", flat=True
            )
        )
    )
    queries = []
    for _, _, surname in rng.sample(people, 60):
        queries.append(Query("surname prefix", surname[: rng.randint(2, 4)].lower()))
    for _, forename, surname in rng.sample(people, 50):
        text = f"{forename[: rng.randint(2, 4)]} {surname[: rng.randint(2, 5)]}".lower()
        queries.append(Query("forename surname prefixes", text))
    for upn, _, _ in rng.sample(people, 40):
        queries.append(Query("exact UPN", upn))
    for i, (_, _, surname) in enumerate(rng.sample(people, 50)):
        queries.append(
            Query(
                "year group + setting" + (" + surname prefix" if i % 2 else ""),
                surname[:2].lower() if i % 2 else "",
                rng.randint(7, 11),
                rng.choice(settings),
            )
        )
    rng.shuffle(queries)
    return queries


def run_search(user: Any, query: Query) -> int:
    """What the search page does: visible pupils, the search, a count, the first page."""
    from knotwork.pupils.access import visible_pupils
    from knotwork.pupils.queries import pupil_search

    results = pupil_search(
        visible_pupils(user, DAY),
        text=query.text,
        year_group=query.year_group,
        setting_id=query.setting_id,
        on=DAY,
    )
    count = results.count()
    page = list(results[:PAGE_SIZE])
    assert all(hasattr(pupil, "current_enrolments") for pupil in page)
    return count


def run_naive_search(user: Any, query: Query) -> int:
    """The baseline: load every visible pupil and their current enrolments, filter in Python."""
    from django.db.models import Q

    from knotwork.pupils.access import visible_pupils
    from knotwork.pupils.models import Enrolment
    from knotwork.pupils.queries import NAME_FIELDS
    from knotwork.pupils.rules import birth_dates_for_year_group, normalise_upn

    visible = visible_pupils(user, DAY)
    rows = list(visible.values_list("pk", "upn", "date_of_birth", *NAME_FIELDS))
    current: dict[int, list[int]] = defaultdict(list)
    for pupil_id, setting_id in Enrolment.objects.filter(
        Q(end_date__isnull=True) | Q(end_date__gte=DAY), pupil__in=visible, start_date__lte=DAY
    ).values_list("pupil_id", "setting_id"):
        current[pupil_id].append(setting_id)
    words = query.text.upper().split()
    upn = normalise_upn(query.text) if re.fullmatch(r"[A-Za-z][0-9]{11}\w", query.text) else ""
    born = birth_dates_for_year_group(query.year_group, DAY) if query.year_group else None

    def matches(row: tuple[Any, ...]) -> bool:
        if upn and row[1] != upn:
            return False
        names = [name.upper() for name in row[3:] if name]
        if not upn and not all(any(n.startswith(w) for n in names) for w in words):
            return False
        if born and not born[0] <= row[2] <= born[1]:
            return False
        return query.setting_id is None or query.setting_id in current[row[0]]

    found = sorted((r for r in rows if matches(r)), key=lambda r: (r[4], r[3], r[0]))
    _ = found[:PAGE_SIZE]
    return len(found)


def time_queries(
    user: Any, queries: list[Query], run: Callable[[Any, Query], int]
) -> tuple[list[float], list[int]]:
    seconds, counts = [], []
    for query in queries:
        started = time.perf_counter()
        counts.append(run(user, query))
        seconds.append(time.perf_counter() - started)
    return seconds, counts


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20, method="inclusive")[-1]


# --- Report --------------------------------------------------------------------------------


def report(results: dict[str, Any]) -> str:
    """The figures as a Markdown block, also printed."""
    r = results
    lines = [
        f"### {r['engine_name']}",
        "",
        f"Measured {r['date']} at commit {r['commit']} on {r['machine']}; load average "
        f"(1 min) {r['load'][0]:.2f} at the start, {r['load'][1]:.2f} at the end.",
        "",
        "| generation | figure | goal | baseline (same run) |",
        "| --- | --- | --- | --- |",
        f"| `demo_build`, {r['pupils']:,} pupils ({r['enrolments']:,} enrolments, "
        f"{r['contacts']:,} contacts), one transaction | **{seconds(r['build'])}** "
        f"(of which planning in Python {seconds(r['planning'])}) "
        f"| {seconds(GENERATION_GOAL_S)} | row by row with `objects.create()`: "
        f"{seconds(r['naive_build'])}, extrapolated from {r['naive_pupils']:,} pupils "
        f"({1000 * r['naive_per_pupil']:.1f} ms a pupil) |",
        "",
        "| search (count + first page of 25) | visible pupils | median | 95th percentile "
        "| goal | naive baseline (same run): median / 95th percentile |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for user in r["search"]:
        lines.append(
            f"| {user['who']}, {len(user['seconds'])} queries | {user['visible']:,} "
            f"| **{seconds(statistics.median(user['seconds']))}** "
            f"| **{seconds(p95(user['seconds']))}** | {seconds(SEARCH_GOAL_S)} "
            f"| {seconds(statistics.median(user['naive']))} / {seconds(p95(user['naive']))} "
            f"({len(user['naive'])} of the queries; same count on {user['agreed']}) |"
        )
    lines.append("")
    lines.append("Slowest kinds of query (95th percentile):")
    lines.append("")
    for user in r["search"]:
        by_kind: dict[str, list[float]] = defaultdict(list)
        for query, value in zip(user["queries"], user["seconds"], strict=True):
            by_kind[query.kind].append(value)
        worst = sorted(by_kind.items(), key=lambda item: -p95(item[1]) if len(item[1]) > 1 else 0)
        summary = "; ".join(
            f"{kind} {seconds(p95(values) if len(values) > 1 else values[0])}"
            for kind, values in worst
        )
        lines.append(f"- {user['who']}: {summary}.")
    return "\n".join(lines) + "\n"


SECTION = """
## Demo generation and pupil search (`bench/demo_and_search.py`)

**Generation**: `knotwork demo` (`knotwork.directory.demo.demo_build`) building
the demo partnership with 130,000 pupils (the size of a large county's secondary
roll), compared with the goal of a few minutes (180 s) and with the same rows
written one at a time with `objects.create()`.

**Search**: the pupil search page's work (`visible_pupils`, `pupil_search`, a
count and the first page of 25 with current enrolments) for the partnership
coordinator, who sees every pupil, and for a member of staff at one school,
over 200 queries: 60 surname prefixes, 50 "forename surname" prefixes, 40 exact
UPNs, 50 year group + setting filters (half with a surname prefix). Compared
with the 1 s goal and with loading every visible pupil into Python and
filtering there.

Re-run (each run replaces its engine's figures below):

```sh
.venv/bin/python bench/demo_and_search.py                  # SQLite, 130,000 pupils
psql -h 127.0.0.1 -U postgres -c 'create database knotwork_bench'
.venv/bin/python bench/demo_and_search.py --database-url postgres://postgres@127.0.0.1:5432/knotwork_bench
psql -h 127.0.0.1 -U postgres -c 'drop database knotwork_bench'
```
"""


# --- Main ----------------------------------------------------------------------------------


def search_figures(username: str, who: str, naive_queries: int) -> dict[str, Any]:
    from knotwork.accounts.models import User
    from knotwork.pupils.access import visible_pupils

    user = User.objects.get(username=username)
    queries = query_mix(user, random.Random(2026))
    time_queries(user, queries[:10], run_search)  # warm the caches, as a running server is
    timed, counts = time_queries(user, queries, run_search)
    sample = queries[:: max(1, len(queries) // naive_queries)][:naive_queries]
    naive, naive_counts = time_queries(user, sample, run_naive_search)
    by_query = dict(zip(queries, counts, strict=True))
    agreed = sum(by_query[q] == n for q, n in zip(sample, naive_counts, strict=True))
    for query, naive_count in zip(sample, naive_counts, strict=True):
        if by_query[query] != naive_count:
            print(f"  counts differ ({by_query[query]} / {naive_count}): {query}", file=sys.stderr)
    return {
        "who": who,
        "visible": visible_pupils(user, DAY).count(),
        "queries": queries,
        "seconds": timed,
        "naive": naive,
        "agreed": agreed,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pupils", type=int, default=130_000)
    parser.add_argument(
        "--database-url", help="postgres://... (an empty database); SQLite if unset"
    )
    parser.add_argument("--naive-pupils", type=int, default=1000)
    parser.add_argument("--naive-queries", type=int, default=20)
    parser.add_argument("--no-docs", action="store_true", help="only print the figures")
    parser.add_argument(
        "--keep-data", action="store_true", help="keep the temporary data directory"
    )
    args = parser.parse_args()

    load_at_start = os.getloadavg()[0]
    data_dir = configure(args.database_url)
    from django.core.management import call_command
    from django.db import connection

    print(f"Migrating ({connection.vendor}, data in {data_dir})", file=sys.stderr)
    call_command("migrate", verbosity=0, interactive=False)
    print(f"Naive baseline: {args.naive_pupils:,} pupils row by row", file=sys.stderr)
    organisations, per_pupil = naive_generation(args.pupils, args.naive_pupils)
    print("Planning only (no database)", file=sys.stderr)
    planning = planning_only(args.pupils)
    print(f"demo_build with {args.pupils:,} pupils", file=sys.stderr)
    build, summary = timed_build(args.pupils)
    results: dict[str, Any] = {
        **run_facts(),
        "pupils": summary.pupils,
        "enrolments": summary.enrolments,
        "contacts": summary.contacts,
        "build": build,
        "planning": planning,
        "naive_build": organisations + per_pupil * args.pupils,
        "naive_per_pupil": per_pupil,
        "naive_pupils": args.naive_pupils,
        "search": [],
    }
    for username, who in (("coordinator", "Partnership coordinator"), ("staff", "School staff")):
        print(f"Search as {username}", file=sys.stderr)
        results["search"].append(search_figures(username, who, args.naive_queries))
    results["load"] = (load_at_start, os.getloadavg()[0])
    block = report(results)
    finish(args, name="demo_and_search", section=SECTION, block=block, data_dir=data_dir)


if __name__ == "__main__":
    main()
