"""Who may see and change which pupils. The one place that says so.

- School staff and behaviour and attendance leaders: pupils on roll today at
  their setting.
- Partnership coordinators and local authority officers: pupils on roll
  today at any setting in a partnership their organisation belongs to.
- Agency practitioners: only pupils they are linked to (a case, referral or
  placement) while the link runs and its sharing basis holds; read only, and only
  the sections of the record that basis covers (``pupil_sections``).
- Board members: no individual pupils (they see the partnership's figures).
- Break glass (``privacy.BreakGlass``): anyone else who opened one pupil's record
  for urgent safeguarding sees that pupil while the window is open; read only.
- Fair access: partnership coordinators and local authority officers also see a pupil
  on no roll in their partnership with a fair access placement in it not yet started,
  or started within the last term (``FAIR_ACCESS_TERM``): a child new to the area is on
  no roll until their first day, and the officers place them.

A membership with ``can_edit`` lets its holder change the records it lets
them see; practitioners' links and board members never do.
"""

from __future__ import annotations

import datetime
import enum
import uuid as uuid_module
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from knotwork.accounts.models import Membership, Role
from knotwork.casework.consent_models import (
    SECTION_FIELDS,
    ConsentRecord,
    Section,
    SharingDecision,
)
from knotwork.directory.models import Partnership, Setting
from knotwork.placements.fair_access_models import FairAccessPlacement
from knotwork.privacy.models import BreakGlass
from knotwork.pupils.models import Enrolment, Pupil, PupilLink, PupilQuerySet

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from knotwork.accounts.models import User


class Access(enum.IntEnum):
    NONE = 0
    READ = 1
    EDIT = 2


SETTING_ROLES = frozenset({Role.SCHOOL_STAFF, Role.BA_LEADER})
PARTNERSHIP_ROLES = frozenset({Role.COORDINATOR, Role.LA_OFFICER})

#: How long after their first day a pupil placed under fair access stays visible to the
#: partnership's officers by the placement alone: a term (the longest is 14 weeks, and a
#: half-term holiday falls in it). By then the school's roll shows them.
FAIR_ACCESS_TERM = datetime.timedelta(weeks=15)


def _setting_ids_in_scope(memberships: Sequence[Membership]) -> set[int]:
    """The settings whose pupils on roll these memberships show."""
    setting_ids = {m.organisation_id for m in memberships if m.role in SETTING_ROLES}
    partnership_orgs = [m.organisation_id for m in memberships if m.role in PARTNERSHIP_ROLES]
    if partnership_orgs:
        setting_ids.update(
            Setting.objects.filter(
                partnership_memberships__partnership__memberships__organisation_id__in=(
                    partnership_orgs
                )
            ).values_list("pk", flat=True)
        )
    return setting_ids


def _fair_access_waiting(on: datetime.date) -> QuerySet[FairAccessPlacement]:
    """Fair access placements that show their pupil to the partnership's officers on a
    day: not started, or started within the last term, and the pupil on no roll in the
    placement's partnership that day (on one, the roll shows them already)."""
    on_roll = Enrolment.objects.current(on).filter(
        pupil=OuterRef("pupil_id"),
        setting__partnership_memberships__partnership=OuterRef("partnership_id"),
    )
    return FairAccessPlacement.objects.filter(
        Q(started_on__isnull=True) | Q(started_on__gt=on - FAIR_ACCESS_TERM)
    ).filter(~Exists(on_roll))


@dataclass(frozen=True)
class _Scope:
    """What lets a user see pupils: settings whose roll they see, and their own links."""

    setting_ids: tuple[int, ...]
    linked_to: User | None  # a practitioner, whose own links count
    break_glass: bool = False  # an open break-glass window: read only
    # Organisations through which the user is an officer of a partnership where a child
    # on no roll waits on a fair access placement (or started within the term and left).
    fair_access_orgs: tuple[int, ...] = ()

    def fair_access(self, on: datetime.date) -> QuerySet[FairAccessPlacement]:
        return _fair_access_waiting(on).filter(
            partnership__memberships__organisation_id__in=self.fair_access_orgs
        )


