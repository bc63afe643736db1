"""``knotwork placements figures``: work out the day's figures the partnership's pages keep
(the managed-move monitor's roll by pupil group), once a day before the working day, so
no one waits for them."""

from __future__ import annotations

import datetime
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from knotwork.directory.models import Partnership
from knotwork.placements.move_queries import monitor_figures_keep

HELP = (
    "Work out the day's figures the partnership pages keep (the managed-move monitor's "
    "roll by pupil group) for every partnership; run once a day before the working day."
)


def add_arguments(parser: ArgumentParser) -> None:
    parser.add_argument("--on", metavar="YYYY-MM-DD", help="The day to work them out for (today).")


def run(command: BaseCommand, options: dict[str, Any]) -> None:
    on = timezone.localdate()
    if options.get("on"):
        try:
            on = datetime.date.fromisoformat(options["on"])
        except ValueError:
            raise CommandError(f"--on wants a date as YYYY-MM-DD, not {options['on']!r}.") from None
    for partnership in Partnership.objects.order_by("name"):
        roll = monitor_figures_keep(partnership, on)
        command.stdout.write(
            f"{partnership.name} on {on.isoformat()}: {roll['all']:,} pupils on roll counted "
            "by pupil group."
        )
