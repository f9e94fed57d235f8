"""A fake Stripe for the payment tests: an HTTP server on 127.0.0.1 speaking the few form-encoded endpoints
the app calls (Checkout Sessions, Refunds) plus a hosted "checkout page", and webhooks signed with Stripe's
real scheme (t=<unix time>,v1=HMAC-SHA256(secret, "<t>.<payload>")) written here independently of the library.
"""

import hashlib
import hmac
import itertools
import json
import re
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit

SECRET_KEY = "sk_test_fake_0123456789"
WEBHOOK_SECRET = "whsec_test_fake_0123456789"


def unflatten(pairs):
    """Stripe's form encoding (line_items[0][price_data][currency]=usd) back into dicts and lists."""
    root = {}
    for key, value in pairs:
        parts = re.findall(r"[^\[\]]+", key)
        node = root
        for part, _following in itertools.pairwise(parts):
            node = node.setdefault(part, {})
        node[parts[-1]] = value

    def lists(node):
        if not isinstance(node, dict):
            return node
        if node and all(k.isdigit() for k in node):
            return [lists(node[k]) for k in sorted(node, key=int)]
        return {k: lists(v) for k, v in node.items()}

    return lists(root)


class FakeStripe:
    def __init__(self):
        self.sessions, self.refunds, self.requests = {}, {}, []
        self._by_key = {}
        self._lock = threading.Lock()
        handler = type("Handler", (_Handler,), {"fake": self})
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self):
        self.server.shutdown()
        self.server.server_close()

    # --- API ---

    def create_session(self, form, idempotency_key):
        with self._lock:
            if idempotency_key and idempotency_key in self._by_key:
                return self._by_key[idempotency_key]
            item = form["line_items"][0]
            session_id = f"cs_test_{uuid.uuid4().hex}"
            session = {
                "id": session_id,
                "object": "checkout.session",
                "mode": form["mode"],
                "status": "open",
                "payment_status": "unpaid",
                "amount_total": int(item["price_data"]["unit_amount"]) * int(item["quantity"]),
                "currency": item["price_data"]["currency"],
                "client_reference_id": form.get("client_reference_id"),
                "metadata": form.get("metadata", {}),
                "customer_email": form.get("customer_email"),
                "success_url": form["success_url"],
                "cancel_url": form["cancel_url"],
                "payment_intent": None,
                "url": f"{self.url}/pay/{session_id}",
                "line_items_sent": form["line_items"],
            }
            self.sessions[session_id] = session
            if idempotency_key:
                self._by_key[idempotency_key] = session
            return session

    def pay(self, session_id, payment_status="paid"):
        """What the customer finishing the hosted page does to the session."""
        session = self.sessions[session_id]
        session.update(status="complete", payment_status=payment_status)
        session["payment_intent"] = session["payment_intent"] or f"pi_{uuid.uuid4().hex[:24]}"
        return session

    def create_refund(self, form, idempotency_key):
        with self._lock:
            if idempotency_key and idempotency_key in self._by_key:
                return 200, self._by_key[idempotency_key]
            paid = [s for s in self.sessions.values() if s["payment_intent"] == form.get("payment_intent")]
            if not paid:
                return 400, {"error": {"type": "invalid_request_error", "message": "No such payment_intent"}}
            refund = {"id": f"re_{uuid.uuid4().hex[:24]}", "object": "refund", "status": "succeeded",
                      "amount": paid[0]["amount_total"], "payment_intent": form["payment_intent"]}
            self.refunds[refund["id"]] = refund
            if idempotency_key:
                self._by_key[idempotency_key] = refund
            return 200, refund


