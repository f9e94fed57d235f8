"""The creation time is `created` in every app (the task JSON still calls it created_at)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("api", "0004_task_heartbeat"),
    ]

    operations = [
        migrations.RenameField(model_name=model, old_name="created_at", new_name="created")
        for model in ("apikey", "creditentry", "inputimage", "task")
    ] + [
        migrations.AlterModelOptions(name="task", options={"ordering": ["-created"]}),
    ]
