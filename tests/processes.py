"""Child processes (qcluster, serve) that must share the running test's database and media folder."""

import os
import signal
import subprocess
import sys
from pathlib import Path

from django.conf import settings
from django.db import connection

REPO = Path(__file__).resolve().parent.parent


def test_database_env():
    """Environment variables that point a child process at pytest-django's test database, whatever its engine."""
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        return {"SQLITE_PATH": str(db["NAME"]), "DATABASE_URL": ""}
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return {"DATABASE_URL": f"postgres://{db['USER']}{password}@{db['HOST']}:{db['PORT']}/{db['NAME']}"}


def child_env(**extra):
    return {**os.environ, **test_database_env(), "MEDIA_ROOT": str(settings.MEDIA_ROOT), **extra}


def start_manage(args, log_path, **extra_env):
    """Start `manage.py ARGS` in its own session, logging to log_path."""
    with open(log_path, "w") as log:
        return subprocess.Popen(
            [sys.executable, "manage.py", *args], cwd=REPO, env=child_env(**extra_env), stdout=log,
            stderr=subprocess.STDOUT, start_new_session=True,
        )


def stop(processes, grace=10):
    """SIGTERM each main process (a qcluster stops its workers in about a second; a SIGTERM to the
    whole group leaves it hanging), then kill the group of any still running after `grace` seconds."""
    import time

    for process in processes:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + grace
    for process in processes:
        try:
            process.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)