class _Handler(BaseHTTPRequestHandler):
    fake = None

    def log_message(self, *args):
        pass

    def _reply(self, status, body, content_type="application/json", headers=()):
        data = body if isinstance(body, bytes) else json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        for name, value in headers:
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    def _form(self):
        length = int(self.headers.get("Content-Length") or 0)
        return unflatten(parse_qsl(self.rfile.read(length).decode(), keep_blank_values=True))

    def _authorised(self):
        if self.headers.get("Authorization") != f"Bearer {SECRET_KEY}":
            self._reply(401, {"error": {"type": "invalid_request_error", "message": "Invalid API Key provided"}})
            return False
        return True

    def do_POST(self):
        path = urlsplit(self.path).path
        if path.startswith("/pay/"):
            session = self.fake.pay(path.rsplit("/", 1)[1])
            self._form()
            target = session["success_url"].replace("{CHECKOUT_SESSION_ID}", session["id"])
            return self._reply(303, b"", "text/plain", [("Location", target)])
        if not self._authorised():
            return None
        form, key = self._form(), self.headers.get("Idempotency-Key")
        self.fake.requests.append(("POST", path, form))
        if path == "/v1/checkout/sessions":
            return self._reply(200, self.fake.create_session(form, key))
        if path == "/v1/refunds":
            return self._reply(*self.fake.create_refund(form, key))
        return self._reply(404, {"error": {"type": "invalid_request_error", "message": f"Unrecognized {path}"}})

    def do_GET(self):
        path = urlsplit(self.path).path
        if path.startswith("/pay/"):
            session = self.fake.sessions.get(path.rsplit("/", 1)[1])
            if session is None:
                return self._reply(404, b"no such session", "text/plain")
            page = (
                "<!doctype html><html lang=en><title>Fake checkout</title><main><h1>Fake checkout</h1>"
                f"<p id=amount>{session['amount_total']} {session['currency']}</p>"
                f"<form method=post action='/pay/{session['id']}'><button id=pay>Pay</button></form></main></html>"
            )
            return self._reply(200, page.encode(), "text/html")
        if not self._authorised():
            return None
        self.fake.requests.append(("GET", path, {}))
        match = re.fullmatch(r"/v1/checkout/sessions/([\w-]+)", path)
        if match and match.group(1) in self.fake.sessions:
            return self._reply(200, self.fake.sessions[match.group(1)])
        return self._reply(404, {"error": {"type": "invalid_request_error", "message": "No such checkout session"}})


# --- webhooks ------------------------------------------------------------------------------------


def sign(payload, secret=WEBHOOK_SECRET, timestamp=None):
    """The Stripe-Signature header for a payload, computed the way Stripe documents it."""
    timestamp = int(time.time()) if timestamp is None else int(timestamp)
    digest = hmac.new(secret.encode(), f"{timestamp}.{payload}".encode(), hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def event(kind, obj, event_id=None):
    return {
        "id": event_id or f"evt_{uuid.uuid4().hex[:24]}",
        "object": "event",
        "type": kind,
        "created": int(time.time()),
        "livemode": False,
        "api_version": "2024-06-20",
        "data": {"object": obj},
    }


def session_event(session, kind="checkout.session.completed", **changes):
    obj = {k: v for k, v in session.items() if k != "line_items_sent"}
    return event(kind, {**obj, **changes})


def charge_refunded(payment_intent):
    return event("charge.refunded", {"id": f"ch_{uuid.uuid4().hex[:20]}", "object": "charge",
                                     "payment_intent": payment_intent, "refunded": True})


def dispute_created(payment_intent):
    return event("charge.dispute.created", {"id": f"dp_{uuid.uuid4().hex[:20]}", "object": "dispute",
                                            "payment_intent": payment_intent, "reason": "fraudulent"})


def post_webhook(client, body, signature):
    return client.post("/payments/stripe/webhook/", data=body, content_type="application/json",
                       HTTP_STRIPE_SIGNATURE=signature)


def deliver(client, evt, secret=WEBHOOK_SECRET, timestamp=None):
    body = json.dumps(evt)
    return post_webhook(client, body, sign(body, secret, timestamp))
