"""Dead ends of issue 13 that only a browser shows: edits a document hid come back with a custom size, Back
after paying shows the balance after paying, and the phone's sticky bar hides what scrolls under it."""

import pytest

from photos import queue

from .a11y_support import account_with_orders
from .photos_support import make_user
from .test_a11y import chromium, log_in  # noqa: F401
from .test_browser import CHROMIUM, SHOTS

pytestmark = [pytest.mark.browser, pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian chromium is not installed")]


@pytest.mark.django_db(transaction=True)
def test_it_has_no_dead_ends_in_the_options_and_after_paying(live_server, chromium, monkeypatch):  # noqa: F811
    from engine import specs

    monkeypatch.setattr(queue, "enqueue_order", lambda order_id: None)  # the order page is enough here
    us_passport = next(s for s in specs.all_specs() if s.country_code == "US" and s.document == "Passport")
    assert "beauty" in us_passport.forbidden_edits and "outfit" in us_passport.forbidden_edits
    owner = make_user("ana", credits=40)
    upload, _, _ = account_with_orders(owner)  # 40 - 11 (paid) = 29 credits left
    base = live_server.url
    page = chromium.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True).new_page()
    page.set_default_timeout(20_000)
    log_in(page, base, "ana")
    page.goto(f"{base}/u/{upload.code}/")

    page.fill("input[name=q]", "united states passport")
    page.click(f"#spec-results .spec-item:has-text('{us_passport.country}')")
    page.wait_for_selector("#spec-card [name=spec_id]", state="attached")
    page.wait_for_selector("section[data-edit=beauty]", state="hidden")
    page.click("label:has(input[name=size_mode][value=mm])")
    page.wait_for_selector("section[data-edit=beauty]", state="visible", timeout=2_000)
    page.wait_for_selector("section[data-edit=outfit]", state="visible", timeout=2_000)

    # The sticky bar is opaque: nothing that scrolls under it shows through.
    alpha = page.evaluate("getComputedStyle(document.querySelector('.ws-actions')).backgroundColor")
    assert alpha.startswith("rgb(") or alpha.endswith(", 1)"), alpha
    page.evaluate("window.scrollTo(0, 600)")
    page.screenshot(path=str(SHOTS / "deadends-phone-sticky-bar.png"))

    page.click("[data-outfit=man_1]")
    page.wait_for_function("() => document.querySelector('#cost .cost-num').textContent.trim() === '15'")
    page.click("#buy-btn")
    page.wait_for_selector("#pay-btn")
    assert "outfit: Navy suit, white shirt, red tie" in page.inner_text("#confirm")
    page.click("#pay-btn")
    page.wait_for_url("**/o/**")
    assert "14 credits" in page.inner_text(".credits")
    page.go_back()
    page.wait_for_selector("#options")
    assert "14 credits" in page.inner_text(".credits")  # not the 29 from before paying
    assert page.inner_text("#cost .cost-num").strip() == "6"  # the page starts afresh: no stale outfit price
