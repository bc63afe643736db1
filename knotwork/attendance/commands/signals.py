"""``knotwork attendance signals``: work out the early signs again and print the counts."""

from __future__ import annotations

import datetime
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from knotwork.attendance.models import Signal
from knotwork.attendance.signal_services import signals_refresh
from knotwork.directory.models import Setting

HELP = (
    "Work out the early signs (attendance falling, newly persistent, penalty notice "
    "threshold, same weekday) for current enrolments and store them; prints the counts."
)


def _day(text: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"--on wants a date as YYYY-MM-DD, not {text!r}.") from None


def add_arguments(parser: ArgumentParser) -> None:
    parser.add_argument("--on", metavar="YYYY-MM-DD", help="The day to work them out for (today).")
    parser.add_argument(
        "--setting",
        metavar="URN",
        action="append",
        dest="urns",
        help="Only this setting (by URN); give it again for more.",
    )


def run(command: BaseCommand, options: dict[str, Any]) -> None:
    on = _day(options["on"]) if options.get("on") else timezone.localdate()
    settings = None
    urns: list[str] | None = options.get("urns")
    if urns:
        settings = list(Setting.objects.filter(urn__in=urns))
        missing = sorted(set(urns) - {s.urn for s in settings})
        if missing:
            raise CommandError(f"No setting has the URN {', '.join(missing)}.")
    outcome = signals_refresh(on=on, settings=settings)
    write = command.stdout.write
    write(f"Early signs on {on.isoformat()}: {outcome.enrolments} enrolments checked.")
    write(f"{'sign':<36} {'raised':>7} {'still':>7} {'cleared':>8}")
    for kind, label in Signal.Kind.choices:
        counts = outcome.by_kind[kind]
        write(f"{label:<36} {counts.raised:>7} {counts.continuing:>7} {counts.cleared:>8}")
