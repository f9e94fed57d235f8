"""The OpenAPI 3 description of the API, written by hand from the seed contract."""

from api.specs_views import MAX_LIMIT, MAX_OFFSET
from engine.contract import MAX_DOWNLOAD_MB, MAX_UPLOAD_MB
from engine.params import CLOTHES_IDS, LAYOUT_SIZES, MAX_FILE_SIZE_TARGET, MAX_SPEC_ID
from engine.stages.decode import LIMIT_TEXT

# Every optional form field may also be sent empty, which means "not given" (the seed: "quality ... only
# takes effect when quality is empty"); _optional() adds that to a field's schema.
HEX = {"type": "string", "pattern": "^#?[0-9a-fA-F]{6}$"}
FLAG = {"type": "integer", "enum": [0, 1]}
FACTOR = {"type": "number", "minimum": 0, "maximum": 1}
SIDE = "([1-9][0-9]{2}|1[0-9]{3}|2000)"  # 100..2000
PIXELS = {"type": "integer", "minimum": 0, "maximum": 4000}
FILE_SIZE = {"type": "integer", "minimum": 0, "maximum": MAX_FILE_SIZE_TARGET}
# A public http(s) URL the server may fetch: a dotted host name ending in letters (IP literals and
# localhost are refused), no user@, no spaces, backslashes or control characters.
LABEL = "[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?"
URL_PATTERN = rf"^https?://({LABEL}\.)+[a-z]{{2,24}}(/[^\s\\\x00-\x1f\x7f]*)?$"
UUID_PATTERN = "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"
# What the fields cannot say one by one; a request breaking one of these is HTTP 400 (404 for ids).
RULES = (
    (
        "image source: image_file, else a non-empty image_url, else the last_id of an earlier task of this "
        "key (HTTP 404 when unknown or expired); every source given must be well-formed, the priority picks one"
    ),
    "px_width and px_height together; mm_width and mm_height together",
    "mm_width x mm_height at dpi: each side 10 to 4000 px",
    "min_X <= X <= max_X and min_X <= max_X for each face constraint; min_file_size <= max_file_size",
    "label_height smaller than the output height",
    (
        "spec_id: an id listed by GET /api/specs (HTTP 404 otherwise); edits the spec forbids are refused "
        "and its frame at the dpi must be at most 4000 px"
    ),
)


def _optional(schema):
    """The field as the text a multipart part carries, or empty (not given): integers and numbers become
    patterns of exactly the digits the server reads (no signs, spaces or leading zeros), so the document
    and the parser agree on every string."""
    text = {"type": "string"}
    if schema.get("description"):
        text["description"] = schema["description"]
    kind = schema.get("type")
    if "enum" in schema:
        text["enum"] = [str(value) for value in schema["enum"]] + [""]
    elif kind == "integer":
        text["pattern"] = f"^({integer_pattern(schema['minimum'], schema['maximum'])})?$"
        text["description"] = f"Integer {schema['minimum']}-{schema['maximum']}. " + text.get("description", "")
    elif kind == "number":
        text["pattern"] = "^(0(\\.[0-9]{1,6})?|1(\\.0{1,6})?)?$"
        text["description"] = "Number 0-1, at most 6 decimals. " + text.get("description", "")
    elif "pattern" in schema:
        text["pattern"] = f"^({schema['pattern'].strip('^$')})?$"
    else:
        text.update({key: value for key, value in schema.items() if key == "maxLength"})
    return text


def integer_pattern(low, high):
    """A regular expression matching exactly the decimal integers low..high (no leading zeros)."""
    parts = []
    for digits in range(len(str(low)), len(str(high)) + 1):
        start = max(low, 10 ** (digits - 1) if digits > 1 else 0)
        stop = min(high, 10**digits - 1)
        if start <= stop:
            parts += _same_length(str(start), str(stop))
    return "|".join(parts)


def _same_length(low, high):
    if low == high:
        return [low]
    if len(low) == 1:
        return [f"[{low}-{high}]"]
    if low[0] == high[0]:
        return [low[0] + rest for rest in _same_length(low[1:], high[1:])]
    tail = len(low) - 1
    parts = _same_length(low, low[0] + "9" * tail)
    if int(high[0]) - int(low[0]) > 1:
        parts.append(f"[{int(low[0]) + 1}-{int(high[0]) - 1}][0-9]{{{tail}}}")
    return parts + _same_length(high[0] + "0" * tail, high)


