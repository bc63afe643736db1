"""The agency directory taken elsewhere: a printable A4 leaflet (PDF) and a CSV file."""

from __future__ import annotations

import csv
import datetime
import io
from collections.abc import Iterable, Sequence

from django.template.loader import render_to_string

from knotwork.directory.models import Agency, Partnership

CSV_HEADER = [
    "Name",
    "Type",
    "Services",
    "How to refer",
    "Contact name",
    "Phone",
    "Email",
    "Website",
    "Area",
    "Outcomes",
    "Last reviewed",
    "Review due",
]

# A spreadsheet runs a cell starting with one of these as a formula.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def agency_leaflet_html(
    agencies: Iterable[Agency],
    *,
    partnerships: Sequence[Partnership],
    selection: Sequence[str],
    printed_on: datetime.date,
) -> str:
    """The leaflet as HTML with print CSS: the partnership's name, the date, one block an agency."""
    names = ", ".join(partnership.name for partnership in partnerships)
    return render_to_string(
        "directory/agency_leaflet.html",
        {
            "title": f"{names}: agency directory" if names else "Agency directory",
            "agencies": list(agencies),
            "selection": selection,
            "printed_on": printed_on,
        },
    )


def agency_leaflet_pdf(html: str) -> bytes:
    """Lay the leaflet's HTML out on A4 pages."""
    # WeasyPrint takes over half a second to import: load it only when a leaflet is asked for.
    from weasyprint import HTML

    pdf: bytes = HTML(string=html).write_pdf()
    return pdf


def _cell(value: str) -> str:
    return f"'{value}" if value.startswith(_FORMULA_STARTS) else value


def agency_csv(agencies: Iterable[Agency]) -> str:
    """The directory as CSV, with a byte order mark so spreadsheets read it as UTF-8.

    Expects ``agencies`` from ``queries.agencies_matching`` (outcomes prefetched, review due
    annotated)."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow(CSV_HEADER)
    for agency in agencies:
        row = [
            agency.name,
            agency.get_agency_type_display(),
            agency.services,
            agency.how_to_refer,
            agency.contact_name,
            agency.phone,
            agency.email,
            agency.website,
            agency.area,
            "; ".join(outcome.name for outcome in agency.outcomes.all()),
            agency.last_reviewed.isoformat(),
            "Yes" if getattr(agency, "review_due", False) else "No",
        ]
        writer.writerow([_cell(str(value)) for value in row])
    return out.getvalue()
