"""Helpers for the web-app tests: named actors, image bytes made in code, a fake ID-photo API."""

import io
import json
import uuid

import httpx
from django.contrib.auth import get_user_model
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
    """Answers like the seed API: tasks finish after `steps` polls, or fail with `fail_state`."""

    def __init__(self, steps=1, fail_state=None, known_ids=(), image_size=(413, 531), sheet=False):
        self.steps, self.fail_state, self.known_ids = steps, fail_state, set(known_ids)
        self.image_size, self.sheet = image_size, sheet
        self.tasks, self.creates, self.sent_files, self.sent_last_ids = {}, 0, 0, []

    def __call__(self, request):
        path = request.url.path
        if request.method == "POST" and path.endswith("/idphoto"):
            return self._create(request)
        if path.startswith("/files/"):
            size = self.image_size if "photo" in path else (1800, 1200)
            return httpx.Response(200, content=png_bytes(size), headers={"content-type": "image/png"})
        task_id = path.rsplit("/", 1)[-1]
        return self._query(task_id)

    def _create(self, request):
        body = request.content
        self.creates += 1
        if b'name="last_id"' in body:
            last_id = body.split(b'name="last_id"\r\n\r\n', 1)[1].split(b"\r\n", 1)[0].decode()
            self.sent_last_ids.append(last_id)
            if last_id not in self.known_ids:
                return _json(400, "last_id: unknown or expired image_id")
        else:
            self.sent_files += 1
        task_id = uuid.uuid4().hex
        self.tasks[task_id] = 0
        return _json(200, "success", {"task_id": task_id})

    def _query(self, task_id):
        if task_id not in self.tasks:
            return _json(404, "no such task")
        self.tasks[task_id] += 1
        polls = self.tasks[task_id]
        if polls < self.steps:
            return _json(200, "success", {"task_id": task_id, "state": 4, "progress": 40})
        if self.fail_state is not None:
            return _json(200, "success", {"task_id": task_id, "state": self.fail_state, "state_detail": "No face found."})
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


def _json(status, message, data=None):
    return httpx.Response(status, content=json.dumps({"status": status, "message": message, "data": data or {}}))


def use_fake_api(monkeypatch, fake):
    from photos import api_client

    monkeypatch.setattr(api_client, "make_client", lambda: httpx.Client(transport=httpx.MockTransport(fake), base_url="http://api.test"))
    return fake
