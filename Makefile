# Two commands on a fresh machine: `make demo` and `make test`.
# Each creates .venv with python3 when it is missing and installs what it needs.

PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.pingcore-installed

.PHONY: demo serve test lint bench docs fuzz load clean

$(STAMP): pyproject.toml
	@echo "Setting up the environment in $(VENV) (the first time takes a minute or two)..."
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev,django,flask,docs,queues]'
	touch $(STAMP)

demo: $(STAMP)
	$(PY) -m pingcore demo

# The demo's two blogs, kept up until Ctrl-C: open them in a browser.
serve: $(STAMP)
	$(PY) -m pingcore demo --serve

test: $(STAMP)
	$(PY) -m pytest -q

lint: $(STAMP)
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(PY) -m mypy

# trafilatura (the bench extra) runs beside parse_source; pingcore never imports it.
bench: $(STAMP)
	$(PY) -c 'import trafilatura' 2>/dev/null || $(PY) -m pip install --quiet -e '.[bench]'
	$(PY) -m bench

# The documentation site, into site/; a warning (a broken link, a missing page) fails it.
docs: $(STAMP)
	@# Not --quiet: it hides the warnings from --strict too, which then passes them.
	NO_MKDOCS_2_WARNING=1 $(PY) -m mkdocs build --strict
	$(PY) .ci/check-api-reference site

clean:
	rm -rf $(VENV) .nox .pytest_cache .mypy_cache .ruff_cache site

matrix: $(STAMP)
	$(PY) -m nox

# The attack suite's property tests with many more examples (tests/security/conftest.py).
fuzz: $(STAMP)
	HYPOTHESIS_PROFILE=fuzz $(PY) -m pytest -q tests/security/test_fuzz.py --hypothesis-show-statistics

# Hostile and good pings against both apps under gunicorn, on loopback (bench/load):
# 4 workers, RQ queue workers and a redis-server of its own (/usr/bin/redis-server).
load: $(STAMP)
	@# find_spec, not import: django_tasks_rq needs Django's settings to import.
	$(PY) -c 'import importlib.util as u, sys; sys.exit(any(u.find_spec(m) is None for m in ("gunicorn", "redis", "rq", "django_tasks_rq")))' \
		|| $(PY) -m pip install --quiet -e '.[load,queues]'
	$(PY) -m bench.load
