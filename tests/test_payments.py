"""Buying credits with Stripe Checkout against a fake Stripe on 127.0.0.1, webhooks signed the real way.

Actors: a customer (`ann`, with the signup grant), another customer (`bob`) and a staff member (`sam`).
"""

import json
import threading
import time

import pytest
from django.core import mail
from django.core.exceptions import ImproperlyConfigured
from django.db import connection, connections
from django.test import Client

from payments.models import PaymentLog, Purchase
from photos import queue, services
from photos.models import LedgerEntry

from .payments_support import (
    SECRET_KEY,
    WEBHOOK_SECRET,
    FakeStripe,
    charge_refunded,
    deliver,
    dispute_created,
    event,
    post_webhook,
    session_event,
    sign,
)
from .photos_support import PASSWORD, make_upload, make_user
from .test_photos_services import PARAMS, assert_books_balance
from .test_settings import load


@pytest.fixture
def fake_stripe(settings):
    fake = FakeStripe()
    settings.STRIPE_SECRET_KEY = SECRET_KEY
    settings.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET
    settings.STRIPE_API_BASE = fake.url
    settings.SITE_URL = "http://testserver"
    yield fake
    fake.stop()


@pytest.fixture
def ann(settings):
    settings.PHOTOS_SIGNUP_CREDITS = 30
    user = make_user("ann")
    services.welcome(user)
    return user


def logged_in(user):
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


def buy(client, fake, pack="100"):
    """POST the buy form; returns (purchase, the session the fake Stripe holds)."""
    response = client.post("/credits/buy/", {"pack": pack})
    assert response.status_code == 303, response.content[:500]
    purchase = Purchase.objects.latest("id")
    assert response["Location"] == fake.sessions[purchase.session_id]["url"]
    return purchase, fake.sessions[purchase.session_id]


def paid(client, fake, pack="100"):
    purchase, session = buy(client, fake, pack)
    return purchase, fake.pay(session["id"])


def purchase_rows(user):
    return list(LedgerEntry.objects.filter(user=user, kind__in=["purchase", "reversal"]).values_list("kind", "amount"))


# --- settings ------------------------------------------------------------------------------------


def test_it_has_default_packs_and_parses_the_packs_variable(monkeypatch, tmp_path):
    conf = load(monkeypatch, tmp_path)
    assert conf["PHOTOS_CREDIT_PACKS"][0] == {"id": "30", "credits": 30, "amount": 499, "currency": "usd"}
    assert conf["STRIPE_SECRET_KEY"] == "" and conf["STRIPE_API_BASE"] == ""
    conf = load(monkeypatch, tmp_path, PHOTOS_CREDIT_PACKS="50:9:EUR, 500:1200:jpy")
    assert conf["PHOTOS_CREDIT_PACKS"] == [
        {"id": "50", "credits": 50, "amount": 900, "currency": "eur"},
        {"id": "500", "credits": 500, "amount": 1200, "currency": "jpy"},
    ]


@pytest.mark.parametrize("value", ["30:abc:usd", "30:4.999:usd", "0:5:usd", "30:5:dollars", "30:-1:usd", "30:5",
                                   "30:5:usd,30:9:eur", "12.5:1:usd", ",", "30:5.5:jpy", "30:nan:usd"])
def test_it_refuses_bad_credit_packs_naming_the_variable(monkeypatch, tmp_path, value):
    with pytest.raises(ImproperlyConfigured, match=r"^PHOTOS_CREDIT_PACKS "):
        load(monkeypatch, tmp_path, PHOTOS_CREDIT_PACKS=value)


