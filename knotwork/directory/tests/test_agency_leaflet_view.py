import datetime

import pytest
from django.urls import reverse
from weasyprint import HTML

from knotwork.core.testing import PASSWORD, make_agency
from knotwork.directory.exports import agency_leaflet_html
from knotwork.directory.models import Agency, Outcome
from knotwork.directory.queries import agencies_matching

pytestmark = pytest.mark.django_db
URL = reverse("directory:agency-leaflet")
# A4 in CSS pixels (96 to the inch): 210 mm x 297 mm.
A4 = (210 * 96 / 25.4, 297 * 96 / 25.4)


def signed_in(client, username="coordinator"):
    client.login(username=username, password=PASSWORD)
    return client


@pytest.fixture
def ews(cast):
    agency = make_agency(
        name="Education Welfare Service",
        agency_type=Agency.Type.EWS,
        services="Attendance casework and penalty notices.",
        area="North Marsh",
        phone="01632 960456",
        email="ews@example.org",
    )
    agency.outcomes.add(Outcome.objects.get(code="enjoy_and_achieve"))
    return agency


def test_signed_out_goes_to_sign_in(client, cast):
    response = client.get(URL)
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:sign-in"))


def test_post_is_405(client, cast):
    response = signed_in(client).post(URL)
    assert response.status_code == 405


def test_it_is_a_pdf_to_download(client, cast, ews):
    response = signed_in(client).get(URL)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="agency-directory.pdf"'
    assert response.content.startswith(b"%PDF")
    assert len(response.content) > 5_000


def test_it_prints_the_users_partnership_and_the_date(client, cast, ews, time_machine):
    time_machine.move_to(datetime.datetime(2027, 3, 4, 12, 0))
    response = signed_in(client).get(URL)
    assert response.context["title"] == "East Marsh North Partnership: agency directory"
    assert response.context["printed_on"] == datetime.date(2027, 3, 4)
    assert [a.name for a in response.context["agencies"]] == [cast.camhs.name, ews.name]


def test_a_user_in_no_partnership_gets_a_plain_title(client, cast):
    response = signed_in(client, "admin").get(URL)
    assert response.context["title"] == "Agency directory"


def test_it_prints_only_the_agencies_the_filters_choose(client, cast, ews):
    response = signed_in(client).get(URL, {"agency_type": "ews", "q": "attendance"})
    assert response.status_code == 200
    assert [a.name for a in response.context["agencies"]] == [ews.name]
    assert response.context["selection"] == ["matching “attendance”", "Education welfare service"]


def test_outcome_and_area_filters_apply_too(client, cast, ews):
    client = signed_in(client)
    by_outcome = client.get(URL, {"outcome": "enjoy_and_achieve"}).context
    assert [a.name for a in by_outcome["agencies"]] == [ews.name]
    assert by_outcome["selection"] == ["Enjoy and achieve"]
    by_area = client.get(URL, {"area": "Whole county"}).context
    assert [a.name for a in by_area["agencies"]] == [cast.camhs.name]


def test_the_leaflet_html_has_one_block_an_agency_and_print_css(cast, ews, time_machine):
    time_machine.move_to(datetime.datetime(2027, 10, 1, 12, 0))
    html = agency_leaflet_html(
        agencies_matching(on=datetime.date(2027, 10, 1)),
        partnerships=[cast.partnership],
        selection=[],
        printed_on=datetime.date(2027, 10, 1),
    )
    assert "<h1>East Marsh North Partnership: agency directory</h1>" in html
    assert "Printed 1 October 2027" in html
    assert html.count('<section class="agency">') == 2
    assert "<h2>Education Welfare Service</h2>" in html
    assert "Enjoy and achieve" in html
    assert 'href="mailto:ews@example.org"' in html
    assert "(review due)" in html  # CAMHS, last reviewed 1 September 2026
    for rule in ("size: A4", "counter(page)", "counter(pages)", "break-inside: avoid", "Arial"):
        assert rule in html
    assert "govuk" not in html
    assert "Showing:" not in html


def test_the_leaflet_is_laid_out_on_a4_pages(cast):
    for n in range(30):
        make_agency(name=f"Agency {n:02d}", services="Support for families. " * 20)
    html = agency_leaflet_html(
        agencies_matching(on=datetime.date(2026, 11, 1)),
        partnerships=[cast.partnership],
        selection=[],
        printed_on=datetime.date(2026, 11, 1),
    )
    pages = HTML(string=html).render().pages
    assert len(pages) > 1
    assert all((page.width, page.height) == pytest.approx(A4) for page in pages)


def test_the_leaflet_reads_a_fixed_number_of_queries(client, cast, django_assert_max_num_queries):
    outcomes = list(Outcome.objects.all())
    for n in range(10):
        make_agency(name=f"Agency {n}").outcomes.add(*outcomes[: n % 5])
    client = signed_in(client)
    with django_assert_max_num_queries(7):
        response = client.get(URL)
    assert response.status_code == 200
