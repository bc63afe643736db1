"""What the incident pages read: the list with its filters, one incident for a user, the
pupils a recorder may name, a pupil's incidents and withdrawals, and the CSV of a list.

Visibility follows the pupils' (``pupils.access`` through ``behaviour.queries``): a
list starts from ``visible_incidents`` and names only the pupils the viewer may see.
"""

from __future__ import annotations

import csv
import datetime
import io
import uuid as uuid_module
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from knotwork.accounts.models import Membership, User
from knotwork.attendance.queries import start_year_of
from knotwork.behaviour import patterns
from knotwork.behaviour.models import Incident, IncidentPupil, Withdrawal
from knotwork.behaviour.queries import incident_pupils_visible, visible_incidents
from knotwork.casework.consent_models import Section
from knotwork.directory.models import PartnershipMember, Setting
from knotwork.pupils.access import (
    PARTNERSHIP_ROLES,
    SETTING_ROLES,
    may_enrol_at,
    pupil_sections,
    visible_pupils,
)
from knotwork.pupils.models import Enrolment, Pupil
from knotwork.pupils.queries import pupil_search

#: How many pupils the picker lists for one search.
PICKER_LIMIT = 20


# --- Who may record and change ----------------------------------------------------------------


def recording_settings(user: User) -> list[Setting]:
    """Settings where the user may record incidents: where they change records (what
    ``pupils.access.may_enrol_at`` says of each setting, in one query)."""
    if not user.is_authenticated or not user.is_active:
        return []
    editing = Membership.objects.filter(user=user, can_edit=True)
    own = editing.filter(role__in=SETTING_ROLES).values("organisation_id")
    wide = editing.filter(role__in=PARTNERSHIP_ROLES).values("organisation_id")
    in_partnership = Q(partnership_memberships__partnership__memberships__organisation_id__in=wide)
    return list(
        Setting.objects.filter(Q(pk__in=own) | in_partnership).distinct().order_by("name", "pk")
    )


def incident_editable(user: User, incident: Incident) -> bool:
    """Whether the user may change the incident: they change records at its setting and
    may change every pupil it names."""
    if not may_enrol_at(user, incident.setting):
        return False
    editable = visible_pupils(user, for_edit=True).values("pk")
    return not incident.pupils.exclude(pupil__in=editable).exists()


def incident_for_user(
    user: User, incident_uuid: uuid_module.UUID | str, *, write: bool = False
) -> Incident:
    """An incident the user may see, with ``visible_roles`` (the pupils they may see): 404
    when they may see none of its pupils (or it is withdrawn), 403 when they asked to
    change it and may not."""
    incident = (
        visible_incidents(user)
        .filter(uuid=incident_uuid)
        .select_related("setting", "follow_up_owner", "recorded_by")
        .prefetch_related(incident_pupils_visible(user))
        .annotate(pupil_count=Count("pupils"))
        .first()
    )
    if incident is None:
        raise Http404("No such incident")
    # Only the pupils whose behaviour the user's sharing basis covers (``pupils.access``).
    roles: list[IncidentPupil] = getattr(incident, "visible_roles", [])
    covered = [r for r in roles if Section.BEHAVIOUR in pupil_sections(user, r.pupil)]
    if not covered:
        raise Http404("No such incident")
    setattr(incident, "visible_roles", covered)  # noqa: B010
    if write and not incident_editable(user, incident):
        raise PermissionDenied("You may see this incident but not change it.")
    return incident


def roles_of(incident: Incident) -> list[IncidentPupil]:
    """The pupils the viewer may see in an incident fetched with ``incident_pupils_visible``,
    instigators first, then by name."""
    order = list(IncidentPupil.Role.values)
    roles: list[IncidentPupil] = list(getattr(incident, "visible_roles", []))
    return sorted(
        roles,
        key=lambda r: (order.index(r.role), r.pupil.surname, r.pupil.forename, r.pupil.pk),
    )


