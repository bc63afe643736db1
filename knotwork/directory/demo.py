"""The demo partnership: a whole fictional Behaviour and Attendance Partnership.

``demo_build(pupils=N, seed=S)`` makes East Marsh (LA 845): its term dates,
six secondary schools, a pupil referral unit, the LA's behaviour and attendance
service, fifteen agencies, a user for every role, and N pupils in years 7-11
in 2026/27 with their enrolments and contacts, their attendance registers
for 2025/26 and 2026/27 to date (``knotwork.attendance.demo``), and their
incidents, suspensions and permanent exclusions (``knotwork.behaviour.demo``),
and their casework (``knotwork.casework.demo_*``): the trigger points' concerns and
staff concerns, referrals to the agencies' services with their waits, and cases led by
key workers with varied caseloads.
The same seed always gives the same partnership (names, UPNs, dates, marks and
behaviour records for the same day); only UUIDs and timestamps differ.

Pupils are planned without the database (``pupil_plans``) and written in
batches with ``bulk_create``. This is a loader, not a user action: it does
not go through the per-record services, so it writes no audit rows and runs
no access checks. Everything is written in one transaction.

Pupils' characteristics follow national shares for secondary pupils in
England (school census): SEN support about 13%, EHC plans 2.5%, free school
meals 25%, EAL 17%, looked after 0.7%, child in need 3%, young carers 2%.
Names, streets and towns are invented; phone numbers are in Ofcom's ranges
kept for drama (07700 900xxx, 01632 960xxx) and e-mail domains are reserved
example domains, so nothing reaches a real person.
"""

from __future__ import annotations

import datetime
import itertools
import math
import random
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass, fields
from typing import Any

from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.db.models import Model
from django.utils import timezone
from faker import Faker

from knotwork.accounts.models import Membership, Role, User
from knotwork.attendance.demo import attendance_build
from knotwork.behaviour.demo import behaviour_build
from knotwork.casework.case_models import Case
from knotwork.casework.demo_cases import CasesDemo, cases_demo
from knotwork.casework.demo_concerns import ConcernsDemo, concerns_demo
from knotwork.casework.demo_consent import ConsentDemo, consent_demo
from knotwork.casework.demo_referrals import ReferralsDemo, referrals_demo
from knotwork.casework.models import Concern, Referral
from knotwork.directory.models import (
    Agency,
    LocalAuthority,
    OfstedJudgement,
    Organisation,
    Outcome,
    Partnership,
    PartnershipMember,
    Setting,
)
from knotwork.notices.demo import NoticesDemo, notices_demo, parent_contacts_demo
from knotwork.placements.demo import PlacementsDemo
from knotwork.placements.demo_access import access_demo
from knotwork.placements.demo_budget import budget_demo
from knotwork.placements.demo_panels import panels_demo
from knotwork.placements.demo_provision import PROVIDER_USERNAME, provision_demo
from knotwork.privacy.demo import PrivacyDemo, privacy_demo
from knotwork.pupils.models import Contact, Enrolment, Pupil, PupilLink
from knotwork.pupils.rules import birth_dates_for_year_group, upn_check_letter
from knotwork.termdates.models import AcademicYear, Calendar, Closure, Term

Date = datetime.date
Progress = Callable[[int, int], None]

PASSWORD = "knotwork-demo-2026"
ACADEMIC_YEAR = 2026  # pupils are in years 7-11 in 2026/27
LA_CODE, LA_NAME = "845", "East Marsh"
PARTNERSHIP_NAME = "East Marsh Behaviour and Attendance Partnership"
WRITE_CHUNK = 5000  # pupils planned, then written, at a time
BATCH_SIZE = 1000  # rows per INSERT (SQLite caps it lower by itself)
LAST_START = Date(2026, 11, 13)  # no enrolment starts after this

# --- Term dates -------------------------------------------------------------------------

_HALF_TERMS = {  # first and last day of each half term, INSET days included
    2025: [("2025-09-01", "2025-10-24"), ("2025-11-03", "2025-12-19"),
           ("2026-01-05", "2026-02-13"), ("2026-02-23", "2026-03-27"),
           ("2026-04-13", "2026-05-22"), ("2026-06-01", "2026-07-21")],
    2026: [("2026-09-01", "2026-10-23"), ("2026-11-02", "2026-12-18"),
           ("2027-01-04", "2027-02-12"), ("2027-02-22", "2027-03-25"),
           ("2027-04-12", "2027-05-28"), ("2027-06-07", "2027-07-21")],
}  # fmt: skip
_INSET_DAYS = {
    2025: ["2025-09-01", "2025-09-02", "2025-11-03", "2026-01-05", "2026-06-01"],
    2026: ["2026-09-01", "2026-09-02", "2026-11-02", "2027-01-04", "2027-07-21"],
}

# --- Organisations ------------------------------------------------------------------------

# name, establishment number (the middle of a DfE number, 845/xxxx), type
_SETTINGS = [
    ("Marshfield Academy", "4001", Setting.Type.SECONDARY),
    ("Saltfleet Community College", "4012", Setting.Type.SECONDARY),
    ("St Aidan's Church of England High School", "4603", Setting.Type.SECONDARY),
    ("Kingsmere School", "4105", Setting.Type.SECONDARY),
    ("Harbourside Academy", "4320", Setting.Type.SECONDARY),
    ("Northgate High School", "5401", Setting.Type.SECONDARY),
    ("The Bridge Short Stay School", "1101", Setting.Type.PRU),
]
_SCHOOL_SIZES = (1.25, 1.1, 1.05, 0.95, 0.9, 0.75)  # relative rolls of the six schools
_PRU = len(_SETTINGS) - 1
_LA_SERVICE_NAME = "East Marsh Behaviour and Attendance Service"

_WHOLE_LA = "Whole of East Marsh"
_O = {  # outcome codes, from the directory's data migration
    "h": "be_healthy", "s": "stay_safe", "e": "enjoy_and_achieve",
    "p": "positive_contribution", "w": "economic_wellbeing",
}  # fmt: skip

