"""Helpers of the service tests: the routes the Swift sources declare, the OpenAPI description, a running
`campus serve` and signed-in HTTP clients.

"""

from __future__ import annotations

import contextlib
import html
import importlib
import json
import os
import queue
import re
import secrets
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import requests
import yaml

ROOT = Path(__file__).resolve().parents[2]
SOURCES = ROOT / "Sources" / "Service"
SPEC = ROOT / "openapi.yaml"
SCREENSHOTS = ROOT / ".build" / "screenshots"

# Routes that tests already cover but the service does not serve yet, as `METHOD /path/:param` (e.g.
# "POST /api/v1/certificates/:id/revoke"); their tests skip. Remove each entry as its route lands in
# Sources/Service. Empty since the verification and certificate routes landed.
# Machine-readable documents outside /api/v1 that the OpenAPI description covers, whatever kind they are declared.
DOCUMENTS = {"/healthz", "/readyz", "/status/list", "/.well-known/campus-trust.json"}


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() in ("1", "true", "yes")


def unavailable(reason: str) -> None:
    """A missing tool: a failure in CI, a skip elsewhere."""
    if in_ci():
        pytest.fail(f"{reason} (CI=true: a missing tool fails the run)")
    pytest.skip(reason)


def need(module: str):
    """Imports a test tool: a missing one skips the module, or fails it under CI=true."""
    if in_ci():
        return importlib.import_module(module)
    return pytest.importorskip(module, reason=f"{module} is not installed (make test-deps installs it)")


def shape(route: str) -> str:
    """`GET /a/:x/b` or `GET /a/{x}/b` as `GET /a/{}/b`: routes compare without parameter names."""
    method, path = route.split(" ", 1)
    path = re.sub(r":[A-Za-z_][A-Za-z0-9_]*", "{}", path)
    path = re.sub(r"\{[^}/]*\}", "{}", path)
    return f"{method.upper()} {path}"


@dataclass(frozen=True)
class Declared:
    method: str
    path: str
    access: str
    kind: str
    file: str
    line: int

    @property
    def route(self) -> str:
        return f"{self.method} {self.path}"


_ADD = re.compile(
    r'registry\.add\(\s*\.(?P<method>[a-z]+)\s*,\s*"(?P<path>[^"]+)"\s*,(?P<access>.*?),\s*\.(?P<kind>page|api)\b',
    re.S,
)


def declared_routes() -> list[Declared]:
    """Every `registry.add(...)` in the service's Swift sources (method, path, access, kind)."""
    routes = []
    for source in sorted(SOURCES.glob("*.swift")):
        text = source.read_text(encoding="utf-8")
        for match in _ADD.finditer(text):
            line = text.count("\n", 0, match.start()) + 1
            routes.append(
                Declared(
                    match["method"].upper(), match["path"], " ".join(match["access"].split()), match["kind"],
                    source.name, line,
                )
            )
    return routes


def load_spec() -> dict:
    with SPEC.open(encoding="utf-8") as file:
        return yaml.safe_load(file)


def spec_routes(spec: dict) -> set[str]:
    methods = {"get", "put", "post", "delete", "patch", "head", "options"}
    return {
        f"{method.upper()} {path}"
        for path, item in spec["paths"].items()
        for method in item
        if method in methods
    }


# ---------------------------------------------------------------------------------------------------------------
# A running `campus serve`


def campus_binary() -> Path:
    path = Path(os.environ.get("CAMPUS_BIN", ".build/debug/campus"))
    if not path.is_absolute():
        path = ROOT / path
    return path


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Login:
    login: str
    password: str
    roles: str


_SERVES = re.compile(r"^KommunalCampus serves on (http://\S+)")
_ACCOUNT = re.compile(r"^\s+(\S+)\s+password: (\S+)\s+\((.*)\)\s*$")


