"""HTTP views of the ID-photo API: authenticate, rate-limit, call a service, answer JSON."""

import logging
from functools import wraps

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.http import FileResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt

from engine.contract import MAX_UPLOAD_BYTES, MAX_UPLOAD_MB

from . import services
from .services import ApiError

# Requests larger than this are refused before the body is read (image_file plus the form fields).
MAX_REQUEST_BYTES = MAX_UPLOAD_BYTES + 1024 * 1024
log = logging.getLogger(__name__)


def reply(status, message, data=None, headers=None):
    """Every API answer: the seed's {status, message, data} envelope, HTTP status equal to `status`."""
    response = JsonResponse(
        {"status": status, "message": message, "data": data if data is not None else {}},
        json_dumps_params={"ensure_ascii": False},
    )
    response.status_code = status
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def public_view(view):
    """A read-only reference endpoint: no key, GET only, every answer in the JSON envelope."""

    @csrf_exempt
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.method not in ("GET", "HEAD"):
            return reply(405, "Method not allowed: use GET.", headers={"Allow": "GET"})
        return view(request, *args, **kwargs)

    return wrapper


def api_view(method):
    """Authenticate by X-API-KEY, take a rate-limit token, and turn ApiError into its JSON reply."""

    def decorate(view):
        @csrf_exempt
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            try:
                if request.method != method:
                    raise ApiError(f"Method not allowed: use {method}.", status=405, headers={"Allow": method})
                api_key = services.authenticate(request.headers.get("X-API-KEY", ""))
                services.take_rate_token(api_key)
                return view(request, api_key, *args, **kwargs)
            except ApiError as exc:
                return reply(exc.status, exc.message, headers=exc.headers)
            except Exception:  # a bug: still answer in the API's JSON shape
                log.exception("API request failed")
                return reply(500, "Server-side exception. Please contact support.")

        return wrapper

    return decorate


FORM_TYPES = ("multipart/form-data", "application/x-www-form-urlencoded")


def _form(request):
    length = request.META.get("CONTENT_LENGTH") or "0"
    if length.isdigit() and int(length) > MAX_REQUEST_BYTES:
        raise ApiError(f"Request too large: image_file must be at most {MAX_UPLOAD_MB} MB.", status=413)
    _check_content_type(request.content_type or "", int(length) if length.isdigit() else 0)
    try:
        return request.POST, request.FILES
    except (TooManyFieldsSent, TooManyFilesSent):
        raise ApiError(
            f"Too many form fields: at most {settings.DATA_UPLOAD_MAX_NUMBER_FIELDS} are accepted "
            "(the API has about 60 parameters)."
        ) from None
    except RequestDataTooBig:
        raise ApiError(f"Request too large: image_file must be at most {MAX_UPLOAD_MB} MB.", status=413) from None
    except Exception:  # noqa: BLE001 -- a malformed multipart body raises many kinds of error from the parser
        raise ApiError("The multipart/form-data body could not be read: it is malformed.") from None


def _check_content_type(content_type, length):
    if content_type in FORM_TYPES or (not content_type and length == 0):
        return
    if "json" in content_type:
        raise ApiError("JSON bodies are not accepted: send the parameters as multipart/form-data fields.")
    raise ApiError(f"The body must be multipart/form-data (got Content-Type {content_type!r}).")


@api_view("POST")
def create_task(request, api_key):
    data, files = _form(request)
    task = services.create_task(api_key, services.parse_create_request(data, files))
    if not task.sync:
        return reply(200, "success", {"task_id": str(task.task_id)})
    task = services.run_task(task.task_id)
    return reply(200, "success", services.task_data(task, request))


@api_view("GET")
def query_task(request, api_key, task_id):
    task = services.task_of_key(api_key, task_id)
    return reply(200, "success", services.task_data(task, request))


def result_file(request, token):
    """A result behind a signed URL; 404 once the URL has expired or the file was deleted."""
    task, field = services.task_for_token(token)
    if task is None:
        return reply(404, "Not found: the result URL is invalid or has expired (URLs work for 1 hour).")
    try:
        handle = field.open("rb")
    except FileNotFoundError:
        return reply(404, "Not found: the result was deleted.")
    filename = field.name.rsplit("/", 1)[-1]
    return FileResponse(handle, filename=filename)


def openapi_json(request):
    from .openapi import openapi_document  # it reads the limits of the views that import this module

    return JsonResponse(openapi_document(request.build_absolute_uri("/").rstrip("/")))


@csrf_exempt
def not_found(request, rest):
    """Any other path under /api/ answers in the API's JSON shape, not with the site's HTML 404 page."""
    return reply(404, f"Not found: {request.path}. Check the URL and the task_id.")
