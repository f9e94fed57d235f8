"""Scale-out by settings only: PostgreSQL, the Redis broker, several qcluster processes, S3 storage.

The suite normally runs on SQLite with the ORM broker. The first test re-runs the concurrency-critical
tests in a `pytest` subprocess with DATABASE_URL (a PostgreSQL database made for the run and dropped after)
and REDIS_URL (an empty Redis database). The tests marked `inside` below run only there: they need real row
locks and a shared broker. Everything skips with a reason when PostgreSQL or Redis does not answer.
"""

import os
import random
import re
import socket
import subprocess
import sys
import threading
import time
import uuid
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.db import connection, connections

from tests.api_support import CREATE_URL, P11, auth, needs_engine, needs_p11
from tests.processes import start_manage, stop

REPO = Path(__file__).resolve().parent.parent
PG_HOST, PG_PORT = "127.0.0.1", 5432
REDIS_HOST, REDIS_PORT = "127.0.0.1", 6379
PG_ADMIN_URL = f"postgres://postgres@{PG_HOST}:{PG_PORT}/postgres"


def answers(host, port):
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False


def services_missing():
    """Why the PostgreSQL + Redis runs cannot happen here, or "" when they can."""
    missing = [f"{name} on {host}:{port}" for name, host, port in (
        ("PostgreSQL", PG_HOST, PG_PORT), ("Redis", REDIS_HOST, REDIS_PORT)) if not answers(host, port)]
    return f"{' and '.join(missing)} did not answer" if missing else ""


def on_scaleout_settings():
    engine_name = django_settings.DATABASES["default"]["ENGINE"]
    return engine_name.endswith("postgresql") and bool(django_settings.Q_CLUSTER.get("redis"))


needs_services = pytest.mark.skipif(bool(services_missing()), reason=services_missing() or "services answer")
inside = pytest.mark.skipif(
    not on_scaleout_settings(),
    reason="runs inside test_it_runs_the_concurrency_tests_on_postgresql_and_redis "
    "(needs DATABASE_URL and REDIS_URL)",
)

# Existing tests whose guarantees depend on the database's locking: rerun on PostgreSQL.
EXISTING = [
    "tests/test_api_http.py::test_it_never_charges_a_task_twice",
    "tests/test_api_http.py::test_it_counts_unfinished_tasks_as_reserved_credit",
    "tests/test_api_http.py::test_it_limits_requests_per_second_with_retry_after",
    "tests/test_api_live.py::test_it_charges_exactly_three_of_ten_parallel_requests_with_credit_for_three",
    "tests/test_photos_services.py::test_it_charges_once_per_idempotency_key",
    "tests/test_photos_services.py::test_it_charges_once_when_paid_clicks_race",
    "tests/test_photos_services.py::test_it_refunds_a_failed_order_exactly_once",
    "tests/test_photos_services.py::test_it_rejects_with_a_reason_refunds_once_and_logs_the_staff",
    "tests/test_payments.py::test_it_grants_once_when_ten_deliveries_of_one_event_race",
    "tests/test_payments.py::test_it_grants_once_when_different_events_for_one_session_race",
]
INSIDE = [
    "tests/test_scaleout.py::test_it_refunds_once_and_charges_once_when_workers_race",
    "tests/test_scaleout.py::test_it_shares_the_redis_queue_between_two_qclusters_processing_each_task_once",
]


# --- the PostgreSQL + Redis run ------------------------------------------------------------------------


def _free_redis_db():
    import redis

    candidates = list(range(1, 16))
    random.shuffle(candidates)
    for number in candidates:
        if redis.Redis(host=REDIS_HOST, port=REDIS_PORT, db=number).dbsize() == 0:
            return number
    pytest.skip("no empty Redis database (1-15) to run the queue tests in")


