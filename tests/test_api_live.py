"""The API over real HTTP: a live server, django-q2 in sync mode, a real qcluster, parallel clients."""

import time
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
from PIL import Image

from api import services
from api.models import CreditEntry, Task
from tests.api_support import CREATE_URL, P11, needs_engine, needs_p11
from tests.processes import start_manage, stop

pytestmark = [pytest.mark.django_db(transaction=True), needs_engine, needs_p11]


@pytest.fixture
def fast_rate_limit(settings):
    settings.IDPHOTO_RATE_LIMIT_PER_SECOND = 1000


def create(live_server, raw, timeout=120, **fields):
    files = {"image_file": ("p11.jpg", P11.read_bytes(), "image/jpeg")}
    return httpx.post(live_server.url + CREATE_URL, data=fields, files=files, headers={"X-API-KEY": raw},
                      timeout=timeout)


def query(live_server, raw, task_id):
    return httpx.get(f"{live_server.url}{CREATE_URL}/{task_id}", headers={"X-API-KEY": raw}, timeout=30)


def wait_for_final_state(live_server, raw, task_id, seconds):
    deadline = time.monotonic() + seconds
    seen = []
    while time.monotonic() < deadline:
        data = query(live_server, raw, task_id).json()["data"]
        seen.append(data["state"])
        if data["state"] == 1 or data["state"] < 0:
            return data, seen
        time.sleep(0.5)
    raise AssertionError(f"task {task_id} did not finish in {seconds} s (states seen: {seen})")


def test_it_serves_sync_requests_and_their_result_urls_over_http(live_server, fast_rate_limit):
    api_key, raw = services.create_api_key("live", credits=20)
    response = create(live_server, raw, sync="1", format="jpg", bg_color="438EDB")
    body = response.json()
    assert response.status_code == 200 and body["status"] == 200 and body["data"]["state"] == 1
    photo = httpx.get(body["data"]["image"], timeout=30)
    assert photo.status_code == 200 and photo.content[:3] == b"\xff\xd8\xff"
    assert services.balance(api_key) == 14


def test_it_processes_async_tasks_through_django_q_sync_mode(live_server, fast_rate_limit, monkeypatch):
    from .photos_support import sync_queue

    sync_queue(monkeypatch)
    api_key, raw = services.create_api_key("live-async", credits=20)
    response = create(live_server, raw, sync="0", return_type="2")
    assert response.status_code == 200 and list(response.json()["data"]) == ["task_id"]
    data, _ = wait_for_final_state(live_server, raw, response.json()["data"]["task_id"], 60)
    assert data["state"] == 1 and data["return_type"] == 2 and len(data["image"]) > 1000
    assert services.balance(api_key) == 14


def test_it_processes_async_tasks_in_a_real_qcluster(live_server, fast_rate_limit, settings, tmp_path):
    api_key, raw = services.create_api_key("live-cluster", credits=20)
    response = create(live_server, raw, sync="0")
    task_id = response.json()["data"]["task_id"]
    assert query(live_server, raw, task_id).json()["data"]["state"] == 0  # nobody works on it yet
    cluster = start_manage(["qcluster"], tmp_path / "qcluster.log", Q_WORKERS="1")
    try:
        data, _seen = wait_for_final_state(live_server, raw, task_id, 120)
    finally:
        stop([cluster])
    assert data["state"] == 1, (tmp_path / "qcluster.log").read_text()[-2000:]
    assert Image.open(__import__("io").BytesIO(httpx.get(data["image"], timeout=30).content)).size == (295, 413)
    assert CreditEntry.objects.filter(task__task_id=task_id, kind="spend").count() == 1
    assert services.balance(api_key) == 14


def test_it_charges_exactly_three_of_ten_parallel_requests_with_credit_for_three(live_server, fast_rate_limit):
    api_key, raw = services.create_api_key("parallel", credits=18)
    with ThreadPoolExecutor(max_workers=10) as pool:
        responses = list(pool.map(lambda _: create(live_server, raw, timeout=300, sync="1"), range(10)))
    done = [r for r in responses if r.status_code == 200]
    refused = [r for r in responses if r.status_code == 400]
    assert len(done) == 3 and len(refused) == 7, [r.status_code for r in responses]
    assert all(r.json()["data"]["state"] == 1 for r in done)
    assert all(r.json()["message"].startswith("not enough credits: this request costs 6") for r in refused)
    assert CreditEntry.objects.filter(kind="spend").count() == 3
    assert services.balance(api_key) == 0 and Task.objects.count() == 3
