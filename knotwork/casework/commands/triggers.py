"""``knotwork casework triggers``: evaluate the trigger points and raise new concerns."""

from __future__ import annotations

import datetime
import uuid
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from knotwork.casework.concern_services import concerns_tidy, triggers_run
from knotwork.directory.models import Partnership

HELP = (
    "Evaluate every active trigger rule of each partnership (or one) on a day and raise a "
    "concern for each new firing; prints how many were raised per rule."
)


def _day(text: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"--on wants a date as YYYY-MM-DD, not {text!r}.") from None


def add_arguments(parser: ArgumentParser) -> None:
    parser.add_argument("--on", metavar="YYYY-MM-DD", help="The day to evaluate them on (today).")
    parser.add_argument("--partnership", metavar="UUID", help="Only this partnership.")


def run(command: BaseCommand, options: dict[str, Any]) -> None:
    on = _day(options["on"]) if options.get("on") else timezone.localdate()
    partnerships = Partnership.objects.order_by("name")
    if options.get("partnership"):
        try:
            wanted = uuid.UUID(options["partnership"])
        except ValueError:
            raise CommandError("--partnership wants a partnership's UUID.") from None
        partnerships = partnerships.filter(uuid=wanted)
        if not partnerships.exists():
            raise CommandError("No partnership has that UUID.")
    write = command.stdout.write
    for partnership in partnerships:
        outcome = triggers_run(partnership=partnership, on=on)
        write(
            f"Trigger points for {partnership.name} on {on.isoformat()}: "
            f"{outcome.pupils} pupils on roll."
        )
        if not outcome.raised:
            write("No active trigger rules.")
            continue
        write(f"{'rule':<52} {'fired':>7} {'raised':>7}")
        for rule, raised in outcome.raised.items():
            write(f"{rule.get_kind_display():<52} {outcome.fired[rule]:>7} {raised:>7}")
        concerns_tidy(raised=sum(outcome.raised.values()))