@pytest.mark.parametrize(
    "env,name",
    [
        ({"STRIPE_SECRET_KEY": "pk_live_publishable", "STRIPE_WEBHOOK_SECRET": "whsec_x"}, "STRIPE_SECRET_KEY"),
        ({"STRIPE_SECRET_KEY": "sk_test_x"}, "STRIPE_WEBHOOK_SECRET"),
        ({"STRIPE_SECRET_KEY": "sk_test_x", "STRIPE_WEBHOOK_SECRET": "secret"}, "STRIPE_WEBHOOK_SECRET"),
        ({"STRIPE_API_BASE": "localhost:12111"}, "STRIPE_API_BASE"),
    ],
)
def test_it_refuses_bad_stripe_settings_naming_the_variable(monkeypatch, tmp_path, env, name):
    with pytest.raises(ImproperlyConfigured, match=rf"^{name} must"):
        load(monkeypatch, tmp_path, **env)
    good = load(monkeypatch, tmp_path, STRIPE_SECRET_KEY="sk_test_x", STRIPE_WEBHOOK_SECRET="whsec_y",
                STRIPE_API_BASE="http://127.0.0.1:12111/")
    assert good["STRIPE_API_BASE"] == "http://127.0.0.1:12111"


# --- without a key -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_it_says_purchases_are_not_configured_without_a_key(settings, ann):
    settings.STRIPE_SECRET_KEY = settings.STRIPE_WEBHOOK_SECRET = ""
    client = logged_in(ann)
    page = client.get("/credits/buy/").content.decode()
    assert "Purchases are not configured on this site" in page and "/staff/credits/" in page
    assert 'name="pack"' not in page
    response = client.post("/credits/buy/", {"pack": "30"})
    assert response.status_code == 400 and b"not set up" in response.content
    assert not Purchase.objects.exists()
    assert client.post("/payments/stripe/webhook/", data="{}", content_type="application/json").status_code == 404
    assert services.balance(ann) == 30


@pytest.mark.django_db
def test_it_shows_what_a_photo_costs_in_money_and_links_to_buying(client, settings, ann, monkeypatch):
    monkeypatch.setattr(queue, "enqueue_order", lambda order_id: None)
    settings.PHOTOS_CREDIT_PACKS = [{"id": "30", "credits": 30, "amount": 500, "currency": "eur"}]
    for page in ("/", "/accounts/signup/"):
        html = client.get(page).content.decode()
        assert "6 credits, from 1.00 EUR" in html and 'href="/credits/buy/"' in html
    upload = make_upload(ann)
    services.create_paid_order(ann, upload, PARAMS, 25, "spend-most")  # 5 credits left
    text = logged_in(ann).post(f"/u/{upload.code}/confirm/", PARAMS).content.decode()
    assert "You need 6 credits (from 1.00 EUR) and have 5." in text
    assert 'href="/credits/buy/" id="buy-credits-link"' in text


# --- buying --------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_it_opens_a_checkout_session_for_the_pack_and_answers_303(fake_stripe, ann):
    client = logged_in(ann)
    page = client.get("/credits/buy/").content.decode()
    assert "Buy 100 credits for 14.99 USD" in page and page.count('name="pack"') == 3
    purchase, _session = buy(client, fake_stripe, "100")
    method, path, form = fake_stripe.requests[-1]
    assert (method, path, form["mode"]) == ("POST", "/v1/checkout/sessions", "payment")
    item = form["line_items"][0]
    assert item["quantity"] == "1"
    assert item["price_data"]["currency"] == "usd" and item["price_data"]["unit_amount"] == "1499"
    assert item["price_data"]["product_data"]["name"] == "100 idphoto credits"
    assert form["client_reference_id"] == str(purchase.code)
    assert form["metadata"] == {"purchase": str(purchase.code), "user": str(ann.pk), "pack": "100"}
    assert form["customer_email"] == "ann@example.test"
    assert form["success_url"] == f"http://testserver/credits/purchases/{purchase.code}/?session_id={{CHECKOUT_SESSION_ID}}"
    assert form["cancel_url"] == "http://testserver/credits/buy/?cancelled=1"
    assert (purchase.status, purchase.credits, purchase.amount, purchase.currency) == ("open", 100, 1499, "usd")
    assert services.balance(ann) == 30  # nothing until Stripe says it is paid
    assert b"Nothing was charged" in client.get("/credits/buy/?cancelled=1").content