def _scope_of(
    user: User | AnonymousUser, *, for_edit: bool, on: datetime.date | None = None
) -> _Scope | None:
    if not user.is_authenticated or not user.is_active:
        return None
    on = on or timezone.localdate()
    # Whether a break-glass window is open, and whether a fair access placement waits in
    # a partnership the membership's organisation is in, come with the memberships, so
    # the rule asks nothing more of users without one.
    waiting = _fair_access_waiting(on).filter(
        partnership__memberships__organisation_id=OuterRef("organisation_id")
    )
    memberships = list(
        Membership.objects.filter(user=user).annotate(
            glass=Exists(_open_break_glass(user)), fair_access=Exists(waiting)
        )
    )
    granting = [m for m in memberships if m.can_edit] if for_edit else memberships
    setting_ids = tuple(sorted(_setting_ids_in_scope(granting)))
    practitioner = any(m.role == Role.AGENCY_PRACTITIONER for m in memberships)
    linked_to = user if practitioner and not for_edit else None
    break_glass = not for_edit and any(m.glass for m in memberships)
    fair_access_orgs = tuple(
        sorted(
            {m.organisation_id for m in granting if m.role in PARTNERSHIP_ROLES and m.fair_access}
        )
    )
    if not setting_ids and linked_to is None and not break_glass and not fair_access_orgs:
        return None
    return _Scope(setting_ids, linked_to, break_glass, fair_access_orgs)


def _scope(user: User | AnonymousUser, on: datetime.date, *, for_edit: bool) -> Q | None:
    """The filter for the pupils a user may see (or change), as EXISTS tests.

    EXISTS on the pupil's own enrolments and links keeps every search an
    index probe per pupil, with no join that multiplies rows.
    """
    scope = _scope_of(user, for_edit=for_edit, on=on)
    if scope is None:
        return None
    scopes: list[Q] = []
    if scope.setting_ids:
        on_roll = Enrolment.objects.current(on).filter(
            pupil=OuterRef("pk"), setting_id__in=scope.setting_ids
        )
        scopes.append(Q(Exists(on_roll)))
    if scope.linked_to is not None:
        linked = granting_links(scope.linked_to, on).filter(pupil=OuterRef("pk"))
        scopes.append(Q(Exists(linked)))
    # Break glass opens a record to read, never to change. Only added when a window is
    # open: any second clause OR-ed to the roll test keeps the database from planning
    # it as a semi-join, which made a partnership-wide search three times slower.
    if scope.break_glass:
        broken = _open_break_glass(user).filter(pupil=OuterRef("pk"))
        scopes.append(Q(Exists(broken)))
    # Likewise the children on no roll a fair access placement shows, only when there
    # are some: a handful of ids, which the database ORs to the roll test at little cost
    # (an EXISTS here made a coordinator's search five times slower).
    if scope.fair_access_orgs:
        placed = sorted(set(scope.fair_access(on).values_list("pupil_id", flat=True)))
        scopes.append(Q(pk__in=placed))
    combined = scopes[0]
    for more in scopes[1:]:
        combined |= more
    return combined


def _open_break_glass(user: User | AnonymousUser) -> QuerySet[BreakGlass]:
    """The user's break-glass windows open now (``privacy.BreakGlass``)."""
    if user.pk is None:
        return BreakGlass.objects.none()
    return BreakGlass.objects.open_at(timezone.now()).filter(user_id=user.pk)


def visible_pupils(
    user: User | AnonymousUser, on: datetime.date | None = None, *, for_edit: bool = False
) -> PupilQuerySet:
    """Every pupil the user may see (or, with for_edit, change) on a day, today by default."""
    scope = _scope(user, on or timezone.localdate(), for_edit=for_edit)
    if scope is None:
        return Pupil.objects.none()
    return Pupil.objects.filter(scope)


def sees_roll_of(user: User | AnonymousUser, setting: Setting, *, for_edit: bool = False) -> bool:
    """Whether the user sees (or may change) every pupil on roll at the setting: those
    pupils are then visible on any day they are on roll there, with nothing to ask of
    each one."""
    scope = _scope_of(user, for_edit=for_edit)
    return scope is not None and setting.pk in scope.setting_ids


#: Pupil ids asked about in one query by ``visible_among``.
AMONG_CHUNK = 5000


