"""Settings: zero-config defaults, scale-out by environment only, and loud failures on bad values.

Most tests execute idphoto_site/settings.py afresh with a patched environment (runpy), which leaves the
settings of this test process alone; one runs `manage.py check` in a subprocess to see what an operator sees.
"""

import re
import runpy
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connection, transaction

REPO = Path(__file__).resolve().parent.parent
SETTINGS_FILE = REPO / "idphoto_site" / "settings.py"
SETTINGS_SOURCE = SETTINGS_FILE.read_text()

# Every variable the settings read, found in the source so a new one is covered without editing this file.
ALL_NAMES = sorted(set(re.findall(r'env_\w+\(\s*"([A-Z0-9_]+)"', SETTINGS_SOURCE)) | {"EMAIL_BACKEND"})
TYPED = re.findall(r'env_(bool|int|float)\(\s*"([A-Z0-9_]+)"', SETTINGS_SOURCE)
WITH_MINIMUM = re.findall(r'env_(?:int|float)\(\s*"([A-Z0-9_]+)",[^)]*minimum=', SETTINGS_SOURCE)
BAD_VALUE = {"bool": "perhaps", "int": "12.5x", "float": "fast"}
# Variables read only when another one is set.
NEEDS = {"DB_CONN_MAX_AGE": {"DATABASE_URL": "postgres://idphoto@db.internal:5432/idphoto"}}


def load(monkeypatch, tmp_path, **env):
    """The settings module's globals for exactly this environment (nothing inherited from the shell)."""
    for name in ALL_NAMES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("VAR_DIR", str(tmp_path / "var"))
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(SETTINGS_FILE))


def test_it_finds_the_typed_variables_it_checks():
    names = {name for _, name in TYPED}
    assert {"DEBUG", "IDPHOTO_RESULT_URL_TTL", "IDPHOTO_RATE_LIMIT_PER_SECOND", "Q_WORKERS"} <= names
    assert "IDPHOTO_SYNC_TIMEOUT" in WITH_MINIMUM


def test_it_runs_on_embedded_defaults(monkeypatch, tmp_path):
    conf = load(monkeypatch, tmp_path)
    db = conf["DATABASES"]["default"]
    assert db["ENGINE"] == "django.db.backends.sqlite3"
    assert Path(db["NAME"]).parent == tmp_path / "var"
    assert db["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
    assert re.search(r"busy_timeout=(\d+)", db["OPTIONS"]["init_command"]).group(1) == "20000"
    assert conf["Q_CLUSTER"]["orm"] == "default" and "redis" not in conf["Q_CLUSTER"]
    assert "sync" not in conf["Q_CLUSTER"]
    assert conf["STORAGES"]["default"]["BACKEND"] == "django.core.files.storage.FileSystemStorage"
    assert conf["EMAIL_BACKEND"] == "django.core.mail.backends.console.EmailBackend"
    assert conf["DEBUG"] is True and conf["PHOTOS_API_BASE_URL"] == ""
    # A development secret is made once per checkout and kept, so signed URLs survive restarts.
    assert len(conf["SECRET_KEY"]) >= 40
    assert load(monkeypatch, tmp_path)["SECRET_KEY"] == conf["SECRET_KEY"]


def test_it_selects_postgresql_from_database_url(monkeypatch, tmp_path):
    conf = load(monkeypatch, tmp_path, DATABASE_URL="postgres://idphoto:s3cret@db.internal:6543/photos")
    db = conf["DATABASES"]["default"]
    assert db["ENGINE"] == "django.db.backends.postgresql"
    assert (db["HOST"], db["PORT"], db["NAME"], db["USER"], db["PASSWORD"]) == (
        "db.internal", 6543, "photos", "idphoto", "s3cret"
    )
    assert db["CONN_MAX_AGE"] == 60 and db["CONN_HEALTH_CHECKS"] is True
    assert load(monkeypatch, tmp_path, DATABASE_URL="postgres://h/x", DB_CONN_MAX_AGE="0")["DATABASES"][
        "default"
    ]["CONN_MAX_AGE"] == 0


def test_it_refuses_a_database_url_it_cannot_use(monkeypatch, tmp_path):
    with pytest.raises(ImproperlyConfigured, match="DATABASE_URL"):
        load(monkeypatch, tmp_path, DATABASE_URL="nosuchdb://host/name")


def test_it_switches_the_queue_to_redis(monkeypatch, tmp_path):
    conf = load(monkeypatch, tmp_path, REDIS_URL="redis://cache.internal:6379/3", Q_WORKERS="4")
    assert conf["Q_CLUSTER"]["redis"] == "redis://cache.internal:6379/3"
    assert "orm" not in conf["Q_CLUSTER"] and conf["Q_CLUSTER"]["workers"] == 4
    # A worker that dies mid-task is retried only after the longest job could have finished.
    assert conf["Q_CLUSTER"]["timeout"] < conf["Q_CLUSTER"]["retry"]
    assert conf["Q_CLUSTER"]["timeout"] > conf["IDPHOTO_SYNC_TIMEOUT"]


def test_it_switches_file_storage_to_s3(monkeypatch, tmp_path):
    conf = load(
        monkeypatch, tmp_path, S3_BUCKET="idphoto-media", S3_REGION="eu-central-1",
        S3_ENDPOINT_URL="http://minio.internal:9000",
    )
    default = conf["STORAGES"]["default"]
    assert default["BACKEND"] == "storages.backends.s3.S3Storage"
    assert default["OPTIONS"] == {
        "bucket_name": "idphoto-media",
        "default_acl": None,
        "querystring_auth": True,
        "file_overwrite": False,
        "endpoint_url": "http://minio.internal:9000",
        "region_name": "eu-central-1",
    }
    # Static files stay with whitenoise whatever the media storage is.
    assert conf["STORAGES"]["staticfiles"]["BACKEND"].startswith("django.contrib.staticfiles")


def test_it_sends_mail_over_smtp_once_a_host_is_set(monkeypatch, tmp_path):
    conf = load(monkeypatch, tmp_path, EMAIL_HOST="smtp.internal", EMAIL_PORT="587", EMAIL_USE_TLS="1")
    assert conf["EMAIL_BACKEND"] == "django.core.mail.backends.smtp.EmailBackend"
    assert (conf["EMAIL_PORT"], conf["EMAIL_USE_TLS"]) == (587, True)


def test_it_needs_a_secret_key_in_production(monkeypatch, tmp_path):
    with pytest.raises(ImproperlyConfigured, match="SECRET_KEY"):
        load(monkeypatch, tmp_path, DEBUG="0")
    conf = load(monkeypatch, tmp_path, DEBUG="false", SECRET_KEY="x" * 50)
    assert conf["DEBUG"] is False and conf["SECRET_KEY"] == "x" * 50
    static_backend = conf["STORAGES"]["staticfiles"]["BACKEND"]
    assert static_backend == "whitenoise.storage.CompressedManifestStaticFilesStorage"


def test_it_needs_a_key_with_a_remote_photos_api(monkeypatch, tmp_path):
    with pytest.raises(ImproperlyConfigured, match="PHOTOS_API_KEY"):
        load(monkeypatch, tmp_path, PHOTOS_API_BASE_URL="https://api.example.test")
    conf = load(monkeypatch, tmp_path, PHOTOS_API_BASE_URL="https://api.example.test/", PHOTOS_API_KEY="k")
    assert conf["PHOTOS_API_BASE_URL"] == "https://api.example.test"


@pytest.mark.parametrize("kind,name", TYPED, ids=[name for _, name in TYPED])
def test_it_refuses_a_malformed_value_naming_the_variable(monkeypatch, tmp_path, kind, name):
    with pytest.raises(ImproperlyConfigured, match=rf"^{name} must be"):
        load(monkeypatch, tmp_path, **NEEDS.get(name, {}), **{name: BAD_VALUE[kind]})


@pytest.mark.parametrize("name", WITH_MINIMUM)
def test_it_refuses_a_value_below_the_minimum_naming_the_variable(monkeypatch, tmp_path, name):
    with pytest.raises(ImproperlyConfigured, match=rf"^{name} must be >= "):
        load(monkeypatch, tmp_path, **NEEDS.get(name, {}), **{name: "-1"})


def test_it_stops_manage_py_with_the_variable_named(tmp_path):
    env = {"PATH": "/usr/bin:/bin", "VAR_DIR": str(tmp_path), "IDPHOTO_RESULT_URL_TTL": "an hour"}
    done = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=REPO, env=env, capture_output=True, text=True, timeout=120,
        check=False,
    )
    assert done.returncode != 0
    assert "ImproperlyConfigured: IDPHOTO_RESULT_URL_TTL must be an integer, got 'an hour'" in done.stderr