@pytest.fixture(scope="module")
def scaleout_env():
    """DATABASE_URL for a database made for this run and REDIS_URL for an empty Redis database."""
    import psycopg
    import redis

    redis_db = _free_redis_db()
    name = f"idphoto_scaleout_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield {
            **os.environ,
            "DATABASE_URL": f"postgres://postgres@{PG_HOST}:{PG_PORT}/{name}",
            "REDIS_URL": f"redis://{REDIS_HOST}:{REDIS_PORT}/{redis_db}",
        }
    finally:
        with psycopg.connect(PG_ADMIN_URL, autocommit=True) as admin:
            for db in (name, f"test_{name}"):  # pytest-django's test database, if a crash left it
                admin.execute(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')
        queue = redis.Redis(host=REDIS_HOST, port=REDIS_PORT, db=redis_db)
        for key in queue.scan_iter("django_q:*"):
            queue.delete(key)


def _outcomes(junit_xml):
    """{node id: ("passed" | "failed" | "skipped", message)} from pytest's JUnit XML report."""
    outcomes = {}
    for case in ET.parse(junit_xml).iter("testcase"):
        node = case.get("classname").replace(".", "/") + ".py::" + case.get("name")
        outcome, message = "passed", ""
        for child in case:
            if child.tag in ("failure", "error", "skipped"):
                outcome = "skipped" if child.tag == "skipped" else "failed"
                message = child.get("message") or ""
        outcomes[node] = (outcome, message)
    return outcomes


@needs_services
def test_it_runs_the_concurrency_tests_on_postgresql_and_redis(scaleout_env, tmp_path):
    report = tmp_path / "scaleout.xml"
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", f"--junitxml={report}",
         *EXISTING, *INSIDE],
        cwd=REPO, env=scaleout_env, capture_output=True, text=True, timeout=900, check=False,
    )
    tail = (run.stdout + run.stderr)[-6000:]
    assert report.exists(), tail
    outcomes = _outcomes(report)
    assert set(outcomes) == set(EXISTING + INSIDE), tail
    for node, (outcome, message) in outcomes.items():
        # Only missing ../shared test data may skip a test here; anything else means the run proved nothing.
        allowed = outcome == "passed" or (outcome == "skipped" and "absent" in message)
        assert allowed, f"{node}: {outcome} {message}\n{tail}"
    assert run.returncode == 0, tail


# --- run inside the PostgreSQL + Redis subprocess ------------------------------------------------------


def _race(count, action):
    """Run action() in `count` threads released together; returns what each returned (or raised)."""
    barrier = threading.Barrier(count)
    outcomes = []

    def one():
        try:
            barrier.wait()
            outcomes.append(action())
        except Exception as exc:  # noqa: BLE001 - the caller asserts on what happened
            outcomes.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=one) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


@inside
@pytest.mark.django_db(transaction=True)
def test_it_refunds_once_and_charges_once_when_workers_race(monkeypatch):
    from api import services as api_services
    from api.models import CreditEntry, Task
    from photos import queue, services
    from photos.models import LedgerEntry, Order, Wallet
    from tests.photos_support import make_upload, make_user

    monkeypatch.setattr(queue, "enqueue_order", lambda order_id: None)
    owner = make_user("racer", credits=20)
    order, _ = services.create_paid_order(owner, make_upload(owner), {"format": "png"}, 6, "confirm-1")
    # Six workers report the same failure at once (a duplicated queue message, a retry, a staff click).
    outcomes = _race(6, lambda: services.fail_order(order.pk, "The photo service failed."))
    assert sorted(outcomes, key=str) == [False] * 5 + [True], outcomes
    assert LedgerEntry.objects.filter(order=order, kind="refund").count() == 1
    assert Order.objects.get(pk=order.pk).status == Order.FAILED
    assert Wallet.objects.get(user=owner).balance == 20 == services.balance(owner)

    api_key, _ = api_services.create_api_key("race", credits=30)
    task = Task.objects.create(api_key=api_key, cost=6, state=1)
    outcomes = _race(6, lambda: api_services.charge(task))
    assert not [o for o in outcomes if isinstance(o, Exception)], outcomes
    assert CreditEntry.objects.filter(task=task, kind="spend").count() == 1
    assert api_services.balance(api_key) == 24
    connection.close()


