"""Credits, orders and the queue task, with named actors, a stand-in engine and a fake ID-photo API."""

import threading
import time

import pytest
from django.db import connection, connections
from django.db.models import Sum

import engine
from engine.context import Result
from engine.errors import NoFace
from photos import queue, services, tasks
from photos.models import LedgerEntry, Order, StaffAction, Wallet

from .photos_support import FakeApi, make_upload, make_user, png_bytes, use_fake_api

PARAMS = {"px_width": "413", "px_height": "531", "format": "png"}


@pytest.fixture
def queued(monkeypatch):
    """Record enqueued order ids instead of sending them to django-q2."""
    calls = []
    monkeypatch.setattr(queue, "enqueue_order", calls.append)
    return calls


class StandInEngine:
    """engine.process as the worker calls it: reports every stage, then answers `result` or raises `error`."""

    def __init__(self, error=None, stage_seconds=0.0, sheet=False):
        self.error, self.stage_seconds, self.sheet, self.calls = error, stage_seconds, sheet, []

    def __call__(self, image_bytes, params, progress=None):
        self.calls.append((image_bytes, params))
        for name in ("decode", "detect", "matte", "geometry", "encode"):
            time.sleep(self.stage_seconds)
            progress(name, 50)
        if self.error is not None:
            raise self.error
        layout = png_bytes((1800, 1200)) if self.sheet else None
        checks = [{"id": "head_height", "label": "Head height", "status": "pass", "value": 33, "unit": "mm"}]
        return Result(png_bytes((413, 531)), "png", 413, 531, 300, {"face": {"roll": 0.5}}, checks, [], {}, layout)


def events(order):
    return list(order.events.values_list("event", "actor"))


def ledger_sum(user):
    return LedgerEntry.objects.filter(user=user).aggregate(total=Sum("amount"))["total"] or 0


def assert_books_balance(*users):
    for user in users:
        assert ledger_sum(user) == Wallet.objects.get(user=user).balance


@pytest.mark.django_db
def test_it_records_the_signup_grant_in_the_ledger(settings):
    settings.PHOTOS_SIGNUP_CREDITS = 25
    owner = make_user("owner")
    services.welcome(owner)
    assert services.balance(owner) == 25
    entry = LedgerEntry.objects.get(user=owner)
    assert (entry.kind, entry.amount) == ("grant", 25)
    assert_books_balance(owner)


@pytest.mark.django_db
def test_it_charges_once_per_idempotency_key(queued, django_capture_on_commit_callbacks):
    owner = make_user("owner", credits=30)
    upload = make_upload(owner)
    with django_capture_on_commit_callbacks(execute=True):
        first, created = services.create_paid_order(owner, upload, PARAMS, 11, "key-1")
        again, created_again = services.create_paid_order(owner, upload, PARAMS, 11, "key-1")
    assert created and not created_again and first.pk == again.pk
    assert services.balance(owner) == 19
    assert LedgerEntry.objects.filter(order=first, kind="spend").count() == 1
    assert queued == [first.pk]
    assert_books_balance(owner)


@pytest.mark.django_db
def test_it_refuses_an_order_the_balance_cannot_pay():
    owner = make_user("owner", credits=5)
    upload = make_upload(owner)
    with pytest.raises(services.InsufficientCredits):
        services.create_paid_order(owner, upload, PARAMS, 6, "key-1")
    assert services.balance(owner) == 5
    assert not Order.objects.exists()
    assert_books_balance(owner)


@pytest.mark.django_db
def test_it_refunds_a_failed_order_exactly_once(queued, monkeypatch, settings):
    owner = make_user("owner", credits=30)
    order, _ = services.create_paid_order(owner, make_upload(owner), PARAMS, 15, "k")
    fake = use_fake_api(monkeypatch, settings, FakeApi(fail_state=-14))
    tasks.run_order(order.pk)
    tasks.run_order(order.pk)  # a retried or duplicated queue message
    assert services.fail_order(order.pk, "again") is False
    assert services.refund(order, "manual retry") is None
    order.refresh_from_db()
    assert order.status == Order.FAILED and "No face" in order.error
    assert LedgerEntry.objects.filter(order=order, kind="refund").count() == 1
    assert services.balance(owner) == 30
    assert fake.creates == 1
    assert_books_balance(owner)


