"""One exclusion's page and the forms on it: notices, the sixth-day provision, the
board, the review, off roll and cancellation."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from knotwork.behaviour.models import Exclusion
from knotwork.behaviour.testing import make_exclusion
from knotwork.core.models import AuditEntry
from knotwork.core.testing import PASSWORD
from knotwork.pupils.models import Enrolment

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(datetime.datetime(2026, 11, 24, 10, 0), tick=False):
        yield


@pytest.fixture
def suspension(cast):
    """Six days from Monday 16 November: the sixth day is Monday 23."""
    return make_exclusion(
        pupil=cast.pupil_a, recorded_by=cast.officer, start_date=D(2026, 11, 16), sessions=14
    )


def signed_in(client, username="officer"):
    client.login(username=username, password=PASSWORD)
    return client


def url(x, action=None):
    if action is None:
        return reverse("behaviour:exclusion", args=[x.uuid])
    return reverse(f"behaviour:exclusion-{action}", args=[x.uuid])


# What each form posts, valid for the suspension above.
VALID = {
    "notice": {"who": "la", "on": "2026-11-16", "how": ""},
    "provision": {"by": "school", "where": "Ashdown learning centre", "starts_on": "2026-11-23"},
    "board": {"met_on": "2026-11-24", "outcome": "upheld", "decision_sent_on": ""},
    "cancel": {"cancelled_on": "2026-11-24"},
}
ACTIONS = ["notice", "provision", "board", "review", "off-roll", "cancel"]


def test_the_page_shows_the_exclusion_its_clocks_and_forms_and_is_audited(client, cast, suspension):
    response = signed_in(client).get(url(suspension))
    assert response.status_code == 200
    assert response.context["actions"] == {"notice", "provision", "board", "cancel"}
    content = response.content.decode()
    assert "Education from the sixth day" in content and "Record the education" in content
    assert 'value="2026-11-23"' in content  # provision from the sixth day, filled in
    entry = AuditEntry.objects.get(action="view", pupil=cast.pupil_a)
    assert (entry.what, entry.object_id) == ("exclusion", str(suspension.uuid))


def test_a_read_only_user_sees_it_without_forms_and_may_not_post(client, cast, suspension):
    client = signed_in(client, "head_of_year")
    response = client.get(url(suspension))
    assert response.status_code == 200 and b"Record the education" not in response.content
    for action in ACTIONS:
        data = VALID.get(action, {})
        assert client.post(url(suspension, action), {**data, "version": 1}).status_code == 403
    suspension.refresh_from_db()
    assert suspension.version == 1


def test_an_outsider_gets_404(client, cast, suspension):
    client = signed_in(client, "outsider")
    assert client.get(url(suspension)).status_code == 404
    for action in ACTIONS:
        data = VALID.get(action, {})
        assert client.post(url(suspension, action), {**data, "version": 1}).status_code == 404
    suspension.refresh_from_db()
    assert suspension.version == 1


def test_signed_out_goes_to_sign_in(client, suspension):
    for target in [url(suspension)] + [url(suspension, a) for a in ACTIONS]:
        response = client.post(target) if target != url(suspension) else client.get(target)
        assert response.status_code == 302
        assert response.url.startswith(reverse("accounts:sign-in"))


def test_the_forms_answer_only_post(client, suspension):
    client = signed_in(client)
    for action in ACTIONS:
        assert client.get(url(suspension, action)).status_code == 405
    assert client.post(url(suspension)).status_code == 405


def test_arranging_provision_meets_the_sixth_day_clock(client, cast, suspension):
    response = signed_in(client).post(
        url(suspension, "provision"), {**VALID["provision"], "version": 1}
    )
    assert response.status_code == 302
    assert response.url == reverse("behaviour:pupil-exclusions", args=[cast.pupil_a.uuid])
    suspension.refresh_from_db()
    assert (suspension.provision_by, suspension.provision_from, suspension.version) == (
        "school",
        D(2026, 11, 23),
        2,
    )
    assert AuditEntry.objects.get(action="update").what == "exclusion provision"
    page = client.get(response.url).context["page"]
    day_six = next(c for c in page.rows[0].clocks if c.kind == "day_six")
    assert day_six.status == "met"


def test_recording_who_was_told(client, cast, suspension):
    client = signed_in(client)
    response = client.post(
        url(suspension, "notice"),
        {"who": "parents", "on": "2026-11-16", "how": "email", "version": 1},
    )
    assert response.status_code == 302
    suspension.refresh_from_db()
    assert (suspension.parents_told_on, suspension.parents_told_how) == (D(2026, 11, 16), "email")
    assert AuditEntry.objects.get(action="update").what == "exclusion notice parents"


def test_recording_the_boards_decision(client, cast, suspension):
    response = signed_in(client).post(url(suspension, "board"), {**VALID["board"], "version": 1})
    assert response.status_code == 302
    suspension.refresh_from_db()
    assert (suspension.board_met_on, suspension.board_outcome) == (D(2026, 11, 24), "upheld")


def test_cancelling(client, cast, suspension):
    response = signed_in(client).post(url(suspension, "cancel"), {**VALID["cancel"], "version": 1})
    assert response.status_code == 302
    suspension.refresh_from_db()
    assert suspension.cancelled_on == D(2026, 11, 24)
    assert AuditEntry.objects.get(action="update").what == "exclusion cancelled"


def test_invalid_input_is_shown_with_what_was_typed_and_nothing_saved(client, cast, suspension):
    data = {
        "by": "school",
        "where": "Ashdown learning centre",
        "starts_on": "2026-11-13",
        "version": 1,
    }
    response = signed_in(client).post(url(suspension, "provision"), data)
    assert response.status_code == 200
    form = response.context["provision_form"]
    assert form.errors["starts_on"] == ["The education cannot start before the exclusion does."]
    content = response.content.decode()
    assert "There is a problem" in content and 'value="Ashdown learning centre"' in content
    suspension.refresh_from_db()
    assert (suspension.provision_from, suspension.version) == (None, 1)
    assert not AuditEntry.objects.filter(action="update").exists()


def test_a_form_the_browser_cannot_parse_is_shown_again(client, suspension):
    response = signed_in(client).post(
        url(suspension, "notice"), {"who": "la", "on": "not a date", "version": 1}
    )
    assert response.status_code == 200 and response.context["notice_form"].errors["on"]
    suspension.refresh_from_db()
    assert suspension.la_told_on is None


def test_a_stale_form_is_shown_with_the_exclusion_as_it_is_now(client, cast, suspension):
    Exclusion.objects.filter(pk=suspension.pk).update(version=3, la_told_on=D(2026, 11, 17))
    response = signed_in(client).post(
        url(suspension, "notice"), {"who": "governors", "on": "2026-11-17", "version": 1}
    )
    assert response.status_code == 200
    assert "Someone else changed this exclusion" in response.content.decode()
    assert response.context["notice_form"].data["version"] == "3"
    suspension.refresh_from_db()
    assert suspension.governors_told_on is None


@pytest.fixture
def upheld(cast):
    """Permanently excluded from Monday 2 November; upheld on the 16th, sent on the 17th:
    the parents' window runs to Tuesday 8 December."""
    return make_exclusion(
        pupil=cast.pupil_a,
        recorded_by=cast.officer,
        kind="permanent",
        start_date=D(2026, 11, 2),
        sessions=None,
        board_met_on=D(2026, 11, 16),
        board_outcome="upheld",
        board_decision_sent_on=D(2026, 11, 17),
    )


