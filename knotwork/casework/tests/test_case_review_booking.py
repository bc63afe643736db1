"""Booking a case's next review: the day and place saved and shown, the team told, the
booking cleared by the review that is then held; refused for the past and for those who
may not work on the case."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from knotwork.casework.case_models import CaseMember
from knotwork.casework.case_services import case_member_add, review_book, review_record
from knotwork.casework.tests.case_fixtures import open_case, signed_in, today  # noqa: F401
from knotwork.core.models import AuditEntry
from knotwork.notices.models import Notice

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("today")]
DEC_8 = datetime.date(2026, 12, 8)


@pytest.fixture
def case(cast):
    made = open_case(cast)
    case_member_add(
        actor=cast.officer,
        case=made,
        user=cast.head_of_year,
        role="Head of year",
        starts_on=datetime.date(2026, 10, 5),
    )
    made.refresh_from_db()
    return made


def test_a_booking_is_saved_audited_and_told_to_the_team(cast, case):
    booked = review_book(
        actor=cast.officer, case=case, version=case.version, next_review_on=DEC_8, where=" Room 4 "
    )
    assert (booked.next_review_on, booked.next_review_at) == (DEC_8, "Room 4")
    assert AuditEntry.objects.filter(what="review booked", pupil=case.pupil).count() == 1
    told = Notice.objects.filter(kind=Notice.Kind.REVIEW_BOOKED)
    assert cast.head_of_year in {n.recipient for n in told}
    assert cast.officer not in {n.recipient for n in told}  # never the one who booked it


def test_a_review_held_on_or_after_the_booked_day_clears_it(cast, case):
    review_book(actor=cast.officer, case=case, version=case.version, next_review_on=DEC_8)
    case.refresh_from_db()
    review_record(
        actor=cast.officer,
        case=case,
        held_on=datetime.date(2026, 11, 24),
        child_view="Fine",
        scale_now=5,
        scale_goal=8,
    )
    case.refresh_from_db()
    assert case.next_review_on == DEC_8  # an earlier meeting leaves the booking
    case.next_review_on = datetime.date(2026, 11, 23)
    case.save()
    review_record(
        actor=cast.officer,
        case=case,
        held_on=datetime.date(2026, 11, 24),
        child_view="Better",
        scale_now=6,
        scale_goal=8,
    )
    case.refresh_from_db()
    assert (case.next_review_on, case.next_review_at) == (None, "")


def test_a_day_in_the_past_and_a_stale_version_are_refused(cast, case):
    with pytest.raises(ValidationError) as past:
        review_book(
            actor=cast.officer,
            case=case,
            version=case.version,
            next_review_on=datetime.date(2026, 11, 23),
        )
    assert "next_review_on" in past.value.message_dict
    with pytest.raises(ValidationError, match="Someone else changed this case"):
        review_book(actor=cast.officer, case=case, version=case.version - 1, next_review_on=DEC_8)


def test_someone_off_the_team_may_not_book(cast, case):
    with pytest.raises(PermissionDenied):
        review_book(actor=cast.outsider, case=case, version=case.version, next_review_on=DEC_8)


def test_the_page_books_and_the_case_page_shows_it(client, cast, case):
    url = reverse("casework:review-book", args=[case.uuid])
    assert signed_in(client).get(url).status_code == 200
    response = client.post(
        url, {"next_review_on": "2026-12-08", "where": "Library", "version": case.version}
    )
    assert response["Location"] == reverse("casework:case", args=[case.uuid])
    page = client.get(response["Location"]).content.decode()
    assert "Tuesday 8 December 2026, Library" in page


def test_the_page_reshows_what_was_typed_when_the_day_has_passed(client, cast, case):
    url = reverse("casework:review-book", args=[case.uuid])
    response = signed_in(client).post(
        url, {"next_review_on": "2026-11-02", "where": "Library", "version": case.version}
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Book the review for today or a later day." in page
    assert 'value="Library"' in page
    case.refresh_from_db()
    assert case.next_review_on is None


def test_those_who_may_not_see_the_case_get_404(client, cast, case):
    url = reverse("casework:review-book", args=[case.uuid])
    assert signed_in(client, "outsider").get(url).status_code == 404
    assert CaseMember.objects.filter(case=case).exists()
