"""A pupil's managed moves, fair access placements and placements with providers on their
page: for anyone who sees the pupil, the forms' links for editors only, in one query."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from knotwork.core.testing import PASSWORD
from knotwork.placements.tests.panel_helpers import make_move
from knotwork.placements.tests.provision_helpers import place, provision_world  # noqa: F401
from knotwork.placements.tests.test_fair_access import record
from knotwork.pupils.queries import placements_for_pupil

pytestmark = pytest.mark.django_db
D = datetime.date


def login(client, username):
    assert client.login(username=username, password=PASSWORD)


def profile(client, world):
    return client.get(reverse("pupils:profile", args=[world.cast.pupil_a.uuid]))


def all_three(world):
    move = make_move(world.cast, status="returned", ended_on=D(2026, 10, 1))
    fair_access = record(
        world, pupil=world.cast.pupil_a, placed_at=world.cast.school_a, started_on=None
    )
    provision = place(world)
    return move, fair_access, provision


def test_the_lines_name_each_placement_the_latest_first(world):
    move, fair_access, provision = all_three(world)
    lines = placements_for_pupil(world.cast.pupil_a)
    assert [(line.kind, line.uuid) for line in lines] == [
        ("fair_access", fair_access.uuid),
        ("ap", provision.uuid),
        ("move", move.uuid),
    ]
    by_kind = {line.kind: line for line in lines}
    assert (by_kind["move"].label, by_kind["move"].status_label) == (
        "Managed move",
        "Returned to the home school",
    )
    assert by_kind["move"].where == "Beacon High School" and by_kind["move"].ends == D(2026, 10, 1)
    assert by_kind["fair_access"].status_label == "Waiting for a first day"
    assert by_kind["ap"].where == "Riverside Alternative Provision"
    assert (by_kind["ap"].label, by_kind["ap"].status_label) == ("Alternative provision", "Running")
    assert placements_for_pupil(world.cast.pupil_b) == []


def test_a_reader_sees_the_placements_and_no_forms(client, world):
    move, fair_access, provision = all_three(world)
    login(client, "head_of_year")
    page = profile(client, world).content.decode()
    for url in (
        reverse("placements:move-detail", args=[move.uuid]),
        reverse("placements:fair-access-placement", args=[fair_access.uuid]),
        reverse("placements:provision-placement", args=[provision.uuid]),
    ):
        assert url in page
    assert reverse("placements:provision-new", args=[world.cast.pupil_a.uuid]) not in page
    assert reverse("placements:fair-access-new", args=[world.cast.pupil_a.uuid]) not in page


def test_an_editor_also_has_the_forms(client, world):
    all_three(world)
    login(client, "officer")
    page = profile(client, world).content.decode()
    assert reverse("placements:provision-new", args=[world.cast.pupil_a.uuid]) in page
    assert 'id="placements"' in page


def test_a_reader_with_no_placements_sees_no_card(client, world):
    login(client, "head_of_year")
    assert 'id="placements-card"' not in profile(client, world).content.decode()


def test_the_placements_cost_one_query(client, world, django_assert_max_num_queries):
    login(client, "officer")
    with CaptureQueriesContext(connection) as before:
        profile(client, world)
    all_three(world)
    with CaptureQueriesContext(connection) as after:
        response = profile(client, world)
    assert len(response.context["placements"]) == 3
    assert len(after) == len(before)  # the one union query, placements or none
    assert sum("UNION" in q["sql"] for q in after.captured_queries) == 1
    # The profile had no budget: 16 queries for Ashdown's officer, and one for the placements.
    with django_assert_max_num_queries(17):
        profile(client, world)
