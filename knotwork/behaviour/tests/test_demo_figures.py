"""The demo partnership's behaviour figures are close to national secondary figures, with
the published skews (../shared/domain/england.md §4.7). The figures are read back from
the database the way a data team would count them."""

from __future__ import annotations

import datetime
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pytest
from django.db.models import Count, Q
from django.utils import timezone

from knotwork.accounts.models import User
from knotwork.attendance.queries import SessionMaps
from knotwork.behaviour.demo import context_for, roll_of, year_groups
from knotwork.behaviour.demo.year import Year
from knotwork.behaviour.models import Exclusion, Incident, IncidentPupil, Withdrawal
from knotwork.directory.demo import demo_build
from knotwork.directory.models import Setting
from knotwork.pupils.models import Pupil

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 11, 24)  # a Tuesday in the autumn term
LAST_YEAR = (datetime.date(2025, 9, 1), datetime.date(2026, 8, 31))
THIS_YEAR = (datetime.date(2026, 9, 1), datetime.date(2027, 8, 31))
PUPILS = 2000  # enough that the skews stand clear of chance


@dataclass(frozen=True)
class Traits:
    male: bool
    fsm: bool
    sen: str
    year_group: int


def pupils_on_roll(year: tuple[datetime.date, datetime.date]) -> dict[int, Traits]:
    """Pupils with an enrolment on roll some time in the year, up to TODAY."""
    first, last = year[0], min(year[1], TODAY)
    rows = list(
        Pupil.objects.filter(
            Q(enrolments__end_date__isnull=True) | Q(enrolments__end_date__gte=first),
            enrolments__start_date__lte=last,
        )
        .distinct()
        .values_list("pk", "sex", "fsm_eligible", "sen_provision", "date_of_birth")
    )
    born = np.asarray([row[4] for row in rows], dtype="datetime64[D]")
    groups = year_groups(born, first.year).tolist()
    return {
        pk: Traits(sex == "M", fsm, sen, group)
        for (pk, sex, fsm, sen, _), group in zip(rows, groups, strict=True)
    }


def suspensions_in(year: tuple[datetime.date, datetime.date]) -> list[Exclusion]:
    return list(
        Exclusion.objects.filter(
            kind="suspension", cancelled_on__isnull=True, start_date__range=year
        ).order_by("pk")
    )


def rate_per_100(
    counts: Counter[int], pupils: dict[int, Traits], keep: Callable[[Traits], bool] | None = None
) -> float:
    """Suspensions (or whatever ``counts`` holds) per 100 pupils of a group."""
    group = [pk for pk, traits in pupils.items() if keep is None or keep(traits)]
    return 100 * sum(counts[pk] for pk in group) / len(group)


@pytest.fixture
def demo() -> None:
    demo_build(pupils=PUPILS, seed=1, today=TODAY)


def test_suspensions_are_at_secondary_rates_with_repeats(demo):
    pupils = pupils_on_roll(LAST_YEAR)
    suspensions = suspensions_in(LAST_YEAR)
    counts = Counter(s.pupil_id for s in suspensions)
    assert 15 <= rate_per_100(counts, pupils) <= 30
    assert 6 <= 100 * len(counts) / len(pupils) <= 14  # one or more suspensions
    assert 1.7 <= len(suspensions) / len(counts) <= 3.2
    assert max(counts.values()) >= 5  # a few pupils suspended many times
    this_year = Counter(s.pupil_id for s in suspensions_in(THIS_YEAR))
    assert 3 <= rate_per_100(this_year, pupils_on_roll(THIS_YEAR)) <= 12  # 12 weeks in


def test_boys_free_school_meals_and_sen_are_suspended_more(demo):
    pupils = pupils_on_roll(LAST_YEAR)
    counts = Counter(s.pupil_id for s in suspensions_in(LAST_YEAR))
    suspended = Counter(dict.fromkeys(counts, 1))

    def ratio(
        counted: Counter[int], group: Callable[[Traits], bool], others: Callable[[Traits], bool]
    ) -> float:
        return rate_per_100(counted, pupils, group) / rate_per_100(counted, pupils, others)

    for counted in (counts, suspended):  # suspensions, and pupils with one or more
        assert ratio(counted, lambda t: t.male, lambda t: not t.male) > 2
        assert ratio(counted, lambda t: t.fsm, lambda t: not t.fsm) > 2
        assert ratio(counted, lambda t: t.sen == "K", lambda t: t.sen == "N") > 2
        assert ratio(counted, lambda t: t.sen == "E", lambda t: t.sen == "N") > 1.5


