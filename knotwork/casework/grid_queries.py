"""What the multi-agency tracking grid reads: pupils down the side, the agencies involved
with them across the top, and in each cell the named contact and a line on their
involvement, from the teams around the child (``CaseMember``) and referrals.

Who sees what follows the pages the cells come from. Staff and partnership officers see
every involvement of the pupils ``pupils.access`` lets them see, as on the case and
referral pages. An agency practitioner sees only pupils they are linked to, and of those
only the teams of cases they lead or are on and the referrals sent to their own
organisations. Board members see no grid.

The page asks one query per kind of involvement for its pupils, however many there are.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.db.models import Q, QuerySet, TextChoices
from django.utils import timezone

from knotwork.accounts.models import Membership, Role, User
from knotwork.casework.case_models import Case, CaseMember
from knotwork.casework.consent_models import Section
from knotwork.casework.grid_rules import (
    LIVE_REFERRAL_STATES,
    member_is_live,
    member_line,
    referral_is_live,
    referral_line,
)
from knotwork.casework.models import Referral
from knotwork.casework.referral_access import RECEIVING_KINDS
from knotwork.directory.models import Organisation, PartnershipMember, Setting
from knotwork.pupils.access import PARTNERSHIP_ROLES, SETTING_ROLES, visible_among
from knotwork.pupils.models import Enrolment, Pupil
from knotwork.pupils.rules import birth_dates_for_year_group

Date = datetime.date

STAFF_ROLES = SETTING_ROLES | PARTNERSHIP_ROLES
#: Roles whose holders may open the grid (never board members).
GRID_ROLES = STAFF_ROLES | {Role.AGENCY_PRACTITIONER}
#: Pupils asked about in one query when a whole list is read (an export).
CHUNK = 1000
#: The column of team members named without an organisation.
OTHERS = "Others on the team"


class Show(TextChoices):
    LIVE = "live", "Live"
    ENDED = "ended", "Ended"
    ALL = "all", "Live and ended"


@dataclass(frozen=True)
class Viewer:
    """Who is looking: staff see every involvement of the pupils they see; a practitioner
    the teams they are on and referrals to ``organisation_ids``."""

    user: User
    staff: bool
    organisation_ids: frozenset[int]


def grid_viewer(user: User) -> Viewer | None:
    """None for anyone who may not open the grid (board members, no membership)."""
    memberships = list(Membership.objects.filter(user=user).select_related("organisation"))
    roles = {m.role for m in memberships}
    if not roles & GRID_ROLES:
        return None
    receiving = frozenset(
        m.organisation_id
        for m in memberships
        if m.role == Role.AGENCY_PRACTITIONER and m.organisation.kind in RECEIVING_KINDS
    )
    return Viewer(user=user, staff=bool(roles & STAFF_ROLES), organisation_ids=receiving)


@dataclass(frozen=True)
class GridFilters:
    setting: Setting | None = None
    agency: Organisation | None = None
    year: int | None = None
    show: str = Show.LIVE


@dataclass(frozen=True)
class Column:
    """An agency across the top, with its own contact and telephone where recorded."""

    key: str
    name: str
    contact: str = ""
    phone: str = ""


@dataclass(frozen=True)
class Involvement:
    contact: str
    line: str
    live: bool

    @property
    def text(self) -> str:
        return f"{self.contact}: {self.line}" if self.contact else self.line


@dataclass
class GridRow:
    pupil: Pupil
    year: int
    settings: list[str]
    cells: list[list[Involvement]] = field(default_factory=list)


@dataclass
class Grid:
    columns: list[Column]
    rows: list[GridRow]


# --- Which involvements count -------------------------------------------------------------------


def _member_filter(viewer: Viewer, show: str, today: Date) -> Q:
    live = Q(ends_on__isnull=True) | Q(ends_on__gte=today)
    q = Q(organisation__kind__in=sorted(RECEIVING_KINDS)) | Q(organisation__isnull=True)
    if show == Show.LIVE:
        q &= live
    elif show == Show.ENDED:
        q &= ~live
    if not viewer.staff:
        on_team = CaseMember.objects.filter(
            Q(ends_on__isnull=True) | Q(ends_on__gte=today),
            user_id=viewer.user.pk,
            starts_on__lte=today,
        ).values("case_id")
        q &= Q(case__lead_id=viewer.user.pk, case__status=Case.Status.OPEN) | Q(case_id__in=on_team)
    return q


def _referral_filter(viewer: Viewer, show: str) -> Q:
    q = Q(to_organisation__isnull=False)
    if show == Show.LIVE:
        q &= Q(status__in=sorted(LIVE_REFERRAL_STATES))
    elif show == Show.ENDED:
        q &= ~Q(status__in=sorted(LIVE_REFERRAL_STATES))
    if not viewer.staff:
        q &= Q(to_organisation_id__in=sorted(viewer.organisation_ids))
    return q


def grid_pupil_ids(viewer: Viewer, filters: GridFilters, today: Date) -> list[int]:
    """The pupils the grid lists, in name order: those with an involvement the filters
    keep, whose casework the viewer may see (an involvement is casework: a practitioner's
    link shows it only where its basis covers that section), on roll at the setting and
    in the year group asked."""
    members = CaseMember.objects.filter(_member_filter(viewer, filters.show, today))
    referrals = Referral.objects.filter(_referral_filter(viewer, filters.show))
    if filters.agency is not None:
        members = members.filter(organisation=filters.agency)
        referrals = referrals.filter(to_organisation=filters.agency)
    pupils = Pupil.objects.filter(
        Q(pk__in=members.values("case__pupil_id")) | Q(pk__in=referrals.values("pupil_id"))
    )
    if filters.setting is not None:
        pupils = pupils.on_roll_at([filters.setting.pk], today)
    if filters.year is not None:
        born_after, born_by = birth_dates_for_year_group(filters.year, today)
        pupils = pupils.filter(date_of_birth__gte=born_after, date_of_birth__lte=born_by)
    ordered = list(
        pupils.order_by("legal_surname", "legal_forename", "pk").values_list("pk", flat=True)
    )
    seen = visible_among(viewer.user, ordered, today, section=Section.CASEWORK)
    return [pk for pk in ordered if pk in seen]


# --- The cells ----------------------------------------------------------------------------------


def _person(user: User | None) -> str:
    return "" if user is None else (user.get_full_name() or user.get_username())


def _column_of(organisation: Organisation | None, name: str = "") -> Column:
    if organisation is None:
        label = name.strip() or OTHERS
        return Column(key=f"name:{label.casefold()}", name=label)
    agency = getattr(organisation, "agency", None)
    return Column(
        key=f"org:{organisation.pk}",
        name=organisation.name,
        contact=agency.contact_name if agency is not None else "",
        phone=agency.phone if agency is not None else "",
    )


def _members(viewer: Viewer, ids: Sequence[int], show: str, today: Date) -> QuerySet[CaseMember]:
    return (
        CaseMember.objects.filter(_member_filter(viewer, show, today), case__pupil_id__in=ids)
        .select_related("case", "user", "organisation", "organisation__agency")
        .order_by("starts_on", "pk")
    )


def _referrals(viewer: Viewer, ids: Sequence[int], show: str) -> QuerySet[Referral]:
    return (
        Referral.objects.filter(_referral_filter(viewer, show), pupil_id__in=ids)
        .select_related("to_organisation", "to_organisation__agency", "service", "assigned_to")
        .order_by("sent_at", "pk")
    )


def _local(at: datetime.datetime | None) -> Date | None:
    return timezone.localdate(at) if at is not None else None


def _involvements(
    viewer: Viewer, ids: Sequence[int], show: str, today: Date
) -> Iterable[tuple[int, Column, Involvement]]:
    for m in _members(viewer, ids, show, today):
        line = member_line(role=m.role, starts_on=m.starts_on, ends_on=m.ends_on, today=today)
        involvement = Involvement(m.display_name, line, member_is_live(m.ends_on, today))
        yield m.case.pupil_id, _column_of(m.organisation, m.organisation_name), involvement
    for r in _referrals(viewer, ids, show):
        line = referral_line(
            status=r.status,
            service=r.service.name if r.service is not None else "",
            sent_on=timezone.localdate(r.sent_at),
            answered_on=_local(r.answered_at),
            started_on=r.started_on,
            closed_on=_local(r.closed_at),
            today=today,
        )
        involvement = Involvement(_person(r.assigned_to), line, referral_is_live(r.status))
        yield r.pupil_id, _column_of(r.to_organisation), involvement


def tracking_grid(viewer: Viewer, pupil_ids: Sequence[int], show: str, today: Date) -> Grid:
    """The grid for these pupils (in this order): a column per agency involved with any of
    them, in name order, and each pupil's cells. Reads in chunks of ``CHUNK`` pupils, so a
    page's grid is one query for pupils, one for their settings and one per kind of
    involvement."""
    columns: dict[str, Column] = {}
    rows: list[GridRow] = []
    by_cell: dict[tuple[int, str], list[Involvement]] = {}
    for start in range(0, len(pupil_ids), CHUNK):
        chunk = list(pupil_ids[start : start + CHUNK])
        pupils = Pupil.objects.in_bulk(chunk)
        settings: dict[int, list[str]] = {}
        for e in (
            Enrolment.objects.current(today).filter(pupil_id__in=chunk).select_related("setting")
        ):
            settings.setdefault(e.pupil_id, []).append(e.setting.name)
        for pupil_id, column, involvement in _involvements(viewer, chunk, show, today):
            columns.setdefault(column.key, column)
            by_cell.setdefault((pupil_id, column.key), []).append(involvement)
        rows.extend(
            GridRow(pupils[pk], pupils[pk].year_group(today), sorted(settings.get(pk, [])))
            for pk in chunk
            if pk in pupils
        )
    ordered = sorted(columns.values(), key=lambda c: (c.name.casefold(), c.key))
    for row in rows:
        row.cells = [by_cell.get((row.pupil.pk, c.key), []) for c in ordered]
    return Grid(columns=ordered, rows=rows)


# --- The filters' choices -----------------------------------------------------------------------


def grid_agencies(user: User) -> QuerySet[Organisation]:
    """Agencies and LA services in the partnerships of the user's organisations."""
    partnerships = PartnershipMember.objects.filter(organisation__staff__user=user).values(
        "partnership_id"
    )
    return (
        Organisation.objects.filter(
            kind__in=sorted(RECEIVING_KINDS),
            partnership_memberships__partnership_id__in=partnerships,
        )
        .distinct()
        .order_by("name")
    )
