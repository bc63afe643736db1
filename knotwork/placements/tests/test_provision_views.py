"""The alternative provision pages: who sees what, the forms, the audit rows."""

import datetime

import pytest
from django.urls import reverse

from knotwork.attendance.codes import code_for
from knotwork.attendance.queries import SessionMaps
from knotwork.attendance.services import marks_record
from knotwork.core.models import AuditEntry
from knotwork.core.testing import PASSWORD
from knotwork.placements.provision_models import ProvisionPlacement, ProvisionReview
from knotwork.placements.tests.provision_helpers import TODAY, place, provision_world  # noqa: F401
from knotwork.pupils.models import Enrolment

pytestmark = pytest.mark.django_db
D = datetime.date


def login(client, username):
    assert client.login(username=username, password=PASSWORD)


def placement_url(p, name="provision-placement"):
    return reverse(f"placements:{name}", args=[p.uuid])


# --- One placement ------------------------------------------------------------------------------


def test_the_home_school_sees_the_placement_with_its_checks_and_audit_row(client, world):
    p = place(world, timetable="PPPPPPSS--")
    login(client, "officer")
    response = client.get(placement_url(p))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Timetable does not add up" in html
    assert "2 sessions a week in neither school nor provision" in html
    assert response.context["row"].check.nowhere == ("Friday AM", "Friday PM")
    entry = AuditEntry.objects.filter(action="view", object_id=str(p.uuid)).get()
    assert entry.pupil == world.cast.pupil_a and entry.actor == world.cast.officer


def test_the_providers_staff_see_the_placement_and_its_register(client, world):
    p = place(world)
    year = SessionMaps().for_setting(world.ap, 2026)
    monday = D(2026, 11, 23)
    marks_record(
        actor=world.tutor,
        enrolment=p.enrolment,
        year=year.year,
        sessions=year.sessions,
        marks={year.sessions.index_of(monday, "AM"): code_for("/", monday).id},
    )
    login(client, "reader")
    response = client.get(placement_url(p))
    assert response.status_code == 200
    returns = response.context["returns"]
    assert returns[0].day == TODAY and returns[0].am is None
    assert returns[1].day == monday and returns[1].am.code == "/" and returns[1].pm is None
    assert response.context["end_form"] is None  # reads only


def test_an_outsider_gets_404(client, world):
    p = place(world)
    login(client, "outsider")
    assert client.get(placement_url(p)).status_code == 404


def test_signed_out_goes_to_sign_in(client, world):
    p = place(world)
    response = client.get(placement_url(p))
    assert response.status_code == 302 and "sign-in" in response["Location"]


def test_a_query_budget_for_the_placement_page(client, world, django_assert_max_num_queries):
    p = place(world)
    login(client, "officer")
    with django_assert_max_num_queries(30):
        assert client.get(placement_url(p)).status_code == 200


# --- Placing a pupil ----------------------------------------------------------------------------


def new_url(world):
    return reverse("placements:provision-new", args=[world.cast.pupil_a.uuid])


def form_data(world, **overrides):
    data = {
        "provider": world.riverside.pk,
        "kind": "ap",
        "exclusion": "",
        "starts_on": "2026-11-23",
        "planned_reintegration_on": "2027-02-01",
    }
    data |= {f"session_{i}": "P" if i < 6 else "S" for i in range(10)}
    data |= overrides
    return data


def test_placing_a_pupil_from_the_form(client, world):
    login(client, "officer")
    assert client.get(new_url(world)).status_code == 200
    response = client.post(new_url(world), form_data(world))
    p = ProvisionPlacement.objects.get()
    assert response.status_code == 302 and response["Location"] == placement_url(p)
    assert p.timetable == "PPPPPPSSSS" and p.starts_on == D(2026, 11, 23)
    assert Enrolment.objects.filter(
        pupil=world.cast.pupil_a, setting=world.ap, registration="S"
    ).exists()
    assert AuditEntry.objects.filter(action="create", object_id=str(p.uuid)).exists()


def test_a_read_only_user_may_not_place(client, world):
    login(client, "head_of_year")
    assert client.get(new_url(world)).status_code == 403
    assert client.post(new_url(world), form_data(world)).status_code == 403
    assert not ProvisionPlacement.objects.exists()


