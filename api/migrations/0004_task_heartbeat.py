"""Task.heartbeat_at (the lease of a running task) and the django-q2 schedule that fails abandoned tasks."""

from django.db import migrations, models

SCHEDULE_NAME = "api: fail tasks whose process died"


def create_schedule(apps, schema_editor):
    Schedule = apps.get_model("django_q", "Schedule")
    Schedule.objects.update_or_create(
        name=SCHEDULE_NAME,
        defaults={"func": "api.tasks.fail_abandoned", "schedule_type": "I", "minutes": 1, "repeats": -1},
    )


def remove_schedule(apps, schema_editor):
    apps.get_model("django_q", "Schedule").objects.filter(name=SCHEDULE_NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("api", "0003_credit_entry_correction_kind"),
    ]

    operations = [
        migrations.AddField(
            model_name="task",
            name="heartbeat_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.RunPython(create_schedule, remove_schedule),
    ]
