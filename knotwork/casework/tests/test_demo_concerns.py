"""The demo's concerns: default rules run on the demo's today over a small demo, with
staff concerns acknowledged, dismissed and left stale."""

import datetime
import re

import pytest
import time_machine

from knotwork.accounts.models import User
from knotwork.casework.concern_queries import is_stale
from knotwork.casework.demo_concerns import concerns_demo
from knotwork.casework.models import Concern, TriggerRule
from knotwork.directory.demo import PARTNERSHIP_NAME, demo_build
from knotwork.directory.models import Partnership

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 11, 24)  # a Tuesday in the autumn term


@pytest.fixture
def demo():
    with time_machine.travel(datetime.datetime(2026, 11, 24, 10, 30), tick=False):
        summary = demo_build(pupils=400, seed=1, today=TODAY)
        partnership = Partnership.objects.get(name=PARTNERSHIP_NAME)
        assert summary.concerns is not None
        yield partnership, summary.concerns


def test_without_casework_the_demo_has_no_concerns_and_they_can_be_added_later():
    with time_machine.travel(datetime.datetime(2026, 11, 24, 10, 30), tick=False):
        summary = demo_build(pupils=100, seed=1, today=TODAY, casework=False)
        assert summary.concerns is None and not Concern.objects.exists()
        outcome = concerns_demo(
            partnership=Partnership.objects.get(name=PARTNERSHIP_NAME),
            today=TODAY,
            actor=User.objects.get(username="coordinator"),
        )
    assert outcome.staff == Concern.objects.filter(source="staff").count() > 0


def test_the_default_rules_fire_on_the_demo(demo):
    partnership, outcome = demo
    assert outcome.rules == 7
    assert TriggerRule.objects.filter(partnership=partnership, active=True).count() == 7
    assert outcome.raised == Concern.objects.filter(source="trigger").count() > 0
    kinds = set(Concern.objects.values_list("rule__kind", flat=True))
    assert {"suspension", "attendance_below"} <= kinds


def test_staff_concerns_are_acknowledged_dismissed_and_some_stale(demo):
    _, outcome = demo
    assert outcome.staff == Concern.objects.filter(source="staff").count() > 0
    assert Concern.objects.filter(status="acknowledged").count() == outcome.acknowledged > 0
    assert Concern.objects.filter(status="dismissed").exclude(dismissed_reason="").exists()
    with time_machine.travel(datetime.datetime(2026, 11, 24, 10, 30), tick=False):
        stale = [c for c in Concern.objects.select_related("rule") if is_stale(c, TODAY)]
    assert len(stale) == outcome.stale > 0


def test_the_summaries_hold_figures_and_dates_not_names(demo):
    for concern in Concern.objects.select_related("pupil"):
        assert not re.search(rf"\b{re.escape(concern.pupil.legal_surname)}\b", concern.summary)
