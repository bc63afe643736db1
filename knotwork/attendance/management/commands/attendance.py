"""``knotwork attendance <task>``: attendance work for data teams and administrators.

Each task lives in ``knotwork.attendance.commands.<module>``, which offers
``HELP``, ``add_arguments(parser)`` and ``run(command, options)``.
"""

from __future__ import annotations

from knotwork.core.task_command import TaskCommand

#: task name -> module under knotwork.attendance.commands
TASKS = {
    "import": "import_marks",
    "measures": "measures",
    "signals": "signals",
}


class Command(TaskCommand):
    help = "Attendance tasks: " + ", ".join(TASKS) + " (knotwork attendance <task> --help)."
    package = "knotwork.attendance.commands"
    tasks = TASKS