@pytest.mark.django_db
def test_it_lets_the_buy_form_redirect_to_checkout_under_the_sites_csp(fake_stripe, settings, ann):
    pytest.importorskip("csp")
    if "csp.middleware.CSPMiddleware" not in settings.MIDDLEWARE:
        settings.MIDDLEWARE = [*settings.MIDDLEWARE, "csp.middleware.CSPMiddleware"]
        settings.CONTENT_SECURITY_POLICY = {"DIRECTIVES": {"default-src": ["'self'"], "form-action": ["'self'"]}}
    policy = logged_in(ann).get("/credits/buy/")["Content-Security-Policy"]
    form_action = next(part.split()[1:] for part in policy.split(";") if part.split()[0] == "form-action")
    assert form_action == ["'self'", fake_stripe.url]
    settings.STRIPE_API_BASE = ""
    policy = logged_in(ann).get("/credits/buy/")["Content-Security-Policy"]
    assert "form-action 'self' https://checkout.stripe.com" in policy


@pytest.mark.django_db
def test_it_refuses_an_unknown_pack_and_survives_stripe_being_down(fake_stripe, settings, ann):
    client = logged_in(ann)
    response = client.post("/credits/buy/", {"pack": "7"})
    assert response.status_code == 400 and b"not on sale" in response.content
    assert not fake_stripe.requests and not Purchase.objects.exists()
    settings.STRIPE_API_BASE = "http://127.0.0.1:9"  # nothing listens there
    response = client.post("/credits/buy/", {"pack": "30"})
    assert response.status_code == 400 and b"did not answer" in response.content
    assert Purchase.objects.get().status == "failed"
    assert client.get("/credits/purchases/").status_code == 200


# --- the webhook ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_it_grants_a_paid_session_once_and_ignores_replays(fake_stripe, ann):
    client = logged_in(ann)
    purchase, session = paid(client, fake_stripe)
    body = json.dumps(session_event(session))
    signature = sign(body)
    response = post_webhook(Client(), body, signature)
    assert response.status_code == 200 and response.content == b"granted 100 credits"
    assert services.balance(ann) == 130
    # The same delivery again (Stripe retries), and the same session in new events: nothing more.
    assert post_webhook(Client(), body, signature).content == b"duplicate"
    assert deliver(Client(), session_event(session)).content == b"already paid, nothing granted"
    assert deliver(Client(), session_event(session, "checkout.session.async_payment_succeeded")).status_code == 200
    assert services.balance(ann) == 130
    assert purchase_rows(ann) == [("purchase", 100)]
    assert LedgerEntry.objects.get(kind="purchase").reference == session["id"]
    purchase.refresh_from_db()
    assert purchase.status == "paid" and purchase.payment_intent == session["payment_intent"]
    assert_books_balance(ann)
    # The receipt: one e-mail, with the pack, the amount and a link to the receipt page.
    assert len(mail.outbox) == 1
    receipt = mail.outbox[0]
    assert receipt.to == ["ann@example.test"] and "100 credits" in receipt.subject
    assert "14.99 USD" in receipt.body and f"http://testserver/credits/purchases/{purchase.code}/" in receipt.body


@pytest.mark.django_db
def test_it_refuses_bad_missing_and_stale_signatures(fake_stripe, ann):
    _purchase, session = paid(logged_in(ann), fake_stripe)
    body = json.dumps(session_event(session))
    now = int(time.time())
    refused = [
        sign(body, secret="whsec_someone_else"),
        sign(body.replace('"paid"', '"paid" '), timestamp=now)[:-1] + "0",
        sign(body, timestamp=now - 301),  # older than the library's 300 s tolerance
        "t=not-a-time,v1=abc",
        "",
    ]
    for signature in refused:
        assert post_webhook(Client(), body, signature).status_code == 400, signature
    tampered = body.replace('"amount_total": 1499', '"amount_total": 1')
    assert post_webhook(Client(), tampered, sign(body)).status_code == 400
    assert services.balance(ann) == 30 and not PaymentLog.objects.exists()
    assert post_webhook(Client(), body, sign(body, timestamp=now - 250)).status_code == 200  # within tolerance
    assert services.balance(ann) == 130


