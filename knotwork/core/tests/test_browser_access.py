"""Who may open a pupil's record, seen from a real browser on a live server."""

import re

import pytest
from playwright.sync_api import Page, expect

from knotwork.core.browser_testing import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("transactional_db")]


def profile_url(pupil) -> str:
    return f"/pupils/{pupil.uuid}/"


def assert_nothing_about(page: Page, pupil) -> None:
    html = page.content()
    for detail in (pupil.legal_forename, pupil.legal_surname, pupil.upn):
        assert detail not in html, detail


def test_a_signed_out_visitor_is_sent_to_sign_in_and_sees_no_pupil_data(page, live_server, cast):
    response = page.goto(profile_url(cast.pupil_a))
    assert response is not None and response.status == 200
    first = response.request.redirected_from
    assert first is not None and first.url == live_server.url + profile_url(cast.pupil_a)
    redirect = first.response()
    assert redirect is not None and redirect.status == 302
    expect(page).to_have_url(re.compile(r"/account/sign-in/\?next="))
    expect(page.get_by_role("heading", name="Sign in to knotwork")).to_be_visible()
    assert_nothing_about(page, cast.pupil_a)


def test_a_member_of_another_school_gets_page_not_found_and_finds_nothing(page, live_server, cast):
    sign_in(page, live_server, "outsider")
    response = page.goto(profile_url(cast.pupil_a))
    assert response is not None and response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("Page not found")
    assert_nothing_about(page, cast.pupil_a)

    page.goto("/pupils/")
    page.get_by_label("Name or UPN").fill(cast.pupil_a.legal_surname)
    page.get_by_role("button", name="Search").click()
    expect(page.locator("#results-count")).to_have_text(re.compile("^No pupils you can see match"))
    assert_nothing_about(page, cast.pupil_a)

    # Their own school's pupil is found the same way.
    page.get_by_label("Name or UPN").fill(cast.pupil_b.legal_surname)
    page.get_by_role("button", name="Search").click()
    expect(page.locator("#results-count")).to_have_text("1 pupil found")
    expect(page.locator("#results").get_by_role("link", name="Brown, Bea")).to_be_visible()


def test_a_read_only_head_of_year_sees_the_record_but_cannot_change_it(page, live_server, cast):
    sign_in(page, live_server, "head_of_year")
    response = page.goto(profile_url(cast.pupil_a))
    assert response is not None and response.status == 200
    expect(page.get_by_role("heading", level=1)).to_have_text("Amira Ahmed")
    expect(page.get_by_role("link", name=re.compile("^Change"))).to_have_count(0)

    response = page.goto(profile_url(cast.pupil_a) + "details/")
    assert response is not None and response.status == 403
    expect(page.get_by_role("heading", level=1)).to_have_text("You cannot do that")
    expect(page.get_by_role("button", name="Save")).to_have_count(0)


def test_an_officer_who_edits_follows_the_change_link_to_the_form(page, live_server, cast):
    sign_in(page, live_server, "officer")
    page.goto(profile_url(cast.pupil_a))
    page.get_by_role("link", name="Change details").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Change details")
    expect(page).to_have_url(live_server.url + profile_url(cast.pupil_a) + "details/")
    expect(page.get_by_role("button", name="Save")).to_be_visible()
