"""The ID-photo API through Django's test client: auth, bounds, limits, states, returns, credits."""

import base64
import io
import re
import socket
from unittest import mock

import httpx
import numpy as np
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from PIL import Image

from api import fetch, services
from api.models import CreditEntry, InputImage, Task
from api.pricing import price
from engine.params import parse
from tests.api_support import (
    CREATE_URL,
    P11,
    auth,
    needs_engine,
    needs_p11,
    no_face_png,
    png_bytes,
    two_faces_jpg,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fast_rate_limit(settings):
    """Most tests send requests faster than the default 2 per second."""
    settings.IDPHOTO_RATE_LIMIT_PER_SECOND = 1000


@pytest.fixture
def key():
    api_key, raw = services.create_api_key("tests", credits=100)
    return api_key, raw


def post(client, raw, **fields):
    return client.post(CREATE_URL, fields, **auth(raw))


def upload(data, name="photo.jpg"):
    return SimpleUploadedFile(name, data)


def p11():
    return upload(P11.read_bytes())


# --- authentication, routing, request shape ------------------------------------------------------------


def test_it_refuses_missing_wrong_and_disabled_keys_with_401(client, key):
    api_key, raw = key
    missing = client.post(CREATE_URL, {"image_url": "https://example.com/a.jpg"})
    wrong = client.get(CREATE_URL + "/x", HTTP_X_API_KEY="idp_nope")
    api_key.active = False
    api_key.save()
    disabled = client.get(CREATE_URL + "/x", **auth(raw))
    for response, words in ((missing, "X-API-KEY"), (wrong, "not valid"), (disabled, "disabled")):
        assert response.status_code == 401
        assert response.json()["status"] == 401 and words in response.json()["message"]


def test_it_answers_404_for_unknown_and_other_keys_tasks(client, key):
    _, raw = key
    _, other_raw = services.create_api_key("other", credits=10)
    created = post(client, raw, image_file=upload(b"not an image"), sync="0").json()["data"]["task_id"]
    mine = client.get(f"{CREATE_URL}/{created}", **auth(raw))
    theirs = client.get(f"{CREATE_URL}/{created}", HTTP_X_API_KEY=other_raw)
    unknown = client.get(f"{CREATE_URL}/00000000-0000-0000-0000-000000000000", **auth(raw))
    malformed = client.get(f"{CREATE_URL}/not-a-uuid", **auth(raw))
    assert mine.status_code == 200 and mine.json()["data"]["state"] == 0
    for response in (theirs, unknown, malformed):
        assert response.status_code == 404 and response.json() == {
            "status": 404, "message": "Task not found: check the task_id.", "data": {}
        }


def test_it_needs_an_image_source(client, key):
    response = post(client, key[1], sync="1")
    assert response.status_code == 400
    assert "image_file, image_url or last_id" in response.json()["message"]


def test_it_refuses_uploads_over_15_mb_with_413(client, key):
    response = post(client, key[1], image_file=upload(b"\0" * (15 * 1024 * 1024 + 1)))
    assert response.status_code == 413 and response.json()["status"] == 413
    assert Task.objects.count() == 0


def test_it_limits_requests_per_second_with_retry_after(client, settings, monkeypatch):
    settings.IDPHOTO_RATE_LIMIT_PER_SECOND = 2
    clock = {"now": 1_000_000.0}
    monkeypatch.setattr(services.keys, "clock", lambda: clock["now"])
    _, raw = services.create_api_key("slow")

    def status():
        return client.get(f"{CREATE_URL}/x", **auth(raw))

    burst = [status().status_code for _ in range(2)]
    limited = status()
    clock["now"] += 0.5  # half a second refills one token at 2 per second
    after_wait = [status().status_code for _ in range(2)]
    assert burst == [404, 404] and after_wait == [404, 429]
    assert limited.status_code == 429 and limited.json()["status"] == 429
    assert limited["Retry-After"] == "1" and "2 requests per second" in limited.json()["message"]
    _api_key, fast_raw = services.create_api_key("own rate", rate_limit=20)
    assert [client.get(f"{CREATE_URL}/x", **auth(fast_raw)).status_code for _ in range(20)] == [404] * 20


def test_it_refuses_other_methods_with_json_405(client, key):
    response = client.put(CREATE_URL, **auth(key[1]))
    assert response.status_code == 405 and response.json()["status"] == 405


# --- parameter bounds: one test per family ------------------------------------------------------------

FAMILIES = {
    "size": [("size", "99x400", "size"), ("size", "300X400", "size"), ("size", "2001x400", "100 to 2000")],
    "pixels": [("px_width", "1800", "px_width"), ("px_height", "abc", "px_height")],
    "millimetres": [("mm_width", "180", "mm_width"), ("mm_height", "0", "mm_height")],
    "dpi": [("dpi", "9", "dpi"), ("dpi", "1001", "from 10 to 1000")],
    "colours": [("bg_color", "blue", "bg_color"), ("bg_color2", "12345", "bg_color2")],
    "face constraints": [("face_width", "-1", "face_width"), ("max_head_top", "x", "max_head_top")],
    "beauty": [("auto_smooth", "2", "auto_smooth"), ("bright_factor", "1.5", "bright_factor")],
    "clothes": [("clothes_id", "man_21", "clothes_id")],
    "file size": [("quality", "0", "quality"), ("quality", "101", "quality"), ("min_file_size", "-1", "min")],
    "label": [("add_label", "3", "add_label"), ("label_height", "7", "label_height")],
    "layout": [("layout_vertical", "2", "layout_vertical"), ("preview", "5", "preview")],
    "format": [("format", "gif", "format"), ("spec_id", "0", "spec_id")],
    "transport": [("sync", "2", "sync"), ("return_type", "3", "return_type")],
}


@pytest.mark.parametrize("family", sorted(FAMILIES))
def test_it_refuses_out_of_range_parameters_naming_them(client, key, family):
    for name, value, needle in FAMILIES[family]:
        response = post(client, key[1], image_url="https://example.com/a.jpg", **{name: value})
        assert response.status_code == 400, (name, value)
        assert response.json()["status"] == 400 and needle in response.json()["message"], response.json()
    assert Task.objects.count() == 0


def test_it_refuses_layout_bounds_when_layout_is_on(client, key):
    for name, value in (("layout_size", "7inch"), ("layout_qr_code_size", "10"), ("layout_bg_color", "grey")):
        response = post(client, key[1], image_url="https://example.com/a.jpg", layout="1", **{name: value})
        assert response.status_code == 400 and name in response.json()["message"]


def test_it_refuses_bad_image_url_and_last_id(client, key):
    cases = [
        ({"image_url": "ftp://example.com/a.jpg"}, "http"),
        ({"image_url": "https://example.com/" + "a" * 500}, "512"),
        ({"last_id": "nope"}, "last_id"),
    ]
    for fields, needle in cases:
        response = post(client, key[1], **fields)
        assert response.status_code == 400 and needle in response.json()["message"], response.json()
    # A well-formed id that names no image of this key is a missing resource, like an unknown task_id.
    unknown = post(client, key[1], last_id="00000000-0000-0000-0000-000000000000")
    assert unknown.status_code == 404 and "last_id: unknown or expired" in unknown.json()["message"]


# --- SSRF ---------------------------------------------------------------------------------------------


@pytest.fixture
def no_network(monkeypatch):
    """Fail the test if anything tries to open a connection or resolve a name."""

    def refuse(*args, **kwargs):
        raise AssertionError(f"network access attempted: {args!r}")

    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    monkeypatch.setattr(httpx.Client, "send", refuse)


@pytest.mark.parametrize(
    "url, words",
    [
        ("http://127.0.0.1/a.jpg", "loopback"),
        ("http://10.0.0.1/a.jpg", "private"),
        ("http://169.254.169.254/latest/meta-data/", "metadata"),
        ("http://[fd00:ec2::254]/", "metadata"),
        ("http://[::1]:8000/a.jpg", "loopback"),
        ("http://0.0.0.0/a.jpg", "unspecified"),
        ("http://224.0.0.1/a.jpg", "multicast"),
        ("http://192.168.1.10/a.jpg", "private"),
        ("http://localhost:8000/a.jpg", "localhost"),
        ("http://[::ffff:127.0.0.1]/a.jpg", "loopback"),
    ],
)
def test_it_refuses_internal_addresses_before_connecting(client, key, no_network, url, words):
    response = post(client, key[1], image_url=url, sync="1")
    assert response.status_code == 400 and words in response.json()["message"], response.json()
    assert Task.objects.count() == 0


def test_it_refuses_host_names_that_resolve_to_private_addresses(client, key, no_network, monkeypatch):
    monkeypatch.setattr(fetch, "resolve", lambda host, port: ["10.0.0.1"])
    data = post(client, key[1], image_url="http://photos.example.com/a.jpg", sync="1").json()["data"]
    assert data["state"] == -3 and "10.0.0.1 is a private" in data["state_detail"]


def test_it_keeps_metadata_refused_even_when_private_addresses_are_allowed(settings):
    settings.IDPHOTO_URL_ALLOW_PRIVATE = True
    assert "metadata" in fetch.url_refusal("http://169.254.169.254/")
    assert fetch.url_refusal("http://127.0.0.1:9/") is None


def test_it_reports_a_connection_failure_as_state_minus_3(client, key, settings):
    settings.IDPHOTO_URL_ALLOW_PRIVATE = True
    with socket.socket() as probe:  # a port that was free a moment ago: nothing listens there
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    data = post(client, key[1], image_url=f"http://127.0.0.1:{port}/a.jpg", sync="1").json()["data"]
    assert data["state"] == -3 and "Downloading image_url failed" in data["state_detail"]
    assert CreditEntry.objects.filter(kind="spend").count() == 0


# --- task states provoked on purpose ------------------------------------------------------------------


def test_it_marks_an_invalid_image_minus_7_and_charges_nothing(client, key):
    api_key, raw = key
    data = post(client, raw, image_file=upload(b"this is not an image"), sync="1").json()["data"]
    huge = png_bytes(np.zeros((8, 8193), dtype=np.uint8))
    too_big = post(client, raw, image_file=upload(huge, "wide.png"), sync="1").json()["data"]
    assert data["state"] == -7 and data["state_detail"] and data["image"] == ""
    assert too_big["state"] == -7 and "8192" in too_big["state_detail"]
    assert services.balance(api_key) == 100


def test_it_reports_an_unexpected_engine_failure_as_minus_1(client, key, monkeypatch):
    def explode(*args, **kwargs):
        raise RuntimeError("secret internal detail")

    monkeypatch.setattr("engine.process", explode)
    data = post(client, key[1], image_file=upload(png_bytes(np.zeros((200, 200, 3), dtype=np.uint8))),
                sync="1").json()["data"]
    assert data["state"] == -1 and "secret" not in data["state_detail"]
    assert services.balance(key[0]) == 100


@needs_engine
@needs_p11
def test_it_times_out_as_minus_8(client, key, settings):
    settings.IDPHOTO_SYNC_TIMEOUT = 0.001
    data = post(client, key[1], image_file=p11(), sync="1").json()["data"]
    assert data["state"] == -8 and "timed out" in data["state_detail"]
    assert services.balance(key[0]) == 100


@needs_engine
def test_it_refuses_a_photo_without_a_face_as_minus_14(client, key):
    data = post(client, key[1], image_file=upload(no_face_png(), "plain.png"), sync="1").json()["data"]
    assert data["state"] == -14 and data["error"] == "no_face" and "face" in data["state_detail"]


@needs_engine
@needs_p11
def test_it_refuses_a_photo_with_two_people_as_minus_14(client, key):
    data = post(client, key[1], image_file=upload(two_faces_jpg()), sync="1").json()["data"]
    assert data["state"] == -14 and data["error"] == "several_faces", data
    assert [check["id"] for check in data["checks"] if check["status"] == "fail"] == ["one_face"]


@needs_engine
@pytest.mark.skipif(not (P11.parent / "p02_sergey.png").exists(), reason="p02 is absent")
def test_it_refuses_a_photo_with_the_head_cut_off_as_minus_14(client, key):
    photo = upload((P11.parent / "p02_sergey.png").read_bytes(), "p02.png")
    data = post(client, key[1], image_file=photo, sync="1").json()["data"]
    assert data["state"] == -14 and data["error"] == "crown_cut" and "head" in data["state_detail"]
    failing = [check for check in data["checks"] if check["status"] == "fail"]
    assert failing and "further away" in failing[0]["fix"]


@needs_engine
@needs_p11
def test_it_refuses_constraints_the_photo_cannot_meet_as_minus_14(client, key):
    data = post(client, key[1], image_file=p11(), face_width="290", sync="1").json()["data"]
    assert data["state"] == -14 and data["error"] == "constraints" and "face_width" in data["state_detail"]
    assert services.balance(key[0]) == 100


# --- results: URL, base64, expiry, last_id, credits -----------------------------------------------------


@pytest.fixture
def done(client, key):
    """One successful synchronous task with a URL result (engine run once per test that uses it)."""
    if not P11.exists():
        pytest.skip(f"{P11} is absent")
    response = post(client, key[1], image_file=p11(), sync="1")
    assert response.status_code == 200, response.content
    return response.json()


@needs_engine
def test_it_returns_a_url_that_serves_the_photo_and_charges_once(client, key, done):
    api_key, raw = key
    data = done["data"]
    assert done["status"] == 200 and done["message"] == "success"
    assert data["state"] == 1 and data["progress"] == 100 and data["return_type"] == 1
    assert data["created_at"] <= data["processed_at"] <= data["completed_at"]
    assert data["cost"] == 6 and data["measurements"]["faces_found"] == 1
    photo = client.get(data["image"].replace("http://testserver", ""))
    image = Image.open(io.BytesIO(b"".join(photo.streaming_content)))
    assert photo.status_code == 200 and image.size == (295, 413)
    assert services.balance(api_key) == 94
    services.run_task(data["task_id"])  # a second run of a finished task changes nothing
    assert services.balance(api_key) == 94 and CreditEntry.objects.filter(kind="spend").count() == 1
    query = client.get(f"{CREATE_URL}/{data['task_id']}", **auth(raw)).json()["data"]
    assert query["state"] == 1 and query["image_id"] == data["image_id"]


@needs_engine
def test_it_expires_result_urls_after_the_ttl(client, key, done, settings):
    path = done["data"]["image"].replace("http://testserver", "")
    import time

    later = time.time() + settings.IDPHOTO_RESULT_URL_TTL + 5
    with mock.patch("django.core.signing.time.time", return_value=later):
        expired = client.get(path)
    tampered = client.get(path[:-3] + "abc")
    assert client.get(path).status_code == 200
    assert expired.status_code == 404 and expired.json()["status"] == 404
    assert tampered.status_code == 404


@needs_engine
def test_it_reuses_an_input_by_last_id_and_returns_base64(client, key, done):
    _api_key, raw = key
    image_id = done["data"]["image_id"]
    response = post(client, raw, last_id=image_id, return_type="2", format="jpg", sync="1")
    data = response.json()["data"]
    assert data["state"] == 1 and data["image_id"] == image_id and data["return_type"] == 2
    assert base64.b64decode(data["image"])[:3] == b"\xff\xd8\xff"
    assert InputImage.objects.count() == 1
    _, other_raw = services.create_api_key("other", credits=50)
    foreign = post(client, other_raw, last_id=image_id, sync="1")
    assert foreign.status_code == 404 and "last_id" in foreign.json()["message"]  # as unknown as a missing one


@needs_engine
def test_it_prefers_image_file_over_image_url_and_last_id(client, key, no_network):
    if not P11.exists():
        pytest.skip(f"{P11} is absent")
    unused = "00000000-0000-0000-0000-000000000000"  # well-formed, unknown: never looked up
    data = post(client, key[1], image_file=p11(), image_url="https://example.com/x.jpg", last_id=unused,
                preview="1", sync="1").json()["data"]
    assert data["state"] == 1 and data["cost"] == 0
    assert services.balance(key[0]) == 100
    # Every source given must be well-formed, even one the priority leaves unused.
    for fields, words in (({"image_url": "http://10.0.0.1/x.jpg"}, "image_url: refused"), ({"last_id": "bad"}, "last_id")):
        response = post(client, key[1], image_file=p11(), preview="1", **fields)
        assert response.status_code == 400 and response.json()["message"].startswith(words)


@needs_engine
@needs_p11
def test_it_returns_a_layout_sheet_and_prices_it(client, key):
    data = post(client, key[1], image_file=p11(), layout="1", layout_pdf="1", return_type="2",
                sync="1").json()["data"]
    sheet = Image.open(io.BytesIO(base64.b64decode(data["layout_image"])))
    assert data["state"] == 1 and data["cost"] == 11 and sheet.width > 1000
    assert base64.b64decode(data["layout_pdf"]).startswith(b"%PDF")
    assert services.balance(key[0]) == 89


def test_it_refuses_a_request_it_cannot_pay_for_before_any_work(client):
    _api_key, raw = services.create_api_key("poor", credits=5)
    response = post(client, raw, image_file=upload(b"x"), sync="1")
    assert response.status_code == 400
    assert response.json()["message"].startswith("not enough credits: this request costs 6, balance 5")
    assert Task.objects.count() == 0 and InputImage.objects.count() == 0
    free = post(client, raw, image_file=upload(b"x"), preview="1", sync="1")
    assert free.status_code == 200 and free.json()["data"]["state"] == -7


def test_it_counts_unfinished_tasks_as_reserved_credit(client):
    _api_key, raw = services.create_api_key("reserve", credits=12)
    first = post(client, raw, image_url="https://example.com/a.jpg", sync="0")
    second = post(client, raw, image_url="https://example.com/b.jpg", sync="0")
    third = post(client, raw, image_url="https://example.com/c.jpg", sync="0")
    assert [first.status_code, second.status_code, third.status_code] == [200, 200, 400]
    assert "balance 0 (12 more are reserved by unfinished tasks)" in third.json()["message"]


def test_it_prices_requests_exactly_as_the_seed():
    assert price(parse({})) == 6
    assert price(parse({"clothes_id": "woman_3"})) == 15
    assert price(parse({"auto_smooth": "1"})) == 14
    assert price(parse({"auto_smooth": "1", "smooth_factor": "0"})) == 6
    assert price(parse({"clothes_id": "man_1", "auto_sharp": "1", "layout": "1"})) == 28
    assert price(parse({"layout": "1", "preview": "1", "auto_bright": "1"})) == 0


# --- retention, keys, schedule, OpenAPI ----------------------------------------------------------------


@needs_engine
def test_it_deletes_results_and_inputs_after_retention(client, key, done, settings):
    from datetime import timedelta

    from django.utils import timezone

    task = Task.objects.get(task_id=done["data"]["task_id"])
    result_path = task.result.path
    assert services.delete_expired() == {"results": 0, "inputs": 0}
    later = timezone.now() + timedelta(seconds=settings.IDPHOTO_RETENTION_SECONDS + 1)
    assert services.delete_expired(now=later) == {"results": 1, "inputs": 0}
    much_later = timezone.now() + timedelta(seconds=settings.IDPHOTO_INPUT_RETENTION_SECONDS + 1)
    assert services.delete_expired(now=much_later)["inputs"] == 1
    import os

    assert not os.path.exists(result_path)
    data = client.get(f"{CREATE_URL}/{task.task_id}", **auth(key[1])).json()["data"]
    assert data["state"] == 1 and data["image"] == "" and "deleted" in data["state_detail"]
    assert client.get(done["data"]["image"].replace("http://testserver", "")).status_code == 404


def test_it_schedules_the_retention_job(migrated_schedules):
    from django.utils.module_loading import import_string
    from django_q.models import Schedule

    schedule = Schedule.objects.get(func="api.tasks.delete_expired")
    assert schedule.schedule_type == Schedule.MINUTES and schedule.minutes == 5 and schedule.repeats == -1
    assert import_string(schedule.func)() == {"results": 0, "inputs": 0}


def test_it_creates_keys_and_grants_credits_from_the_command_line(client, capsys):
    call_command("create_api_key", name="cli", credits=7)
    raw = capsys.readouterr().out.strip()
    call_command("grant_api_credits", prefix=raw[:8], credits=5)
    assert "balance 12" in capsys.readouterr().out
    call_command("grant_api_credits", prefix=raw[:8], credits=-2, note="typo")
    assert "balance 10" in capsys.readouterr().out
    kinds = CreditEntry.objects.filter(api_key__prefix=raw[:12]).order_by("id").values_list("kind", "amount")
    assert list(kinds) == [("grant", 7), ("grant", 5), ("correction", -2)]  # taking back is not a refund
    assert client.get(f"{CREATE_URL}/x", **auth(raw)).status_code == 404  # authenticated: the task is unknown
    stored = services.authenticate(raw)
    assert raw not in (stored.key_hash, stored.prefix) and len(stored.key_hash) == 64


def test_it_serves_an_openapi_document_with_every_seed_parameter(client):
    document = client.get("/api/openapi.json").json()
    post_op = document["paths"]["/api/tasks/visual/external/idphoto"]["post"]
    fields = post_op["requestBody"]["content"]["multipart/form-data"]["schema"]["properties"]
    seed_names = ["image_file", "image_url", "last_id", "sync", "size", "format", "return_type", "spec_id", "dpi", "px_width", "px_height", "mm_width", "mm_height", "change_bg", "bg_color", "bg_color2", "face_width", "min_face_width", "max_face_width", "face_height", "min_face_height", "max_face_height", "head_top", "min_head_top", "max_head_top", "chin_top", "min_chin_top", "max_chin_top", "eyes_top", "min_eyes_top", "max_eyes_top", "auto_bright", "bright_factor", "auto_smooth", "smooth_factor", "auto_thin_face", "thin_face_factor", "auto_sharp", "sharp_factor", "clothes_id", "preview", "quality", "min_file_size", "max_file_size", "add_label", "label_text", "label_height", "layout", "layout_vertical", "layout_size", "layout_bg_color", "layout_qr_code_data", "layout_qr_code_size", "layout_label_text"]
    assert set(seed_names) <= set(fields)
    assert {"200", "400", "401", "413", "429"} <= set(post_op["responses"])
    assert fields["dpi"]["type"] == "string" and fields["dpi"]["description"].startswith("Integer 10-1000")
    assert re.fullmatch(fields["dpi"]["pattern"], "1000") and not re.fullmatch(fields["dpi"]["pattern"], "1001")


def test_it_reports_processing_states_4_to_6_with_progress(client, key, monkeypatch):
    """While the engine runs, the task moves through the seed's processing states with rising progress."""
    import time

    from engine.context import Result

    recorded = []
    real_set_progress = services.processing.set_progress

    def record(task_pk, state, percent, detail=None):
        recorded.append((state, percent))
        real_set_progress(task_pk, state, percent, detail)

    def slow_engine(image_bytes, params, progress):
        for stage, percent in (("decode", 10), ("geometry", 65), ("encode", 93)):
            progress(stage, percent)
            time.sleep(1.0)  # the request thread writes progress every 0.5 s
        return Result(image=png_bytes(np.zeros((4, 4, 3), np.uint8)), format="png", width=4, height=4, dpi=300,
                      measurements={}, checks=[], warnings=[], timings={})

    monkeypatch.setattr("engine.process", slow_engine)
    monkeypatch.setattr(services.processing, "set_progress", record)
    data = post(client, key[1], image_file=upload(b"any"), sync="1").json()["data"]
    assert data["state"] == 1 and data["progress"] == 100 and data["measurements"] == {}
    assert recorded[-1] == (5, 99) and {4, 6} <= {state for state, _ in recorded}
    assert [percent for _, percent in recorded] == sorted({percent for _, percent in recorded})


def test_it_fails_tasks_lost_for_an_hour_and_releases_their_credit(client):
    from datetime import timedelta

    from django.utils import timezone

    api_key, raw = services.create_api_key("lost", credits=6)
    task_id = post(client, raw, image_url="https://example.com/a.jpg").json()["data"]["task_id"]
    assert post(client, raw, image_url="https://example.com/b.jpg").status_code == 400  # credit reserved
    services.delete_expired(now=timezone.now() + timedelta(hours=2))
    data = client.get(f"{CREATE_URL}/{task_id}", **auth(raw)).json()["data"]
    assert data["state"] == -8 and services.balance(api_key) == 6
    assert post(client, raw, image_url="https://example.com/c.jpg").status_code == 200


def test_it_lists_keys_tasks_and_ledger_in_the_admin(admin_client, key):
    api_key, raw = key
    post(admin_client, raw, image_file=upload(b"not an image"), sync="1")
    keys = admin_client.get("/admin/api/apikey/")
    tasks = admin_client.get("/admin/api/task/?state__exact=-7")
    ledger = admin_client.get("/admin/api/creditentry/")
    assert keys.status_code == tasks.status_code == ledger.status_code == 200
    assert api_key.prefix in keys.content.decode() and ">100<" in keys.content.decode()
    assert str(Task.objects.get().task_id) in tasks.content.decode()
    assert "initial credits" in ledger.content.decode()
    assert admin_client.get("/admin/api/creditentry/add/").status_code == 403


def test_it_never_charges_a_task_twice(key):
    api_key, _ = key
    task = Task.objects.create(api_key=api_key, cost=6, state=1)
    services.charge(task)
    services.charge(task)
    assert CreditEntry.objects.filter(task=task, kind="spend").count() == 1 and services.balance(api_key) == 94


def test_it_defaults_to_async_and_a_url_return(client, key):
    response = post(client, key[1], image_file=upload(b"not an image"))
    assert list(response.json()["data"]) == ["task_id"]
    task = Task.objects.get()
    assert (task.sync, task.return_type, task.state) == (False, 1, 0)


def test_it_answers_unknown_api_paths_with_json_404(client, key):
    for path in ("/api/tasks/visual/external/idphoto/", "/api/specs/%0A", "/api/%0D%0Ax"):  # schemathesis found %0A
        response = client.get(path, HTTP_X_API_KEY=key[1])
        assert response.status_code == 404, path
        assert response.json()["status"] == 404 and "Not found" in response.json()["message"], path


def test_it_reports_the_seed_state_of_the_stage_running_next():
    from api.services.processing import _state_for
    from engine.contract import STATE_LOOP, STATE_PREPARING, STATE_PROCESSING
    from engine.pipeline import STAGES, stage_name

    states = [_state_for(None)] + [_state_for(stage_name(module)) for module, _ in STAGES]
    assert states[:4] == [STATE_PREPARING, STATE_PROCESSING, STATE_PROCESSING, STATE_PROCESSING]
    assert set(states[4:]) == {STATE_LOOP}  # after geometry: beauty ... checks
    assert states == sorted(states, key=[STATE_PREPARING, STATE_PROCESSING, STATE_LOOP].index)
