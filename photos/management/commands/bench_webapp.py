"""Time the customer's path through HTTP against a running `make run` (web server + django-q2 worker).

Run it next to the server, on the same database (it creates its own customer with credits):

    .venv/bin/python manage.py bench_webapp --url http://127.0.0.1:8000

It does what the browser does: log in, upload, click "preview" (an htmx POST), then ask for the job
fragment every 250 ms like the page does, and fetch the image once the fragment shows it. "Visible" is
the moment the image bytes arrived. Paid: confirm, pay, follow the redirect, poll the order until the
download link shows, and download the photo. Then the resident memory of the web and worker processes.
"""

import json
import os
import re
import statistics
import threading
import time
import uuid
from pathlib import Path

import httpx
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

POLL_SECONDS = 0.25  # as the job fragment's hx-trigger
DEFAULT_PHOTO = Path(settings.BASE_DIR).parent / "shared" / "portraits" / "p11_hivision_test0.jpg"
OPTIONS = {"size_mode": "mm", "mm_width": "35", "mm_height": "45", "dpi": "300", "bg_color": "438EDB"}
PASSWORD = "bench-" + uuid.uuid4().hex


class Browser:
    """One logged-in session, sending the headers htmx sends."""

    def __init__(self, base_url, username):
        self.http = httpx.Client(base_url=base_url, timeout=120, follow_redirects=False)
        self.http.get("/accounts/login/")
        response = self.http.post(
            "/accounts/login/",
            data={"username": username, "password": PASSWORD, "csrfmiddlewaretoken": self.csrf},
        )
        if response.status_code != 302:
            raise CommandError(f"could not log in as {username} (HTTP {response.status_code})")

    @property
    def csrf(self):
        return self.http.cookies.get("csrftoken", "")

    def htmx_post(self, url, data, **kwargs):
        headers = {"HX-Request": "true", "X-CSRFToken": self.csrf}
        return self.http.post(url, data=data, headers=headers, **kwargs)

    def upload(self, photo):
        with open(photo, "rb") as handle:
            response = self.htmx_post("/upload/", {}, files={"photo": (photo.name, handle, "image/jpeg")})
        target = response.headers.get("HX-Redirect", "")
        if not target:
            raise CommandError(f"the upload was refused: {response.text[:300]}")
        return target.strip("/").split("/")[-1]

    def wait_for(self, order_code, marker):
        """Poll the job fragment every 250 ms until `marker` shows; returns the fragment."""
        while True:
            fragment = self.http.get(f"/o/{order_code}/status/?polling=1").text
            if marker in fragment:
                return fragment
            if "This did not work" in fragment:
                raise CommandError(f"the job failed: {re.sub(r'<[^>]+>', ' ', fragment)[:300]}")
            time.sleep(POLL_SECONDS)

    def preview_seconds(self, upload_code):
        started = time.perf_counter()
        fragment = self.htmx_post(f"/u/{upload_code}/preview/", OPTIONS).text
        order_code = re.search(r'id="job-([0-9a-f-]{36})"', fragment).group(1)
        if 'id="preview-img"' not in fragment:
            fragment = self.wait_for(order_code, 'id="preview-img"')
        image_url = re.search(r'<img src="([^"]+)"[^>]*id="preview-img"', fragment, re.DOTALL).group(1)
        self.http.get(image_url).raise_for_status()
        return time.perf_counter() - started

    def paid_seconds(self, upload_code):
        confirm = self.htmx_post(f"/u/{upload_code}/confirm/", OPTIONS).text
        key = re.search(r'name="idempotency_key" value="([0-9a-f]+)"', confirm).group(1)
        cost = re.search(r'name="expected_cost" value="(\d+)"', confirm).group(1)
        started = time.perf_counter()
        paid = self.htmx_post(f"/u/{upload_code}/order/", {**OPTIONS, "idempotency_key": key, "expected_cost": cost})
        order_url = paid.headers["HX-Redirect"]
        page = self.http.get(order_url).text
        order_code = order_url.strip("/").split("/")[-1]
        if 'id="download-photo"' not in page:
            page = self.wait_for(order_code, 'id="download-photo"')
        download = re.search(r'id="download-photo" href="([^"]+)"', page).group(1).replace("&amp;", "&")
        self.http.get(download).raise_for_status()
        return time.perf_counter() - started


