"""Privacy: files deleted on schedule (local storage here, S3 in test_privacy_s3.py), a photo deleted at
once, an account deleted with nothing of it left in storage, the data export, the privacy page."""

import csv
import io
import json
import zipfile
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db.models import Sum
from django.test import Client
from django.utils import timezone

from accounts import retention
from accounts import services as account_services
from photos import services
from photos.models import FilesDeleted, LedgerEntry, Order, Upload, Wallet

from .photos_support import PASSWORD, make_upload, make_user, png_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_queue(monkeypatch):
    from photos import queue

    monkeypatch.setattr(queue, "enqueue_order", lambda order_id: None)


def finished(order, days_ago, **files):
    """Mark an order done `days_ago` days back with these files (name -> bytes)."""
    for name, data in files.items():
        getattr(order, name).save(f"{name}.png", ContentFile(data), save=False)
    order.status, order.finished = Order.DONE, timezone.now() - timedelta(days=days_ago)
    order.save()
    Order.objects.filter(pk=order.pk).update(created=order.finished)
    return order


def preview_of(user, upload, days_ago):
    order = services.create_preview(user, upload, {"px_width": "413", "px_height": "531"})
    return finished(order, days_ago, preview=png_bytes((41, 53)), sheet=png_bytes((60, 40)))


def paid_of(user, upload, days_ago, key):
    order, _ = services.create_paid_order(user, upload, {"px_width": "413", "px_height": "531"}, 6, key)
    return finished(order, days_ago, result=png_bytes((41, 53)), sheet=png_bytes((60, 40)))


def aged(upload, days_ago):
    Upload.objects.filter(pk=upload.pk).update(created=timezone.now() - timedelta(days=days_ago))
    upload.refresh_from_db()
    return upload


def stored(field):
    return bool(field) and field.storage.exists(field.name)


def ledger_adds_up(user):
    total = LedgerEntry.objects.filter(user=user).aggregate(total=Sum("amount"))["total"] or 0
    return total == Wallet.objects.get(user=user).balance


def files_under(root):
    return sorted(str(p.relative_to(root)) for p in Path(root).rglob("*") if p.is_file())


# --- retention ---------------------------------------------------------------------------------------


def test_it_deletes_files_after_their_periods_and_keeps_the_rows(settings):
    owner = make_user("rita", credits=20)
    old, fresh = aged(make_upload(owner), 40), make_upload(owner)
    old_preview, old_paid = preview_of(owner, old, 32), paid_of(owner, old, 31, "old")
    day_old_preview = preview_of(owner, fresh, 2)
    new_preview, new_paid = preview_of(owner, fresh, 0.5), paid_of(owner, fresh, 29, "new")
    Upload.objects.filter(pk=fresh.pk).update(created=timezone.now() - timedelta(days=40))  # its last order is recent
    gone_names = [old_paid.result.name, old.original.name, day_old_preview.preview.name]

    done = retention.delete_expired_files()

    assert done["orders"] == 3 and done["uploads"] == 1
    for row in (old_preview, old_paid, old, day_old_preview, new_preview, new_paid, fresh):
        row.refresh_from_db()
    assert not any(map(stored, (old_preview.preview, old_preview.sheet, old_paid.result, old_paid.sheet)))
    assert not stored(old.original) and not stored(old.thumbnail) and not stored(day_old_preview.sheet)
    assert not any(default_storage.exists(name) for name in gone_names)
    assert old_paid.files_deleted and old_paid.files_deleted_why == FilesDeleted.SCHEDULE
    assert all(map(stored, (new_preview.preview, new_paid.result, new_paid.sheet, fresh.original)))
    # The rows stay: order history, and a ledger that still adds up.
    assert Order.objects.filter(owner=owner).count() == 5
    assert ledger_adds_up(owner) and services.balance(owner) == 8
    assert retention.delete_expired_files() == {"orders": 0, "uploads": 0, "signup_records": 0}


def test_it_says_on_the_pages_that_files_were_deleted_on_schedule():
    owner = make_user("sam", credits=20)
    upload = aged(make_upload(owner), 60)
    order = paid_of(owner, upload, 45, "k")
    retention.delete_expired_files()
    client = Client()
    client.force_login(owner)
    page = client.get(f"/o/{order.code}/").content.decode()
    assert "deleted on schedule" in page and 'id="download-photo"' not in page
    assert "Deleted on schedule" in client.get("/my/").content.decode()
    assert client.get(f"/o/{order.code}/file/result/").status_code == 404
    assert client.get(f"/u/{upload.code}/").status_code == 404  # no new pictures from a deleted original
    desk = Client()
    desk.force_login(make_user("desk", staff=True))
    staff_page = desk.get(f"/staff/o/{order.code}/").content.decode()
    assert "files deleted" in staff_page and f"/u/{upload.code}/file/original/" not in staff_page


def test_it_runs_the_retention_job_from_a_django_q_schedule(migrated_schedules):
    from django_q.models import Schedule

    schedule = Schedule.objects.get(func="accounts.retention.delete_expired_files")
    assert schedule.schedule_type == Schedule.MINUTES and schedule.repeats == -1


# --- deleting a photo and an account -----------------------------------------------------------------