def test_an_outsider_cannot_reach_the_form(client, world):
    login(client, "outsider")
    assert client.get(new_url(world)).status_code == 404


def test_invalid_input_shows_the_form_again_and_saves_nothing(client, world):
    login(client, "officer")
    response = client.post(new_url(world), form_data(world, kind="pru", starts_on=""))
    assert response.status_code == 200
    assert response.context["form"].errors["starts_on"]
    response = client.post(new_url(world), form_data(world, kind="pru"))
    assert response.status_code == 200
    assert "pupil referral unit" in str(response.context["form"].errors["provider"])
    assert 'value="2027-02-01"' in response.content.decode()
    assert not ProvisionPlacement.objects.exists()
    assert Enrolment.objects.filter(pupil=world.cast.pupil_a).count() == 1


# --- Changing, reviewing and ending -------------------------------------------------------------


def edit_data(p, **overrides):
    data = {"version": p.version, "planned_reintegration_on": "2027-03-01"}
    data |= {f"session_{i}": c for i, c in enumerate(p.timetable)}
    data |= {"passport_needs": "Dyslexia", "plan_targets": "Read daily"}
    data |= overrides
    return data


def test_changing_the_passport_plan_and_timetable(client, world):
    p = place(world)
    login(client, "tutor")
    assert client.get(placement_url(p, "provision-edit")).status_code == 200
    response = client.post(placement_url(p, "provision-edit"), edit_data(p, session_9="-"))
    assert response.status_code == 302
    p.refresh_from_db()
    assert (p.passport_needs, p.plan_targets, p.timetable, p.version) == (
        "Dyslexia",
        "Read daily",
        "PSPSPSPSP-",
        2,
    )
    entry = AuditEntry.objects.filter(action="update", object_id=str(p.uuid)).get()
    assert entry.what == "passport_needs,plan_targets,timetable"


def test_a_stale_edit_is_shown_again_and_saves_nothing(client, world):
    p = place(world)
    login(client, "officer")
    response = client.post(placement_url(p, "provision-edit"), edit_data(p, version=7))
    assert response.status_code == 200 and "Someone else changed" in response.content.decode()
    p.refresh_from_db()
    assert p.passport_needs == ""


def test_a_reader_may_not_edit(client, world):
    p = place(world)
    login(client, "reader")
    assert client.post(placement_url(p, "provision-edit"), edit_data(p)).status_code == 403


def test_ending_a_placement_with_a_return_to_school(client, world):
    p = place(world)
    login(client, "officer")
    url = placement_url(p, "provision-end")
    assert client.get(url).status_code == 405
    data = {"version": p.version, "ends_on": "2026-11-24", "outcome": "reintegrated"}
    assert client.post(url, data).status_code == 302
    p.refresh_from_db()
    assert (p.ends_on, p.outcome) == (D(2026, 11, 24), "reintegrated")
    assert p.enrolment.end_date == D(2026, 11, 24)
    assert AuditEntry.objects.filter(object_id=str(p.uuid), what="ends_on,outcome").exists()


def test_ending_with_no_outcome_is_refused_and_changes_nothing(client, world):
    p = place(world)
    login(client, "officer")
    response = client.post(
        placement_url(p, "provision-end"), {"version": 1, "ends_on": "2026-11-24"}
    )
    assert response.status_code == 200 and response.context["end_form"].errors["outcome"]
    p.refresh_from_db()
    assert p.ends_on is None


def test_a_reader_may_not_end(client, world):
    p = place(world)
    login(client, "head_of_year")
    data = {"version": 1, "ends_on": "2026-11-24", "outcome": "stayed"}
    assert client.post(placement_url(p, "provision-end"), data).status_code == 403


def test_holding_a_review_from_the_page(client, world):
    p = place(world, starts_on=D(2026, 9, 7))
    overdue = p.reviews.get(due_on=D(2026, 10, 23))
    login(client, "tutor")
    page = client.get(placement_url(p))
    assert "1 review overdue" in page.content.decode()
    url = reverse("placements:provision-review", args=[overdue.uuid])
    assert client.get(url).status_code == 405
    prefix = overdue.uuid.hex
    data = {
        f"{prefix}-held_on": "2026-11-02",
        f"{prefix}-progress": "good",
        f"{prefix}-notes": "Settled",
    }
    assert client.post(url, data).status_code == 302
    overdue.refresh_from_db()
    assert (overdue.held_on, overdue.progress, overdue.held_by) == (
        D(2026, 11, 2),
        "good",
        world.tutor,
    )


