import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from knotwork.core.testing import PASSWORD, make_agency
from knotwork.directory.models import Agency, Outcome

pytestmark = pytest.mark.django_db
URL = reverse("directory:agency-list")


def signed_in(client, username="officer"):
    client.login(username=username, password=PASSWORD)
    return client


def names(response):
    return [agency.name for agency in response.context["page"]]


@pytest.fixture
def ews(cast):
    agency = make_agency(
        name="Education Welfare Service",
        agency_type=Agency.Type.EWS,
        services="Attendance casework, penalty notices and school attendance meetings.",
        area="North Marsh",
        last_reviewed=datetime.date(2027, 6, 1),
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


def test_it_lists_every_agency_with_its_count(client, cast, ews):
    response = signed_in(client).get(URL)
    assert response.status_code == 200
    assert names(response) == ["Child and Adolescent Mental Health Service", ews.name]
    assert b"2 agencies" in response.content
    assert reverse("directory:agency-detail", args=[ews.uuid]).encode() in response.content
    assert b"Enjoy and achieve" in response.content


def test_any_signed_in_user_may_read_it(client, cast):
    for username in ("outsider", "caseworker", "board_member", "admin"):
        response = signed_in(client, username).get(URL)
        assert response.status_code == 200
        assert names(response) == ["Child and Adolescent Mental Health Service"]


def test_search_matches_services_whatever_the_case(client, cast, ews):
    response = signed_in(client).get(URL, {"q": "ATTENDANCE"})
    assert names(response) == [ews.name]
    assert b"1 agency" in response.content


def test_search_matches_name_and_area(client, cast, ews):
    client = signed_in(client)
    assert names(client.get(URL, {"q": "mental health"})) == [cast.camhs.name]
    assert names(client.get(URL, {"q": "north marsh"})) == [ews.name]


def test_search_with_no_match_says_so(client, cast, ews):
    response = signed_in(client).get(URL, {"q": "housing"})
    assert names(response) == []
    assert b"No agencies match" in response.content
    assert b"Download CSV" not in response.content


def test_type_filter_narrows_the_list(client, cast, ews):
    response = signed_in(client).get(URL, {"agency_type": "camhs"})
    assert names(response) == [cast.camhs.name]


def test_outcome_filter_narrows_the_list(client, cast, ews):
    response = signed_in(client).get(URL, {"outcome": "enjoy_and_achieve"})
    assert names(response) == [ews.name]


def test_area_filter_narrows_the_list_and_offers_each_area(client, cast, ews):
    response = signed_in(client).get(URL, {"area": "Whole county"})
    assert names(response) == [cast.camhs.name]
    assert response.context["form"].fields["area"].choices == [
        ("", "Any area"),
        ("North Marsh", "North Marsh"),
        ("Whole county", "Whole county"),
    ]


def test_filters_combine(client, cast, ews):
    response = signed_in(client).get(URL, {"q": "service", "agency_type": "ews"})
    assert names(response) == [ews.name]


def test_an_unknown_filter_value_is_shown_as_an_error_and_ignored(client, cast, ews):
    response = signed_in(client).get(URL, {"agency_type": "astrology", "q": "attendance"})
    assert response.status_code == 200
    assert b"There is a problem" in response.content
    assert names(response) == [ews.name]


def test_entries_not_reviewed_for_over_a_year_are_flagged(client, cast, ews, time_machine):
    time_machine.move_to(datetime.datetime(2027, 9, 2, 12, 0))
    response = signed_in(client).get(URL)
    due = {agency.name: agency.review_due for agency in response.context["page"]}
    assert due == {cast.camhs.name: True, ews.name: False}
    assert response.content.count(b"Review due") == 1


def test_an_entry_reviewed_exactly_a_year_ago_is_not_yet_due(client, cast, time_machine):
    time_machine.move_to(datetime.datetime(2027, 9, 1, 12, 0))
    response = signed_in(client).get(URL)
    assert b"Review due" not in response.content


def test_download_links_carry_the_filters_but_not_the_page(client, cast, ews):
    response = signed_in(client).get(URL, {"agency_type": "ews", "page": "1"})
    content = response.content.decode()
    assert f'href="{reverse("directory:agency-leaflet")}?agency_type=ews"' in content
    assert f'href="{reverse("directory:agency-export")}?agency_type=ews"' in content


def test_htmx_gets_only_the_results(client, cast, ews):
    response = signed_in(client).get(URL, {"q": "attendance"}, headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert response.templates[0].name == "directory/agency_results.html"
    assert b"<html" not in response.content
    assert b"<form" not in response.content
    assert b"Education Welfare Service" in response.content
    assert b"Child and Adolescent" not in response.content
    assert "HX-Request" in response["Vary"]


def test_htmx_restoring_history_gets_the_whole_page(client, cast):
    response = signed_in(client).get(
        URL, headers={"HX-Request": "true", "HX-History-Restore-Request": "true"}
    )
    assert b"<html" in response.content
    assert b'id="agency-results" aria-live="polite"' in response.content


def test_the_page_works_without_javascript(client, cast):
    response = signed_in(client).get(URL)
    content = response.content.decode()
    assert f'<form method="get" action="{URL}"' in content
    assert '<button type="submit"' in content
    for field in ("q", "agency_type", "outcome", "area"):
        assert f'<label class="govuk-label" for="id_{field}">' in content


def test_it_paginates(client, cast, settings):
    settings.KNOTWORK_PAGE_SIZE = 5
    for n in range(6):
        make_agency(name=f"Youth Project {n}", agency_type=Agency.Type.YOUTH_SERVICE)
    client = signed_in(client)
    first = client.get(URL, {"agency_type": "youth_service"})
    assert len(names(first)) == 5
    assert b"6 agencies" in first.content
    assert b'href="?agency_type=youth_service&amp;page=2"' in first.content
    second = client.get(URL, {"agency_type": "youth_service", "page": 2})
    assert names(second) == ["Youth Project 5"]


def test_more_agencies_do_not_mean_more_queries(client, cast, django_assert_max_num_queries):
    client = signed_in(client)
    outcomes = list(Outcome.objects.all())
    with CaptureQueriesContext(connection) as few:
        client.get(URL)
    for n in range(20):
        make_agency(name=f"Agency {n}", area=f"Area {n}").outcomes.add(*outcomes[: n % 5])
    with django_assert_max_num_queries(8):  # with the header's count of unread notices
        response = client.get(URL)
    assert len(names(response)) == 21
    with CaptureQueriesContext(connection) as many:
        client.get(URL)
    assert len(many) == len(few)
