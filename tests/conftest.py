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


# The files that take longest (measured with --durations), slowest first. `make test`'s two workers take whole
# files in collection order, so these start early and the many short files fill the gaps at the end, instead
# of a long file starting last on one worker while the other has nothing left to do.
SLOWEST_FILES = (
    "test_outfits.py",
    "test_api_schema.py",
    "test_a11y.py",
    "test_checks.py",
    "test_scaleout.py",
    "test_browser.py",
    "test_payments.py",
    "test_accounts.py",
    "test_engine_portraits.py",
    "test_engine_matting_composites.py",
    "test_payments_browser.py",
)


@pytest.hookimpl(trylast=True)  # after pytest-django's own ordering, which the sort below keeps otherwise
def pytest_collection_modifyitems(items):
    _give_each_item_its_own_node_id(items)
    rank = {name: index for index, name in enumerate(SLOWEST_FILES)}
    items.sort(key=lambda item: rank.get(item.path.name, len(rank)))


def _give_each_item_its_own_node_id(items):
    """schemathesis' parametrize names its items after each operation ("test_x[GET /api/specs]"), but on
    pytest 9 they all get the bare function's node id; pytest-xdist keys its work by node id and would run
    one operation of the five."""
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
def _fast_password_hashing(settings):
    """Passwords hashed with one round of a fast hash (Django's advice for tests): the real hasher spends a
    quarter of a second of CPU on purpose at every sign-up, test user and login. No test depends on the
    hasher; a password is checked the same way, against the hasher that made it."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


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
