# One command to set up and run, one to set up and test. Everything lands in .venv and .index (git-ignored).
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1

.PHONY: run chat serve test index install browser postgres bench clean

run: index
	$(VENV)/bin/streamlit run app.py --server.headless true --browser.gatherUsageStats false

chat: index
	$(PY) -m helpdesk ask

serve: index
	$(PY) -m helpdesk serve --host 127.0.0.1 --port 8000

test: install browser postgres
	$(PY) -m pytest -q

# The browser tests use Debian's Chromium (a test tool's own browser download cannot work offline).
browser:
	@command -v chromium >/dev/null || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null)

# The database and replica tests start a throw-away cluster from Debian's PostgreSQL (tests/postgres.py).
postgres:
	@ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || command -v initdb >/dev/null || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null)

index: install
	$(PY) -m ingest

install: $(VENV)/.installed

$(VENV)/.installed: requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

bench: index
	$(PY) -m eval.bench

clean:
	rm -rf $(VENV) .index