def hidden_count(incident: Incident) -> int:
    """How many of the incident's pupils the viewer may not see."""
    return int(getattr(incident, "pupil_count", 0)) - len(getattr(incident, "visible_roles", []))


# --- The list --------------------------------------------------------------------------------


@dataclass(frozen=True)
class ListFilters:
    settings: Sequence[Setting] = ()
    first: datetime.date | None = None
    last: datetime.date | None = None
    kind: str = ""
    place: str = ""
    severity: int | None = None
    bullying: str = ""  # "" any; "any" any bullying; or a bullying type
    racist: bool = False
    follow_up: str = ""  # "" any; "open" set and not done; "overdue" open and past its date


def day_start(day: datetime.date) -> datetime.datetime:
    """Midnight at the start of a day, local time."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def incident_list(user: User, filters: ListFilters, today: datetime.date) -> QuerySet[Incident]:
    """Incidents the user may see, filtered, newest first, each with its visible pupils."""
    incidents = visible_incidents(user)
    if filters.settings:
        incidents = incidents.filter(setting__in=[s.pk for s in filters.settings])
    if filters.first:
        incidents = incidents.filter(occurred_at__gte=day_start(filters.first))
    if filters.last:
        incidents = incidents.filter(
            occurred_at__lt=day_start(filters.last + datetime.timedelta(days=1))
        )
    if filters.kind:
        incidents = incidents.filter(kind=filters.kind)
    if filters.place:
        incidents = incidents.filter(place=filters.place)
    if filters.severity is not None:
        incidents = incidents.filter(severity=filters.severity)
    if filters.bullying == "any":
        incidents = incidents.exclude(bullying="")
    elif filters.bullying:
        incidents = incidents.filter(bullying=filters.bullying)
    if filters.racist:
        incidents = incidents.filter(racist=True)
    if filters.follow_up in ("open", "overdue"):
        incidents = incidents.filter(follow_up_on__isnull=False, follow_up_done_on__isnull=True)
        if filters.follow_up == "overdue":
            incidents = incidents.filter(follow_up_on__lt=today)
    return (
        incidents.select_related("setting", "follow_up_owner")
        .prefetch_related(incident_pupils_visible(user))
        .annotate(pupil_count=Count("pupils"))
        .order_by("-occurred_at", "-id")
    )


_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: str) -> str:
    """A cell a spreadsheet will not run as a formula."""
    return f"'{value}" if value.startswith(_FORMULA_STARTS) else value


CSV_HEADER = [
    "Date",
    "Time",
    "Setting",
    "What",
    "Where",
    "Severity",
    "Bullying",
    "Racist",
    "Pupils (role)",
    "Pupils not named",
    "Action taken",
    "Follow-up by",
    "Follow-up owner",
    "Follow-up done",
]


def _pupil_roles(incident: Incident) -> str:
    return "; ".join(
        f"{r.pupil.surname}, {r.pupil.forename} ({r.get_role_display().lower()})"
        for r in roles_of(incident)
    )


def incident_csv(incidents: Iterable[Incident]) -> str:
    """Incidents from ``incident_list`` as CSV (a byte order mark so spreadsheets read UTF-8)."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow(CSV_HEADER)
    for incident in incidents:
        when = timezone.localtime(incident.occurred_at)
        owner = incident.follow_up_owner
        values = [
            f"{when:%Y-%m-%d}",
            f"{when:%H:%M}",
            incident.setting.name,
            incident.get_kind_display(),
            incident.get_place_display(),
            incident.get_severity_display(),
            incident.get_bullying_display() if incident.bullying else "",
            "Yes" if incident.racist else "No",
            _pupil_roles(incident),
            str(hidden_count(incident)),
            incident.action_taken,
            f"{incident.follow_up_on:%Y-%m-%d}" if incident.follow_up_on else "",
            (owner.get_full_name() or owner.username) if owner else "",
            f"{incident.follow_up_done_on:%Y-%m-%d}" if incident.follow_up_done_on else "",
        ]
        writer.writerow([_cell(v) for v in values])
    return out.getvalue()


