"""The subcommands of ``knotwork casework``: one module each, with ``HELP``,
``add_arguments(parser)`` and ``run(command, options)``."""
