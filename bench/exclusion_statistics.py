"""Benchmark: the partnership's exclusion statistics on the 130,000-pupil demo year.

    .venv/bin/python bench/exclusion_statistics.py [--pupils 130000] [--database-url URL]
                                                   [--runs 7] [--no-docs]

1. The database: ``demo_build`` with N pupils (its attendance and behaviour records:
   suspensions and permanent exclusions for 2025/26 in full and 2026/27 to the demo's
   day) in a temporary database (SQLite there, or an empty PostgreSQL database with
   --database-url). Should the demo hold no exclusions, the benchmark records its own:
   about 11 suspensions and 0.13 permanent exclusions per 100 pupils a year, as
   nationally in 2023/24.
2. knotwork: the work of the statistics page for the partnership coordinator
   (``exclusion_statistics``: two queries, then the formulas and suppression for
   2026/27 and the two years before, every table; then the page's tables of text),
   against the goal (1 s), and the whole page through Django's test client.
3. The baseline in the same run: a straightforward loop over model instances (every
   enrolment and exclusion with ``select_related``, counted pupil by pupil in Python)
   for the same counts. The two must agree.

Prints the figures side by side and writes them to docs/benchmarks.md (``--no-docs``
to skip). The temporary data directory is removed at the end.
"""

from __future__ import annotations

import argparse
import datetime
import gc
import os
import random
import shutil
import statistics
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from typing import Any

from harness import DOCS, ROOT, commit, configure, database_engine, machine, seconds, write_docs

GOAL_S = 1.0
YEAR = 2026
DEMO_DAY = datetime.date(YEAR, 11, 24)  # the demo's "today"
SUSPENSIONS_PER_100 = 11.0
PERMANENT_PER_100 = 0.13
FIELDS = ("setting", "phase", "gender", "age", "ethnicity", "sen", "fsm")


# --- The database --------------------------------------------------------------------------


def progress(what: str) -> Callable[[int, int], None]:
    def report(done: int, total: int) -> None:
        print(f"\r  {what}: {done:,} of {total:,}", end="", file=sys.stderr, flush=True)
        if done == total:
            print(file=sys.stderr)

    return report


def build(pupils: int) -> tuple[float, bool]:
    """The demo in the database; whether the benchmark had to record exclusions itself."""
    from django.core.management import call_command

    from knotwork.behaviour.models import Exclusion
    from knotwork.directory.demo import demo_build

    call_command("migrate", verbosity=0, interactive=False)
    started = time.perf_counter()
    demo_build(
        pupils=pupils,
        seed=1,
        today=DEMO_DAY,
        progress=progress("pupils written"),
        attendance_progress=progress("registers written"),
    )
    made_here = not Exclusion.objects.exists()
    if made_here:
        record_exclusions(seed=1)
    return time.perf_counter() - started, made_here


def record_exclusions(seed: int) -> None:
    """Suspensions and permanent exclusions at national rates, for the years the demo
    holds (2026/27 to the demo's day, in proportion)."""
    from django.db import transaction

    from knotwork.accounts.models import User
    from knotwork.behaviour.models import Exclusion
    from knotwork.pupils.models import Enrolment

    rng = random.Random(seed)
    user = User.objects.get(username="coordinator")
    reasons = ["DB"] * 50 + ["VA"] * 14 + ["PP"] * 10 + ["VP"] * 8 + ["PA"] * 5 + ["DA"] * 5
    reasons += ["OW", "DM", "BU", "SM", "TH", "MT", "RA", "LG"]
    rows = []
    for start_year, share in ((YEAR - 1, 1.0), (YEAR, 0.35)):
        first, last = datetime.date(start_year, 9, 3), datetime.date(start_year + 1, 7, 17)
        if start_year == YEAR:
            last = DEMO_DAY - datetime.timedelta(days=1)
        roll = list(
            Enrolment.objects.current(first).exclude(registration="S").values_list("pk", "pupil_id")
        )
        days = [first + datetime.timedelta(days=i) for i in range((last - first).days + 1)]
        days = [d for d in days if d.weekday() < 5]
        suspended = rng.sample(roll, round(len(roll) * SUSPENSIONS_PER_100 / 100 * share / 2))
        for enrolment, pupil in suspended:  # about two each: many once, a few many times
            for _ in range(min(1 + int(rng.expovariate(1.0)), 8)):
                rows.append(
                    Exclusion(
                        pupil_id=pupil,
                        enrolment_id=enrolment,
                        kind="suspension",
                        start_date=rng.choice(days),
                        start_half=rng.choice(["AM", "AM", "AM", "PM"]),
                        sessions=rng.choice([1, 2, 2, 2, 4, 4, 6, 6, 10, 20]),
                        reason_1=rng.choice(reasons),
                        decided_by="Headteacher",
                        recorded_by=user,
                    )
                )
        for enrolment, pupil in rng.sample(roll, round(len(roll) * PERMANENT_PER_100 / 100)):
            rows.append(
                Exclusion(
                    pupil_id=pupil,
                    enrolment_id=enrolment,
                    kind="permanent",
                    start_date=rng.choice(days),
                    reason_1=rng.choice(reasons),
                    decided_by="Headteacher",
                    recorded_by=user,
                )
            )
    with transaction.atomic():
        Exclusion.objects.bulk_create(rows, batch_size=2000)


