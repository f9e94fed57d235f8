"""The whole customer path in headless Debian Chromium against a live server and a real django-q2 cluster.

Screenshots of every step (desktop and phone width) go to var/artifacts/browser/ to be looked at.
"""

import re
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from .conftest import ARTIFACTS, PORTRAITS
from .processes import start_manage, stop

PORTRAIT = PORTRAITS / "p11_hivision_test0.jpg"
CHROMIUM = Path("/usr/bin/chromium")
SHOTS = ARTIFACTS / "browser"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
pytestmark = [
    pytest.mark.browser,
    pytest.mark.shared,
    pytest.mark.skipif(not PORTRAIT.exists(), reason=f"{PORTRAIT} is absent"),
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian chromium is not installed"),
]


@pytest.fixture
def qcluster(live_server, settings, tmp_path):
    """A real worker cluster on the live server's database and media folder."""
    settings.PHOTOS_API_BASE_URL = ""
    log_path = tmp_path / "qcluster.log"
    cluster = start_manage(
        ["qcluster"], log_path, Q_WORKERS="2", PHOTOS_SIGNUP_CREDITS="30",
        IDPHOTO_RATE_LIMIT_PER_SECOND="50",
    )
    yield log_path
    stop([cluster], grace=20)


@pytest.fixture
def browser():
    playwright = pytest.importorskip("playwright.sync_api")
    with playwright.sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def shot(page, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.evaluate("window.scrollTo(0, 0)")  # sticky bars would otherwise sit mid-page in a full-page shot
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def watch_policy_violations(page, seen=None):
    """Collect the console's Content-Security-Policy violation reports of the page's browser context."""
    seen = [] if seen is None else seen

    def note(message):
        if "Content Security Policy" in message.text or "Content-Security-Policy" in message.text:
            seen.append(message.text)

    page.context.on("console", note)
    return seen


def confirmation_link(address):
    from django.core import mail

    body = [message.body for message in mail.outbox if address in message.to][-1]
    return re.search(r"https?://[^/\s]+(/accounts/confirm/\S+)", body).group(1)


def image_of(path):
    with Image.open(path) as image:
        image.load()
        return image.convert("RGB")


def downloaded(page, selector, target):
    with page.expect_download() as info:
        page.click(selector)
    info.value.save_as(str(target))
    return image_of(target)


@pytest.mark.django_db(transaction=True)
def test_it_takes_a_customer_from_signup_to_printed_sheet(live_server, qcluster, browser, settings, tmp_path):
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    from engine import specs

    settings.PHOTOS_SIGNUP_CREDITS = 30

    germany = specs.search("germany passport")[0]
    context = browser.new_context(viewport={"width": 1366, "height": 900}, accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(30_000)
    violations = watch_policy_violations(page)
    page.goto(live_server.url + "/")
    shot(page, "01-home")

    page.click("text=Start free")
    shot(page, "01b-signup")
    page.fill("#id_username", "jane")
    page.fill("#id_email", "jane@example.test")
    page.fill("#id_password1", "paper-Kite-93")
    page.fill("#id_password2", "paper-Kite-93")
    page.click("#signup-form button")
    page.wait_for_url("**/upload/")
    assert "0 credits" in page.inner_text(".credits") and page.is_visible("#confirm-reminder")
    page.goto(live_server.url + confirmation_link("jane@example.test"))
    page.wait_for_selector("#welcome-granted")
    shot(page, "01c-email-confirmed")
    page.goto(live_server.url + "/upload/")
    assert "30 credits" in page.inner_text(".credits")
    shot(page, "02-upload")

    not_a_photo = tmp_path / "notes.jpg"
    not_a_photo.write_bytes(b"just some text, not a picture")
    page.set_input_files("#photo-input", str(not_a_photo))
    page.wait_for_selector("#upload-error.alert-error")
    assert "cannot be used" in page.inner_text("#upload-error")
    shot(page, "02b-upload-refused")

    page.set_input_files("#photo-input", str(PORTRAIT))
    page.wait_for_url("**/u/**", timeout=60_000)
    page.fill("input[name=q]", "germany")
    page.click(f"text={germany.title}")
    page.wait_for_selector("#spec-card [name=spec_id]", state="attached")
    page.wait_for_selector("section[data-edit=beauty]", state="hidden")
    shot(page, "03-options")

    page.click("#preview-btn")
    page.wait_for_selector(".job [role=progressbar]")
    shot(page, "04-preview-progress")
    try:  # best effort: the engine may finish between two polls
        page.wait_for_function(
            "() => Number((document.querySelector('.job [role=progressbar]') || {}).ariaValueNow || 0) >= 10", timeout=20_000
        )
        shot(page, "04b-preview-progress-mid")
    except PlaywrightTimeout:
        pass
    page.wait_for_selector("#preview-img", timeout=180_000)
    page.wait_for_function("() => !!document.querySelector('#preview-img') && document.querySelector('#preview-img').complete")
    shot(page, "05-preview")
    page.set_viewport_size({"width": 1920, "height": 1080})
    shot(page, "05b-preview-wide")
    page.set_viewport_size({"width": 1366, "height": 900})
    preview_src = page.get_attribute("#preview-img", "src")
    preview_path = tmp_path / "preview.png"
    preview_path.write_bytes(page.request.get(live_server.url + preview_src).body())

    page.check("input[name=layout]")
    page.select_option("select[name=layout_size]", "6inch")
    page.wait_for_timeout(500)
    assert page.inner_text("#cost .cost-num") == "11"
    page.click("#buy-btn")
    page.wait_for_selector("#pay-btn")
    shot(page, "06-confirm")
    page.click("#pay-btn")
    page.wait_for_url("**/o/**")
    shot(page, "07-order-progress")
    page.wait_for_selector("#download-photo", timeout=180_000)
    page.wait_for_function("() => !!document.querySelector('#result-img') && document.querySelector('#result-img').complete")
    shot(page, "08-order-done")

    photo = downloaded(page, "#download-photo", tmp_path / "photo.png")
    sheet = downloaded(page, "#download-sheet", tmp_path / "sheet.png")
    assert photo.size == tuple(germany.px)
    assert sorted(sheet.size) == [4 * germany.dpi, 6 * germany.dpi]
    preview = image_of(preview_path)
    assert preview.size == photo.size
    # The watermark: the free preview differs visibly from the paid photo made with the same options.
    difference = np.abs(np.asarray(preview, np.int16) - np.asarray(photo, np.int16)).mean()
    assert difference > 1.0, difference
    assert "19 credits" in page.inner_text(".credits")

    page.goto(live_server.url + "/my/")
    shot(page, "09-my-photos")

    # Staff review: the same browser session promoted to staff sees the order side by side.
    from django.contrib.auth import get_user_model

    get_user_model().objects.filter(username="jane").update(is_staff=True)
    page.goto(live_server.url + "/staff/?state=d")
    page.wait_for_selector("#rows a")
    shot(page, "13-staff-orders")
    page.click("#rows a")
    page.wait_for_selector(".side-by-side img")
    shot(page, "14-staff-order")

    phone = browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True, has_touch=True)
    phone.add_cookies(context.cookies())
    mobile = phone.new_page()
    watch_policy_violations(mobile, violations)
    for name, path in (("upload", "/upload/"), ("workspace", page.url.replace(live_server.url, "")), ("my", "/my/")):
        mobile.goto(live_server.url + path)
        shot(mobile, f"10-phone-{name}")
    order_url = page.url
    mobile.goto(order_url if order_url.startswith("http") else live_server.url + order_url)
    mobile.goto(live_server.url + "/my/")
    mobile.click(".order-card")
    mobile.wait_for_selector("#download-photo")
    shot(mobile, "11-phone-order")
    workspace_link = mobile.get_attribute("text=Use this photo for another document", "href")
    mobile.goto(live_server.url + workspace_link)
    shot(mobile, "12-phone-workspace")

    # Same upload, no document rules: an outfit and a touch-up are allowed and priced live.
    mobile.click("[data-outfit=man_1]")
    mobile.fill("input[name=smooth_factor]", "0.6")
    mobile.wait_for_function("() => document.querySelector('#cost .cost-num').textContent.trim() === '23'")
    assert mobile.locator("#preview-img").count() == 0  # no stale Germany preview beside other options
    mobile.click("#preview-btn")
    mobile.wait_for_function(
        "() => { const img = document.querySelector('#preview-img'); return !!img && img.complete; }", timeout=180_000
    )
    mobile.locator(".ws-result").screenshot(path=str(SHOTS / "12b-phone-outfit-preview.png"))
    # The whole path ran under the Content-Security-Policy without the browser refusing anything.
    assert violations == [], violations
    context.close()
    phone.close()
