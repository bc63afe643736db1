import pytest
from django.test import Client
from django.urls import path

from knotwork.core.testing import PASSWORD
from knotwork.urls import urlpatterns as real_urlpatterns

pytestmark = pytest.mark.django_db


def explode(request):
    raise RuntimeError("secret detail about Amira Ahmed")


urlpatterns = [*real_urlpatterns, path("explode/", explode)]
handler500 = "knotwork.core.views.server_error"


@pytest.mark.urls("knotwork.core.tests.test_error_pages")
def test_a_server_error_shows_no_stack_trace_or_personal_data(cast):
    client = Client(raise_request_exception=False)
    client.login(username="officer", password=PASSWORD)
    response = client.get("/explode/")
    assert response.status_code == 500
    assert b"Sorry, something went wrong" in response.content
    assert b"Traceback" not in response.content
    assert b"Amira" not in response.content


def test_a_missing_page_is_plain(client, cast):
    client.login(username="officer", password=PASSWORD)
    response = client.get("/pupils/00000000-0000-0000-0000-000000000000/")
    assert response.status_code == 404
    assert b"Page not found" in response.content
