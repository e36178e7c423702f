# The two commands of the README: `make run` and `make test`. Each sets itself up.
VENV ?= .venv
PY := $(VENV)/bin/python
PORT ?= 8000
# Absolute links in emails and feeds (`make run`): the server's own address unless set.
SITE_URL ?= http://localhost:$(PORT)
# When the demo event is: `make run DEMO_WHEN=--past` moves it to the past, with participants
# checked in whose certificates of attendance can be downloaded.
DEMO_WHEN ?= --starts-in-minutes 60
export DJANGO_SETTINGS_MODULE := alliance.settings

.PHONY: run test lint format bench messages clean

$(VENV)/.installed: pyproject.toml
	python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	touch $@

# Without REDIS_URL, Celery uses the embedded filesystem broker in var/broker: a worker with
# beat runs beside the dev server, so reminders arrive (in this terminal: emails go to the
# console unless EMAIL_URL says otherwise). Links in emails and feeds follow PORT unless
# SITE_URL is set.
run: $(VENV)/.installed
	$(PY) manage.py migrate --no-input
	SITE_URL=$(SITE_URL) $(PY) manage.py load_demo --organiser $(DEMO_WHEN)
	$(PY) manage.py load_demo_checkpoints
	mkdir -p var/broker
	export DEBUG=1 SITE_URL=$(SITE_URL); \
	if [ -z "$$REDIS_URL$$CELERY_BROKER_URL" ]; then export CELERY_BROKER_URL=filesystem://; fi; \
	$(VENV)/bin/celery -A alliance worker --beat --queues default,mail --concurrency 1 \
		--loglevel INFO --schedule var/celerybeat-schedule & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(PY) manage.py runserver $(PORT)

# pytest exits 5 when it collected no test: that is a failure, never a pass.
test: $(VENV)/.installed
	$(PY) -m pytest $(PYTEST_ARGS); status=$$?; \
	if [ $$status -eq 5 ]; then echo "make test: no test was collected" >&2; fi; exit $$status

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(VENV)/.installed
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

# Every benchmark runs; a script exits non-zero only when a check fails (a wrong status, a
# duplicate, a query count that grows), not when a speed target is missed.
bench: $(VENV)/.installed
	status=0; for script in bench/*.py; do $(PY) $$script || status=1; done; exit $$status

messages: $(VENV)/.installed
	$(PY) manage.py makemessages -l es -l pt_BR --no-obsolete -e html,txt,py,subject
	$(PY) manage.py compilemessages

clean:
	rm -rf $(VENV) staticfiles .pytest_cache db.sqlite3 var