@dataclass
class CampusServer:
    """`campus serve --demo` on SQLite in its own data folder, on a free port of the loopback address; on the
    PostgreSQL database at the URL `database` (`--database postgres://…`) instead when that is given (the data folder
    then holds the demo keys and the log)."""

    data: Path
    port: int = field(default_factory=free_port)
    process: subprocess.Popen | None = None
    url: str = ""
    stdout_lines: list[str] = field(default_factory=list)
    logins: dict[str, Login] = field(default_factory=dict)
    log_path: Path | None = None
    database: str | None = None

    def start(self, timeout: float = 120) -> "CampusServer":
        binary = campus_binary()
        if not binary.exists():
            pytest.fail(f"{binary}: no campus binary; build it (swift build --product campus) or set CAMPUS_BIN")
        self.data.mkdir(parents=True, exist_ok=True)
        self.log_path = self.data / f"serve-{self.port}.log"
        log = self.log_path.open("ab")
        self.stdout_lines = []
        self.logins = {}
        database = ["--database", self.database] if self.database else []
        self.process = subprocess.Popen(
            [str(binary), "serve", "--demo", "--data", str(self.data), "--port", str(self.port)] + database,
            stdout=subprocess.PIPE, stderr=log, stdin=subprocess.DEVNULL, cwd=ROOT, text=True,
        )
        log.close()
        lines: queue.Queue[str | None] = queue.Queue()

        def read() -> None:
            assert self.process and self.process.stdout
            for line in self.process.stdout:
                lines.put(line.rstrip("\n"))
            lines.put(None)

        threading.Thread(target=read, daemon=True).start()
        deadline = time.monotonic() + timeout
        while not self.url:
            line = self._next(lines, deadline)
            self.stdout_lines.append(line)
            if match := _SERVES.match(line):
                self.url = match[1]
        # The accounts block follows in the same write on a first start; a later start prints none.
        while True:
            try:
                line = lines.get(timeout=1.5)
            except queue.Empty:
                break
            if line is None:
                break
            self.stdout_lines.append(line)
            if match := _ACCOUNT.match(line):
                self.logins[match[1]] = Login(match[1], match[2], match[3])
            if "must choose a new password" in line:
                break
        self.wait_until_healthy(deadline)
        return self

    def _next(self, lines: "queue.Queue[str | None]", deadline: float) -> str:
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                self.kill()
                pytest.fail(f"campus serve printed no address in time; log:\n{self.log_tail()}")
            try:
                line = lines.get(timeout=min(remaining, 1))
            except queue.Empty:
                if self.process and self.process.poll() is not None:
                    pytest.fail(
                        f"campus serve ended with status {self.process.returncode} before serving; "
                        f"log:\n{self.log_tail()}"
                    )
                continue
            if line is None:
                pytest.fail(f"campus serve closed its output before serving; log:\n{self.log_tail()}")
            return line

    def wait_until_healthy(self, deadline: float) -> None:
        while time.monotonic() < deadline:
            if self.process and self.process.poll() is not None:
                pytest.fail(f"campus serve ended with status {self.process.returncode}; log:\n{self.log_tail()}")
            try:
                if requests.get(self.url + "/healthz", timeout=2).status_code == 200:
                    return
            except requests.ConnectionError:
                pass
            time.sleep(0.1)
        self.kill()
        pytest.fail(f"campus serve did not answer /healthz in time; log:\n{self.log_tail()}")

    def log_tail(self, lines: int = 40) -> str:
        if not self.log_path or not self.log_path.exists():
            return "(no log)"
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])

    def terminate(self, timeout: float = 30) -> int:
        """SIGTERM, then the exit status (the process is killed and the test fails when it does not end)."""
        assert self.process
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        try:
            return self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.kill()
            pytest.fail(f"campus serve did not end within {timeout} s of SIGTERM; log:\n{self.log_tail()}")

    def kill(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)

    def password(self, login: str) -> str:
        return self.logins[login].password


