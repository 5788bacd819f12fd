# KommunalCampus — set-up and everyday commands for a Debian machine with Swift 6 installed.
#
#   make run    installs missing Debian packages, builds `campus` (release) and runs it
#               (default: a self-test; pass other arguments with ARGS="...")
#   make test   installs missing Debian packages and pyHanko (libraries and the outside validators)
#               and runs all tests

APT_PACKAGES := pkg-config libssl-dev libqrencode-dev libharfbuzz-dev zlib1g-dev libzip-dev libxml2 fonts-dejavu-core \
                zbar-tools poppler-utils qpdf libnss3-tools
ARGS ?= quiz question-banks/datenschutz-dsgvo.yaml --count 10

.PHONY: run test deps test-deps build bench

deps:
	@missing=""; for package in $(APT_PACKAGES); do \
	  dpkg -s $$package >/dev/null 2>&1 || missing="$$missing $$package"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "Installing Debian packages:$$missing"; \
	  sudo=""; [ "$$(id -u)" = 0 ] || sudo=sudo; \
	  $$sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -qq $$missing; \
	fi

build: deps
	swift build -c release --product campus

run: build
	.build/release/campus $(ARGS)

# pyHanko judges the PDF signatures in the tests (PyPI: pyhanko-cli brings the `pyhanko` command).
test-deps: deps
	@command -v pyhanko >/dev/null 2>&1 || { \
	  echo "Installing pyHanko (pip: pyhanko-cli)"; \
	  python3 -m pip install --quiet --disable-pip-version-check pyhanko-cli && \
	  { command -v pyenv >/dev/null 2>&1 && pyenv rehash || true; }; }

PYTHON_SCRIPTS := $(shell python3 -c 'import sysconfig; print(sysconfig.get_path("scripts"))' 2>/dev/null)

test: test-deps
	PATH="$(PYTHON_SCRIPTS):$$PATH" swift test

bench: build
	.build/release/campus bench score
	.build/release/campus bench issue
	.build/release/campus bench verify
