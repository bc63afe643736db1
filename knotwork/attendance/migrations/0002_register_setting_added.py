import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    """Each register names its enrolment's setting (nullable until filled in)."""

    dependencies = [
        ("attendance", "0001_registers_and_attendance_work"),
        ("directory", "0003_partnership_persistent_absence_threshold"),
    ]

    operations = [
        migrations.AddField(
            model_name="register",
            name="setting",
            field=models.ForeignKey(
                help_text="The enrolment's setting, so a setting's registers for a day are read without going through every enrolment.",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="directory.setting",
            ),
        ),
    ]
