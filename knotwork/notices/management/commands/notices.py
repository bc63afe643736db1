"""``knotwork notices <task>``: notices tasks for administrators and the scheduler.

Each task lives in ``knotwork.notices.commands.<module>``, which offers ``HELP``,
``add_arguments(parser)`` and ``run(command, options)``.
"""

from __future__ import annotations

from knotwork.core.task_command import TaskCommand

#: task name -> module under knotwork.notices.commands
TASKS = {
    "digest": "digest",
}


class Command(TaskCommand):
    help = "Notices tasks: " + ", ".join(TASKS) + " (knotwork notices <task> --help)."
    package = "knotwork.notices.commands"
    tasks = TASKS
