"""Early signs kept up to date: stored ``Signal`` rows worked out again from the registers.

``signals_refresh`` reads every current enrolment's registers (this year and
the one before, for the rules that look back over the summer), a setting at
a time, and applies ``signals.evaluate`` to each setting's matrix: a few
queries a setting, none a pupil. A sign found for the first time is a new
row; one still holding has its ``last_seen`` moved on; one that no longer
holds (or whose enrolment has ended) gets ``cleared_on``. A sign that comes
back after clearing is a new row: a new episode.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from fractions import Fraction

from django.db import transaction
from django.db.models import Max

from knotwork.attendance.models import Register, Signal
from knotwork.attendance.queries import SessionMaps, pa_threshold, start_year_of
from knotwork.attendance.register import stack
from knotwork.attendance.signals import (
    DEFAULTS,
    MarkHistory,
    SignalResult,
    SignalSettings,
    evaluate,
)
from knotwork.directory.models import PartnershipMember, Setting
from knotwork.pupils.models import Enrolment


def signal_settings_for(threshold: Fraction) -> SignalSettings:
    """The figures the signs use at a setting: the defaults, with its partnership's PA threshold."""
    return replace(DEFAULTS, pa_threshold=threshold)


def thresholds_of(setting_ids: Iterable[int]) -> dict[int, Fraction]:
    """Each setting's persistent absence threshold: its partnership's (the lowest, if it is
    in more than one), 10% for a setting in none."""
    found: dict[int, Fraction] = {}
    members = PartnershipMember.objects.filter(organisation_id__in=list(setting_ids))
    for member in members.select_related("partnership"):
        threshold = pa_threshold(member.partnership)
        previous = found.get(member.organisation_id)
        found[member.organisation_id] = threshold if previous is None else min(previous, threshold)
    return found


def enrolment_signals(
    enrolments: Sequence[Enrolment],
    on: datetime.date,
    *,
    since: datetime.date | None = None,
    maps: SessionMaps | None = None,
) -> dict[int, list[SignalResult]]:
    """The signs holding on ``on`` for each enrolment (by id), from its registers.

    Enrolments are taken a setting at a time: one query for the registers of
    each setting's enrolments, this year and last.
    """
    maps = maps or SessionMaps()
    start_year = start_year_of(on)
    by_setting: dict[int, list[Enrolment]] = defaultdict(list)
    settings_by_id: dict[int, Setting] = {}
    for enrolment in enrolments:
        by_setting[enrolment.setting_id].append(enrolment)
        settings_by_id[enrolment.setting_id] = enrolment.setting
    thresholds = thresholds_of(by_setting)
    found: dict[int, list[SignalResult]] = {}
    for setting_id, group in by_setting.items():
        setting = settings_by_id[setting_id]
        current = maps.for_setting(setting, start_year)
        if current is None:
            continue
        previous = maps.for_setting(setting, start_year - 1)
        years = [y for y in (previous, current) if y is not None]
        ids = [e.pk for e in group]
        stored: dict[tuple[int, int], bytes] = {
            (enrolment_id, year_id): bytes(marks)
            for enrolment_id, year_id, marks in Register.objects.filter(
                enrolment_id__in=ids, academic_year__in=[y.year for y in years]
            ).values_list("enrolment_id", "academic_year_id", "marks")
        }
        history = MarkHistory.from_years(
            [
                (y.sessions, stack((stored.get((i, y.year.pk), b"") for i in ids), len(y.sessions)))
                for y in years
            ],
            year_start=current.year.starts_on,
        )
        settings = signal_settings_for(thresholds.get(setting_id, DEFAULTS.pa_threshold))
        for enrolment_id, results in zip(
            ids, evaluate(history, on, settings, since=since), strict=True
        ):
            found[enrolment_id] = results
    return found


@dataclass
class KindCounts:
    raised: int = 0
    continuing: int = 0
    cleared: int = 0


@dataclass
class SignalsRefreshed:
    on: datetime.date
    enrolments: int
    by_kind: dict[str, KindCounts] = field(
        default_factory=lambda: {kind: KindCounts() for kind in Signal.Kind.values}
    )


def last_refresh_before(on: datetime.date) -> datetime.date | None:
    """The last day signs were worked out before ``on``: the latest day any was still seen."""
    latest: datetime.date | None = Signal.objects.filter(last_seen__lt=on).aggregate(
        latest=Max("last_seen")
    )["latest"]
    return latest


@transaction.atomic
def signals_refresh(
    *, on: datetime.date, settings: Iterable[Setting] | None = None
) -> SignalsRefreshed:
    """Work out the signs for every enrolment current on ``on`` (at ``settings``, or all)
    and bring the stored ``Signal`` rows into line."""
    setting_ids = None if settings is None else [s.pk for s in settings]
    enrolments = Enrolment.objects.current(on).select_related("setting")
    if setting_ids is not None:
        enrolments = enrolments.filter(setting_id__in=setting_ids)
    current = list(enrolments.order_by("setting_id", "pk"))
    found = enrolment_signals(current, on, since=last_refresh_before(on))

    open_signals = Signal.objects.select_for_update().filter(cleared_on__isnull=True)
    if setting_ids is not None:
        open_signals = open_signals.filter(enrolment__setting_id__in=setting_ids)
    existing = {(s.enrolment_id, s.kind): s for s in open_signals}

    outcome = SignalsRefreshed(on=on, enrolments=len(current))
    new: list[Signal] = []
    seen: list[Signal] = []
    for enrolment_id, results in found.items():
        for result in results:
            signal = existing.pop((enrolment_id, result.kind), None)
            if signal is None:
                new.append(
                    Signal(
                        enrolment_id=enrolment_id,
                        kind=result.kind,
                        first_seen=on,
                        last_seen=on,
                        evidence=result.evidence,
                    )
                )
                outcome.by_kind[result.kind].raised += 1
            else:
                signal.last_seen = max(signal.last_seen, on)
                signal.evidence = result.evidence
                seen.append(signal)
                outcome.by_kind[result.kind].continuing += 1
    # Cleared: no longer holding, or the enrolment has ended. A current enrolment whose
    # setting has no calendar for the day was not looked at, so its signs stay as they are.
    unknown = {e.pk for e in current} - set(found)
    cleared = [s for s in existing.values() if s.enrolment_id not in unknown]
    for signal in cleared:
        signal.cleared_on = max(on, signal.first_seen)
        outcome.by_kind[signal.kind].cleared += 1
    Signal.objects.bulk_create(new, batch_size=1000)
    Signal.objects.bulk_update(seen, ["last_seen", "evidence"], batch_size=1000)
    Signal.objects.bulk_update(cleared, ["cleared_on"], batch_size=1000)
    return outcome
