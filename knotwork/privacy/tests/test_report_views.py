"""The data protection lead's report of break-glass uses, and marking one reviewed."""

import datetime

import pytest
from django.urls import reverse

from knotwork.core.models import AuditEntry
from knotwork.privacy.tests.helpers import (
    NOW,
    make_break_glass,
    make_elsewhere,
    make_lead,
    now,  # noqa: F401
    signed_in,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("now")]

REPORT = reverse("privacy:report")


def review_url(use):
    return reverse("privacy:review", args=[use.uuid])


@pytest.fixture
def lead(cast):
    return make_lead(cast.partnership)


@pytest.fixture
def uses(cast, lead):
    """Three uses: an old one reviewed, an older one not, and one open now."""
    day = datetime.timedelta(days=1)
    reviewed = make_break_glass(
        cast.outsider, cast.pupil_a, cast.partnership, opened_at=NOW - 3 * day, reason="Reviewed"
    )
    reviewed.reviewed_at, reviewed.reviewed_by, reviewed.review_note = NOW - day, lead, "Fine"
    reviewed.save()
    older = make_break_glass(
        cast.caseworker, cast.pupil_a, cast.partnership, opened_at=NOW - 5 * day, reason="Older"
    )
    current = make_break_glass(
        cast.outsider,
        cast.linked_pupil,
        cast.partnership,
        opened_at=NOW - datetime.timedelta(hours=2),
        reason="Current",
    )
    return reviewed, older, current


def test_the_report_lists_uses_unreviewed_first(client, uses):
    response = signed_in(client, "dpo").get(REPORT)
    assert response.status_code == 200
    reviewed, older, current = uses
    assert list(response.context["page"]) == [current, older, reviewed]
    text = response.content.decode()
    assert text.index("Current") < text.index("Older") < text.index("Reviewed")
    assert "2 to review" in text
    assert "Ashdown Academy" not in text.split("Current")[0].split("<tbody")[0]
    assert "Beacon High School" in text  # where the outsider works
    assert "Open" in text and "Ended" in text


def test_reading_the_report_is_on_each_pupils_trail(client, cast, uses):
    signed_in(client, "dpo").get(REPORT)
    rows = AuditEntry.objects.filter(what="break glass report")
    assert sorted(r.object_id for r in rows) == sorted(str(u.uuid) for u in uses)
    assert {r.pupil for r in rows} == {cast.pupil_a, cast.linked_pupil}


def test_someone_who_is_not_a_lead_gets_403(client, cast, uses):
    for username in ("coordinator", "officer", "admin"):
        assert signed_in(client, username).get(REPORT).status_code == 403


def test_a_lead_whose_designation_ended_gets_403(client, cast, lead, uses):
    lead.data_protection_leads.update(ends_on=datetime.date(2026, 11, 23))
    assert signed_in(client, "dpo").get(REPORT).status_code == 403


def test_the_lead_of_another_partnership_sees_nothing(client, cast, uses):
    make_elsewhere()
    client = signed_in(client, "westfen_dpo")
    response = client.get(REPORT)
    assert list(response.context["page"]) == []
    assert "Current" not in response.content.decode()
    for use in uses:
        assert client.get(review_url(use)).status_code == 404
        assert client.post(review_url(use), {"note": "Fine"}).status_code == 404


def test_the_review_page_shows_the_use_and_audits_the_reading(client, cast, uses):
    _, older, _ = uses
    response = signed_in(client, "dpo").get(review_url(older))
    assert response.status_code == 200
    text = response.content.decode()
    assert "Older" in text and "Amira Ahmed" in text and "Cass" in text
    entry = AuditEntry.objects.get(what="break glass use")
    assert (entry.pupil, entry.object_id) == (cast.pupil_a, str(older.uuid))


def test_marking_reviewed_saves_the_note(client, lead, uses):
    _, older, _ = uses
    response = signed_in(client, "dpo").post(review_url(older), {"note": "Justified; DSL told."})
    assert response.status_code == 302 and response["Location"] == REPORT
    older.refresh_from_db()
    assert (older.reviewed_by, older.reviewed_at, older.review_note) == (
        lead,
        NOW,
        "Justified; DSL told.",
    )
    assert AuditEntry.objects.filter(
        what="break glass reviewed", object_id=str(older.uuid)
    ).exists()


def test_no_note_re_shows_the_form_and_saves_nothing(client, uses):
    _, older, _ = uses
    response = signed_in(client, "dpo").post(review_url(older), {"note": ""})
    assert response.status_code == 200
    assert "Say what you found." in response.content.decode()
    older.refresh_from_db()
    assert older.reviewed_at is None


def test_a_reviewed_use_cannot_be_reviewed_again(client, uses):
    reviewed, _, _ = uses
    response = signed_in(client, "dpo").post(review_url(reviewed), {"note": "Again"})
    assert "already been reviewed" in response.content.decode()
    reviewed.refresh_from_db()
    assert reviewed.review_note == "Fine"


def test_signed_out_goes_to_sign_in(client, uses):
    response = client.get(REPORT)
    assert response.status_code == 302 and "/account/sign-in/" in response["Location"]