# name, type, services, how to refer, area, outcomes (letters of _O)
_AGENCIES = [
    ("East Marsh Education Welfare Service", Agency.Type.EWS,
     "Casework with families where attendance is a concern; attendance panels and parenting "
     "contracts; penalty notices and prosecution for the local authority; children missing "
     "education; child employment licences.",
     "The attendance referral form, once the school's own support plan has run for six weeks. "
     "Attach the register printout and notes of meetings with parents.", _WHOLE_LA, "esw"),
    ("East Marsh Educational Psychology Service", Agency.Type.EP,
     "Consultation, assessment and advice on learning, behaviour and emotional needs; advice "
     "for EHC needs assessments; staff training; support after critical incidents.",
     "Agree the work with the school's link psychologist at the termly planning meeting. "
     "Critical incidents: phone the duty psychologist.", _WHOLE_LA, "he"),
    ("East Marsh Child and Adolescent Mental Health Service", Agency.Type.CAMHS,
     "Assessment and treatment for moderate to severe mental health needs; a mental health "
     "support team in schools for anxiety and low mood; a 24-hour crisis line.",
     "Single point of access: the online referral form, from a GP, the school or the family. "
     "The school's mental health lead can consult the in-school team first.", _WHOLE_LA, "hs"),
    ("East Marsh Youth Justice Service", Agency.Type.YOT,
     "Supervision of 10 to 17 year olds on court orders and out-of-court disposals; "
     "prevention work with young people at risk of offending; restorative justice.",
     "Prevention: the early help form, with the young person's and a parent's consent. "
     "Statutory work comes from the police and the courts.", _WHOLE_LA, "sp"),
    ("East Marsh Children's Services Front Door", Agency.Type.SOCIAL_CARE,
     "The single front door for worries about a child's welfare or safety: multi-agency "
     "screening, child in need and child protection assessments, early help allocation.",
     "Talk to your designated safeguarding lead, then phone the front door or send the "
     "multi-agency referral form. A child in immediate danger: call 999.", _WHOLE_LA, "hs"),
    ("Connexions East Marsh", Agency.Type.CAREERS,
     "Independent careers guidance for 13 to 19 year olds (to 25 with an EHC plan); "
     "targeted support for young people at risk of not being in education, employment or "
     "training; tracking of post-16 destinations.",
     "Careers leaders send the termly at-risk-of-NEET list, or e-mail the area adviser.",
     _WHOLE_LA, "ew"),
    ("East Marsh Police Safer Schools Partnership", Agency.Type.POLICE_SSP,
     "A named officer and PCSO for each secondary school; lessons on online safety, knives "
     "and exploitation; joint work on incidents in and around school.",
     "Contact the school's named officer. Emergencies 999, non-urgent crime 101.",
     _WHOLE_LA, "sp"),
    ("School Nursing Service (Healthy Child Programme)", Agency.Type.SCHOOL_NURSE,
     "Drop-in clinics in every secondary school, emotional health support, sexual health "
     "advice, health care plans for medical conditions.",
     "Schools and parents use the single point of contact; young people can text the "
     "confidential ChatHealth line.", _WHOLE_LA, "h"),
    ("East Marsh Youth Service", Agency.Type.YOUTH_SERVICE,
     "Youth clubs and detached youth work in the evenings; group work on anger, confidence "
     "and relationships; the Duke of Edinburgh's Award.",
     "Young people can just come along. Targeted group work: the youth work referral form.",
     "Marshfield, Saltfleet and Kingsmere", "hep"),
    ("North East Marsh Multi-Agency Support Team", Agency.Type.MAST,
     "Early help for families: family support workers, parenting programmes and a team "
     "around the family for needs that cross services.",
     "Complete an early help assessment with the family and send it in; cases are allocated "
     "at the fortnightly meeting.", "North East Marsh", "hsepw"),
    ("Specialist Teaching and Autism Service", Agency.Type.SPECIALIST,
     "Advice and short-term teaching for pupils with autism, speech and language or sensory "
     "needs; outreach from the special schools; staff training.",
     "The SENCO sends the service request form with the pupil's SEN support plan.",
     _WHOLE_LA, "he"),
    ("Young Carers East Marsh", Agency.Type.VOLUNTARY,
     "Young carers' needs assessments, respite activities, one-to-one support and a young "
     "carer's card for school.",
     "Young people, families or schools: by phone or the online form, with the young "
     "person's consent.", _WHOLE_LA, "hep"),
    ("Marshlands Mentoring Trust", Agency.Type.VOLUNTARY,
     "Weekly one-to-one mentoring for a year by trained volunteers for pupils at risk of "
     "exclusion; group work on the move to secondary school.",
     "The referral form with a short note of the pupil's strengths and worries; the wait "
     "is about six weeks.", "Saltfleet and the coast", "ep"),
    ("East Marsh Housing Options", Agency.Type.HOUSING,
     "Advice for families at risk of homelessness, temporary accommodation, joint "
     "assessment of homeless 16 and 17 year olds with children's services.",
     "Families phone the housing options line; schools can use the duty to refer form, "
     "with consent.", _WHOLE_LA, "sw"),
    ("Switch Young People's Drug and Alcohol Service", Agency.Type.OTHER,
     "Confidential advice and treatment for under-18s using drugs or alcohol; sessions "
     "for schools and parents.",
     "Young people can refer themselves; schools and parents by phone or the referral "
     "form.", "East Marsh and neighbouring districts", "hs"),
]  # fmt: skip

