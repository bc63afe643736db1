from django.db import migrations

# The five Every Child Matters outcomes (Children Act 2004), in their usual order.
OUTCOMES = [
    ("be_healthy", "Be healthy"),
    ("stay_safe", "Stay safe"),
    ("enjoy_and_achieve", "Enjoy and achieve"),
    ("positive_contribution", "Make a positive contribution"),
    ("economic_wellbeing", "Achieve economic well-being"),
]


def add_outcomes(apps, schema_editor):
    Outcome = apps.get_model("directory", "Outcome")
    for position, (code, name) in enumerate(OUTCOMES, start=1):
        Outcome.objects.update_or_create(code=code, defaults={"name": name, "position": position})


def remove_outcomes(apps, schema_editor):
    apps.get_model("directory", "Outcome").objects.filter(
        code__in=[code for code, _ in OUTCOMES]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("directory", "0001_initial")]
    operations = [migrations.RunPython(add_outcomes, remove_outcomes)]
