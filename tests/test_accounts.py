"""Accounts: confirmed e-mail before the welcome credits (once per address), mails over a real SMTP
server, login lock-outs per account and per address with a working password reset, sign-up throttling."""

import re
import socket
import time
from email import message_from_bytes

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client

from accounts import services as account_services
from accounts.models import WelcomeGrant
from photos import services
from photos.models import LedgerEntry

from .photos_support import PASSWORD, confirm_signup_mail, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _credits(settings):
    settings.PHOTOS_SIGNUP_CREDITS = 30
    settings.AXES_FAILURE_LIMIT = 3


def signup(client, name, email=None, **extra):
    return client.post(
        "/accounts/signup/",
        {"username": name, "email": email or f"{name}@example.test", "password1": PASSWORD, "password2": PASSWORD},
        **extra,
    )


def login(client, name, password, address="10.0.0.1"):
    return client.post("/accounts/login/", {"username": name, "password": password}, REMOTE_ADDR=address)


def user(name):
    return get_user_model().objects.get(username=name)


# --- e-mail confirmation and the welcome credits ---------------------------------------------------


def test_it_grants_the_welcome_credits_only_after_the_address_is_confirmed():
    client = Client()
    assert signup(client, "ann").status_code == 302
    ann = user("ann")
    assert services.balance(ann) == 0
    page = client.get("/upload/").content.decode()
    assert 'id="confirm-reminder"' in page and "ann@example.test" in page
    response = confirm_signup_mail(client, "ann@example.test")
    assert "30 free credits were added" in response.content.decode()
    assert services.balance(ann) == 30
    assert list(LedgerEntry.objects.filter(user=ann).values_list("kind", "amount")) == [("grant", 30)]
    assert 'id="confirm-reminder"' not in client.get("/upload/").content.decode()
    again = confirm_signup_mail(client, "ann@example.test")  # the same link twice: nothing more
    assert "confirmed it already" in again.content.decode()
    assert services.balance(ann) == 30


def test_it_grants_once_per_address_whatever_the_spelling_or_account():
    first = Client()
    signup(first, "bob", "Bob.Smith+photos@gmail.com")
    confirm_signup_mail(first, "Bob.Smith+photos@gmail.com")
    second = Client()
    signup(second, "bob2", "bobsmith@googlemail.com")  # the same Gmail mailbox
    response = confirm_signup_mail(second, "bobsmith@googlemail.com")
    assert "already received the free credits" in response.content.decode()
    assert services.balance(user("bob")) == 30 and services.balance(user("bob2")) == 0
    assert WelcomeGrant.objects.count() == 1
    # The grant row holds a keyed digest, never the address.
    assert "bob" not in WelcomeGrant.objects.get().address_digest


def test_it_normalises_addresses_to_one_spelling_per_mailbox():
    norm = account_services.normalised_address
    assert norm(" J.Doe+shop@GoogleMail.com ") == "jdoe@gmail.com"
    assert norm("j.doe+news@example.org") == "j.doe@example.org"  # dots matter outside Gmail


def test_it_refuses_a_forged_or_expired_link(monkeypatch, settings):
    client = Client()
    signup(client, "cy")
    body = mail.outbox[-1].body
    link = re.search(r"https?://[^/\s]+(/accounts/confirm/\S+)", body).group(1)
    forged = link[:-3] + ("a" if link[-3] != "a" else "b") + link[-2:]
    assert client.get(forged).status_code == 400
    later = time.time() + settings.ACCOUNTS_CONFIRM_DAYS * 86400 + 60
    monkeypatch.setattr("django.core.signing.time.time", lambda: later)
    expired = client.get(link)
    assert expired.status_code == 400 and "expired" in expired.content.decode()
    assert services.balance(user("cy")) == 0


def test_it_leaves_staff_grants_and_purchases_alone_before_confirmation(monkeypatch):
    from photos import queue

    from .photos_support import make_upload

    monkeypatch.setattr(queue, "enqueue_order", lambda order_id: None)
    client = Client()
    signup(client, "dee")
    dee, staff = user("dee"), make_user("boss", staff=True)
    services.grant_credits(dee, 20, "goodwill", by=staff)
    _order, created = services.create_paid_order(dee, make_upload(dee), {"px_width": "413", "px_height": "531"}, 6, "k")
    assert created and services.balance(dee) == 14


def test_it_resends_the_link_at_most_once_a_minute():
    client = Client()
    signup(client, "eve")
    sent = len(mail.outbox)
    client.post("/accounts/confirm-again/", {"next": "https://elsewhere.example/"})
    assert len(mail.outbox) == sent  # too soon
    account_services.EmailConfirmation.objects.update(sent=None)
    response = client.post("/accounts/confirm-again/", {"next": "https://elsewhere.example/"})
    assert len(mail.outbox) == sent + 1
    assert response["Location"] == "/upload/"  # never redirects off the site


# --- mails through a real SMTP server ---------------------------------------------------------------


class Inbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append((envelope.rcpt_tos, message_from_bytes(envelope.content)))
        return "250 Message accepted for delivery"

    def wait_for(self, count, seconds=10):
        deadline = time.monotonic() + seconds
        while len(self.messages) < count and time.monotonic() < deadline:
            time.sleep(0.05)
        assert len(self.messages) >= count, self.messages
        recipients, message = self.messages[count - 1]
        return recipients, message.get_payload(decode=True).decode()