# username, first school (0-5) / PRU (6) / "la" / "camhs" / "" (none), role, can edit, job title
_USERS = [
    ("admin", "", "", False, ""),
    ("leader", 0, Role.BA_LEADER, True, "Deputy head, behaviour and attendance"),
    ("headofyear", 0, Role.SCHOOL_STAFF, False, "Head of Year 9"),
    ("staff", 1, Role.SCHOOL_STAFF, True, "Attendance officer"),
    ("pru", _PRU, Role.BA_LEADER, True, "Head of centre"),
    ("coordinator", "la", Role.COORDINATOR, True, "Partnership coordinator"),
    ("laofficer", "la", Role.LA_OFFICER, False, "Inclusion officer"),
    ("camhs", "camhs", Role.AGENCY_PRACTITIONER, False, "Mental health practitioner"),
    ("board", "la", Role.BOARD_MEMBER, False, "Chair of the partnership board"),
    ("dpo", "la", Role.LA_OFFICER, False, "Data protection officer"),
]
#: The demo's sign-ins: those above, then the first alternative provider's member of staff,
#: made with the provider by ``placements.demo_provision`` (so only when placements are).
DEMO_USERNAMES = (*(row[0] for row in _USERS), PROVIDER_USERNAME)

# --- Pupils -------------------------------------------------------------------------------

# Most popular names of children born in England 2011-2015 (ONS), for British-named families.
_GIRLS = [
    "Olivia", "Amelia", "Emily", "Isla", "Ava", "Jessica", "Isabella", "Lily", "Ella", "Mia",
    "Sophie", "Poppy", "Grace", "Evie", "Sophia", "Charlotte", "Ruby", "Chloe", "Isabelle",
    "Daisy", "Freya", "Phoebe", "Sienna", "Holly", "Millie", "Lucy", "Ellie", "Scarlett", "Erin",
    "Megan", "Imogen", "Layla", "Summer", "Lola", "Evelyn", "Florence", "Alice", "Matilda",
    "Harriet", "Eva"
]  # fmt: skip
_BOYS = [
    "Oliver", "Jack", "Harry", "Jacob", "Charlie", "Thomas", "George", "Oscar", "James", "William",
    "Noah", "Alfie", "Joshua", "Muhammad", "Henry", "Leo", "Archie", "Ethan", "Joseph", "Freddie",
    "Samuel", "Alexander", "Logan", "Daniel", "Isaac", "Max", "Mohammed", "Benjamin", "Mason",
    "Lucas", "Edward", "Harrison", "Jake", "Dylan", "Riley", "Finley", "Theo", "Sebastian", "Adam",
    "Zachary"
]  # fmt: skip
# More popular names first: weights 1/(rank + 15), so the top name is about 5% of children.
_GIRL_WEIGHTS = list(itertools.accumulate(1 / (rank + 15) for rank in range(len(_GIRLS))))
_BOY_WEIGHTS = list(itertools.accumulate(1 / (rank + 15) for rank in range(len(_BOYS))))
_KNOWN_AS = {
    "Olivia": "Liv", "Isabella": "Bella", "Jessica": "Jess", "Charlotte": "Lottie",
    "Isabelle": "Izzy", "Matilda": "Tilly", "Florence": "Flo", "Harriet": "Hattie",
    "Alexander": "Alex", "Benjamin": "Ben", "Joshua": "Josh", "Samuel": "Sam", "Thomas": "Tom",
    "William": "Will", "Zachary": "Zac", "Joseph": "Joe", "Daniel": "Dan", "James": "Jamie",
    "Edward": "Ted", "Sebastian": "Seb",
}  # fmt: skip
# British Pakistani and Bangladeshi families' names (Faker has no good list for them).
_SA_GIRLS = [
    "Aisha", "Maryam", "Zainab", "Fatima", "Hafsa", "Amina", "Inaaya", "Safa", "Hania", "Sumaiya",
    "Ayesha", "Noor", "Anaya", "Iqra", "Mahnoor", "Tasnim", "Sadia", "Nusrat", "Aleena", "Zara",
    "Samira", "Rumana", "Sabrina", "Yasmin"
]  # fmt: skip
_SA_BOYS = [
    "Muhammad", "Mohammed", "Ibrahim", "Yusuf", "Ayaan", "Zayn", "Hamza", "Ali", "Adam", "Rayyan",
    "Abdullah", "Bilal", "Imran", "Zakariya", "Saif", "Tahmid", "Rafi", "Arham", "Haris", "Junaid",
    "Umar", "Usman", "Tariq", "Raihan"
]  # fmt: skip
_SA_SURNAMES = [
    "Khan", "Hussain", "Ahmed", "Ali", "Shah", "Iqbal", "Akhtar", "Mahmood", "Butt", "Rashid",
    "Rahman", "Uddin", "Miah", "Islam", "Hoque", "Choudhury", "Sheikh", "Malik", "Aslam", "Mirza",
    "Qureshi", "Hassan", "Karim", "Begum"
]  # fmt: skip
_SA = "south_asian"  # the name source using the three lists above

_E = tuple[tuple[str, tuple[str, ...]], ...]  # (name source, home languages of EAL families)
# DfE ethnicity code, % of secondary pupils (national, rounded), share with EAL, name sources
_ETHNICITIES: list[tuple[str, float, float, _E]] = [
    ("WBRI", 64.5, 0.003, (("en_GB", ("Welsh", "British Sign Language")),)),
    ("WIRI", 0.3, 0.05, (("en_IE", ("Irish",)),)),
    ("WIRT", 0.1, 0.05, (("en_IE", ("Shelta",)),)),
    ("WROM", 0.4, 0.7, (("ro_RO", ("Romanian", "Romany")),)),
    ("WOTH", 6.5, 0.65, (("pl_PL", ("Polish",)), ("ro_RO", ("Romanian",)),
                         ("pt_PT", ("Portuguese",)), ("it_IT", ("Italian",)))),
    ("MWBC", 1.7, 0.02, (("en_GB", ("English",)),)),
    ("MWBA", 0.9, 0.25, (("en_GB", ("Yoruba", "Shona")), ("en_NG", ("Yoruba", "Igbo")))),
    ("MWAS", 1.8, 0.10, (("en_GB", ("Urdu", "Punjabi")),)),
    ("MOTH", 2.3, 0.20, (("en_GB", ("Spanish", "Arabic", "Portuguese")),)),
    ("AIND", 3.7, 0.50, (("en_IN", ("Punjabi", "Gujarati", "Tamil", "Hindi")),)),
    ("APKN", 4.6, 0.70, ((_SA, ("Urdu", "Punjabi", "Pashto")),)),
    ("ABAN", 2.0, 0.80, ((_SA, ("Bengali", "Sylheti")),)),
    ("AOTH", 2.0, 0.65, (("en_IN", ("Tamil", "Malayalam", "Nepali")), (_SA, ("Pashto", "Dari")))),
    ("BCRB", 1.0, 0.03, (("en_GB", ("English",)),)),
    ("BAFR", 4.2, 0.50, (("yo_NG", ("Yoruba",)), ("ig_NG", ("Igbo",)), ("en_NG", ("Yoruba",)),
                         ("tw_GH", ("Twi", "Akan")), ("en_KE", ("Swahili",)))),
    ("BOTH", 0.7, 0.40, (("en_GB", ("English",)), ("en_NG", ("French", "Lingala")))),
    ("CHNE", 0.5, 0.70, (("zh_CN", ("Mandarin", "Cantonese")),)),
    ("OOTH", 2.0, 0.70, ((_SA, ("Arabic", "Kurdish", "Farsi")), ("tr_TR", ("Turkish",)))),
    ("REFU", 0.8, 0.10, (("en_GB", ("English",)),)),
    ("NOBT", 0.3, 0.30, (("en_GB", ("Polish", "Arabic")),)),
]  # fmt: skip
_LOCALES = sorted({src for *_, sources in _ETHNICITIES for src, _ in sources} - {_SA})