def visible_among(
    user: User | AnonymousUser,
    pupil_ids: Iterable[int],
    on: datetime.date | None = None,
    *,
    for_edit: bool = False,
    section: str | None = None,
) -> set[int]:
    """Which of these pupils the user may see (or change): the rule of ``visible_pupils``,
    asked of pupils a page has already found. It reads those pupils' own enrolments and
    links by pupil, so it costs the same however large the user's visible roll, where
    filtering by ``visible_pupils`` may lead the database to work out the whole roll.
    Given a ``Section``, only the pupils whose record opens that section to the user
    (``pupil_sections``): a practitioner's link counts only where its basis covers it."""
    on = on or timezone.localdate()
    scope = _scope_of(user, for_edit=for_edit, on=on)
    ids = sorted(set(pupil_ids))
    if scope is None or not ids:
        return set()
    seen: set[int] = set()
    for start in range(0, len(ids), AMONG_CHUNK):
        chunk = ids[start : start + AMONG_CHUNK]
        if scope.setting_ids:
            seen.update(
                Enrolment.objects.current(on)
                .filter(pupil_id__in=chunk, setting_id__in=scope.setting_ids)
                .values_list("pupil_id", flat=True)
            )
        if scope.linked_to is not None:
            seen.update(
                granting_links(scope.linked_to, on, section=section)
                .filter(pupil_id__in=chunk)
                .values_list("pupil_id", flat=True)
            )
        if scope.break_glass:
            seen.update(
                _open_break_glass(user)
                .filter(pupil_id__in=chunk)
                .values_list("pupil_id", flat=True)
            )
        if scope.fair_access_orgs:
            seen.update(
                scope.fair_access(on).filter(pupil_id__in=chunk).values_list("pupil_id", flat=True)
            )
    return seen


def visible_settings(
    user: User | AnonymousUser, on: datetime.date | None = None
) -> QuerySet[Setting]:
    """Settings with pupils the user may see: from memberships, and for practitioners
    the settings their linked pupils are on roll at."""
    if not user.is_authenticated or not user.is_active:
        return Setting.objects.none()
    on = on or timezone.localdate()
    memberships = list(Membership.objects.filter(user=user))
    setting_ids = _setting_ids_in_scope(memberships)
    if any(m.role == Role.AGENCY_PRACTITIONER for m in memberships):
        linked = granting_links(user, on).values("pupil_id")
        setting_ids.update(
            Enrolment.objects.current(on)
            .filter(pupil_id__in=linked)
            .values_list("setting_id", flat=True)
        )
    return Setting.objects.filter(pk__in=sorted(setting_ids)).order_by("name")


def pupil_access(
    user: User | AnonymousUser, pupil: Pupil, on: datetime.date | None = None
) -> Access:
    if visible_pupils(user, on, for_edit=True).filter(pk=pupil.pk).exists():
        return Access.EDIT
    if visible_pupils(user, on).filter(pk=pupil.pk).exists():
        return Access.READ
    return Access.NONE


def get_pupil_for_user(
    user: User | AnonymousUser,
    pupil_uuid: uuid_module.UUID | str,
    *,
    write: bool = False,
    section: str | None = None,
) -> Pupil:
    """The pupil if the user may see it (and, given a ``Section``, that part of their
    record): 404 when not (existence never leaks), 403 when they may see but not change
    it and asked to write."""
    try:
        pupil = visible_pupils(user).get(uuid=pupil_uuid)
    except Pupil.DoesNotExist:
        raise Http404("No such pupil") from None
    if section is not None and section not in pupil_sections(user, pupil):
        raise Http404("No such pupil")
    if write and pupil_access(user, pupil) < Access.EDIT:
        raise PermissionDenied("You may see this pupil's record but not change it.")
    return pupil


def may_enrol_at(user: User | AnonymousUser, setting: Setting) -> bool:
    """Whether the user may put pupils on roll at (or take them off) this setting."""
    if not user.is_authenticated or not user.is_active:
        return False
    for membership in Membership.objects.filter(user=user, can_edit=True):
        if membership.role in SETTING_ROLES and membership.organisation_id == setting.pk:
            return True
        if (
            membership.role in PARTNERSHIP_ROLES
            and Setting.objects.filter(
                pk=setting.pk,
                partnership_memberships__partnership__memberships__organisation_id=(
                    membership.organisation_id
                ),
            ).exists()
        ):
            return True
    return False


