"""The account and privacy pages in Debian Chromium: they work under the site's Content-Security-Policy (no
violation in the console) and axe-core finds no serious or critical problem on them."""

import re

import pytest
from django.core import mail

from .a11y_support import AXE_JS, blocking_violations
from .photos_support import PASSWORD, make_user
from .test_a11y import chromium, log_in  # noqa: F401 (fixture)
from .test_browser import CHROMIUM, shot, watch_policy_violations

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian chromium is not installed"),
    pytest.mark.skipif(not AXE_JS.exists(), reason="axe-core is missing: run `npm ci`"),
]


def sign_up(page, base, name):
    page.goto(base + "/accounts/signup/")
    page.fill("#id_username", name)
    page.fill("#id_email", f"{name}@example.test")
    page.fill("#id_password1", PASSWORD)
    page.fill("#id_password2", PASSWORD)
    page.click("#signup-form button")
    page.wait_for_url("**/upload/")


def fail_logins(page, base, name, times):
    for _ in range(times):
        page.goto(base + "/accounts/login/")
        page.fill("#id_username", name)
        page.fill("#id_password", "wrong password")
        page.click("form button.btn-primary")
        page.wait_for_load_state()


def visit_account_pages(context, base, name, inspect):
    """Walk every page of the accounts app as a new customer and as staff; `inspect(page, name)` each."""
    page = context.new_page()
    page.set_default_timeout(20_000)
    page.goto(base + "/privacy/")
    inspect(page, "privacy")
    sign_up(page, base, name)
    inspect(page, "confirm-reminder")
    body = [message.body for message in mail.outbox if f"{name}@example.test" in message.to][-1]
    page.goto(base + re.search(r"https?://[^/\s]+(/accounts/confirm/\S+)", body).group(1))
    page.wait_for_selector("#welcome-granted")
    inspect(page, "email-confirmed")
    page.goto(base + "/accounts/delete/")
    inspect(page, "delete-account")
    context.clear_cookies()
    fail_logins(page, base, name, 3)
    page.wait_for_selector("#locked-out")
    inspect(page, "locked-out")
    context.clear_cookies()
    log_in(page, base, "desk")
    page.goto(base + "/staff/lockouts/")
    inspect(page, "staff-lockouts")
    context.close()


@pytest.mark.django_db(transaction=True)
def test_it_shows_the_account_pages_without_policy_violations_or_axe_findings(live_server, chromium, settings):  # noqa: F811
    settings.AXES_FAILURE_LIMIT = 3
    settings.PHOTOS_SIGNUP_CREDITS = 30
    settings.AXES_LOCKOUT_PARAMETERS = ["username"]  # so the staff member can still log in from 127.0.0.1
    make_user("desk", staff=True)
    base = live_server.url

    def look(page, name):
        page.wait_for_load_state("networkidle")
        shot(page, f"accounts-{name}")

    enforced = chromium.new_context(viewport={"width": 1366, "height": 900})
    violations = watch_policy_violations(enforced.new_page())
    visit_account_pages(enforced, base, "lea", look)
    assert violations == [], violations

    found = {}

    def audit(page, name):
        page.wait_for_load_state("networkidle")
        problems = blocking_violations(page)
        if problems:
            found[name] = problems

    # axe-core is injected as a script, which the policy (rightly) refuses: this pass bypasses it.
    bypassed = chromium.new_context(viewport={"width": 390, "height": 844}, bypass_csp=True)
    visit_account_pages(bypassed, base, "max", audit)
    assert not found, found