_TOWNS = ["Marshfield", "Saltfleet", "Kingsmere", "Harbourside", "Northgate", "Eastbrook",
          "Wyke Marsh", "Fenby"]  # fmt: skip
_STREET_ENDINGS = [
    "Road", "Street", "Close", "Avenue", "Lane", "Way", "Gardens", "Drive", "Crescent", "Grove",
    "Place", "Rise"
]  # fmt: skip
_POSTCODE_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"
_EMAIL_DOMAINS = ("example.com", "example.org", "example.net")


@dataclass(frozen=True, slots=True)
class EnrolmentPlan:
    setting: int  # index into the demo's settings: 0-5 the schools, 6 the PRU
    start_date: Date
    end_date: Date | None
    registration: str


@dataclass(frozen=True, slots=True)
class ContactPlan:
    name: str
    relationship: str
    parental_responsibility: bool
    phone: str
    email: str
    address: str
    preferred_channel: str
    language: str
    interpreter_needed: bool
    priority: int


@dataclass(frozen=True, slots=True)
class PupilPlan:
    upn: str
    legal_forename: str
    middle_names: str
    legal_surname: str
    preferred_forename: str
    preferred_surname: str
    date_of_birth: Date
    sex: str
    ethnicity: str
    sen_provision: str
    fsm_eligible: bool
    looked_after: bool
    child_in_need: bool
    young_carer: bool
    eal: bool
    enrolments: tuple[EnrolmentPlan, ...]
    contacts: tuple[ContactPlan, ...]


PUPIL_FIELDS = [f.name for f in fields(PupilPlan) if f.name not in ("enrolments", "contacts")]


@dataclass(frozen=True)
class SignIn:
    username: str
    role: str
    organisation: str
    can_edit: bool


@dataclass(frozen=True)
class DemoSummary:
    partnership: str
    settings: int
    agencies: int
    pupils: int
    enrolments: int
    contacts: int
    sign_ins: list[SignIn]
    password: str = PASSWORD
    registers: int = 0
    incidents: int = 0
    suspensions: int = 0
    permanent_exclusions: int = 0
    concerns: ConcernsDemo | None = None
    referrals: ReferralsDemo | None = None
    cases: CasesDemo | None = None
    consent: ConsentDemo | None = None
    privacy: PrivacyDemo | None = None
    notices: NoticesDemo | None = None
    parent_contacts: int = 0
    placements: PlacementsDemo | None = None


class DemoAlreadyBuilt(Exception):
    """The database already holds the demo partnership or one of its users."""


# --- Planning pupils (no database) ----------------------------------------------------------


def _weekday_on_or_after(day: Date) -> Date:
    while day.weekday() >= 5:
        day += datetime.timedelta(days=1)
    return day


def _random_weekday(rng: random.Random, first: Date, last: Date) -> Date:
    day = first + datetime.timedelta(days=rng.randint(0, (last - first).days))
    return min(_weekday_on_or_after(day), _weekday_on_or_after(last))


def _year_7_start(year_group: int) -> Date:
    return _weekday_on_or_after(Date(ACADEMIC_YEAR - (year_group - 7), 9, 1))


def _ascii(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if c.isascii() and c.isalpha())


class _Names:
    """Children's and adults' names for a family's name source, from Faker or the lists above."""

    def __init__(self, seed: int) -> None:
        proxy = Faker(["en_GB", *(loc for loc in _LOCALES if loc != "en_GB")])
        proxy.seed_instance(seed)
        self._fakers = {loc: proxy[loc] for loc in _LOCALES}

    def surname(self, source: str, rng: random.Random) -> str:
        if source == _SA:
            return rng.choice(_SA_SURNAMES)
        if source == "zh_CN":
            return str(self._fakers[source].last_romanized_name())
        return str(self._fakers[source].last_name())

    def forename(self, source: str, sex: str, rng: random.Random, *, child: bool) -> str:
        if source == _SA:
            return rng.choice(_SA_GIRLS if sex == "F" else _SA_BOYS)
        if source == "en_GB" and child:
            if sex == "F":
                return rng.choices(_GIRLS, cum_weights=_GIRL_WEIGHTS)[0]
            return rng.choices(_BOYS, cum_weights=_BOY_WEIGHTS)[0]
        fake = self._fakers[source]
        if source == "zh_CN":
            return str(fake.first_romanized_name())
        return str(fake.first_name_female() if sex == "F" else fake.first_name_male())

    def street(self, rng: random.Random) -> str:
        return f"{self._fakers['en_GB'].last_name()} {rng.choice(_STREET_ENDINGS)}"


