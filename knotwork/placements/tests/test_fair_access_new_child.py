"""A child on no roll in the partnership (new to the area) recorded with their fair access
placement: the service, and the page."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from knotwork.accounts.models import Role
from knotwork.core.models import AuditEntry
from knotwork.core.testing import PASSWORD, make_upn, make_user
from knotwork.placements.fair_access_models import FairAccessPlacement
from knotwork.placements.fair_access_services import fair_access_place_new_child
from knotwork.placements.tests.provision_helpers import provision_world  # noqa: F401
from knotwork.pupils.access import get_pupil_for_user
from knotwork.pupils.models import Pupil
from knotwork.pupils.services import pupil_register

pytestmark = pytest.mark.django_db
D = datetime.date
URL = "placements:fair-access-new-child"

CHILD = {
    "legal_forename": "Noor",
    "legal_surname": "Haddad",
    "date_of_birth": D(2013, 5, 2),
    "sex": "F",
}


def login(client, username):
    assert client.login(username=username, password=PASSWORD)


def place_new(world, **overrides):
    values = {
        "actor": world.cast.coordinator,
        "partnership": world.cast.partnership,
        "child": {**CHILD, "upn": ""},
        "category": "i",
        "out_of_school_from": D(2026, 11, 2),
        "arrived_on": D(2026, 11, 2),
        "placed_at": world.cast.school_a,
        "placed_on": D(2026, 11, 9),
    }
    values.update(overrides)
    return fair_access_place_new_child(**values)


def form_data(world, **overrides):
    data = {
        "legal_forename": "Noor",
        "legal_surname": "Haddad",
        "date_of_birth": "2013-05-02",
        "upn": "",
        "sex": "F",
        "ethnicity": "NOBT",
        "sen_provision": "N",
        "category": "i",
        "out_of_school_from": "2026-11-02",
        "arrived_on": "2026-11-02",
        "placed_at": world.cast.school_a.pk,
        "placed_on": "2026-11-09",
        "started_on": "",
    }
    data.update(overrides)
    return data


# --- Services -----------------------------------------------------------------------------------


def test_the_child_is_recorded_on_no_roll_with_a_temporary_upn(world):
    placement = place_new(world)
    pupil = placement.pupil
    assert not pupil.enrolments.exists()
    assert pupil.upn[1:4] == world.cast.partnership.local_authority.code
    assert pupil.upn[-1].isalpha()
    assert AuditEntry.objects.filter(pupil=pupil, action="create", what="no roll").exists()
    assert AuditEntry.objects.filter(object_id=str(placement.uuid), action="create").exists()
    # The placement is what lets the officer see and change the child.
    assert get_pupil_for_user(world.cast.coordinator, pupil.uuid, write=True) == pupil


def test_two_children_get_two_temporary_upns(world):
    first = place_new(world).pupil
    second = place_new(world, child={**CHILD, "legal_forename": "Sami", "upn": ""}).pupil
    assert first.upn != second.upn


def test_a_known_upn_is_kept_and_a_duplicate_refused(world):
    upn = make_upn()
    assert place_new(world, child={**CHILD, "upn": upn}).pupil.upn == upn
    with pytest.raises(ValidationError) as caught:
        place_new(world, child={**CHILD, "upn": upn})
    assert "upn" in caught.value.message_dict
    assert Pupil.objects.filter(upn=upn).count() == 1


def test_a_bad_placement_records_no_child(world):
    with pytest.raises(ValidationError):
        place_new(world, placed_on=D(2026, 10, 1))
    assert not Pupil.objects.filter(legal_surname="Haddad").exists()


def test_only_the_partnerships_officers_who_edit_record_a_child(world):
    reader = make_user("reader_la", role=Role.LA_OFFICER, organisation=world.cast.la_service)
    for actor in (world.cast.officer, world.cast.outsider, reader, world.cast.board_member):
        with pytest.raises(PermissionDenied):
            place_new(world, actor=actor)
        with pytest.raises(PermissionDenied):
            pupil_register(actor=actor, partnership=world.cast.partnership, **CHILD)
    assert not Pupil.objects.filter(legal_surname="Haddad").exists()


# --- The page -----------------------------------------------------------------------------------


def test_recording_a_child_from_the_page(client, world):
    login(client, "coordinator")
    url = reverse(URL)
    assert client.get(url).status_code == 200
    response = client.post(url, form_data(world))
    placement = FairAccessPlacement.objects.get()
    assert response["Location"] == reverse(
        "placements:fair-access-placement", args=[placement.uuid]
    )
    assert (placement.pupil.legal_surname, placement.category) == ("Haddad", "i")
    assert AuditEntry.objects.filter(pupil=placement.pupil, action="create").count() == 2
    page = client.get(response["Location"])
    assert page.status_code == 200 and "Noor Haddad" in page.content.decode()


def test_a_bad_form_is_shown_again_and_saves_nothing(client, world):
    login(client, "coordinator")
    response = client.post(reverse(URL), form_data(world, legal_surname="", upn="X123"))
    assert response.status_code == 200
    assert set(response.context["child_form"].errors) == {"legal_surname"}
    response = client.post(reverse(URL), form_data(world, upn="A123"))
    assert response.status_code == 200
    assert "upn" in response.context["child_form"].errors
    assert "Noor" in response.content.decode()
    response = client.post(reverse(URL), form_data(world, placed_at=world.ap.pk))
    assert response.status_code == 200 and response.context["form"].errors
    assert not Pupil.objects.filter(legal_surname="Haddad").exists()


def test_school_staff_and_read_only_officers_get_403(client, world):
    make_user("reader_la", role=Role.LA_OFFICER, organisation=world.cast.la_service)
    for who in ("officer", "outsider", "reader_la", "board_member"):
        login(client, who)
        assert client.get(reverse(URL)).status_code == 403
        assert client.post(reverse(URL), form_data(world)).status_code == 403
    assert not Pupil.objects.filter(legal_surname="Haddad").exists()


def test_signed_out_goes_to_sign_in(client, world):
    response = client.get(reverse(URL))
    assert response.status_code == 302 and "sign-in" in response["Location"]


def test_the_list_offers_the_page_to_officers(client, world):
    login(client, "coordinator")
    assert reverse(URL) in client.get(reverse("placements:fair-access-list")).content.decode()
    login(client, "officer")
    assert reverse(URL) not in client.get(reverse("placements:fair-access-list")).content.decode()


def test_the_child_waiting_is_on_the_list_for_officers_only(client, world):
    placement = place_new(world)
    login(client, "coordinator")
    rows = list(client.get(reverse("placements:fair-access-list")).context["page"])
    assert [r.placement for r in rows] == [placement]
    login(client, "officer")  # Ashdown's staff: not on their roll until the first day
    assert list(client.get(reverse("placements:fair-access-list")).context["page"]) == []
    detail = reverse("placements:fair-access-placement", args=[placement.uuid])
    assert client.get(detail).status_code == 404
