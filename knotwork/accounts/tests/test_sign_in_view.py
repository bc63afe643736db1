import pytest
from django.urls import reverse

from knotwork.core.testing import PASSWORD

pytestmark = pytest.mark.django_db
URL = reverse("accounts:sign-in")


def test_sign_in_page_is_reachable_signed_out(client, cast):
    response = client.get(URL)
    assert response.status_code == 200
    assert b"Sign in to knotwork" in response.content


def test_signing_in_goes_home(client, cast):
    response = client.post(URL, {"username": "officer", "password": PASSWORD})
    assert response.status_code == 302
    assert response.url == reverse("core:home")


def test_a_wrong_password_keeps_the_username_and_says_so(client, cast):
    response = client.post(URL, {"username": "officer", "password": "nope"})
    assert response.status_code == 200
    assert b"Enter a correct username and password" in response.content
    assert b'value="officer"' in response.content


def test_sign_out_is_post_only(client, cast):
    client.login(username="officer", password=PASSWORD)
    assert client.get(reverse("accounts:sign-out")).status_code == 405
    response = client.post(reverse("accounts:sign-out"))
    assert response.status_code == 302
    assert client.get(reverse("core:home")).status_code == 302


@pytest.mark.parametrize(
    "url", ["/", "/pupils/", "/directory/settings/", "/directory/agencies/", "/audit/"]
)
def test_no_page_is_reachable_signed_out(client, cast, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response.url.startswith(URL)
