"""``knotwork notices digest``: the daily digest every day, the weekly one on Mondays,
or the one asked for."""

import io

import pytest
from django.core.management import CommandError, call_command

from knotwork.casework.tests.case_fixtures import today  # noqa: F401
from knotwork.notices.models import NoticePreference
from knotwork.notices.tests.team_helpers import add_action, build_team

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("today")]


@pytest.fixture
def team(cast):
    team = build_team(cast)
    NoticePreference.objects.create(user=team.caseworker, rhythm="daily")
    NoticePreference.objects.create(user=team.head_of_year, rhythm="weekly")
    add_action(team)
    return team


def run(*args):
    out = io.StringIO()
    call_command("notices", "digest", *args, stdout=out)
    return out.getvalue()


def test_on_a_tuesday_only_the_daily_digest_goes(team, mailoutbox):
    assert run() == "The daily digest for 2026-11-24: 1 email.\n"
    assert [m.to for m in mailoutbox] == [["caseworker@example.org"]]


def test_on_a_monday_the_weekly_digest_goes_too(team, mailoutbox):
    output = run("--on", "2026-11-23")
    assert "The daily digest for 2026-11-23: 1 email." in output
    assert "The weekly digest for 2026-11-23: 1 email." in output
    assert sorted(m.to[0] for m in mailoutbox) == [
        "caseworker@example.org",
        "head_of_year@example.org",
    ]


def test_one_rhythm_can_be_asked_for_on_any_day(team, mailoutbox):
    assert "1 email" in run("--rhythm", "weekly")
    assert [m.to for m in mailoutbox] == [["head_of_year@example.org"]]


def test_a_bad_date_or_rhythm_is_refused(team):
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        run("--on", "23/11/2026")
    with pytest.raises(CommandError):
        run("--rhythm", "hourly")
