"""The ``knotwork`` command: every administrative task, as ``knotwork <task> [options]``.

``knotwork help`` lists the tasks (Django's management commands and knotwork's own:
``knotwork demo --pupils N --seed S``, ``knotwork serve``...).
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "knotwork.settings")
    from django.core.management import execute_from_command_line

    args = list(sys.argv[1:] if argv is None else argv)
    execute_from_command_line(["knotwork", *args])


if __name__ == "__main__":
    main()
