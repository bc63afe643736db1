"""``knotwork exclusions stats``: the statistics of two files, with no database.

No test here may touch the database (none is marked django_db, so a query fails)."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

EXCLUSIONS = """upn,setting_urn,type,start_date,days,reason1,reason2,reason3
A1,100001,suspension,2026-09-14,0.5,DB,,
A1,100001,suspension,2026-10-05,2,DB,VA,
A1,100001,suspension,02/11/2026,1,PA,,
A2,100001,suspension,2026-11-06,5.5,VA,,
A3,100001,suspension,2026-11-09,5,DB,DM,TH
A4,100001,suspension,2026-09-21,1,DB,,
A4,100001,suspension,2026-10-12,1,DB,,
A4,100001,suspension,2026-11-16,1,DB,,
A4,100001,suspension,2027-01-11,1,DB,,
A4,100001,Suspension,2027-02-01,1,DB,,
B1,100002,suspension,2027-03-01,1.5,db,,
B1,100002,permanent,2027-03-15,,PA,DB,
A1,100002,suspension,2027-05-03,1,BU,,
Z9,100001,suspension,2026-12-01,1,DB,,
A5,100001,suspension,2025-10-01,3,DB,,
"""
ROLL = """UPN,Setting URN,Phase,Gender,Date of birth,Ethnicity,SEN,FSM
A1,100001,Secondary,M,2012-05-01,WBRI,K,true
A2,100001,Secondary,F,2013-10-01,BCRB,N,false
A3,100001,Secondary,M,2013-03-03,WBRI,E,no
A4,100001,Secondary,F,2011-12-25,WBRI,N,yes
A5,100001,Secondary,F,2013-01-01,WBRI,N,false
A6,100001,Secondary,F,2013-01-01,WBRI,N,false
A7,100001,Secondary,F,2013-01-01,WBRI,N,false
A8,100001,Secondary,F,2013-01-01,WBRI,N,false
B1,100002,Special,male,2011-05-01,WBRI,E,true
B2,100002,Special,F,2012-06-01,AIND,E,false
"""


def run(tmp_path, *args, exclusions=EXCLUSIONS, roll=ROLL):
    (tmp_path / "exclusions.csv").write_text(exclusions)
    (tmp_path / "roll.csv").write_text(roll)
    out, err = io.StringIO(), io.StringIO()
    call_command(
        "exclusions",
        "stats",
        "--exclusions",
        str(tmp_path / "exclusions.csv"),
        "--roll",
        str(tmp_path / "roll.csv"),
        *args,
        stdout=out,
        stderr=err,
    )
    return out.getvalue(), err.getvalue()


def figures(tmp_path, *args):
    out, _ = run(tmp_path, "--format", "json", "--year", "2026", *args)
    return json.loads(out)


def test_the_measures_match_the_hand_count(tmp_path):
    found = figures(tmp_path)
    assert found["academic_year"] == "2026/27"
    assert {k: found[k] for k in list(found)[2:15]} == {
        "suspensions": 13,
        "pupils_with_suspension": 7,  # A1 at each school counts twice
        "days": 22.5,  # half a day, five and a half days, one and a half...
        "average_length_days": 1.73,  # 22.5 / 13
        "share_five_days_or_less": 92.31,  # 12 of 13: five days exactly is short
        "suspension_rate": 130.0,  # 13 per 10 on roll
        "one_or_more_rate": 70.0,
        "permanent_exclusions": 1,
        "permanent_exclusion_rate": 10.0,
        "headcount": 10,
        "suspensions_five_days_or_less": 12,
        "pupils_with_two_or_more": 2,  # A1 at the first school, A4
        "pupils_with_five_or_more": 1,  # A4
    }


def test_each_setting_has_its_figures(tmp_path):
    by_setting = figures(tmp_path)["by_setting"]
    first, special = by_setting["100001"], by_setting["100002"]
    assert (first["headcount"], first["suspensions"], first["days"]) == (8, 11, 20.0)
    assert (first["pupils_with_suspension"], first["share_of_suspensions"]) == (5, 84.62)
    assert (special["suspensions"], special["days"], special["permanent_exclusions"]) == (2, 2.5, 1)
    assert special["permanent_exclusion_rate"] == 50.0
    assert special["share_of_permanent_exclusions"] == 100.0


def test_the_breakdowns_take_the_pupils_characteristics_from_the_roll(tmp_path):
    found = figures(tmp_path)
    assert {k: v["suspensions"] for k, v in found["by_gender"].items()} == {
        "F": 6,
        "M": 6,
        "unknown": 1,  # Z9 is not on the roll
    }
    assert found["by_gender"]["F"]["headcount"] == 7
    ages = found["by_age"]
    assert list(ages) == ["12", "13", "14", "15", "unknown"]
    assert (ages["14"]["suspensions"], ages["14"]["headcount"]) == (9, 3)
    assert ages["15"]["permanent_exclusions"] == 1
    assert found["by_phase"]["special"]["suspensions"] == 2  # A1's suspension there too
    assert found["by_sen"]["E"]["headcount"] == 3
    assert found["by_fsm"]["true"]["suspensions"] == 10  # A1 4, A4 5, B1 1
    assert found["by_ethnicity"]["WBRI"]["suspensions"] == 11


def test_reasons_are_shares_of_all_reasons_recorded(tmp_path):
    found = figures(tmp_path)
    db = found["by_reason"]["DB"]
    assert db == {
        "suspension_reasons": 10,
        "share_of_suspension_reasons": 62.5,  # 10 of 16
        "permanent_exclusion_reasons": 1,
        "share_of_permanent_exclusion_reasons": 50.0,
    }
    assert list(found["by_reason"]) == ["PA", "VA", "BU", "DM", "TH", "DB"]
    assert found["reasons_recorded"] == {"suspensions": 16, "permanent_exclusions": 2}


def test_other_years_are_left_out_and_missing_pupils_reported(tmp_path):
    _, err = run(tmp_path, "--format", "json", "--year", "2026/27")
    assert "1 exclusions outside 2026/27 are left out." in err
    assert "1 exclusions are of pupils not in the roll" in err


def test_without_a_year_the_exclusions_must_be_in_one(tmp_path):
    with pytest.raises(CommandError, match="1 problems"):
        run(tmp_path, "--format", "json")
    one_year = EXCLUSIONS.replace("A5,100001,suspension,2025-10-01,3,DB,,\n", "")
    out, _ = run(tmp_path, "--format", "json", exclusions=one_year)
    assert json.loads(out)["suspensions"] == 13


def test_min_count_hides_small_numbers_as_x(tmp_path):
    found = figures(tmp_path, "--min-count", "5")
    assert found["suspensions"] == 13
    assert found["permanent_exclusions"] == "x"
    assert found["permanent_exclusion_rate"] == "x"
    # the special school's 2 suspensions are hidden, so the other school's 11 are too
    assert found["by_setting"]["100002"]["suspensions"] == "x"
    assert found["by_setting"]["100001"]["suspensions"] == "x"
    assert found["by_setting"]["100001"]["suspension_rate"] == "x"
    assert found["by_reason"]["DB"]["suspension_reasons"] == 10


def test_the_csv_names_every_figure(tmp_path):
    out, _ = run(tmp_path, "--format", "csv", "--year", "2026")
    rows = list(csv.reader(io.StringIO(out)))
    assert rows[0] == ["breakdown", "group", "measure", "value"]
    assert ["all", "all", "suspensions", "13"] in rows
    assert ["all", "all", "days", "22.5"] in rows
    assert ["by_gender", "F", "suspensions", "6"] in rows
    assert ["by_setting", "100002", "average_length_days", "1.25"] in rows
    assert ["by_setting", "100002", "share_five_days_or_less", "100.0"] in rows
    assert ["by_reason", "DB", "suspension_reasons", "10"] in rows
    assert ["reasons_recorded", "all", "permanent_exclusions", "2"] in rows


def test_bad_exclusion_lines_are_named_by_line_and_field(tmp_path):
    header = EXCLUSIONS.splitlines()[0]
    bad = "\n".join(
        [
            header,
            "A1,100001,expelled,2026-09-14,1,DB,,",
            "A1,100001,suspension,2026-31-09,1,DB,,",
            "A1,100001,suspension,2026-09-14,2.25,DB,,",
            "A1,100001,suspension,2026-09-14,,DB,,",
            "A1,100001,suspension,2026-09-14,46,DB,,",
            "A1,100001,suspension,2026-09-14,1,XX,,",
            "A1,100001,suspension,2026-09-14,1,OT,,",
            "A1,100001,suspension,2019-09-16,1,DB,VA,",
            "A1,100001,suspension,2026-09-14,1,DB,DB,",
            ",100001,suspension,2026-09-14,1,,,",
            "A1,100001",
        ]
    )
    err = io.StringIO()
    (tmp_path / "exclusions.csv").write_text(bad + "\n")
    (tmp_path / "roll.csv").write_text(ROLL)
    with pytest.raises(CommandError, match="12 problems; no figures"):
        call_command(
            "exclusions",
            "stats",
            "--exclusions",
            str(tmp_path / "exclusions.csv"),
            "--roll",
            str(tmp_path / "roll.csv"),
            "--format",
            "json",
            "--year",
            "2026",
            stderr=err,
        )
    report = err.getvalue().splitlines()
    assert report == [
        "exclusions.csv:2: type: Give suspension or permanent.",
        "exclusions.csv:3: start_date: Give a date as YYYY-MM-DD or DD/MM/YYYY.",
        "exclusions.csv:4: days: Give the length in whole or half days (0.5, 1, 1.5...).",
        "exclusions.csv:5: days: A suspension needs its length in days (half days allowed, "
        "as 0.5).",
        "exclusions.csv:6: days: A pupil may be suspended for at most 45 school days a year.",
        "exclusions.csv:7: reason1: 'XX' is not a census exclusion reason.",
        "exclusions.csv:8: reason1: OT is not in the census list from 2020/21.",
        "exclusions.csv:9: reason2: Exclusions before 2020/21 carry one reason only.",
        "exclusions.csv:10: reason2: DB is given already.",
        "exclusions.csv:11: upn: This is empty.",
        "exclusions.csv:11: reason1: Give at least one reason code (DB, PA, VA...).",
        "exclusions.csv:12: This line has 2 of 8 columns.",
    ]


def test_bad_roll_lines_are_named_by_line_and_field(tmp_path):
    header = ROLL.splitlines()[0]
    bad = "\n".join(
        [
            header,
            "A1,100001,Secondary,X,2012-05-01,WBRI,K,true",
            "A2,100001,Secondary,F,1 May 2012,WBRI,K,true",
            "A3,100001,Secondary,F,2012-05-01,White,K,true",
            "A4,100001,Secondary,F,2012-05-01,WBRI,S,true",
            "A5,100001,Secondary,F,2012-05-01,WBRI,N,maybe",
            "A5,100001,Secondary,F,2012-05-01,WBRI,N,false",
            "A6,100001,Primary,F,2012-05-01,WBRI,N,false",
            "A7,100002,,F,2012-05-01,WBRI,N,false",
        ]
    )
    err = io.StringIO()
    (tmp_path / "exclusions.csv").write_text(EXCLUSIONS)
    (tmp_path / "roll.csv").write_text(bad + "\n")
    with pytest.raises(CommandError, match="problems; no figures"):
        call_command(
            "exclusions",
            "stats",
            "--exclusions",
            str(tmp_path / "exclusions.csv"),
            "--roll",
            str(tmp_path / "roll.csv"),
            "--format",
            "csv",
            "--year",
            "2026",
            stderr=err,
        )
    assert err.getvalue().splitlines() == [
        "roll.csv:2: gender: Give F or M.",
        "roll.csv:3: date_of_birth: Give a date as YYYY-MM-DD or DD/MM/YYYY.",
        "roll.csv:4: ethnicity: Give the DfE four-letter code (WBRI, BCRB, NOBT...).",
        "roll.csv:5: sen: Give N (none), K (SEN support) or E (EHC plan).",
        "roll.csv:6: fsm: Give true or false.",
        "roll.csv:7: upn: This pupil is on line 6 already at this setting.",
        "roll.csv:9: phase: This is empty.",
    ]


def test_a_setting_with_two_phases_and_an_unlikely_birth_date_are_problems(tmp_path):
    roll = ROLL + "A9,100001,Primary,F,2013-01-01,WBRI,N,false\n"
    roll += "B3,100002,Special,F,1980-01-01,WBRI,N,false\n"
    err = io.StringIO()
    (tmp_path / "exclusions.csv").write_text(EXCLUSIONS)
    (tmp_path / "roll.csv").write_text(roll)
    with pytest.raises(CommandError):
        call_command(
            "exclusions",
            "stats",
            "--exclusions",
            str(tmp_path / "exclusions.csv"),
            "--roll",
            str(tmp_path / "roll.csv"),
            "--format",
            "json",
            "--year",
            "2026",
            stderr=err,
        )
    assert err.getvalue().splitlines() == [
        "roll.csv:12: phase: This setting's phase is secondary on line 2: a setting has one phase.",
        "roll.csv:13: date_of_birth: This pupil would be 46 on 31 August 2026: check the date.",
    ]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("upn,setting_urn,type\nA1,100001,suspension\n", "has no start_date, days, reason1"),
        ("", "The file is empty."),
        ("PK\x03\x04 a spreadsheet", "not a text file"),
    ],
)
def test_a_file_that_is_not_the_csv_asked_for_is_refused(tmp_path, content, message):
    err = io.StringIO()
    (tmp_path / "exclusions.csv").write_text(content)
    (tmp_path / "roll.csv").write_text(ROLL)
    with pytest.raises(CommandError, match="cannot be read as a CSV file"):
        call_command(
            "exclusions",
            "stats",
            "--exclusions",
            str(tmp_path / "exclusions.csv"),
            "--roll",
            str(tmp_path / "roll.csv"),
            "--format",
            "json",
            stderr=err,
        )
    assert message in err.getvalue()


def test_a_missing_file_is_named(tmp_path):
    (tmp_path / "roll.csv").write_text(ROLL)
    with pytest.raises(CommandError, match=r"Cannot read .*nowhere\.csv"):
        call_command(
            "exclusions",
            "stats",
            "--exclusions",
            str(tmp_path / "nowhere.csv"),
            "--roll",
            str(tmp_path / "roll.csv"),
            "--format",
            "json",
        )


def test_the_knotwork_command_exits_non_zero_on_a_bad_file(tmp_path):
    (tmp_path / "exclusions.csv").write_text(EXCLUSIONS.replace("0.5,DB", "half,DB"))
    (tmp_path / "roll.csv").write_text(ROLL)
    env = {**os.environ, "SECRET_KEY": "test-only", "ALLOWED_HOSTS": "localhost"}
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "knotwork.cli",
            "exclusions",
            "stats",
            "--exclusions",
            str(tmp_path / "exclusions.csv"),
            "--roll",
            str(tmp_path / "roll.csv"),
            "--format",
            "json",
            "--year",
            "2026",
        ],
        capture_output=True,
        text=True,
        env=env,
    )
    assert done.returncode != 0
    assert "exclusions.csv:2: days: Give the length in days as a number" in done.stderr
    assert done.stdout == ""