@pytest.mark.django_db
@pytest.mark.parametrize("changes", [{"amount_total": 1}, {"currency": "eur"}])
def test_it_grants_nothing_for_a_wrong_amount_and_tells_staff(fake_stripe, ann, changes):
    make_user("sam", staff=True)
    purchase, session = paid(logged_in(ann), fake_stripe)
    response = deliver(Client(), session_event(session, **changes))
    assert response.status_code == 200 and response.content == b"amount mismatch, nothing granted, staff told"
    assert services.balance(ann) == 30 and purchase_rows(ann) == []
    purchase.refresh_from_db()
    assert purchase.status == "mismatch" and "14.99 USD" in purchase.problem
    assert [m.to for m in mail.outbox] == [["sam@example.test"]]
    assert "does not match" in mail.outbox[0].subject and str(purchase.code) in mail.outbox[0].body
    # The right amount arriving later for the same session grants nothing either: staff decide.
    deliver(Client(), session_event(session))
    assert services.balance(ann) == 30
    assert b"does not match this pack" in logged_in(ann).get(f"/credits/purchases/{purchase.code}/").content


@pytest.mark.django_db
def test_it_answers_200_and_changes_nothing_for_unknown_events_and_sessions(fake_stripe, ann):
    purchase, session = paid(logged_in(ann), fake_stripe)
    response = deliver(Client(), event("customer.created", {"id": "cus_1", "object": "customer"}))
    assert response.status_code == 200 and response.content == b"ignored"
    stranger = {**session, "id": "cs_test_not_ours"}
    assert deliver(Client(), session_event(stranger)).content == b"not a session of this site"
    assert deliver(Client(), charge_refunded("pi_not_ours")).content == b"no purchase with this payment"
    assert services.balance(ann) == 30
    purchase.refresh_from_db()
    assert purchase.status == "open"
    assert not PaymentLog.objects.filter(kind="customer.created").exists()


@pytest.mark.django_db
def test_it_waits_for_delayed_payments_and_handles_their_outcome(fake_stripe, ann):
    client = logged_in(ann)
    slow, session = buy(client, fake_stripe, "30")
    fake_stripe.pay(session["id"], payment_status="unpaid")  # e.g. a bank debit: completed, not yet paid
    assert deliver(Client(), session_event(session)).content == b"completed, payment still processing"
    slow.refresh_from_db()
    assert slow.status == "processing" and services.balance(ann) == 30
    assert b"still processing" in client.get(f"/credits/purchases/{slow.code}/").content
    done = deliver(Client(), session_event(session, "checkout.session.async_payment_succeeded", payment_status="paid"))
    assert done.content == b"granted 30 credits" and services.balance(ann) == 60

    failing, other = buy(client, fake_stripe, "100")
    fake_stripe.pay(other["id"], payment_status="unpaid")
    deliver(Client(), session_event(other))
    outcome = deliver(Client(), session_event(other, "checkout.session.async_payment_failed"))
    assert outcome.content == b"payment failed, nothing granted"
    failing.refresh_from_db()
    assert failing.status == "failed" and services.balance(ann) == 60
    assert purchase_rows(ann) == [("purchase", 30)]
    assert b"no credits were added" in client.get(f"/credits/purchases/{failing.code}/").content

    abandoned, third = buy(client, fake_stripe, "30")
    assert deliver(Client(), session_event(third, "checkout.session.expired", status="expired")).content == (
        b"checkout expired"
    )
    abandoned.refresh_from_db()
    assert abandoned.status == "expired" and services.balance(ann) == 60


