"""Fixtures of the service tests: real `campus serve --demo` processes on SQLite in temporary data folders.

- `server`: one demo service shared by the browser flows that do not need a fresh one (session scope).
- `fresh_server`: a service of its own for a test that needs the printed one-time passwords untouched.
- `admin`, `provider`: accounts of `server` with API tokens (the admin's one-time password replaced).

Every service is stopped with SIGTERM at the end and must exit with status 0.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from api import Account, CampusServer, prepare_account, start_server  # noqa: E402


def stop(server: CampusServer) -> None:
    status = server.terminate()
    assert status == 0, f"campus serve exited with status {status} after SIGTERM; log:\n{server.log_tail()}"


@pytest.fixture(scope="session")
def server(tmp_path_factory):
    running = start_server(tmp_path_factory.mktemp("campus-shared"))
    yield running
    stop(running)


@pytest.fixture
def fresh_server(tmp_path_factory):
    running = start_server(tmp_path_factory.mktemp("campus-fresh"))
    yield running
    stop(running)


@pytest.fixture(scope="session")
def admin(server) -> Account:
    return prepare_account(server, "admin", server.password("admin"))


@pytest.fixture(scope="session")
def provider(server) -> Account:
    return prepare_account(server, "anbieter", server.password("anbieter"))


@pytest.fixture
def chromium():
    from browser import start_chromium

    driver = start_chromium()
    yield driver
    driver.quit()


@pytest.fixture
def site(chromium, server):
    from browser import Site

    return Site(chromium, server.url)
