"""GET /api/specs and /api/specs/<id>: the public, read-only catalogue listing."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from engine import specs


def _specs(client, **query):
    response = client.get("/api/specs", query)
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == 200 and body["message"] == "success"
    return body["data"]


def test_it_finds_germany(client):
    data = _specs(client, q="germany")
    assert data["total"] >= 3
    assert all(row["country_code"] == "DE" for row in data["specs"])
    passport = data["specs"][0]
    assert passport["slug"] == "de-passport"
    assert passport["size_mm"] == [35, 45] and passport["head_height_mm"] == [32, 36]
    assert passport["constraints"]["face_height"] == [378, 425]


def test_it_finds_visas(client):
    data = _specs(client, q="visa", limit=500)
    slugs = {row["slug"] for row in data["specs"]}
    assert {"us-visa", "schengen-visa", "cn-visa", "gb-visa", "de-visa"} <= slugs
    assert all("visa" in row["document"].lower() for row in data["specs"])


def test_it_finds_35x45(client):
    data = _specs(client, q="35x45", limit=500)
    assert data["total"] == len(specs.search("35x45")) > 100
    assert all(row["size_mm"] == [35, 45] for row in data["specs"])
    assert {"de-passport", "gb-passport", "jp-passport", "au-passport"} <= {
        row["slug"] for row in data["specs"]
    }


def test_it_filters_by_country_and_document(client):
    data = _specs(client, country="us", document="passport")
    assert [row["slug"] for row in data["specs"]] == ["us-passport"]
    china = _specs(client, country="China", q="visa")
    assert [row["slug"] for row in china["specs"]] == ["cn-visa"]


def test_it_pages_the_whole_catalogue(client):
    first = _specs(client, limit=100)
    second = _specs(client, limit=100, offset=100)
    assert first["total"] == len(specs.all_specs())
    assert not {row["id"] for row in first["specs"]} & {row["id"] for row in second["specs"]}


def test_it_refuses_a_bad_limit(client):
    response = client.get("/api/specs", {"limit": "0"})
    assert response.status_code == 400 and "limit" in response.json()["message"]


def test_it_shows_one_spec_with_its_rules(client):
    response = client.get("/api/specs/3")
    assert response.status_code == 200
    spec = response.json()["data"]
    assert spec["title"] == "United States passport"
    assert spec["px"] == [600, 600] and spec["eyes_from_bottom_mm"] == [28.6, 34.9]
    assert spec["forbidden_edits"] == ["beauty", "outfit"] and spec["allowed_edits"] == ["background"]
    assert spec["source_url"].startswith("https://travel.state.gov/")


def test_it_answers_404_for_an_unknown_spec(client):
    response = client.get("/api/specs/999999")
    assert response.status_code == 404 and response.json()["status"] == 404


def test_it_only_allows_get(client):
    assert client.post("/api/specs").status_code == 405


# --- document-safe mode through the task API ---------------------------------------------------------------


@pytest.fixture
def api_key(db, settings):
    from api import services

    settings.IDPHOTO_RATE_LIMIT_PER_SECOND = 1000
    return services.create_api_key("specs-tests", credits=100)[1]


def _create(client, api_key, **fields):
    image = SimpleUploadedFile("face.png", _tiny_png())
    return client.post(
        "/api/tasks/visual/external/idphoto", {"image_file": image, **fields}, HTTP_X_API_KEY=api_key
    )


def _tiny_png():
    buffer = io.BytesIO()
    Image.new("RGB", (200, 260), (200, 180, 160)).save(buffer, format="PNG")
    return buffer.getvalue()


@pytest.mark.parametrize("field, value", [("auto_smooth", "1"), ("clothes_id", "man_1")])
def test_it_refuses_beauty_or_an_outfit_for_a_us_passport_with_the_reason(client, api_key, field, value):
    response = _create(client, api_key, spec_id="3", **{field: value})
    assert response.status_code == 400
    message = response.json()["message"]
    assert f"{field}: not allowed for spec 3 (United States passport)" in message
    assert "digitally altered" in message


def test_it_accepts_beauty_and_an_outfit_for_a_chinese_exam_photo(client, api_key):
    response = _create(client, api_key, spec_id="37", auto_smooth="1", clothes_id="man_1")
    assert response.status_code == 200, response.json()
    assert response.json()["data"]["task_id"]
