"""The casework admin: trigger points and services are kept there; children's records are not."""

import pytest
from django.contrib import admin
from django.urls import reverse

from knotwork.casework.models import AgencyService, Concern, Referral, ReferralEvent, TriggerRule
from knotwork.casework.tests.referral_helpers import make_service
from knotwork.core.testing import PASSWORD

pytestmark = pytest.mark.django_db


def test_trigger_points_and_services_are_registered():
    assert admin.site.is_registered(TriggerRule) and admin.site.is_registered(AgencyService)


def test_concerns_and_referrals_are_not_in_the_admin():
    for model in (Concern, Referral, ReferralEvent):
        assert not admin.site.is_registered(model)


def test_the_services_list_loads_for_a_superuser(client, cast):
    make_service(cast.camhs)
    client.login(username="admin", password=PASSWORD)
    response = client.get(reverse("admin:casework_agencyservice_changelist"))
    assert response.status_code == 200 and response.context["cl"].result_count == 1
