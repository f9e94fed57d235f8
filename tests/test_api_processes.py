"""The API in real server processes: a server killed in the middle of a sync request, and access logs."""

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from datetime import timedelta

import httpx
import pytest
from django.utils import timezone

from api import services, tasks
from api.models import Task
from tests.api_support import CREATE_URL, LocalServer, auth
from tests.processes import REPO, child_env, start_manage, stop

pytestmark = pytest.mark.django_db(transaction=True)

DEV_PORTS = range(8130, 8140)
LEASE = 4  # seconds, for the server child and for this process
URL_TIMEOUT = 3  # the lease must be longer


def free_port():
    for port in DEV_PORTS:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) != 0:
                return port
    raise RuntimeError("no free port in 8130-8139")


def wait_until(condition, seconds, what):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def listening(port):
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) == 0


def start_runserver(port, log_path):
    return start_manage(
        ["runserver", f"127.0.0.1:{port}", "--noreload"], log_path,
        IDPHOTO_URL_ALLOW_PRIVATE="1", IDPHOTO_URL_TIMEOUT=str(URL_TIMEOUT),
        IDPHOTO_TASK_LEASE_SECONDS=str(LEASE), IDPHOTO_RATE_LIMIT_PER_SECOND="1000",
    )


def dribble(handler, server):
    """An image_url that never finishes: one byte every 0.1 s (the server downloading it stays busy)."""
    handler.send_response(200)
    handler.send_header("Content-Type", "image/jpeg")
    handler.send_header("Transfer-Encoding", "chunked")
    handler.end_headers()
    try:
        for _ in range(600):
            handler.wfile.write(b"1\r\n\xff\r\n")
            handler.wfile.flush()
            time.sleep(0.1)
    except (BrokenPipeError, ConnectionResetError):
        pass


@pytest.fixture
def lease(settings):
    settings.IDPHOTO_TASK_LEASE_SECONDS = LEASE
    settings.IDPHOTO_RATE_LIMIT_PER_SECOND = 1000


def test_it_fails_a_sync_task_whose_server_was_killed_and_releases_its_credit(client, lease, tmp_path):
    api_key, raw = services.create_api_key("killed", credits=6)  # exactly one photo
    port = free_port()
    server = start_runserver(port, tmp_path / "runserver.log")
    try:
        wait_until(lambda: listening(port), 60, "the server to listen")
        with LocalServer({"/slow.jpg": dribble}) as images:
            url = images.url("/slow.jpg")
            fields = {"image_url": url, "sync": "1"}
            request = threading.Thread(
                target=lambda: _post_ignoring_the_kill(f"http://127.0.0.1:{port}{CREATE_URL}", fields, raw)
            )
            request.start()
            wait_until(lambda: Task.objects.filter(state=2).exists(), 30, "the server to start the task")
            os.killpg(server.pid, signal.SIGKILL)  # a restart or a crash while it runs
            server.wait(timeout=10)
            request.join(timeout=30)
    finally:
        stop([server])
    task = Task.objects.get()
    assert task.state == 2 and services.reserved(api_key) == 6
    refused = client.post(CREATE_URL, {"image_url": "https://example.com/b.jpg"}, **auth(raw))
    assert refused.status_code == 400 and "not enough credits" in refused.json()["message"]

    wait_until(lambda: timezone.now() > task.heartbeat_at + timedelta(seconds=LEASE), LEASE + 5, "the lease")
    data = client.get(f"{CREATE_URL}/{task.task_id}", **auth(raw)).json()["data"]
    assert data["state"] == -1 and data["error"] == "interrupted"
    assert "server process running this task stopped" in data["state_detail"]
    assert "Nothing was charged" in data["state_detail"]
    assert services.reserved(api_key) == 0 and services.balance(api_key) == 6
    again = client.post(CREATE_URL, {"image_url": "https://example.com/c.jpg", "sync": "0"}, **auth(raw))
    assert again.status_code == 200  # the key is not blocked any more


def _post_ignoring_the_kill(url, fields, raw):
    try:
        httpx.post(url, data=fields, files={"x": ("x", b"")}, headers={"X-API-KEY": raw}, timeout=60)
    except httpx.HTTPError:
        pass  # the server died under it, as intended


def test_it_fails_abandoned_tasks_from_the_schedule_and_leaves_live_ones(lease):
    api_key, _ = services.create_api_key("sweep", credits=20)
    old = timezone.now() - timedelta(seconds=LEASE + 1)
    dead = Task.objects.create(api_key=api_key, state=4, cost=6, sync=False, heartbeat_at=old)
    dead_sync = Task.objects.create(api_key=api_key, state=0, cost=6, sync=True)
    Task.objects.filter(pk=dead_sync.pk).update(created=old)
    alive = Task.objects.create(api_key=api_key, state=4, cost=6, heartbeat_at=timezone.now())
    queued = Task.objects.create(api_key=api_key, state=0, cost=1, sync=False)
    Task.objects.filter(pk=queued.pk).update(created=old)  # waits for a worker: not abandoned
    assert tasks.fail_abandoned() == 2
    states = {t.pk: (t.state, t.error_kind) for t in Task.objects.all()}
    assert states[dead.pk] == states[dead_sync.pk] == (-1, "interrupted")
    assert states[alive.pk] == (4, "") and states[queued.pk] == (0, "")
    assert services.reserved(api_key) == 7


# --- issue 14, item 12: signed result URLs are bearer tokens -------------------------------------------

TOKEN = "0f1e2d3c4b5a69788796a5b4c3d2e1f0.result:1xWEGb:8jaRsEcReTpArT"


def start_gunicorn(port, log_path):
    with open(log_path, "w") as log:
        return subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "idphoto_site.wsgi", "--bind", f"127.0.0.1:{port}",
             "--workers", "1", "--access-logfile", "-"],
            cwd=REPO, env=child_env(), stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        )


@pytest.mark.parametrize("start", [start_runserver, start_gunicorn], ids=["runserver", "gunicorn"])
def test_it_keeps_result_tokens_out_of_the_access_log(start, tmp_path):
    port = free_port()
    log_path = tmp_path / "server.log"
    server = start(port, log_path)
    try:
        wait_until(lambda: listening(port), 60, "the server to listen")
        response = httpx.get(f"http://127.0.0.1:{port}/api/results/{TOKEN}", timeout=30)
        assert response.status_code == 404
        wait_until(lambda: "/api/results/" in log_path.read_text(), 10, "the access line")
    finally:
        stop([server])
    log = log_path.read_text()
    assert "/api/results/[redacted]" in log
    assert "SEcReT" not in log and TOKEN.split(":")[0] not in log, log[-2000:]