def _form_fields():
    fields = {
        "image_file": {
            "type": "string",
            "format": "binary",
            "description": f"jpg, jpeg, bmp, png, webp, tiff; at most {MAX_UPLOAD_MB} MiB; {LIMIT_TEXT}. "
            "Priority over image_url.",
        },
        "image_url": {
            "type": "string",
            "maxLength": 512,
            "pattern": URL_PATTERN,
            "description": f"http(s) URL, downloaded within 10 s, at most {MAX_DOWNLOAD_MB} MB. Private, loopback, "
            "link-local and cloud metadata addresses, IP literals in other spellings than dotted decimal, "
            "user@host, backslashes and spaces are refused.",
        },
        "last_id": {"type": "string", "pattern": UUID_PATTERN, "description": "image_id of an earlier task of this key."},
        "sync": {**FLAG, "default": 0, "description": "1 waits for the result, 0 returns task_id at once."},
        "return_type": {"type": "integer", "enum": [1, 2], "default": 1, "description": "1 URL (1 h), 2 base64."},
        "size": {"type": "string", "pattern": f"^{SIDE}x{SIDE}$", "description": "WxH, each 100-2000, e.g. 300x400."},
        "format": {"type": "string", "enum": ["png", "jpg", "jpeg"], "default": "png"},
        "spec_id": {"type": "integer", "minimum": 1, "maximum": MAX_SPEC_ID,
                    "description": "Document specification id (GET /api/specs)."},
        "dpi": {"type": "integer", "minimum": 10, "maximum": 1000, "default": 300},
        "px_width": {"type": "integer", "minimum": 10, "maximum": 1799, "default": 295},
        "px_height": {"type": "integer", "minimum": 10, "maximum": 1799, "default": 413},
        "mm_width": {"type": "integer", "minimum": 1, "maximum": 179},
        "mm_height": {"type": "integer", "minimum": 1, "maximum": 179},
        "change_bg": {**FLAG, "default": 1},
        "bg_color": {**HEX, "description": "Background colour, e.g. FFFFFF, FF0000, 438EDB."},
        "bg_color2": {**HEX, "description": "Bottom colour of a vertical gradient from bg_color."},
    }
    for name in ("face_width", "face_height", "head_top", "chin_top", "eyes_top"):
        for prefix in ("", "min_", "max_"):
            fields[prefix + name] = {**PIXELS, "description": "Output pixels."}
    for switch, factor in (
        ("auto_bright", "bright_factor"),
        ("auto_smooth", "smooth_factor"),
        ("auto_thin_face", "thin_face_factor"),
        ("auto_sharp", "sharp_factor"),
    ):
        fields[switch] = {**FLAG, "default": 0}
        fields[factor] = {**FACTOR, "default": 0.5}
    fields.update(
        {
            "clothes_id": {"type": "string", "enum": list(CLOTHES_IDS)},
            "preview": {**FLAG, "default": 0, "description": "Watermarked and free of charge."},
            "quality": {"type": "integer", "minimum": 1, "maximum": 100,
                        "description": "JPEG quality; for PNG the compression (100: none, 1: strongest)."},
            "min_file_size": {**FILE_SIZE, "description": "Bytes; only without quality (padded up to it)."},
            "max_file_size": {**FILE_SIZE, "description": "Bytes; only without quality; unreachable: state -14."},
            "add_label": {**FLAG, "default": 0},
            "label_text": {"type": "string", "maxLength": 200},
            "label_height": {"type": "integer", "minimum": 8, "maximum": 1000},
            "layout": {**FLAG, "default": 0},
            "layout_vertical": {**FLAG, "description": "Not given: the orientation that holds more copies."},
            "layout_size": {"type": "string", "enum": list(LAYOUT_SIZES), "default": "6inch"},
            "layout_bg_color": HEX,
            "layout_qr_code_data": {"type": "string", "maxLength": 1000},
            "layout_qr_code_size": {"type": "integer", "minimum": 40, "maximum": 1200},
            "layout_label_text": {"type": "string", "maxLength": 500, "description": "\\n breaks lines."},
            "layout_pdf": {**FLAG, "default": 0, "description": "Addition: also return the sheet as a PDF."},
        }
    )
    return {name: schema if name == "image_file" else _optional(schema) for name, schema in fields.items()}


def _create_body():
    sources = [
        {"required": ["image_file"]},
        {"required": ["image_url"], "properties": {"image_url": {"minLength": 1}}},
        {"required": ["last_id"], "properties": {"last_id": {"minLength": 1}}},
    ]
    return {
        "type": "object",
        "properties": _form_fields(),
        "anyOf": sources,
        "description": "Rules across fields: " + "; ".join(RULES) + ".",
    }


def _envelope(data_schema):
    return {
        "type": "object",
        "required": ["status", "message", "data"],
        "properties": {"status": {"type": "integer"}, "message": {"type": "string"}, "data": data_schema},
    }


TASK = {
    "type": "object",
    "required": ["task_id"],
    "properties": {
        "task_id": {"type": "string"},
        "image_id": {"type": "string"},
        "created_at": {"type": "integer", "nullable": True},
        "processed_at": {"type": "integer", "nullable": True},
        "completed_at": {"type": "integer", "nullable": True},
        "image": {"type": "string", "description": "URL (return_type=1, valid 1 h) or base64 (return_type=2)."},
        "layout_image": {"type": "string", "description": "Addition: the print sheet when layout=1."},
        "layout_pdf": {"type": "string", "description": "Addition: the sheet as PDF when layout_pdf=1."},
        "progress": {"type": "integer", "minimum": 0, "maximum": 100},
        "return_type": {"type": "integer"},
        "state": {"type": "integer", "description": "1 done, 0 queued, 2-6 processing, <0 failed."},
        "state_detail": {"type": "string"},
        "error": {"type": "string", "description": "Addition: machine-readable failure kind when state < 0."},
        "measurements": {"type": "object", "description": "Addition: measured face geometry in output px."},
        "checks": {"type": "array", "description": "Addition: compliance report (may be empty)."},
        "warnings": {"type": "array", "items": {"type": "string"}},
        "cost": {"type": "integer", "description": "Addition: credits charged for this task."},
    },
}
ERROR = _envelope({"type": "object"})