def _start_qcluster(log_path):
    return start_manage(["qcluster"], log_path, Q_WORKERS="1")


def _stop(processes, grace=10):
    stop(processes, grace)


def _wait_for(condition, seconds, what):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.3)
    raise AssertionError(f"{what} within {seconds} s")


def _processed(log_path):
    """Task names a cluster's worker started, one entry per execution."""
    pattern = r"processing (idphoto-[0-9a-f-]{36}) 'api\.tasks\.process_task'"
    return re.findall(pattern, Path(log_path).read_text())


def _order_runs(log_path, order):
    """How often a cluster's worker started the web-app task of this order."""
    pattern = rf"processing photos-order-{order.pk}-\d+ 'photos\.tasks\.run_order'"
    return len(re.findall(pattern, Path(log_path).read_text()))


TASKS = 6


@inside
@needs_engine
@needs_p11
@pytest.mark.django_db(transaction=True)
def test_it_shares_the_redis_queue_between_two_qclusters_processing_each_task_once(
    client, settings, tmp_path
):
    from django_q.models import Success

    from api import services as api_services
    from api.models import STATE_DONE, CreditEntry, Task
    from photos.models import LedgerEntry, Order

    settings.IDPHOTO_RATE_LIMIT_PER_SECOND = 1000
    logs = [tmp_path / "cluster-a.log", tmp_path / "cluster-b.log"]
    clusters = [_start_qcluster(log) for log in logs]
    try:
        for log in logs:  # both listen before anything is queued, so both can take work
            _wait_for(lambda log=log: "running." in log.read_text(), 60, f"{log.name} did not start")
        api_key, raw = api_services.create_api_key("scale-out", credits=6 * TASKS + 2)
        task_ids = []
        for number in range(TASKS):
            fields = {"image_file": _named(P11.read_bytes(), f"p11-{number}.jpg"), "bg_color": "438EDB"}
            response = client.post(CREATE_URL, fields, **auth(raw))
            assert response.status_code == 200, response.content
            task_ids.append(response.json()["data"]["task_id"])
        # And a paid web-app order, whose queue task runs the engine itself (one hop).
        order = _paid_order()
        unfinished = Task.objects.filter(task_id__in=task_ids, completed_at__isnull=True)
        _wait_for(lambda: not unfinished.exists(), 240, "the tasks did not finish")
        _wait_for(lambda: Order.objects.get(pk=order.pk).is_finished, 120, "the web order did not finish")
        # The result monitor writes the queue's own record just after the task's rows.
        success = Success.objects.filter(name__in=[f"idphoto-{t}" for t in task_ids])
        _wait_for(lambda: success.count() == TASKS, 30, "django-q2 did not record every task")
    finally:
        _stop(clusters)
    diagnostics = "\n".join(log.read_text()[-1500:] for log in logs)
    # Both stop cleanly on SIGTERM, as a deploy or a scale-down asks them to.
    assert [c.returncode for c in clusters] == [0, 0], diagnostics
    assert all("has stopped" in log.read_text() for log in logs), diagnostics
    states = Task.objects.filter(task_id__in=task_ids).values_list("state", flat=True)
    assert set(states) == {STATE_DONE}, diagnostics
    order.refresh_from_db()
    assert order.status == Order.DONE, (order.error, diagnostics)
    assert order.result.storage.exists(order.result.name)
    kinds = list(LedgerEntry.objects.filter(order=order).values_list("kind", flat=True))
    assert kinds == ["spend"] and order.owner.wallet.balance == 4
    runs = [_processed(log) for log in logs]
    expected = sorted(f"idphoto-{t}" for t in task_ids)
    assert sorted(runs[0] + runs[1]) == expected, diagnostics  # each API task ran once
    assert sum(_order_runs(log, order) for log in logs) == 1, diagnostics  # and the web order's task once
    assert runs[0] and runs[1], f"one cluster did all the work: {runs}"
    for task_id in task_ids:
        spends = CreditEntry.objects.filter(task__task_id=task_id, kind="spend")
        assert list(spends.values_list("amount", flat=True)) == [-6]
    assert api_services.balance(api_key) == 2
    assert all(s.attempt_count == 1 and s.success for s in success)
    for task in Task.objects.filter(task_id__in=task_ids):
        assert task.result.storage.exists(task.result.name)
    connection.close()


