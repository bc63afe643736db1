"""The dashboard on the demo partnership shows believable figures."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from knotwork.directory.demo import PASSWORD, demo_build

pytestmark = pytest.mark.django_db
TODAY = datetime.datetime(2026, 11, 24, 12, 0, tzinfo=datetime.UTC)


@time_machine.travel(TODAY, tick=False)
def test_the_demo_partnerships_dashboard(client):
    demo_build(pupils=1500, seed=1, today=TODAY.date())
    client.login(username="board", password=PASSWORD)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("attendance:dashboard"))
    assert response.status_code == 200
    assert len(captured.captured_queries) <= 12
    dashboard = response.context["dashboard"]
    assert dashboard.last_year_has_data
    by_setting = dashboard.table("setting")
    assert len(by_setting.rows) == 11  # six schools, the unit, three providers, the total
    total = dashboard.total
    assert 5 <= float(total.this_year.summary.absence_rate) <= 11
    assert 12 <= float(total.this_year.summary.persistent_rate) <= 35
    assert 5 <= float(total.last_year.summary.absence_rate) <= 11
    unit = next(row for row in by_setting.rows if "Short Stay" in row.label)
    school = next(row for row in by_setting.rows if row.label == "Harbourside Academy")
    assert unit.this_year.shown
    assert unit.this_year.summary.absence_rate > 2 * school.this_year.summary.absence_rate
    assert response.context["chart"] is not None