class _UpnAllocator:
    """Unique UPNs as the DfE allocates them: LA, establishment, year of allocation, serial.

    Most pupils got their UPN at a feeder primary in reception; a few came from
    neighbouring LAs, and recent arrivals from abroad got one at their secondary.
    """

    NEIGHBOURS = ("846", "886", "936", "938")

    def __init__(self, pupils: int, rng: random.Random) -> None:
        feeders = max(12, math.ceil(pupils / 5 / 45))  # about 45 a year group from each
        self._feeders = rng.sample(range(2001, 3990), min(feeders, 1980))
        self._serials: dict[str, int] = {}
        self._rng = rng

    def allocate(self, year_group: int, school_establishment: str, arrived: Date | None) -> str:
        rng = self._rng
        while True:
            if arrived is not None:
                prefix = f"{LA_CODE}{school_establishment}{arrived.year % 100:02d}"
            else:
                la = LA_CODE if rng.random() < 0.93 else rng.choice(self.NEIGHBOURS)
                reception = ACADEMIC_YEAR - year_group  # 2019 for year 7 in 2026/27
                prefix = f"{la}{rng.choice(self._feeders)}{reception % 100:02d}"
            serial = self._serials.get(prefix, 0) + 1
            if serial < 1000:
                self._serials[prefix] = serial
                body = f"{prefix}{serial:03d}"
                return upn_check_letter(body) + body
            arrived = None  # that serial block is full: take one from a feeder instead


def _placements(pupils: int, rng: random.Random) -> list[tuple[str, int]]:
    """Each pupil's kind of placement ("school", "pru" or "dual") and school, shuffled."""
    single_at_pru = min(90, round(pupils * 0.005))
    dual = min(60, round(pupils * 0.003))
    schools = rng.choices(range(len(_SCHOOL_SIZES)), weights=_SCHOOL_SIZES, k=pupils)
    kinds = ["pru"] * single_at_pru + ["dual"] * dual
    kinds += ["school"] * (pupils - len(kinds))
    placements = list(zip(kinds, schools, strict=True))
    rng.shuffle(placements)
    return placements


def _enrolment_plans(
    kind: str, school: int, year_group: int, rng: random.Random
) -> tuple[EnrolmentPlan, ...]:
    start = _year_7_start(year_group)
    earliest_change = max(start + datetime.timedelta(days=30), Date(ACADEMIC_YEAR - 1, 9, 1))
    if kind == "pru":  # left the school (see behaviour.demo), on roll at the PRU within days
        excluded = _random_weekday(rng, earliest_change, LAST_START)
        joined = _weekday_on_or_after(excluded + datetime.timedelta(days=rng.randint(1, 6)))
        return (
            EnrolmentPlan(school, start, excluded, "C"),
            EnrolmentPlan(_PRU, joined, None, "C"),
        )
    if kind == "dual":  # a part-time placement at the PRU while staying on the school's roll
        placed = _random_weekday(rng, earliest_change, LAST_START)
        return (
            EnrolmentPlan(school, start, placed - datetime.timedelta(days=1), "C"),
            EnrolmentPlan(school, placed, None, "M"),
            EnrolmentPlan(_PRU, placed, None, "S"),
        )
    chance = rng.random()
    if chance < 0.90:
        return (EnrolmentPlan(school, start, None, "C"),)
    joined = _random_weekday(rng, earliest_change, LAST_START)
    if chance < 0.95:  # an in-year admission from outside the partnership
        return (EnrolmentPlan(school, joined, None, "C"),)
    previous = rng.choice([s for s in range(len(_SCHOOL_SIZES)) if s != school])
    left = joined - datetime.timedelta(days=rng.randint(1, 15))
    return (
        EnrolmentPlan(previous, start, max(left, start), "C"),
        EnrolmentPlan(school, joined, None, "C"),
    )


def _year_group(kind: str, rng: random.Random) -> int:
    if kind == "school":
        return rng.randint(7, 11)
    return rng.choices((7, 8, 9, 10, 11), weights=(3, 8, 22, 32, 35))[0]


def _characteristics(kind: str, rng: random.Random) -> dict[str, Any]:
    """SEN, FSM and care status: national secondary shares, higher for pupils at the PRU."""
    at_pru = kind != "school"
    sen = rng.random()
    looked_after = rng.random() < (0.05 if at_pru else 0.007)
    return {
        "sex": "M" if rng.random() < (0.72 if at_pru else 0.5) else "F",
        "sen_provision": "E" if sen < (0.12 if at_pru else 0.025) else "K"
        if sen < (0.5 if at_pru else 0.155) else "N",
        "fsm_eligible": rng.random() < (0.55 if at_pru else 0.25),
        "looked_after": looked_after,
        "child_in_need": looked_after or rng.random() < (0.15 if at_pru else 0.023),
        "young_carer": rng.random() < 0.02,
    }  # fmt: skip


def _contact_plans(
    names: _Names,
    rng: random.Random,
    *,
    surname: str,
    source: str,
    language: str,
    looked_after: bool,
) -> tuple[ContactPlan, ...]:
    """One or two adults, at least one with parental responsibility, sharing a home."""
    town = rng.randrange(len(_TOWNS))
    postcode = f"EM{town + 1} {rng.randint(1, 9)}{''.join(rng.choices(_POSTCODE_LETTERS, k=2))}"
    address = f"{rng.randint(1, 180)} {names.street(rng)}\n{_TOWNS[town]}\n{postcode}"
    interpreter = language != "English" and rng.random() < 0.3
    if looked_after:
        people = [("Foster carer", False, "F"), ("Social worker (local authority)", True, "F")]
    else:
        first = rng.choices(
            [("Mother", "F"), ("Father", "M"), ("Grandmother", "F"), ("Special guardian", "F")],
            weights=(80, 14, 4, 2),
        )[0]
        people = [(first[0], True, first[1])]
        if rng.random() < 0.62:
            second = {"Mother": ("Father", "M"), "Father": ("Mother", "F")}.get(
                first[0], ("Grandfather", "M")
            )
            people.append((second[0], second[0] in ("Father", "Mother"), second[1]))
    if looked_after:  # carers and social workers from the area, not the birth family
        source, surname, language, interpreter = "en_GB", "", "English", False
    contacts = []
    for priority, (relationship, responsibility, sex) in enumerate(people, start=1):
        forename = names.forename(source, sex, rng, child=False)
        family_name = surname if surname and rng.random() < 0.8 else names.surname(source, rng)
        email = ""
        if rng.random() < 0.8:
            local = f"{_ascii(forename)}.{_ascii(family_name)}{rng.randint(1, 99)}".lower()
            email = f"{local}@{rng.choice(_EMAIL_DOMAINS)}"
        channel = rng.choices(("text", "email", "phone", "letter"), weights=(50, 30, 15, 5))[0]
        contacts.append(
            ContactPlan(
                name=f"{forename} {family_name}",
                relationship=relationship,
                parental_responsibility=responsibility,
                phone=f"07700 900{rng.randrange(1000):03d}",
                email=email,
                address="" if looked_after and priority == 2 else address,
                preferred_channel="text" if channel == "email" and not email else channel,
                language=language,
                interpreter_needed=interpreter,
                priority=priority,
            )
        )
    return tuple(contacts)