def test_a_permanent_exclusion_upheld_offers_the_review_and_off_roll(client, upheld):
    response = signed_in(client).get(url(upheld))
    assert response.context["actions"] == {"notice", "provision", "board", "review", "off_roll"}
    window = next(c for c in response.context["row"].clocks if c.kind == "review_window")
    assert window.due == D(2026, 12, 8)


def test_off_roll_while_the_window_is_open_is_refused_on_the_page(client, cast, upheld):
    response = signed_in(client).post(
        url(upheld, "off-roll"), {"parents_declined_on": "", "version": 1}
    )
    assert response.status_code == 200
    assert "until Tuesday 8 December 2026" in response.content.decode()
    assert Enrolment.objects.get(pupil=cast.pupil_a).end_date is None


def test_off_roll_when_the_parents_will_not_apply_goes_on_to_the_compliance_page(
    client, cast, upheld
):
    data = {"parents_declined_on": "2026-11-20", "version": 1}
    response = signed_in(client).post(url(upheld, "off-roll"), data)
    assert response.status_code == 302 and response.url == reverse("behaviour:compliance")
    assert Enrolment.objects.get(pupil=cast.pupil_a).end_date == D(2026, 11, 20)
    assert AuditEntry.objects.filter(action="update", what="end_date", pupil=cast.pupil_a).exists()


def test_recording_a_review_that_upholds_ends_the_enrolment(client, cast, upheld):
    data = {
        "applied_on": "2026-11-19",
        "outcome": "upheld",
        "decided_on": "2026-11-23",
        "version": 1,
    }
    response = signed_in(client).post(url(upheld, "review"), data)
    assert response.status_code == 302
    upheld.refresh_from_db()
    assert (upheld.review_outcome, upheld.review_decided_on) == ("upheld", D(2026, 11, 23))
    assert Enrolment.objects.get(pupil=cast.pupil_a).end_date == D(2026, 11, 23)
