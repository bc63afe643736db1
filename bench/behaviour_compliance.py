"""Benchmark: the exclusions compliance page for a school and for the partnership.

    .venv/bin/python bench/behaviour_compliance.py [--pupils 130000] [--database-url URL]
                                                   [--requests 200] [--own-exclusions]
                                                   [--profile] [--no-docs] [--keep-data]

Works in a temporary data directory (SQLite there unless --database-url names an empty
PostgreSQL database), migrates and builds the demo (``demo_build``, seed 1) while
travelled (time-machine, ticking) to Tuesday 24 November 2026 at 10:30 in London. If the
demo holds fewer than 1,000 suspensions (or with --own-exclusions) it adds its own
realistic set first: about 3,000 pupils at the secondary schools with 1-4 suspensions
each in 2025/26 and in 2026/27 to date (mostly a day or two, some longer than five
days), most notices recorded but not all, provision arranged for some of the long ones,
the board met for some, a few pupils near the 45-day cap, and a dozen permanent
exclusions at every stage (board to meet, window open, window closed, review applied,
reconsideration due). Still on that day, it asks for the pages through Django's test
``Client``, signed in (``force_login``) as the demo's users:

1. the compliance page (``behaviour:compliance``) for a member of staff at the school
   with the most open items (their setting), and for the partnership coordinator (every
   setting in the partnership);
2. the pupil's exclusions page (``behaviour:pupil-exclusions``) for 50 pupils with
   exclusions at that school, for the same member of staff;
3. the baseline, in the same run: the pupil search page (``pupils:search``, posted as the
   form is) for 200 names and UPNs.

Each page: a few warm-up requests, then the timed requests (200 by default), every
response 200; then the same requests again inside ``CaptureQueriesContext`` to count
queries and their time.

Prints median, 95th percentile and max against the 150 ms goal and writes them to
docs/benchmarks.md (``--no-docs`` to skip). ``--profile`` runs cProfile over the
requests of each page that misses the goal and prints where the time goes.
"""

from __future__ import annotations

import argparse
import cProfile
import datetime
import io
import os
import pstats
import random
import statistics
import sys
import time
import zoneinfo
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from harness import (
    configure,
    finish,
    page_bench_arguments,
    run_facts,
    seconds,
)

GOAL_S = 0.150
DAY = datetime.date(2026, 11, 24)  # a Tuesday in the demo's autumn term
NOW = datetime.datetime(2026, 11, 24, 10, 30, tzinfo=zoneinfo.ZoneInfo("Europe/London"))
WARM_UP = 5
ENOUGH_SUSPENSIONS = 1_000
OWN_PUPILS = 3_000
PUPIL_PAGES = 50


@dataclass(frozen=True)
class Request:
    kind: str
    path: str
    data: dict[str, str] | None = None  # posted when given


@dataclass
class Page:
    name: str
    who: str
    user: Any
    requests: list[Request]
    goal: str
    baseline: bool = False
    seconds: list[float] = field(default_factory=list)
    queries: list[int] = field(default_factory=list)
    database: list[float] = field(default_factory=list)


# --- A realistic set of exclusions when the demo has none -----------------------------------


