"""Helpers shared by the API tests (tests/test_api_*.py): keys, generated images, a local HTTP server."""

import io
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from tests.conftest import PORTRAITS

REPO = Path(__file__).resolve().parent.parent
P11 = PORTRAITS / "p11_hivision_test0.jpg"
CREATE_URL = "/api/tasks/visual/external/idphoto"


def engine_ready():
    return (REPO / "engine/stages/detect.py").exists() and (REPO / "engine/stages/matte.py").exists()


needs_engine = pytest.mark.skipif(not engine_ready(), reason="the engine's detect/matte stages are missing")
needs_p11 = pytest.mark.skipif(not P11.exists(), reason=f"{P11} is absent")


def png_bytes(array):
    buffer = io.BytesIO()
    Image.fromarray(array).save(buffer, format="PNG")
    return buffer.getvalue()


def no_face_png():
    """A smooth colour gradient with some noise: a valid image without any face."""
    rng = np.random.default_rng(3)
    y, x = np.mgrid[0:600, 0:450]
    base = np.stack([x * 255 // 450, y * 255 // 600, np.full_like(x, 128)], axis=-1)
    return png_bytes(np.clip(base + rng.integers(-20, 20, base.shape), 0, 255).astype(np.uint8))


def two_faces_jpg():
    """p11 twice side by side: two faces of the same size."""
    person = Image.open(P11).convert("RGB")
    canvas = Image.new("RGB", (person.width * 2, person.height), "white")
    canvas.paste(person, (0, 0))
    canvas.paste(person, (person.width, 0))
    buffer = io.BytesIO()
    canvas.save(buffer, format="JPEG", quality=92)
    return buffer.getvalue()


def auth(key):
    return {"HTTP_X_API_KEY": key}


class LocalServer:
    """A tiny HTTP server on 127.0.0.1 serving test routes; records every path requested."""

    def __init__(self, routes, tls_context=None):
        self.routes = routes
        self.scheme = "https" if tls_context else "http"
        self.requested = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self):
                server.requested.append(self.path)
                route = server.routes.get(self.path)
                if route is None:
                    self.send_response(404)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                route(self, server)

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.handle_error = lambda request, address: None  # clients hanging up early is expected here
        if tls_context:
            self.httpd.socket = tls_context.wrap_socket(self.httpd.socket, server_side=True)
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def url(self, path, host="127.0.0.1"):
        return f"{self.scheme}://{host}:{self.port}{path}"

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.httpd.shutdown()
        self.httpd.server_close()


def serve_bytes(data, content_type="image/jpeg"):
    def route(handler, server):
        handler.send_response(200)
        handler.send_header("Content-Type", content_type)
        handler.send_header("Content-Length", str(len(data)))
        handler.end_headers()
        handler.wfile.write(data)

    return route


def serve_chunked(total_bytes, chunk=1024 * 1024):
    """A chunked response without Content-Length, so only counting the bytes can stop it."""

    def route(handler, server):
        handler.send_response(200)
        handler.send_header("Content-Type", "image/jpeg")
        handler.send_header("Transfer-Encoding", "chunked")
        handler.end_headers()
        sent = 0
        block = b"\xff" * chunk
        try:
            while sent < total_bytes:
                handler.wfile.write(f"{len(block):x}\r\n".encode() + block + b"\r\n")
                sent += len(block)
            handler.wfile.write(b"0\r\n\r\n")
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client stopped reading at its cap, as it should

    return route


def redirect_to(location, on_serve=None):
    def route(handler, server):
        if on_serve:
            on_serve()
        handler.send_response(302)
        handler.send_header("Location", location)
        handler.send_header("Content-Length", "0")
        handler.end_headers()

    return route
