import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    """A register's setting is required, and a setting's registers for a year are indexed."""

    dependencies = [("attendance", "0003_register_setting_filled")]

    operations = [
        migrations.AlterField(
            model_name="register",
            name="setting",
            field=models.ForeignKey(
                help_text="The enrolment's setting, so a setting's registers for a day are read without going through every enrolment.",
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="directory.setting",
            ),
        ),
        migrations.AddIndex(
            model_name="register",
            index=models.Index(
                fields=["setting", "academic_year"], name="register_setting_year_idx"
            ),
        ),
    ]
