import pytest
from django.urls import reverse

from knotwork.core.models import AuditEntry
from knotwork.core.testing import PASSWORD

pytestmark = pytest.mark.django_db


def test_admin_reads_who_saw_the_pupil(client, cast):
    client.login(username="officer", password=PASSWORD)
    client.get(reverse("pupils:profile", args=[cast.pupil_a.uuid]))
    client.logout()
    client.login(username="admin", password=PASSWORD)
    response = client.get(reverse("pupils:trail", args=[cast.pupil_a.uuid]))
    assert response.status_code == 200
    entries = list(response.context["entries"])
    assert [(e.actor, e.action) for e in entries][-1] == (cast.officer, "view")
    assert b"Olu" in response.content or b"officer" in response.content
    # Reading the trail is itself on the trail.
    assert AuditEntry.objects.filter(
        actor=cast.admin, pupil=cast.pupil_a, what="audit trail"
    ).exists()


def test_other_users_cannot_read_the_trail(client, cast):
    for username in ("officer", "coordinator", "board_member"):
        client.login(username=username, password=PASSWORD)
        response = client.get(reverse("pupils:trail", args=[cast.pupil_a.uuid]))
        assert response.status_code in (302, 403)
        client.logout()


def test_admin_finds_a_trail_by_upn_without_it_in_the_url(client, cast):
    client.login(username="admin", password=PASSWORD)
    response = client.post(reverse("core:audit-lookup"), {"upn": cast.pupil_a.upn})
    assert response.status_code == 302
    assert response.url == reverse("pupils:trail", args=[cast.pupil_a.uuid])
    assert cast.pupil_a.upn not in response.url


def test_audit_lookup_explains_a_bad_upn(client, cast):
    client.login(username="admin", password=PASSWORD)
    response = client.post(reverse("core:audit-lookup"), {"upn": "B12345"})
    assert response.status_code == 200
    assert b"13 characters" in response.content