def test_years_9_and_10_are_suspended_most(demo):
    pupils = pupils_on_roll(LAST_YEAR)  # Years 7 to 10 last year
    suspended = Counter(dict.fromkeys((s.pupil_id for s in suspensions_in(LAST_YEAR)), 1))

    def rate(*groups: int) -> float:
        return rate_per_100(suspended, pupils, lambda t: t.year_group in groups)

    assert max((7, 8, 9, 10), key=rate) in (9, 10)
    assert rate(9, 10) > 1.2 * rate(7, 8)


def test_persistent_disruption_is_about_half_the_reasons(demo):
    suspensions = suspensions_in(LAST_YEAR)
    reasons = Counter(code for s in suspensions for code in s.reasons)
    assert 0.4 <= reasons["DB"] / sum(reasons.values()) <= 0.6
    assert len(reasons) >= 10
    assert any(len(s.reasons) == 3 for s in suspensions)
    lengths = Counter(s.sessions for s in suspensions)
    assert lengths.most_common(1)[0][0] == 2  # one day
    assert lengths[1] > 0  # half days
    long = [s for s in suspensions if s.sessions > 10]  # over five days
    assert long and all(s.provision_by == "school" and s.provision_from for s in long)


def test_permanent_exclusions_are_few_and_follow_the_steps(demo):
    exclusions = list(Exclusion.objects.filter(kind="permanent"))
    assert 1 <= len(exclusions) <= PUPILS / 100
    for exclusion in exclusions:
        assert exclusion.provision_by == "la" and exclusion.provision_from
        assert exclusion.parents_told_on and exclusion.la_told_on
        assert exclusion.sessions is None
        assert exclusion.incident is not None and exclusion.incident.severity == 4
    upheld = [e for e in exclusions if e.board_outcome == "upheld"]
    assert upheld and all(e.board_met_on and e.board_decision_sent_on for e in upheld)


def permanent_exclusions_in(year: tuple[datetime.date, datetime.date]) -> Counter[int]:
    return Counter(
        Exclusion.objects.filter(
            kind="permanent", cancelled_on__isnull=True, start_date__range=year
        ).values_list("pupil_id", flat=True)
    )


def test_permanent_exclusions_are_near_the_national_rate(demo):
    # 2,000 pupils: about two a year, so the rate moves in steps of 0.06.
    rate = rate_per_100(permanent_exclusions_in(LAST_YEAR), pupils_on_roll(LAST_YEAR))
    assert 0.06 <= rate <= 0.25


def test_permanent_exclusions_at_the_default_size_are_a_few_at_the_national_rate():
    demo_build(pupils=6000, seed=1, today=TODAY)
    last_year = permanent_exclusions_in(LAST_YEAR)
    assert 0.1 <= rate_per_100(last_year, pupils_on_roll(LAST_YEAR)) <= 0.2  # 0.13-0.2
    this_year = permanent_exclusions_in(THIS_YEAR)  # 12 weeks of 39 in
    assert 0.02 <= rate_per_100(this_year, pupils_on_roll(THIS_YEAR)) <= 0.1
    assert 5 <= sum(last_year.values()) + sum(this_year.values()) <= 20


def test_when_too_few_left_for_the_unit_pupils_who_moved_school_were_excluded():
    """A large partnership wants more permanent exclusions than its unit's roll holds: the
    rest are of pupils who went to another school after the review route."""
    demo_build(pupils=600, seed=1, today=TODAY)
    settings = list(Setting.objects.order_by("pk"))
    roll = roll_of(settings)
    context = context_for(
        settings, roll, seed=1, today=TODAY, recorded_by=User.objects.get(username="coordinator")
    )
    calendar = SessionMaps().for_setting(settings[0], 2025)
    assert calendar is not None
    year = Year(context, np.arange(roll.enrolment.shape[0]), calendar)
    year.permanent_exclusions(40)
    plans = year.exclusions_of("permanent")
    assert 0 < len(plans) <= 40
    went_to = Counter()
    for plan in plans:
        following = plan.row + 1
        assert roll.pupil[following] == roll.pupil[plan.row]
        assert plan.off_roll_on is not None
        assert roll.start[following] > np.datetime64(plan.off_roll_on)
        went_to[bool(context.units[roll.setting[following]])] += 1
    assert went_to[True] and went_to[False]


