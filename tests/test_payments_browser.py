"""Buying credits in headless Chromium: not enough credits -> buy -> the fake Stripe checkout -> back on the
receipt page, which waits -> the signed webhook -> the header balance updates (htmx) -> the credits pay for a
real photo made by a real django-q2 cluster. Screenshots go to var/artifacts/browser/payments-*.png."""

import json

import httpx
import pytest

from .payments_support import session_event, sign
from .test_browser import CHROMIUM, PORTRAIT, SHOTS, browser, qcluster, shot  # noqa: F401 (fixtures)
from .test_payments import fake_stripe  # noqa: F401 (fixture)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.shared,
    pytest.mark.skipif(not PORTRAIT.exists(), reason=f"{PORTRAIT} is absent"),
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian chromium is not installed"),
]


def axe_findings(chromium, cookies, url):
    """Serious and critical axe-core violations of a page, when axe-core is installed (make test runs npm ci).

    axe is injected as a script, which the site's CSP forbids: it runs in a second context that bypasses the
    CSP, so the customer's context keeps the real policy (the buy form's redirect to Checkout must pass it).
    """
    from .a11y_support import AXE_JS, blocking_violations

    if not AXE_JS.exists():
        return []
    auditor = chromium.new_context(viewport={"width": 390, "height": 844}, bypass_csp=True)
    auditor.add_cookies(cookies)
    page = auditor.new_page()
    page.goto(url)
    page.wait_for_load_state("networkidle")
    found = blocking_violations(page)
    auditor.close()
    return found


@pytest.mark.django_db(transaction=True)
def test_it_buys_credits_through_checkout_and_spends_them_on_a_photo(
    live_server, qcluster, browser, fake_stripe, settings  # noqa: F811
):
    settings.PHOTOS_SIGNUP_CREDITS = 0
    settings.SITE_URL = live_server.url
    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(30_000)
    findings = {}

    page.goto(live_server.url + "/accounts/signup/")
    assert "from 0.80 USD" in page.inner_text("#photo-price")
    page.fill("#id_username", "kim")
    page.fill("#id_email", "kim@example.test")
    page.fill("#id_password1", "paper-Kite-93")
    page.fill("#id_password2", "paper-Kite-93")
    page.click("#signup-form button")
    page.wait_for_url("**/upload/")
    assert page.inner_text("#header-credits").strip() == "0 credits"

    page.set_input_files("#photo-input", str(PORTRAIT))
    page.wait_for_url("**/u/**", timeout=60_000)
    workspace = page.url
    page.click("#buy-btn")
    page.wait_for_selector("#not-enough")
    assert "You need 6 credits (from 0.80 USD) and have 0." in page.inner_text("#not-enough")
    shot(page, "payments-01-not-enough")

    page.click("#buy-credits-link")
    page.wait_for_url("**/credits/buy/")
    shot(page, "payments-02-buy")
    page.click("text=Buy 30 credits for 4.99 USD")
    page.wait_for_url(fake_stripe.url + "/pay/**")
    assert page.inner_text("#amount") == "499 usd"
    shot(page, "payments-03-fake-checkout")

    page.click("#pay")
    page.wait_for_url("**/credits/purchases/**")
    status = page.inner_text("#purchase-status")
    assert "Payment received, waiting for confirmation" in status
    assert page.inner_text("#header-credits").strip() == "0 credits"  # the return page grants nothing
    shot(page, "payments-04-waiting")
    page.wait_for_timeout(2500)  # a poll or two: still waiting, still nothing granted
    assert page.inner_text("#header-credits").strip() == "0 credits"

    (session,) = fake_stripe.sessions.values()
    body = json.dumps(session_event(session))
    answer = httpx.post(live_server.url + "/payments/stripe/webhook/", content=body,
                        headers={"Stripe-Signature": sign(body), "Content-Type": "application/json"})
    assert answer.status_code == 200 and answer.text == "granted 30 credits"
    page.wait_for_selector("#purchase-done", timeout=15_000)
    page.wait_for_function("document.querySelector('#header-credits').textContent.trim() === '30 credits'")
    receipt = page.url
    shot(page, "payments-05-credited")

    page.goto(live_server.url + "/credits/purchases/")
    assert "4.99 USD" in page.inner_text("table") and "Paid" in page.inner_text("table")
    shot(page, "payments-06-purchases")

    page.goto(workspace)
    page.click("#buy-btn")
    page.wait_for_selector("#pay-btn")
    page.click("#pay-btn")
    page.wait_for_url("**/o/**")
    page.wait_for_selector("#download-photo", timeout=180_000)
    assert page.inner_text("#header-credits").strip() == "24 credits"
    shot(page, "payments-07-photo-paid-with-bought-credits")

    from django.contrib.auth import get_user_model

    get_user_model().objects.filter(username="kim").update(is_staff=True)
    page.goto(live_server.url + "/staff/purchases/")
    assert "kim" in page.inner_text("#purchases")
    shot(page, "payments-08-staff-purchases")
    for name, url in (("buy", "/credits/buy/"), ("purchases", "/credits/purchases/"), ("staff", "/staff/purchases/")):
        findings[name] = axe_findings(browser, context.cookies(), live_server.url + url)
    findings["receipt"] = axe_findings(browser, context.cookies(), receipt)
    context.close()
    assert not any(findings.values()), findings
    assert (SHOTS / "payments-05-credited.png").exists()
