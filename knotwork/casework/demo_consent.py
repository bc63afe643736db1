"""Demo consent and sharing: consent records for the pupils whose referrals, cases or
practitioner links rest on consent, a few of them expired or withdrawn, and a few
decisions to share without consent for safeguarding.

Called after ``demo_build`` (and after the demo's referrals and cases, when there are
any): it reads the ``Referral``, ``Case`` and ``PupilLink`` rows whose basis is consent
and gives each pupil consent to the organisation concerned, from their parent or carer
(or, for pupils of 13 and over now and then, from the young person), so the demo's
practitioner sees the pupils they are linked to. Alongside, some consent that ran out
last year (and was given again) and some given to another agency and withdrawn, so the
sharing pages show every state without closing any record the demo's users rely on.
Run again, it adds nothing a pupil already has. Rows go straight to the tables, as the
demo's other records do.
"""

from __future__ import annotations

import datetime
import random
from collections.abc import Collection, Iterable
from dataclasses import dataclass

from django.db import transaction

from knotwork.accounts.models import Membership, Role, User
from knotwork.casework.case_models import CaseMember
from knotwork.casework.consent_models import ConsentRecord, SharingDecision
from knotwork.casework.models import Referral
from knotwork.directory.models import Organisation
from knotwork.pupils.models import Contact, Enrolment, Pupil, PupilLink

CONSENT = PupilLink.LawfulBasis.CONSENT
SHARED_WITH = (Organisation.Kind.AGENCY, Organisation.Kind.LA_SERVICE)
#: Historic consents that expired, and consents to another agency withdrawn, at least.
EXPIRED = 3
WITHDRAWN = 3
DECISIONS = 4
_WITHDRAWAL_NOTES = (
    "Parent phoned the office: no longer wants the service involved.",
    "Young person asked for the sessions to stop.",
    "Family moved to another provider; consent withdrawn by letter.",
)
_DECISION_REASONS = (
    "Disclosure of harm at home; telling the family first would raise the risk.",
    "Missing from education with worries about exploitation; police and social care "
    "need the attendance and behaviour record now.",
    "Concerns about neglect raised by two staff; strategy discussion called.",
    "Child seen with injuries; referral to children's social care under section 47.",
)


@dataclass(frozen=True)
class ConsentDemo:
    consents: int
    expired: int
    withdrawn: int
    decisions: int


@dataclass(frozen=True)
class _Want:
    pupil_id: int
    organisation_id: int
    given_on: datetime.date


def _wanted(today: datetime.date) -> list[_Want]:
    """Each (pupil, organisation) whose sharing rests on consent, with the earliest day."""
    found: dict[tuple[int, int], datetime.date] = {}

    def want(pupil_id: int, organisation_id: int | None, on: datetime.date) -> None:
        if organisation_id is None:
            return
        key = (pupil_id, organisation_id)
        found[key] = min(found.get(key, on), on, today)

    for pupil_id, to_id, sent_at in Referral.objects.filter(lawful_basis=CONSENT).values_list(
        "pupil_id", "to_organisation_id", "sent_at"
    ):
        want(pupil_id, to_id, sent_at.date())
    for pupil_id, organisation_id, opened_on in CaseMember.objects.filter(
        case__lawful_basis=CONSENT, organisation__kind__in=SHARED_WITH
    ).values_list("case__pupil_id", "organisation_id", "case__opened_on"):
        want(pupil_id, organisation_id, opened_on)
    practising = {
        user_id: organisation_id
        for user_id, organisation_id in Membership.objects.filter(
            role=Role.AGENCY_PRACTITIONER
        ).values_list("user_id", "organisation_id")
    }
    for pupil_id, user_id, starts_on in PupilLink.objects.filter(lawful_basis=CONSENT).values_list(
        "pupil_id", "user_id", "starts_on"
    ):
        want(pupil_id, practising.get(user_id), starts_on)
    already = set(ConsentRecord.objects.values_list("pupil_id", "organisation_id"))
    return [
        _Want(pupil_id, organisation_id, on)
        for (pupil_id, organisation_id), on in sorted(found.items())
        if (pupil_id, organisation_id) not in already
    ]


def _recorders(pupil_ids: Collection[int], today: datetime.date, fallback: User) -> dict[int, User]:
    """Who records each pupil's consent: an editing member of staff at their setting, else
    the partnership's coordinator."""
    editors: dict[int, User] = {}
    for m in Membership.objects.filter(
        can_edit=True, role__in=[Role.SCHOOL_STAFF, Role.BA_LEADER]
    ).select_related("user"):
        editors.setdefault(m.organisation_id, m.user)
    setting_of: dict[int, int] = {}
    for chunk in _chunks(pupil_ids):
        setting_of.update(
            Enrolment.objects.current(today)
            .filter(pupil_id__in=chunk)
            .values_list("pupil_id", "setting_id")
        )
    return {pid: editors.get(setting_of.get(pid, 0), fallback) for pid in pupil_ids}


def _parents(pupil_ids: Collection[int]) -> dict[int, str]:
    names: dict[int, str] = {}
    for chunk in _chunks(pupil_ids):
        for pupil_id, name in (
            Contact.objects.filter(pupil_id__in=chunk, parental_responsibility=True)
            .order_by("priority", "pk")
            .values_list("pupil_id", "name")
        ):
            names.setdefault(pupil_id, name)
    return names


def _chunks(ids: Iterable[int], size: int = 5000) -> list[list[int]]:
    """Ids in lists short enough for one query's parameters on SQLite."""
    ordered = sorted(ids)
    return [ordered[i : i + size] for i in range(0, len(ordered), size)]


