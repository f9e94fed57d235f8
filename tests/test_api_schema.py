"""Property-based run of the OpenAPI document against the API: no input may cause a server error."""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings

from api import fetch, services
from api.openapi import openapi_document

schema = schemathesis.openapi.from_wsgi("/api/openapi.json", get_wsgi_application())


@pytest.fixture
def raw_key(db, settings, monkeypatch):
    settings.IDPHOTO_RATE_LIMIT_PER_SECOND = 10_000

    def no_dns(host, port):  # generated URLs must never reach the network
        raise OSError("name resolution is disabled in this test")

    monkeypatch.setattr(fetch, "resolve", no_dns)
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
