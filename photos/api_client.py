"""A small client for the ID-photo API (the seed contract), used by the queue.

With PHOTOS_API_BASE_URL empty the client talks to this project's own API in-process through
httpx.WSGITransport: no network, no need to know the server's port, and the same code path as a remote
service. Never call it inside a database transaction: the in-process request opens and closes
connections like any request does.
"""

from django.conf import settings

import time

import httpx

TASK_PATH = "/api/tasks/visual/external/idphoto"
TIMEOUT = httpx.Timeout(60.0, connect=10.0)
RETRIES = 4  # for 429 (rate limit) and 502/503/504, which say "try again" rather than "no"
MAX_RETRY_WAIT = 5.0


class ApiError(Exception):
    """The API refused a request or answered with something this client cannot use."""

    def __init__(self, message, http_status=None):
        super().__init__(message)
        self.message = message
        self.http_status = http_status


def make_client():
    if settings.PHOTOS_API_BASE_URL:
        return httpx.Client(
            base_url=settings.PHOTOS_API_BASE_URL,
            headers={"X-API-KEY": settings.PHOTOS_API_KEY},
            timeout=TIMEOUT,
        )
    from django.core.handlers.wsgi import WSGIHandler

    from .local_api import local_api_key

    return httpx.Client(
        transport=httpx.WSGITransport(app=WSGIHandler()),
        base_url=settings.SITE_URL,
        headers={"X-API-KEY": local_api_key()},
        timeout=TIMEOUT,
    )


def _send(client, method, url, **kwargs):
    """One request, retried after Retry-After when the API is rate limiting or briefly unavailable."""
    for attempt in range(RETRIES + 1):
        response = client.request(method, url, **kwargs)
        if response.status_code not in (429, 502, 503, 504) or attempt == RETRIES:
            return response
        try:
            wait = float(response.headers.get("Retry-After", "1"))
        except ValueError:
            wait = 1.0
        time.sleep(min(MAX_RETRY_WAIT, max(0.2, wait)))
    return response


def _payload(response):
    try:
        body = response.json()
    except ValueError:
        raise ApiError(f"The photo service answered HTTP {response.status_code} without JSON.", response.status_code)
    if response.status_code >= 400 or body.get("status") not in (200, None):
        message = body.get("message") or f"HTTP {response.status_code}"
        raise ApiError(message, body.get("status") or response.status_code)
    return body.get("data") or {}


def create_task(client, params, image_bytes=None, filename="photo.jpg", last_id=""):
    """Start an asynchronous task; returns its task_id. Sends last_id when given, else the file."""
    fields = {key: str(value) for key, value in params.items()}
    fields["sync"] = "0"
    fields.setdefault("return_type", "1")
    if last_id:
        fields["last_id"] = last_id
    # Always multipart/form-data, as the seed specifies, also when no file is attached.
    parts = [(key, (None, value)) for key, value in fields.items()]
    if not last_id:
        parts.append(("image_file", (filename, image_bytes, "application/octet-stream")))
    response = _send(client, "POST", TASK_PATH, files=parts)
    task_id = _payload(response).get("task_id")
    if not task_id:
        raise ApiError("The photo service did not return a task id.")
    return str(task_id)


def get_task(client, task_id):
    return _payload(_send(client, "GET", f"{TASK_PATH}/{task_id}"))


def download(client, url):
    response = _send(client, "GET", url)
    if response.status_code != 200:
        raise ApiError(f"Downloading the result failed (HTTP {response.status_code}).", response.status_code)
    return response.content
