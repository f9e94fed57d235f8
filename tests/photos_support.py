"""Helpers for the web-app tests: named actors, image bytes made in code, a fake ID-photo API."""

import io
import json
import re
import uuid

import httpx
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from photos import services

PASSWORD = "a-long-enough-pass-42"


def make_user(name, credits=0, staff=False):
    user = get_user_model().objects.create_user(name, f"{name}@example.test", PASSWORD, is_staff=staff)
    if credits:
        services.grant_credits(user, credits, "test grant")
    return user


def png_bytes(size=(300, 400), color=(200, 180, 160)):
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, "PNG")
    return buffer.getvalue()


def make_upload(user, image_id=""):
    """An Upload row without going through the face check (service tests do not need a face)."""
    from photos.models import Upload

    upload = Upload(owner=user, original_name="me.png", width=300, height=400, check_ok=True, api_image_id=image_id)
    upload.original.save("me.png", SimpleUploadedFile("me.png", png_bytes()), save=False)
    upload.thumbnail.save("thumb.jpg", SimpleUploadedFile("thumb.jpg", png_bytes((90, 120))), save=False)
    upload.save()
    return upload


class FakeApi:
    """Answers like a seed-contract server to sync=1 creates: the finished task, or `fail_state`."""

    def __init__(self, fail_state=None, known_ids=(), image_size=(413, 531), sheet=False):
        self.fail_state, self.known_ids = fail_state, set(known_ids)
        self.image_size, self.sheet = image_size, sheet
        self.creates, self.sent_files, self.sent_last_ids, self.sync_values = 0, 0, [], []

    def __call__(self, request):
        path = request.url.path
        if request.method == "POST" and path.endswith("/idphoto"):
            return self._create(request)
        if path.startswith("/files/"):
            size = self.image_size if "photo" in path else (1800, 1200)
            return httpx.Response(200, content=png_bytes(size), headers={"content-type": "image/png"})
        return _json(404, "no such task")  # this client never polls

    def _create(self, request):
        body = request.content
        self.creates += 1
        self.sync_values.append(_field(body, "sync"))
        if b'name="last_id"' in body:
            last_id = _field(body, "last_id")
            self.sent_last_ids.append(last_id)
            if last_id not in self.known_ids:
                return _json(400, "last_id: unknown or expired image_id")
        else:
            self.sent_files += 1
        task_id = uuid.uuid4().hex
        if self.fail_state is not None:
            failed = {"task_id": task_id, "state": self.fail_state, "state_detail": "No face found."}
            return _json(200, "success", failed)
        image_id = "img-" + task_id[:8]
        self.known_ids.add(image_id)
        data = {
            "task_id": task_id,
            "state": 1,
            "progress": 100,
            "image_id": image_id,
            "image": f"http://api.test/files/{task_id}/photo.png",
            "checks": [{"id": "head_height", "label": "Head height", "status": "pass", "value": 33, "unit": "mm"}],
        }
        if self.sheet:
            data["layout_image"] = f"http://api.test/files/{task_id}/sheet.png"
        return _json(200, "success", data)


def _field(body, name):
    marker = f'name="{name}"\r\n\r\n'.encode()
    return body.split(marker, 1)[1].split(b"\r\n", 1)[0].decode() if marker in body else None


def _json(status, message, data=None):
    return httpx.Response(status, content=json.dumps({"status": status, "message": message, "data": data or {}}))


def use_fake_api(monkeypatch, settings, fake):
    """Remote mode against `fake` (an httpx handler) instead of a server."""
    from photos import api_client

    settings.PHOTOS_API_BASE_URL, settings.PHOTOS_API_KEY = "http://api.test", "test-key"
    transport = httpx.MockTransport(fake)
    monkeypatch.setattr(api_client, "make_client", lambda: httpx.Client(transport=transport, base_url="http://api.test"))
    return fake


def sync_queue(monkeypatch):
    """django-q2 runs each queued task at once, in the caller (its own sync mode)."""
    from django_q.conf import Conf

    monkeypatch.setattr(Conf, "SYNC", True)


def confirm_signup_mail(client, address):
    """Open the confirmation link of the latest sign-up mail to `address` (the welcome credits come then)."""
    body = [message.body for message in mail.outbox if address in message.to][-1]
    link = re.search(r"https?://[^/\s]+(/accounts/confirm/\S+)", body).group(1)
    response = client.get(link)
    assert response.status_code == 200, response.content[:500]
    return response