class Command(BaseCommand):
    help = "Time free previews (alone and 6 at once) and paid orders through HTTP against a running server."

    def add_arguments(self, parser):
        parser.add_argument("--url", default="http://127.0.0.1:8000")
        parser.add_argument("--photo", type=Path, default=DEFAULT_PHOTO)
        parser.add_argument("--idle", type=int, default=10, help="previews one after another")
        parser.add_argument("--parallel", type=int, default=6, help="previews started at once")
        parser.add_argument("--parallel-rounds", type=int, default=3)
        parser.add_argument("--paid", type=int, default=5)
        parser.add_argument("--photos", type=int, default=100, help="photos made before memory is read")

    def handle(self, *args, **options):
        if not options["photo"].exists():
            raise CommandError(f"{options['photo']} is missing (give --photo)")
        load_before = os.getloadavg()
        users = [self._customer() for _ in range(options["parallel"])]
        browsers = [Browser(options["url"], name) for name in users]
        first = browsers[0]
        upload_code = first.upload(options["photo"])
        first.preview_seconds(upload_code)  # the web process loads its face detector on the first upload
        idle_since = time.time()
        idle = [first.preview_seconds(upload_code) for _ in range(options["idle"])]
        idle_split = _server_split(users[0], idle_since)
        together = []
        for _ in range(options["parallel_rounds"]):
            together += self._at_once(browsers, [b.upload(options["photo"]) for b in browsers])
        paid = [first.paid_seconds(upload_code) for _ in range(options["paid"])]
        made = 1 + len(idle) + len(together) + len(paid)
        # Two customers at a time, each on an upload of their own (another's upload is a 404 by design).
        fillers = browsers[:2]
        filler_codes = [upload_code] + [b.upload(options["photo"]) for b in fillers[1:]]
        while made < options["photos"]:
            made += len(self._at_once(fillers, filler_codes))
        figures = {
            "preview_idle_p50": _p50(idle),
            "preview_idle_max": round(max(idle), 3),
            "preview_idle_queue_wait_p50": idle_split[0],
            "preview_idle_worker_p50": idle_split[1],
            f"preview_{len(browsers)}_at_once_p50": _p50(together),
            f"preview_{len(browsers)}_at_once_max": round(max(together), 3),
            "paid_to_download_p50": _p50(paid),
            "photos_made": made,
            "load_average_before": [round(v, 2) for v in load_before],
            "load_average_after": [round(v, 2) for v in os.getloadavg()],
            "rss_mb": resident_memory(),
        }
        self.stdout.write(json.dumps(figures, indent=2))

    def _customer(self):
        from django.contrib.auth import get_user_model

        from photos.services import grant_credits

        name = f"bench-{uuid.uuid4().hex[:10]}"
        user = get_user_model().objects.create_user(name, f"{name}@example.test", PASSWORD)
        grant_credits(user, 5000, "benchmark")
        return name

    def _at_once(self, browsers, upload_codes):
        times, threads = [], []
        start = threading.Barrier(len(browsers))

        def one(browser, code):
            start.wait()
            times.append(browser.preview_seconds(code))

        for browser, code in zip(browsers, upload_codes, strict=True):
            threads.append(threading.Thread(target=one, args=(browser, code)))
            threads[-1].start()
        for thread in threads:
            thread.join()
        return times


def _server_split(username, since):
    """Medians of the idle previews' queue wait (created -> started) and worker time (started -> finished),
    from the order rows: what the server spent, apart from the page's polling and the image download."""
    from datetime import UTC, datetime

    from photos.models import Order

    rows = Order.objects.filter(owner__username=username, created__gte=datetime.fromtimestamp(since, UTC))
    waits = [(o.started - o.created).total_seconds() for o in rows if o.started]
    work = [(o.finished - o.started).total_seconds() for o in rows if o.started and o.finished]
    return (_p50(waits) if waits else None, _p50(work) if work else None)


def _p50(values):
    return round(statistics.median(values), 3)


def resident_memory():
    """RSS in MB of this checkout's web server and queue processes (started from this folder), by kind."""
    found = {"web": [], "worker": []}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if Path(os.readlink(entry / "cwd")) != Path(settings.BASE_DIR):
                continue
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            status = (entry / "status").read_text()
        except OSError:
            continue
        kind = "web" if ("runserver" in command or "gunicorn" in command) else None
        kind = "worker" if "qcluster" in command else kind
        match = re.search(r"VmRSS:\s+(\d+) kB", status)
        if kind and match:
            rss_mb = round(int(match.group(1)) / 1024, 1)
            found[kind].append({"pid": int(entry.name), "rss_mb": rss_mb, "cmd": command.strip()[:80]})
    return found
