"""The demo's privacy records: a named data protection lead and one past break-glass use."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from knotwork.accounts.models import User
from knotwork.core.models import AuditEntry
from knotwork.directory.demo import PARTNERSHIP_NAME, PASSWORD, demo_build
from knotwork.privacy.demo import LEAD_USERNAME, privacy_demo
from knotwork.privacy.models import BreakGlass, DataProtectionLead
from knotwork.pupils.access import visible_among

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 11, 24)


@pytest.fixture
def demo():
    with time_machine.travel(datetime.datetime(2026, 11, 24, 10, 30), tick=False):
        summary = demo_build(pupils=120, seed=1, today=TODAY)
        yield summary.privacy


def test_the_partnership_has_a_data_protection_lead(demo):
    lead = User.objects.get(username=LEAD_USERNAME)
    designation = DataProtectionLead.objects.get(user=lead)
    assert designation.partnership.name == PARTNERSHIP_NAME
    assert designation.is_current(TODAY)
    assert lead.check_password(PASSWORD)
    assert [m.job_title for m in lead.memberships.all()] == ["Data protection officer"]
    assert demo.lead == LEAD_USERNAME and demo.break_glass_uses == 1


def test_one_past_use_waits_for_review_and_is_on_the_pupils_trail(demo):
    use = BreakGlass.objects.select_related("user").get()
    assert use.user.username == "camhs"
    assert use.ends_at < datetime.datetime(2026, 11, 24, tzinfo=datetime.UTC)
    assert use.reviewed_at is None
    assert not visible_among(use.user, [use.pupil_id], TODAY)  # the window has ended
    trail = AuditEntry.objects.filter(pupil=use.pupil, object_id=str(use.uuid))
    assert sorted(trail.values_list("what", flat=True)) == [
        "break glass opened",
        "profile, break glass",
    ]
    assert {e.at.date() for e in trail} == {use.opened_at.date()}


def test_the_lead_sees_the_use_on_the_report(client, demo):
    with time_machine.travel(datetime.datetime(2026, 11, 24, 10, 30), tick=False):
        client.login(username=LEAD_USERNAME, password=PASSWORD)
        response = client.get(reverse("privacy:report"))
    assert response.status_code == 200
    assert "1 to review" in response.content.decode()


def test_the_demo_user_list_names_the_lead_and_the_demo_makes_them_no_second_time(demo):
    assert User.objects.filter(username=LEAD_USERNAME).count() == 1
    assert DataProtectionLead.objects.count() == 1


def test_with_no_such_user_the_lead_is_made_with_a_place_in_the_la_service():
    with time_machine.travel(datetime.datetime(2026, 11, 24, 10, 30), tick=False):
        demo_build(pupils=30, seed=2, today=TODAY, casework=False)
        User.objects.filter(username=LEAD_USERNAME).delete()
        made = privacy_demo(today=TODAY)
    lead = DataProtectionLead.objects.get().user
    assert (lead.username, made.lead) == (LEAD_USERNAME, LEAD_USERNAME)
    assert lead.check_password(PASSWORD)
    assert [m.job_title for m in lead.memberships.all()] == ["Data protection officer"]
