import datetime

import pytest
from django.contrib import admin
from django.test import RequestFactory
from django.urls import reverse

from knotwork.core.audit import audit_record
from knotwork.core.models import AuditEntry
from knotwork.core.testing import PASSWORD
from knotwork.directory.models import Agency, Organisation, Outcome, Setting
from knotwork.pupils.models import Contact, Enrolment, Pupil
from knotwork.termdates.models import AcademicYear

pytestmark = pytest.mark.django_db

REGISTERED = [
    "accounts.User",
    "directory.LocalAuthority",
    "directory.Partnership",
    "directory.Setting",
    "directory.Agency",
    "directory.Outcome",
    "termdates.Calendar",
    "termdates.AcademicYear",
    "core.AuditEntry",
]


def signed_in(client, username="admin"):
    client.login(username=username, password=PASSWORD)
    return client


def admin_url(model, view, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


@pytest.fixture
def entry(cast):
    return audit_record(actor=cast.officer, action=AuditEntry.Action.VIEW, pupil=cast.pupil_a)


def test_the_models_people_keep_by_hand_are_registered():
    registered = {model._meta.label for model in admin.site._registry}
    assert set(REGISTERED) <= registered


def test_pupils_are_not_in_the_admin():
    for model in (Pupil, Contact, Enrolment):
        assert not admin.site.is_registered(model)


@pytest.mark.parametrize("label", REGISTERED)
def test_each_changelist_loads_for_a_superuser(client, cast, entry, label):
    model = next(m for m in admin.site._registry if m._meta.label == label)
    response = signed_in(client).get(admin_url(model, "changelist"))
    assert response.status_code == 200
    assert response.context["cl"].result_count >= 1


def test_change_pages_with_inlines_load(client, cast):
    client = signed_in(client)
    year = AcademicYear.objects.get()
    for url in (
        admin_url(type(cast.officer), "change", cast.officer.pk),
        admin_url(Setting, "change", cast.school_a.pk),
        admin_url(type(cast.partnership), "change", cast.partnership.pk),
        admin_url(AcademicYear, "change", year.pk),
        admin_url(type(year.calendar), "change", year.calendar.pk),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert response.context["inline_admin_formsets"], url


def test_a_signed_in_user_who_is_not_staff_is_kept_out(client, cast):
    response = signed_in(client, "coordinator").get(admin_url(Agency, "changelist"))
    assert response.status_code == 302
    assert "/admin/login/" in response.url


def test_the_audit_trail_cannot_be_added_changed_or_deleted(cast, entry):
    request = RequestFactory().get("/admin/")
    request.user = cast.admin
    audit_admin = admin.site._registry[AuditEntry]
    assert audit_admin.has_add_permission(request) is False
    assert audit_admin.has_change_permission(request, entry) is False
    assert audit_admin.has_delete_permission(request, entry) is False
    assert audit_admin.has_view_permission(request, entry) is True


def test_the_audit_admin_refuses_writes_over_http(client, cast, entry):
    client = signed_in(client)
    assert client.get(admin_url(AuditEntry, "add")).status_code == 403
    assert (
        client.post(admin_url(AuditEntry, "delete", entry.pk), {"post": "yes"}).status_code == 403
    )
    response = client.post(admin_url(AuditEntry, "change", entry.pk), {"what": "tampered"})
    assert response.status_code == 403
    entry.refresh_from_db()
    assert entry.what == ""
    assert AuditEntry.objects.filter(pk=entry.pk).exists()


def test_an_audit_row_reads_without_a_save_button_or_the_pupils_name(client, cast, entry):
    response = signed_in(client).get(admin_url(AuditEntry, "change", entry.pk))
    assert response.status_code == 200
    assert b'name="_save"' not in response.content
    assert b"Amira" not in response.content
    assert str(cast.pupil_a.pk).encode() in response.content


def test_the_audit_changelist_shows_its_columns_and_filters(client, cast, entry):
    response = signed_in(client).get(admin_url(AuditEntry, "changelist"), {"action": "view"})
    assert response.status_code == 200
    cl = response.context["cl"]
    assert list(cl.list_display) == [
        "at",
        "actor",
        "action",
        "object_type",
        "what",
        "ip_address",
    ]
    assert [f.title for f in cl.filter_specs] == ["action", "at"]
    assert list(cl.result_list) == [entry]
    other = signed_in(client).get(admin_url(AuditEntry, "changelist"), {"action": "delete"})
    assert list(other.context["cl"].result_list) == []


def test_an_agency_added_in_the_admin_is_an_agency_organisation(client, cast):
    response = signed_in(client).post(
        admin_url(Agency, "add"),
        {
            "name": "Education Welfare Service",
            "local_authority": cast.camhs.local_authority.pk,
            "agency_type": "ews",
            "services": "Attendance casework.",
            "how_to_refer": "Email the duty officer.",
            "area": "North Marsh",
            "last_reviewed": "2026-09-01",
            "outcomes": [Outcome.objects.get(code="enjoy_and_achieve").pk],
            "kept_by": cast.coordinator.pk,
        },
    )
    assert response.status_code == 302, response.context and response.context["errors"]
    agency = Agency.objects.get(name="Education Welfare Service")
    assert agency.kind == Organisation.Kind.AGENCY
    assert agency.last_reviewed == datetime.date(2026, 9, 1)
    assert [o.code for o in agency.outcomes.all()] == ["enjoy_and_achieve"]


def test_the_five_outcomes_cannot_be_added_or_deleted(client, cast):
    client = signed_in(client)
    outcome = Outcome.objects.get(code="stay_safe")
    assert client.get(admin_url(Outcome, "add")).status_code == 403
    assert client.post(admin_url(Outcome, "delete", outcome.pk), {"post": "yes"}).status_code == 403
    assert Outcome.objects.count() == 5
