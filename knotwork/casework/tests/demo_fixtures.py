"""One small demo with its casework, built once for a test module and rolled back after.

The demo's casework figures are read-only in the tests that use it, so one build serves
them all; each test still runs inside its own savepoint."""

from __future__ import annotations

import datetime
import zoneinfo
from collections.abc import Iterator

import pytest
import time_machine
from django.db import transaction
from django.test import override_settings

from knotwork.directory.demo import DemoSummary, demo_build

TODAY = datetime.date(2026, 11, 24)  # a Tuesday in the demo's autumn term
NOW = datetime.datetime(2026, 11, 24, 10, 30, tzinfo=zoneinfo.ZoneInfo("Europe/London"))
PUPILS = 1200
#: A caseload limit small enough that a small demo's key workers can go over it.
LIMIT = 5


@pytest.fixture(scope="module")
def demo(django_db_setup: None, django_db_blocker: object) -> Iterator[DemoSummary]:
    with (
        django_db_blocker.unblock(),  # type: ignore[attr-defined]
        time_machine.travel(NOW, tick=False),
        override_settings(KNOTWORK_CASELOAD_LIMIT=LIMIT),
        transaction.atomic(),
    ):
        summary = demo_build(pupils=PUPILS, seed=1, today=TODAY)
        yield summary
        transaction.set_rollback(True)