def pupil_plans(*, pupils: int, seed: int) -> Iterator[PupilPlan]:
    """The demo's pupils, in the order they are written; the same seed gives the same ones."""
    rng = random.Random(seed)
    names = _Names(seed)
    upns = _UpnAllocator(pupils, rng)
    codes = [code for code, *_ in _ETHNICITIES]
    shares = [share for _, share, *_ in _ETHNICITIES]
    details = {code: (eal_rate, sources) for code, _, eal_rate, sources in _ETHNICITIES}
    for kind, school in _placements(pupils, rng):
        year_group = _year_group(kind, rng)
        traits = _characteristics(kind, rng)
        ethnicity = rng.choices(codes, weights=shares)[0]
        eal_rate, sources = details[ethnicity]
        source, languages = rng.choice(sources)
        eal = rng.random() < eal_rate
        enrolments = _enrolment_plans(kind, school, year_group, rng)
        first = enrolments[0]  # a recent arrival from abroad gets a UPN from the first school
        arrived = first.start_date if eal and rng.random() < 0.15 else None
        upn = upns.allocate(year_group, _SETTINGS[first.setting][1], arrived)
        born_after, born_by = birth_dates_for_year_group(year_group, Date(ACADEMIC_YEAR, 9, 1))
        born = born_after + datetime.timedelta(days=rng.randint(0, (born_by - born_after).days))
        sex = traits["sex"]
        forename = names.forename(source, sex, rng, child=True)
        middle = names.forename(source, sex, rng, child=True) if rng.random() < 0.55 else ""
        surname = names.surname(source, rng)
        known_as = _KNOWN_AS.get(forename, "") if rng.random() < 0.35 else ""
        language = rng.choice(languages) if eal else "English"
        contacts = _contact_plans(
            names,
            rng,
            surname=surname,
            source=source,
            language=language,
            looked_after=traits["looked_after"],
        )
        yield PupilPlan(
            upn=upn,
            legal_forename=forename,
            middle_names=middle if middle != forename else "",
            legal_surname=surname,
            preferred_forename=known_as,
            preferred_surname="",
            date_of_birth=born,
            ethnicity=ethnicity,
            eal=eal,
            enrolments=enrolments,
            contacts=contacts,
            **traits,
        )


# --- Writing ------------------------------------------------------------------------------


@dataclass
class _Organisations:
    settings: list[Setting]
    la_service: Organisation
    agencies: list[Agency]
    users: dict[str, User]


def _build_calendar() -> Calendar:
    calendar, _ = Calendar.objects.get_or_create(name=f"{LA_NAME} term dates")
    for start_year, halves in _HALF_TERMS.items():
        year, created = AcademicYear.objects.get_or_create(calendar=calendar, start_year=start_year)
        if not created:
            continue
        names = ["autumn", "autumn", "spring", "spring", "summer", "summer"]
        Term.objects.bulk_create(
            Term(
                academic_year=year,
                name=name,
                half=1 + i % 2,
                starts_on=Date.fromisoformat(first),
                ends_on=Date.fromisoformat(last),
            )
            for i, (name, (first, last)) in enumerate(zip(names, halves, strict=True))
        )
        Closure.objects.bulk_create(
            Closure(academic_year=year, date=Date.fromisoformat(day), kind="inset")
            for day in _INSET_DAYS[start_year]
        )
    return calendar


def _judgements(setting: Setting, rng: random.Random) -> list[OfstedJudgement]:
    graded = ("outstanding", "good", "requires_improvement", "inadequate")
    report_card = ("exceptional", "strong", "expected", "needs_attention", "urgent_improvement")
    years = sorted(rng.sample(range(2013, 2025), rng.randint(1, 2)))
    rows = [
        OfstedJudgement(
            setting=setting,
            inspected_on=_random_weekday(rng, Date(year, 1, 10), Date(year, 12, 10)),
            behaviour=rng.choices(graded, weights=(15, 60, 20, 5))[0],
        )
        for year in years
    ]
    if rng.random() < 0.4:  # inspected under the report cards from November 2025
        rows.append(
            OfstedJudgement(
                setting=setting,
                inspected_on=_random_weekday(rng, Date(2025, 11, 17), Date(2026, 11, 6)),
                behaviour=rng.choices(report_card, weights=(3, 30, 50, 15, 2))[0],
            )
        )
    return rows


def _build_settings(la: LocalAuthority, calendar: Calendar, rng: random.Random) -> list[Setting]:
    taken = set(Setting.objects.values_list("urn", flat=True))
    urns = [str(urn) for urn in rng.sample(range(100000, 200000), 20) if str(urn) not in taken]
    settings = []
    for (name, _establishment, setting_type), urn in zip(_SETTINGS, urns, strict=False):
        setting = Setting.objects.create(
            name=name,
            kind=Organisation.Kind.SETTING,
            local_authority=la,
            urn=urn,
            phase=Setting.Phase.SECONDARY,
            setting_type=setting_type,
            calendar=calendar,
        )
        OfstedJudgement.objects.bulk_create(_judgements(setting, rng))
        settings.append(setting)
    return settings


