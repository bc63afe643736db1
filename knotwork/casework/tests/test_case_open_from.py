"""Opening a case from a concern or a referral: the case points at them, the concern is
marked as turned into a case, and addresses naming another pupil's records are ignored."""

import pytest
from django.urls import reverse

from knotwork.casework.case_models import Case
from knotwork.casework.models import Concern
from knotwork.casework.tests.case_fixtures import open_case, signed_in, today  # noqa: F401
from knotwork.casework.tests.concern_helpers import make_concern
from knotwork.casework.tests.referral_helpers import make_service, send
from knotwork.core.models import AuditEntry

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("today")]

FORM = {
    "setting": None,
    "opened_on": "2026-11-24",
    "common_approach": "Calm start",
    "measure_weeks": "10",
}


def _post(client, cast, query: str):
    url = reverse("casework:case-open", args=[cast.pupil_a.uuid]) + query
    return signed_in(client).post(url, {**FORM, "setting": cast.school_a.pk, "lead": ""})


def test_a_case_opened_from_a_concern_marks_the_concern(cast):
    concern = make_concern(cast.linked_pupil, cast.school_a)
    case = open_case(cast, concern=concern)
    concern.refresh_from_db()
    assert (concern.status, concern.acted_by) == (Concern.Status.CASE_OPENED, cast.officer)
    assert case.concern == concern
    assert AuditEntry.objects.filter(what="concern became a case", pupil=cast.linked_pupil)


def test_a_concern_already_referred_keeps_its_status_when_a_case_follows(cast):
    concern = make_concern(cast.linked_pupil, cast.school_a, status=Concern.Status.REFERRED)
    case = open_case(cast, concern=concern)
    concern.refresh_from_db()
    assert concern.status == Concern.Status.REFERRED
    assert case.concern == concern


def test_the_open_page_names_the_concern_and_saves_the_link(client, cast):
    concern = make_concern(cast.pupil_a, cast.school_a)
    url = reverse("casework:case-open", args=[cast.pupil_a.uuid]) + f"?concern={concern.uuid}"
    page = signed_in(client).get(url).content.decode()
    assert "From the concern flagged 23 November 2026" in page
    response = _post(client, cast, f"?concern={concern.uuid}")
    assert response.status_code == 302
    assert Case.objects.get().concern == concern
    concern.refresh_from_db()
    assert concern.status == Concern.Status.CASE_OPENED


def test_the_open_page_names_the_referral(client, cast):
    referral = send(cast, make_service(cast.camhs, name="Getting help"))
    url = reverse("casework:case-open", args=[cast.pupil_a.uuid]) + f"?referral={referral.uuid}"
    page = signed_in(client).get(url).content.decode()
    assert f"From the referral to {cast.camhs.name}: Getting help sent 24 November 2026" in page
    _post(client, cast, f"?referral={referral.uuid}")
    assert Case.objects.get().referral == referral


@pytest.mark.parametrize("query", ["?concern={other}", "?concern=not-a-uuid", "?referral={other}"])
def test_another_pupils_records_in_the_address_are_ignored(client, cast, query):
    other = make_concern(cast.linked_pupil, cast.school_a)
    response = _post(client, cast, query.format(other=other.uuid))
    assert response.status_code == 302
    case = Case.objects.get()
    assert (case.concern, case.referral) == (None, None)
    other.refresh_from_db()
    assert other.status == Concern.Status.OPEN