# --- knotwork and the baseline ---------------------------------------------------------------


def page_work(scope: Any, known: list[int]) -> Any:
    """What the statistics page does before its template: read, count, suppress, format."""
    from knotwork.behaviour.statistics_queries import exclusion_statistics
    from knotwork.behaviour.statistics_tables import display_reasons, display_table, headline

    found = exclusion_statistics(scope, start_year=YEAR, today=DEMO_DAY, known_years=known)
    headline(found)
    [display_table(found, t) for t in found.tables]
    display_reasons(found)
    return found


def baseline(settings: list[Any]) -> dict[tuple[int, str, Any], Any]:
    """The same counts, straightforwardly: every enrolment and exclusion as a model
    instance, counted pupil by pupil (each year, each grouping)."""
    from knotwork.analytics.exclusions import SHORT_SESSIONS, Counts, census_day
    from knotwork.behaviour.models import Exclusion
    from knotwork.behaviour.statistics_queries import headcount_day, phase_of
    from knotwork.pupils.models import Enrolment

    found: dict[tuple[int, str, Any], Counts] = {}
    for start_year in (YEAR, YEAR - 1, YEAR - 2):
        day = headcount_day(start_year, DEMO_DAY)
        assert day <= census_day(start_year)

        def groups(setting: Any, pupil: Any, start_year: int = start_year) -> dict[str, Any]:
            born = pupil.date_of_birth
            age = start_year - born.year - (1 if (born.month, born.day) > (8, 31) else 0)
            return {
                "setting": setting.pk,
                "phase": phase_of(setting),
                "gender": pupil.sex,
                "age": age,
                "ethnicity": pupil.ethnicity,
                "sen": pupil.sen_provision,
                "fsm": pupil.fsm_eligible,
            }

        heads: Counter[tuple[str, Any]] = Counter()
        for enrolment in Enrolment.objects.filter(setting__in=settings).select_related(
            "pupil", "setting"
        ):
            if enrolment.registration != "S" and enrolment.is_current(day):
                for field, value in groups(enrolment.setting, enrolment.pupil).items():
                    heads[(field, value)] += 1
        tallies: dict[tuple[str, Any], dict[str, Any]] = defaultdict(
            lambda: {"s": 0, "sessions": 0, "short": 0, "p": 0, "times": Counter()}
        )
        exclusions = Exclusion.objects.filter(
            enrolment__setting__in=settings,
            start_date__gte=datetime.date(start_year, 9, 1),
            start_date__lte=datetime.date(start_year + 1, 8, 31),
        ).select_related("pupil", "enrolment__setting")
        for exclusion in exclusions:
            if exclusion.cancelled_on is not None:
                continue
            if exclusion.kind == "permanent" and exclusion.board_outcome == "reinstated":
                continue
            for field, value in groups(exclusion.enrolment.setting, exclusion.pupil).items():
                tally = tallies[(field, value)]
                if exclusion.kind == "permanent":
                    tally["p"] += 1
                else:
                    tally["s"] += 1
                    tally["sessions"] += exclusion.sessions or 0
                    tally["short"] += (exclusion.sessions or 0) <= SHORT_SESSIONS
                    tally["times"][(exclusion.pupil_id, exclusion.enrolment.setting_id)] += 1
        for key in set(heads) | set(tallies):
            tally = tallies[key]
            times = tally["times"].values()
            found[(start_year, *key)] = Counts(
                headcount=heads[key],
                suspensions=tally["s"],
                sessions=tally["sessions"],
                short=tally["short"],
                pupils=len(times),
                two_or_more=sum(1 for n in times if n >= 2),
                five_or_more=sum(1 for n in times if n >= 5),
                permanent=tally["p"],
            )
    return found