def start_server(data: Path | None = None, database: str | None = None) -> CampusServer:
    return CampusServer(data=data or Path(tempfile.mkdtemp(prefix="campus-test-")), database=database).start()


def _psql() -> str | None:
    found = shutil.which("psql")
    if found:
        return found
    installed = sorted(Path("/usr/lib/postgresql").glob("*/bin/psql"), key=lambda path: int(path.parts[-3]))
    return str(installed[-1]) if installed else None


@contextlib.contextmanager
def postgres_database(prefix: str = "campus_test"):
    """A new, empty database on the PostgreSQL server at CAMPUS_TEST_POSTGRES (`scripts/with-postgres` sets it;
    `make test` runs pytest inside it), as a `postgres://…` URL for `campus serve --database`; dropped afterwards,
    also while a client is still connected."""
    server = os.environ.get("CAMPUS_TEST_POSTGRES", "")
    if not server:
        unavailable("CAMPUS_TEST_POSTGRES is not set (run pytest inside scripts/with-postgres, as make test does)")
    psql = _psql()
    if not psql:
        unavailable("psql is missing (apt-get install postgresql-client)")
    name = f"{prefix}_{secrets.token_hex(4)}"
    url = urllib.parse.urlunsplit(urllib.parse.urlsplit(server)._replace(path="/" + name))

    def run(statement: str) -> None:
        done = subprocess.run(
            [psql, server, "-X", "-q", "-v", "ON_ERROR_STOP=1", "-c", statement],
            capture_output=True, text=True, timeout=60,
        )
        assert done.returncode == 0, f"psql {statement!r} failed ({done.returncode}): {done.stderr}"

    run(f'CREATE DATABASE "{name}"')
    try:
        yield url
    finally:
        run(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


# ---------------------------------------------------------------------------------------------------------------
# Clients

_CSRF = re.compile(r'name="_csrf" value="([^"]*)"')
_NEW_TOKEN = re.compile(r'<code id="new-token">([^<]+)</code>')


def csrf_of(page: str) -> str:
    match = _CSRF.search(page)
    assert match, "the page has no form with a CSRF token"
    return html.unescape(match[1])


class Browserless:
    """A cookie session that signs in through the forms, as a browser would (no JavaScript)."""

    def __init__(self, base: str):
        self.base = base
        self.http = requests.Session()

    def get(self, path: str, **kwargs) -> requests.Response:
        return self.http.get(self.base + path, timeout=30, **kwargs)

    def post_form(self, path: str, form_page: str, data: dict, files: dict | None = None) -> requests.Response:
        """Posts `data` to `path` with the CSRF token of the page at `form_page`."""
        token = csrf_of(self.get(form_page).text)
        return self.http.post(
            self.base + path, data={"_csrf": token, **data}, files=files, timeout=60, allow_redirects=False
        )

    def sign_in(self, login: str, password: str) -> requests.Response:
        answer = self.post_form("/login", "/login", {"login": login, "password": password})
        assert answer.status_code == 303, f"sign-in of {login} refused: {answer.status_code}"
        return answer

    def change_password(self, current: str, new: str) -> None:
        answer = self.post_form(
            "/account/password", "/account/password", {"current": current, "new": new, "repeat": new}
        )
        assert answer.status_code == 303 and answer.headers["location"].startswith("/"), (
            f"password change refused: {answer.status_code}"
        )

    def new_token(self, name: str = "tests") -> str:
        answer = self.post_form("/account/tokens", "/account", {"name": name})
        assert answer.status_code == 200, f"token refused: {answer.status_code}"
        match = _NEW_TOKEN.search(answer.text)
        assert match, "the account page shows no new token"
        return html.unescape(match[1])


class Api:
    """JSON requests with a bearer token."""

    def __init__(self, base: str, token: str | None):
        self.base = base
        self.http = requests.Session()
        if token:
            self.http.headers["Authorization"] = f"Bearer {token}"

    def request(self, method: str, path: str, **kwargs) -> requests.Response:
        kwargs.setdefault("timeout", 60)
        return self.http.request(method, self.base + path, **kwargs)

    def get(self, path: str, **kwargs) -> requests.Response:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, **kwargs) -> requests.Response:
        return self.request("POST", path, **kwargs)