def own_exclusions(rng: random.Random) -> dict[str, int]:
    """Suspensions and permanent exclusions for pupils at the secondary schools, written
    with ``bulk_create`` (the page reads them; how they were written does not matter)."""
    from knotwork.accounts.models import Membership, Role
    from knotwork.behaviour.models import Exclusion
    from knotwork.directory.models import Setting
    from knotwork.pupils.models import Enrolment
    from knotwork.termdates.queries import school_days_for

    recorder = Membership.objects.filter(role=Role.COORDINATOR).select_related("user").first()
    assert recorder is not None
    schools = list(Setting.objects.filter(setting_type=Setting.Type.SECONDARY))
    calendars = school_days_for({s.calendar_id for s in schools}, [2025, 2026, 2027])
    on_roll = list(
        Enrolment.objects.current(DAY)
        .filter(setting__in=schools)
        .values_list("pk", "pupil_id", "setting__calendar_id")
    )
    chosen = rng.sample(on_roll, min(OWN_PUPILS, len(on_roll)))
    lengths = [1, 2, 2, 2, 2, 4, 4, 4, 2, 6, 6, 10, 12, 14, 20]
    reasons = ["DB", "DB", "DB", "VA", "PP", "VP", "PA", "DA", "BU", "MT", "DM", "OW"]
    made: list[Exclusion] = []
    counts: Counter[str] = Counter()

    def add(enrolment: int, pupil: int, session: Any, **extra: Any) -> None:
        start = session.date
        told = rng.random()
        facts: dict[str, Any] = {
            "parents_told_on": start if told < 0.95 else None,
            "parents_told_how": "phone" if told < 0.95 else "",
            "la_told_on": start + datetime.timedelta(days=rng.choice([0, 0, 0, 1]))
            if told < 0.9
            else None,
            "governors_told_on": start if told < 0.85 else None,
        }
        facts.update(extra)
        made.append(
            Exclusion(
                pupil_id=pupil,
                enrolment_id=enrolment,
                start_date=start,
                start_half=session.half,
                reason_1=rng.choice(reasons),
                decided_by="Headteacher",
                recorded_by=recorder.user,
                **facts,
            )
        )

    for i, (enrolment, pupil, calendar_id) in enumerate(chosen):
        calendar = calendars[calendar_id]
        for first, last in (
            (datetime.date(2025, 9, 3), datetime.date(2026, 7, 17)),
            (datetime.date(2026, 9, 2), DAY),
        ):
            lo = calendar.first_session_from(first)
            hi = calendar.first_session_from(last)
            if lo is None or hi is None:
                continue
            place = lo + rng.randrange(0, max(1, (hi - lo) // 3))
            near_cap = i < 6 and first.year == 2026
            for _ in range(12 if near_cap else rng.choice([1, 1, 1, 2, 2, 3, 4])):
                sessions = 6 if near_cap else rng.choice(lengths)
                if place + sessions >= hi:
                    break
                session = calendar.session(place)
                long = sessions > 10
                extra: dict[str, Any] = {"kind": "suspension", "sessions": sessions}
                if long and rng.random() < 0.6:
                    arranged = calendar.session(place + 10)
                    extra |= {
                        "provision_by": "school",
                        "provision_where": "Learning centre",
                        "provision_from": arranged.date if arranged else None,
                    }
                if long and rng.random() < 0.3:
                    extra["parents_representations_on"] = session.date
                add(enrolment, pupil, session, **extra)
                counts["suspensions"] += 1
                place += sessions + rng.randrange(6, 60)
    # A dozen permanent exclusions at every stage, at pupils not suspended above.
    taken = set(chosen)
    spare = [row for row in on_roll if row not in taken]
    starts = [datetime.date(2026, 11, d) for d in (2, 4, 9, 11, 12, 16, 17, 18, 19, 20, 23, 24)]
    for n, ((enrolment, pupil, calendar_id), start) in enumerate(
        zip(rng.sample(spare, 12), starts, strict=True)
    ):
        calendar = calendars[calendar_id]
        session = calendar.session(calendar.first_session_from(start))
        board = start + datetime.timedelta(days=14)
        extra = {"kind": "permanent", "sessions": None}
        if n % 4 in (1, 2, 3) and board <= DAY:
            extra |= {
                "board_met_on": board,
                "board_outcome": "upheld",
                "board_decision_sent_on": board + datetime.timedelta(days=1),
            }
        if n % 4 == 2 and board < DAY:
            extra["review_applied_on"] = board + datetime.timedelta(days=2)
        if n % 4 == 3 and board < DAY - datetime.timedelta(days=3):
            extra |= {
                "review_applied_on": board + datetime.timedelta(days=2),
                "review_outcome": "quashed",
                "review_decided_on": board + datetime.timedelta(days=3),
            }
        if n % 2:
            extra |= {
                "provision_by": "la",
                "provision_where": "Pupil referral unit",
                "provision_from": start + datetime.timedelta(days=7),
            }
        add(enrolment, pupil, session, **extra)
        counts["permanent exclusions"] += 1
    Exclusion.objects.bulk_create(made, batch_size=2_000)
    return dict(counts)


# --- What to ask for --------------------------------------------------------------------------


def member(setting: Any, role: str) -> tuple[Any, str]:
    """The demo's user with this role at the organisation, and who they are."""
    from knotwork.accounts.models import Membership

    m = (
        Membership.objects.filter(organisation_id=setting.pk, role=role)
        .select_related("user")
        .order_by("pk")
        .first()
    )
    if m is None:
        return None, ""
    rights = "may edit" if m.can_edit else "read only"
    return m.user, f"{m.job_title} (`{m.user.username}`, {m.get_role_display().lower()}, {rights})"


def coordinator() -> tuple[Any, str]:
    from knotwork.accounts.models import Membership, Role

    m = (
        Membership.objects.filter(role=Role.COORDINATOR)
        .select_related("user")
        .order_by("pk")
        .first()
    )
    if m is None:
        raise SystemExit("The demo has no partnership coordinator.")
    return m.user, f"{m.job_title} (`{m.user.username}`, coordinator, may edit)"


def busiest_school(partnership_page: Any) -> Any:
    """The secondary school with the most open items that has a member of staff."""
    from knotwork.accounts.models import Membership, Role
    from knotwork.directory.models import Setting

    counts = Counter(item.setting for item in partnership_page.items)
    staffed = set(
        Membership.objects.filter(role__in=[Role.SCHOOL_STAFF, Role.BA_LEADER]).values_list(
            "organisation_id", flat=True
        )
    )
    schools = [
        s
        for s in Setting.objects.filter(pk__in=staffed)
        if s.setting_type == Setting.Type.SECONDARY
    ]
    return max(schools, key=lambda s: (counts.get(s.name, 0), -s.pk))


def search_requests(user: Any, n: int, rng: random.Random) -> list[Request]:
    """What staff type into pupil search: surname prefixes, forename and surname
    prefixes, and exact UPNs of pupils they can see."""
    from django.urls import reverse

    from knotwork.pupils.access import visible_pupils

    path = reverse("pupils:search")
    people = list(visible_pupils(user, DAY).values_list("upn", "legal_forename", "legal_surname"))
    requests = []
    for i, (upn, forename, surname) in enumerate(rng.sample(people, min(n, len(people)))):
        if i % 5 in (0, 1):
            kind, text = "surname prefix", surname[: rng.randint(2, 4)].lower()
        elif i % 5 in (2, 3):
            kind = "forename surname prefixes"
            text = f"{forename[: rng.randint(2, 4)]} {surname[: rng.randint(2, 5)]}".lower()
        else:
            kind, text = "exact UPN", upn
        requests.append(Request(kind, path, {"q": text}))
    return requests


def pages(n: int, rng: random.Random) -> tuple[list[Page], dict[str, Any]]:
    from django.urls import reverse

    from knotwork.accounts.models import Role
    from knotwork.behaviour.compliance import compliance_page, compliance_scope
    from knotwork.behaviour.models import Exclusion
    from knotwork.pupils.access import visible_pupils

    lead, lead_who = coordinator()
    wide = compliance_page(lead, compliance_scope(lead), DAY)
    school = busiest_school(wide)
    staff, staff_who = member(school, Role.SCHOOL_STAFF)
    if staff is None:
        staff, staff_who = member(school, Role.BA_LEADER)
    own = compliance_page(staff, compliance_scope(staff), DAY)
    compliance = reverse("behaviour:compliance")
    excluded = sorted(
        set(
            Exclusion.objects.filter(
                enrolment__setting=school, pupil__in=visible_pupils(staff, DAY).values("pk")
            ).values_list("pupil__uuid", flat=True)
        ),
        key=str,
    )
    sample = rng.sample(excluded, min(PUPIL_PAGES, len(excluded)))
    pupil_pages = [
        Request("pupil", reverse("behaviour:pupil-exclusions", args=[u])) for u in sample
    ]
    goal = f"{GOAL_S * 1000:.0f} ms"
    found = [
        Page(
            "compliance page, the school",
            staff_who,
            staff,
            [Request("school", compliance)] * n,
            goal,
        ),
        Page(
            "compliance page, the partnership",
            lead_who,
            lead,
            [Request("partnership", compliance)] * n,
            goal,
        ),
        Page(
            f"pupil's exclusions page, {len(sample)} pupils",
            staff_who,
            staff,
            (pupil_pages * (n // max(1, len(pupil_pages)) + 1))[:n],
            "for comparison",
            baseline=True,
        ),
        Page(
            f"pupil search (posted), {n} names and UPNs",
            staff_who,
            staff,
            search_requests(staff, n, rng),
            "baseline (the search itself: 1 s)",
            baseline=True,
        ),
    ]
    facts = {
        "school": school.name,
        "school_items": own.total,
        "school_overdue": own.overdue,
        "school_pupils": own.pupils,
        "partnership_items": wide.total,
        "partnership_overdue": wide.overdue,
        "partnership_pupils": wide.pupils,
        "groups": {g.title: len(g.items) for g in wide.groups},
    }
    return found, facts


# --- Asking -------------------------------------------------------------------------------------


def send(client: Any, request: Request) -> None:
    if request.data is None:
        response = client.get(request.path)
    else:
        response = client.post(request.path, request.data)
    if response.status_code != 200:
        raise SystemExit(f"{request.path} answered {response.status_code}, not 200")


def measure(page: Page) -> None:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST="localhost")  # the host the harness allows
    client.force_login(page.user)
    for request in page.requests[:WARM_UP]:
        send(client, request)
    for request in page.requests:
        started = time.perf_counter()
        send(client, request)
        page.seconds.append(time.perf_counter() - started)
    for request in page.requests:
        with CaptureQueriesContext(connection) as captured:
            send(client, request)
        page.queries.append(len(captured.captured_queries))
        page.database.append(sum(float(q["time"]) for q in captured.captured_queries))


def profile(page: Page, requests: int = 40, lines: int = 30) -> str:
    from django.test import Client

    client = Client(HTTP_HOST="localhost")
    client.force_login(page.user)
    profiler = cProfile.Profile()
    profiler.enable()
    for request in page.requests[:requests]:
        send(client, request)
    profiler.disable()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    stats.sort_stats("cumulative").print_stats(lines)
    stats.sort_stats("tottime").print_stats(lines)
    return out.getvalue()


# --- Report ---------------------------------------------------------------------------------------


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20, method="inclusive")[-1]


def ms(value: float) -> str:
    return f"{value * 1000:.1f} ms" if value < 0.01 else f"{value * 1000:,.0f} ms"


def span(values: list[int]) -> str:
    low, high = min(values), max(values)
    return f"{low}" if low == high else f"{low}-{high} (median {statistics.median(values):g})"


def verdict(page: Page) -> str:
    if page.baseline:
        return page.goal
    met = p95(page.seconds) <= GOAL_S
    return f"{page.goal}: **{'met' if met else 'missed'}**"


def report(results: dict[str, Any]) -> str:
    r = results
    f = r["facts"]
    source = (
        "the demo's own"
        if not r["generated"]
        else "made by this benchmark ("
        + ", ".join(f"{n:,} {what}" for what, n in r["generated"].items())
        + "), as the demo had too few"
    )
    groups = "; ".join(f"{title.lower()} {n:,}" for title, n in f["groups"].items())
    lines = [
        f"### {r['engine_name']}",
        "",
        f"Measured {r['date']} at commit {r['commit']} on {r['machine']}; load average "
        f"(1 min) {r['load'][0]:.2f} at the start, {r['load'][1]:.2f} at the end.",
        "",
        f"The demo with {r['pupils']:,} pupils, built in {seconds(r['build'])}; "
        f"{r['suspensions']:,} suspensions and {r['permanent']:,} permanent exclusions, "
        f"{source}. On {DAY:%A %-d %B %Y} the partnership's compliance page lists "
        f"{f['partnership_items']:,} open items ({f['partnership_overdue']:,} overdue) for "
        f"{f['partnership_pupils']:,} pupils: {groups}. "
        f"The school, {f['school']}: {f['school_items']:,} open items "
        f"({f['school_overdue']:,} overdue) for {f['school_pupils']:,} pupils.",
        "",
        "| page (through the test client) | signed in as | requests | median "
        "| 95th percentile | max | queries a request | in the database (median) | goal |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for page in r["pages"]:
        lines.append(
            f"| {page.name} | {page.who} | {len(page.seconds)} "
            f"| {ms(statistics.median(page.seconds))} | **{ms(p95(page.seconds))}** "
            f"| {ms(max(page.seconds))} | {span(page.queries)} "
            f"| {ms(statistics.median(page.database))} | {verdict(page)} |"
        )
    return "\n".join(lines) + "\n"


SECTION = """
## Exclusions compliance page (`bench/behaviour_compliance.py`)

The page that lists every open clock of suspensions and permanent exclusions (education
from the sixth day, the governing board, the independent review window, who must be
told, the 45-day cap), against the goal from the behaviour issue: under 150 ms at the
95th percentile on PostgreSQL, on the 130,000-pupil demo (built by `demo_build` and asked
for on Tuesday 24 November 2026 at 10:30 with time-machine). Asked for through Django's
test client (middleware, view, audit row, template) for the read-only head of year at
the school with the most open items (its pupils only) and for the partnership
coordinator (every setting). The page reads a fixed number of queries however many
pupils: one pass over the exclusions since the start of the term before this one finds
the pupils who may have an open clock (a notice not given, a permanent exclusion in
progress, more than five days in a term or lately, near the cap), and only their
clocks are worked out in Python (`behaviour.rules`), on each calendar's school days.
For comparison in the same run: the pupil's exclusions page for 50 pupils, and the
baseline, the pupil search page posted with 200 names and UPNs. Every response must be
200; queries are counted in a second pass with `CaptureQueriesContext`. The machine's
two cores are shared: the load average is printed with the figures.

Re-run (each run replaces its engine's figures below; `--profile` prints where the
time goes on a page that misses the goal):

```sh
.venv/bin/python bench/behaviour_compliance.py                  # SQLite, 130,000 pupils
psql -h 127.0.0.1 -U postgres -c 'create database knotwork_bench_compliance'
.venv/bin/python bench/behaviour_compliance.py --database-url postgres://postgres@127.0.0.1:5432/knotwork_bench_compliance
psql -h 127.0.0.1 -U postgres -c 'drop database knotwork_bench_compliance'
```
"""


# --- Main ------------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    page_bench_arguments(parser)
    parser.add_argument(
        "--own-exclusions", action="store_true", help="add this benchmark's own exclusions"
    )
    args = parser.parse_args()

    import time_machine

    load_at_start = os.getloadavg()[0]
    data_dir = configure(args.database_url)
    from django.core.management import call_command
    from django.db import connection

    from knotwork.behaviour.models import Exclusion
    from knotwork.directory.demo import demo_build

    with time_machine.travel(NOW, tick=True):
        print(f"Migrating ({connection.vendor}, data in {data_dir})", file=sys.stderr)
        call_command("migrate", verbosity=0, interactive=False)
        print(f"demo_build with {args.pupils:,} pupils on {DAY}", file=sys.stderr)
        started = time.perf_counter()
        summary = demo_build(pupils=args.pupils, seed=1)
        build = time.perf_counter() - started
        rng = random.Random(2026)
        generated: dict[str, int] = {}
        suspensions = Exclusion.objects.filter(kind="suspension").count()
        if args.own_exclusions or suspensions < ENOUGH_SUSPENSIONS:
            print("Adding the benchmark's own exclusions", file=sys.stderr)
            generated = own_exclusions(rng)
            with connection.cursor() as cursor:
                cursor.execute("analyze")
        found, facts = pages(args.requests, rng)
        for page in found:
            print(f"{page.name} as {page.user.username}", file=sys.stderr)
            measure(page)
        profiles = [
            (page, profile(page))
            for page in found
            if args.profile and not page.baseline and p95(page.seconds) > GOAL_S
        ]
    results: dict[str, Any] = {
        **run_facts(),
        "pupils": summary.pupils,
        "build": build,
        "suspensions": Exclusion.objects.filter(kind="suspension").count(),
        "permanent": Exclusion.objects.filter(kind="permanent").count(),
        "generated": generated,
        "facts": facts,
        "pages": found,
        "load": (load_at_start, os.getloadavg()[0]),
    }
    block = report(results)
    finish(
        args,
        name="behaviour_compliance",
        section=SECTION,
        block=block,
        data_dir=data_dir,
        profiles=profiles,
    )


if __name__ == "__main__":
    main()
