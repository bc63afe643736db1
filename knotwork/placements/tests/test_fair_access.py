"""Fair access placements: recording them, the list with the sessions each pupil missed,
the Annex A figures, the fair share, and who sees what."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from knotwork.core.models import AuditEntry
from knotwork.core.testing import PASSWORD, make_pupil
from knotwork.placements.fair_access_models import FairAccessPlacement, FairShareWeighting
from knotwork.placements.fair_access_queries import fair_share, year_figures
from knotwork.placements.fair_access_services import fair_access_place, fair_access_start
from knotwork.placements.tests.provision_helpers import provision_world  # noqa: F401

pytestmark = pytest.mark.django_db
D = datetime.date


def login(client, username):
    assert client.login(username=username, password=PASSWORD)


def record(world, pupil=None, **overrides):
    values = {
        "actor": world.cast.coordinator,
        "partnership": world.cast.partnership,
        "pupil": pupil or world.cast.pupil_b,
        "category": "l",
        "out_of_school_from": D(2026, 11, 2),
        "placed_at": world.cast.school_b,
        "placed_on": D(2026, 11, 9),
        "started_on": D(2026, 11, 16),
    }
    values.update(overrides)
    return fair_access_place(**values)


# --- Services -----------------------------------------------------------------------------------


def test_recording_a_placement_writes_it_and_its_audit_row(world):
    placement = record(world)
    assert placement.partnership == world.cast.partnership
    assert AuditEntry.objects.filter(
        action="create", pupil=world.cast.pupil_b, object_id=str(placement.uuid)
    ).exists()


def test_the_first_day_enrols_the_pupil_at_the_placing_school(world):
    """Nia leaves Beacon today and starts at Ashdown tomorrow; a start while she is still
    on Beacon's roll is refused."""
    pupil = make_pupil(setting=world.cast.school_b, legal_forename="Nia")
    enrolment = pupil.enrolments.get()
    placement = record(world, pupil=pupil, placed_at=world.cast.school_a, started_on=None)
    with pytest.raises(ValidationError) as caught:
        fair_access_start(
            actor=world.cast.coordinator, placement=placement, started_on=D(2026, 11, 23)
        )
    assert "still on another school's roll" in str(caught.value)
    enrolment.end_date = D(2026, 11, 24)
    enrolment.save()
    fair_access_start(actor=world.cast.coordinator, placement=placement, started_on=D(2026, 11, 25))
    assert pupil.enrolments.filter(setting=world.cast.school_a, start_date=D(2026, 11, 25)).exists()


def test_only_the_partnerships_officers_record_placements(world):
    with pytest.raises(PermissionDenied):
        record(world, actor=world.cast.outsider)
    assert not FairAccessPlacement.objects.exists()


def test_a_placement_must_be_at_a_school_of_the_partnership_and_in_order(world):
    with pytest.raises(ValidationError) as caught:
        record(world, placed_at=world.ap)
    assert "placed_at" in caught.value.message_dict
    with pytest.raises(ValidationError) as caught:
        record(world, placed_on=D(2026, 10, 1), started_on=D(2026, 10, 1))
    assert set(caught.value.message_dict) == {"placed_on", "started_on"}


# --- Figures ------------------------------------------------------------------------------------


def test_year_figures_count_each_pupil_in_their_band(world):
    record(world)  # 10 days out: 368 of 388, band 360
    record(world, pupil=make_pupil(setting=world.cast.school_b), started_on=D(2026, 11, 4))
    record(world, pupil=make_pupil(setting=world.cast.school_b), started_on=None)  # 17 days so far
    figures = year_figures(world.cast.partnership, 2026, D(2026, 11, 24))
    assert figures.counts.pupils == 3 and figures.waiting == 1
    assert (figures.counts.at_380, figures.counts.at_360, figures.counts.at_350) == (1, 1, 1)
    assert figures.level == "Developing"


