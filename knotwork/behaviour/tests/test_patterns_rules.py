"""Pattern counting over plain values: hand-worked cases and properties."""

import datetime
import itertools
from collections import Counter
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from knotwork.behaviour import patterns as p

DT = datetime.datetime


def incident(ref, when, place="corridor", *pupils):
    return p.IncidentFact(ref, when, place, tuple(p.Involvement(pid, role) for pid, role in pupils))


def pupil(pid, year=9, sex="M", sen="N", fsm=False, ethnicity="WBRI", looked_after=False):
    return p.PupilFact(pid, year, sex, sen, fsm, ethnicity, looked_after)


# --- time of day -------------------------------------------------------------------------------


def test_time_bands_begin_at_their_start_times():
    cases = {
        datetime.time(7, 55): "before_school",
        datetime.time(8, 39): "before_school",
        datetime.time(8, 40): "morning",
        datetime.time(10, 39): "morning",
        datetime.time(10, 40): "break",
        datetime.time(11, 0): "morning",
        datetime.time(12, 29): "morning",
        datetime.time(12, 30): "lunch",
        datetime.time(13, 29): "lunch",
        datetime.time(13, 30): "afternoon",
        datetime.time(15, 15): "after_school",
        datetime.time(23, 59): "after_school",
        datetime.time(0, 0): "before_school",
    }
    for moment, band in cases.items():
        assert p.time_band(moment) == band, moment


def test_band_times_describe_each_band():
    assert p.band_times("before_school") == "before 08:40"
    assert p.band_times("morning") == "08:40-10:40, 11:00-12:30"
    assert p.band_times("lunch") == "12:30-13:30"
    assert p.band_times("after_school") == "from 15:15"


def test_counts_by_place_band_and_weekday_by_hand():
    facts = [
        incident(1, DT(2026, 11, 23, 13, 20), "corridor"),  # Monday lunch
        incident(2, DT(2026, 11, 23, 13, 25), "corridor"),  # Monday lunch
        incident(3, DT(2026, 11, 24, 9, 0), "classroom"),  # Tuesday morning
        incident(4, DT(2026, 11, 28, 21, 0), "online"),  # Saturday after school
    ]
    assert p.by_place(facts) == Counter(corridor=2, classroom=1, online=1)
    assert p.by_band(facts) == Counter(lunch=2, morning=1, after_school=1)
    assert p.by_weekday(facts) == Counter({0: 2, 1: 1, 5: 1})
    assert p.heatmap(facts) == Counter({(0, "lunch"): 2, (1, "morning"): 1, (5, "after_school"): 1})
    places = [("classroom", "Classroom"), ("corridor", "Corridor"), ("online", "Online")]
    assert p.ordered(p.by_place(facts), places) == [
        ("Corridor", 2),
        ("Classroom", 1),
        ("Online", 1),
    ]


moments = st.datetimes(min_value=DT(2024, 9, 1), max_value=DT(2027, 8, 31))
facts_strategy = st.lists(
    st.builds(
        lambda ref, when, place, pupils: incident(ref, when, place, *pupils),
        st.integers(1, 10_000),
        moments,
        st.sampled_from(["corridor", "classroom", "toilets", "online"]),
        st.lists(
            st.tuples(st.integers(1, 12), st.sampled_from(["instigator", "target", "witness"])),
            max_size=5,
            unique_by=lambda t: t[0],
        ),
    ),
    max_size=40,
)


@given(facts_strategy)
def test_the_heatmap_adds_up_to_each_way_of_counting(facts):
    heat = p.heatmap(facts)
    assert sum(heat.values()) == len(facts) == sum(p.by_place(facts).values())
    for day, count in p.by_weekday(facts).items():
        assert sum(n for (d, _), n in heat.items() if d == day) == count
    for band, count in p.by_band(facts).items():
        assert sum(n for (_, b), n in heat.items() if b == band) == count


# --- the same two pupils again -------------------------------------------------------------------


def test_pairs_together_twice_or_more_by_hand():
    monday = DT(2026, 11, 23, 13, 0)
    facts = [
        incident(1, monday, "corridor", (7, "instigator"), (3, "target")),
        incident(2, monday, "corridor", (3, "instigator"), (7, "target"), (5, "witness")),
        incident(3, monday, "corridor", (5, "instigator"), (7, "target")),
        incident(4, monday, "corridor", (3, "instigator"), (7, "target")),
        incident(5, monday, "corridor", (9, "instigator")),
    ]
    pairs = p.repeat_pairs(facts)
    assert [(x.first, x.second, x.incidents) for x in pairs] == [
        (3, 7, (1, 2, 4)),
        (5, 7, (2, 3)),
    ]
    assert pairs[0].together == 3
    assert p.repeat_pairs(facts, minimum=3) == pairs[:1]


