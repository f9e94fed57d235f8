"""The management commands `make run` calls: setup_local_api (idempotent, tops up) and serve."""

import os
import signal
import socket
import subprocess
import sys
import time

import httpx
import pytest
from django.core.management import call_command

from api import services as api_services
from api.models import ApiKey
from photos.local_api import local_api_key
from photos.models import LocalApiKey

from .conftest import REPO
from .processes import child_env


@pytest.mark.django_db
def test_it_provisions_the_local_key_once_and_tops_it_up(settings, capsys):
    settings.PHOTOS_API_BASE_URL = ""
    settings.PHOTOS_LOCAL_API_CREDITS, settings.PHOTOS_LOCAL_API_LOW_WATER = 1000, 100
    call_command("setup_local_api")
    call_command("setup_local_api")
    assert LocalApiKey.objects.count() == 1 and ApiKey.objects.count() == 1
    key = ApiKey.objects.get()
    assert api_services.balance(key) == 1000
    assert key.rate_limit == settings.PHOTOS_LOCAL_API_RATE_LIMIT  # shared by every customer's jobs
    assert api_services.authenticate(local_api_key()) == key
    api_services.grant_credits(key, -950, "spent")
    call_command("setup_local_api")
    assert api_services.balance(key) == 1050
    assert "created" in capsys.readouterr().out


@pytest.mark.django_db
def test_it_provisions_the_key_on_first_use(settings):
    settings.PHOTOS_API_BASE_URL = ""
    raw = local_api_key()
    assert api_services.authenticate(raw).pk == LocalApiKey.objects.get().api_key_id


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _children(pid):
    out = subprocess.run(["ps", "-o", "pid=", "--ppid", str(pid)], capture_output=True, text=True).stdout
    return [int(p) for p in out.split()]


@pytest.mark.django_db(transaction=True)
def test_it_serves_web_and_worker_and_stops_both_on_sigterm(settings, tmp_path):
    port = _free_port()
    serve = subprocess.Popen(
        [sys.executable, "manage.py", "serve", "--port", str(port)], cwd=REPO, env=child_env(),
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True,
    )
    try:
        deadline, status = time.monotonic() + 60, None
        while time.monotonic() < deadline and status != 200:
            try:
                status = httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=2).status_code
            except httpx.HTTPError:
                time.sleep(0.5)
        assert status == 200
        children = _children(serve.pid)
        assert len(children) == 2
        serve.send_signal(signal.SIGTERM)
        output = serve.communicate(timeout=30)[0]
    finally:
        if serve.poll() is None:
            os.killpg(serve.pid, signal.SIGKILL)
    assert "Stopped the web server and the worker." in output
    for pid in children:
        assert not os.path.exists(f"/proc/{pid}") or open(f"/proc/{pid}/stat").read().split()[2] == "Z"