def pupils_named(incidents: Iterable[Incident]) -> list[Pupil]:
    """Each pupil named in the incidents (from ``visible_roles``), once."""
    seen: dict[int, Pupil] = {}
    for incident in incidents:
        for role in getattr(incident, "visible_roles", []):
            seen.setdefault(role.pupil.pk, role.pupil)
    return list(seen.values())


# --- Naming pupils in an incident ------------------------------------------------------------


def picker_pupils(user: User, setting: Setting, text: str, on: datetime.date) -> list[Pupil]:
    """Pupils the user may change who are on roll at the setting and match the name or UPN."""
    if not text.strip():
        return []
    found = pupil_search(
        visible_pupils(user, on, for_edit=True), text=text, setting_id=setting.pk, on=on
    )
    return list(found[:PICKER_LIMIT])


def pupils_by_uuid(user: User, uuids: Iterable[str], *, for_edit: bool = True) -> dict[str, Pupil]:
    """The pupils with these uuids that the user may change (or, without for_edit, see)."""
    wanted = []
    for value in uuids:
        try:
            wanted.append(uuid_module.UUID(str(value)))
        except ValueError:
            continue
    if not wanted:
        return {}
    pupils = visible_pupils(user, for_edit=for_edit).filter(uuid__in=wanted)
    return {str(p.uuid): p for p in pupils}


def on_roll_at(
    setting: Setting, pupils: Iterable[Pupil], days: Iterable[datetime.date]
) -> set[int]:
    """Ids of the pupils on roll at the setting on any of the days."""
    ids = [p.pk for p in pupils]
    on_any = Q()
    for day in days:
        on_any |= Q(start_date__lte=day) & (Q(end_date__isnull=True) | Q(end_date__gte=day))
    return set(
        Enrolment.objects.filter(on_any, setting=setting, pupil_id__in=ids).values_list(
            "pupil_id", flat=True
        )
    )


def follow_up_owners(settings: Iterable[Setting]) -> QuerySet[User]:
    """People who may own a follow-up: active users who work at one of the settings, or in
    its partnership's coordinating or local authority teams."""
    ids = [s.pk for s in settings]
    partnership_orgs = PartnershipMember.objects.filter(
        partnership__memberships__organisation_id__in=ids
    ).values("organisation_id")
    memberships = Membership.objects.filter(
        Q(role__in=SETTING_ROLES, organisation_id__in=ids)
        | Q(role__in=PARTNERSHIP_ROLES, organisation_id__in=partnership_orgs)
    )
    return (
        User.objects.filter(is_active=True, memberships__in=memberships)
        .distinct()
        .order_by("first_name", "last_name", "username")
    )


# --- A pupil's behaviour ---------------------------------------------------------------------


def incidents_for_pupil(pupil: Pupil) -> list[IncidentPupil]:
    """The pupil's parts in incidents (not withdrawn), newest first, with the incident."""
    return list(
        IncidentPupil.objects.filter(pupil=pupil, incident__deleted_at__isnull=True)
        .select_related("incident", "incident__setting", "incident__follow_up_owner")
        .annotate(others=Count("incident__pupils") - 1)
        .order_by("-incident__occurred_at", "-incident_id")
    )


def withdrawals_for_pupil(pupil: Pupil) -> list[Withdrawal]:
    return list(
        Withdrawal.objects.filter(pupil=pupil)
        .select_related("setting", "incident")
        .order_by("-date", "-id")
    )


def withdrawal_settings(user: User, pupil: Pupil, on: datetime.date) -> list[Setting]:
    """Settings the pupil is on roll at today where the user changes records."""
    settings = Setting.objects.filter(
        pk__in=Enrolment.objects.current(on).filter(pupil=pupil).values("setting_id")
    ).order_by("name")
    return [s for s in settings if may_enrol_at(user, s)]