def _consent(
    rng: random.Random,
    pupil: Pupil,
    organisation_id: int,
    given_on: datetime.date,
    parent: str,
    recorder: User,
    today: datetime.date,
) -> ConsentRecord:
    young_person = _age(pupil, today) >= 13 and rng.random() < 0.25
    return ConsentRecord(
        pupil=pupil,
        organisation_id=organisation_id,
        given_by=ConsentRecord.GivenBy.YOUNG_PERSON
        if young_person
        else ConsentRecord.GivenBy.PARENT,
        given_by_name=pupil.display_name if young_person or not parent else parent,
        given_on=given_on,
        shares_attendance=True,
        shares_behaviour=rng.random() < 0.9,
        shares_casework=True,
        note="For the referral and the work that follows it.",
        recorded_by=recorder,
    )


def _age(pupil: Pupil, today: datetime.date) -> int:
    born = pupil.date_of_birth
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


@transaction.atomic
def consent_demo(*, seed: int, today: datetime.date) -> ConsentDemo:
    """Consent for every pupil whose sharing rests on it, some expired and withdrawn
    consent beside it, and a few decisions to share without consent."""
    rng = random.Random(seed)
    coordinator = (
        User.objects.filter(memberships__role=Role.COORDINATOR, memberships__can_edit=True).first()
        or User.objects.filter(is_superuser=True).first()
    )
    if coordinator is None:
        return ConsentDemo(0, 0, 0, 0)
    wanted = _wanted(today)
    pupils = Pupil.objects.in_bulk([w.pupil_id for w in wanted])
    recorders = _recorders(pupils, today, coordinator)
    parents = _parents(pupils)
    live = [
        _consent(
            rng,
            pupils[w.pupil_id],
            w.organisation_id,
            w.given_on,
            parents.get(w.pupil_id, ""),
            recorders[w.pupil_id],
            today,
        )
        for w in wanted
    ]
    agencies = list(
        Organisation.objects.filter(kind__in=SHARED_WITH)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    history = _history(rng, wanted, agencies, pupils, parents, recorders, today)
    ConsentRecord.objects.bulk_create([*live, *history], batch_size=2000)
    decisions = _decisions(rng, agencies, today, coordinator)
    return ConsentDemo(
        consents=len(live) + len(history),
        expired=sum(1 for c in history if c.expires_on is not None),
        withdrawn=sum(1 for c in history if c.withdrawn_on is not None),
        decisions=len(decisions),
    )


def _history(
    rng: random.Random,
    wanted: list[_Want],
    agencies: list[int],
    pupils: dict[int, Pupil],
    parents: dict[int, str],
    recorders: dict[int, User],
    today: datetime.date,
) -> list[ConsentRecord]:
    """Consent given last year that ran out before this one, and consent to another
    agency that was withdrawn: neither changes what anyone sees today."""
    year_ago = today - datetime.timedelta(days=365)
    history: list[ConsentRecord] = []
    picked = rng.sample(wanted, min(len(wanted), EXPIRED + WITHDRAWN))
    for i, w in enumerate(picked):
        pupil = pupils[w.pupil_id]
        consent = _consent(
            rng,
            pupil,
            w.organisation_id,
            min(w.given_on, year_ago),
            parents.get(w.pupil_id, ""),
            recorders[w.pupil_id],
            today,
        )
        if i < EXPIRED:  # the year before this consent was given
            consent.given_on = w.given_on - datetime.timedelta(days=365)
            consent.expires_on = w.given_on - datetime.timedelta(days=1)
        else:
            others = [a for a in agencies if a != w.organisation_id]
            if not others:
                continue
            consent.organisation_id = rng.choice(others)
            consent.withdrawn_on = consent.given_on + datetime.timedelta(days=rng.randint(20, 90))
            consent.withdrawn_on = min(consent.withdrawn_on, today)
            consent.withdrawal_recorded_by = consent.recorded_by
            consent.withdrawal_note = _WITHDRAWAL_NOTES[i % len(_WITHDRAWAL_NOTES)]
        history.append(consent)
    return history


def _decisions(
    rng: random.Random, agencies: list[int], today: datetime.date, coordinator: User
) -> list[SharingDecision]:
    """Decisions to share without consent, for safeguarding, about children in need or
    looked after, taken by an editing member of staff at their setting (the DSL)."""
    if not agencies or SharingDecision.objects.exists():
        return []
    candidates = list(
        Enrolment.objects.current(today)
        .filter(pupil__child_in_need=True)
        .order_by("pupil_id")
        .values_list("pupil_id", "setting_id")[:200]
    )
    dsl = {
        m.organisation_id: m.user
        for m in Membership.objects.filter(can_edit=True, role=Role.BA_LEADER).select_related(
            "user"
        )
    }
    decisions = []
    for i, (pupil_id, setting_id) in enumerate(
        rng.sample(candidates, min(DECISIONS, len(candidates)))
    ):
        decider = dsl.get(setting_id, coordinator)
        starts_on = today - datetime.timedelta(days=rng.randint(3, 60))
        decisions.append(
            SharingDecision(
                pupil_id=pupil_id,
                organisation_id=rng.choice(agencies),
                lawful_basis=PupilLink.LawfulBasis.PUBLIC_TASK,
                special_condition="sch1_18",
                decided_by=decider,
                decided_by_role="Designated safeguarding lead"
                if decider is not coordinator
                else "Partnership coordinator",
                reason=_DECISION_REASONS[i % len(_DECISION_REASONS)],
                starts_on=starts_on,
                ends_on=starts_on + datetime.timedelta(days=90),
                shares_attendance=True,
                shares_behaviour=True,
                shares_casework=i % 2 == 0,
                recorded_by=decider,
            )
        )
    SharingDecision.objects.bulk_create(decisions)
    return decisions