@pytest.mark.django_db
def test_it_takes_back_the_unspent_part_when_stripe_refunds_or_a_dispute_opens(fake_stripe, ann, monkeypatch):
    monkeypatch.setattr(queue, "enqueue_order", lambda order_id: None)
    client = logged_in(ann)
    purchase, session = paid(client, fake_stripe, "30")
    deliver(Client(), session_event(session))
    assert services.balance(ann) == 60
    services.create_paid_order(ann, make_upload(ann), PARAMS, 48, "big-order")  # 12 credits left
    outcome = deliver(Client(), charge_refunded(session["payment_intent"]))
    assert outcome.content == b"refunded: 12 credits taken back, 18 already spent"
    assert services.balance(ann) == 0  # never negative
    purchase.refresh_from_db()
    assert (purchase.status, purchase.credits_removed, purchase.credits_kept) == ("refunded", 12, 18)
    # A dispute or a second refund event later for the same payment takes nothing more.
    assert b"already refunded" in deliver(Client(), dispute_created(session["payment_intent"])).content
    assert services.balance(ann) == 0 and purchase_rows(ann) == [("reversal", -12), ("purchase", 30)]
    audit = list(PaymentLog.objects.filter(purchase=purchase).order_by("id").values_list("kind", "note"))
    assert [kind for kind, _ in audit] == ["checkout.session.completed", "charge.refunded", "charge.dispute.created"]
    assert "12 credits taken back" in audit[1][1]
    assert_books_balance(ann)

    make_user("sam", staff=True)
    _disputed, other = paid(client, fake_stripe, "100")
    deliver(Client(), session_event(other))
    mail.outbox.clear()
    assert services.balance(ann) == 100
    outcome = deliver(Client(), dispute_created(other["payment_intent"]))
    assert outcome.content == b"disputed: 100 credits taken back, 0 already spent"
    assert services.balance(ann) == 0
    assert [m.to for m in mail.outbox] == [["sam@example.test"]] and "disputed" in mail.outbox[0].subject
    assert_books_balance(ann)


@pytest.mark.django_db
def test_it_shows_waiting_on_the_success_page_and_never_grants_there(fake_stripe, ann):
    client = logged_in(ann)
    purchase, session = paid(client, fake_stripe, "30")
    page = client.get(f"/credits/purchases/{purchase.code}/?session_id={session['id']}").content.decode()
    assert "Payment received, waiting for confirmation" in page
    assert f'hx-get="/credits/purchases/{purchase.code}/status/"' in page and 'hx-trigger="every 2s"' in page
    assert ("GET", f"/v1/checkout/sessions/{session['id']}", {}) in fake_stripe.requests
    fragment = client.get(f"/credits/purchases/{purchase.code}/status/").content.decode()
    assert "waiting for confirmation" in fragment and 'hx-trigger="every 2s"' in fragment
    assert services.balance(ann) == 30 and purchase_rows(ann) == []

    deliver(Client(), session_event(session))
    fragment = client.get(f"/credits/purchases/{purchase.code}/status/").content.decode()
    assert "30 credits were added to your account" in fragment and "hx-trigger" not in fragment
    assert 'id="header-credits"' in fragment and 'hx-swap-oob="true"' in fragment and "60 credits" in fragment
    assert "hx-swap-oob" not in client.get(f"/credits/purchases/{purchase.code}/").content.decode()

    unpaid, open_session = buy(client, fake_stripe, "30")
    page = client.get(f"/credits/purchases/{unpaid.code}/").content.decode()
    assert "The payment is not finished yet" in page and open_session["url"] in page


@pytest.mark.django_db
def test_it_lists_purchases_with_receipts_for_their_owner_only(fake_stripe, ann):
    client = logged_in(ann)
    purchase, session = paid(client, fake_stripe, "100")
    deliver(Client(), session_event(session))
    buy(client, fake_stripe, "30")
    page = client.get("/credits/purchases/").content.decode()
    assert page.count("<tr>") == 3  # the header and two purchases
    assert "14.99 USD" in page and "4.99 USD" in page and "Paid" in page and "Not confirmed yet" in page
    assert f'href="/credits/purchases/{purchase.code}/"' in page
    receipt = client.get(f"/credits/purchases/{purchase.code}/").content.decode()
    assert "14.99 USD" in receipt and str(purchase.code) in receipt and "100 credits were added" in receipt
    bob = logged_in(make_user("bob"))
    assert bob.get(f"/credits/purchases/{purchase.code}/").status_code == 404
    assert bob.get(f"/credits/purchases/{purchase.code}/status/").status_code == 404
    assert "No purchases yet" in bob.get("/credits/purchases/").content.decode()
    my_page = client.get("/my/").content.decode()
    assert "My purchases" in my_page and "Bought 100 credits" in my_page


