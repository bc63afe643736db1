"""The administrator names data protection leads; break-glass uses are not in the admin."""

import pytest
from django.contrib import admin
from django.urls import reverse

from knotwork.core.testing import PASSWORD, make_user
from knotwork.privacy.models import BreakGlass, DataProtectionLead

pytestmark = pytest.mark.django_db


def test_leads_are_in_the_admin_and_break_glass_is_not():
    assert admin.site.is_registered(DataProtectionLead)
    assert not admin.site.is_registered(BreakGlass)


def test_the_admin_names_a_lead(client, cast):
    user = make_user("dana")
    client.login(username="admin", password=PASSWORD)
    response = client.post(
        reverse("admin:privacy_dataprotectionlead_add"),
        {"partnership": cast.partnership.pk, "user": user.pk, "starts_on": "2026-09-01"},
    )
    assert response.status_code == 302
    lead = DataProtectionLead.objects.get()
    assert (lead.user, lead.partnership, lead.ends_on) == (user, cast.partnership, None)


def test_an_end_before_the_start_is_refused(client, cast):
    user = make_user("dana")
    client.login(username="admin", password=PASSWORD)
    response = client.post(
        reverse("admin:privacy_dataprotectionlead_add"),
        {
            "partnership": cast.partnership.pk,
            "user": user.pk,
            "starts_on": "2026-09-01",
            "ends_on": "2026-08-01",
        },
    )
    assert response.status_code == 200
    assert not DataProtectionLead.objects.exists()
