# KommunalCampus — set-up and everyday commands for a Debian machine with Swift 6 installed.
#
#   make run    installs missing Debian packages, builds `campus` (release) and runs it: by default the
#               web service with demo data on SQLite (campus serve --demo); other commands with ARGS="..."
#   make test   installs missing Debian packages and the Python judges (pyHanko, numpy, scipy, into
#               .build/venv, a virtual environment this Makefile owns) and runs all tests: the Swift tests, then
#               the service tests in Tests/Service (pytest against a running `campus serve`, with Chromium)
#   make test-service   only the service tests (builds the debug `campus` first)
#
# Works as root or, where sudo is installed, as a user who may use sudo.

APT_PACKAGES := pkg-config libssl-dev libqrencode-dev libharfbuzz-dev zlib1g-dev libzip-dev libxml2 fonts-dejavu-core \
                zbar-tools poppler-utils qpdf libnss3-tools openssl python3 python3-venv librsvg2-bin \
                libargon2-dev libsqlite3-dev postgresql chromium chromium-driver
# The tests' Python judges, pinned so that every machine judges alike: pyHanko checks the PDF signatures,
# numpy and scipy recompute the item statistics of `campus bank stats`. The service tests (Tests/Service) run
# on pytest: openapi-spec-validator and schemathesis hold openapi.yaml against the running service, Selenium
# drives Chromium, axe-selenium-python injects axe-core 4 from axe-core-python into the pages.
PYTHON_PACKAGES := pyhanko-cli==0.6.0 pyHanko==0.38.0 numpy==2.4.6 scipy==1.17.1 \
                   pytest==9.2.0 openapi-spec-validator==0.9.0 schemathesis==4.32.5 selenium==4.51.0 \
                   axe-selenium-python==2.1.6 axe-core-python==0.1.0 requests==2.34.2 PyYAML==6.0.4 \
                   pycose==1.1.0 cbor2==6.2.1 base45==0.4.4 jwcrypto==1.6.1
VENV := .build/venv
ARGS ?= serve --demo

.PHONY: run test test-service deps test-deps build bench

deps:
	@missing=""; for package in $(APT_PACKAGES); do \
	  dpkg -s $$package >/dev/null 2>&1 || missing="$$missing $$package"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "Installing Debian packages:$$missing"; \
	  sudo=""; \
	  if [ "$$(id -u)" != 0 ]; then \
	    command -v sudo >/dev/null 2>&1 || { echo "Missing Debian packages:$$missing; run 'make' as root or install them (sudo is not available)" >&2; exit 1; }; \
	    sudo=sudo; \
	  fi; \
	  $$sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -qq $$missing; \
	fi

build: deps
	swift build -c release --product campus

run: build
	.build/release/campus $(ARGS)

# The Python judges live in a virtual environment of our own (Debian's Python refuses system-wide pip
# installs, PEP 668). Its package list is kept in $(VENV)/requirements.txt; when PYTHON_PACKAGES changes,
# the environment is made anew.
test-deps: deps
	@if [ "$$(cat $(VENV)/requirements.txt 2>/dev/null)" != "$(PYTHON_PACKAGES)" ] || ! $(VENV)/bin/pyhanko --version >/dev/null 2>&1; then \
	  echo "Installing the Python judges into $(VENV) (PyPI: $(PYTHON_PACKAGES))"; \
	  rm -rf $(VENV) && python3 -m venv $(VENV) && \
	  $(VENV)/bin/python -m pip install --quiet --disable-pip-version-check $(PYTHON_PACKAGES) && \
	  echo "$(PYTHON_PACKAGES)" > $(VENV)/requirements.txt; \
	fi

# The storage and service tests run against SQLite and against a throwaway PostgreSQL server that
# scripts/with-postgres starts for the run and removes afterwards.
test: test-deps
	PATH="$(CURDIR)/$(VENV)/bin:$$PATH" scripts/with-postgres swift test
	swift build --product campus
	CAMPUS_BIN=.build/debug/campus PYTHONDONTWRITEBYTECODE=1 scripts/with-postgres $(VENV)/bin/python -m pytest -q Tests/Service

# The service tests alone: openapi.yaml, the API under schemathesis, the browser flows, the life cycle and the
# crash test (also on a throwaway PostgreSQL), each against a real `campus serve --demo` of the debug build.
test-service: test-deps
	swift build --product campus
	CAMPUS_BIN=.build/debug/campus PYTHONDONTWRITEBYTECODE=1 scripts/with-postgres $(VENV)/bin/python -m pytest -q Tests/Service

bench: build
	.build/release/campus bench score
	.build/release/campus bench issue
	.build/release/campus bench verify
	.build/release/campus bench hostile
