"""Forms that show a record as it stands are views of it: the concern being dismissed,
the consent being withdrawn, the plan's action being changed, and the case's team
offered as an action's owners or a review's attendees each write an audit row naming
the pupil when the form is opened. (Found by the access matrix.)"""

import datetime

import pytest
from django.urls import reverse

from knotwork.casework.case_services import plan_action_add
from knotwork.casework.concern_services import concern_raise
from knotwork.casework.consent_models import ConsentRecord
from knotwork.casework.models import Concern
from knotwork.casework.tests.case_fixtures import open_case, today  # noqa: F401
from knotwork.core.models import AuditEntry

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("today")]


@pytest.fixture
def urls(cast):  # type: ignore[no-untyped-def]
    concern = concern_raise(
        actor=cast.officer,
        pupil=cast.linked_pupil,
        sign=Concern.Sign.MORALE,
        note="Quiet in lessons.",
        today=datetime.date(2026, 11, 24),
    )
    case = open_case(cast)
    action = plan_action_add(
        actor=cast.officer,
        case=case,
        what="Weekly check-in",
        due_on=datetime.date(2026, 12, 1),
        owner=cast.officer,
    )
    consent = ConsentRecord.objects.get(pupil=cast.linked_pupil)
    return {
        "concern": (reverse("casework:concern-dismiss", args=[concern.uuid]), concern.uuid),
        "consent": (reverse("casework:consent-withdraw", args=[consent.uuid]), consent.uuid),
        "action": (reverse("casework:action-edit", args=[case.uuid, action.uuid]), action.uuid),
        "new action": (reverse("casework:action-add", args=[case.uuid]), case.uuid),
        "review": (reverse("casework:review-record", args=[case.uuid]), case.uuid),
    }


@pytest.mark.parametrize("form", ["concern", "consent", "action", "new action", "review"])
def test_opening_the_form_writes_a_view_row(client, cast, urls, form):
    url, record = urls[form]
    client.force_login(cast.officer)
    assert client.get(url).status_code == 200
    rows = AuditEntry.objects.filter(actor=cast.officer, action=AuditEntry.Action.VIEW)
    assert list(rows.values_list("pupil_id", "object_id")) == [(cast.linked_pupil.pk, str(record))]


@pytest.mark.parametrize("form", ["concern", "consent", "action", "review"])
def test_a_refused_form_writes_nothing(client, cast, urls, form):
    client.force_login(cast.outsider)
    assert client.get(urls[form][0]).status_code == 404
    assert not AuditEntry.objects.filter(actor=cast.outsider).exists()