def test_the_fair_share_weighs_each_school(world):
    for school, weight in ((world.cast.school_a, "1.0"), (world.cast.school_b, "3.0")):
        FairShareWeighting.objects.create(
            partnership=world.cast.partnership,
            setting=school,
            weight=Decimal(weight),
            from_year=2025,
        )
    for _ in range(2):
        record(world, pupil=make_pupil(setting=world.cast.school_b))
    rows = {r.setting.name: r for r in fair_share(world.cast.partnership, 2026)}
    assert rows["Ashdown Academy"].taken == 0 and rows["Ashdown Academy"].line.share == Decimal(
        "0.5"
    )
    assert rows["Beacon High School"].taken == 2 and rows[
        "Beacon High School"
    ].line.share == Decimal("1.5")


# --- Pages --------------------------------------------------------------------------------------


def test_the_list_shows_the_placements_of_pupils_the_user_sees(
    client, world, django_assert_max_num_queries
):
    placement = record(world)
    login(client, "outsider")  # Beacon's staff: Bea is on their roll
    with django_assert_max_num_queries(20):
        response = client.get(reverse("placements:fair-access-list"))
    rows = list(response.context["page"])
    assert [r.placement for r in rows] == [placement]
    assert rows[0].missed.sessions == 20 and rows[0].year.band == 360
    assert "Bea Brown" in response.content.decode()
    assert AuditEntry.objects.filter(what="fair access list", pupil=world.cast.pupil_b).count() == 1
    login(client, "officer")  # Ashdown's: sees the figures, not Bea
    response = client.get(reverse("placements:fair-access-list"))
    assert list(response.context["page"]) == [] and response.context["figures"].counts.pupils == 1
    assert "Bea Brown" not in response.content.decode()


def test_the_list_needs_a_partnership(client, world):
    from knotwork.core.testing import make_user

    make_user("nobody")
    login(client, "nobody")
    assert client.get(reverse("placements:fair-access-list")).status_code == 403


def test_signed_out_goes_to_sign_in(client, world):
    response = client.get(reverse("placements:fair-access-list"))
    assert response.status_code == 302 and "sign-in" in response["Location"]


def test_the_csv_holds_the_sessions(client, world):
    record(world)
    login(client, "coordinator")
    body = client.get(reverse("placements:fair-access-csv")).content.decode("utf-8-sig")
    header, line = body.strip().splitlines()
    assert header.startswith("Pupil,UPN,Category")
    assert ",10,20,388,368,380,no,360" in line
    assert AuditEntry.objects.filter(action="export", what="fair access CSV").count() == 1


def test_the_share_page_has_a_chart_and_a_table(client, world):
    FairShareWeighting.objects.create(
        partnership=world.cast.partnership,
        setting=world.cast.school_b,
        weight=Decimal(1),
        from_year=2026,
    )
    record(world)
    login(client, "board_member")
    response = client.get(reverse("placements:fair-access-share"))
    assert response.status_code == 200
    assert response.context["lines"] == [["Beacon High School", "1.00", "1", "1.0", "0.0"]]
    assert response.context["chart"] is not None
    csv = client.get(reverse("placements:fair-access-share-csv")).content.decode("utf-8-sig")
    assert "Beacon High School,1.00,1,1.0,0.0" in csv


def test_the_placement_page_shows_missed_sessions_and_is_audited(client, world):
    placement = record(world, started_on=None)
    url = reverse("placements:fair-access-placement", args=[placement.uuid])
    login(client, "coordinator")
    response = client.get(url)
    assert response.status_code == 200
    assert "17 school days, 34 sessions so far" in response.content.decode()
    assert response.context["start_form"] is not None
    assert AuditEntry.objects.filter(action="view", object_id=str(placement.uuid)).exists()
    login(client, "officer")
    assert client.get(url).status_code == 404


