"""The partnership's placements as CSV and XLSX."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from knotwork.placements.fair_access_exports import table_csv
from knotwork.placements.provision_queries import PlacementRow
from knotwork.placements.workbook_exports import Sheet, workbook

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


def placement_lines(rows: Iterable[PlacementRow]) -> list[list[str]]:
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

    return [line(r) for r in rows]


def placements_csv(rows: Iterable[PlacementRow]) -> str:
    return table_csv(HEADER, placement_lines(rows))


def placements_xlsx(rows: Iterable[PlacementRow], today: datetime.date) -> bytes:
    sheet = Sheet(
        "Placements",
        HEADER,
        placement_lines(rows),
        numbers=frozenset({6, 7, 13}),
        dates=frozenset({5, 10, 11, 14}),
    )
    return workbook(
        [sheet],
        [
            ("On", f"{today:%d/%m/%Y}"),
            ("Note", "Only the placements of pupils you may see are listed."),
        ],
    )
