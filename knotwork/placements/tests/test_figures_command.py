"""``knotwork placements figures``: the day's roll by pupil group is worked out before
anyone asks, so the monitor's first request of the day reads it rather than counts it."""

import io

import pytest
import time_machine
from django.core.cache import caches
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from knotwork.core.testing import PASSWORD, make_pupil
from knotwork.placements.tests.panel_helpers import NOW, make_move

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today_and_an_empty_cache():
    caches["figures"].clear()
    with time_machine.travel(NOW, tick=False):
        yield
    caches["figures"].clear()


def _monitor_queries(client) -> tuple[int, list[list[dict[str, object]]]]:
    client.login(username="coordinator", password=PASSWORD)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("placements:move-monitor"))
    assert response.status_code == 200
    groups = [[row.cells for row in table.rows] for table in response.context["m"].groups]
    return len(captured), groups


def test_the_monitor_reads_the_roll_the_command_counted(client, cast):
    make_move(cast)
    for _ in range(6):
        make_pupil(setting=cast.school_a)
    counted, _ = _monitor_queries(client)  # counts the roll and keeps it
    caches["figures"].clear()
    out = io.StringIO()
    call_command("placements", "figures", stdout=out)
    assert "pupils on roll counted by pupil group" in out.getvalue()
    read, _ = _monitor_queries(client)
    assert read == counted - 1


def test_the_kept_roll_is_the_one_the_monitor_would_count(client, cast):
    make_move(cast)
    for _ in range(6):
        make_pupil(setting=cast.school_a)
    _, counted = _monitor_queries(client)
    caches["figures"].clear()
    call_command("placements", "figures", stdout=io.StringIO())
    _, read = _monitor_queries(client)
    assert read == counted


def test_a_day_that_is_not_a_date_is_refused():
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("placements", "figures", "--on", "24/11/2026", stdout=io.StringIO())
