"""Retention and account deletion against S3 (moto's in-process mock), the storage S3_BUCKET configures:
expired objects leave the bucket, fresh ones stay, and a deleted account leaves no object behind."""

import pytest
from django.test import Client

from accounts import retention

from .photos_support import PASSWORD, make_upload, make_user
from .test_privacy import aged, paid_of, preview_of

pytestmark = pytest.mark.django_db
BUCKET, REGION = "idphoto-media", "eu-central-1"


@pytest.fixture(autouse=True)
def _no_queue(monkeypatch):
    from photos import queue

    monkeypatch.setattr(queue, "enqueue_order", lambda order_id: None)


@pytest.fixture
def s3(monkeypatch, settings, tmp_path):
    moto = pytest.importorskip("moto", reason="moto is not installed (requirements/test.txt)")
    import boto3

    from tests.test_settings import load

    for name, value in {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
                        "AWS_SESSION_TOKEN": "testing", "AWS_DEFAULT_REGION": REGION}.items():
        monkeypatch.setenv(name, value)
    storages = load(monkeypatch, tmp_path, S3_BUCKET=BUCKET, S3_REGION=REGION)["STORAGES"]
    with moto.mock_aws():
        client = boto3.client("s3", region_name=REGION)
        client.create_bucket(Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": REGION})
        settings.STORAGES = storages  # FileFields now write to the mocked bucket

        def keys():
            return {item["Key"] for item in client.list_objects_v2(Bucket=BUCKET).get("Contents", [])}

        yield keys


def test_it_deletes_expired_objects_from_the_bucket_and_keeps_fresh_ones(s3):
    owner = make_user("s3user", credits=20)
    old, fresh = aged(make_upload(owner), 45), make_upload(owner)
    old_paid, old_preview = paid_of(owner, old, 31, "old"), preview_of(owner, old, 33)
    new_paid = paid_of(owner, fresh, 1, "new")
    expired = {old.original.name, old.thumbnail.name, old_paid.result.name, old_paid.sheet.name,
               old_preview.preview.name, old_preview.sheet.name}
    kept = {fresh.original.name, fresh.thumbnail.name, new_paid.result.name, new_paid.sheet.name}
    assert s3() == expired | kept
    assert retention.delete_expired_files()["orders"] == 2
    assert s3() == kept


def test_it_leaves_no_object_of_a_deleted_account_in_the_bucket(s3):
    owner, other = make_user("gone", credits=20), make_user("stays")
    paid_of(owner, make_upload(owner), 0, "k")
    preview_of(owner, make_upload(owner), 0)
    theirs = make_upload(other)
    client = Client()
    client.force_login(owner)
    assert client.post("/accounts/delete/", {"password": PASSWORD}).status_code == 302
    assert s3() == {theirs.original.name, theirs.thumbnail.name}
