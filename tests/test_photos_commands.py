"""The management command `make run` calls: serve (the web server and the worker together)."""

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from .conftest import REPO
from .processes import child_env


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _children(pid):
    out = subprocess.run(["ps", "-o", "pid=", "--ppid", str(pid)], capture_output=True, text=True, check=False)
    out = out.stdout
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
        assert not os.path.exists(f"/proc/{pid}") or Path(f"/proc/{pid}/stat").read_text().split()[2] == "Z"


MODELS_AFTER = """
import django, json, os, sys
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "idphoto_site.settings")
django.setup()
from engine import models
if sys.argv[1] == "upload-check":
    from photos.services import inspect_photo
    inspect_photo(open(sys.argv[2], "rb").read())
else:
    from django_q.signals import post_spawn
    post_spawn.send(sender="django_q", proc_name="Process-1")
print(json.dumps(sorted(models._instances)))
"""


@pytest.mark.skipif(not (REPO.parent / "shared" / "portraits").is_dir(), reason="../shared/portraits is absent")
def test_it_loads_all_models_in_workers_and_no_matting_model_for_the_upload_check():
    portrait = REPO.parent / "shared" / "portraits" / "p11_hivision_test0.jpg"

    def loaded(*args):
        env = {**os.environ, "PHOTOS_API_BASE_URL": "", "PHOTOS_API_KEY": ""}
        done = subprocess.run(
            [sys.executable, "-c", MODELS_AFTER, *args], cwd=REPO, env=env, capture_output=True, text=True, check=True
        )
        return done.stdout.strip().splitlines()[-1]

    # the web process: the face models and the small person segmenter, no matting model
    assert loaded("upload-check", str(portrait)) == '["detector", "mesh", "person"]'
    # a worker is ready before its first job: every model a job runs (hands and the near-face detector too)
    assert loaded("worker-start") == '["body", "detector", "hands", "mesh", "near", "rvm"]'
