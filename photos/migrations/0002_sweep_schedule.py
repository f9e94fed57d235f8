"""The django-q2 schedule that re-queues web-app orders whose queue message was lost (idempotent)."""

from django.db import migrations

SCHEDULE_NAME = "photos: re-queue stuck orders"


def create_schedule(apps, schema_editor):
    apps.get_model("django_q", "Schedule").objects.update_or_create(
        name=SCHEDULE_NAME,
        defaults={"func": "photos.tasks.sweep_stuck_orders", "schedule_type": "I", "minutes": 5, "repeats": -1},
    )


def remove_schedule(apps, schema_editor):
    apps.get_model("django_q", "Schedule").objects.filter(name=SCHEDULE_NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("photos", "0001_initial"),
        ("django_q", "0019_alter_task_options_alter_ormq_key_alter_ormq_lock_and_more"),
    ]
    operations = [migrations.RunPython(create_schedule, remove_schedule)]
