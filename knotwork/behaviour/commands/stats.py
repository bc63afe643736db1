from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

HELP = "(not yet available)"


def add_arguments(parser: ArgumentParser) -> None:
    pass


def run(command: BaseCommand, options: dict[str, Any]) -> None:
    raise CommandError("This task is not available yet.")
