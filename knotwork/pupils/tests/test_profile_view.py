import pytest
from django.urls import reverse

from knotwork.core.models import AuditEntry
from knotwork.core.testing import PASSWORD

pytestmark = pytest.mark.django_db


def test_officer_sees_profile_and_it_is_audited(client, cast):
    client.login(username="officer", password=PASSWORD)
    response = client.get(reverse("pupils:profile", args=[cast.pupil_a.uuid]))
    assert response.status_code == 200
    assert b"Amira Ahmed" in response.content
    entry = AuditEntry.objects.get(pupil=cast.pupil_a, action="view")
    assert entry.actor == cast.officer
    assert entry.request_id is not None
    assert entry.ip_address == "127.0.0.1"


def test_outsider_gets_404(client, cast):
    client.login(username="outsider", password=PASSWORD)
    response = client.get(reverse("pupils:profile", args=[cast.pupil_a.uuid]))
    assert response.status_code == 404
    assert not AuditEntry.objects.filter(pupil=cast.pupil_a).exists()


def test_signed_out_goes_to_sign_in(client, cast):
    response = client.get(reverse("pupils:profile", args=[cast.pupil_a.uuid]))
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:sign-in"))


def test_post_is_405(client, cast):
    client.login(username="officer", password=PASSWORD)
    response = client.post(reverse("pupils:profile", args=[cast.pupil_a.uuid]))
    assert response.status_code == 405
