"""The holes an attack run found in the API (issue 14), one test per item, through Django's test client."""

import io
import json
import logging
import struct
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from api import services
from api.logs import RedactResultTokens
from api.models import CreditEntry, Task
from engine.contract import MAX_DOWNLOAD_BYTES, MAX_UPLOAD_BYTES, upload_too_large
from engine.params import MAX_FILE_SIZE_TARGET
from tests.api_support import (
    CREATE_URL,
    P11,
    LocalServer,
    auth,
    needs_engine,
    needs_p11,
    no_face_png,
    serve_bytes,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def key(settings):
    settings.IDPHOTO_RATE_LIMIT_PER_SECOND = 1000
    return services.create_api_key("hardening", credits=100)


def post(client, raw, **fields):
    return client.post(CREATE_URL, fields, **auth(raw))


def refusal(client, raw, **fields):
    response = post(client, raw, image_url="https://example.com/a.jpg", **fields)
    assert response.status_code == 400, response.content
    return response.json()["message"]


# --- 1. file-size targets are capped --------------------------------------------------------------------


@pytest.mark.parametrize("name", ["min_file_size", "max_file_size"])
def test_it_caps_file_size_targets_with_a_400_naming_the_parameter(client, key, name):
    above = refusal(client, key[1], **{name: str(MAX_FILE_SIZE_TARGET + 1)})
    huge = refusal(client, key[1], **{name: "1" + "0" * 30})  # was an OverflowError ending as state -1
    for message in (above, huge):
        assert message.startswith(f"{name}: must be an integer from 0 to {MAX_FILE_SIZE_TARGET}")
    assert post(client, key[1], image_url="https://example.com/a.jpg", **{name: str(MAX_FILE_SIZE_TARGET)}).json()[
        "status"
    ] == 200
    assert Task.objects.count() == 1


# --- 2. integers are ASCII digits -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "fields, param",
    [
        ({"dpi": "３００"}, "dpi"),
        ({"dpi": "٣٠٠"}, "dpi"),
        ({"dpi": "3_00"}, "dpi"),
        ({"dpi": " 300"}, "dpi"),
        ({"dpi": "+300"}, "dpi"),
        ({"px_width": "١٢٣", "px_height": "400"}, "px_width"),
        ({"size": "３００x４００"}, "size"),
        ({"quality": "９０"}, "quality"),
        ({"bright_factor": "０.５", "auto_bright": "1"}, "bright_factor"),
        ({"smooth_factor": "nan", "auto_smooth": "1"}, "smooth_factor"),
        ({"layout": "1", "layout_mix_size": "２５x３５"}, "layout_mix_size"),
    ],
)
def test_it_accepts_only_ascii_digits_in_numbers(client, key, fields, param):
    assert refusal(client, key[1], **fields).startswith(f"{param}: must be")
    assert Task.objects.count() == 0


# --- 3. IPv4 spellings and URLs parsers disagree about ------------------------------------------------------


@pytest.mark.parametrize(
    "url, words",
    [
        ("http://0177.0.0.1:8199/x", "not a plain IPv4 address"),
        ("http://127.000.000.001/x", "not a plain IPv4 address"),
        ("http://2130706433/x", "not a plain IPv4 address"),
        ("http://0x7f.0.0.1/x", "not a plain IPv4 address"),
        ("http://127.0.0.1./x", "loopback"),
        ("http://127.0.0.1\\@example.com/x", "backslashes"),
        ("http://127.0.0.1%2e/x", "not a valid host name"),
        ("http://user@example.com/x", "user name or password"),
    ],
)
def test_it_refuses_odd_ipv4_spellings_and_ambiguous_urls_before_any_lookup(client, key, url, words, monkeypatch):
    from api import fetch

    def no_lookup(host, port):
        raise AssertionError(f"{host} was resolved")

    monkeypatch.setattr(fetch, "resolve", no_lookup)
    response = client.post(CREATE_URL, {"image_url": url, "sync": "1"}, **auth(key[1]))
    assert response.status_code == 400 and words in response.json()["message"], response.content
    assert Task.objects.count() == 0


# --- 5. an unreachable max_file_size fails, uncharged -------------------------------------------------------


@needs_engine
@needs_p11
def test_it_fails_an_unreachable_max_file_size_as_minus_14_without_charging(client, key):
    api_key, raw = key
    response = post(client, raw, image_file=SimpleUploadedFile("p.jpg", P11.read_bytes()), sync="1", format="jpg",
                    max_file_size="800")
    data = response.json()["data"]
    assert data["state"] == -14 and data["error"] == "file_size" and data["image"] == ""
    [check] = data["checks"]
    assert check["id"] == "file_size" and check["status"] == "fail" and check["threshold"] == 800
    assert check["value"] > 800 and f"smallest we could make is {check['value']} bytes" in data["state_detail"]
    assert services.balance(api_key) == 100 and not CreditEntry.objects.filter(kind="spend").exists()


# --- 6. the sheet in the declared format ------------------------------------------------------------------