def expect(answer: requests.Response, status: int) -> dict:
    """The JSON of `answer`, after checking its status (the body is in the failure message)."""
    assert answer.status_code == status, (
        f"{answer.request.method} {answer.request.url}: {answer.status_code}, expected {status}: {answer.text[:800]}"
    )
    return answer.json() if answer.content else {}


def expect_error(answer: requests.Response, status: int, code: str | None = None) -> dict:
    body = expect(answer, status)
    assert set(body) >= {"error"} and {"code", "message"} <= set(body["error"]), f"not the error shape: {body}"
    if code:
        assert body["error"]["code"] == code, body
    return body["error"]


@dataclass
class Account:
    login: str
    password: str
    token: str


def prepare_account(server: CampusServer, login: str, password: str, *, new_password: str | None = None) -> Account:
    """Signs `login` in, replaces a one-time password when asked to, and makes an API token."""
    client = Browserless(server.url)
    answer = client.sign_in(login, password)
    if answer.headers["location"] == "/account/password":
        new_password = new_password or f"Neu-{login}-Passwort-2026"
        client.change_password(password, new_password)
        password = new_password
    return Account(login, password, client.new_token())


# ---------------------------------------------------------------------------------------------------------------
# Test data: banks, gradebooks, certificates

DEMO_COURSE = "digitale-verwaltung-kompakt"
DEMO_ORGANISATION = "demo-akademie"
SAMPLE_BANK = "datenschutz-dsgvo"


def broken_bank() -> tuple[str, int]:
    """The sample bank with the answer of its first item changed to an option it does not have: the text and
    the (1-based) line of the error."""
    lines = (ROOT / "question-banks" / f"{SAMPLE_BANK}.yaml").read_text(encoding="utf-8").split("\n")
    start = next(index for index, line in enumerate(lines) if line.strip() == "- id: dsgvo-001")
    index = next(index for index in range(start, len(lines)) if lines[index].strip() == "answer: a")
    lines[index] = lines[index].replace("answer: a", "answer: z")
    return "\n".join(lines), index + 1


def revised_bank() -> str:
    """The sample bank, valid, with a new bank version: different content from the demo's version 1."""
    text = (ROOT / "question-banks" / f"{SAMPLE_BANK}.yaml").read_text(encoding="utf-8")
    assert "\nversion: 1.0.0\n" in text
    return text.replace("\nversion: 1.0.0\n", "\nversion: 1.1.0\n", 1)


def learner_record(learner_id: str, name: str, *, viewed: float = 90, homework: float = 8, exam: float = 10,
                   birth_date: str | None = None) -> dict:
    proctored = {"proctor": "aufsicht", "consent": True}
    record = {
        "id": learner_id,
        "name": name,
        "contentViewed": viewed,
        "attempts": [
            {"assessment": "hausaufgabe-datenschutz", "points": homework, "proctoring": proctored},
            {"assessment": "abschlusspruefung", "points": exam, "proctoring": proctored},
        ],
    }
    if birth_date:
        record["birthDate"] = birth_date
    return record


def demo_gradebook(learners: list[dict]) -> dict:
    """A gradebook of the demo course (the format `campus grade` and `campus issue --gradebook` read)."""
    return {
        "course": {
            "id": DEMO_COURSE,
            "title": "Digitale Verwaltung kompakt",
            "provider": "Demo-Akademie Verwaltungsdigitalisierung",
            "ects": 5,
            "start": "2026-09-01",
            "end": "2027-02-28",
            "thresholds": {"attendance": 50, "scored": 50},
            "assessments": [
                {"id": "hausaufgabe-datenschutz", "kind": "homework", "maxPoints": 10},
                {"id": "abschlusspruefung", "kind": "exam", "maxPoints": 12},
            ],
        },
        "learners": learners,
    }


