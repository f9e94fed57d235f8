"""Putting an order on the django-q2 queue. Kept apart from photos.tasks so the services can queue work
without importing the task code (the task imports the services, never the other way round)."""

import time

ORDER_TASK = "photos.tasks.run_order"


def enqueue_order(order_id):
    from django_q.tasks import async_task

    async_task(ORDER_TASK, order_id, task_name=f"photos-order-{order_id}-{time.time_ns()}")
