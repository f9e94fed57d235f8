"""Property-based run of the OpenAPI document against the API: no input may cause a server error."""

import os
import subprocess
import sys

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings

from api import fetch, services
from api.openapi import openapi_document
from tests.processes import REPO

schema = schemathesis.openapi.from_wsgi("/api/openapi.json", get_wsgi_application())


def no_dns(host, port):  # generated URLs must never reach the network
    raise OSError("name resolution is disabled in this test")


@pytest.fixture
def offline_fast_api(settings, monkeypatch):
    settings.IDPHOTO_RATE_LIMIT_PER_SECOND = 10_000
    monkeypatch.setattr(fetch, "resolve", no_dns)


@pytest.fixture
def raw_key(db, offline_fast_api):
    # A bare WSGI app closes the database connection after each request, ending the test's transaction;
    # Django's test client avoids that the same way.
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    yield services.create_api_key("schemathesis", credits=1_000_000)[1]
    for signal in (request_started, request_finished):
        signal.connect(close_old_connections)


def test_it_describes_the_task_endpoints_and_the_reference_lists():
    assert set(openapi_document()["paths"]) == set(schema.raw_schema["paths"]) == {
        "/api/tasks/visual/external/idphoto",
        "/api/tasks/visual/external/idphoto/{task_id}",
        "/api/specs",
        "/api/specs/{spec_id}",
        "/api/clothes",
    }


@schema.parametrize()
@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
def test_it_never_answers_5xx(case, raw_key):
    response = case.call(headers={"X-API-KEY": raw_key})
    assert response.status_code < 500, (response.status_code, response.text[:500])
    body = response.json()
    assert body["status"] == response.status_code and "message" in body and "data" in body


@pytest.fixture
def live_key(transactional_db, offline_fast_api):
    return services.create_api_key("schemathesis-cli", credits=1_000_000)[1]


def test_it_passes_a_bounded_schemathesis_run_with_every_phase_and_check(live_server, live_key):
    """The schema is exact: every phase (examples, coverage, fuzzing, stateful) and every check, 0 failures.

    Bounded by --max-examples; the rules across fields that JSON Schema cannot state are kept by
    tests/schemathesis_hooks.py (they are listed in the document's request-body description)."""
    command = [
        sys.executable, "-m", "schemathesis.cli", "run", f"{live_server.url}/api/openapi.json",
        "-H", f"X-API-KEY: {live_key}", "--phases", "examples,coverage,fuzzing,stateful", "--checks", "all",
        "--max-examples", "4", "--seed", "1", "--workers", "2", "--suppress-health-check", "all",
        "--request-timeout", "30", "--continue-on-failure",
    ]
    env = {**os.environ, "NO_COLOR": "1", "SCHEMATHESIS_HOOKS": "tests.schemathesis_hooks"}
    run = subprocess.run(command, capture_output=True, text=True, timeout=300, env=env, cwd=REPO, check=False)
    summary = run.stdout[run.stdout.find("SUMMARY") - 40 :] if "SUMMARY" in run.stdout else run.stdout[-4000:]
    assert run.returncode == 0 and "No issues found" in summary, run.stdout[-8000:] + run.stderr[-2000:]
    for phase in ("Examples", "Coverage", "Fuzzing", "Stateful"):  # each ran (not skipped) and passed
        assert f"✅ {phase}" in summary, summary
    assert "🚫" not in summary and " passed" in summary, summary
