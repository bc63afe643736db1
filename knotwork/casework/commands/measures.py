"""``knotwork casework measures``: read the after figures of interventions that have ended."""

from __future__ import annotations

import datetime
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from knotwork.casework.case_models import Case
from knotwork.casework.case_services import case_measures_read

HELP = (
    "Read the after figure of every case measure whose intervention window ended before the "
    "day (or whose case has closed) and has not been read yet; prints how many were read."
)


def _day(text: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"--on wants a date as YYYY-MM-DD, not {text!r}.") from None


def add_arguments(parser: ArgumentParser) -> None:
    parser.add_argument("--on", metavar="YYYY-MM-DD", help="The day to read them on (today).")


def run(command: BaseCommand, options: dict[str, Any]) -> None:
    on = _day(options["on"]) if options.get("on") else timezone.localdate()
    cases = Case.objects.filter(measures__read_at__isnull=True).distinct().order_by("pk")
    read = checked = 0
    for case in cases.iterator():
        checked += 1
        read += len(case_measures_read(case=case, today=on))
    cases_text = f"{checked} case" + ("" if checked == 1 else "s")
    command.stdout.write(
        f"Case measures on {on.isoformat()}: {read} read, of {cases_text} with measures to read."
    )