def _errors(*codes):
    words = {
        400: "Wrong or missing parameter, or not enough credits.",
        401: "Missing, wrong or disabled X-API-KEY.",
        404: "Unknown task_id, last_id or spec_id (or one of another key).",
        413: f"image_file is larger than {MAX_UPLOAD_MB} MiB.",
        429: "More requests per second than the key's limit; see Retry-After.",
    }
    responses = {
        str(code): {"description": words[code], "content": {"application/json": {"schema": ERROR}}}
        for code in codes
    }
    if "429" in responses:
        responses["429"]["headers"] = {
            "Retry-After": {"description": "Seconds to wait (integer >= 1).", "schema": {"type": "integer"}}
        }
    return responses


def _public_get(operation_id, summary, parameters, ok):
    """A read-only reference endpoint that needs no API key."""
    return {
        "get": {
            "operationId": operation_id,
            "summary": summary,
            "security": [],
            "parameters": parameters,
            "responses": {
                "200": {"description": ok, "content": {"application/json": {"schema": _envelope({"type": "object"})}}},
                "400": {"description": "Bad query parameter.", "content": {"application/json": {"schema": ERROR}}},
                "404": {"description": "Unknown id.", "content": {"application/json": {"schema": ERROR}}},
            },
        }
    }


def _query(name, schema, description):
    return {"name": name, "in": "query", "required": False, "schema": schema, "description": description}


REFERENCE_PATHS = {
    "/api/specs": _public_get(
        "listSpecs",
        "Document specifications (spec_id), searchable.",
        [
            {**_query("q", {"type": "string"}, "Words that must all match: country, document, size (35x45, 2x2)."),
             "example": "germany passport"},
            _query("country", {"type": "string"}, "Country name or ISO code."),
            _query("document", {"type": "string"}, "Document kind, e.g. passport, visa."),
            _query("limit", {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT, "default": 100}, "Page size."),
            _query("offset", {"type": "integer", "minimum": 0, "maximum": MAX_OFFSET, "default": 0}, "Page start."),
        ],
        "A page of specs: {total, offset, limit, specs}.",
    ),
    "/api/specs/{spec_id}": _public_get(
        "getSpec",
        "One document specification.",
        [{"name": "spec_id", "in": "path", "required": True, "schema": {"type": "integer"}}],
        "The spec: size in mm and px, dpi, background, bands, allowed edits, source.",
    ),
    "/api/clothes": _public_get("listClothes", "The outfit gallery (clothes_id) with thumbnails.", [], "{total, clothes}"),
}


def openapi_document(server_url=""):
    task_response = {"content": {"application/json": {"schema": _envelope(TASK)}}}
    return {
        "openapi": "3.0.3",
        "info": {
            "title": "idphoto: Advanced ID Photo API",
            "version": "1.0",
            "description": "Compatible with the Advanced ID Photo API. Every response body is "
            "{status, message, data} and the HTTP status equals `status`.",
            "license": {"name": "GPL-3.0-or-later"},
        },
        "servers": [{"url": server_url or "/"}],
        "components": {"securitySchemes": {"apiKey": {"type": "apiKey", "in": "header", "name": "X-API-KEY"}}},
        "security": [{"apiKey": []}],
        "paths": {
            "/api/tasks/visual/external/idphoto": {
                "post": {
                    "operationId": "createIdPhotoTask",
                    "summary": "Create an ID-photo task (sync=1 waits for the result).",
                    "requestBody": {
                        "required": True,
                        "content": {
                            "multipart/form-data": {
                                "schema": _create_body(),
                                "example": {
                                    "image_url": "https://example.com/photo.jpg",
                                    "mm_width": "35",
                                    "mm_height": "45",
                                    "dpi": "300",
                                    "bg_color": "438EDB",
                                    "format": "jpg",
                                },
                            }
                        },
                    },
                    "responses": {
                        "200": {"description": "Task created (sync=0) or finished (sync=1).", **task_response},
                        **_errors(400, 401, 404, 413, 429),
                    },
                }
            },
            "/api/tasks/visual/external/idphoto/{task_id}": {
                "get": {
                    "operationId": "queryIdPhotoTask",
                    "summary": "Query a task.",
                    "parameters": [
                        {"name": "task_id", "in": "path", "required": True, "schema": {"type": "string"}}
                    ],
                    "responses": {"200": {"description": "The task.", **task_response}, **_errors(401, 404, 429)},
                }
            },
            **REFERENCE_PATHS,
        },
    }
