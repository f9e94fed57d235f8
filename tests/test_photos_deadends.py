"""Dead ends people met in the web app (issue 13): each one is a request here, answered as people need."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from photos import queue, services
from photos.models import Order, OrderEvent, StaffAction

from .a11y_support import account_with_orders
from .conftest import PORTRAITS, needs_shared
from .photos_support import make_upload, make_user
from .test_photos_views import client_for

FORM = {"size_mode": "px", "px_width": "413", "px_height": "531", "bg_color": "FFFFFF", "format": "png"}


@pytest.fixture
def quiet_queue(monkeypatch):
    monkeypatch.setattr(queue, "enqueue_order", lambda order_id: None)


@pytest.mark.django_db
def test_it_shows_no_stale_preview_when_a_photo_is_reopened(quiet_queue):
    owner = make_user("ana", credits=40)
    upload, preview, _ = account_with_orders(owner)  # a finished Germany preview of this upload
    html = client_for(owner).get(f"/u/{upload.code}/").content.decode()
    assert "preview-img" not in html and preview.code.hex not in html.replace("-", "")
    assert "Your free, watermarked preview shows here" in html


@pytest.mark.django_db
def test_it_links_a_paid_order_only_to_the_preview_of_its_own_options(quiet_queue):
    owner = make_user("ana", credits=40)
    upload = make_upload(owner)
    germany = {"spec_id": "9", "bg_color": "FFFFFF", "format": "png"}
    other = services.create_preview(owner, upload, germany)
    Order.objects.filter(pk=other.pk).update(status=Order.DONE)
    client = client_for(owner)
    response = client.post(
        f"/u/{upload.code}/order/", {**FORM, "expected_cost": "6", "idempotency_key": "k-own-options"}
    )
    assert response.status_code == 302
    order = Order.objects.get(idempotency_key="k-own-options")
    assert order.preview_order is None  # the Germany preview is not this photo
    staff = make_user("sam", staff=True)
    page = client_for(staff).get(f"/staff/o/{order.code}/").content.decode()
    assert other.code.hex not in page.replace("-", "") and "No preview with these options" in page
    params = {"px_width": "413", "px_height": "531", "bg_color": "FFFFFF", "format": "png"}
    same = services.create_preview(owner, upload, params)
    Order.objects.filter(pk=same.pk).update(status=Order.DONE)
    client.post(f"/u/{upload.code}/order/", {**FORM, "expected_cost": "6", "idempotency_key": "k-same"})
    assert Order.objects.get(idempotency_key="k-same").preview_order_id == same.pk


@pytest.mark.django_db
def test_it_words_an_invalid_size_for_people_and_drops_the_old_price(quiet_queue):
    owner = make_user("ana", credits=40)
    upload = make_upload(owner)
    html = client_for(owner).post(f"/u/{upload.code}/cost/", {**FORM, "size_mode": "mm", "mm_width": "0",
                                                               "mm_height": "45"}).content.decode()
    assert "The width in mm must be a whole number from 1 to 179." in html
    assert "mm_width" not in html and "cost-num" not in html


@pytest.mark.django_db
def test_it_lists_the_options_behind_a_price_on_confirm_and_in_the_ledger(quiet_queue):
    owner = make_user("ana", credits=40)
    upload, _, _ = account_with_orders(owner)
    client = client_for(owner)
    confirm = client.post(f"/u/{upload.code}/confirm/", {**FORM, "layout": "1", "clothes_id": "man_1"}).content.decode()
    assert "413x531 px (35x45 mm at 300 dpi) · background #FFFFFF · outfit: Navy suit, white shirt, red tie · 6-inch print sheet · PNG" in confirm
    ledger = client.get("/my/").content.decode()
    assert "6-inch print sheet" in ledger and "background #FFFFFF" in ledger


@pytest.mark.django_db
def test_it_never_lets_the_browser_keep_a_page_with_a_balance(quiet_queue):
    owner = make_user("ana", credits=40)
    upload, _, paid = account_with_orders(owner)
    client = client_for(owner)
    for url in ("/upload/", f"/u/{upload.code}/", f"/o/{paid.code}/", "/my/"):
        assert client.get(url)["Cache-Control"] == "no-store", url
    assert "max-age" in client.get(f"/o/{paid.code}/file/result/")["Cache-Control"]  # files keep theirs


@pytest.mark.django_db
def test_it_tells_staff_why_a_repeated_or_refused_action_did_nothing(quiet_queue, mailoutbox):
    owner, staff = make_user("ana", credits=40), make_user("sam", staff=True)
    order, _ = services.create_paid_order(owner, make_upload(owner), FORM, 6, "k")
    services.fail_order(order.pk, "No face found in the photo.")
    client = client_for(staff)
    for action in ("reject", "rerun"):
        page = client.post(f"/staff/o/{order.code}/{action}/", {"reason": "Eyes closed."}, follow=True)
        text = page.content.decode()
        assert "already" in text or "not run again" in text, action
    order.refresh_from_db()
    assert order.status == Order.FAILED and services.balance(owner) == 40
    assert not StaffAction.objects.filter(order=order).exists() and not mailoutbox
    assert not OrderEvent.objects.filter(order=order, actor=OrderEvent.STAFF).exists()


@pytest.mark.django_db
@needs_shared(PORTRAITS / "p06_rose_leslie1.jpg")
def test_it_tells_at_upload_that_the_top_of_the_head_is_cut_off(quiet_queue):
    owner = make_user("ana", credits=40)
    client = client_for(owner)
    pages = {}
    # crown cut (every job refuses both; p07's big hair leaves the eyes low) / fine
    for name in ("p06_rose_leslie1.jpg", "p07_rose_leslie2.jpg", "p11_hivision_test0.jpg"):
        with open(PORTRAITS / name, "rb") as handle:
            response = client.post("/upload/", {"photo": SimpleUploadedFile(name, handle.read())}, follow=True)
        pages[name] = response.content.decode()
    for cut in ("p06_rose_leslie1.jpg", "p07_rose_leslie2.jpg"):
        assert 'id="upload-warning"' in pages[cut] and "top of your head" in pages[cut]
    assert 'id="upload-warning"' not in pages["p11_hivision_test0.jpg"] and "Face found." in pages["p11_hivision_test0.jpg"]