def test_it_deletes_a_photo_at_once_with_everything_made_from_it():
    owner = make_user("tom", credits=20)
    upload = make_upload(owner)
    preview, paid = preview_of(owner, upload, 0), paid_of(owner, upload, 0, "k")
    other = make_upload(make_user("una"))
    client = Client()
    client.force_login(owner)
    assert client.post(f"/u/{other.code}/delete/").status_code == 404  # not theirs
    response = client.post(f"/u/{upload.code}/delete/")
    assert response.status_code == 302
    for row in (upload, preview, paid):
        row.refresh_from_db()
    assert not any(map(stored, (upload.original, upload.thumbnail, preview.preview, paid.result, paid.sheet)))
    assert paid.files_deleted_why == FilesDeleted.OWNER
    assert "You deleted the files" in client.get(f"/o/{paid.code}/").content.decode()
    assert ledger_adds_up(owner)
    assert stored(other.original)


def test_it_refuses_to_delete_a_photo_while_its_job_runs():
    owner = make_user("vic", credits=20)
    upload = make_upload(owner)
    services.create_paid_order(owner, upload, {"px_width": "413", "px_height": "531"}, 6, "running")
    client = Client()
    client.force_login(owner)
    page = client.post(f"/u/{upload.code}/delete/", follow=True).content.decode()
    assert "still running" in page
    upload.refresh_from_db()
    assert stored(upload.original) and upload.files_deleted is None


def test_it_deletes_an_account_leaving_no_file_and_no_personal_data(settings):
    owner = make_user("wes", credits=30)
    bystander = make_user("xia", credits=10)
    kept = make_upload(bystander)
    uploads = [make_upload(owner), make_upload(owner)]
    paid = paid_of(owner, uploads[0], 1, "k1")
    preview_of(owner, uploads[1], 0)
    Order.objects.filter(pk=paid.pk).update(options={**paid.options, "add_label": "1", "label_text": "Wes Smith"})
    services.refund(paid, "test refund")
    ledger_before = list(LedgerEntry.objects.filter(user=owner).values_list("kind", "amount"))
    media = Path(settings.MEDIA_ROOT)
    assert any(str(paid.code) in name for name in files_under(media))

    client = Client()
    client.force_login(owner)
    wrong = client.post("/accounts/delete/", {"password": "not it"})
    assert wrong.status_code == 200 and "not your password" in wrong.content.decode()
    response = client.post("/accounts/delete/", {"password": PASSWORD})
    assert response.status_code == 302

    # No file of the deleted user remains in storage: only the bystander's two files are left.
    assert files_under(media) == sorted([kept.original.name, kept.thumbnail.name])
    owner.refresh_from_db()
    assert account_services.stored_files(owner) == []
    # Personal data gone, the account cannot log in, the ledger stays and adds up.
    assert owner.username.startswith("deleted-") and owner.email == "" and not owner.is_active
    assert not owner.has_usable_password()
    assert not Client().login(username="wes", password=PASSWORD)
    assert client.get("/my/").status_code == 302  # the session ended
    assert list(LedgerEntry.objects.filter(user=owner).values_list("kind", "amount")) == ledger_before
    assert ledger_adds_up(owner)
    assert "label_text" not in Order.objects.get(pk=paid.pk).options
    assert set(Upload.objects.filter(owner=owner).values_list("original_name", flat=True)) == {""}


# --- the data export ---------------------------------------------------------------------------------


def test_it_exports_the_photos_still_kept_and_the_ledger_as_one_zip():
    owner = make_user("yan", credits=20)
    upload = make_upload(owner)
    paid = paid_of(owner, upload, 0, "k")
    gone = aged(make_upload(owner), 90)
    retention.delete_expired_files()
    client = Client()
    client.force_login(owner)
    response = client.get("/accounts/export/")
    assert response["Content-Type"] == "application/zip"
    assert "attachment" in response["Content-Disposition"]
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    names = archive.namelist()
    assert {"account.json", "ledger.csv", "orders.json"} <= set(names)
    with upload.original.open("rb") as handle:
        assert archive.read(f"photos/{upload.code}/{Path(upload.original.name).name}") == handle.read()
    assert f"orders/{paid.code}/{Path(paid.result.name).name}" in names
    assert not any(str(gone.code) in name for name in names)  # deleted on schedule: not in the export
    assert json.loads(archive.read("account.json"))["username"] == "yan"
    rows = list(csv.DictReader(io.StringIO(archive.read("ledger.csv").decode())))
    assert [(row["kind"], int(row["amount"])) for row in rows] == [("grant", 20), ("spend", -6)]
    assert json.loads(archive.read("orders.json"))[0]["order"] == str(paid.code)
    assert Client().get("/accounts/export/").status_code == 302  # login required


# --- the privacy page ---------------------------------------------------------------------------------


def test_it_states_the_retention_periods_on_a_privacy_page_linked_from_every_page(settings):
    settings.RETAIN_PREVIEW_DAYS, settings.RETAIN_RESULT_DAYS, settings.RETAIN_ORIGINAL_DAYS = 1, 30, 14
    page = Client().get("/privacy/").content.decode()
    assert "1 day after the preview was made" in page
    assert "30 days after the order finished" in page and "14 days after the last order" in page
    assert 'href="/privacy/"' in Client().get("/").content.decode()
