# The two commands of README.md: `make run` and `make test`. Everything they need is installed here.
PIPENV := PIPENV_VENV_IN_PROJECT=1 PIPENV_VERBOSITY=-1 PIPENV_NOSPIN=1 python3 -m pipenv
RUN := $(PIPENV) run
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test lint lock pipenv install install-dev bench

pipenv:
	@python3 -m pipenv --version >/dev/null 2>&1 || python3 -m pip install --quiet pipenv

install: pipenv
	$(PIPENV) sync

install-dev: pipenv
	$(PIPENV) sync --dev

## Run the service on embedded defaults (SQLite, no broker, console email) with demo data.
run: install
	$(RUN) python manage.py migrate --noinput
	$(RUN) python manage.py collectstatic --noinput --verbosity 0
	$(RUN) python manage.py load_demo_data
	$(RUN) python manage.py runserver $(HOST):$(PORT)

## Run the whole test suite (SQLite unless DATABASE_URL says otherwise).
test: install-dev
	$(RUN) pytest $(PYTEST_ARGS)
	$(RUN) pytest --no-cov -n 0 -m untraced

lint: install-dev
	$(RUN) flake8

## Re-lock dependencies (and strip index addresses from the lock).
lock: pipenv
	bash scripts/lock

## Benchmark against a local PostgreSQL (docs/performance.md); e.g. make bench BENCH_ARGS="--payments 1000000".
bench: install-dev
	python3 bench/run.py $(BENCH_ARGS)
