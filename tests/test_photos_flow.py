"""End to end through the real engine: Django test client, django-q2 in its sync mode. The default runs
the engine in the worker (one hop); remote mode is tested against a live server of this project."""

import io
import re

import pytest
from PIL import Image

from photos.models import LedgerEntry, Order, Upload

from .conftest import PORTRAITS
from .photos_support import PASSWORD, confirm_signup_mail
from .photos_support import sync_queue as run_queue_inline

PORTRAIT = PORTRAITS / "p11_hivision_test0.jpg"
pytestmark = [
    pytest.mark.skipif(not PORTRAIT.exists(), reason=f"{PORTRAIT} is absent"),
    pytest.mark.shared,
]


@pytest.fixture
def sync_queue(settings, monkeypatch):
    run_queue_inline(monkeypatch)
    settings.PHOTOS_API_BASE_URL = ""
    settings.PHOTOS_SIGNUP_CREDITS = 30


def _signup(client, name):
    response = client.post(
        "/accounts/signup/",
        {"username": name, "email": f"{name}@example.test", "password1": PASSWORD, "password2": PASSWORD},
    )
    assert response.status_code == 302, response.content[:500]
    confirm_signup_mail(client, f"{name}@example.test")


def _pixels(data):
    with Image.open(io.BytesIO(data)) as image:
        image.load()
        return image.size


@pytest.mark.django_db(transaction=True)
def test_it_previews_charges_and_delivers_photo_and_sheet(client, sync_queue):
    _signup(client, "owner")
    with PORTRAIT.open("rb") as fh:
        response = client.post("/upload/", {"photo": fh})
    assert response.status_code == 302
    upload = Upload.objects.get()
    assert upload.check_ok and upload.faces_found == 1
    options = {"size_mode": "mm", "mm_width": "35", "mm_height": "45", "dpi": "300", "bg_color": "FFFFFF"}

    response = client.post(f"/u/{upload.code}/preview/", options)
    assert response.status_code == 200
    preview = Order.objects.get(kind="preview")
    assert preview.status == Order.DONE, preview.error
    assert _pixels(b"".join(client.get(f"/o/{preview.code}/file/preview/").streaming_content)) == (413, 531)
    fragment = client.get(f"/o/{preview.code}/status/").content.decode()
    assert "hx-trigger" not in fragment and "preview-img" in fragment

    paid = {**options, "layout": "1", "layout_size": "6inch"}
    confirm = client.post(f"/u/{upload.code}/confirm/", paid).content.decode()
    key = re.search(r'name="idempotency_key" value="([0-9a-f]+)"', confirm).group(1)
    assert 'name="expected_cost" value="11"' in confirm
    response = client.post(f"/u/{upload.code}/order/", {**paid, "idempotency_key": key, "expected_cost": "11"})
    order = Order.objects.get(kind="final")
    assert response.status_code == 302 and response["Location"] == f"/o/{order.code}/"
    assert order.status == Order.DONE, order.error
    assert LedgerEntry.objects.get(kind="spend").amount == -11

    photo = client.get(f"/o/{order.code}/file/result/?download=1")
    assert "attachment" in photo["Content-Disposition"]
    assert _pixels(b"".join(photo.streaming_content)) == (413, 531)
    sheet = _pixels(b"".join(client.get(f"/o/{order.code}/file/sheet/").streaming_content))
    assert sorted(sheet) == [1200, 1800]  # 4x6 in at 300 dpi

    # Another document from the same upload: the worker reads the stored upload again, no new upload.
    client.post(f"/u/{upload.code}/preview/", {**options, "bg_color": "438EDB"})
    again = Order.objects.filter(kind="preview").first()
    assert again.status == Order.DONE
    assert Upload.objects.count() == 1
    # One hop: the engine ran in the worker; nothing went through the API (no key, no task, no API credits).
    from api.models import ApiKey, Task

    assert not ApiKey.objects.exists() and not Task.objects.exists()
    assert [e.event for e in order.events.all()] == ["created", "started", "done"]


@pytest.mark.django_db
def test_it_accepts_a_heic_photo_from_a_phone(client, settings):
    pillow_heif = pytest.importorskip("pillow_heif")
    pillow_heif.register_heif_opener()
    buffer = io.BytesIO()
    Image.open(PORTRAIT).save(buffer, "HEIF")
    buffer.seek(0)
    buffer.name = "IMG_0001.HEIC"
    _signup(client, "phone")
    response = client.post("/upload/", {"photo": buffer})
    assert response.status_code == 302, response.content.decode()[-600:]
    upload = Upload.objects.get()
    assert upload.original.name.endswith(".jpg") and upload.faces_found == 1
    assert _pixels(upload.original.read()) == Image.open(PORTRAIT).size


