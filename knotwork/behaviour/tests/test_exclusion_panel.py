"""The exclusions panel other pages include: days used of the 45, and what is due."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.template.loader import render_to_string

from knotwork.behaviour.exclusion_queries import exclusions_panel
from knotwork.behaviour.testing import make_exclusion

pytestmark = pytest.mark.django_db
D = datetime.date
TODAY = D(2026, 11, 24)


def test_the_panel_counts_the_year_and_lists_open_clocks_overdue_first(cast):
    make_exclusion(
        pupil=cast.pupil_a, recorded_by=cast.officer, start_date=D(2026, 11, 16), sessions=14
    )
    make_exclusion(
        pupil=cast.pupil_a, recorded_by=cast.officer, start_date=D(2026, 11, 24), sessions=1
    )
    make_exclusion(
        pupil=cast.pupil_a,
        recorded_by=cast.officer,
        start_date=D(2026, 10, 5),
        sessions=4,
        cancelled_on=D(2026, 10, 5),
    )
    panel = exclusions_panel(cast.pupil_a, cast.officer, TODAY)
    assert (panel.used_text, panel.suspensions_this_year, panel.permanent_this_year) == (
        "7.5 days",
        2,
        0,
    )
    assert panel.recorded_text == "2 suspensions this year"
    assert panel.overdue == 4  # the sixth day, and the first suspension's three notices
    assert panel.open_clocks[0].status == "overdue"
    assert panel.url == f"/behaviour/exclusions/pupils/{cast.pupil_a.uuid}/" and panel.can_edit
    html = render_to_string("behaviour/_exclusions_panel.html", {"panel": panel})
    assert "7.5 days of 45" in html and "Education from the sixth day" in html
    assert "govuk-tag--red" in html and "Open exclusions" in html


def test_a_read_only_user_gets_a_view_link_and_an_outsider_nothing(cast):
    panel = exclusions_panel(cast.pupil_a, cast.head_of_year, TODAY)
    assert not panel.can_edit and panel.open_clocks == []
    html = render_to_string("behaviour/_exclusions_panel.html", {"panel": panel})
    assert "View exclusions" in html and "Nothing" in html
    with pytest.raises(PermissionDenied):
        exclusions_panel(cast.pupil_a, cast.outsider, TODAY)


def test_the_panel_counts_this_years_permanent_exclusions_and_says_none_otherwise(cast):
    panel = exclusions_panel(cast.pupil_a, cast.officer, TODAY)
    assert panel.recorded_text == "None this year"
    make_exclusion(  # last year's: not counted
        pupil=cast.pupil_a,
        recorded_by=cast.officer,
        kind="permanent",
        sessions=None,
        start_date=D(2025, 11, 3),
    )
    make_exclusion(
        pupil=cast.pupil_a,
        recorded_by=cast.officer,
        kind="permanent",
        sessions=None,
        start_date=D(2026, 11, 23),
    )
    make_exclusion(pupil=cast.pupil_a, recorded_by=cast.officer, start_date=D(2026, 10, 5))
    panel = exclusions_panel(cast.pupil_a, cast.officer, TODAY)
    assert (panel.suspensions_this_year, panel.permanent_this_year) == (1, 1)
    assert panel.recorded_text == "1 suspension and 1 permanent exclusion this year"
