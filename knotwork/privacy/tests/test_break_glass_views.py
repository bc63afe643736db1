"""The break-glass form and the record it opens, under its banner."""

import datetime
import re

import pytest
import time_machine
from django.urls import reverse

from knotwork.core.models import AuditEntry
from knotwork.core.testing import make_upn
from knotwork.privacy.models import BreakGlass
from knotwork.privacy.tests.helpers import (
    NOW,
    make_break_glass,
    make_elsewhere,
    now,  # noqa: F401
    signed_in,
)
from knotwork.privacy.views import NOT_FOUND

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("now")]

URL = reverse("privacy:break-glass")
REASON = "Disclosure this morning; need the parents' numbers."


def post(client, upn, reason=REASON, understood="on"):
    data = {"upn": upn, "reason": reason}
    if understood:
        data["understood"] = understood
    return client.post(URL, data)


def test_the_form_says_plainly_that_breaking_glass_is_logged_and_reported(client, cast):
    response = signed_in(client, "outsider").get(URL)
    assert response.status_code == 200
    text = response.content.decode()
    assert "logged and reported to the partnership&#x27;s data protection lead" in text
    assert "for 24 hours" in text


def test_breaking_glass_records_the_use_and_opens_the_record(client, cast):
    response = post(signed_in(client, "outsider"), cast.pupil_a.upn)
    use = BreakGlass.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("privacy:break-glass-record", args=[use.uuid])
    assert cast.pupil_a.upn not in response["Location"]
    assert (use.user, use.pupil, use.reason) == (cast.outsider, cast.pupil_a, REASON)
    assert AuditEntry.objects.filter(what="break glass opened", pupil=cast.pupil_a).count() == 1


def test_the_record_carries_the_banner_and_no_change_links(client, cast):
    use = make_break_glass(cast.outsider, cast.pupil_a, cast.partnership)
    response = signed_in(client, "outsider").get(
        reverse("privacy:break-glass-record", args=[use.uuid])
    )
    assert response.status_code == 200
    text = response.content.decode()
    assert 'id="break-glass-banner"' in text
    assert "You opened this record by breaking glass" in text
    assert "25 November 2026, 10:00" in text  # when the window ends
    assert "Amira Ahmed" in text
    assert reverse("pupils:edit-details", args=[cast.pupil_a.uuid]) not in text
    entry = AuditEntry.objects.get(what="profile, break glass")
    assert (entry.actor, entry.pupil, entry.action) == (cast.outsider, cast.pupil_a, "view")


def test_the_record_is_gone_when_the_window_ends(client, cast):
    use = make_break_glass(cast.outsider, cast.pupil_a, cast.partnership, hours=2)
    url = reverse("privacy:break-glass-record", args=[use.uuid])
    client = signed_in(client, "outsider")  # a session lasts 8 hours
    assert client.get(url).status_code == 200
    with time_machine.travel(NOW + datetime.timedelta(hours=2, seconds=1), tick=False):
        assert client.get(url).status_code == 404
        assert client.get(reverse("pupils:profile", args=[cast.pupil_a.uuid])).status_code == 404


def test_someone_elses_break_glass_is_404(client, cast):
    use = make_break_glass(cast.outsider, cast.pupil_a, cast.partnership)
    url = reverse("privacy:break-glass-record", args=[use.uuid])
    assert signed_in(client, "caseworker").get(url).status_code == 404


def _page(response, upn):
    """The page as a user reads it: without the typed UPN and the per-response CSRF mask."""
    text = response.content.decode().replace(upn, "UPN")
    return re.sub(r'(csrfmiddlewaretoken" value="|X-CSRFToken": ")[^"]+', "", text)


def test_an_unknown_upn_and_one_outside_the_partnership_read_the_same(client, cast):
    elsewhere = make_elsewhere()
    client = signed_in(client, "outsider")
    nobodys = make_upn(la="846")
    unknown = post(client, nobodys)
    outside = post(client, elsewhere.pupil.upn)
    assert NOT_FOUND.replace("'", "&#x27;") in outside.content.decode()
    assert "Cara" not in outside.content.decode()
    assert _page(unknown, nobodys) == _page(outside, elsewhere.pupil.upn)
    assert not BreakGlass.objects.exists()
    tries = AuditEntry.objects.filter(what="break glass", action="search", actor=cast.outsider)
    assert tries.count() == 2 and not tries.filter(pupil__isnull=False).exists()


def test_no_reason_and_no_confirmation_re_show_what_was_typed(client, cast):
    response = post(signed_in(client, "outsider"), cast.pupil_a.upn, reason="", understood="")
    assert response.status_code == 200
    text = response.content.decode()
    assert "Say why you need to open this record." in text
    assert "Confirm that you understand this is logged and reported." in text
    assert cast.pupil_a.upn in text
    assert not BreakGlass.objects.exists()


def test_an_invalid_upn_says_what_is_wrong(client, cast):
    response = post(signed_in(client, "outsider"), "A12")
    assert response.status_code == 200
    assert "A UPN has 13 characters" in response.content.decode()


def test_someone_who_sees_the_record_is_sent_to_it_and_nothing_is_logged(client, cast):
    response = post(signed_in(client, "officer"), cast.pupil_a.upn)
    assert response["Location"] == reverse("pupils:profile", args=[cast.pupil_a.uuid])
    assert not BreakGlass.objects.exists()


def test_a_board_member_gets_403(client, cast):
    client = signed_in(client, "board_member")
    assert client.get(URL).status_code == 403
    assert post(client, cast.pupil_a.upn).status_code == 403
    assert not BreakGlass.objects.exists()


def test_signed_out_goes_to_sign_in(client, cast):
    response = client.get(URL)
    assert response.status_code == 302 and "/account/sign-in/" in response["Location"]


def test_the_record_page_takes_only_get(client, cast):
    use = make_break_glass(cast.outsider, cast.pupil_a, cast.partnership)
    url = reverse("privacy:break-glass-record", args=[use.uuid])
    assert signed_in(client, "outsider").post(url).status_code == 405


def test_the_record_opened_by_breaking_glass_shows_every_section_under_one_banner(client, cast):
    use = make_break_glass(cast.outsider, cast.pupil_a, cast.partnership)
    response = signed_in(client, "outsider").get(
        reverse("privacy:break-glass-record", args=[use.uuid])
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert page.count('id="break-glass-banner"') == 1
    assert "Attendance this year" in page and "Behaviour this year" in page
    profile = client.get(reverse("pupils:profile", args=[cast.pupil_a.uuid])).content.decode()
    assert profile.count('id="break-glass-banner"') == 1  # the profile says so too
