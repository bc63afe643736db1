"""Small numbers in exclusion tables: hidden as seed 003 marks them (``x``), with the
counts that would let a hidden one be worked out from a total hidden too."""

from __future__ import annotations

from collections import Counter
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from knotwork.analytics.exclusions import (
    COUNT_FIELDS,
    PERMANENT,
    SUPPRESSED,
    SUSPENSION,
    Counts,
    Figures,
    figures_for,
    hidden_cells,
    reason_figures,
    suppress_rows,
    suppress_tables,
)

FLAT = [0, 0, None]  # two parts of a whole (row 2)


def flat(*parts: int) -> tuple[list[int], list[int | None]]:
    counts = [*parts, sum(parts)]
    return counts, [len(parts)] * len(parts) + [None]


def test_four_is_hidden_and_five_is_shown():
    counts, parents = flat(4, 5, 20)
    assert hidden_cells(counts, parents) == {0, 1}  # 4 alone would be the total less 25
    counts, parents = flat(5, 5, 20)
    assert hidden_cells(counts, parents) == set()


def test_zero_is_shown():
    counts, parents = flat(0, 12, 30)
    assert hidden_cells(counts, parents) == set()


def test_one_hidden_part_takes_the_smallest_other_with_it():
    counts, parents = flat(2, 9, 7, 30)
    assert hidden_cells(counts, parents) == {0, 2}  # 2 + 7: two parts, 9 together


def test_hidden_parts_adding_up_to_less_than_five_take_another():
    counts, parents = flat(1, 1, 8, 10)
    assert hidden_cells(counts, parents) == {0, 1, 2}


def test_hidden_parts_of_one_each_hide_the_whole_when_nothing_else_is_left():
    counts, parents = flat(1, 1, 1, 1, 1)
    assert hidden_cells(counts, parents) == {0, 1, 2, 3, 4, 5}


def test_a_small_whole_hides_its_parts():
    counts, parents = flat(3, 0)
    assert hidden_cells(counts, parents) == {0, 2}


def test_a_hidden_group_hides_its_detail_and_a_shown_group_protects_its_own():
    # total 40 = White 10 (British 2, Irish 8) + Black 27 (Caribbean 27) + Mixed 3
    counts = [40, 10, 2, 8, 27, 27, 3]
    parents = [None, 0, 1, 1, 0, 4, 0]
    hidden = hidden_cells(counts, parents)
    assert {2, 3} <= hidden  # 2 hidden, so 8 too (10 less 8 would give it away)
    assert 6 in hidden and 1 in hidden  # Mixed 3 hidden, then White, the smallest other
    assert 0 not in hidden and 4 not in hidden and 5 not in hidden


def test_no_minimum_hides_nothing():
    counts, parents = flat(1, 2, 3)
    assert hidden_cells(counts, parents, minimum=1) == set()


def test_short_suspensions_hide_where_the_longer_ones_are_few():
    rows = [
        Counts(headcount=100, suspensions=12, short=10),  # two longer than five days
        Counts(headcount=100, suspensions=30, short=30),
        Counts(headcount=200, suspensions=42, short=40),
    ]
    hidden = suppress_rows(rows, [2, 2, None])
    assert "short" in hidden[0] and "short" in hidden[2]
    assert "short" in hidden[1]  # the total's short is hidden, so its parts are
    assert "suspensions" not in hidden[0]


def test_a_rate_on_a_hidden_count_is_hidden():
    rows = [Counts(headcount=50, suspensions=3, pupils=3), Counts(headcount=3)]
    figures = Figures(rows[0], frozenset({"suspensions", "pupils"}))
    assert figures.value("suspension_rate") == SUPPRESSED
    assert figures.value("days") == SUPPRESSED
    assert figures.value("headcount") == 50
    small_roll = Figures(rows[1], frozenset({"headcount"}))
    assert small_roll.value("permanent_exclusion_rate") == SUPPRESSED
    assert small_roll.value("permanent_exclusions") == 0
    assert small_roll.value("headcount") == 3  # a roll is shown, its rates are not


def test_shares_of_the_whole_are_hidden_with_the_count():
    rows = [Counts(suspensions=3), Counts(suspensions=17), Counts(suspensions=20)]
    parents = [2, 2, None]
    figures = figures_for(rows, parents, suppress_rows(rows, parents))
    assert figures[0].value("share_of_suspensions") == SUPPRESSED
    assert figures[1].value("share_of_suspensions") == SUPPRESSED
    assert figures[2].value("share_of_suspensions") == Decimal("100.00")
    shown = figures_for(rows, parents, [frozenset()] * 3)
    assert shown[1].value("share_of_suspensions") == Decimal("85.00")


