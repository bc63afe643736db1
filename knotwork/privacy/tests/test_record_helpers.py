"""What other pages of a pupil's record ask of privacy: is a break-glass window open for
this user and pupil (for the banner), and is the user the pupil's data protection lead
(for a link to the view log and the export)."""

import datetime

import pytest
import time_machine

from knotwork.privacy.queries import leads_for_pupil, open_break_glass_on
from knotwork.privacy.tests.helpers import NOW, make_break_glass, make_elsewhere, make_lead, now  # noqa: F401

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("now")]

TODAY = NOW.date()


def test_the_open_use_is_found_for_that_user_and_pupil_only(cast):
    use = make_break_glass(cast.outsider, cast.pupil_a, cast.partnership, hours=2)
    assert open_break_glass_on(cast.outsider, cast.pupil_a) == use
    assert open_break_glass_on(cast.outsider, cast.linked_pupil) is None
    assert open_break_glass_on(cast.caseworker, cast.pupil_a) is None
    with time_machine.travel(NOW + datetime.timedelta(hours=2), tick=False):
        assert open_break_glass_on(cast.outsider, cast.pupil_a) is None


def test_the_lead_leads_for_the_partnerships_pupils_only(cast):
    lead = make_lead(cast.partnership)
    elsewhere = make_elsewhere()
    assert leads_for_pupil(lead, cast.pupil_a, TODAY)
    assert not leads_for_pupil(lead, elsewhere.pupil, TODAY)
    assert not leads_for_pupil(elsewhere.lead, cast.pupil_a, TODAY)
    assert not leads_for_pupil(cast.coordinator, cast.pupil_a, TODAY)