@pytest.mark.django_db
def test_it_says_why_a_photo_without_a_face_cannot_be_used(client):
    _signup(client, "blank")
    buffer = io.BytesIO()
    Image.new("RGB", (800, 1000), (210, 200, 190)).save(buffer, "JPEG")
    buffer.seek(0)
    buffer.name = "wall.jpg"
    html = client.post("/upload/", {"photo": buffer}).content.decode()
    assert "cannot be used" in html and "No face found" in html
    assert not Upload.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_it_refunds_a_paid_job_the_engine_refuses_and_says_why(client, sync_queue):
    crown_cut = PORTRAITS / "p02_sergey.png"
    if not crown_cut.exists():
        pytest.skip(f"{crown_cut} is absent")
    _signup(client, "sergey")
    with crown_cut.open("rb") as fh:
        assert client.post("/upload/", {"photo": fh}).status_code == 302
    upload = Upload.objects.get()
    options = {"size_mode": "spec", "spec_id": "9", "bg_color": "FFFFFF"}  # Germany passport
    confirm = client.post(f"/u/{upload.code}/confirm/", options).content.decode()
    key = re.search(r'name="idempotency_key" value="([0-9a-f]+)"', confirm).group(1)
    client.post(f"/u/{upload.code}/order/", {**options, "idempotency_key": key, "expected_cost": "6"})
    order = Order.objects.get(kind="final")
    assert order.status == Order.FAILED
    assert "top of the head" in order.error.lower()
    kinds = sorted(LedgerEntry.objects.filter(order=order).values_list("kind", "amount"))
    assert kinds == [("refund", 6), ("spend", -6)]
    page = client.get(f"/o/{order.code}/").content.decode()
    assert "credits were returned" in page and "top of the head" in page.lower()


@pytest.mark.django_db(transaction=True)
def test_it_makes_photos_through_another_server_in_remote_mode(client, live_server, settings, monkeypatch):
    """PHOTOS_API_BASE_URL pointing at a live server of this project: one sync=1 request per job."""
    from api import services as api_services
    from api.models import CreditEntry, Task

    run_queue_inline(monkeypatch)
    settings.IDPHOTO_RATE_LIMIT_PER_SECOND = 100.0
    api_key, raw = api_services.create_api_key("web app elsewhere", credits=100)
    settings.PHOTOS_API_BASE_URL, settings.PHOTOS_API_KEY = live_server.url, raw
    settings.PHOTOS_SIGNUP_CREDITS = 30
    _signup(client, "remote")
    with PORTRAIT.open("rb") as fh:
        assert client.post("/upload/", {"photo": fh}).status_code == 302
    upload = Upload.objects.get()
    options = {"size_mode": "mm", "mm_width": "35", "mm_height": "45", "dpi": "300", "bg_color": "438EDB"}
    client.post(f"/u/{upload.code}/preview/", options)
    preview = Order.objects.get(kind="preview")
    assert preview.status == Order.DONE, preview.error
    assert _pixels(b"".join(client.get(f"/o/{preview.code}/file/preview/").streaming_content)) == (413, 531)
    confirm = client.post(f"/u/{upload.code}/confirm/", options).content.decode()
    key = re.search(r'name="idempotency_key" value="([0-9a-f]+)"', confirm).group(1)
    client.post(f"/u/{upload.code}/order/", {**options, "idempotency_key": key, "expected_cost": "6"})
    order = Order.objects.get(kind="final")
    assert order.status == Order.DONE, order.error
    assert order.checks and order.measurements
    # Each job was one synchronous task on the other server; the paid one reused the upload by last_id.
    remote = list(Task.objects.order_by("created"))
    assert [t.sync for t in remote] == [True, True] and {t.state for t in remote} == {1}
    assert remote[0].input_image_id == remote[1].input_image_id
    assert order.api_task_id == str(remote[1].task_id)
    spends = CreditEntry.objects.filter(api_key=api_key, kind="spend").values_list("amount", flat=True)
    assert list(spends) == [-6]  # the preview was free there too
    assert LedgerEntry.objects.get(order=order).amount == -6