def test_a_whole_hidden_in_one_table_is_hidden_in_every_table():
    # Five permanent exclusions, one at each of five ages: the age table must hide its
    # whole, so the gender table (all five boys) must hide it too.
    by_age = [Counts(permanent=1)] * 5 + [Counts(permanent=5)]
    by_gender = [Counts(permanent=0), Counts(permanent=5), Counts(permanent=5)]
    hidden_age, hidden_gender = suppress_tables(
        [(by_age, [5] * 5 + [None]), (by_gender, [2, 2, None])]
    )
    assert all("permanent" in h for h in hidden_age)
    assert "permanent" in hidden_gender[2] and "permanent" in hidden_gender[1]
    assert "permanent" not in hidden_gender[0]


def test_reasons_are_hidden_down_each_column():
    reasons = {SUSPENSION: Counter({"DB": 40, "VA": 3, "PP": 9}), PERMANENT: Counter({"PA": 2})}
    rows, total = reason_figures(reasons, ["DB", "VA", "PP", "PA"])
    db, va, pp, pa = rows
    assert (db.suspensions, va.suspensions, pp.suspensions) == (40, SUPPRESSED, SUPPRESSED)
    assert db.suspension_share == Decimal("76.92")  # 40 of 52 reasons
    assert total.suspensions == 52
    assert pa.permanent == SUPPRESSED and total.permanent == SUPPRESSED
    assert db.permanent == 0


# --- Properties -------------------------------------------------------------------------------


@st.composite
def tables(draw):
    """A whole, its groups and some groups' detail, each row the sum of its parts."""
    groups = draw(st.lists(st.lists(st.integers(0, 12), max_size=4), min_size=1, max_size=6))
    counts, parents = [0], [None]
    for detail in groups:
        group = len(counts)
        counts.append(sum(detail) if detail else draw(st.integers(0, 30)))
        parents.append(0)
        for value in detail:
            counts.append(value)
            parents.append(group)
    counts[0] = sum(counts[i] for i, p in enumerate(parents) if p == 0)
    return counts, parents


def assert_never_reveals(counts, parents, hidden, minimum):
    for i, n in enumerate(counts):
        assert i in hidden or not 0 < n < minimum
    for whole in range(len(counts)):
        parts = [i for i, p in enumerate(parents) if p == whole]
        hidden_parts = [i for i in parts if i in hidden]
        if whole in hidden:
            assert all(counts[i] == 0 or i in hidden for i in parts)
        elif hidden_parts:
            # The whole less the parts shown gives only the hidden parts together: at
            # least two of them, adding up to the minimum or more, so each could be
            # any of several values.
            together = counts[whole] - sum(counts[i] for i in parts if i not in hidden)
            assert len(hidden_parts) >= 2
            assert together >= minimum
            assert together - (len(hidden_parts) - 1) >= 2


@settings(max_examples=400)
@given(tables(), st.integers(2, 6))
def test_suppression_never_reveals(table, minimum):
    counts, parents = table
    assert_never_reveals(counts, parents, hidden_cells(counts, parents, minimum), minimum)


counts_rows = st.builds(
    Counts,
    headcount=st.integers(0, 40),
    suspensions=st.integers(0, 12),
    pupils=st.integers(0, 6),
    permanent=st.integers(0, 3),
    two_or_more=st.integers(0, 3),
)


@st.composite
def breakdowns(draw):
    """The same groups put together different ways: tables that share one whole."""
    parts = draw(st.lists(counts_rows, min_size=1, max_size=8))
    whole = sum(parts, Counts())
    out = []
    for _ in range(draw(st.integers(1, 4))):
        key = draw(st.lists(st.integers(0, 3), min_size=len(parts), max_size=len(parts)))
        merged = [
            sum((p for p, k in zip(parts, key, strict=True) if k == g), Counts()) for g in set(key)
        ]
        out.append(([*merged, whole], [len(merged)] * len(merged) + [None]))
    return out


@settings(max_examples=200)
@given(breakdowns())
def test_tables_sharing_a_whole_hide_the_same_counts_of_it(tables_):
    results = suppress_tables(tables_)
    assert len({found[-1] for found in results}) == 1
    for (rows, parents), found in zip(tables_, results, strict=True):
        for name in COUNT_FIELDS:
            hidden = {i for i, h in enumerate(found) if name in h}
            assert_never_reveals([getattr(r, name) for r in rows], parents, hidden, 5)
