# dangvu — two commands matter: `make run` (app with demo data on SQLite) and `make test` (every test).
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
HOST   ?= 127.0.0.1
PORT   ?= 8000

.PHONY: run test lint typecheck check migrate demo worker clean messages bench

$(STAMP): requirements.txt requirements-dev.txt pyproject.toml
	@$(PYTHON) -c 'import sys; assert sys.version_info[:2] == (3, 11), "dangvu needs Python 3.11"'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -r requirements-dev.txt
	$(BIN)/python -m pip install -q --no-deps -e .
	touch $(STAMP)

migrate: $(STAMP)
	$(BIN)/dangvu migrate --noinput

demo: migrate
	$(BIN)/dangvu seed_demo --if-empty

## Set up, load the demo committee and serve http://$(HOST):$(PORT) with the job worker beside it.
run: demo
	@echo "Đảng vụ số: http://$(HOST):$(PORT)/  (Ctrl+C để dừng)"
	@trap 'kill 0' INT TERM EXIT; \
	  $(BIN)/dangvu run_huey --quiet & \
	  $(BIN)/dangvu runserver $(HOST):$(PORT)

## Set up and run the whole test suite (SQLite; set DATABASE_URL for PostgreSQL).
test: $(STAMP)
	$(BIN)/dangvu makemigrations --check --dry-run
	$(BIN)/pytest $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)
	$(BIN)/mypy dangvu

check: lint typecheck test

worker: $(STAMP)
	$(BIN)/dangvu run_huey

## Update the catalogues from the code (Vietnamese, English) and compile them; needs gettext (msgfmt).
## Translate the new entries of dangvu/locale/en/LC_MESSAGES/django.po (see docs/glossary.md) and commit
## the .po and .mo files.
messages: $(STAMP)
	$(BIN)/dangvu makemessages --locale vi --locale en
	cd dangvu && ../$(BIN)/dangvu compilemessages

bench: $(STAMP)
	$(BIN)/python bench/run_all.py

clean:
	rm -rf $(VENV) var build *.egg-info
