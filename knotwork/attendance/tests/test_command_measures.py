"""``knotwork attendance measures``: DfE measures per enrolment from a file, with no database.

No test here may touch the database (none is marked django_db, so a query fails)."""

import csv
import datetime
import io
import json
from decimal import Decimal
from fractions import Fraction

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from hypothesis import given, settings
from hypothesis import strategies as st

from knotwork.attendance.commands.measures import COLUMNS, enrolment_measures
from knotwork.attendance.imports.marks_file import Problems, read_csv

FIRST = datetime.date(2026, 11, 16)  # a Monday
SCHOOL_DAYS = [
    FIRST + datetime.timedelta(days=d)
    for d in range(21)
    if (FIRST + datetime.timedelta(days=d)).weekday() < 5
]


def lines(upn, urn, codes, start=0):
    """One line per code, session after session (AM, PM) over school days from ``start``."""
    out = []
    for i, code in enumerate(codes, start=start):
        day = SCHOOL_DAYS[i // 2]
        out.append((upn, urn, day.isoformat(), "AM" if i % 2 == 0 else "PM", code))
    return out


# Hand-computed fixture: every statistical category, the 10% boundary, D and C2.
FIXTURE = (
    # U1: present 14 (/ \ L), approved activity 4 (K V P W), authorised 1 (I), unauthorised 1 (U)
    # -> possible 20, absent 2 = 10.00%: exactly 10% is persistent.
    lines("U1", "100001", ["/", "\\"] * 6 + ["/", "L", "K", "V", "P", "W", "I", "U"])
    # U2: present 19, unauthorised 2 (N O) -> possible 21, absent 2 = 9.52%: not persistent.
    + lines("U2", "100001", ["/", "\\"] * 9 + ["/", "N", "O"])
    # U3 at its main school, part time and dual registered: D x10 (not possible),
    # C2 x6 (authorised), present 4 -> possible 10, absent 6 = 60.00%: persistent and severe.
    + lines("U3", "100001", ["D"] * 10 + ["C2"] * 6 + ["/", "\\"] * 2)
    # U4: authorised 7 (C1 J1 S T R E C), present 13, not possible 8 (X Y1 Q Z # # Y7 X)
    # -> possible 20, absent 7 = 35.00%: persistent, not severe.
    + lines("U4", "100001", ["C1", "J1", "S", "T", "R", "E", "C"] + ["/"] * 13)
    + lines("U4", "100001", ["X", "Y1", "Q", "Z", "#", "#", "Y7", "X"], start=20)
    # U3 at the other school on its D days: present 10 -> 0.00%.
    + lines("U3", "100002", ["/", "\\"] * 5)
    # U5: only X (not of compulsory school age) -> no possible sessions: no rate.
    + lines("U5", "100002", ["X"] * 6)
)

EXPECTED = [
    # upn, setting, possible, present, aea, authorised, unauthorised, rate, persistent, severe
    ("U1", "100001", 20, 14, 4, 1, 1, "10.00", True, False),
    ("U2", "100001", 21, 19, 0, 0, 2, "9.52", False, False),
    ("U3", "100001", 10, 4, 0, 6, 0, "60.00", True, True),
    ("U4", "100001", 20, 13, 0, 7, 0, "35.00", True, False),
    ("U3", "100002", 10, 10, 0, 0, 0, "0.00", False, False),
    ("U5", "100002", 0, 0, 0, 0, 0, None, False, False),
    ("TOTAL", "ALL", 81, 60, 4, 14, 3, "20.99", 3, 1),
]


def csv_bytes(rows):
    text = "UPN,URN,date,session,code\n" + "".join(",".join(r) + "\n" for r in rows)
    return text.encode()


def measures(rows, **options):
    problems = Problems(file_name="marks.csv")
    marks = read_csv(csv_bytes(rows), "marks.csv", problems)
    problems.marks = marks
    found = enrolment_measures(marks, problems, **options)
    assert not problems, problems.report()
    return found


def as_tuples(rows):
    return [
        (
            r.upn,
            r.setting,
            r.possible,
            r.present,
            r.approved_activity,
            r.authorised,
            r.unauthorised,
            None if r.absence_rate is None else str(r.absence_rate),
            r.persistent,
            r.severe,
        )
        for r in rows
    ]


def test_the_hand_computed_fixture():
    assert as_tuples(measures(FIXTURE)) == EXPECTED


def test_the_rows_are_sorted_by_setting_then_upn_whatever_the_file_order():
    assert as_tuples(measures(list(reversed(FIXTURE)))) == EXPECTED


def test_a_chosen_threshold_changes_who_is_persistent():
    rows = measures(FIXTURE, pa_threshold=Fraction(20))
    assert [r.persistent for r in rows] == [False, False, True, True, False, False, 2]


# U6: a week of N, a week present, then Monday ill.
WINDOWED = lines("U6", "100001", ["N"] * 10 + ["/", "\\"] * 5 + ["I", "I"])


@pytest.mark.parametrize(
    ("first", "last", "expected"),
    [
        (None, None, (22, 10, 0, 2, 10, "54.55", True, True)),
        ("2026-11-23", "2026-11-27", (10, 10, 0, 0, 0, "0.00", False, False)),
        # a window that cuts the run of absence: Friday (N N) and Monday (/ \): exactly 50%
        ("2026-11-20", "2026-11-23", (4, 2, 0, 0, 2, "50.00", True, True)),
        ("2026-12-07", None, (0, 0, 0, 0, 0, None, False, False)),
    ],
)
def test_a_window_counts_only_the_marks_inside_it(first, last, expected):
    options = {
        "first": first and datetime.date.fromisoformat(first),
        "last": last and datetime.date.fromisoformat(last),
    }
    (row, total) = measures(WINDOWED, **options)
    assert as_tuples([row])[0][2:] == expected
    assert total.possible == row.possible


def run_command(tmp_path, rows, *args, content=None):
    path = tmp_path / "marks.csv"
    path.write_bytes(content if content is not None else csv_bytes(rows))
    out, err = io.StringIO(), io.StringIO()
    call_command("attendance", "measures", "--marks", str(path), *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_the_command_prints_csv(tmp_path):
    out, _ = run_command(tmp_path, FIXTURE, "--format", "csv")
    table = list(csv.reader(io.StringIO(out)))
    assert table[0] == list(COLUMNS)
    assert table[1] == ["U1", "100001", "20", "14", "4", "1", "1", "10.00", "true", "false"]
    assert table[6] == ["U5", "100002", "0", "0", "0", "0", "0", "", "false", "false"]
    assert table[7] == ["TOTAL", "ALL", "81", "60", "4", "14", "3", "20.99", "3", "1"]
    assert len(table) == 8


def test_the_command_prints_json(tmp_path):
    out, _ = run_command(tmp_path, FIXTURE, "--format", "json", "--pa-threshold", "10")
    found = json.loads(out)
    assert found[0] == {
        "upn": "U1",
        "setting": "100001",
        "possible": 20,
        "present": 14,
        "approved_activity": 4,
        "authorised": 1,
        "unauthorised": 1,
        "absence_rate": 10.0,
        "persistent": True,
        "severe": False,
    }
    assert found[1]["absence_rate"] == 9.52
    assert found[5]["absence_rate"] is None
    assert found[-1] == {
        "upn": "TOTAL",
        "setting": "ALL",
        "possible": 81,
        "present": 60,
        "approved_activity": 4,
        "authorised": 14,
        "unauthorised": 3,
        "absence_rate": 20.99,
        "persistent": 3,
        "severe": 1,
    }


def test_the_window_options_reach_the_measures(tmp_path):
    out, _ = run_command(
        tmp_path, WINDOWED, "--format", "json", "--from", "20/11/2026", "--to", "2026-11-23"
    )
    assert json.loads(out)[0]["absence_rate"] == 50.0


def test_a_file_with_problems_gets_the_report_and_fails(tmp_path):
    rows = [
        *FIXTURE[:3],
        ("U1", "100001", "2026-11-16", "AM", "N"),
        ("U9", "100001", "2026-11-31", "AM", "XX"),
    ]
    path = tmp_path / "marks.csv"
    path.write_bytes(csv_bytes(rows))
    errors = io.StringIO()
    with pytest.raises(CommandError, match="has 4 problems; no measures worked out"):
        call_command(
            "attendance", "measures", "--marks", str(path), "--format", "csv", stderr=errors
        )
    assert errors.getvalue().splitlines() == [
        "marks.csv:2: code: The same session is also on line 5, with a different code.",
        "marks.csv:5: code: The same session is also on line 2, with a different code.",
        "marks.csv:6: date: '2026-11-31' is not a date: write dates as YYYY-MM-DD or DD/MM/YYYY.",
        "marks.csv:6: code: 'XX' is not a national register code.",
    ]


def test_a_file_that_is_not_a_marks_csv_fails_plainly(tmp_path):
    errors = io.StringIO()
    path = tmp_path / "notes.csv"
    path.write_bytes(b"Dear colleague\n")
    with pytest.raises(CommandError, match=r"notes\.csv cannot be read as marks"):
        call_command(
            "attendance", "measures", "--marks", str(path), "--format", "csv", stderr=errors
        )
    assert errors.getvalue().startswith(
        "notes.csv:1: UPN, URN, date, session, code: The first line"
    )


@pytest.mark.parametrize(
    "args",
    [
        ["--format", "xml"],
        ["--format", "csv", "--pa-threshold", "0"],
        ["--format", "csv", "--pa-threshold", "ten"],
        ["--format", "csv", "--from", "tomorrow"],
    ],
)
def test_bad_options_are_refused(tmp_path, args):
    with pytest.raises(CommandError):
        run_command(tmp_path, FIXTURE, *args)


# --- Properties ---------------------------------------------------------------------------

CODES_2026 = [
    "/",
    "\\",
    "L",
    "K",
    "V",
    "P",
    "W",
    "B",
    "D",
    "C1",
    "M",
    "J1",
    "S",
    "X",
    "C2",
    "C",
    "T",
    "R",
    "I",
    "E",
    "Y1",
    "Q",
    "G",
    "N",
    "O",
    "U",
    "Z",
    "#",
]
marks_strategy = st.dictionaries(
    keys=st.tuples(
        st.sampled_from(["A", "B", "C", "D"]),
        st.sampled_from(["100001", "100002"]),
        st.integers(min_value=0, max_value=len(SCHOOL_DAYS) - 1),
        st.sampled_from(["AM", "PM"]),
    ),
    values=st.sampled_from(CODES_2026),
    min_size=1,
    max_size=120,
)


@settings(max_examples=60, deadline=None)
@given(
    marks=marks_strategy, threshold=st.sampled_from([Fraction(10), Fraction(20), Fraction(25, 2)])
)
def test_the_totals_row_is_the_sum_of_the_rows(marks, threshold):
    rows = [(u, s, SCHOOL_DAYS[d].isoformat(), h, c) for (u, s, d, h), c in marks.items()]
    *enrolments, total = measures(rows, pa_threshold=threshold)
    for name in ("possible", "present", "approved_activity", "authorised", "unauthorised"):
        assert getattr(total, name) == sum(getattr(r, name) for r in enrolments)
    assert total.persistent == sum(r.persistent for r in enrolments)
    assert total.severe == sum(r.severe for r in enrolments)
    assert len(enrolments) == len({(u, s) for (u, s, _, _) in marks})
    for row in [*enrolments, total]:
        assert (
            row.possible == row.present + row.approved_activity + row.authorised + row.unauthorised
        )
        if row.absence_rate is not None:
            assert Decimal(0) <= row.absence_rate <= Decimal(100)
    for row in enrolments:
        assert not row.severe or row.persistent or threshold > 50