@needs_engine
@needs_p11
def test_it_serves_a_jpg_layout_sheet_as_jpeg_bytes_with_its_dpi(client, key):
    response = post(client, key[1], image_file=SimpleUploadedFile("p.jpg", P11.read_bytes()), sync="1",
                    format="jpg", dpi="350", mm_width="35", mm_height="45", layout="1", layout_size="5inch")
    data = response.json()["data"]
    assert data["state"] == 1, data
    sheet = client.get(data["layout_image"])
    body = b"".join(sheet.streaming_content)
    image = Image.open(io.BytesIO(body))
    assert sheet["Content-Type"] == "image/jpeg" and body[:3] == b"\xff\xd8\xff" and image.format == "JPEG"
    assert [round(v) for v in image.info["dpi"]] == [350, 350]
    assert "layout.jpg" in sheet["Content-Disposition"]
    assert image.height > image.width  # 35x45 on 5-inch paper: portrait holds 4 copies, landscape 3


# --- 8. image_url up to 30 MB -----------------------------------------------------------------------------


def _png_padded_to(png, total):
    """A valid PNG of exactly `total` bytes: a tEXt chunk before IEND (decoders skip it)."""
    iend = png[-12:]
    text = b"Comment\x00" + b" " * (total - len(png) - 12 - len(b"Comment\x00"))
    chunk = struct.pack(">I", len(text)) + b"tEXt" + text + struct.pack(">I", zlib.crc32(b"tEXt" + text))
    return png[:-12] + chunk + iend


@needs_engine
def test_it_decodes_an_image_url_of_29_6_mb(client, key, settings):
    settings.IDPHOTO_URL_ALLOW_PRIVATE = True  # the test server listens on 127.0.0.1
    big = _png_padded_to(no_face_png(), int(29.6 * 1024 * 1024))
    assert MAX_UPLOAD_BYTES < len(big) <= MAX_DOWNLOAD_BYTES
    with LocalServer({"/big.png": serve_bytes(big, "image/png")}) as server:
        data = post(client, key[1], image_url=server.url("/big.png"), sync="1").json()["data"]
    # Decoded (the old 15 MB limit said -7): the gradient has no face, which is a -14.
    assert data["state"] == -14 and data["error"] == "no_face", data


def test_it_holds_uploads_to_15_mib_with_one_comparison_everywhere():
    from photos import services as photo_services

    assert photo_services.upload_too_large is upload_too_large  # the web app's check is the API's
    assert not upload_too_large(MAX_UPLOAD_BYTES) and upload_too_large(MAX_UPLOAD_BYTES + 1)


def test_it_accepts_an_upload_of_exactly_15_mib(client, key):
    response = post(client, key[1], image_file=SimpleUploadedFile("p.jpg", b"\0" * MAX_UPLOAD_BYTES))
    assert response.status_code == 200, response.content


# --- 9. combined limits say which -------------------------------------------------------------------------


def test_it_says_which_combined_limit_100x150_mm_at_1000_dpi_breaks(client, key):
    message = refusal(client, key[1], mm_width="100", mm_height="150", dpi="1000")
    assert message.startswith("dpi: must be at most 677 for 100x150 mm")
    assert "at most 4000 px" in message and "3937x5906" in message
    assert post(client, key[1], image_url="https://example.com/a.jpg", mm_width="100", mm_height="150",
                dpi="677").status_code == 200


# --- 10. 400s that say what is wrong ----------------------------------------------------------------------


def test_it_says_json_is_not_accepted(client, key):
    response = client.post(CREATE_URL, json.dumps({"image_url": "https://example.com/a.jpg"}),
                           content_type="application/json", **auth(key[1]))
    assert response.status_code == 400
    assert response.json()["message"] == "JSON bodies are not accepted: send the parameters as multipart/form-data fields."


@pytest.mark.parametrize("encoding", ["multipart", "urlencoded"])
def test_it_says_when_there_are_too_many_fields(client, key, encoding):
    fields = {f"f{i}": "1" for i in range(1001)}
    if encoding == "multipart":
        response = client.post(CREATE_URL, fields, **auth(key[1]))
    else:
        from urllib.parse import urlencode

        response = client.post(CREATE_URL, urlencode(fields), content_type="application/x-www-form-urlencoded",
                               **auth(key[1]))
    assert response.status_code == 400
    assert response.json()["message"].startswith("Too many form fields: at most 1000")


# --- 12. result tokens never reach the logs ---------------------------------------------------------------


def test_it_redacts_result_tokens_in_log_records():
    token = "0123abcd.result:1xWEGb:8jaR_secret-part"
    record = logging.LogRecord("django.server", logging.INFO, __file__, 1, '"%s" %s %s',
                               (f"GET /api/results/{token} HTTP/1.1", "200", "1234"), None)
    RedactResultTokens().filter(record)
    line = record.getMessage()
    assert token not in line and "secret" not in line
    assert line == '"GET /api/results/[redacted] HTTP/1.1" 200 1234'