def test_a_review_without_progress_is_shown_again(client, world):
    p = place(world, starts_on=D(2026, 9, 7))
    review = p.reviews.first()
    login(client, "officer")
    url = reverse("placements:provision-review", args=[review.uuid])
    response = client.post(url, {f"{review.uuid.hex}-held_on": "2026-11-02"})
    assert response.status_code == 200
    assert ProvisionReview.objects.filter(held_on__isnull=False).count() == 0


def test_an_outsider_cannot_hold_a_review(client, world):
    p = place(world)
    review = p.reviews.first()
    login(client, "outsider")
    url = reverse("placements:provision-review", args=[review.uuid])
    assert client.post(url, {}).status_code == 404


# --- The overview, the directory and a provider -------------------------------------------------


def test_the_overview_counts_by_provider_and_lists_what_needs_attention(
    client, world, django_assert_max_num_queries
):
    place(world, timetable="PPPP------")
    place(
        world,
        pupil=world.cast.linked_pupil,
        starts_on=D(2026, 9, 7),
        timetable="P" * 10,
        planned_reintegration_on=D(2026, 11, 30),
    )
    login(client, "coordinator")
    with django_assert_max_num_queries(25):
        response = client.get(reverse("placements:provision-overview"))
    assert response.status_code == 200
    found = response.context["overview"]
    (riverside,) = found.by_provider
    assert (riverside.running, riverside.part_time, riverside.not_adding_up) == (2, 1, 1)
    assert (riverside.overdue_reviews, riverside.returns_due) == (1, 1)
    assert [r.placement.pupil for r in found.not_adding_up] == [world.cast.pupil_a]
    assert [r.placement.pupil for r in found.returns_due] == [world.cast.linked_pupil]
    # Nobody is marked yet today: both show as missing returns.
    assert len(response.context["notices"]) == 2
    assert AuditEntry.objects.filter(what="provision overview").count() == 2


def test_the_overview_shows_an_outsider_figures_but_no_pupils(client, world):
    place(world, timetable="PPPP------")
    login(client, "outsider")
    response = client.get(reverse("placements:provision-overview"))
    assert response.status_code == 200
    assert response.context["overview"].by_provider[0].running == 1
    assert response.context["overview"].not_adding_up == [] and response.context["notices"] == []
    assert "Amira" not in response.content.decode()


def test_the_directory_flags_overdue_checks(client, world):
    login(client, "officer")
    response = client.get(reverse("placements:provision-providers"))
    rows = {r.setting.name: r for r in response.context["rows"]}
    assert rows["Riverside Alternative Provision"].flags == ()
    assert rows["The Bridge Short Stay School"].flags == (
        "Safeguarding check overdue",
        "Quality assurance visit overdue",
    )


def test_a_provider_page_lists_the_pupils_its_staff_may_see(client, world):
    place(world)
    login(client, "tutor")
    response = client.get(reverse("placements:provision-provider", args=[world.ap.uuid]))
    assert response.status_code == 200
    assert [r.placement.pupil for r in response.context["page"]] == [world.cast.pupil_a]
    login(client, "outsider")
    response = client.get(reverse("placements:provision-provider", args=[world.ap.uuid]))
    assert list(response.context["page"]) == []


def test_a_school_is_not_a_provider(client, world):
    login(client, "officer")
    url = reverse("placements:provision-provider", args=[world.cast.school_a.uuid])
    assert client.get(url).status_code == 404


def test_the_coordinator_records_a_providers_checks(client, world):
    login(client, "coordinator")
    url = reverse("placements:provision-provider-edit", args=[world.pru.uuid])
    assert client.get(url).status_code == 200
    data = {
        "registration": "pru",
        "ofsted": "good",
        "safeguarding_checked_on": "2026-11-20",
        "last_reviewed_on": "2026-11-20",
        "cost_per_day": "120.50",
    }
    assert client.post(url, data).status_code == 302
    world.bridge.refresh_from_db()
    assert str(world.bridge.cost_per_day) == "120.50"
    assert AuditEntry.objects.filter(object_id=str(world.bridge.uuid), action="update").exists()


