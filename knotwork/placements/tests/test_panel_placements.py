"""Placements behind the panel's decisions: an agreed fair access item or AP referral
offers "Record the placement", and the placement recorded from it names the item."""

import datetime
from types import SimpleNamespace

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from knotwork.core.models import AuditEntry
from knotwork.core.testing import PASSWORD
from knotwork.placements.fair_access_models import FairAccessPlacement
from knotwork.placements.panel_models import AgendaItem, PanelMeeting, PanelMember
from knotwork.placements.provision_models import ProvisionPlacement
from knotwork.placements.tests.panel_helpers import make_panel
from knotwork.placements.tests.provision_helpers import place, provision_world  # noqa: F401
from knotwork.placements.tests.test_fair_access import record

pytestmark = pytest.mark.django_db
D = datetime.date
HELD_ON = D(2026, 11, 20)
AGREED = AgendaItem.Decision.AGREED


@pytest.fixture(name="panel")
def panel_world(world):
    """Last Friday's meeting: Bea's fair access placement and Amira's AP referral agreed,
    a second referral of Amira's deferred, and a request for the LA's service agreed."""
    cast = world.cast
    panel = make_panel(cast)
    for organisation, role in ((cast.school_a, "setting"), (cast.la_service, "la")):
        PanelMember.objects.create(panel=panel, organisation=organisation, role=role)
    meeting = PanelMeeting.objects.create(
        panel=panel, held_on=HELD_ON, status="held", chair=cast.coordinator
    )
    decided = datetime.datetime(2026, 11, 20, 12, 0, tzinfo=datetime.UTC)

    def item(position, pupil, kind, decision=AGREED):
        return AgendaItem.objects.create(
            meeting=meeting,
            pupil=pupil,
            kind=kind,
            put_forward_by=cast.school_a,
            summary="Put forward.",
            decision=decision,
            decided_at=decided if decision else None,
            position=position,
        )

    kinds = AgendaItem.Kind
    return SimpleNamespace(
        meeting=meeting,
        fair_access=item(1, cast.pupil_b, kinds.FAIR_ACCESS),
        ap=item(2, cast.pupil_a, kinds.AP_REFERRAL),
        deferred=item(3, cast.pupil_a, kinds.AP_REFERRAL, AgendaItem.Decision.DEFERRED),
        la_service=item(4, cast.pupil_a, kinds.LA_SERVICE),
    )


def login(client, username):
    assert client.login(username=username, password=PASSWORD)


def fa_url(item):
    return reverse("placements:fair-access-from-item", args=[item.uuid])


def ap_url(item):
    return reverse("placements:provision-from-item", args=[item.uuid])


def fa_data(world):
    return {
        "category": "l",
        "out_of_school_from": "2026-11-02",
        "placed_at": world.cast.school_a.pk,
        "placed_on": "2026-11-20",
        "started_on": "",
    }


def ap_data(world):
    data = {
        "provider": world.riverside.pk,
        "kind": "ap",
        "exclusion": "",
        "starts_on": "2026-11-23",
        "planned_reintegration_on": "2027-02-01",
    }
    return data | {f"session_{i}": "P" if i < 6 else "S" for i in range(10)}


def meeting_page(client, panel):
    url = reverse("placements:panel-meeting", args=[panel.meeting.uuid])
    return client.get(url).content.decode()


def test_the_link_appears_only_for_agreed_items_of_those_kinds(client, world, panel):
    login(client, "coordinator")
    page = meeting_page(client, panel)
    assert fa_url(panel.fair_access) in page
    assert ap_url(panel.ap) in page
    assert ap_url(panel.deferred) not in page
    assert 'Record the placement<span class="govuk-visually-hidden"> agreed at item 4' not in page
    login(client, "officer")  # a member who does not run the meeting
    page = meeting_page(client, panel)
    assert fa_url(panel.fair_access) not in page and ap_url(panel.ap) not in page


def test_agreeing_a_fair_access_item_goes_on_to_record_the_placement(client, world, panel):
    item = AgendaItem.objects.create(
        meeting=panel.meeting,
        pupil=world.cast.pupil_b,
        kind=AgendaItem.Kind.FAIR_ACCESS,
        put_forward_by=world.cast.school_a,
        summary="Put forward.",
        position=5,
    )
    login(client, "coordinator")
    url = reverse("placements:panel-item-decide", args=[item.uuid])
    response = client.post(url, {"decision": "agreed", "note": ""})
    assert response["Location"] == fa_url(item)


