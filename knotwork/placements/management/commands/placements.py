"""``knotwork placements <task>``: the partnership's business, for administrators.

Each task lives in ``knotwork.placements.commands.<module>``, which offers ``HELP``,
``add_arguments(parser)`` and ``run(command, options)``.
"""

from __future__ import annotations

from knotwork.core.task_command import TaskCommand

#: task name -> module under knotwork.placements.commands
TASKS = {
    "figures": "figures",
}


class Command(TaskCommand):
    help = "Partnership tasks: " + ", ".join(TASKS) + " (knotwork placements <task> --help)."
    package = "knotwork.placements.commands"
    tasks = TASKS
