"""The page where a user chooses how often knotwork emails them their notices."""

import pytest
from django.urls import reverse

from knotwork.casework.tests.case_fixtures import signed_in
from knotwork.core.models import AuditEntry
from knotwork.notices.models import NoticePreference

pytestmark = pytest.mark.django_db
URL = reverse("notices:preferences")


def test_it_shows_straight_away_until_the_user_chooses(client, cast):
    response = signed_in(client).get(URL)
    assert response.status_code == 200
    assert response.context["form"].initial == {"rhythm": "immediately"}


def test_choosing_a_rhythm_saves_it_and_audits_it(client, cast):
    response = signed_in(client).post(URL, {"rhythm": "weekly"})
    assert response["Location"] == reverse("notices:list")
    assert NoticePreference.objects.get(user=cast.officer).rhythm == "weekly"
    assert AuditEntry.objects.filter(actor=cast.officer, what="notice rhythm: weekly").exists()
    assert signed_in(client).get(URL).context["form"].initial == {"rhythm": "weekly"}


def test_an_unknown_rhythm_is_refused_and_nothing_saved(client, cast):
    response = signed_in(client).post(URL, {"rhythm": "hourly"})
    assert response.status_code == 200 and "There is a problem" in response.content.decode()
    assert not NoticePreference.objects.exists()


def test_signed_out_goes_to_sign_in(client):
    assert "/account/sign-in/" in client.get(URL)["Location"]
