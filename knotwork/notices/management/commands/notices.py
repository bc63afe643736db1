"""``knotwork notices <task>``: notices tasks for administrators and the scheduler.

Each task lives in ``knotwork.notices.commands.<module>``, which offers ``HELP``,
``add_arguments(parser)`` and ``run(command, options)``.
"""

from __future__ import annotations

import importlib
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

#: task name -> module under knotwork.notices.commands
TASKS = {
    "digest": "digest",
}


class Command(BaseCommand):
    help = "Notices tasks: " + ", ".join(TASKS) + " (knotwork notices <task> --help)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        tasks = parser.add_subparsers(dest="task", metavar="task", required=True)
        for name, module_name in TASKS.items():
            module = importlib.import_module(f"knotwork.notices.commands.{module_name}")
            sub = tasks.add_parser(name, help=module.HELP, description=module.HELP)
            module.add_arguments(sub)

    def handle(self, *args: Any, **options: Any) -> None:
        name = options["task"]
        if name not in TASKS:
            raise CommandError(f"Unknown task {name!r}; choose from {', '.join(TASKS)}.")
        module = importlib.import_module(f"knotwork.notices.commands.{TASKS[name]}")
        module.run(self, options)
