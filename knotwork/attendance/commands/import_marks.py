"""``knotwork attendance import FILE [--as USERNAME] [--format csv|ctf]``.

Imports a file of register marks as the named knotwork user (by default the
one whose username is your login name), with that user's access. Progress and
any errors go to stderr; the exit status is non-zero when nothing was imported.
"""

from __future__ import annotations

import getpass
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError

from knotwork.accounts.models import User
from knotwork.attendance.imports.marks_file import error_lines
from knotwork.attendance.imports.runs import Progress, import_run_create, import_run_execute
from knotwork.attendance.models import ImportRun

HELP = "Import register marks from a CSV file (UPN, URN, date, session, code) or a CTF."


def add_arguments(parser: ArgumentParser) -> None:
    parser.add_argument("file", help="the file of marks (.csv or a CTF .xml)")
    parser.add_argument(
        "--as",
        dest="username",
        metavar="USERNAME",
        help="the knotwork user recording the marks (default: your login name)",
    )
    parser.add_argument(
        "--format",
        choices=[ImportRun.Format.CSV, ImportRun.Format.CTF],
        help="csv or ctf (default: from the file's extension)",
    )


def run(command: BaseCommand, options: dict[str, Any]) -> None:
    path = Path(options["file"])
    username = options.get("username") or getpass.getuser()
    actor = User.objects.filter(username=username, is_active=True).first()
    if actor is None:
        raise CommandError(f"No active knotwork user is called {username!r}: name one with --as.")
    try:
        content = path.read_bytes()
    except OSError as exc:
        raise CommandError(f"Cannot read {path}: {exc.strerror}.") from None
    try:
        created = import_run_create(
            actor=actor, file_name=path.name, content=content, file_format=options.get("format")
        )
    except PermissionDenied as exc:
        raise CommandError(str(exc)) from None

    shown: set[tuple[str, int]] = set()

    def progress(report: Progress) -> None:
        step = (report.status, report.percent // 10)
        if step not in shown:
            shown.add(step)
            command.stderr.write(f"{report.percent:3d}%  {report.label}")

    finished = import_run_execute(run=created, on_progress=progress)
    if finished.status != ImportRun.Status.DONE:
        for line in error_lines(finished.errors):
            command.stderr.write(line)
        raise CommandError(f"Nothing was imported from {path.name}.")
    command.stdout.write(
        f"Imported {path.name}: {finished.marks_new:,} new marks, "
        f"{finished.marks_amended:,} amended, {finished.marks_unchanged:,} unchanged."
    )
