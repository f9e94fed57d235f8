"""The OpenAPI 3 description of the API, written by hand from the seed contract."""

from engine.params import CLOTHES_IDS, LAYOUT_SIZES

HEX = {"type": "string", "pattern": "^#?[0-9a-fA-F]{6}$"}
FLAG = {"type": "integer", "enum": [0, 1]}
FACTOR = {"type": "number", "minimum": 0, "maximum": 1}
SIDE = "([1-9][0-9]{2}|1[0-9]{3}|2000)"  # 100..2000
PIXELS = {"type": "integer", "minimum": 0, "maximum": 4000}


def _form_fields():
    fields = {
        "image_file": {
            "type": "string",
            "format": "binary",
            "description": "jpg, jpeg, bmp, png, webp, tiff; < 15 MB; at most 4096x4096. Priority over image_url.",
        },
        "image_url": {
            "type": "string",
            "maxLength": 512,
            "description": "http(s) URL, downloaded within 10 s, at most 30 MB. Private, loopback, link-local "
            "and cloud metadata addresses are refused.",
        },
        "last_id": {"type": "string", "format": "uuid", "description": "image_id of an earlier task of this key."},
        "sync": {**FLAG, "default": 0, "description": "1 waits for the result, 0 returns task_id at once."},
        "return_type": {"type": "integer", "enum": [1, 2], "default": 1, "description": "1 URL (1 h), 2 base64."},
        "size": {"type": "string", "pattern": f"^{SIDE}x{SIDE}$", "description": "WxH, each 100-2000, e.g. 300x400."},
        "format": {"type": "string", "enum": ["png", "jpg", "jpeg"], "default": "png"},
        "spec_id": {"type": "integer", "minimum": 1, "description": "Document specification id (GET /api/specs)."},
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
            "quality": {"type": "integer", "minimum": 1, "maximum": 100},
            "min_file_size": {"type": "integer", "minimum": 0, "description": "Bytes; only without quality."},
            "max_file_size": {"type": "integer", "minimum": 0, "description": "Bytes; only without quality."},
            "add_label": {**FLAG, "default": 0},
            "label_text": {"type": "string", "maxLength": 200},
            "label_height": {"type": "integer", "minimum": 8, "maximum": 1000},
            "layout": {**FLAG, "default": 0},
            "layout_vertical": {**FLAG, "default": 0},
            "layout_size": {"type": "string", "enum": list(LAYOUT_SIZES), "default": "6inch"},
            "layout_bg_color": HEX,
            "layout_qr_code_data": {"type": "string", "maxLength": 1000},
            "layout_qr_code_size": {"type": "integer", "minimum": 40, "maximum": 1200},
            "layout_label_text": {"type": "string", "maxLength": 500, "description": "\\n breaks lines."},
            "layout_pdf": {**FLAG, "default": 0, "description": "Addition: also return the sheet as a PDF."},
        }
    )
    return fields


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
        404: "Unknown task_id (or a task of another key).",
        413: "image_file is 15 MB or larger.",
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
            _query("q", {"type": "string"}, "Words that must all match: country, document, size (35x45, 2x2)."),
            _query("country", {"type": "string"}, "Country name or ISO code."),
            _query("document", {"type": "string"}, "Document kind, e.g. passport, visa."),
            _query("limit", {"type": "integer", "minimum": 1, "maximum": 500, "default": 100}, "Page size."),
            _query("offset", {"type": "integer", "minimum": 0, "default": 0}, "Page start."),
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
                            "multipart/form-data": {"schema": {"type": "object", "properties": _form_fields()}}
                        },
                    },
                    "responses": {
                        "200": {"description": "Task created (sync=0) or finished (sync=1).", **task_response},
                        **_errors(400, 401, 413, 429),
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