@given(facts_strategy)
def test_pairs_match_counting_every_incident_by_hand(facts):
    pairs = p.repeat_pairs(facts)
    for pair in pairs:
        assert pair.first < pair.second and pair.together >= 2
        shared = [
            f.ref for f in facts if {pair.first, pair.second} <= {part.pupil for part in f.pupils}
        ]
        assert list(pair.incidents) == shared
    found = {(x.first, x.second) for x in pairs}
    everyone = sorted({part.pupil for f in facts for part in f.pupils})
    for a, b in itertools.combinations(everyone, 2):
        together = sum(1 for f in facts if {a, b} <= {part.pupil for part in f.pupils})
        assert ((a, b) in found) == (together >= 2)
    assert [x.together for x in pairs] == sorted((x.together for x in pairs), reverse=True)


# --- a pupil over time ----------------------------------------------------------------------------


def test_per_month_counts_every_month_in_the_window():
    days = [datetime.date(2026, 9, 3), datetime.date(2026, 9, 30), datetime.date(2026, 11, 2)]
    assert p.per_month(days, datetime.date(2026, 9, 1), datetime.date(2026, 11, 24)) == [
        (datetime.date(2026, 9, 1), 2),
        (datetime.date(2026, 10, 1), 0),
        (datetime.date(2026, 11, 1), 1),
    ]
    assert p.months_between(datetime.date(2026, 12, 31), datetime.date(2027, 1, 1)) == [
        datetime.date(2026, 12, 1),
        datetime.date(2027, 1, 1),
    ]


@given(
    st.lists(st.dates(datetime.date(2025, 1, 1), datetime.date(2027, 12, 31)), max_size=30),
    st.dates(datetime.date(2025, 1, 1), datetime.date(2027, 12, 31)),
    st.dates(datetime.date(2025, 1, 1), datetime.date(2027, 12, 31)),
)
def test_per_month_counts_exactly_the_days_in_the_window(days, first, last):
    counted = p.per_month(days, first, last)
    assert sum(n for _, n in counted) == sum(1 for d in days if first <= d <= last)
    months = [m for m, _ in counted]
    assert months == sorted(set(months))
    assert all(m.day == 1 for m in months)


# --- pupil groups --------------------------------------------------------------------------------


def test_group_counts_and_rates_by_hand():
    roll = [pupil(i, fsm=i <= 10) for i in range(1, 41)]  # 10 eligible, 30 not
    # Pupils 1-6 (eligible) in 9 incident parts; pupils 11-16 in 6.
    uses = [(pid, 0, 0) for pid in (1, 1, 1, 1, 2, 3, 4, 5, 6)] + [
        (pid, 0, 0) for pid in range(11, 17)
    ]
    uses.append((99, 0, 0))  # not on roll: left out
    fsm = next(g for g in p.groupings(roll) if g.slug == "fsm")
    rows = p.group_counts(fsm, roll, uses)
    assert [(r.label, r.on_roll, r.uses, r.pupils) for r in rows] == [
        ("Eligible", 10, 9, 6),
        ("Not eligible", 30, 6, 6),
        ("All pupils on roll", 40, 15, 12),
    ]
    shown = p.suppressed_rows(rows)
    assert shown[0].cells["uses_rate"] == "90.0"
    assert shown[0].cells["pupils_rate"] == "60.0"
    assert shown[1].cells["uses_rate"] == "20.0"
    assert shown[2].cells["uses_rate"] == "37.5"


def test_withdrawal_sessions_per_pupil_by_hand():
    roll = [pupil(i, sen="K" if i <= 8 else "N") for i in range(1, 31)]
    uses = [(1, 2, 0), (1, 1, 0), (2, 2, 0), (3, 0, 40), (4, 1, 0), (5, 2, 0)]
    uses += [(9, 1, 0), (10, 1, 0), (11, 0, 20), (12, 1, 0), (13, 1, 0)]
    sen = next(g for g in p.groupings(roll) if g.slug == "sen")
    rows = p.group_counts(sen, roll, uses)
    assert [(r.label, r.on_roll, r.uses, r.pupils, r.sessions, r.minutes) for r in rows] == [
        ("No special educational need", 22, 5, 5, 4, 20),
        ("SEN support", 8, 6, 5, 8, 40),
        ("Education, health and care plan", 0, 0, 0, 0, 0),
        ("All pupils on roll", 30, 11, 10, 12, 60),
    ]
    shown = p.suppressed_rows(rows)
    assert shown[1].cells["sessions_per_pupil"] == "1.6"
    assert shown[1].cells["uses_rate"] == "75.0"
    assert shown[2].cells["uses_rate"] == "\N{EN DASH}"  # nobody on roll: no rate
    assert shown[3].cells["sessions_per_pupil"] == "1.2"


