"""The placements app starts empty; each area adds its tables in a migration of its own."""

from django.db import migrations


class Migration(migrations.Migration):
    initial = True

    dependencies: list[tuple[str, str]] = []

    operations: list[migrations.operations.base.Operation] = []
