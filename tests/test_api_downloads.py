"""image_url downloads against a local HTTP server: success, 404, >30 MB stream, redirects checked per hop."""

import httpx
import pytest

from api import fetch, services
from api.models import CreditEntry
from tests.api_support import (
    CREATE_URL,
    P11,
    LocalServer,
    auth,
    needs_engine,
    needs_p11,
    redirect_to,
    serve_bytes,
    serve_chunked,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def raw_key(settings):
    settings.IDPHOTO_RATE_LIMIT_PER_SECOND = 1000
    settings.IDPHOTO_URL_ALLOW_PRIVATE = True  # the test server listens on 127.0.0.1
    return services.create_api_key("downloads", credits=60)[1]


def create(client, raw, url, **fields):
    response = client.post(CREATE_URL, {"image_url": url, "sync": "1", **fields}, **auth(raw))
    assert response.status_code == 200, response.content
    return response.json()["data"]


@needs_engine
@needs_p11
def test_it_downloads_an_image_url_and_keeps_it_for_last_id(client, raw_key):
    with LocalServer({"/p11.jpg": serve_bytes(P11.read_bytes())}) as server:
        data = create(client, raw_key, server.url("/p11.jpg"))
    assert data["state"] == 1 and data["image_id"]
    again = create(client, raw_key, "", last_id=data["image_id"], preview="1")
    assert again["state"] == 1 and again["image_id"] == data["image_id"]
    assert server.requested == ["/p11.jpg"]


def test_it_reports_an_http_error_as_minus_3(client, raw_key):
    with LocalServer({}) as server:
        data = create(client, raw_key, server.url("/missing.jpg"))
    assert data["state"] == -3 and "HTTP 404" in data["state_detail"]


def test_it_stops_a_stream_over_30_mb_as_minus_5(client, raw_key):
    with LocalServer({"/big.jpg": serve_chunked(31 * 1024 * 1024)}) as server:
        data = create(client, raw_key, server.url("/big.jpg"))
    assert data["state"] == -5 and "30 MB" in data["state_detail"]
    assert CreditEntry.objects.filter(kind="spend").count() == 0


def test_it_refuses_a_declared_size_over_30_mb_without_reading_it(client, raw_key):
    def huge_header(handler, server):
        handler.send_response(200)
        handler.send_header("Content-Length", str(40 * 1024 * 1024))
        handler.end_headers()
        handler.wfile.write(b"\xff" * 1024)

    with LocalServer({"/huge.jpg": huge_header}) as server:
        data = create(client, raw_key, server.url("/huge.jpg"))
    assert data["state"] == -5


def test_it_checks_every_redirect_hop_and_refuses_loopback(client, raw_key, settings, monkeypatch):
    """The first hop is allowed (test server); once it has redirected, loopback is refused again."""
    real_refusal = fetch.address_refusal
    redirected = {"done": False}

    def refusal(ip, allow_private=None):
        return real_refusal(ip, allow_private=not redirected["done"])

    monkeypatch.setattr(fetch, "address_refusal", refusal)
    settings.IDPHOTO_URL_ALLOW_PRIVATE = False
    with LocalServer({}) as server:
        server.routes["/go"] = redirect_to(server.url("/secret"), on_serve=lambda: redirected.update(done=True))
        data = create(client, raw_key, server.url("/go"))
    assert data["state"] == -3 and "127.0.0.1 is a loopback address" in data["state_detail"]
    assert server.requested == ["/go"]  # the redirect target was never fetched


def test_it_refuses_a_redirect_to_the_metadata_address_even_when_private_is_allowed(client, raw_key):
    with LocalServer({}) as server:
        server.routes["/go"] = redirect_to("http://169.254.169.254/latest/meta-data/")
        data = create(client, raw_key, server.url("/go"))
    assert data["state"] == -3 and "metadata" in data["state_detail"]


def test_it_gives_up_after_five_redirects(client, raw_key):
    with LocalServer({}) as server:
        for hop in range(7):
            server.routes[f"/r{hop}"] = redirect_to(f"/r{hop + 1}")
        data = create(client, raw_key, server.url("/r0"))
    assert data["state"] == -3 and "more than 5" in data["state_detail"]
    assert server.requested == [f"/r{hop}" for hop in range(6)]


def test_it_times_out_a_slow_server_as_minus_3(client, raw_key, settings):
    import time

    settings.IDPHOTO_URL_TIMEOUT = 0.5

    def slow(handler, server):
        time.sleep(1.5)
        serve_bytes(b"late")(handler, server)

    with LocalServer({"/slow.jpg": slow}) as server:
        data = create(client, raw_key, server.url("/slow.jpg"))
    assert data["state"] == -3 and "timed out" in data["state_detail"]


def test_it_connects_to_the_address_it_checked_with_the_name_in_host_and_sni(monkeypatch, settings):
    """No second DNS lookup: the request goes to the checked IP; TLS still verifies the host name."""
    settings.IDPHOTO_URL_ALLOW_PRIVATE = False
    sent = []

    def fake_send(client, request, stream=False):
        sent.append(request)
        return httpx.Response(200, content=b"image bytes", request=request)

    monkeypatch.setattr(fetch, "resolve", lambda host, port: ["93.184.216.34"])
    monkeypatch.setattr(httpx.Client, "send", fake_send)
    assert fetch.download("https://photos.example.com/me.jpg?size=big") == b"image bytes"
    request = sent[0]
    assert str(request.url) == "https://93.184.216.34/me.jpg?size=big"
    assert request.headers["host"] == "photos.example.com"
    assert request.extensions["sni_hostname"] == "photos.example.com"


def test_it_refuses_a_host_with_one_private_record_among_public_ones(monkeypatch, settings):
    settings.IDPHOTO_URL_ALLOW_PRIVATE = False
    monkeypatch.setattr(fetch, "resolve", lambda host, port: ["93.184.216.34", "127.0.0.1"])
    with pytest.raises(fetch.RefusedAddress, match="127.0.0.1 is a loopback address"):
        fetch.download("http://rebind.example.com/a.jpg")


@pytest.fixture
def tls_pair(tmp_path):
    """A self-signed certificate for photos.test, and client/server SSL contexts using it."""
    import shutil
    import ssl
    import subprocess

    if not shutil.which("openssl"):
        pytest.skip("openssl is not installed")
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key), "-out", str(cert),
         "-days", "1", "-subj", "/CN=photos.test", "-addext", "subjectAltName=DNS:photos.test"],
        check=True, capture_output=True,
    )
    server = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server.load_cert_chain(cert, key)
    client = ssl.create_default_context(cafile=str(cert))
    return server, client


def test_it_downloads_over_https_from_the_pinned_address_verifying_the_host_name(monkeypatch, settings, tls_pair):
    server_context, client_context = tls_pair
    settings.IDPHOTO_URL_ALLOW_PRIVATE = True
    monkeypatch.setattr(fetch, "TLS_VERIFY", client_context)
    monkeypatch.setattr(fetch, "resolve", lambda host, port: ["127.0.0.1"])
    with LocalServer({"/me.jpg": serve_bytes(b"jpeg bytes")}, tls_context=server_context) as server:
        assert fetch.download(server.url("/me.jpg", host="photos.test")) == b"jpeg bytes"
        with pytest.raises(fetch.DownloadError, match="CERTIFICATE_VERIFY_FAILED|certificate"):
            fetch.download(server.url("/me.jpg", host="impostor.test"))