def _build_agencies(la: LocalAuthority, fake: Faker, rng: random.Random) -> list[Agency]:
    outcomes = {outcome.code: outcome for outcome in Outcome.objects.all()}
    agencies = []
    for name, agency_type, services, how_to_refer, area, letters in _AGENCIES:
        slug = "".join(word[0] for word in name.split() if word[0].isalpha()).lower()
        agency = Agency.objects.create(
            name=name,
            kind=Organisation.Kind.AGENCY,
            local_authority=la,
            agency_type=agency_type,
            services=services,
            how_to_refer=how_to_refer,
            contact_name=fake.name(),
            phone=f"01632 960{rng.randrange(1000):03d}",
            email=f"{slug}@eastmarsh.example",
            website=f"https://www.eastmarsh.example/{slug}",
            area=area,
            last_reviewed=_random_weekday(rng, Date(2025, 6, 2), Date(2026, 11, 13)),
        )
        agency.outcomes.set([outcomes[_O[letter]] for letter in letters if _O[letter] in outcomes])
        agencies.append(agency)
    return agencies


def _build_users(orgs: _Organisations, fake: Faker) -> None:
    password = make_password(PASSWORD)  # hashed once: every demo user shares it
    places: dict[object, Organisation] = dict(enumerate(orgs.settings))
    camhs = next(a for a in orgs.agencies if a.agency_type == Agency.Type.CAMHS)
    places.update({"la": orgs.la_service, "camhs": camhs})
    for username, place, role, can_edit, job_title in _USERS:
        first, last = fake.first_name(), fake.last_name()
        user = User.objects.create(
            username=username,
            password=password,
            first_name="Admin" if username == "admin" else first,
            last_name="" if username == "admin" else last,
            email=f"{username}@eastmarsh.example",
            is_staff=username == "admin",
            is_superuser=username == "admin",
        )
        if role:
            Membership.objects.create(
                user=user,
                organisation=places[place],
                role=role,
                can_edit=can_edit,
                job_title=job_title,
            )
        orgs.users[username] = user
    Agency.objects.filter(pk__in=[a.pk for a in orgs.agencies]).update(
        kept_by=orgs.users["coordinator"]
    )


def _build_partnership(la: LocalAuthority, orgs: _Organisations, fake: Faker) -> Partnership:
    partnership = Partnership.objects.create(
        name=PARTNERSHIP_NAME, local_authority=la, meeting_frequency="monthly"
    )
    members: list[tuple[Organisation, str]] = [
        (s, "Headteacher" if s.setting_type == "secondary" else "Head of centre")
        for s in orgs.settings
    ]
    members.append((orgs.la_service, "Head of behaviour and attendance"))
    members += [(agency, "Service manager") for agency in orgs.agencies]
    founded = Date(2021, 9, 1)
    names = [(fake.first_name(), fake.last_name()) for _ in members]
    PartnershipMember.objects.bulk_create(
        PartnershipMember(
            partnership=partnership,
            organisation=organisation,
            representative_name=f"{first} {last}",
            representative_role=role,
            representative_email=f"{_ascii(first)}.{_ascii(last)}@eastmarsh.example".lower(),
            joined_on=founded if not isinstance(organisation, Agency) else Date(2022, 1, 10),
        )
        for (organisation, role), (first, last) in zip(members, names, strict=True)
    )
    return partnership


def _build_organisations(seed: int) -> _Organisations:
    fake = Faker("en_GB")
    fake.seed_instance(seed)
    rng = random.Random(seed)
    la, _ = LocalAuthority.objects.get_or_create(code=LA_CODE, defaults={"name": LA_NAME})
    settings = _build_settings(la, _build_calendar(), rng)
    la_service = Organisation.objects.create(
        name=_LA_SERVICE_NAME, kind=Organisation.Kind.LA_SERVICE, local_authority=la
    )
    orgs = _Organisations(settings, la_service, _build_agencies(la, fake, rng), {})
    _build_partnership(la, orgs, fake)
    _build_users(orgs, fake)
    return orgs


def _write_pupils(
    plans: list[PupilPlan], settings: list[Setting]
) -> tuple[int, int]:  # enrolments, contacts written
    pupils = Pupil.objects.bulk_create(
        [Pupil(**{f: getattr(plan, f) for f in PUPIL_FIELDS}) for plan in plans],
        batch_size=BATCH_SIZE,
    )
    setting_ids = [s.pk for s in settings]
    enrolments = [
        Enrolment(
            pupil_id=pupil.pk,
            setting_id=setting_ids[e.setting],
            start_date=e.start_date,
            end_date=e.end_date,
            registration=e.registration,
        )
        for pupil, plan in zip(pupils, plans, strict=True)
        for e in plan.enrolments
    ]
    contacts = [
        Contact(pupil_id=pupil.pk, **{f: getattr(c, f) for f in ContactPlan.__slots__})
        for pupil, plan in zip(pupils, plans, strict=True)
        for c in plan.contacts
    ]
    Enrolment.objects.bulk_create(enrolments, batch_size=BATCH_SIZE)
    Contact.objects.bulk_create(contacts, batch_size=BATCH_SIZE)
    return len(enrolments), len(contacts)


def _refresh_planner_statistics(*models: type[Model]) -> None:
    """After a bulk load the query planner knows nothing of the new rows until autovacuum
    (PostgreSQL) or an ANALYZE (SQLite) runs, and picks slow plans meanwhile."""
    with connection.cursor() as cursor:
        for model in models or (Pupil, Enrolment, Contact, PupilLink):
            cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")


@dataclass(frozen=True)
class _Casework:
    concerns: ConcernsDemo
    referrals: ReferralsDemo
    cases: CasesDemo
    consent: ConsentDemo
    privacy: PrivacyDemo
    notices: NoticesDemo
    parent_contacts: int
    placements: PlacementsDemo | None


