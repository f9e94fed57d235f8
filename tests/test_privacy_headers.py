"""Security headers: a Content-Security-Policy without inline script, HSTS and the HTTPS redirect on by
default for an https SITE_URL (and settable), and `check --deploy` clean with the production checklist."""

import re
import secrets
import subprocess
import sys
from pathlib import Path

from django.test import Client

from .test_settings import load

REPO = Path(__file__).resolve().parent.parent


def test_it_sends_a_policy_that_allows_no_inline_script(db):
    response = Client().get("/accounts/login/")
    policy = dict(
        part.strip().split(" ", 1) for part in response["Content-Security-Policy"].split(";") if part.strip()
    )
    assert policy["script-src"] == "'self'" and policy["default-src"] == "'self'"
    assert "unsafe" not in policy["style-src"] and policy["object-src"] == "'none'"
    assert policy["frame-ancestors"] == "'none'"
    # htmx must not inject its indicator <style> element (blocked by style-src): our CSS has those rules.
    assert '"includeIndicatorStyles":false' in response.content.decode()


def test_it_keeps_templates_free_of_inline_script_and_event_handlers():
    for template in (REPO / "templates").rglob("*.html"):
        text = template.read_text()
        for tag in re.findall(r"<script\b[^>]*>", text):
            assert "src=" in tag, f"{template}: inline <script> would be blocked by the policy"
        assert not re.search(r"\son[a-z]+\s*=", text), f"{template}: inline event handler"
        assert "hx-on" not in text and "js:" not in text, f"{template}: htmx would need eval"


def test_it_turns_on_hsts_and_the_redirect_for_an_https_site(monkeypatch, tmp_path):
    https = load(monkeypatch, tmp_path, SITE_URL="https://photos.example.org")
    assert https["SECURE_SSL_REDIRECT"] is True and https["SECURE_HSTS_SECONDS"] == 31_536_000
    assert https["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True and https["SECURE_HSTS_PRELOAD"] is False
    plain = load(monkeypatch, tmp_path)
    assert plain["SECURE_SSL_REDIRECT"] is False and plain["SECURE_HSTS_SECONDS"] == 0
    chosen = load(monkeypatch, tmp_path, SITE_URL="https://photos.example.org", SECURE_SSL_REDIRECT="0",
                  SECURE_HSTS_SECONDS="600")
    assert chosen["SECURE_SSL_REDIRECT"] is False and chosen["SECURE_HSTS_SECONDS"] == 600


def test_it_redirects_to_https_but_answers_health_checks_on_http(db, settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_HSTS_SECONDS = 3600
    assert Client().get("/privacy/")["Location"].startswith("https://")
    assert Client().get("/healthz").status_code == 200
    secure = Client().get("/privacy/", secure=True)
    assert secure.status_code == 200 and secure["Strict-Transport-Security"].startswith("max-age=3600")


def test_it_passes_check_deploy_with_the_production_checklist(tmp_path):
    env = {
        "PATH": "/usr/bin:/bin",
        "VAR_DIR": str(tmp_path),
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "photos.example.org",
        "SITE_URL": "https://photos.example.org",
        "SECURE_PROXY_SSL": "1",
    }
    done = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=180, check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "System check identified no issues" in done.stdout
