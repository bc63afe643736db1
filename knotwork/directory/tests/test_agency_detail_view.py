import datetime
import uuid

import pytest
from django.urls import reverse

from knotwork.core.testing import PASSWORD, make_agency, make_user
from knotwork.directory.models import Outcome

pytestmark = pytest.mark.django_db


def url(agency):
    return reverse("directory:agency-detail", args=[agency.uuid])


def signed_in(client, username="officer"):
    client.login(username=username, password=PASSWORD)
    return client


@pytest.fixture
def camhs(cast):
    agency = cast.camhs
    agency.contact_name = "Priya Shah"
    agency.phone = "01632 960123"
    agency.email = "camhs.referrals@example.org"
    agency.website = "https://camhs.example.org/schools"
    agency.kept_by = make_user("keeper", first_name="Kim", last_name="Keeper")
    agency.save()
    agency.outcomes.add(*Outcome.objects.filter(code__in=["be_healthy", "stay_safe"]))
    return agency


def test_signed_out_goes_to_sign_in(client, cast):
    response = client.get(url(cast.camhs))
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:sign-in"))


def test_post_is_405(client, cast):
    response = signed_in(client).post(url(cast.camhs))
    assert response.status_code == 405


def test_an_unknown_agency_is_404(client, cast):
    response = signed_in(client).get(reverse("directory:agency-detail", args=[uuid.uuid4()]))
    assert response.status_code == 404


def test_a_setting_is_not_an_agency(client, cast):
    response = signed_in(client).get(reverse("directory:agency-detail", args=[cast.school_a.uuid]))
    assert response.status_code == 404


def test_it_shows_everything_about_the_agency(client, camhs, cast):
    response = signed_in(client).get(url(camhs))
    assert response.status_code == 200
    content = response.content.decode()
    assert '<h1 class="govuk-heading-l">Child and Adolescent Mental Health Service</h1>' in content
    for text in (
        "Child and adolescent mental health services (CAMHS)",
        "Assessment and therapy for children",
        "Referral form from the school&#x27;s mental health lead.",
        "Priya Shah",
        "01632 960123",
        'href="mailto:camhs.referrals@example.org"',
        'href="https://camhs.example.org/schools"',
        "Whole county",
        "Be healthy",
        "Stay safe",
        "1 September 2026",
        "Kim Keeper",
        "East Marsh North Partnership",
        reverse("directory:partnership-detail", args=[cast.partnership.uuid]),
    ):
        assert text in content, text
    assert "Enjoy and achieve" not in content
    assert "Not recorded" not in content


def test_missing_details_say_not_recorded(client, cast):
    agency = make_agency(name="Drop-in Youth Club", area="Southside")
    response = signed_in(client).get(url(agency))
    content = response.content.decode()
    assert content.count("Not recorded") == 6
    assert "mailto:" not in content
    assert "East Marsh North Partnership" not in content


def test_any_signed_in_user_may_read_it(client, cast):
    for username in ("outsider", "caseworker", "board_member"):
        assert signed_in(client, username).get(url(cast.camhs)).status_code == 200


def test_an_entry_due_for_review_is_flagged(client, cast, time_machine):
    time_machine.move_to(datetime.datetime(2027, 9, 2, 12, 0))
    response = signed_in(client).get(url(cast.camhs))
    assert response.context["review_due"] is True
    assert b"Review due" in response.content


def test_a_recently_reviewed_entry_is_not_flagged(client, cast, time_machine):
    time_machine.move_to(datetime.datetime(2027, 8, 31, 12, 0))
    response = signed_in(client).get(url(cast.camhs))
    assert response.context["review_due"] is False
    assert b"Review due" not in response.content


def test_the_page_reads_a_fixed_number_of_queries(client, camhs, django_assert_max_num_queries):
    client = signed_in(client)
    with django_assert_max_num_queries(6):  # with the header's count of unread notices
        response = client.get(url(camhs))
    assert response.status_code == 200