def test_small_numbers_are_suppressed_at_the_boundary():
    roll = [pupil(i, sex="F" if i <= 4 else "M") for i in range(1, 31)]  # 4 girls, 26 boys
    uses = [(pid, 0, 0) for pid in range(5, 10)]  # 5 boys, once each
    gender = next(g for g in p.groupings(roll) if g.slug == "gender")
    shown = p.suppressed_rows(p.group_counts(gender, roll, uses))
    girls, boys, total = shown
    assert set(girls.cells.values()) == {"x"}  # 4 on roll
    # Only one cell hidden in the roll column would give it away: boys' roll is hidden too.
    assert boys.cells["on_roll"] == "x" and boys.cells["uses_rate"] == "x"
    assert total.cells["on_roll"] == "30" and total.cells["uses"] == "5"
    assert total.cells["uses_rate"] == "16.7"

    five = [pupil(i, sex="F" if i <= 5 else "M") for i in range(1, 31)]
    boys_only = [(pid, 0, 0) for pid in range(6, 11)]
    shown = p.suppressed_rows(p.group_counts(gender, five, boys_only))
    assert shown[0].cells["on_roll"] == "5"  # five is shown
    assert shown[0].cells["uses"] == "0"  # nought gives nothing away
    assert shown[1].cells["uses"] == "5"


def test_a_count_of_four_is_hidden_with_its_rate():
    roll = [pupil(i, fsm=i <= 20) for i in range(1, 41)]
    uses = [(pid, 0, 0) for pid in (1, 2, 3, 4)] + [(pid, 0, 0) for pid in range(21, 31)]
    fsm = next(g for g in p.groupings(roll) if g.slug == "fsm")
    eligible, other, total = p.suppressed_rows(p.group_counts(fsm, roll, uses))
    assert eligible.cells["on_roll"] == "20"
    assert eligible.cells["uses"] == "x" and eligible.cells["uses_rate"] == "x"
    assert eligible.cells["pupils"] == "x" and eligible.cells["pupils_rate"] == "x"
    assert other.cells["uses"] == "x"  # else 14 - 10 gives it away
    assert total.cells["uses"] == "14"


def test_ethnicity_rolls_up_to_major_groups():
    assert p.ethnic_major_group("BCRB") == "Black or Black British"
    assert p.ethnic_major_group("WROM") == "White"
    assert p.ethnic_major_group("NOBT") == "Unclassified"
    assert p.ethnic_major_group("ZZZZ") == "Unclassified"


def test_per_100_rounds_half_up():
    assert p.per_100(1, 8) == Decimal("12.5")
    assert p.per_100(1, 6) == Decimal("16.7")
    assert p.per_100(1, 0) is None
    assert p.per_each(5, 4) == Decimal("1.3")


roll_strategy = st.lists(
    st.builds(
        pupil,
        st.integers(1, 60),
        st.integers(7, 11),
        st.sampled_from(["F", "M"]),
        st.sampled_from(["N", "K", "E"]),
        st.booleans(),
        st.sampled_from(["WBRI", "BCRB", "APKN", "MWBC", "CHNE", "OOTH", "NOBT"]),
        st.booleans(),
    ),
    max_size=60,
    unique_by=lambda f: f.pupil,
)
uses_strategy = st.lists(
    st.tuples(st.integers(1, 70), st.integers(0, 4), st.integers(0, 60)), max_size=80
)


@given(roll_strategy, uses_strategy)
def test_groups_add_up_to_the_total(roll, uses):
    on_roll = {f.pupil for f in roll}
    for grouping in p.groupings(roll):
        rows = p.group_counts(grouping, roll, uses)
        *groups, total = rows
        assert total.total and not any(g.total for g in groups)
        for name in ("on_roll", "uses", "pupils", "sessions", "minutes"):
            assert sum(getattr(g, name) for g in groups) == getattr(total, name), name
        assert total.uses == sum(1 for pid, _, _ in uses if pid in on_roll)
        assert total.pupils == len({pid for pid, _, _ in uses if pid in on_roll})


@given(roll_strategy, uses_strategy)
def test_no_small_number_is_ever_shown_nor_one_worked_out(roll, uses):
    for grouping in p.groupings(roll):
        counts = p.group_counts(grouping, roll, uses)
        shown = p.suppressed_rows(counts)
        for name in ("on_roll", "uses", "pupils", "sessions", "minutes"):
            cells = [row.cells[name] for row in shown]
            for cell in cells:
                assert cell == "x" or not (0 < int(cell) < p.SUPPRESS_BELOW), (name, cells)
            # Never exactly one hidden group while the total is shown.
            if cells[-1] != "x":
                assert sum(1 for c in cells[:-1] if c == "x") != 1, (name, cells)
        for row, count in zip(shown, counts, strict=True):
            if row.cells["uses"] == "x" or row.cells["on_roll"] == "x":
                assert row.cells["uses_rate"] == "x"
            if row.cells["on_roll"] == "x":
                assert set(row.cells.values()) == {"x"}
            if row.cells["pupils"] == "x":
                assert row.cells["uses"] == row.cells["sessions"] == row.cells["minutes"] == "x"
            if count.on_roll and row.cells["uses_rate"] != "x":
                assert Decimal(row.cells["uses_rate"]) == p.per_100(count.uses, count.on_roll)
