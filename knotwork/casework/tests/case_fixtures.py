"""Builders for case tests: a case opened through the service, as a school would."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
import time_machine

from knotwork.casework.case_models import Case
from knotwork.casework.case_services import case_open
from knotwork.core.testing import PASSWORD, Cast

#: Tuesday in the second half of the autumn term 2026.
TODAY = datetime.datetime(2026, 11, 24, 10, 0)


@pytest.fixture
def today():  # type: ignore[no-untyped-def]
    with time_machine.travel(TODAY, tick=False):
        yield TODAY.date()


def open_case(cast: Cast, **overrides: Any) -> Case:
    """A case around the cast's linked pupil at School A, led by the officer, with the
    caseworker on the team."""
    values: dict[str, Any] = {
        "actor": cast.officer,
        "pupil": cast.linked_pupil,
        "setting": cast.school_a,
        "opened_on": datetime.date(2026, 10, 5),
        "lead": cast.officer,
        "development_needs": "Struggles to settle in lessons",
        "common_approach": "Praise first",
    }
    values.update(overrides)
    return case_open(**values)


def signed_in(client: Any, username: str = "officer") -> Any:
    client.login(username=username, password=PASSWORD)
    return client