def _paid_order():
    """A customer with 10 credits orders a 6-credit photo of p11."""
    from django.core.files.base import ContentFile

    from photos import services
    from photos.models import Upload
    from tests.photos_support import make_user

    owner = make_user("scaleout-customer", credits=10)
    upload = Upload(owner=owner, original_name="p11.jpg", width=1, height=1, check_ok=True, faces_found=1)
    upload.original.save("p11.jpg", ContentFile(P11.read_bytes()), save=False)
    upload.save()
    params = {"px_width": "413", "px_height": "531", "format": "png"}
    order, created = services.create_paid_order(owner, upload, params, 6, "scaleout-confirm")
    assert created
    return order


def _named(data, name):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data, content_type="image/jpeg")


# --- S3 ---------------------------------------------------------------------------------------------


def test_it_saves_and_reads_files_through_s3_when_a_bucket_is_set(monkeypatch, settings, tmp_path):
    """The STORAGES that S3_BUCKET produces, against moto's in-process S3."""
    moto = pytest.importorskip("moto", reason="moto is not installed (requirements/test.txt)")
    import boto3

    from photos.models import Upload
    from tests.test_settings import load

    for name, value in {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
                        "AWS_SESSION_TOKEN": "testing", "AWS_DEFAULT_REGION": "eu-central-1"}.items():
        monkeypatch.setenv(name, value)
    storages = load(monkeypatch, tmp_path, S3_BUCKET="idphoto-media", S3_REGION="eu-central-1")["STORAGES"]
    with moto.mock_aws():
        boto3.client("s3", region_name="eu-central-1").create_bucket(
            Bucket="idphoto-media", CreateBucketConfiguration={"LocationConstraint": "eu-central-1"})
        settings.STORAGES = storages  # resets default_storage, which FileFields use
        from django.core.files.base import ContentFile
        from django.core.files.storage import default_storage
        from storages.backends.s3 import S3Storage

        assert isinstance(default_storage, S3Storage)
        upload = Upload(original_name="me.jpg", width=1, height=1)
        upload.original.save("me.jpg", ContentFile(b"first photo"), save=False)
        first = upload.original.name
        upload.original.save("me.jpg", ContentFile(b"second photo"), save=False)
        assert upload.original.name != first  # never overwrites another file of the same name
        with default_storage.open(first, "rb") as handle:
            assert handle.read() == b"first photo"
        with upload.original.open("rb") as handle:
            assert handle.read() == b"second photo"
        listed = boto3.client("s3", region_name="eu-central-1").list_objects_v2(Bucket="idphoto-media")
        assert {item["Key"] for item in listed["Contents"]} == {first, upload.original.name}
        url = upload.original.url
        assert url.startswith("https://idphoto-media.s3")
        assert "X-Amz-Signature=" in url and "X-Amz-Expires=" in url  # a signed URL that expires
        default_storage.delete(first)
        assert not default_storage.exists(first) and default_storage.exists(upload.original.name)


# --- the Procfile with production settings ---------------------------------------------------------


