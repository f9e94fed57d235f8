"""django-q2 jobs of the API (the task receives only the id: the database holds the rest)."""

from . import services


def process_task(task_id):
    task = services.run_task(task_id)
    return None if task is None else task.state


def delete_expired():
    return services.delete_expired()


def fail_abandoned():
    return services.fail_abandoned()
