"""The partnership's placements as CSV."""

from __future__ import annotations

from collections.abc import Iterable

from knotwork.placements.fair_access_exports import table_csv
from knotwork.placements.provision_queries import PlacementRow

HEADER = [
    "Pupil",
    "UPN",
    "Home school",
    "Provider",
    "Kind",
    "Starts on",
    "Sessions a week at the provider",
    "Sessions a week at school",
    "Full-time",
    "Timetable adds up",
    "Planned return",
    "Ends on",
    "Outcome",
    "Reviews overdue",
    "Next review due",
]


def placements_csv(rows: Iterable[PlacementRow]) -> str:
    def line(r: PlacementRow) -> list[str]:
        p = r.placement
        return [
            p.pupil.display_name,
            p.pupil.upn,
            p.home_setting.name,
            p.provider.setting.name,
            p.get_kind_display(),
            p.starts_on.isoformat(),
            str(r.check.at_provider),
            str(r.check.at_school),
            "yes" if r.check.full_time else "no",
            "yes" if r.check.adds_up else "no",
            p.planned_reintegration_on.isoformat() if p.planned_reintegration_on else "",
            p.ends_on.isoformat() if p.ends_on else "",
            p.get_outcome_display() if p.outcome else "",
            str(len(r.overdue_reviews)),
            r.next_review.due_on.isoformat() if r.next_review else "",
        ]

    return table_csv(HEADER, (line(r) for r in rows))