@pytest.mark.django_db
def test_it_stores_the_result_and_sheet_and_the_image_id(queued, monkeypatch, settings):
    owner = make_user("owner", credits=30)
    upload = make_upload(owner)
    order, _ = services.create_paid_order(owner, upload, {**PARAMS, "layout": "1"}, 11, "k")
    fake = use_fake_api(monkeypatch, settings, FakeApi(sheet=True))
    assert tasks.run_order(order.pk) == "finished"
    order.refresh_from_db()
    upload.refresh_from_db()
    assert order.status == Order.DONE and order.progress == 100
    assert order.result.name.endswith(".png") and order.sheet
    assert order.checks[0]["id"] == "head_height"
    assert upload.api_image_id.startswith("img-")
    assert tasks.run_order(order.pk) == "nothing to do"  # safe to run twice
    assert fake.creates == 1 and fake.sync_values == ["1"]  # one synchronous request, nothing polled
    assert services.balance(owner) == 19


@pytest.mark.django_db
def test_it_reuses_the_upload_by_last_id_and_falls_back_to_the_file(queued, monkeypatch, settings):
    owner = make_user("owner")
    upload = make_upload(owner, image_id="img-known")
    fake = use_fake_api(monkeypatch, settings, FakeApi(known_ids={"img-known"}))
    first = services.create_preview(owner, upload, PARAMS)
    tasks.run_order(first.pk)
    assert fake.sent_last_ids == ["img-known"] and fake.sent_files == 0
    upload.api_image_id = "img-expired"
    upload.save()
    second = services.create_preview(owner, upload, PARAMS)
    tasks.run_order(second.pk)
    second.refresh_from_db()
    assert second.status == Order.DONE and second.preview
    assert fake.sent_last_ids[-1] == "img-expired" and fake.sent_files == 1


@pytest.mark.django_db
def test_it_rejects_with_a_reason_refunds_once_and_logs_the_staff(queued, mailoutbox):
    owner, staff = make_user("owner", credits=30), make_user("staff", staff=True)
    order, _ = services.create_paid_order(owner, make_upload(owner), PARAMS, 6, "k")
    services.reject(order, staff, "Your eyes are closed.")
    with pytest.raises(services.NothingToDo):  # a second click changes nothing and tells nobody
        services.reject(order, staff, "Second click.")
    order.refresh_from_db()
    assert order.status == Order.REJECTED and order.reject_reason == "Your eyes are closed."
    assert LedgerEntry.objects.filter(order=order, kind="refund").count() == 1
    assert services.balance(owner) == 30
    assert StaffAction.objects.filter(order=order, action="reject", staff=staff).count() == 1
    assert order.events.filter(event="rejected").count() == 1
    assert len(mailoutbox) == 1 and "eyes are closed" in mailoutbox[0].body
    assert "6 credits were returned" in mailoutbox[0].body
    assert_books_balance(owner)


@pytest.mark.django_db
def test_it_logs_grants_and_approvals_by_staff(queued):
    owner, staff = make_user("owner"), make_user("staff", staff=True)
    services.grant_credits(owner, 40, "goodwill", by=staff)
    order, _ = services.create_paid_order(owner, make_upload(owner), PARAMS, 6, "k")
    services.approve(order, staff)
    order.refresh_from_db()
    assert order.approved
    actions = list(StaffAction.objects.values_list("action", "staff__username").order_by("id"))
    assert actions == [("grant", "staff"), ("approve", "staff")]
    assert LedgerEntry.objects.get(kind="grant").created_by == staff
    assert_books_balance(owner)


@pytest.mark.django_db(transaction=True)
def test_it_charges_once_when_paid_clicks_race(monkeypatch):
    monkeypatch.setattr(queue, "enqueue_order", lambda order_id: None)
    owner = make_user("owner", credits=20)
    upload = make_upload(owner)
    barrier = threading.Barrier(6)
    outcomes = []

    def click(key):
        try:
            barrier.wait()
            order, created = services.create_paid_order(owner, upload, PARAMS, 6, key)
            outcomes.append(("created" if created else "same", order.pk))
        except services.InsufficientCredits:
            outcomes.append(("refused", None))
        finally:
            connections.close_all()

    # Four clicks of one confirm form, plus two different forms: 20 credits pay for 3 orders at most.
    keys = ["form-a"] * 4 + ["form-b", "form-c"]
    threads = [threading.Thread(target=click, args=(key,)) for key in keys]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert Order.objects.filter(owner=owner).count() == 3
    assert {pk for kind, pk in outcomes if kind in ("created", "same") and pk} == set(
        Order.objects.values_list("pk", flat=True)
    )
    assert services.balance(owner) == 2
    assert LedgerEntry.objects.filter(kind="spend").count() == 3
    assert_books_balance(owner)
    connection.close()


