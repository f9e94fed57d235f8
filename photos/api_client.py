"""A small client for an ID-photo API speaking the seed contract, used by the queue in remote mode
(PHOTOS_API_BASE_URL set). One synchronous create request (`sync=1`) per job: the answer carries the
result, so nothing is polled."""

import time

import httpx
from django.conf import settings

TASK_PATH = "/api/tasks/visual/external/idphoto"
RETRIES = 4  # for 429 (rate limit) and 502/503/504, which say "try again" rather than "no"
MAX_RETRY_WAIT = 5.0


class ApiError(Exception):
    """The API refused a request or answered with something this client cannot use.

    Same shape as api.services.ApiError: the message first, the HTTP-like status by keyword."""

    def __init__(self, message, status=None):
        super().__init__(message)
        self.message, self.status = message, status


def make_client():
    # A sync request waits for the other server's engine: allow it the job's whole time limit.
    return httpx.Client(
        base_url=settings.PHOTOS_API_BASE_URL,
        headers={"X-API-KEY": settings.PHOTOS_API_KEY},
        timeout=httpx.Timeout(float(settings.PHOTOS_JOB_TIME_LIMIT), connect=10.0),
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
        text = f"The photo service answered HTTP {response.status_code} without JSON."
        raise ApiError(text, status=response.status_code) from None
    if response.status_code >= 400 or body.get("status") not in (200, None):
        message = body.get("message") or f"HTTP {response.status_code}"
        raise ApiError(message, status=body.get("status") or response.status_code)
    return body.get("data") or {}


def create_sync(client, params, image_bytes=None, filename="photo.jpg", last_id=""):
    """Make the photo in one request; returns the seed's data object (state 1 with the result, or < 0)."""
    fields = {key: str(value) for key, value in params.items()}
    fields["sync"] = "1"
    fields.setdefault("return_type", "1")
    if last_id:
        fields["last_id"] = last_id
    # Always multipart/form-data, as the seed specifies, also when no file is attached.
    parts = [(key, (None, value)) for key, value in fields.items()]
    if not last_id:
        parts.append(("image_file", (filename, image_bytes, "application/octet-stream")))
    return _payload(_send(client, "POST", TASK_PATH, files=parts))


def download(client, url):
    response = _send(client, "GET", url)
    if response.status_code != 200:
        raise ApiError(f"Downloading the result failed (HTTP {response.status_code}).", status=response.status_code)
    return response.content
