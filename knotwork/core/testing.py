"""The test cast and small builders, used by every app's tests.

The cast: an attendance officer who edits at School A, a read-only head of
year at School A, a caseworker (CAMHS) linked to one pupil with their parent's
consent, a member of
School B who must see nothing of School A, a partnership coordinator, a
board member, and an administrator. Both schools are in one partnership.
"""

from __future__ import annotations

import datetime
import itertools
from dataclasses import dataclass
from typing import Any

from knotwork.accounts.models import Membership, Role, User
from knotwork.casework.consent_models import ConsentRecord
from knotwork.directory.models import (
    Agency,
    LocalAuthority,
    Organisation,
    Partnership,
    PartnershipMember,
    Setting,
)
from knotwork.pupils.models import Enrolment, Pupil, PupilLink
from knotwork.pupils.rules import upn_check_letter
from knotwork.termdates.models import AcademicYear, Calendar, Term

_serial = itertools.count(1)
PASSWORD = "correct-horse-battery-staple"


def make_upn(la: str = "845", establishment: str = "4000", year: str = "14") -> str:
    body = f"{la}{establishment}{year}{next(_serial) % 1000:03d}"
    return upn_check_letter(body) + body


def make_local_authority(**overrides: Any) -> LocalAuthority:
    values: dict[str, Any] = {"name": "East Marsh", "code": "845"}
    values.update(overrides)
    la, _ = LocalAuthority.objects.get_or_create(code=values["code"], defaults=values)
    return la


def add_academic_year(calendar: Calendar, start_year: int) -> AcademicYear:
    """One academic year of six half terms on the 2026/27 pattern, shifted to ``start_year``."""
    year, created = AcademicYear.objects.get_or_create(calendar=calendar, start_year=start_year)
    if not created:
        return year
    shift = datetime.timedelta(weeks=52 * (start_year - 2026))
    y = 2026
    halves = [
        ("autumn", 1, datetime.date(y, 9, 2), datetime.date(y, 10, 23)),
        ("autumn", 2, datetime.date(y, 11, 2), datetime.date(y, 12, 18)),
        ("spring", 1, datetime.date(y + 1, 1, 4), datetime.date(y + 1, 2, 12)),
        ("spring", 2, datetime.date(y + 1, 2, 22), datetime.date(y + 1, 3, 26)),
        ("summer", 1, datetime.date(y + 1, 4, 12), datetime.date(y + 1, 5, 28)),
        ("summer", 2, datetime.date(y + 1, 6, 7), datetime.date(y + 1, 7, 21)),
    ]
    for name_, half, starts, ends in halves:
        Term.objects.create(
            academic_year=year,
            name=name_,
            half=half,
            starts_on=starts + shift,
            ends_on=ends + shift,
        )
    return year


def make_calendar(name: str = "East Marsh term dates", start_year: int = 2026) -> Calendar:
    """A calendar with one academic year of six half terms (the 2026/27 pattern by default)."""
    calendar, created = Calendar.objects.get_or_create(name=name)
    if created:
        add_academic_year(calendar, start_year)
    return calendar


_urns = itertools.count(140001)


def make_setting(**overrides: Any) -> Setting:
    values: dict[str, Any] = {
        "name": f"Setting {next(_urns)}",
        "urn": None,
        "phase": Setting.Phase.SECONDARY,
        "setting_type": Setting.Type.SECONDARY,
        "kind": Organisation.Kind.SETTING,
    }
    values.update(overrides)
    if values["urn"] is None:
        values["urn"] = str(next(_urns))
    values.setdefault("local_authority", make_local_authority())
    values.setdefault("calendar", make_calendar())
    return Setting.objects.create(**values)


def make_agency(**overrides: Any) -> Agency:
    values: dict[str, Any] = {
        "name": "Child and Adolescent Mental Health Service",
        "kind": Organisation.Kind.AGENCY,
        "agency_type": Agency.Type.CAMHS,
        "services": "Assessment and therapy for children with emotional or mental health needs.",
        "how_to_refer": "Referral form from the school's mental health lead.",
        "area": "Whole county",
        "last_reviewed": datetime.date(2026, 9, 1),
    }
    values.update(overrides)
    values.setdefault("local_authority", make_local_authority())
    return Agency.objects.create(**values)


