import pytest
from django.urls import reverse

from knotwork.core.models import AuditEntry
from knotwork.core.testing import PASSWORD

pytestmark = pytest.mark.django_db


def url(pupil):
    return reverse("pupils:edit-details", args=[pupil.uuid])


def form_data(pupil, **changes):
    data = {
        "legal_forename": pupil.legal_forename,
        "middle_names": "",
        "legal_surname": pupil.legal_surname,
        "preferred_forename": "",
        "preferred_surname": "",
        "date_of_birth": pupil.date_of_birth.isoformat(),
        "sex": pupil.sex,
        "ethnicity": pupil.ethnicity,
        "sen_provision": pupil.sen_provision,
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not False}


def test_officer_changes_details_and_it_is_audited(client, cast):
    client.login(username="officer", password=PASSWORD)
    response = client.post(url(cast.pupil_a), form_data(cast.pupil_a, sen_provision="E", eal="on"))
    assert response.status_code == 302
    assert response.url == reverse("pupils:profile", args=[cast.pupil_a.uuid])
    cast.pupil_a.refresh_from_db()
    assert (cast.pupil_a.sen_provision, cast.pupil_a.eal) == ("E", True)
    entry = AuditEntry.objects.get(action="update")
    assert (entry.actor, entry.pupil, entry.what) == (
        cast.officer,
        cast.pupil_a,
        "eal,sen_provision",
    )


def test_invalid_input_re_shows_what_was_typed_and_saves_nothing(client, cast):
    client.login(username="officer", password=PASSWORD)
    response = client.post(
        url(cast.pupil_a),
        form_data(cast.pupil_a, legal_surname="Ahmed-Khan", date_of_birth="31/02/2013"),
    )
    assert response.status_code == 200
    assert response.context["form"].errors["date_of_birth"]
    assert b'value="Ahmed-Khan"' in response.content
    assert b"There is a problem" in response.content
    cast.pupil_a.refresh_from_db()
    assert cast.pupil_a.legal_surname == "Ahmed"
    assert not AuditEntry.objects.filter(action="update").exists()


def test_read_only_user_gets_403(client, cast):
    client.login(username="head_of_year", password=PASSWORD)
    assert client.get(url(cast.pupil_a)).status_code == 403
    assert client.post(url(cast.pupil_a), form_data(cast.pupil_a, eal="on")).status_code == 403
    cast.pupil_a.refresh_from_db()
    assert cast.pupil_a.eal is False


def test_outsider_gets_404(client, cast):
    client.login(username="outsider", password=PASSWORD)
    assert client.get(url(cast.pupil_a)).status_code == 404


def test_signed_out_goes_to_sign_in(client, cast):
    response = client.get(url(cast.pupil_a))
    assert response.status_code == 302 and "/account/sign-in/" in response.url


def test_get_shows_the_form_filled_in_and_is_audited_as_a_view(client, cast):
    client.login(username="officer", password=PASSWORD)
    response = client.get(url(cast.pupil_a))
    assert b'value="Amira"' in response.content
    assert AuditEntry.objects.filter(action="view", pupil=cast.pupil_a).exists()
