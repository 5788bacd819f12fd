"""The service's life cycle: SIGTERM while it serves ends it with status 0, its audit log stays intact, and a
second start on the same data folder makes no accounts and prints no passwords."""

from __future__ import annotations

import subprocess
import threading
import time

import requests

from api import Browserless, CampusServer, campus_binary, expect


def test_sigterm_audit_and_second_start(tmp_path):
    data = tmp_path / "data"
    first = CampusServer(data=data).start()
    try:
        assert "admin" in first.logins and "anbieter" in first.logins, first.stdout_lines
        assert any("must choose a new password" in line for line in first.stdout_lines)
        # Something for the audit log: a failed and a successful sign-in.
        client = Browserless(first.url)
        refused = client.post_form("/login", "/login", {"login": "anbieter", "password": "falsch-falsch"})
        assert refused.status_code == 422
        client.sign_in("anbieter", first.password("anbieter"))

        # Requests keep coming while SIGTERM arrives: each one is answered in full or refused at connect.
        answers: list[object] = []
        stop = threading.Event()

        def load() -> None:
            session = requests.Session()
            for _ in range(2000):
                if stop.is_set():
                    return
                try:
                    answer = session.get(first.url + "/readyz", timeout=10)
                    answers.append(answer.status_code)
                except requests.ConnectionError:
                    answers.append("refused")
                    return

        worker = threading.Thread(target=load)
        worker.start()
        try:
            deadline = time.monotonic() + 30
            while len(answers) < 20 and time.monotonic() < deadline:
                time.sleep(0.05)
            assert len(answers) >= 20, f"the service answered only {len(answers)} requests: {answers}"
            status = first.terminate()
        finally:
            stop.set()
            worker.join(timeout=30)
        assert status == 0, f"exit status {status} after SIGTERM; log:\n{first.log_tail()}"
        assert answers and all(answer in (200, "refused") for answer in answers), sorted(set(map(str, answers)))
    finally:
        first.kill()

    audit = subprocess.run(
        [str(campus_binary()), "audit", "verify", "--data", str(data)], capture_output=True, text=True, timeout=120
    )
    assert audit.returncode == 0, audit.stdout + audit.stderr
    assert audit.stdout.startswith("audit log intact: "), audit.stdout
    rows = int(audit.stdout.split(": ", 1)[1].split()[0])
    assert rows >= 3, audit.stdout

    second = CampusServer(data=data).start()
    try:
        printed = "\n".join(second.stdout_lines)
        assert second.url and "KommunalCampus serves on" in printed
        assert "password" not in printed.lower(), f"a second start printed passwords:\n{printed}"
        assert second.logins == {}
        # The accounts of the first start are still there, with their passwords.
        client = Browserless(second.url)
        client.sign_in("anbieter", first.password("anbieter"))
        assert expect(requests.get(second.url + "/readyz", timeout=30), 200)["status"] == "ready"
        status = second.terminate()
        assert status == 0, f"exit status {status} after SIGTERM; log:\n{second.log_tail()}"
    finally:
        second.kill()

    audit = subprocess.run(
        [str(campus_binary()), "audit", "verify", "--data", str(data)], capture_output=True, text=True, timeout=120
    )
    assert audit.returncode == 0 and audit.stdout.startswith("audit log intact: "), audit.stdout + audit.stderr
    assert int(audit.stdout.split(": ", 1)[1].split()[0]) > rows, "the second start's sign-in was logged"