def is_officer_of(
    user: User | AnonymousUser, partnership: Partnership, *, for_edit: bool = False
) -> bool:
    """A coordinator or local authority officer of an organisation in the partnership
    (and, for_edit, one who may change records)."""
    if not user.is_authenticated or not user.is_active:
        return False
    memberships = Membership.objects.filter(
        user=user,
        role__in=PARTNERSHIP_ROLES,
        organisation__partnership_memberships__partnership=partnership,
    )
    if for_edit:
        memberships = memberships.filter(can_edit=True)
    return memberships.exists()


# --- Links and the sections their sharing basis covers ------------------------------------------

ALL_SECTIONS: frozenset[str] = frozenset(Section.values)


def _practised_at(user: User) -> QuerySet[Membership]:
    return Membership.objects.filter(user=user, role=Role.AGENCY_PRACTITIONER)


def granting_links(
    user: User, on: datetime.date, *, section: str | None = None
) -> QuerySet[PupilLink]:
    """The user's links that open a pupil's record on a day: live, and with their sharing
    basis holding. A link resting on consent holds while a live consent, or a live
    decision to share without consent, covers the pupil for an organisation the user
    practises in; withdrawn or expired, it opens nothing. A link resting on public task,
    legal obligation or vital interests holds while it runs: that basis was decided, by
    someone named, when the referral was sent or the case opened, and no one's
    agreement can lapse. Given a ``Section``, a link resting on consent opens the
    pupil only where a live consent or decision covers that section."""
    organisations = _practised_at(user).values("organisation_id")
    covers = {SECTION_FIELDS[Section(section)]: True} if section is not None else {}
    consent = ConsentRecord.objects.live(on).filter(
        pupil_id=OuterRef("pupil_id"), organisation_id__in=organisations, **covers
    )
    decision = SharingDecision.objects.live(on).filter(
        pupil_id=OuterRef("pupil_id"), organisation_id__in=organisations, **covers
    )
    return (
        PupilLink.objects.current(on)
        .filter(user=user)
        .filter(
            ~Q(lawful_basis=PupilLink.LawfulBasis.CONSENT)
            | Q(Exists(consent))
            | Q(Exists(decision))
        )
    )


def pupil_sections(
    user: User | AnonymousUser, pupil: Pupil, on: datetime.date | None = None
) -> frozenset[str]:
    """Which sections of the pupil's record (``Section`` values) the user may see on a
    day: none unless they see the pupil; all for staff whose setting or partnership has
    them on roll, and for the partnership's officers who see them by a fair access
    placement; for a practitioner, the sections of the consents and decisions to share
    for their organisations when their link rests on consent, and all when it rests on
    another basis. A pupil seen by none of these routes is seen whole (break glass)."""
    on = on or timezone.localdate()
    scope = _scope_of(user, for_edit=False, on=on)
    if scope is None:
        return frozenset()
    on_roll = Enrolment.objects.current(on).filter(pupil=pupil, setting_id__in=scope.setting_ids)
    if scope.setting_ids and on_roll.exists():
        return ALL_SECTIONS
    if scope.fair_access_orgs and scope.fair_access(on).filter(pupil=pupil).exists():
        return ALL_SECTIONS
    practitioner = scope.linked_to
    bases = set(
        granting_links(practitioner, on).filter(pupil=pupil).values_list("lawful_basis", flat=True)
        if practitioner is not None
        else ()
    )
    if practitioner is None or not bases:
        # Seen, if at all, by a route other than the roll or a link.
        return ALL_SECTIONS if visible_among(user, [pupil.pk], on) else frozenset()
    if bases != {PupilLink.LawfulBasis.CONSENT}:
        return ALL_SECTIONS
    organisations = _practised_at(practitioner).values("organisation_id")
    covering = [
        *ConsentRecord.objects.live(on).filter(pupil=pupil, organisation_id__in=organisations),
        *SharingDecision.objects.live(on).filter(pupil=pupil, organisation_id__in=organisations),
    ]
    return frozenset().union(*(record.sections for record in covering))
