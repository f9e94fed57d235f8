import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("IDPHOTO_SHARED", REPO.parent / "shared"))
PORTRAITS = SHARED / "portraits"
MATTING_GT = SHARED / "matting_gt" / "p3m"
ARTIFACTS = REPO / "var" / "artifacts"

# Playwright's sync API runs an event loop in the test thread; Django then refuses ORM calls unless told.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


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