def _build_casework(
    orgs: _Organisations, *, today: Date, seed: int, pupils: int, placements: bool
) -> _Casework:
    """Concerns, then referrals (some from the concerns), then cases (some from the
    referrals and concerns); the coordinator acts for settings with no staff of their own,
    and the CAMHS practitioner leads cases of their own. Then the consent those links rest
    on, the data protection lead with a past break-glass use, the notices the case teams
    were sent and the schools' contacts with parents. The partnership's own business
    comes with it: the panel and its managed moves first (a move in its trial is a trigger
    point), then fair access, alternative provision and the pooled budget (whose cost per
    improved outcome reads the cases' measures)."""
    partnership = Partnership.objects.get(name=PARTNERSHIP_NAME)
    coordinator = orgs.users["coordinator"]
    panels = (
        panels_demo(partnership=partnership, today=today, actor=coordinator, seed=seed)
        if placements
        else None
    )
    concerns = concerns_demo(partnership=partnership, today=today, actor=coordinator, seed=seed)
    referrals = referrals_demo(
        partnership=partnership, today=today, actor=coordinator, pupils=pupils, seed=seed
    )
    cases = cases_demo(
        partnership=partnership,
        today=today,
        actor=coordinator,
        pupils=pupils,
        key_worker=orgs.users["camhs"],
        seed=seed,
    )
    consent = consent_demo(seed=seed, today=today)
    privacy = privacy_demo(today=today)
    notices = notices_demo(seed=seed, today=today)
    parent_contacts = parent_contacts_demo(seed=seed, today=today)
    business = None
    if panels is not None:
        business = PlacementsDemo(
            panels,
            provision_demo(partnership=partnership, today=today, actor=coordinator, seed=seed),
            budget_demo(partnership=partnership, today=today, actor=coordinator, seed=seed),
            access_demo(partnership=partnership, today=today, actor=coordinator, seed=seed),
        )
    _refresh_planner_statistics(Concern, Referral, Case, PupilLink, Enrolment)
    return _Casework(
        concerns,
        referrals,
        cases,
        consent,
        privacy,
        notices,
        parent_contacts,
        business,
    )


def demo_sign_ins() -> list[SignIn]:
    """The demo's users that exist in the database, in the order the demo lists them."""
    users = User.objects.filter(username__in=DEMO_USERNAMES).prefetch_related(
        "memberships__organisation"
    )
    by_name = {user.username: user for user in users}
    sign_ins = []
    for username in DEMO_USERNAMES:
        user = by_name.get(username)
        if user is None:
            continue
        if user.is_superuser:
            sign_ins.append(SignIn(username, "Administrator (superuser)", "-", True))
        for m in user.memberships.all():
            sign_ins.append(SignIn(username, m.get_role_display(), m.organisation.name, m.can_edit))
    return sign_ins


def _refuse_if_built() -> None:
    if Partnership.objects.filter(name=PARTNERSHIP_NAME).exists():
        raise DemoAlreadyBuilt(f"The database already has the {PARTNERSHIP_NAME}.")
    taken = sorted(
        User.objects.filter(username__in=DEMO_USERNAMES).values_list("username", flat=True)
    )
    if taken:
        raise DemoAlreadyBuilt(f"The database already has users named {', '.join(taken)}.")


@transaction.atomic
def demo_build(
    *,
    pupils: int,
    seed: int,
    progress: Progress | None = None,
    today: Date | None = None,
    attendance_progress: Progress | None = None,
    behaviour_progress: Progress | None = None,
    casework: bool = True,
    placements: bool = True,
) -> DemoSummary:
    """Build the demo partnership with ``pupils`` pupils, in one transaction.

    Attendance is marked up to ``today`` (the local date unless given), and behaviour
    recorded up to the day before; ``attendance_progress`` hears how many registers are
    written, of how many, and ``behaviour_progress`` how many behaviour records. Then,
    unless ``casework`` is False, the casework: the trigger points' concerns and staff
    concerns (``concerns_demo``), referrals to the agencies' services
    (``referrals_demo``) and cases with their key workers (``cases_demo``), with the
    partnership's panel, managed moves, fair access, alternative provision and pooled
    budget (``placements.demo``) unless ``placements`` is False.
    """
    if pupils < 0:
        raise ValueError("The number of pupils cannot be negative.")
    _refuse_if_built()
    orgs = _build_organisations(seed)
    plans = pupil_plans(pupils=pupils, seed=seed)
    done = enrolments = contacts = 0
    while chunk := list(itertools.islice(plans, WRITE_CHUNK)):
        written = _write_pupils(chunk, orgs.settings)
        done += len(chunk)
        enrolments += written[0]
        contacts += written[1]
        if progress is not None:
            progress(done, pupils)
    _refresh_planner_statistics()
    today = today or timezone.localdate()
    registers = attendance_build(
        settings=orgs.settings, seed=seed, today=today, progress=attendance_progress
    )
    behaviour = behaviour_build(
        settings=orgs.settings,
        seed=seed,
        today=today,
        recorded_by=orgs.users["coordinator"],
        progress=behaviour_progress,
    )
    work = (
        _build_casework(orgs, today=today, seed=seed, pupils=done, placements=placements)
        if casework
        else None
    )
    return DemoSummary(
        partnership=PARTNERSHIP_NAME,
        settings=len(orgs.settings),
        agencies=len(orgs.agencies),
        pupils=done,
        enrolments=enrolments,
        contacts=contacts,
        sign_ins=demo_sign_ins(),
        registers=registers,
        incidents=behaviour.incidents,
        suspensions=behaviour.suspensions,
        permanent_exclusions=behaviour.permanent_exclusions,
        concerns=work.concerns if work else None,
        referrals=work.referrals if work else None,
        cases=work.cases if work else None,
        consent=work.consent if work else None,
        privacy=work.privacy if work else None,
        notices=work.notices if work else None,
        parent_contacts=work.parent_contacts if work else 0,
        placements=work.placements if work else None,
    )