@pytest.mark.django_db
def test_it_retries_after_rate_limits_and_network_errors(queued, monkeypatch, settings):
    import httpx

    from photos import api_client

    monkeypatch.setattr(api_client, "MAX_RETRY_WAIT", 0.01)
    monkeypatch.setattr(tasks, "RETRY_WAIT", 0.0)
    owner = make_user("owner", credits=10)
    order, _ = services.create_paid_order(owner, make_upload(owner), PARAMS, 6, "k")
    fake = FakeApi()
    state = {"calls": 0}

    def flaky(request):
        state["calls"] += 1
        if state["calls"] == 1:
            raise httpx.ConnectError("connection refused", request=request)
        if state["calls"] == 2:
            return httpx.Response(429, headers={"Retry-After": "1"}, json={"status": 429, "message": "slow down"})
        return fake(request)

    use_fake_api(monkeypatch, settings, flaky)
    assert tasks.run_order(order.pk) == "re-queued"  # unreachable: back in the queue
    order.refresh_from_db()
    assert order.status == Order.QUEUED and order.started is not None
    assert tasks.run_order(order.pk) == "finished"  # 429 then success: waited and retried
    order.refresh_from_db()
    assert order.status == Order.DONE and fake.creates == 1
    assert services.balance(owner) == 4
    assert [e for e, _ in events(order)] == ["created", "started", "requeued", "started", "done"]


@pytest.mark.django_db
def test_it_fails_and_refunds_a_job_past_the_time_limit(queued, monkeypatch, settings):
    settings.PHOTOS_JOB_TIME_LIMIT = 1
    monkeypatch.setattr(engine, "process", StandInEngine(stage_seconds=0.3))
    owner = make_user("owner", credits=10)
    order, _ = services.create_paid_order(owner, make_upload(owner), PARAMS, 6, "k")
    assert tasks.run_order(order.pk) == "failed"
    order.refresh_from_db()
    assert order.status == Order.FAILED and "too long" in order.error
    assert services.balance(owner) == 10


def test_it_names_the_engine_stage_running_next():
    from engine.pipeline import STAGES, stage_name

    assert tasks.stage_text(None) == "Reading your photo"
    assert tasks.stage_text("decode") == "Finding your face"
    assert tasks.stage_text("detect") == "Separating you from the background"
    assert tasks.stage_text("layout") == "Checking the result against the rules"
    assert {stage_name(module) for module, _ in STAGES} <= set(tasks.NEXT_STAGE_TEXTS)  # every stage the engine reports has words


@pytest.mark.django_db
def test_it_requeues_orders_whose_queue_message_was_lost(queued, settings):
    from django.utils import timezone

    owner = make_user("owner", credits=30)
    lost, _ = services.create_paid_order(owner, make_upload(owner), PARAMS, 6, "lost")
    services.create_paid_order(owner, make_upload(owner), PARAMS, 6, "fresh")
    done, _ = services.create_paid_order(owner, make_upload(owner), PARAMS, 6, "done")
    dead, _ = services.create_paid_order(owner, make_upload(owner), PARAMS, 6, "dead")
    queued.clear()
    an_hour_ago = timezone.now() - timezone.timedelta(hours=1)
    Order.objects.filter(pk__in=[lost.pk, done.pk, dead.pk]).update(created=an_hour_ago)
    Order.objects.filter(pk=done.pk).update(status=Order.DONE)
    Order.objects.filter(pk=dead.pk).update(status=Order.PROCESSING, started=an_hour_ago)  # its worker died
    assert tasks.sweep_stuck_orders() == "re-queued 1, failed 1"
    assert queued == [lost.pk]
    dead.refresh_from_db()
    assert dead.status == Order.FAILED and services.balance(owner) == 30 - 3 * 6