def _procfile():
    lines = (REPO / "Procfile").read_text().splitlines()
    return dict(line.split(": ", 1) for line in lines if ": " in line)


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@needs_services
@needs_engine
@needs_p11
def test_it_serves_the_procfile_processes_with_production_settings(scaleout_env, tmp_path):
    """DEBUG off, PostgreSQL, Redis, collectstatic, then the Procfile's web and worker lines, behind TLS."""
    import httpx

    port = _free_port()
    env = {
        **scaleout_env,
        "PATH": f"{Path(sys.executable).parent}:{os.environ.get('PATH', '/usr/bin:/bin')}",
        "DEBUG": "0",
        "SECRET_KEY": uuid.uuid4().hex * 2,
        "ALLOWED_HOSTS": "127.0.0.1,photos.example.test",
        "VAR_DIR": str(tmp_path / "var"),
        "SECURE_PROXY_SSL": "1",
        "PORT": str(port),
        "Q_WORKERS": "1",
        "IDPHOTO_RATE_LIMIT_PER_SECOND": "50",  # this test polls faster than a client should
    }

    def manage(*args):
        done = subprocess.run([sys.executable, "manage.py", *args], cwd=REPO, env=env, capture_output=True,
                              text=True, timeout=300, check=False)
        assert done.returncode == 0, done.stderr[-3000:]
        return done.stdout

    manage("migrate", "--noinput", "-v0")
    manage("collectstatic", "--noinput", "-v0")
    raw = manage("create_api_key", "--name", "procfile", "--credits", "6").strip().splitlines()[-1]
    processes = {}
    for name, command in _procfile().items():
        log = open(tmp_path / f"{name}.log", "w")  # noqa: SIM115 -- open while the process runs
        processes[name] = subprocess.Popen(["bash", "-c", f"exec {command}"], cwd=REPO, env=env, stdout=log,
                                           stderr=subprocess.STDOUT, start_new_session=True)
        log.close()
    base = f"http://127.0.0.1:{port}"
    headers = {"Host": "photos.example.test", "X-Forwarded-Proto": "https", "X-API-KEY": raw}
    try:
        _wait_for(lambda: _status(f"{base}/healthz") == 200, 60, "gunicorn did not answer")
        page = httpx.get(f"{base}/accounts/login/", headers=headers, timeout=10, follow_redirects=True)
        stylesheet = re.search(r'/static/[\w/.-]+\.[0-9a-f]{12}\.css', page.text)
        assert stylesheet, page.text[:500]  # hashed names from the manifest that collectstatic wrote
        assert httpx.get(base + stylesheet.group(0), timeout=10).status_code == 200
        files = {"image_file": ("p11.jpg", P11.read_bytes(), "image/jpeg")}
        created = httpx.post(base + CREATE_URL, files=files, headers=headers, timeout=30).json()
        task_url = f"{base}{CREATE_URL}/{created['data']['task_id']}"
        _wait_for(lambda: httpx.get(task_url, headers=headers, timeout=10).json()["data"]["state"] == 1, 120,
                  "the worker did not finish the task")
        data = httpx.get(task_url, headers=headers, timeout=10).json()["data"]
        # The proxy said https, so the signed result URL says https too.
        assert data["image"].startswith("https://photos.example.test/api/results/"), data["image"]
        result_url = data["image"].replace("https://photos.example.test", base)
        photo = httpx.get(result_url, headers=headers, timeout=10)
        assert photo.status_code == 200 and photo.content[:4] == b"\x89PNG"
        balance = httpx.post(base + CREATE_URL, files=files, headers=headers, timeout=30).json()
        assert balance["status"] == 400 and "not enough credits" in balance["message"]  # charged once: 6 of 6
    finally:
        _stop(list(processes.values()))
    logs = "\n".join((tmp_path / f"{name}.log").read_text()[-1500:] for name in processes)
    assert all(p.returncode == 0 for p in processes.values()), logs  # both stop cleanly on SIGTERM


def _status(url):
    import httpx

    try:
        return httpx.get(url, timeout=2).status_code
    except httpx.HTTPError:
        return None
