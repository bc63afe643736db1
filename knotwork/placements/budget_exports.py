"""The budget statement taken elsewhere: CSV and XLSX for a spreadsheet and a PDF a
governing board can read. Figures and settings only, never a pupil."""

from __future__ import annotations

import csv
import datetime
import io
from collections.abc import Iterable

from django.template.loader import render_to_string

from knotwork.placements.budget_models import BudgetEntry, PooledBudget
from knotwork.placements.budget_queries import AccountRow
from knotwork.placements.budget_rules import Statement
from knotwork.placements.workbook_exports import Sheet, workbook

# A spreadsheet runs a cell starting with one of these as a formula.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _cell(text: str) -> str:
    return f"'{text}" if text.startswith(_FORMULA_STARTS) else text


def statement_lines(statement: Statement) -> list[list[str]]:
    """Section, line, amount: each section's lines, then its total; the balance last."""
    lines: list[list[str]] = []
    for section, rows, total in (
        ("Contributions", statement.contributions, statement.contributed),
        ("Spending", statement.spending, statement.spent),
        ("Commitments", statement.commitments, statement.committed),
    ):
        lines += [[section, line.label, f"{line.amount:.2f}"] for line in rows]
        lines.append([section, "Total", f"{total:.2f}"])
    lines.append(
        ["Balance", "Contributions less spending and commitments", f"{statement.balance:.2f}"]
    )
    return lines


STATEMENT_HEADER = ["Section", "Line", "Amount (£)"]


def statement_csv(budget: PooledBudget, statement: Statement, through: datetime.date) -> str:
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow([f"{budget.partnership.name}: pooled budget {budget.year_label}"])
    writer.writerow([f"To {through:%d/%m/%Y}", "", ""])
    writer.writerow(STATEMENT_HEADER)
    writer.writerows([[_cell(v) for v in line] for line in statement_lines(statement)])
    return out.getvalue()


LEDGER_HEADER = [
    "On",
    "Entry",
    "Account",
    "Category",
    "Source",
    "Setting",
    "What for",
    "Amount (£)",
]


def ledger_lines(entries: Iterable[BudgetEntry]) -> list[list[str]]:
    """Every entry of the ledger, oldest first: what an auditor checks the statement by.
    An order's line names its menu item, never its pupil."""
    lines = []
    for e in entries:
        what = e.order.item.activity if e.order is not None else ""
        if e.note:
            what = f"{what}: {e.note}" if what else e.note
        row = [
            e.on.isoformat(),
            e.get_kind_display(),
            e.get_account_display(),
            e.get_category_display() if e.category else "",
            e.get_source_display() if e.source else "",
            e.setting.name if e.setting is not None else "",
            what,
            f"{e.amount:.2f}",
        ]
        lines.append(row)
    return lines


def ledger_csv(entries: Iterable[BudgetEntry]) -> str:
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow(LEDGER_HEADER)
    writer.writerows([[_cell(v) for v in line] for line in ledger_lines(entries)])
    return out.getvalue()


def _about(budget: PooledBudget, through: datetime.date) -> list[tuple[str, str]]:
    return [
        ("Budget", f"{budget.partnership.name}: pooled budget {budget.year_label}"),
        ("To", f"{through:%d/%m/%Y}"),
    ]


def statement_xlsx(budget: PooledBudget, statement: Statement, through: datetime.date) -> bytes:
    sheet = Sheet("Statement", STATEMENT_HEADER, statement_lines(statement), numbers=frozenset({2}))
    return workbook([sheet], _about(budget, through))


def ledger_xlsx(
    budget: PooledBudget, entries: Iterable[BudgetEntry], through: datetime.date
) -> bytes:
    sheet = Sheet(
        "Ledger", LEDGER_HEADER, ledger_lines(entries), numbers=frozenset({7}), dates=frozenset({0})
    )
    return workbook([sheet], _about(budget, through))


def statement_html(
    budget: PooledBudget,
    statement: Statement,
    accounts: list[AccountRow],
    through: datetime.date,
) -> str:
    return render_to_string(
        "placements/budget_statement_print.html",
        {"budget": budget, "statement": statement, "accounts": accounts, "through": through},
    )


def statement_pdf(html: str) -> bytes:
    # WeasyPrint takes over half a second to import: load it only when a statement is printed.
    from weasyprint import HTML

    pdf: bytes = HTML(string=html).write_pdf()
    return pdf