def make_user(
    username: str,
    *,
    role: str | None = None,
    organisation: Organisation | None = None,
    can_edit: bool = False,
    **overrides: Any,
) -> User:
    user = User.objects.create_user(username=username, password=PASSWORD, **overrides)
    if role is not None and organisation is not None:
        Membership.objects.create(
            user=user, organisation=organisation, role=role, can_edit=can_edit
        )
    return user


def make_pupil(*, setting: Setting | None = None, **overrides: Any) -> Pupil:
    """A pupil (born 1 Jan 2013, so Year 9 in 2026/27), on roll at ``setting`` if given."""
    values: dict[str, Any] = {
        "upn": make_upn(),
        "legal_forename": "Sam",
        "legal_surname": "Taylor",
        "date_of_birth": datetime.date(2013, 1, 1),
        "sex": "F",
    }
    enrolment_start = overrides.pop("enrolled_on", datetime.date(2024, 9, 1))
    values.update(overrides)
    pupil = Pupil.objects.create(**values)
    if setting is not None:
        Enrolment.objects.create(pupil=pupil, setting=setting, start_date=enrolment_start)
    return pupil


@dataclass
class Cast:
    partnership: Partnership
    school_a: Setting
    school_b: Setting
    la_service: Organisation
    camhs: Agency
    officer: User
    head_of_year: User
    caseworker: User
    outsider: User
    coordinator: User
    board_member: User
    admin: User
    pupil_a: Pupil
    linked_pupil: Pupil
    pupil_b: Pupil


def build_cast() -> Cast:
    la = make_local_authority()
    school_a = make_setting(name="Ashdown Academy")
    school_b = make_setting(name="Beacon High School")
    la_service = Organisation.objects.create(
        name="East Marsh Behaviour and Attendance Service",
        kind=Organisation.Kind.LA_SERVICE,
        local_authority=la,
    )
    camhs = make_agency()
    partnership = Partnership.objects.create(
        name="East Marsh North Partnership", local_authority=la, meeting_frequency="monthly"
    )
    for organisation in (school_a, school_b, la_service, camhs):
        PartnershipMember.objects.create(
            partnership=partnership,
            organisation=organisation,
            representative_name="A Representative",
            representative_role="Lead",
            joined_on=datetime.date(2024, 9, 1),
        )
    pupil_a = make_pupil(setting=school_a, legal_forename="Amira", legal_surname="Ahmed")
    linked_pupil = make_pupil(setting=school_a, legal_forename="Liam", legal_surname="Lewis")
    pupil_b = make_pupil(setting=school_b, legal_forename="Bea", legal_surname="Brown")
    caseworker = make_user(
        "caseworker", role=Role.AGENCY_PRACTITIONER, organisation=camhs, first_name="Cass"
    )
    PupilLink.objects.create(
        pupil=linked_pupil,
        user=caseworker,
        reason=PupilLink.Reason.CASE,
        lawful_basis=PupilLink.LawfulBasis.CONSENT,
        starts_on=datetime.date(2025, 1, 6),
    )
    cast = Cast(
        partnership=partnership,
        school_a=school_a,
        school_b=school_b,
        la_service=la_service,
        camhs=camhs,
        officer=make_user(
            "officer",
            role=Role.SCHOOL_STAFF,
            organisation=school_a,
            can_edit=True,
            first_name="Olu",
        ),
        head_of_year=make_user(
            "head_of_year", role=Role.SCHOOL_STAFF, organisation=school_a, first_name="Hana"
        ),
        caseworker=caseworker,
        outsider=make_user(
            "outsider",
            role=Role.SCHOOL_STAFF,
            organisation=school_b,
            can_edit=True,
            first_name="Otto",
        ),
        coordinator=make_user(
            "coordinator",
            role=Role.COORDINATOR,
            organisation=la_service,
            can_edit=True,
            first_name="Cora",
        ),
        board_member=make_user(
            "board_member", role=Role.BOARD_MEMBER, organisation=la_service, first_name="Bob"
        ),
        admin=User.objects.create_superuser("admin", password=PASSWORD),
        pupil_a=pupil_a,
        linked_pupil=linked_pupil,
        pupil_b=pupil_b,
    )
    # The caseworker's link rests on consent: Liam's parent agreed to share with CAMHS.
    ConsentRecord.objects.create(
        pupil=linked_pupil,
        organisation=camhs,
        given_by=ConsentRecord.GivenBy.PARENT,
        given_by_name="Lee Lewis",
        given_on=datetime.date(2025, 1, 6),
        shares_attendance=True,
        shares_behaviour=True,
        shares_casework=True,
        recorded_by=cast.officer,
    )
    return cast