# --- staff ---------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_it_lets_staff_refund_through_the_refund_api(fake_stripe, ann, monkeypatch):
    monkeypatch.setattr(queue, "enqueue_order", lambda order_id: None)
    purchase, session = paid(logged_in(ann), fake_stripe, "30")
    deliver(Client(), session_event(session))
    services.create_paid_order(ann, make_upload(ann), PARAMS, 40, "spend")  # 20 left
    sam = make_user("sam", staff=True)
    staff = logged_in(sam)
    listing = staff.get("/staff/purchases/").content.decode()
    assert "4.99 USD" in listing and f"/staff/purchases/{purchase.code}/refund/" in listing
    assert logged_in(ann).post(f"/staff/purchases/{purchase.code}/refund/").status_code == 302  # to the login
    assert logged_in(ann).get("/staff/purchases/").status_code == 302
    assert not fake_stripe.refunds

    response = staff.post(f"/staff/purchases/{purchase.code}/refund/", {"confirm": "on"}, follow=True)
    assert "20 credits were taken back; 10 had already been spent" in response.content.decode()
    (refund,) = fake_stripe.refunds.values()
    assert refund["payment_intent"] == session["payment_intent"] and refund["amount"] == 499
    assert services.balance(ann) == 0
    purchase.refresh_from_db()
    assert (purchase.status, purchase.credits_removed) == ("refunded", 20)
    log = PaymentLog.objects.get(kind="staff.refund")
    assert log.staff == sam and log.purchase == purchase and refund["id"] in log.note
    # Stripe's own charge.refunded event follows: already done, nothing more taken.
    assert b"already refunded" in deliver(Client(), charge_refunded(session["payment_intent"])).content
    again = staff.post(f"/staff/purchases/{purchase.code}/refund/", {"confirm": "on"}, follow=True)
    assert "Only a paid purchase can be refunded" in again.content.decode()
    assert len(fake_stripe.refunds) == 1 and purchase_rows(ann) == [("reversal", -20), ("purchase", 30)]
    assert "20 taken back, 10 already spent" in staff.get(f"/staff/purchases/?q={purchase.code}").content.decode()
    assert_books_balance(ann)


@pytest.mark.django_db
def test_it_keeps_the_credits_when_stripe_refuses_a_refund(fake_stripe, ann):
    purchase, session = paid(logged_in(ann), fake_stripe, "30")
    deliver(Client(), session_event(session))
    Purchase.objects.filter(pk=purchase.pk).update(payment_intent="pi_unknown_to_stripe")
    staff = logged_in(make_user("sam", staff=True))
    response = staff.post(f"/staff/purchases/{purchase.code}/refund/", {"confirm": "on"}, follow=True)
    assert "Stripe refused the refund" in response.content.decode()
    purchase.refresh_from_db()
    assert purchase.status == "paid" and services.balance(ann) == 60
    assert not fake_stripe.refunds and not PaymentLog.objects.filter(kind="staff.refund").exists()


# --- concurrency (also run on PostgreSQL by tests/test_scaleout.py) -----------------------------


def _race(bodies):
    barrier = threading.Barrier(len(bodies))
    answers = []

    def post(body):
        try:
            barrier.wait()
            answers.append(post_webhook(Client(), body, sign(body)).status_code)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=post, args=(body,)) for body in bodies]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return answers


@pytest.mark.django_db(transaction=True)
def test_it_grants_once_when_ten_deliveries_of_one_event_race(fake_stripe, ann):
    _purchase, session = paid(logged_in(ann), fake_stripe, "100")
    body = json.dumps(session_event(session))
    assert _race([body] * 10) == [200] * 10
    assert services.balance(ann) == 130 and purchase_rows(ann) == [("purchase", 100)]
    assert PaymentLog.objects.count() == 1 and len(mail.outbox) == 1
    assert_books_balance(ann)
    connection.close()


@pytest.mark.django_db(transaction=True)
def test_it_grants_once_when_different_events_for_one_session_race(fake_stripe, ann):
    _purchase, session = paid(logged_in(ann), fake_stripe, "100")
    events = [session_event(session) for _ in range(5)]
    events += [session_event(session, "checkout.session.async_payment_succeeded") for _ in range(5)]
    assert _race([json.dumps(e) for e in events]) == [200] * 10
    assert services.balance(ann) == 130 and purchase_rows(ann) == [("purchase", 100)]
    assert PaymentLog.objects.count() == 10 and len(mail.outbox) == 1
    assert_books_balance(ann)
    connection.close()
