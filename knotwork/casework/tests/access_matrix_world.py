"""The world the casework access matrix runs in, and who asks for its pages.

One world, built once for the matrix module: the cast's linked pupil (Liam, at School A)
with a concern on School A's worklist, a referral to a CAMHS service, a case led by the
officer with the caseworker on its team, a plan action, a notice to the caseworker, the
cast's consent to share with CAMHS, a break-glass window opened on Liam by a member of
School B, a practitioner of another agency who was never linked, and the partnership's
data protection lead.

Each actor is a user of that world in one state: what they are (their facts, written
out by hand from the cast, never asked of the access code) and a change to the world
made inside the test's own transaction (the caseworker's link ended, the consent
withdrawn, the consent narrowed to attendance), rolled back after it.
"""

from __future__ import annotations

import datetime
import io
import sys
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import pytest
import time_machine
from django.db import transaction
from django.http import HttpResponse

from knotwork.accounts.models import Role, User
from knotwork.casework.case_models import Case, CaseMember, PlanAction
from knotwork.casework.case_services import case_member_add, plan_action_add
from knotwork.casework.concern_services import concern_raise
from knotwork.casework.consent_models import ConsentRecord
from knotwork.casework.models import Concern, Referral
from knotwork.casework.tests.case_fixtures import open_case
from knotwork.casework.tests.referral_helpers import make_service, send
from knotwork.core.testing import Cast, build_cast, make_agency, make_user
from knotwork.notices.models import Notice
from knotwork.privacy.models import BreakGlass
from knotwork.privacy.tests.helpers import make_break_glass, make_lead
from knotwork.pupils.models import Pupil, PupilLink

#: Tuesday in the second half of the autumn term 2026, 10am in London.
NOW = datetime.datetime(2026, 11, 24, 10, 0)
TODAY = NOW.date()
ALL_SECTIONS = frozenset({"attendance", "behaviour", "casework"})


@dataclass(frozen=True)
class World:
    cast: Cast
    pupil: Pupil
    concern: Concern
    referral: Referral
    case: Case
    member: CaseMember
    action: PlanAction
    notice: Notice
    consent: ConsentRecord
    break_glass: BreakGlass
    glass_user: User
    other_practitioner: User
    lead: User

    def user(self, username: str) -> User:
        return User.objects.get(username=username)


def build_world() -> World:
    cast = build_cast()
    pupil = cast.linked_pupil
    yot = make_agency(name="Youth Offending Team", agency_type="yot")
    other = make_user("yot_worker", role=Role.AGENCY_PRACTITIONER, organisation=yot)
    glass_user = make_user(
        "glass", role=Role.SCHOOL_STAFF, organisation=cast.school_b, can_edit=True
    )
    concern = concern_raise(
        actor=cast.officer,
        pupil=pupil,
        sign=Concern.Sign.APPEARANCE,
        note="Tired and withdrawn at break for two weeks.",
        today=TODAY,
    )
    referral = send(cast, make_service(cast.camhs), pupil=pupil)
    case = open_case(cast)
    member = case_member_add(
        actor=cast.officer,
        case=case,
        role="Therapist",
        starts_on=datetime.date(2026, 10, 12),
        user=cast.caseworker,
    )
    action = plan_action_add(
        actor=cast.officer,
        case=case,
        what="Weekly check-in with the therapist",
        due_on=datetime.date(2026, 12, 1),
        owner=cast.officer,
    )
    notice = Notice.objects.create(
        recipient=cast.caseworker,
        case=case,
        pupil=pupil,
        kind=Notice.Kind.ACTION_ADDED,
        purpose="information",
        by=cast.officer,
        email=Notice.Email.NONE,
    )
    return World(
        cast=cast,
        pupil=pupil,
        concern=concern,
        referral=referral,
        case=Case.objects.get(pk=case.pk),
        member=member,
        action=action,
        notice=notice,
        consent=ConsentRecord.objects.get(pupil=pupil, organisation=cast.camhs),
        break_glass=make_break_glass(glass_user, pupil, cast.partnership),
        glass_user=glass_user,
        other_practitioner=other,
        lead=make_lead(cast.partnership),
    )


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker) -> Iterator[World]:  # type: ignore[no-untyped-def]
    """The world, built once for the module inside a transaction rolled back at its end;
    each test runs in a savepoint of its own within it (the ``db`` fixture), so what one
    test changes no other sees."""
    traveller = time_machine.travel(NOW, tick=False)
    traveller.start()
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            built = build_world()
        except BaseException:
            outer.__exit__(*sys.exc_info())
            traveller.stop()
            raise
    try:
        yield built
    finally:
        with django_db_blocker.unblock():
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
        traveller.stop()


