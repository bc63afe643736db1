from django.db import migrations
from django.db.models import OuterRef, Subquery


def fill(apps, schema_editor):
    Register = apps.get_model("attendance", "Register")
    Enrolment = apps.get_model("pupils", "Enrolment")
    setting = Enrolment.objects.filter(pk=OuterRef("enrolment_id")).values("setting_id")[:1]
    Register.objects.filter(setting__isnull=True).update(setting_id=Subquery(setting))


class Migration(migrations.Migration):
    """Every existing register takes its enrolment's setting."""

    dependencies = [("attendance", "0002_register_setting_added")]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
