"""The shape of ``knotwork <area> <task>`` commands: one management command per area,
each task a module of the area's ``commands`` package offering ``HELP``,
``add_arguments(parser)`` and ``run(command, options)``."""

from __future__ import annotations

import importlib
from argparse import ArgumentParser
from types import ModuleType
from typing import Any, ClassVar

from django.core.management.base import BaseCommand, CommandError


class TaskCommand(BaseCommand):
    """A command whose first argument names one of ``tasks`` (task name -> module name
    under ``package``)."""

    package: ClassVar[str]
    tasks: ClassVar[dict[str, str]]

    def _task(self, name: str) -> ModuleType:
        return importlib.import_module(f"{self.package}.{self.tasks[name]}")

    def add_arguments(self, parser: ArgumentParser) -> None:
        subparsers = parser.add_subparsers(dest="task", metavar="task", required=True)
        for name in self.tasks:
            module = self._task(name)
            sub = subparsers.add_parser(name, help=module.HELP, description=module.HELP)
            module.add_arguments(sub)

    def handle(self, *args: Any, **options: Any) -> None:
        name = options["task"]
        if name not in self.tasks:
            raise CommandError(f"Unknown task {name!r}; choose from {', '.join(self.tasks)}.")
        self._task(name).run(self, options)
