"""The waiting-times page's chart of days waiting per agency, and its XLSX beside the CSV."""

import datetime
import io

import pytest
import time_machine
from django.urls import reverse
from openpyxl import load_workbook

from knotwork.casework.referral_services import referral_accept, referral_start
from knotwork.casework.tests.referral_helpers import NOW, make_lead, make_service, send
from knotwork.casework.waiting_charts import MEASURES
from knotwork.core.models import AuditEntry
from knotwork.core.testing import PASSWORD, make_agency
from knotwork.directory.models import Agency, PartnershipMember

pytestmark = pytest.mark.django_db

PAGE = reverse("casework:referral-waiting")
XLSX = reverse("casework:referral-waiting-xlsx")
DAY = datetime.timedelta(days=1)


@pytest.fixture
def referrals(cast):
    """CAMHS: two sent 30 days ago, one accepted 10 days later and started 20 days after
    sending. Youth service: one sent 12 days ago, accepted 4 days later."""
    camhs = make_service(cast.camhs)
    youth = make_agency(name="Youth Service", agency_type=Agency.Type.YOUTH_SERVICE)
    PartnershipMember.objects.create(
        partnership=cast.partnership,
        organisation=youth,
        representative_name="A Representative",
        representative_role="Lead",
        joined_on=datetime.date(2024, 9, 1),
    )
    mentoring = make_service(youth, name="Mentoring")
    lead = make_lead(cast)
    youth_lead = make_lead(cast, "youth_lead")
    youth_lead.memberships.update(organisation=youth)
    with time_machine.travel(NOW - 30 * DAY, tick=False):
        first, _ = send(cast, camhs), send(cast, camhs)
    with time_machine.travel(NOW - 20 * DAY, tick=False):
        first = referral_accept(actor=lead, referral=first, expected_version=1, assigned_to=lead)
    with time_machine.travel(NOW - 10 * DAY, tick=False):
        referral_start(
            actor=lead,
            referral=first,
            expected_version=first.version,
            started_on=(NOW - 10 * DAY).date(),
        )
    with time_machine.travel(NOW - 12 * DAY, tick=False):
        third = send(cast, mentoring)
    with time_machine.travel(NOW - 8 * DAY, tick=False):
        referral_accept(
            actor=youth_lead, referral=third, expected_version=1, assigned_to=youth_lead
        )


@pytest.fixture(autouse=True)
def _now():
    with time_machine.travel(NOW, tick=False):
        yield


def signed_in(client, username):
    client.login(username=username, password=PASSWORD)
    return client


def test_the_chart_draws_each_agencys_waits(client, cast, referrals):
    response = signed_in(client, "coordinator").get(PAGE)
    chart = response.context["chart"]
    assert chart.element_id == "waiting-chart"
    data = chart.spec["data"]
    values = data["values"] if "values" in data else chart.spec["datasets"][data["name"]]
    assert values == [
        {"agency": cast.camhs.name, "measure": MEASURES[0], "days": 10.0},
        {"agency": cast.camhs.name, "measure": MEASURES[1], "days": 10.0},
        {"agency": cast.camhs.name, "measure": MEASURES[2], "days": 20.0},
        {"agency": cast.camhs.name, "measure": MEASURES[3], "days": 20.0},
        {"agency": "Youth Service", "measure": MEASURES[0], "days": 4.0},
        {"agency": "Youth Service", "measure": MEASURES[1], "days": 4.0},
    ]
    encoding = chart.spec["encoding"]
    assert encoding["y"]["field"] == "agency" and encoding["x"]["field"] == "days"
    assert encoding["yOffset"]["field"] == "measure"
    assert chart.spec["mark"]["type"] == "bar"
    assert "for 2 agencies" in chart.description
    assert b'id="waiting-chart-spec"' in response.content
    assert b"vega-embed.min.js" in response.content


def test_the_board_sees_no_bars_for_figures_it_may_not_see(client, cast, referrals):
    response = signed_in(client, "board_member").get(PAGE)
    assert response.context["chart"] is None
    assert b"waiting-chart" not in response.content


def test_no_referrals_no_chart(client, cast):
    response = signed_in(client, "coordinator").get(PAGE)
    assert response.status_code == 200 and response.context["chart"] is None


def test_the_xlsx_holds_the_table_with_figures_as_numbers(client, cast, referrals):
    response = signed_in(client, "coordinator").get(XLSX)
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="waiting-times-20261123.xlsx"'
    book = load_workbook(io.BytesIO(response.content))
    rows = [list(r) for r in book["Waiting times"].iter_rows(values_only=True)]
    assert rows[0][:3] == ["Agency", "Service", "Sent"]
    assert rows[1] == [cast.camhs.name, None, 2, 1, 0, 50.0, 10.0, 10.0, 20.0, 20.0, 1, 1]
    assert rows[2][:2] == [cast.camhs.name, "Assessment"]
    assert rows[3] == ["Youth Service", None, 1, 1, 0, 100.0, 4.0, 4.0, None, None, 0, 0]
    notes = [list(r) for r in book["Notes"].iter_rows(values_only=True)]
    assert notes[0] == ["Referrals sent", "01/09/2026 to 23/11/2026"]
    assert AuditEntry.objects.filter(
        action=AuditEntry.Action.EXPORT, what="waiting times XLSX", pupil=None
    ).exists()


def test_the_xlsx_hides_what_the_page_hides_from_the_board(client, cast, referrals):
    response = signed_in(client, "board_member").get(XLSX)
    rows = [
        list(r)
        for r in load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True)
    ]
    assert rows[1][2:] == ["x"] * 10


@pytest.mark.parametrize("who", ["officer", "caseworker"])
def test_schools_and_agencies_may_not_export(client, cast, who):
    assert signed_in(client, who).get(XLSX).status_code == 403


def test_the_page_links_the_xlsx(client, cast, referrals):
    assert XLSX.encode() in signed_in(client, "coordinator").get(PAGE).content