def test_incidents_are_many_with_most_pupils_in_none(demo):
    pupils = pupils_on_roll(LAST_YEAR)
    incidents = Incident.objects.filter(occurred_at__date__range=LAST_YEAR)
    assert 1.5 <= incidents.count() / len(pupils) <= 4
    assert incidents.count() > 5 * len(suspensions_in(LAST_YEAR))
    in_any = (
        IncidentPupil.objects.filter(incident__in=incidents, role__in=["instigator", "involved"])
        .values("pupil")
        .distinct()
    )
    assert in_any.count() < len(pupils) / 2
    most = in_any.annotate(n=Count("pk")).order_by("-n").first()
    assert most is not None and most["n"] >= 15  # a few pupils in many


def test_incidents_happen_more_on_monday_mornings_after_lunch_and_at_break(demo):
    local = [
        (timezone.localtime(when), place, kind)
        for when, place, kind in Incident.objects.filter(
            occurred_at__date__range=LAST_YEAR
        ).values_list("occurred_at", "place", "kind")
    ]
    weekdays = Counter(when.weekday() for when, _, _ in local)
    assert weekdays[0] == max(weekdays.values())
    assert weekdays[0] > 1.2 * weekdays[4]
    mornings = Counter(when.weekday() for when, _, _ in local if when.hour < 12)
    assert mornings[0] / weekdays[0] > mornings[2] / weekdays[2]

    def places_between(first: datetime.time, last: datetime.time) -> Counter[str]:
        return Counter(place for when, place, _ in local if first <= when.time() < last)

    after_lunch = places_between(datetime.time(13, 20), datetime.time(13, 45))
    assert after_lunch.most_common(1)[0][0] == "corridor"
    at_break = places_between(datetime.time(10, 45), datetime.time(11, 5))
    assert at_break.most_common(1)[0][0] == "playground"
    online = [place for when, place, kind in local if kind == "online"]
    assert online and set(online) == {"online"}


def test_fights_and_bullying_have_targets_witnesses_and_the_same_two_pupils(demo):
    roles = Counter(IncidentPupil.objects.values_list("incident__kind", "role"))
    assert roles[("physical_pupil", "target")] > 0
    assert roles[("physical_pupil", "witness")] > 0
    assert roles[("observation", "involved")] > 0
    bullying = Counter(Incident.objects.exclude(bullying="").values_list("bullying", flat=True))
    assert len(bullying) >= 6 and bullying["racist"] > 0
    assert not Incident.objects.filter(bullying="racist", racist=False).exists()
    targets = IncidentPupil.objects.filter(incident__bullying__gt="", role="target")
    assert targets.values("incident").distinct().count() == sum(bullying.values())
    pupils_of: dict[int, list[int]] = defaultdict(list)
    for incident, pupil in IncidentPupil.objects.filter(
        role__in=["instigator", "target"]
    ).values_list("incident", "pupil"):
        pupils_of[incident].append(pupil)
    pairs = Counter(tuple(sorted(p)) for p in pupils_of.values() if len(p) == 2)
    assert pairs.most_common(1)[0][1] >= 3  # the same two pupils again


def test_withdrawals_follow_some_incidents(demo):
    kinds = Counter(Withdrawal.objects.values_list("kind", flat=True))
    assert set(kinds) == {"remove_room", "internal", "lsu"}
    assert kinds["remove_room"] > kinds["internal"] > kinds["lsu"]
    incidents = Incident.objects.count()
    assert 0.05 * incidents <= sum(kinds.values()) <= 0.3 * incidents
    for withdrawal in Withdrawal.objects.select_related("incident").order_by("pk")[:300]:
        assert (withdrawal.sessions is None) != (withdrawal.minutes is None)
        assert withdrawal.incident is not None
        assert withdrawal.incident.pupils.filter(pupil=withdrawal.pupil_id).exists()
        assert withdrawal.date >= timezone.localtime(withdrawal.incident.occurred_at).date()
        assert withdrawal.incident.action_taken in (
            "Removed to the remove room",
            "Internal exclusion",
            "Time in the learning support unit",
        )