@pytest.fixture
def smtp_inbox(settings):
    """aiosmtpd listening on 127.0.0.1, and Django's SMTP backend pointed at it."""
    controller_module = pytest.importorskip("aiosmtpd.controller", reason="aiosmtpd is in requirements/test.txt")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    inbox = Inbox()
    controller = controller_module.Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_USE_TLS = "127.0.0.1", port, False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    yield inbox
    controller.stop()


def test_it_sends_the_confirmation_and_the_password_reset_over_smtp(smtp_inbox):
    client = Client()
    signup(client, "fay", "fay@example.test")
    recipients, body = smtp_inbox.wait_for(1)
    assert recipients == ["fay@example.test"]
    client.get(re.search(r"https?://[^/\s]+(/accounts/confirm/\S+)", body).group(1))
    assert services.balance(user("fay")) == 30
    client.post("/accounts/logout/")

    client.post("/accounts/password-reset/", {"email": "fay@example.test"})
    recipients, body = smtp_inbox.wait_for(2)
    assert recipients == ["fay@example.test"]
    reset = client.get(re.search(r"https?://[^/\s]+(/accounts/reset/\S+)", body).group(1), follow=True)
    done = client.post(
        reset.redirect_chain[-1][0], {"new_password1": "Brand-New-77x", "new_password2": "Brand-New-77x"}, follow=True
    )
    assert "Password saved" in done.content.decode()
    assert login(Client(), "fay", "Brand-New-77x").status_code == 302


# --- login throttling (django-axes) -----------------------------------------------------------------


def test_it_locks_an_account_after_failed_logins_from_any_address_and_says_until_when():
    make_user("gil")
    for address in ("10.0.0.1", "10.0.0.2"):  # one guess from each of three addresses
        assert login(Client(), "gil", "wrong", address).status_code == 200
    assert login(Client(), "gil", "wrong", "10.0.0.3").status_code == 429  # the third locks at once
    locked = login(Client(), "gil", PASSWORD, "10.0.0.4")  # even the right password, from a fourth
    html = locked.content.decode()
    assert locked.status_code == 429
    assert "Too many failed logins" in html and re.search(r"until \d\d:\d\d UTC", html)
    assert "/accounts/password-reset/" in html
    make_user("hal")
    assert login(Client(), "hal", PASSWORD, "10.0.0.4").status_code == 302  # other accounts are fine


def test_it_locks_an_address_that_guesses_many_accounts():
    for name in ("ida", "jon", "kim", "lou"):
        make_user(name)
    for name in ("ida", "jon", "kim"):
        login(Client(), name, "wrong", "10.9.9.9")
    assert login(Client(), "lou", PASSWORD, "10.9.9.9").status_code == 429
    assert login(Client(), "lou", PASSWORD, "10.1.1.1").status_code == 302


def test_it_lets_a_locked_out_user_reset_the_password_and_log_in(mailoutbox):
    make_user("max")
    for _ in range(3):
        login(Client(), "max", "wrong", "10.0.0.7")
    assert login(Client(), "max", PASSWORD, "10.0.0.8").status_code == 429
    client = Client(REMOTE_ADDR="10.0.0.8")
    client.post("/accounts/password-reset/", {"email": "max@example.test"})
    link = re.search(r"https?://[^/\s]+(/accounts/reset/\S+)", mailoutbox[-1].body).group(1)
    form = client.get(link, follow=True)
    client.post(form.redirect_chain[-1][0], {"new_password1": "Other-Pass-55y", "new_password2": "Other-Pass-55y"})
    assert login(Client(), "max", "Other-Pass-55y", "10.0.0.8").status_code == 302


def test_it_lets_staff_see_and_unlock_a_locked_account():
    make_user("ned")
    staff = make_user("root", staff=True)
    for _ in range(3):
        login(Client(), "ned", "wrong", "10.0.0.9")
    assert login(Client(), "ned", PASSWORD, "10.0.0.10").status_code == 429
    desk = Client()
    desk.force_login(staff)
    page = desk.get("/staff/lockouts/").content.decode()
    assert "ned" in page and "10.0.0.9" in page
    assert Client().get("/staff/lockouts/").status_code == 302  # staff only
    desk.post("/staff/lockouts/unlock/", {"username": "ned"})
    assert login(Client(), "ned", PASSWORD, "10.0.0.10").status_code == 302


# --- sign-up throttling -----------------------------------------------------------------------------


def test_it_limits_sign_ups_per_address_and_says_when_to_retry(settings):
    settings.ACCOUNTS_SIGNUPS_PER_HOUR = 2
    for name in ("ola", "pam"):
        assert signup(Client(), name, REMOTE_ADDR="10.5.5.5").status_code == 302
    refused = signup(Client(), "quinn", REMOTE_ADDR="10.5.5.5")
    assert refused.status_code == 429
    assert re.search(r"try again after \d\d:\d\d UTC", refused.content.decode())
    assert not get_user_model().objects.filter(username="quinn").exists()
    assert signup(Client(), "quinn", REMOTE_ADDR="10.6.6.6").status_code == 302


def test_it_reads_the_client_address_behind_a_trusted_proxy(settings, rf):
    from accounts.throttle import client_address

    request = rf.get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.9")
    settings.TRUSTED_PROXY_COUNT = 0
    assert client_address(request) == "10.0.0.1"
    settings.TRUSTED_PROXY_COUNT = 1  # the proxy appended the real client; the left entry is the client's word
    assert client_address(request) == "203.0.113.9"