@pytest.mark.django_db(transaction=True)
def test_it_takes_the_sqlite_write_lock_at_begin():
    """With IMMEDIATE, an open transaction already holds the write lock: another writer waits at BEGIN."""
    if connection.vendor != "sqlite":
        pytest.skip("this suite runs on another database (DATABASE_URL is set)")
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA busy_timeout")
        assert cursor.fetchone()[0] == 20000
        cursor.execute("PRAGMA journal_mode")
        assert cursor.fetchone()[0] == "wal"
    other = sqlite3.connect(connection.settings_dict["NAME"], timeout=0, isolation_level=None)
    try:
        with transaction.atomic(), pytest.raises(sqlite3.OperationalError, match="locked"):
            other.execute("BEGIN IMMEDIATE")
        other.execute("BEGIN IMMEDIATE")  # free again once the transaction committed
        other.execute("ROLLBACK")
    finally:
        other.close()


def test_it_trusts_a_tls_proxy_only_when_told(monkeypatch, tmp_path):
    conf = load(monkeypatch, tmp_path)
    assert "SECURE_PROXY_SSL_HEADER" not in conf and conf["SESSION_COOKIE_SECURE"] is False
    conf = load(monkeypatch, tmp_path, SECURE_PROXY_SSL="1", SITE_URL="https://photos.example.test/")
    assert conf["SECURE_PROXY_SSL_HEADER"] == ("HTTP_X_FORWARDED_PROTO", "https")
    assert conf["SITE_URL"] == "https://photos.example.test"
    assert conf["SESSION_COOKIE_SECURE"] is True and conf["CSRF_COOKIE_SECURE"] is True


def test_it_keeps_the_sqlite_locking_for_a_sqlite_database_url(monkeypatch, tmp_path):
    conf = load(monkeypatch, tmp_path, DATABASE_URL=f"sqlite:///{tmp_path}/other.sqlite3")
    db = conf["DATABASES"]["default"]
    assert db["NAME"] == f"{tmp_path}/other.sqlite3"
    assert db["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
    assert "busy_timeout=20000" in db["OPTIONS"]["init_command"]