def enrol(api: Api, learner_id: str, name: str, birth_date: str = "1985-06-01") -> None:
    answer = api.post(
        f"/api/v1/courses/{DEMO_COURSE}/enrolments",
        json={"learnerId": learner_id, "name": name, "email": f"{learner_id}@example.org", "birthDate": birth_date},
    )
    assert answer.status_code in (200, 201), answer.text


def issue(api: Api, gradebook: dict) -> dict[str, dict]:
    """Issues through the API; the result of every learner, by learner id."""
    answer = expect(api.post(f"/api/v1/courses/{DEMO_COURSE}/certificates", json=gradebook), 200)
    assert isinstance(answer.get("issued"), int) and isinstance(answer.get("results"), list), answer
    return {result["learner"]: result for result in answer["results"]}


def verification_url(pdf: bytes, work: Path) -> str:
    """The URL in the certificate's QR code (`BASE/V/ID#TOKEN`, scheme and host upper case), read with pdftoppm and
    zbarimg."""
    for tool in ("pdftoppm", "zbarimg"):
        if not shutil.which(tool):
            unavailable(f"{tool} is missing (apt-get install poppler-utils zbar-tools)")
    work.mkdir(parents=True, exist_ok=True)
    (work / "certificate.pdf").write_bytes(pdf)
    subprocess.run(
        ["pdftoppm", "-r", "200", "-png", "-f", "1", "-l", "1", str(work / "certificate.pdf"), str(work / "page")],
        check=True, timeout=60,
    )
    image = next(work.glob("page*.png"))
    found = subprocess.run(
        ["zbarimg", "--quiet", "--raw", "-Sdisable", "-Sqrcode.enable", str(image)],
        capture_output=True, text=True, timeout=60,
    )
    urls = [line for line in found.stdout.splitlines() if "/v/" in line.lower()]
    assert urls, f"no verification URL in the QR code (zbarimg: {found.stdout!r} {found.stderr!r})"
    return urls[0]


def offline_verdict(pdf: Path, trust: Path, status: Path | None = None) -> dict:
    """`campus verify --json` on `pdf` (with the status list `status`): the offline verifier as judge."""
    run = subprocess.run(
        [str(campus_binary()), "verify", str(pdf), "--trust", str(trust), "--json"]
        + (["--status", str(status)] if status else []),
        capture_output=True, text=True, timeout=120,
    )
    assert run.returncode in (0, 1), f"campus verify failed ({run.returncode}): {run.stderr}"
    return json.loads(run.stdout)


def tampered(pdf: bytes) -> bytes:
    """The PDF with one byte of its first content stream changed (same length, so the file still reads)."""
    marker = pdf.find(b"stream\n", pdf.find(b"/Length"))
    assert marker > 0, "no stream in the PDF"
    position = marker + len(b"stream\n") + 16
    return pdf[:position] + bytes([pdf[position] ^ 0x55]) + pdf[position + 1:]


class _FromAddress(requests.adapters.HTTPAdapter):
    """Connects from a chosen source address (the service limits some routes per client address)."""

    def __init__(self, address: str, **kwargs):
        self.address = address
        super().__init__(**kwargs)

    def init_poolmanager(self, *args, **kwargs):
        kwargs["source_address"] = (self.address, 0)
        super().init_poolmanager(*args, **kwargs)


def session_from(address: str) -> requests.Session:
    """A session whose connections come from `address`, one of the loopback range 127.0.0.0/8."""
    assert address.startswith("127."), "only loopback addresses"
    session = requests.Session()
    session.mount("http://", _FromAddress(address))
    return session


def loopback_address(index: int) -> str:
    """The `index`-th loopback address after 127.0.0.1 (127.0.1.1, 127.0.1.2, …)."""
    return f"127.0.{1 + index // 250}.{1 + index % 250}"
