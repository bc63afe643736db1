"""The subcommands of ``knotwork exclusions``: one module each, with
``HELP``, ``add_arguments(parser)`` and ``run(command, options)``."""
