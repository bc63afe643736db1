"""The agency directory in a real browser."""

import pytest
from playwright.sync_api import expect

from knotwork.core.browser_testing import sign_in
from knotwork.core.testing import PASSWORD, build_cast

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def live_cast(transactional_db):  # type: ignore[no-untyped-def]
    return build_cast()


def test_the_agency_directory_fits_a_tablet(page, live_server, live_cast):
    page.set_viewport_size({"width": 768, "height": 1024})
    sign_in(page, live_server, "officer", PASSWORD)
    page.goto(f"{live_server.url}/directory/agencies/")
    expect(page.get_by_role("heading", name="Agency directory")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_filtering_the_directory_updates_the_list(page, live_server, live_cast):
    from knotwork.core.testing import make_agency

    make_agency(name="Education Welfare Service", agency_type="ews")
    sign_in(page, live_server, "officer", PASSWORD)
    page.goto(f"{live_server.url}/directory/agencies/")
    page.get_by_label("Type").select_option("ews")
    expect(page.get_by_role("link", name="Education Welfare Service")).to_be_visible()
    expect(
        page.get_by_role("link", name="Child and Adolescent Mental Health Service")
    ).to_have_count(0)
