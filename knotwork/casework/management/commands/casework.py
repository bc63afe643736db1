"""``knotwork casework <task>``: casework tasks for data teams and administrators.

Each task lives in ``knotwork.casework.commands.<module>``, which offers ``HELP``,
``add_arguments(parser)`` and ``run(command, options)``.
"""

from __future__ import annotations

from knotwork.core.task_command import TaskCommand

#: task name -> module under knotwork.casework.commands
TASKS = {
    "triggers": "triggers",
    "measures": "measures",
}


class Command(TaskCommand):
    help = "Casework tasks: " + ", ".join(TASKS) + " (knotwork casework <task> --help)."
    package = "knotwork.casework.commands"
    tasks = TASKS