@pytest.mark.django_db
def test_it_runs_the_engine_once_in_the_worker_without_any_api_rows(queued, monkeypatch, settings):
    from api.models import ApiKey, CreditEntry, Task

    settings.PHOTOS_API_BASE_URL = ""
    stand_in = StandInEngine(sheet=True)
    monkeypatch.setattr(engine, "process", stand_in)
    owner = make_user("owner", credits=30)
    upload = make_upload(owner)
    order, _ = services.create_paid_order(owner, upload, {**PARAMS, "layout": "1"}, 11, "k")
    assert tasks.run_order(order.pk) == "finished"
    assert tasks.run_order(order.pk) == "nothing to do"  # a duplicated queue message
    order.refresh_from_db()
    assert order.status == Order.DONE and order.result.name.endswith(".png") and order.sheet
    assert order.checks[0]["id"] == "head_height" and order.measurements == {"face": {"roll": 0.5}}
    assert len(stand_in.calls) == 1 and stand_in.calls[0][0] == upload.original.open("rb").read()
    assert stand_in.calls[0][1].layout is not None  # the stored options, parsed by the engine
    # One hop: no API key, no API task, no API credits; the customer paid through the web app's ledger.
    assert not (ApiKey.objects.exists() or Task.objects.exists() or CreditEntry.objects.exists())
    assert services.balance(owner) == 19
    assert events(order) == [("created", "user"), ("started", "queue"), ("done", "queue")]


@pytest.mark.django_db
def test_it_records_who_made_every_transition_of_a_failed_and_reviewed_order(queued, monkeypatch, settings, mailoutbox):
    settings.PHOTOS_API_BASE_URL = ""
    monkeypatch.setattr(engine, "process", StandInEngine(error=NoFace()))
    owner, staff = make_user("owner", credits=30), make_user("staff", staff=True)
    order, _ = services.create_paid_order(owner, make_upload(owner), PARAMS, 6, "k")
    assert tasks.run_order(order.pk) == "failed"
    order.refresh_from_db()
    assert order.status == Order.FAILED and "No face" in order.error
    assert order.checks and order.checks[0]["status"] == "fail"  # the failing check and its fix
    # The order was refunded: re-running it would deliver the photo free, rejecting it would refund and
    # e-mail twice. Both are refused, write nothing and send nothing.
    with pytest.raises(services.NothingToDo):
        services.rerun(order, staff, "try again")
    with pytest.raises(services.NothingToDo):
        services.reject(order, staff, "Eyes closed.")
    rows = list(order.events.values_list("event", "actor", "by__username"))
    assert rows == [
        ("created", "user", "owner"),
        ("started", "queue", None),
        ("failed", "queue", None),
        ("refunded", "queue", None),
    ]
    order.refresh_from_db()
    assert order.status == Order.FAILED and services.balance(owner) == 30
    assert not StaffAction.objects.filter(order=order).exists() and not mailoutbox


@pytest.mark.django_db
def test_it_reruns_a_paid_order_that_still_holds_its_payment(queued, monkeypatch, settings, mailoutbox):
    settings.PHOTOS_API_BASE_URL = ""
    monkeypatch.setattr(engine, "process", StandInEngine())
    owner, staff = make_user("owner", credits=30), make_user("staff", staff=True)
    order, _ = services.create_paid_order(owner, make_upload(owner), PARAMS, 6, "k")
    tasks.run_order(order.pk)
    services.rerun(order, staff, "sharper please")
    tasks.run_order(order.pk)
    order.refresh_from_db()
    assert order.status == Order.DONE and services.balance(owner) == 24  # charged once, run twice
    services.approve(order, staff)
    with pytest.raises(services.NothingToDo):
        services.approve(order, staff)
    assert StaffAction.objects.filter(order=order, action="approve").count() == 1
    assert len(mailoutbox) == 1 and mailoutbox[0].subject == "Your ID photo is ready"


@pytest.mark.django_db
def test_it_fails_and_refunds_a_job_whose_upload_was_deleted(queued, monkeypatch, settings):
    settings.PHOTOS_API_BASE_URL = ""
    stand_in = StandInEngine()
    monkeypatch.setattr(engine, "process", stand_in)
    owner = make_user("owner", credits=10)
    upload = make_upload(owner)
    order, _ = services.create_paid_order(owner, upload, PARAMS, 6, "k")
    upload.original.delete(save=True)  # deleted on the user's request while the job waited
    assert tasks.run_order(order.pk) == "failed"
    order.refresh_from_db()
    assert order.status == Order.FAILED and "deleted" in order.error and not stand_in.calls
    assert services.balance(owner) == 10