def test_the_fair_access_placement_records_the_item(client, world, panel):
    login(client, "coordinator")
    response = client.get(fa_url(panel.fair_access))
    assert response.status_code == 200
    assert response.context["form"]["placed_on"].value() == HELD_ON
    assert "Agreed at the panel on 20 November 2026" in response.content.decode()
    response = client.post(fa_url(panel.fair_access), fa_data(world))
    placement = FairAccessPlacement.objects.get()
    assert response["Location"] == reverse(
        "placements:fair-access-placement", args=[placement.uuid]
    )
    assert (placement.pupil, placement.decided_at) == (world.cast.pupil_b, panel.fair_access)
    assert AuditEntry.objects.filter(action="create", object_id=str(placement.uuid)).exists()
    page = client.get(response["Location"]).content.decode()
    assert "agreed at the panel on 20 November 2026" in page
    page = meeting_page(client, panel)
    assert fa_url(panel.fair_access) not in page
    assert reverse("placements:fair-access-placement", args=[placement.uuid]) in page


def test_the_provision_placement_records_the_item(client, world, panel):
    login(client, "officer")  # Ashdown's staff place their own pupil
    response = client.get(ap_url(panel.ap))
    assert response.status_code == 200
    assert response.context["form"]["starts_on"].value() == HELD_ON
    response = client.post(ap_url(panel.ap), ap_data(world))
    placement = ProvisionPlacement.objects.get()
    assert response["Location"] == reverse("placements:provision-placement", args=[placement.uuid])
    assert placement.decided_at == panel.ap
    page = client.get(response["Location"]).content.decode()
    assert "Agreed at the panel on 20 November 2026" in page
    login(client, "coordinator")
    assert ap_url(panel.ap) not in meeting_page(client, panel)


def test_an_invalid_form_saves_nothing(client, world, panel):
    login(client, "coordinator")
    response = client.post(fa_url(panel.fair_access), {**fa_data(world), "placed_on": ""})
    assert response.status_code == 200 and not FairAccessPlacement.objects.exists()
    response = client.post(ap_url(panel.ap), {**ap_data(world), "provider": ""})
    assert response.status_code == 200 and not ProvisionPlacement.objects.exists()


def test_the_wrong_kind_is_404_and_an_item_not_agreed_403(client, world, panel):
    login(client, "coordinator")
    assert client.get(fa_url(panel.ap)).status_code == 404
    assert client.get(ap_url(panel.fair_access)).status_code == 404
    assert client.get(ap_url(panel.la_service)).status_code == 404
    assert client.get(ap_url(panel.deferred)).status_code == 403
    assert client.post(ap_url(panel.deferred), ap_data(world)).status_code == 403
    assert not ProvisionPlacement.objects.exists()


def test_access_is_as_the_placement_forms(client, world, panel):
    login(client, "outsider")  # Beacon's staff: not on the panel
    assert client.get(fa_url(panel.fair_access)).status_code == 404
    assert client.get(ap_url(panel.ap)).status_code == 404
    login(client, "head_of_year")  # a member who reads Amira's record only
    assert client.get(ap_url(panel.ap)).status_code == 403
    login(client, "officer")  # sees the item, not Bea: 404 as her record's form would be
    assert client.get(fa_url(panel.fair_access)).status_code == 404
    client.logout()
    response = client.get(fa_url(panel.fair_access))
    assert response.status_code == 302 and "sign-in" in response["Location"]


def test_the_services_refuse_an_item_about_another_pupil_or_not_agreed(world, panel):
    with pytest.raises(ValidationError) as caught:
        record(world, pupil=world.cast.pupil_a, decided_at=panel.fair_access)
    assert "decided_at" in caught.value.message_dict
    with pytest.raises(ValidationError):
        record(world, decided_at=panel.ap)
    with pytest.raises(ValidationError):
        place(world, decided_at=panel.deferred)
    assert place(world, decided_at=panel.ap).decided_at == panel.ap
