"""Views with named actors: the owner, another user and staff. No engine run is needed here."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from photos import queue, services, tasks
from photos.models import Order

from .photos_support import FakeApi, make_upload, make_user, png_bytes, use_fake_api

PARAMS = {"px_width": "413", "px_height": "531", "format": "png"}


@pytest.fixture
def actors(db, monkeypatch, settings):
    monkeypatch.setattr(queue, "enqueue_order", lambda order_id: None)
    owner, other, staff = make_user("owner", credits=40), make_user("other", credits=40), make_user("staff", staff=True)
    upload = make_upload(owner)
    order, _ = services.create_paid_order(owner, upload, {**PARAMS, "layout": "1"}, 11, "k1")
    use_fake_api(monkeypatch, settings, FakeApi(sheet=True))
    tasks.run_order(order.pk)
    order.refresh_from_db()
    return {"owner": owner, "other": other, "staff": staff, "upload": upload, "order": order}


def client_for(user, **kwargs):
    client = Client(**kwargs)
    client.force_login(user)
    return client


def owner_urls(upload, order):
    return [
        ("get", f"/u/{upload.code}/"),
        ("get", f"/u/{upload.code}/file/original/"),
        ("get", f"/u/{upload.code}/file/thumb/"),
        ("post", f"/u/{upload.code}/cost/"),
        ("post", f"/u/{upload.code}/preview/"),
        ("post", f"/u/{upload.code}/confirm/"),
        ("post", f"/u/{upload.code}/order/"),
        ("get", f"/o/{order.code}/"),
        ("get", f"/o/{order.code}/status/"),
        ("get", f"/o/{order.code}/file/result/"),
        ("get", f"/o/{order.code}/file/sheet/"),
    ]


def test_it_serves_the_owner_everything(actors):
    client = client_for(actors["owner"])
    for method, url in owner_urls(actors["upload"], actors["order"]):
        if method == "get":
            assert client.get(url).status_code == 200, url


def test_it_answers_404_to_another_user_for_every_owner_url(actors):
    client = client_for(actors["other"])
    for method, url in owner_urls(actors["upload"], actors["order"]):
        response = getattr(client, method)(url, PARAMS)
        assert response.status_code == 404, url
    assert Order.objects.filter(owner=actors["other"]).count() == 0
    assert services.balance(actors["other"]) == 40


def test_it_sends_anonymous_visitors_to_log_in(actors):
    response = Client().get(f"/o/{actors['order'].code}/file/result/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_it_keeps_staff_pages_from_customers(actors):
    client = client_for(actors["owner"])
    for url in ("/staff/", f"/staff/o/{actors['order'].code}/", "/staff/credits/"):
        assert client.get(url).status_code == 302, url
    response = client.post(f"/staff/o/{actors['order'].code}/reject/", {"reason": "self-service refund"})
    assert response.status_code == 302
    actors["order"].refresh_from_db()
    assert actors["order"].status == Order.DONE


def test_it_enforces_csrf_on_paying_and_staff_actions(actors):
    owner = client_for(actors["owner"], enforce_csrf_checks=True)
    response = owner.post(
        f"/u/{actors['upload'].code}/order/", {**PARAMS, "size_mode": "px", "idempotency_key": "x", "expected_cost": "6"}
    )
    assert response.status_code == 403
    staff = client_for(actors["staff"], enforce_csrf_checks=True)
    assert staff.post("/staff/credits/", {"username": "owner", "amount": "5", "note": "x"}).status_code == 403
    assert services.balance(actors["owner"]) == 29


def test_it_lets_staff_review_reject_and_grant(actors, mailoutbox):
    staff = client_for(actors["staff"])
    order = actors["order"]
    page = staff.get(f"/staff/o/{order.code}/").content.decode()
    assert f"/u/{actors['upload'].code}/file/original/" in page and f"/o/{order.code}/file/result/" in page
    rows = staff.get("/staff/?state=d", HTTP_HX_REQUEST="true").content.decode()
    assert str(order.code) in rows and "<html" not in rows
    staff.post(f"/staff/o/{order.code}/reject/", {"reason": "Glasses reflect the flash."})
    order.refresh_from_db()
    assert order.status == Order.REJECTED and services.balance(actors["owner"]) == 40
    assert "Glasses reflect the flash." in client_for(actors["owner"]).get(f"/o/{order.code}/").content.decode()
    assert mailoutbox and "Glasses reflect" in mailoutbox[0].body
    history = staff.get(f"/staff/o/{order.code}/").content.decode().split('id="order-history"', 1)[1]
    for step in ("Created", "Started", "Done", "Rejected", "Credits returned", "Queue", "staff (staff)", "owner"):
        assert step in history, step  # queue-driven transitions are shown next to staff actions
    staff.post("/staff/credits/", {"username": "other", "amount": "12", "note": "sorry"})
    assert services.balance(actors["other"]) == 52


def test_it_holds_downloads_until_approval_when_required(db, monkeypatch, settings):
    settings.PHOTOS_REQUIRE_APPROVAL = True
    monkeypatch.setattr(queue, "enqueue_order", lambda order_id: None)
    owner, staff = make_user("owner", credits=20), make_user("staff", staff=True)
    order, _ = services.create_paid_order(owner, make_upload(owner), PARAMS, 6, "k")
    use_fake_api(monkeypatch, settings, FakeApi())
    tasks.run_order(order.pk)
    client = client_for(owner)
    assert client.get(f"/o/{order.code}/file/result/").status_code == 404
    assert "checks every photo" in client.get(f"/o/{order.code}/").content.decode()
    client_for(staff).post(f"/staff/o/{order.code}/approve/")
    assert client.get(f"/o/{order.code}/file/result/").status_code == 200


def test_it_stops_polling_when_the_job_is_finished(actors, monkeypatch):
    client = client_for(actors["owner"])
    done = client.get(f"/o/{actors['order'].code}/status/?polling=1")
    assert "hx-trigger" not in done.content.decode() and done["HX-Trigger"] == "job-finished"
    pending = services.create_preview(actors["owner"], actors["upload"], PARAMS)
    html = client.get(f"/o/{pending.code}/status/").content.decode()
    assert 'hx-trigger="every 250ms"' in html and 'role="progressbar"' in html


def test_it_shows_the_live_cost_from_the_api_pricing(actors):
    client = client_for(actors["owner"])
    url = f"/u/{actors['upload'].code}/cost/"
    base = {"size_mode": "px", **PARAMS}
    cases = [
        ({}, 6),
        ({"clothes_id": "man_3"}, 15),
        ({"smooth_factor": "0.5"}, 14),
        ({"layout": "1", "layout_size": "5inch"}, 11),
        ({"clothes_id": "woman_2", "bright_factor": "0.3", "layout": "1"}, 28),
    ]
    for extra, expected in cases:
        html = client.post(url, {**base, **extra}).content.decode()
        assert f'<span class="cost-num">{expected}</span>' in html, extra
    bad = client.post(url, {"size_mode": "px", "px_width": "5", "px_height": "400"}).content.decode()
    # The message names the field as people know it, with the engine's own range, not the API field name.
    assert "The width in pixels must be a whole number from 10 to 1799." in bad and "px_width" not in bad


def test_it_refuses_an_order_with_a_stale_price(actors):
    client = client_for(actors["owner"])
    response = client.post(
        f"/u/{actors['upload'].code}/order/",
        {"size_mode": "px", **PARAMS, "clothes_id": "man_1", "idempotency_key": "abc", "expected_cost": "6"},
    )
    assert response.status_code == 302
    assert not Order.objects.filter(idempotency_key="abc").exists()


def test_it_lists_my_photos_with_balance_and_ledger(actors):
    html = client_for(actors["owner"]).get("/my/").content.decode()
    assert "29" in html and "Spend" in html and "Grant" in html
    assert f"/o/{actors['order'].code}/" in html
    assert f"/o/{actors['order'].code}/" not in client_for(actors["other"]).get("/my/").content.decode()


def test_it_explains_an_unusable_upload_on_the_page(actors):
    client = client_for(actors["owner"])
    junk = SimpleUploadedFile("notes.jpg", b"this is not a photo", content_type="image/jpeg")
    response = client.post("/upload/", {"photo": junk}, HTTP_HX_REQUEST="true")
    assert response.status_code == 422 and "cannot be used" in response.content.decode()
    huge = SimpleUploadedFile("huge.jpg", b"\xff" * (15 * 1024 * 1024 + 1), content_type="image/jpeg")
    assert "larger than 15 MB" in client.post("/upload/", {"photo": huge}).content.decode()
    tiny = SimpleUploadedFile("tiny.png", png_bytes((120, 90)), content_type="image/png")
    assert "pixels" in client.post("/upload/", {"photo": tiny}).content.decode()


def test_it_grants_welcome_credits_on_confirmation_and_resets_passwords(db, settings, mailoutbox):
    settings.PHOTOS_SIGNUP_CREDITS = 30
    client = Client()
    response = client.post(
        "/accounts/signup/",
        {"username": "newbie", "email": "newbie@example.test", "password1": "x-Very-long-9", "password2": "x-Very-long-9"},
    )
    assert response.status_code == 302
    assert "0 credits" in client.get("/upload/").content.decode()  # granted once the address is confirmed
    confirm = re.search(r"https?://[^/]+(/accounts/confirm/\S+)", mailoutbox[0].body).group(1)
    assert "30 free credits were added" in client.get(confirm).content.decode()
    assert "30 credits" in client.get("/upload/").content.decode()
    client.post("/accounts/logout/")
    client.post("/accounts/password-reset/", {"email": "newbie@example.test"})
    assert "/accounts/reset/" in mailoutbox[1].body
    link = re.search(r"https?://[^/]+(/accounts/reset/\S+)", mailoutbox[1].body).group(1)
    form_page = client.get(link, follow=True)
    assert "Choose a new password" in form_page.content.decode()
    done = client.post(
        form_page.redirect_chain[-1][0], {"new_password1": "Fresh-Pass-42x", "new_password2": "Fresh-Pass-42x"}, follow=True
    )
    assert "Password saved" in done.content.decode()
    assert client.login(username="newbie", password="Fresh-Pass-42x")


def test_it_finds_documents_and_shows_their_rules(actors):
    client = client_for(actors["owner"])
    for query, needle in (("germany", "Germany passport"), ("visa", "visa"), ("35x45", "35x45 mm")):
        html = client.get("/documents/", {"q": query}).content.decode()
        assert needle in html and "hx-get" in html, query
    card = client.get("/documents/3/").content.decode()  # US passport: bands, source, forbidden edits
    assert "25.4–34.9 mm" in card and "travel.state.gov" in card
    assert 'data-forbidden="beauty outfit"' in card and "Touch-ups are off" in card


def test_it_strips_edits_the_document_forbids_and_says_why(actors):
    client = client_for(actors["owner"])
    html = client.post(
        f"/u/{actors['upload'].code}/cost/",
        {"size_mode": "spec", "spec_id": "3", "clothes_id": "man_2", "smooth_factor": "0.7"},
    ).content.decode()
    assert '<span class="cost-num">6</span>' in html and "Outfit change is off" in html
    consumer = client.post(
        f"/u/{actors['upload'].code}/cost/", {"size_mode": "spec", "spec_id": "1", "clothes_id": "man_2"}
    ).content.decode()
    assert '<span class="cost-num">15</span>' in consumer


@pytest.mark.django_db(transaction=True)
def test_it_charges_once_when_the_pay_button_is_hit_from_many_threads(monkeypatch):
    import threading

    from django.db import connections

    monkeypatch.setattr(queue, "enqueue_order", lambda order_id: None)
    owner = make_user("owner", credits=30)
    upload = make_upload(owner)
    form = {"size_mode": "px", **PARAMS, "idempotency_key": "one-confirm-form", "expected_cost": "6"}
    barrier, statuses = threading.Barrier(5), []

    def pay():
        client = client_for(owner)
        barrier.wait()
        statuses.append(client.post(f"/u/{upload.code}/order/", form, HTTP_HX_REQUEST="true").status_code)
        connections.close_all()

    threads = [threading.Thread(target=pay) for _ in range(5)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert statuses == [200] * 5
    assert Order.objects.filter(owner=owner, kind="final").count() == 1
    assert services.balance(owner) == 24


def test_it_registers_the_models_in_django_admin_with_a_read_only_ledger(actors):
    from django.contrib.auth import get_user_model

    admin = get_user_model().objects.create_superuser("root", "root@example.test", "x-Very-long-9")
    client = client_for(admin)
    for model in ("upload", "order", "ledgerentry", "staffaction", "wallet", "orderevent"):
        assert client.get(f"/admin/photos/{model}/").status_code == 200, model
    entry = actors["owner"].ledger.first()
    assert client.post(f"/admin/photos/ledgerentry/{entry.pk}/delete/", {"post": "yes"}).status_code == 403
    assert client.get("/admin/photos/ledgerentry/add/").status_code == 403