def test_recording_the_first_day_from_the_page(client, world):
    placement = record(world, started_on=None)
    url = reverse("placements:fair-access-start", args=[placement.uuid])
    login(client, "coordinator")
    assert client.get(url).status_code == 405
    assert client.post(url, {"started_on": "2026-10-01"}).status_code == 200  # before out of school
    placement.refresh_from_db()
    assert placement.started_on is None
    assert client.post(url, {"started_on": "2026-11-16"}).status_code == 302
    placement.refresh_from_db()
    assert placement.started_on == D(2026, 11, 16)
    assert AuditEntry.objects.filter(object_id=str(placement.uuid), what="started_on").exists()


def test_school_staff_may_not_record_the_first_day(client, world):
    placement = record(world, started_on=None)
    login(client, "outsider")
    url = reverse("placements:fair-access-start", args=[placement.uuid])
    assert client.post(url, {"started_on": "2026-11-16"}).status_code == 403


def test_a_read_only_user_gets_403_on_the_form(client, world):
    from knotwork.accounts.models import Role
    from knotwork.core.testing import make_user

    make_user("reader_b", role=Role.SCHOOL_STAFF, organisation=world.cast.school_b)
    login(client, "reader_b")
    url = reverse("placements:fair-access-new", args=[world.cast.pupil_b.uuid])
    assert client.get(url).status_code == 403


def test_recording_a_placement_from_the_form(client, world):
    login(client, "coordinator")
    url = reverse("placements:fair-access-new", args=[world.cast.pupil_b.uuid])
    assert client.get(url).status_code == 200
    data = {
        "category": "g",
        "out_of_school_from": "2026-11-02",
        "placed_at": world.cast.school_b.pk,
        "placed_on": "2026-11-09",
        "started_on": "",
    }
    response = client.post(url, {**data, "placed_on": ""})
    assert response.status_code == 200 and not FairAccessPlacement.objects.exists()
    response = client.post(url, data)
    placement = FairAccessPlacement.objects.get()
    assert response["Location"] == reverse(
        "placements:fair-access-placement", args=[placement.uuid]
    )
    assert (placement.category, placement.started_on) == ("g", None)


def test_the_coordinator_agrees_a_schools_weight(client, world):
    login(client, "coordinator")
    url = reverse("placements:fair-access-weight")
    assert client.get(url).status_code == 405
    data = {"setting": world.cast.school_a.pk, "weight": "1.25", "from_year": "2026"}
    response = client.post(url, data)
    assert response.status_code == 302
    row = FairShareWeighting.objects.get()
    assert (row.setting, row.weight, row.from_year) == (world.cast.school_a, Decimal("1.25"), 2026)
    assert AuditEntry.objects.filter(action="update", what="weight").count() == 1
    client.post(url, {**data, "weight": "1.5"})
    assert FairShareWeighting.objects.get().weight == Decimal("1.5")


def test_a_bad_weight_is_shown_again_and_saves_nothing(client, world):
    login(client, "coordinator")
    url = reverse("placements:fair-access-weight")
    data = {"setting": world.ap.pk, "weight": "-1", "from_year": "2026"}
    response = client.post(url, data)
    assert response.status_code == 200
    assert set(response.context["weight_form"].errors) == {"setting", "weight"}
    assert not FairShareWeighting.objects.exists()


def test_school_staff_may_not_set_weights(client, world):
    login(client, "officer")
    data = {"setting": world.cast.school_a.pk, "weight": "1", "from_year": "2026"}
    assert client.post(reverse("placements:fair-access-weight"), data).status_code == 403
    assert client.get(reverse("placements:fair-access-share")).context["weight_form"] is None


def test_query_budgets_for_the_share_and_placement_pages(
    client, world, django_assert_max_num_queries
):
    placement = record(world)
    login(client, "coordinator")
    with django_assert_max_num_queries(15):
        assert client.get(reverse("placements:fair-access-share")).status_code == 200
    with django_assert_max_num_queries(20):
        url = reverse("placements:fair-access-placement", args=[placement.uuid])
        assert client.get(url).status_code == 200
