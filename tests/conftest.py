import os
from collections import Counter
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("IDPHOTO_SHARED", REPO.parent / "shared"))
PORTRAITS = SHARED / "portraits"
MATTING_GT = SHARED / "matting_gt" / "p3m"
ARTIFACTS = REPO / "var" / "artifacts"

# Playwright's sync API runs an event loop in the test thread; Django then refuses ORM calls unless told.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(items):
    """Give every test its own node id. schemathesis' parametrize names its items after each operation
    ("test_x[GET /api/specs]"), but on pytest 9 they all get the bare function's node id; pytest-xdist keys
    its work by node id and would run one operation of the five."""
    seen = Counter(item.nodeid for item in items)
    for item in items:
        if seen[item.nodeid] > 1:
            item._id = item.parent.id.child(item.name)  # what pytest itself falls back to


def portrait_paths():
    if not PORTRAITS.is_dir():
        return []
    return sorted(p for p in PORTRAITS.iterdir() if p.suffix.lower() in (".jpg", ".jpeg", ".png"))


@pytest.fixture
def shared_portraits():
    paths = portrait_paths()
    if not paths:
        pytest.skip("../shared/portraits is absent")
    return paths


def needs_shared(path):
    """Skip marker for a test that reads a file or folder under ../shared."""
    return pytest.mark.skipif(not Path(path).exists(), reason=f"{path} is absent")


@pytest.fixture
def artifacts_dir():
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


@pytest.fixture(autouse=True)
def _private_media_root(settings, tmp_path):
    """Every test writes uploads and results under its own temporary MEDIA_ROOT."""
    settings.MEDIA_ROOT = tmp_path / "media"


# Data migrations that create django-q schedules, in the order they are applied.
SCHEDULE_MIGRATIONS = [
    ("accounts", "0002_retention_schedule"),
    ("api", "0002_retention_schedule"),
    ("api", "0004_task_heartbeat"),
    ("photos", "0002_sweep_schedule"),
]


@pytest.fixture
def migrated_schedules(db):
    """The rows those migrations made. A transactional test empties every table when it ends, and with
    several workers (make test) one may have run earlier in the same process, so the migrations' own
    functions (idempotent: keyed by schedule name) make the rows again after checking they were applied."""
    from importlib import import_module

    from django.apps import apps
    from django.db import connection
    from django.db.migrations.recorder import MigrationRecorder

    applied = MigrationRecorder(connection).applied_migrations()
    for app, name in SCHEDULE_MIGRATIONS:
        assert (app, name) in applied, f"{app}.{name} is not applied"
        import_module(f"{app}.migrations.{name}").create_schedule(apps, None)
