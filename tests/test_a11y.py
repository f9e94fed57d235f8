"""Accessibility: axe-core (node_modules/axe-core, installed by `make test`) run in Debian Chromium on every page
of the web app must report no serious and no critical violation, at desktop and phone width."""

import pytest

from .a11y_support import AXE_JS, account_with_orders, blocking_violations
from .photos_support import PASSWORD, make_user
from .test_browser import CHROMIUM, CHROMIUM_ARGS, shot

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian chromium is not installed"),
]


@pytest.fixture
def chromium():
    assert AXE_JS.exists(), "axe-core is missing: run `make test` (it runs npm ci) or `npm ci`"
    playwright = pytest.importorskip("playwright.sync_api")
    with playwright.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def log_in(page, base, username):
    page.goto(base + "/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.press("#id_password", "Enter")
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


def audit(page, name, found):
    """Record the page's blocking violations under its name (and keep a screenshot to look at)."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    page.wait_for_load_state("load")
    try:  # outfit thumbnails arrive after load; a busy machine may never go quiet for long
        page.wait_for_load_state("networkidle", timeout=10_000)
    except PlaywrightTimeout:  # the audit of the loaded page still counts
        pass
    shot(page, f"a11y-{name}")
    violations = blocking_violations(page)
    if violations:
        found[name] = violations


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("width", [1366, 390])
def test_it_has_no_serious_or_critical_axe_violation_on_any_page(live_server, chromium, width):
    customer = make_user("ana", credits=40)
    make_user("sam", staff=True)
    upload, _, paid = account_with_orders(customer)
    base, found = live_server.url, {}
    context = chromium.new_context(viewport={"width": width, "height": 900}, bypass_csp=True)
    page = context.new_page()
    page.set_default_timeout(20_000)
    suffix = "phone" if width < 760 else "desktop"

    for name, path in (("landing", "/"), ("signup", "/accounts/signup/"), ("login", "/accounts/login/")):
        page.goto(base + path)
        audit(page, f"{name}-{suffix}", found)

    log_in(page, base, "ana")
    pages = [
        ("upload", "/upload/"),
        ("options-preview", f"/u/{upload.code}/"),
        ("order", f"/o/{paid.code}/"),
        ("my-photos", "/my/"),
        ("buy-credits", "/credits/buy/"),
        ("purchases", "/credits/purchases/"),
        ("privacy", "/privacy/"),
        ("delete-account", "/accounts/delete/"),
    ]
    for name, path in pages:
        page.goto(base + path)
        audit(page, f"{name}-{suffix}", found)

    page.goto(base + f"/u/{upload.code}/")
    page.click("#buy-btn")
    page.wait_for_selector("#pay-btn")
    audit(page, f"confirm-{suffix}", found)

    page.goto(base + "/upload/")
    page.set_input_files("#photo-input", {"name": "notes.jpg", "mimeType": "image/jpeg", "buffer": b"not a picture"})
    page.wait_for_selector("#upload-error.alert-error")
    audit(page, f"upload-refused-{suffix}", found)

    context.clear_cookies()
    log_in(page, base, "sam")
    for name, path in (("staff-list", "/staff/"), ("staff-order", f"/staff/o/{paid.code}/"), ("staff-credits", "/staff/credits/"),
                       ("staff-purchases", "/staff/purchases/"), ("staff-lockouts", "/staff/lockouts/")):
        page.goto(base + path)
        audit(page, f"{name}-{suffix}", found)
    context.close()

    # The same pages in another language (the browser's Accept-Language): Chinese on the phone, Spanish on desktop.
    locale = "zh-CN" if width < 760 else "es-ES"
    context = chromium.new_context(viewport={"width": width, "height": 900}, bypass_csp=True, locale=locale)
    page = context.new_page()
    log_in(page, base, "ana")
    for name, path in (("options-preview", f"/u/{upload.code}/"), ("order", f"/o/{paid.code}/"), ("my-photos", "/my/")):
        page.goto(base + path)
        assert page.get_attribute("html", "lang") == ("zh-Hans" if locale == "zh-CN" else "es")
        audit(page, f"{name}-{locale}-{suffix}", found)
    context.close()
    assert not found, "\n".join(f"{name}: {v}" for name, vs in found.items() for v in vs)
