"""Demo privacy records: the demo partnership's data protection lead (a demo user of their
own) and one past break-glass use, ended and waiting for the lead's review.

Called by ``demo_build`` after the casework (the partnership, its users and pupils are in
place by then); it reads the demo's names when it runs, as ``directory.demo`` imports it.
Written straight to the tables as the demo's other past records are, with the audit rows
the services would have written at the time."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from knotwork.accounts.models import Membership, Role, User
from knotwork.core.audit import audit_record
from knotwork.core.models import AuditEntry
from knotwork.directory.models import Organisation, Partnership
from knotwork.privacy.models import BreakGlass, DataProtectionLead
from knotwork.privacy.services import break_glass_window
from knotwork.pupils.models import Enrolment, Pupil

LEAD_USERNAME = "dpo"
LEAD_JOB_TITLE = "Data protection officer"
#: The demo's past use: by the CAMHS practitioner, some days before the demo's today.
DAYS_AGO = 9
REASON = (
    "Call from the out-of-hours team: the young person told a youth worker they do not "
    "feel safe going home tonight. I need the school's contacts for the family and the "
    "designated safeguarding lead, and cannot reach the school."
)


@dataclass(frozen=True)
class PrivacyDemo:
    lead: str
    break_glass_uses: int


def _local(day: datetime.date, hour: int, minute: int) -> datetime.datetime:
    naive = datetime.datetime.combine(day, datetime.time(hour, minute))
    return timezone.make_aware(naive)


def _name_the_lead(partnership: Partnership) -> User:
    """The lead: the demo user ``dpo`` if the demo's user list already made them, else a
    new user with a read-only place in the LA's service; named lead since September 2025."""
    from knotwork.directory.demo import PASSWORD

    lead = User.objects.filter(username=LEAD_USERNAME).first()
    if lead is None:
        lead = User.objects.create(
            username=LEAD_USERNAME,
            password=make_password(PASSWORD),
            first_name="Priya",
            last_name="Shah",
            email=f"{LEAD_USERNAME}@eastmarsh.example",
        )
    la_service = (
        Organisation.objects.filter(
            kind=Organisation.Kind.LA_SERVICE, partnership_memberships__partnership=partnership
        )
        .order_by("pk")
        .first()
    )
    if la_service is not None and not lead.memberships.exists():
        Membership.objects.create(
            user=lead,
            organisation=la_service,
            role=Role.LA_OFFICER,
            can_edit=False,
            job_title=LEAD_JOB_TITLE,
        )
    DataProtectionLead.objects.create(
        partnership=partnership, user=lead, starts_on=datetime.date(2025, 9, 1)
    )
    return lead


def _past_use(partnership: Partnership, today: datetime.date) -> BreakGlass | None:
    practitioner = (
        User.objects.filter(
            memberships__role=Role.AGENCY_PRACTITIONER,
            memberships__organisation__partnership_memberships__partnership=partnership,
        )
        .order_by("pk")
        .first()
    )
    opened_on = today - datetime.timedelta(days=DAYS_AGO)
    on_roll = Enrolment.objects.current(opened_on).filter(
        setting__partnership_memberships__partnership=partnership
    )
    pupil = (
        Pupil.objects.filter(pk__in=on_roll.values("pupil_id"))
        .exclude(links__user=practitioner)
        .order_by("pk")
        .first()
    )
    if practitioner is None or pupil is None:
        return None
    opened_at = _local(opened_on, 19, 40)
    use = BreakGlass.objects.create(
        user=practitioner,
        pupil=pupil,
        partnership=partnership,
        reason=REASON,
        opened_at=opened_at,
        ends_at=opened_at + break_glass_window(),
    )
    for minutes, action, what in (
        (0, AuditEntry.Action.CREATE, "break glass opened"),
        (1, AuditEntry.Action.VIEW, "profile, break glass"),
    ):
        entry = audit_record(actor=practitioner, action=action, pupil=pupil, obj=use, what=what)
        at = opened_at + datetime.timedelta(minutes=minutes)
        AuditEntry.objects.filter(pk=entry.pk).update(at=at)
    return use


@transaction.atomic
def privacy_demo(*, today: datetime.date) -> PrivacyDemo:
    """Name the demo partnership's data protection lead and record one past use of
    break glass, ended by ``today`` and not yet reviewed."""
    from knotwork.directory.demo import PARTNERSHIP_NAME

    partnership = Partnership.objects.get(name=PARTNERSHIP_NAME)
    lead = _name_the_lead(partnership)
    use = _past_use(partnership, today)
    return PrivacyDemo(lead=lead.username, break_glass_uses=int(use is not None))