def linkable_incidents(pupil: Pupil) -> QuerySet[Incident]:
    """Incidents a withdrawal of this pupil may be linked to: theirs, newest first."""
    return Incident.objects.filter(pupils__pupil=pupil, deleted_at__isnull=True).order_by(
        "-occurred_at", "-id"
    )[:50]


def academic_year_start(today: datetime.date) -> datetime.date:
    return datetime.date(start_year_of(today), 9, 1)


@dataclass(frozen=True)
class BehaviourSoFar:
    """A pupil's behaviour this academic year, for the profile's card."""

    since: datetime.date
    incidents: int
    as_instigator: int
    as_target: int
    withdrawals: int
    withdrawal_sessions: int
    follow_ups_due: int


def behaviour_so_far(pupil: Pupil, today: datetime.date) -> BehaviourSoFar:
    since = academic_year_start(today)
    parts = IncidentPupil.objects.filter(
        pupil=pupil, incident__deleted_at__isnull=True, incident__occurred_at__gte=day_start(since)
    ).aggregate(
        all=Count("pk"),
        instigator=Count("pk", filter=Q(role=IncidentPupil.Role.INSTIGATOR)),
        target=Count("pk", filter=Q(role=IncidentPupil.Role.TARGET)),
        due=Count(
            "pk",
            filter=Q(
                incident__follow_up_on__isnull=False, incident__follow_up_done_on__isnull=True
            ),
        ),
    )
    withdrawals = Withdrawal.objects.filter(pupil=pupil, date__gte=since)
    uses = list(withdrawals.values_list("sessions", flat=True))
    return BehaviourSoFar(
        since=since,
        incidents=parts["all"],
        as_instigator=parts["instigator"],
        as_target=parts["target"],
        withdrawals=len(uses),
        withdrawal_sessions=sum(s or 0 for s in uses),
        follow_ups_due=parts["due"],
    )


def incident_initial(incident: Incident) -> dict[str, Any]:
    """The incident's fields as the edit form starts them."""
    when = timezone.localtime(incident.occurred_at)
    return {
        "occurred_on": when.date(),
        "occurred_time": f"{when:%H:%M}",
        "place": incident.place,
        "kind": incident.kind,
        "severity": incident.severity,
        "bullying": incident.bullying,
        "racist": incident.racist,
        "description": incident.description,
        "staff_involved": incident.staff_involved,
        "action_taken": incident.action_taken,
        "follow_up_owner": incident.follow_up_owner_id,
        "follow_up_on": incident.follow_up_on,
        "version": incident.version,
    }


#: How many academic years back a pupil's chart by month goes, at most.
CHART_YEARS = 3


@dataclass(frozen=True)
class PupilBehaviour:
    """What the pupil's behaviour page shows."""

    parts: list[IncidentPupil]
    withdrawals: list[Withdrawal]
    follow_ups: list[IncidentPupil]
    months: list[tuple[datetime.date, int, int]]  # month, incidents, withdrawals


def pupil_behaviour(pupil: Pupil, today: datetime.date) -> PupilBehaviour:
    parts = incidents_for_pupil(pupil)
    withdrawals = withdrawals_for_pupil(pupil)
    incident_days = [timezone.localtime(p.incident.occurred_at).date() for p in parts]
    withdrawal_days = [w.date for w in withdrawals]
    earliest = min([*incident_days, *withdrawal_days, today])
    first = max(
        academic_year_start(earliest),
        datetime.date(start_year_of(today) - CHART_YEARS + 1, 9, 1),
    )
    by_incidents = patterns.per_month(incident_days, first, today)
    by_withdrawals = dict(patterns.per_month(withdrawal_days, first, today))
    return PupilBehaviour(
        parts=parts,
        withdrawals=withdrawals,
        follow_ups=[
            p
            for p in parts
            if p.incident.follow_up_on is not None and p.incident.follow_up_done_on is None
        ],
        months=[(month, count, by_withdrawals[month]) for month, count in by_incidents],
    )
