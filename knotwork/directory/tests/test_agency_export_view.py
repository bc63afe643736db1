import csv
import datetime
import io

import pytest
from django.urls import reverse

from knotwork.core.testing import PASSWORD, make_agency
from knotwork.directory.exports import CSV_HEADER
from knotwork.directory.models import Agency, Outcome

pytestmark = pytest.mark.django_db
URL = reverse("directory:agency-export")


def signed_in(client, username="officer"):
    client.login(username=username, password=PASSWORD)
    return client


def rows(response):
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


@pytest.fixture
def ews(cast):
    agency = make_agency(
        name="Education Welfare Service",
        agency_type=Agency.Type.EWS,
        services="Attendance casework and penalty notices.",
        how_to_refer="Email the duty officer.",
        contact_name="Dee Jones",
        phone="01632 960456",
        email="ews@example.org",
        website="https://ews.example.org",
        area="North Marsh",
        last_reviewed=datetime.date(2027, 6, 1),
    )
    agency.outcomes.add(*Outcome.objects.filter(code__in=["enjoy_and_achieve", "stay_safe"]))
    return agency


def test_signed_out_goes_to_sign_in(client, cast):
    response = client.get(URL)
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:sign-in"))


def test_post_is_405(client, cast):
    response = signed_in(client).post(URL)
    assert response.status_code == 405


def test_it_is_a_csv_file_to_download(client, cast, ews):
    response = signed_in(client).get(URL)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="agency-directory.csv"'
    assert response.content.startswith("\ufeff".encode())


def test_it_has_a_row_for_each_agency_with_every_field(client, cast, ews, time_machine):
    time_machine.move_to(datetime.datetime(2027, 10, 1, 12, 0))
    table = rows(signed_in(client).get(URL))
    assert table[0] == CSV_HEADER
    assert [row[0] for row in table[1:]] == [cast.camhs.name, ews.name]
    assert dict(zip(CSV_HEADER, table[2], strict=True)) == {
        "Name": "Education Welfare Service",
        "Type": "Education welfare service",
        "Services": "Attendance casework and penalty notices.",
        "How to refer": "Email the duty officer.",
        "Contact name": "Dee Jones",
        "Phone": "01632 960456",
        "Email": "ews@example.org",
        "Website": "https://ews.example.org",
        "Area": "North Marsh",
        "Outcomes": "Stay safe; Enjoy and achieve",
        "Last reviewed": "2027-06-01",
        "Review due": "No",
    }
    assert table[1][CSV_HEADER.index("Review due")] == "Yes"


def test_filters_and_search_narrow_the_export(client, cast, ews):
    client = signed_in(client)
    assert [r[0] for r in rows(client.get(URL, {"q": "penalty"}))[1:]] == [ews.name]
    assert [r[0] for r in rows(client.get(URL, {"agency_type": "camhs"}))[1:]] == [cast.camhs.name]
    assert [r[0] for r in rows(client.get(URL, {"outcome": "stay_safe"}))[1:]] == [ews.name]
    assert [r[0] for r in rows(client.get(URL, {"area": "North Marsh"}))[1:]] == [ews.name]
    assert rows(client.get(URL, {"q": "no such service"})) == [CSV_HEADER]


def test_the_export_is_every_match_not_one_page(client, cast, settings):
    settings.KNOTWORK_PAGE_SIZE = 5
    for n in range(7):
        make_agency(name=f"Agency {n}")
    assert len(rows(signed_in(client).get(URL))) == 1 + 8


def test_a_cell_a_spreadsheet_would_run_as_a_formula_is_made_text(client, cast):
    make_agency(name='=HYPERLINK("http://evil.example")', services="@SUM(A1)")
    table = rows(signed_in(client).get(URL))
    row = next(r for r in table if "HYPERLINK" in r[0])
    assert row[0] == '\'=HYPERLINK("http://evil.example")'
    assert row[CSV_HEADER.index("Services")] == "'@SUM(A1)"


def test_the_export_reads_a_fixed_number_of_queries(client, cast, django_assert_max_num_queries):
    outcomes = list(Outcome.objects.all())
    for n in range(10):
        make_agency(name=f"Agency {n}").outcomes.add(*outcomes[: n % 5])
    client = signed_in(client)
    with django_assert_max_num_queries(6):
        response = client.get(URL)
    assert len(rows(response)) == 12