def ours_as_counts(found: Any) -> dict[tuple[int, str, Any], Any]:
    """knotwork's counts by (year, field, value), from every table's leaf rows."""
    from knotwork.analytics.exclusions import Counts, tally_by
    from knotwork.behaviour.statistics_queries import load_years

    out: dict[tuple[int, str, Any], Counts] = {}
    for year in load_years(found.chosen, YEAR, DEMO_DAY):
        for field in FIELDS:
            for value, counts in tally_by(year.exclusions, year.roll, field).items():
                out[(year.start_year, field, value)] = counts
    return out


def agree(ours: dict[Any, Any], theirs: dict[Any, Any], found: Any) -> bool:
    from knotwork.analytics.exclusions import Counts

    keys = {k for k in set(ours) | set(theirs) if ours.get(k, Counts()) != Counts()}
    keys |= {k for k in theirs if theirs[k] != Counts()}
    for key in sorted(keys, key=str):
        if ours.get(key, Counts()) != theirs.get(key, Counts()):
            print(f"  {key}: {ours.get(key)} against {theirs.get(key)}", file=sys.stderr)
            return False
    for year in found.years:
        total = sum(
            (c for (y, f, _), c in theirs.items() if y == year.start_year and f == "setting"),
            Counts(),
        )
        if total != year.whole.counts:
            print(f"  {year.label} whole differs", file=sys.stderr)
            return False
    return True


def timed(
    run: Callable[[], Any], repeat: int, clock: Callable[[], float] = time.perf_counter
) -> tuple[list[float], Any]:
    taken, result = [], None
    for _ in range(repeat):
        gc.collect()
        started = clock()
        result = run()
        taken.append(clock() - started)
    return taken, result


def whole_page(client: Any) -> float:
    from django.urls import reverse

    started = time.perf_counter()
    response = client.get(reverse("behaviour:statistics"))
    taken = time.perf_counter() - started
    assert response.status_code == 200, response.status_code
    return taken


# --- Report ----------------------------------------------------------------------------------


def report(r: dict[str, Any]) -> str:
    ours, theirs = statistics.median(r["ours"]), statistics.median(r["theirs"])
    year = r["year"]
    made = (
        "recorded by the benchmark itself (the demo held none): about "
        f"{SUSPENSIONS_PER_100:g} suspensions and {PERMANENT_PER_100:g} permanent exclusions "
        "per 100 pupils a year"
        if r["made_here"]
        else "the demo's own"
    )
    built = f"built in {seconds(r['build'])}" if r["build"] else "built by an earlier run"
    lines = [
        f"### {r['engine']}",
        "",
        f"Measured {r['date']} at commit {r['commit']} on {r['machine']}; load average "
        f"(1 min) {r['load'][0]:.2f} at the start, {r['load'][1]:.2f} at the end.",
        "",
        f"The demo with {r['pupils']:,} pupils, {built} "
        f"({r['exclusions']:,} exclusions in all, {made}). 2026/27 to {DEMO_DAY:%-d %B %Y}: "
        f"{year['headcount']:,} pupils on roll, {year['suspensions']:,} suspensions, "
        f"{year['permanent']:,} permanent exclusions; 2025/26 in full: "
        f"{r['last']['suspensions']:,} suspensions, {r['last']['permanent']:,} permanent "
        "exclusions.",
        "",
        f"| the partnership statistics, coordinator | median ({len(r['ours'])} runs) | best "
        f"| goal | baseline: model instances, pupil by pupil (same run, median of "
        f"{len(r['theirs'])}) | ratio |",
        "| --- | --- | --- | --- | --- | --- |",
        f"| `exclusion_statistics` (2 queries: exclusions with their pupils' "
        f"characteristics, the roll counted by the database on each census day; then every "
        f"table for 2026/27 and the two years before, suppression) and the page's tables "
        f"of text | **{seconds(ours)}** | {seconds(min(r['ours']))} | {seconds(GOAL_S)} "
        f"| {seconds(theirs)} | **{theirs / ours:.1f}x** |",
        f"| the same, this process's CPU time only (the database's own work and waiting "
        f"for a core on a shared machine left out) | {seconds(statistics.median(r['ours_cpu']))} "
        f"| {seconds(min(r['ours_cpu']))} | | | |",
        f"| the whole page through Django's test client (sign-in session, filters, "
        f"template, chart), in turn with the runs above "
        f"| {seconds(statistics.median(r['page']))} | {seconds(min(r['page']))} | | | |",
        "",
        f"Same counts from both: **{'yes' if r['agree'] else 'NO'}** (every year, and by "
        f"setting, phase, gender, age, ethnicity, SEN provision and FSM: pupils on roll, "
        "suspensions, sessions, five days or less, pupils with one, two and five or more, "
        "permanent exclusions).",
    ]
    return "\n".join(lines) + "\n"


