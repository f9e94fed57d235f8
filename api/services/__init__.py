"""What the API does apart from HTTP, one module per concern; views stay thin and call these.

- errors: ApiError, a refused request (HTTP status and message, never a task state);
- keys: API keys, the credit ledger per key and the rate limit;
- inputs: stored input images (uploads, downloads, last_id reuse);
- creation: validating a create request, reserving credit, inserting and queueing the task;
- processing: running the engine for a task, progress, charging, final states;
- results: the task's data object and signed, expiring result URLs;
- retention: deleting old files and failing tasks whose worker died.

The web app and the management commands import their entry points from this package.
"""

from .creation import CreateRequest, create_task, enqueue, parse_create_request
from .errors import ApiError
from .keys import authenticate, balance, create_api_key, grant_credits, reserved, take_rate_token
from .processing import charge, run_task
from .results import result_token, task_data, task_for_token, task_of_key
from .retention import delete_expired, fail_abandoned

__all__ = [
    "ApiError",
    "CreateRequest",
    "authenticate",
    "balance",
    "charge",
    "create_api_key",
    "create_task",
    "delete_expired",
    "enqueue",
    "fail_abandoned",
    "grant_credits",
    "parse_create_request",
    "reserved",
    "result_token",
    "run_task",
    "take_rate_token",
    "task_data",
    "task_for_token",
    "task_of_key",
]
