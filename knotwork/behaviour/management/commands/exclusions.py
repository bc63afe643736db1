"""``knotwork exclusions <task>``: suspension and exclusion work for data teams.

Each task lives in ``knotwork.behaviour.commands.<module>``, which offers
``HELP``, ``add_arguments(parser)`` and ``run(command, options)``.
"""

from __future__ import annotations

from knotwork.core.task_command import TaskCommand

#: task name -> module under knotwork.behaviour.commands
TASKS = {"stats": "stats"}


class Command(TaskCommand):
    help = "Exclusion tasks: " + ", ".join(TASKS) + " (knotwork exclusions <task> --help)."
    package = "knotwork.behaviour.commands"
    tasks = TASKS
