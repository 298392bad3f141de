# ReviewWatch: `make run` to try it, `make test` to run the whole suite.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/reviewwatch
# Tests use Redis db 12 (serial) or 12 + N on pytest-xdist worker gwN (tests/conftest.py).
TEST_REDIS_URL ?= redis://127.0.0.1:6379/12
# Parallel pytest workers (pytest-xdist): auto = one per CPU, at most 4; 0 = serial. Work
# stealing evens out the few long tests (runall waits a minute for beat's first tick).
TEST_WORKERS ?= auto

.PHONY: run demo test docs install install-test lint format bench bench-scale chaos eval train clean

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PIP) install -q --upgrade pip

$(VENV)/.run-installed: pyproject.toml | $(PY)
	$(PIP) install -q -e .
	touch $@

$(VENV)/.test-installed: pyproject.toml | $(PY)
	$(PIP) install -q -e '.[test]'
	touch $@ $(VENV)/.run-installed

install: $(VENV)/.run-installed
install-test: $(VENV)/.test-installed

run: install
	$(PY) manage.py checkservices
	$(PY) manage.py migrate --noinput -v0
	$(PY) manage.py collectstatic --noinput -v0
	$(PY) manage.py ensure_owner
	$(if $(DEMO),$(PY) manage.py load_demo --base-url http://$${HOST:-127.0.0.1}:$${PORT:-8000})
	exec $(PY) manage.py runall

# `make run` plus the demo sources: sample documents the app serves itself under /demo/.
demo: export RW_ALLOW_PRIVATE_SOURCES = 1
demo: export RW_ALLOW_PLATFORM_BASE_URL = 1
demo: DEMO = 1
demo: run

test: install-test
	REDIS_URL=$(TEST_REDIS_URL) bash scripts/test-services.sh
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	DATABASE_URL=$(TEST_DATABASE_URL) REDIS_URL=$(TEST_REDIS_URL) RW_ALLOW_PRIVATE_SOURCES=1 RW_ALLOW_PLATFORM_BASE_URL=1 \
		$(VENV)/bin/pytest -n $(TEST_WORKERS) --maxprocesses 4 --dist worksteal $(PYTEST_ARGS)

# The README's screenshot and samples (docs/inbox.png, docs/sample-*.txt); tests never write them.
DOCS_TESTS := tests/responses/test_inbox_browser.py::test_inbox_screenshot_with_a_few_cases \
	tests/responses/test_replies.py::test_a_seeded_template_fills_a_humble_reply_written_to_docs_sample \
	tests/responses/test_digest_email.py::test_sample_digest_is_written_for_the_readme \
	tests/responses/test_case_page_layout.py::test_case_page_screenshots_on_desktop_and_phone \
	tests/responses/test_reports_browser.py::test_reports_screenshot_for_the_readme \
	tests/responses/test_advocates_browser.py::test_owner_thanks_an_advocate_and_asks_her_for_a_testimonial \
	tests/responses/test_incidents_browser.py::test_incident_screenshot_for_the_readme
docs: install-test
	REDIS_URL=$(TEST_REDIS_URL) bash scripts/test-services.sh
	DATABASE_URL=$(TEST_DATABASE_URL) REDIS_URL=$(TEST_REDIS_URL) RW_ALLOW_PRIVATE_SOURCES=1 RW_ALLOW_PLATFORM_BASE_URL=1 \
		$(VENV)/bin/pytest -q --docs-dir docs $(DOCS_TESTS)

bench: install-test
	REDIS_URL=$(TEST_REDIS_URL) bash scripts/test-services.sh --no-browser
	DATABASE_URL=$(TEST_DATABASE_URL) REDIS_URL=$(TEST_REDIS_URL) RW_ALLOW_PRIVATE_SOURCES=1 RW_ALLOW_PLATFORM_BASE_URL=1 \
		$(PY) bench/run.py

# 10,000 sources over 2,000 local feed hosts, beat and 1, 2, 4 prefork worker processes and a
# threads pool, two minutes each (about 12 minutes in all); workers use Redis db 6.
bench-scale: install-test
	REDIS_URL=$(TEST_REDIS_URL) bash scripts/test-services.sh --no-browser
	DATABASE_URL=$(TEST_DATABASE_URL) BENCH_SCALE_REDIS_URL=$${BENCH_SCALE_REDIS_URL:-redis://127.0.0.1:6379/6} \
		RW_ALLOW_PRIVATE_SOURCES=1 $(PY) bench/bench_scale.py $(BENCH_ARGS)

# Faults (kill -9, Redis restart, dropped PostgreSQL connections, two beats, duplicates, 10x load)
# and hostile documents against a stack of its own (database reviewwatch_chaos, redis-server on
# port 6390); prints the README's "Reliability" table. About 3 minutes.
chaos: install-test
	REDIS_URL=$(TEST_REDIS_URL) bash scripts/test-services.sh
	DATABASE_URL=$(TEST_DATABASE_URL) $(PY) bench/chaos.py

eval: install-test
	$(PY) bench/eval_classifier.py

# Rebuilds the shipped model's weights from ../shared/corpus/training/ (fixed seed: the same
# bytes each time) and prints its validation figures per source.
train: install-test
	$(PIP) install -q -e '.[test,train]'
	$(PY) -m monitors.classify.training

lint: install-test
	$(VENV)/bin/ruff check .

format: install-test
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

clean:
	rm -rf $(VENV) var
