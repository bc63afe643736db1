"""Small-number suppression: hand cases, and properties for any table of groups."""

from __future__ import annotations

from collections import defaultdict

from hypothesis import given
from hypothesis import strategies as st

from knotwork.attendance.dashboard_rules import hidden_rows

MINIMUM = 5


def flat(*counts: int) -> tuple[list[int], list[int | None]]:
    """Top rows with a total last (its parts are every row above it)."""
    total = len(counts)
    return [*counts, sum(counts)], [*([total] * len(counts)), None]


def test_nothing_is_hidden_when_every_group_is_big_enough():
    counts, parents = flat(7, 5, 12)
    assert hidden_rows(counts, parents, MINIMUM) == set()


def test_a_small_group_and_the_next_smallest_are_hidden():
    counts, parents = flat(7, 5, 2, 9)
    assert hidden_rows(counts, parents, MINIMUM) == {1, 2}


def test_two_small_groups_need_no_other():
    counts, parents = flat(7, 3, 2)
    assert hidden_rows(counts, parents, MINIMUM) == {1, 2}


def test_empty_groups_are_shown_and_never_chosen_to_hide_another():
    counts, parents = flat(0, 3, 8)
    assert hidden_rows(counts, parents, MINIMUM) == {1, 2}


def test_a_small_total_hides_the_whole_table():
    counts, parents = flat(3, 1, 0)
    assert hidden_rows(counts, parents, MINIMUM) == {0, 1, 2, 3}


def test_a_detail_row_is_hidden_with_a_sibling_and_a_hidden_group_hides_its_detail():
    # total (index 6) = White (0: British 1, Irish 2) + Mixed (3: one code 4) + Asian (5)
    counts = [20, 17, 3, 4, 4, 30, 54]
    parents: list[int | None] = [6, 0, 0, 6, 3, 6, None]
    hidden = hidden_rows(counts, parents, MINIMUM)
    assert {1, 2} <= hidden  # Irish (3) is small; White British = White - Irish otherwise
    assert {3, 4} <= hidden  # Mixed (4) is small, and so its detail
    assert 0 in hidden  # Mixed alone hidden in the total: the next smallest, White, too
    assert 5 not in hidden and 6 not in hidden


@st.composite
def tables(draw: st.DrawFn) -> tuple[list[int], list[int | None]]:
    """A total, top groups, and some of the top groups split into detail rows."""
    tops = draw(st.lists(st.integers(0, 3), min_size=1, max_size=6))  # detail rows per top
    counts: list[int] = []
    parents: list[int | None] = []
    for details in tops:
        parts = draw(st.lists(st.integers(0, 12), min_size=details, max_size=details))
        top = sum(parts) if details else draw(st.integers(0, 30))
        index = len(counts)
        counts.append(top)
        parents.append(-1)  # the total, filled in below
        for part in parts:
            counts.append(part)
            parents.append(index)
    total = len(counts)
    parents = [total if p == -1 else p for p in parents]
    counts.append(sum(c for c, p in zip(counts, parents, strict=True) if p == total))
    parents.append(None)
    return counts, parents


@given(tables(), st.integers(1, 10))
def test_no_hidden_figure_can_be_worked_out(table, minimum):
    counts, parents = table
    hidden = hidden_rows(counts, parents, minimum)
    parts: dict[int | None, list[int]] = defaultdict(list)
    for i, parent in enumerate(parents):
        parts[parent].append(i)
    for i, n in enumerate(counts):
        if 0 < n < minimum:
            assert i in hidden  # every small group
    for parent, children in parts.items():
        if parent is None:
            continue
        hidden_children = [i for i in children if i in hidden]
        if parent in hidden:
            assert hidden_children == children  # a hidden whole hides its parts
        else:
            # never exactly one part hidden under a whole that is shown
            assert len(hidden_children) != 1


@given(tables(), st.integers(1, 10))
def test_groups_are_hidden_only_for_a_reason(table, minimum):
    counts, parents = table
    hidden = hidden_rows(counts, parents, minimum)
    if not any(0 < n < minimum for n in counts):
        assert hidden == set()
