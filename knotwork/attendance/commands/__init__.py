"""The subcommands of ``knotwork attendance``: one module each, with
``add_arguments(parser)`` and ``run(command, options)``."""