def test_school_staff_may_not_change_a_providers_record(client, world):
    login(client, "officer")
    url = reverse("placements:provision-provider-edit", args=[world.pru.uuid])
    assert client.get(url).status_code == 403


def test_bad_provider_input_is_shown_again(client, world):
    login(client, "coordinator")
    url = reverse("placements:provision-provider-edit", args=[world.pru.uuid])
    response = client.post(url, {"registration": "pru", "ofsted": "good", "cost_per_day": "-4"})
    assert response.status_code == 200
    world.bridge.refresh_from_db()
    assert str(world.bridge.cost_per_day) == "120.00"


def test_the_csv_has_the_placements_the_user_may_see(client, world):
    place(world)
    login(client, "officer")
    response = client.get(reverse("placements:provision-csv"))
    body = response.content.decode("utf-8-sig")
    assert response["Content-Type"].startswith("text/csv")
    assert "Amira Ahmed" in body and body.count("\n") == 2
    assert AuditEntry.objects.filter(action="export", pupil=world.cast.pupil_a).exists()
    login(client, "outsider")
    assert "Amira" not in client.get(reverse("placements:provision-csv")).content.decode()


def test_the_exclusion_page_links_its_day_six_placement(client, world):
    from knotwork.behaviour.models import Exclusion

    suspension = Exclusion.objects.create(
        pupil=world.cast.pupil_a,
        enrolment=Enrolment.objects.get(pupil=world.cast.pupil_a),
        kind=Exclusion.Kind.SUSPENSION,
        start_date=D(2026, 11, 2),
        sessions=20,
        reason_1="PP",
        decided_by="The head",
        recorded_by=world.cast.officer,
    )
    p = place(world, kind="day6_suspension", exclusion=suspension, timetable="P" * 10)
    login(client, "officer")
    response = client.get(reverse("behaviour:exclusion", args=[suspension.uuid]))
    assert placement_url(p) in response.content.decode()
    page = client.get(placement_url(p)).content.decode()
    assert reverse("behaviour:exclusion", args=[suspension.uuid]) in page


def test_the_pupils_page_offers_a_placement_to_those_who_edit(client, world):
    login(client, "officer")
    profile = reverse("pupils:profile", args=[world.cast.pupil_a.uuid])
    assert new_url(world) in client.get(profile).content.decode()
    login(client, "head_of_year")
    assert new_url(world) not in client.get(profile).content.decode()


def test_the_provider_takes_the_placed_pupils_register_and_the_home_school_hears_of_absence(
    client, world
):
    """The placement gives the provider's register (``attendance.provider_register``) the
    pupil; an absence marked there reaches the home school's overview the same day."""
    p = place(world, timetable="P" * 10)
    login(client, "tutor")
    url = reverse("attendance:provider-register", args=[world.ap.uuid]) + f"?date={TODAY}"
    response = client.get(url)
    assert response.status_code == 200 and "Amira" in response.content.decode()
    key = p.enrolment.uuid.hex
    saved = client.post(url, {f"am-{key}": "O", f"version-{key}": "0", f"reason-{key}": ""})
    assert saved.status_code == 302
    login(client, "officer")
    notices = client.get(reverse("placements:provision-overview")).context["notices"]
    assert [(n.placement, n.am.code, n.absent) for n in notices] == [(p, "O", True)]


def test_query_budgets_for_the_directory_and_a_provider(
    client, world, django_assert_max_num_queries
):
    for pupil in (world.cast.pupil_a, world.cast.linked_pupil):
        place(world, pupil=pupil)
    login(client, "coordinator")
    with django_assert_max_num_queries(12):
        assert client.get(reverse("placements:provision-providers")).status_code == 200
    with django_assert_max_num_queries(25):
        url = reverse("placements:provision-provider", args=[world.ap.uuid])
        assert len(client.get(url).context["page"]) == 2