SECTION = """
## Exclusion statistics (`bench/exclusion_statistics.py`)

The work of the partnership's statistics page (`/behaviour/statistics/`) for the
coordinator, who sees every setting: suspensions, permanent exclusions and their
rates for 2026/27 and the two years before it, by setting, phase, gender, age,
ethnicity, SEN provision and free school meals, with reasons and small numbers
hidden (`knotwork.behaviour.statistics_queries.exclusion_statistics` over
`knotwork.analytics.exclusions`), on the 130,000-pupil demo in a database, against
the goal (under 1 s on PostgreSQL) and a straightforward loop over model instances
measured in the same run, which must give the same counts.

Re-run (each run replaces its engine's figures below):

```sh
psql -h 127.0.0.1 -U postgres -c 'create database knotwork_bench'
.venv/bin/python bench/exclusion_statistics.py --database-url postgres://postgres@127.0.0.1:5432/knotwork_bench
# again on the same demo, without building it: add --built
psql -h 127.0.0.1 -U postgres -c 'drop database knotwork_bench'
.venv/bin/python bench/exclusion_statistics.py                 # SQLite
```
"""


# --- Main ------------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--pupils", type=int, default=130_000)
    parser.add_argument(
        "--database-url", help="postgres://... (an empty database); SQLite if unset"
    )
    parser.add_argument("--runs", type=int, default=7, help="knotwork runs (7)")
    parser.add_argument("--baseline-runs", type=int, default=2, help="baseline runs (2)")
    parser.add_argument("--no-docs", action="store_true", help="only print the figures")
    parser.add_argument(
        "--built",
        action="store_true",
        help="the database (--database-url) holds the demo already, from an earlier run",
    )
    args = parser.parse_args()

    load_at_start = os.getloadavg()[0]
    data_dir = configure(args.database_url)
    from django.db import connection
    from django.test import Client

    from knotwork.accounts.models import User
    from knotwork.attendance.dashboard_queries import dashboard_scope, dashboard_years
    from knotwork.behaviour.models import Exclusion

    vendor = connection.vendor
    print(f"The database ({vendor}): demo_build with {args.pupils:,} pupils", file=sys.stderr)
    if args.built:
        build_s, made_here = 0.0, False
    else:
        build_s, made_here = build(args.pupils)
    user = User.objects.get(username="coordinator")
    scope = dashboard_scope(user)
    assert scope is not None
    known = dashboard_years(scope)
    client = Client(HTTP_HOST="localhost")  # the host the harness allows
    client.force_login(user)
    page_work(scope, known)  # warm the database's cache, as a running server has it
    whole_page(client)
    print(f"knotwork: {args.runs} runs", file=sys.stderr)
    ours, ours_cpu, page, found = [], [], [], None
    for _ in range(args.runs):  # in turns, so a busy moment of the machine falls on each
        taken, found = timed(lambda: page_work(scope, known), 1)
        ours += taken
        ours_cpu += timed(lambda: page_work(scope, known), 1, time.process_time)[0]
        page.append(whole_page(client))
    print(f"baseline: {args.baseline_runs} runs", file=sys.stderr)
    theirs, their_counts = timed(lambda: baseline(list(scope.settings)), args.baseline_runs)
    agreed = agree(ours_as_counts(found), their_counts, found)
    this_year, last_year = found.years[0].whole.counts, found.years[1].whole.counts
    results: dict[str, Any] = {
        "engine": database_engine(),
        "date": datetime.date.today().isoformat(),
        "commit": commit(),
        "pupils": args.pupils,
        "build": build_s,
        "made_here": made_here,
        "exclusions": Exclusion.objects.count(),
        "year": {
            "headcount": this_year.headcount,
            "suspensions": this_year.suspensions,
            "permanent": this_year.permanent,
        },
        "last": {"suspensions": last_year.suspensions, "permanent": last_year.permanent},
        "ours": ours,
        "ours_cpu": ours_cpu,
        "theirs": theirs,
        "page": page,
        "agree": agreed,
    }
    import numpy

    results["machine"] = machine(results["engine"], f"numpy {numpy.__version__}")
    connection.close()
    results["load"] = (load_at_start, os.getloadavg()[0])
    block = report(results)
    print()
    print(block)
    if not args.no_docs:
        write_docs("exclusion_statistics", vendor, SECTION, block)
        print(f"Written to {DOCS.relative_to(ROOT)}", file=sys.stderr)
    shutil.rmtree(data_dir, ignore_errors=True)
    if not agreed:
        sys.exit("The two ways gave different counts.")


if __name__ == "__main__":
    main()
