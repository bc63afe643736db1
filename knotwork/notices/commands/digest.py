"""``knotwork notices digest``: email the daily (and, on Mondays, weekly) digests."""

from __future__ import annotations

import datetime
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from knotwork.notices.models import Rhythm
from knotwork.notices.rules import rhythms_due
from knotwork.notices.services import notice_digest_send

HELP = (
    "Email each user whose rhythm is a digest their waiting notices, one email each. "
    "Without --rhythm: the daily digest, and the weekly one too on a Monday. Run it once "
    "a day, in the morning."
)


def add_arguments(parser: ArgumentParser) -> None:
    parser.add_argument(
        "--rhythm",
        choices=[Rhythm.DAILY.value, Rhythm.WEEKLY.value],
        help="Only this digest, whatever the day.",
    )
    parser.add_argument("--on", metavar="YYYY-MM-DD", help="The day it runs for (today).")


def _day(text: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"--on wants a date as YYYY-MM-DD, not {text!r}.") from None


def run(command: BaseCommand, options: dict[str, Any]) -> None:
    on = _day(options["on"]) if options.get("on") else timezone.localdate()
    rhythms = (options["rhythm"],) if options.get("rhythm") else rhythms_due(on)
    for rhythm in rhythms:
        sent = notice_digest_send(rhythm=rhythm, on=on)
        command.stdout.write(
            f"The {rhythm} digest for {on.isoformat()}: {sent} email{'s' if sent != 1 else ''}."
        )