# --- States of the caseworker's link -----------------------------------------------------------


def link_ended(world: World) -> None:
    PupilLink.objects.filter(user=world.cast.caseworker).update(
        ends_on=TODAY - datetime.timedelta(days=1)
    )


def consent_withdrawn(world: World) -> None:
    ConsentRecord.objects.filter(pk=world.consent.pk).update(
        withdrawn_on=TODAY - datetime.timedelta(days=4), withdrawal_recorded_by=world.cast.officer
    )


def attendance_only(world: World) -> None:
    ConsentRecord.objects.filter(pk=world.consent.pk).update(
        shares_behaviour=False, shares_casework=False
    )


def as_it_is(world: World) -> None:
    return None


# --- Actors -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Actor:
    """Someone asking for a page, by what they are in the world.

    ``roll``: whose roll their staff membership shows ("a" for School A, "b" for School
    B, "partnership" for every setting of the partnership, "" for none); ``edits``: that
    membership may change records; ``desk``: the organisation whose referral inbox they
    read ("camhs", "yot", "la_service"); ``sections``: the parts of Liam's record a link
    or a break-glass window opens to them; ``team``: on the case's team (not its lead);
    ``leads_case``: the case's lead; ``glass``: has the open break-glass window;
    ``board``: a board member only; ``dp_lead``: the partnership's data protection lead.
    """

    key: str
    username: str | None
    roll: str = ""
    edits: bool = False
    desk: str = ""
    sections: frozenset[str] = field(default=frozenset())
    team: bool = False
    leads_case: bool = False
    glass: bool = False
    board: bool = False
    dp_lead: bool = False
    state: Callable[[World], None] = as_it_is

    @property
    def anonymous(self) -> bool:
        return self.username is None


def caseworker(
    key: str,
    state: Callable[[World], None] = as_it_is,
    sections: frozenset[str] = frozenset(),
) -> Actor:
    """The cast's caseworker: CAMHS, on the case's team, linked to Liam, in one state."""
    return Actor(key, "caseworker", desk="camhs", team=True, sections=sections, state=state)


ACTORS: dict[str, Actor] = {
    a.key: a
    for a in (
        Actor("anonymous", None),
        Actor("officer", "officer", roll="a", edits=True, leads_case=True),
        Actor("head_of_year", "head_of_year", roll="a"),
        Actor("outsider", "outsider", roll="b", edits=True),
        Actor("coordinator", "coordinator", roll="partnership", edits=True, desk="la_service"),
        Actor("board_member", "board_member", board=True),
        Actor("admin", "admin"),
        caseworker("caseworker", sections=ALL_SECTIONS),
        caseworker("caseworker_link_ended", link_ended),
        caseworker("caseworker_consent_withdrawn", consent_withdrawn),
        caseworker("caseworker_attendance_only", attendance_only, frozenset({"attendance"})),
        Actor("other_agency", "yot_worker", desk="yot"),
        Actor("break_glass", "glass", roll="b", edits=True, glass=True, sections=ALL_SECTIONS),
        Actor("dp_lead", "dpo", dp_lead=True),
    )
}


# --- What a response says -----------------------------------------------------------------------


def body_text(response: HttpResponse) -> str:
    """The response's body as text; a ZIP (an XLSX, the subject access export) is read
    member by member, so a name inside one is found too."""
    content = b"".join(response.streaming_content) if response.streaming else response.content
    if content[:2] == b"PK":
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            return "\n".join(
                archive.read(name).decode("utf-8", "replace") for name in archive.namelist()
            )
    return content.decode("utf-8", "replace")
