"""``knotwork casework measures``: after figures read once a window has ended, and once only."""

import datetime
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from knotwork.casework.case_models import CaseMeasure
from knotwork.casework.tests.case_fixtures import open_case, today  # noqa: F401

pytestmark = pytest.mark.django_db


def _run(*args: str) -> str:
    out = StringIO()
    call_command("casework", "measures", *args, stdout=out)
    return out.getvalue()


def test_a_window_that_has_ended_is_read_and_a_running_one_waits(cast, today):  # noqa: F811
    ended = open_case(cast, measures=["incidents"], measure_weeks=2)  # 5 to 18 October
    running = open_case(cast, pupil=cast.pupil_a, measures=["incidents"], measure_weeks=10)

    assert "1 read, of 2 cases" in _run()
    assert CaseMeasure.objects.get(case=ended).read_at is not None
    assert CaseMeasure.objects.get(case=running).read_at is None
    assert CaseMeasure.objects.get(case=ended).after_to == datetime.date(2026, 10, 18)

    assert "0 read, of 1 case " in _run()  # the ended one is not read again
    # 5 Oct + 10 weeks ends on 13 December: on the 14th it is due.
    assert "1 read, of 1 case " in _run("--on", "2026-12-14")


def test_a_bad_date_is_refused(cast):
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        _run("--on", "14/12/2026")
