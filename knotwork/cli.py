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

    from knotwork.core.env import ConfigurationError

    args = list(sys.argv[1:] if argv is None else argv)
    try:
        execute_from_command_line(["knotwork", *args])
    except ConfigurationError as exc:
        # A setting is missing or wrong: say which, without a traceback.
        sys.exit(f"knotwork: {exc}")


if __name__ == "__main__":
    main()
