"""Crash safety of saved answers: while learners save answers, `campus serve` is killed with SIGKILL, started again
on the same data folder (SQLite) or the same database (PostgreSQL), and every answer it had acknowledged with a 2xx
status is there.

The demo learner starts seven attempts (the homework, the final exam and five self-tests); each attempt gets a
thread of its own that saves answer after answer to the attempt's items in a tight loop, the attempt's sequence
number counting up from 1 and every save different from the one before. Each save is noted before it is sent, and
as acknowledged once the service answers it with a 2xx status. The service is killed while the saves go on; the save
whose request fails then is not acknowledged: it may or may not have been stored. After the restart, every attempt:

- has a stored sequence at least its highest acknowledged one (and at most its highest sent one);
- holds for each item one of the answers sent for it at or after the item's last acknowledged save (an item that
  had no acknowledged save holds nothing or one of the answers sent for it);
- holds for the item of the save numbered with the stored sequence exactly that save's answer (answers and
  sequence are written together).

Some hundreds of saves must have been acknowledged before the kill, so that the check has something to check.
"""

from __future__ import annotations

import itertools
import os
import signal
import threading
import time
from dataclasses import dataclass, field

import pytest
import requests

from api import DEMO_COURSE, Api, CampusServer, expect, postgres_database, prepare_account

ATTEMPT_SETS = ["hausaufgabe-datenschutz", "final-exam"] + ["selbsttest-e-akte"] * 5
MIN_SAVING = 1.5  # seconds of saving before the kill, at least
MIN_ACKNOWLEDGED = 300  # acknowledged saves before the kill, at least
MAX_SAVING = 20  # seconds to reach MIN_ACKNOWLEDGED
TIMEOUT = (3, 10)  # connect and read timeouts of a save, in seconds


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request):
    """None for SQLite in the data folder, or the URL of a new PostgreSQL database (dropped afterwards)."""
    if request.param == "sqlite":
        yield None
        return
    with postgres_database("campus_crash") as url:
        yield url


@dataclass(frozen=True)
class Save:
    sequence: int
    item: str
    answer: dict


@dataclass
class SavingAttempt:
    """One attempt and the saves its thread sent, with those the service acknowledged."""

    id: str
    items: list[dict]
    sent: list[Save] = field(default_factory=list)
    acknowledged: dict[str, Save] = field(default_factory=dict)  # by item: the last acknowledged save
    highest_acknowledged: int = 0
    count_acknowledged: int = 0
    refused: str | None = None  # a non-2xx answer, which ends the loop (none is expected)
    ended_by: str | None = None  # the request failure that ended the loop (the kill)


def varied_answer(item: dict, n: int) -> dict | None:
    """An answer to `item` that fits its kind and changes with `n` (None for a kind this test does not know)."""
    kind, body = next(iter(item["body"].items()))
    if kind == "singleChoice":
        options = [option["id"] for option in body["options"]]
        return {"type": "choice", "value": options[n % len(options)]}
    if kind == "multipleResponse":
        options = [option["id"] for option in body["options"]]
        return {"type": "choices", "value": sorted({options[n % len(options)], options[(n + 1) % len(options)]})}
    if kind == "trueFalse":
        return {"type": "truth", "value": n % 2 == 0}
    if kind == "shortText":
        return {"type": "text", "value": f"Antwort {n}"}
    if kind == "numeric":
        return {"type": "number", "value": str(n)}
    if kind == "essay":
        return {"type": "essay", "value": f"Aufsatz Nummer {n}"}
    if kind == "matching":
        responses = [response["id"] for response in body["responses"]]
        return {
            "type": "matches",
            "value": {premise["id"]: responses[(index + n) % len(responses)] for index, premise in
                      enumerate(body["premises"])},
        }
    if kind == "ordering":
        elements = [element["id"] for element in body["elements"]]
        shift = n % len(elements)
        return {"type": "order", "value": elements[shift:] + elements[:shift]}
    if kind == "cloze":
        gaps = {}
        for gap in body["gaps"]:
            if "choice" in gap["input"]:
                options = [option["id"] for option in next(iter(gap["input"]["choice"].values()))]
                gaps[gap["id"]] = options[n % len(options)]
            else:
                gaps[gap["id"]] = f"Lücke {n}"
        return {"type": "gaps", "value": gaps}
    return None


def comparable(answer: dict | None) -> object:
    """An answer as it compares: a multiple-response answer is a set."""
    if answer is None:
        return None
    if answer.get("type") == "choices":
        return ("choices", tuple(sorted(answer["value"])))
    return (answer.get("type"), repr(answer.get("value")))


def how_it_failed(error: requests.RequestException) -> str:
    """"in flight" for a request the dying service had accepted, "refused" for one sent after it died."""
    text = str(error)
    if "refused" in text.lower():
        return "refused"
    if any(sign in text for sign in ("aborted", "RemoteDisconnected", "reset", "Broken pipe")):
        return "in flight"
    return f"{type(error).__name__}: {text[:200]}"


def save_until_it_fails(base: str, token: str, attempt: SavingAttempt, stop: threading.Event) -> None:
    """Saves answers to the attempt's items in turn, sequence 1, 2, 3, …, until a request fails or `stop` is set."""
    session = requests.Session()
    session.headers["Authorization"] = f"Bearer {token}"
    answerable = [(item["itemID"], item) for item in attempt.items if varied_answer(item, 0) is not None]
    assert answerable, f"attempt {attempt.id} has no item this test can answer: {attempt.items}"
    for sequence in itertools.count(1):
        if stop.is_set():
            return
        item_id, item = answerable[sequence % len(answerable)]
        save = Save(sequence, item_id, varied_answer(item, sequence))
        attempt.sent.append(save)
        try:
            answer = session.put(
                f"{base}/api/v1/attempts/{attempt.id}/answers/{item_id}",
                json={"sequence": sequence, "answer": save.answer}, timeout=TIMEOUT,
            )
        except requests.RequestException as error:
            attempt.ended_by = how_it_failed(error)
            return
        if not 200 <= answer.status_code < 300:
            attempt.refused = f"save {sequence} of {item_id}: {answer.status_code} {answer.text[:300]}"
            return
        attempt.acknowledged[item_id] = save
        attempt.highest_acknowledged = sequence
        attempt.count_acknowledged += 1


def start_attempts(api: Api) -> list[SavingAttempt]:
    attempts = []
    for assessment in ATTEMPT_SETS:
        started = expect(api.post(f"/api/v1/courses/{DEMO_COURSE}/sets/{assessment}/attempts"), 201)
        attempts.append(SavingAttempt(started["id"], started["items"]))
    assert len({attempt.id for attempt in attempts}) == len(attempts), [attempt.id for attempt in attempts]
    return attempts


def acknowledged_in_total(attempts: list[SavingAttempt]) -> int:
    return sum(attempt.count_acknowledged for attempt in attempts)


def kill_while_saving(server: CampusServer, attempts: list[SavingAttempt], token: str) -> float:
    """Runs one saving thread per attempt, SIGKILLs the service once enough saves are acknowledged, and waits for the
    threads to end; the seconds of saving before the kill."""
    stop = threading.Event()
    threads = [
        threading.Thread(target=save_until_it_fails, args=(server.url, token, attempt, stop), daemon=True)
        for attempt in attempts
    ]
    began = time.monotonic()
    for thread in threads:
        thread.start()
    try:
        while time.monotonic() - began < MAX_SAVING:
            if any(attempt.refused for attempt in attempts):
                break
            if time.monotonic() - began >= MIN_SAVING and acknowledged_in_total(attempts) >= MIN_ACKNOWLEDGED:
                break
            time.sleep(0.02)
        assert server.process
        os.kill(server.process.pid, signal.SIGKILL)
        saving = time.monotonic() - began
        status = server.process.wait(timeout=30)
        assert status == -signal.SIGKILL, f"campus serve ended with status {status}, not by SIGKILL"
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=30)
    assert not any(thread.is_alive() for thread in threads), "a saving thread did not end after the kill"
    return saving


def stored_attempt_problems(attempt: SavingAttempt, stored: dict) -> list[str]:
    """What the restarted service holds of `attempt` that contradicts the acknowledged saves."""
    problems = []
    sequence = stored.get("sequence", 0)
    highest_sent = attempt.sent[-1].sequence if attempt.sent else 0
    if not attempt.highest_acknowledged <= sequence <= highest_sent:
        problems.append(
            f"{attempt.id}: stored sequence {sequence}, but save {attempt.highest_acknowledged} was acknowledged "
            f"and {highest_sent} was the last one sent"
        )
    answers = stored.get("answers", {})
    for item_id in sorted({save.item for save in attempt.sent}):
        last = attempt.acknowledged.get(item_id)
        possible = {comparable(save.answer) for save in attempt.sent
                    if save.item == item_id and save.sequence >= (last.sequence if last else 0)}
        held = answers.get(item_id)
        if (held is None and last is None) or comparable(held) in possible:
            continue
        acknowledged = f"save {last.sequence} ({last.answer!r}) was acknowledged" if last else "none was acknowledged"
        problems.append(
            f"{attempt.id}, item {item_id}: stored {held!r}, but {acknowledged} and no later save of this item sent "
            f"that (last acknowledged save of the attempt: {attempt.highest_acknowledged}, stored sequence {sequence})"
        )
    if sequence:
        named = next((save for save in attempt.sent if save.sequence == sequence), None)
        if named and comparable(answers.get(named.item)) != comparable(named.answer):
            problems.append(
                f"{attempt.id}: stored sequence {sequence} is the save of {named.item} with {named.answer!r}, but the "
                f"item holds {answers.get(named.item)!r}"
            )
    return problems


def test_acknowledged_answers_survive_sigkill(tmp_path, database):
    data = tmp_path / "data"
    first = CampusServer(data=data, database=database).start()
    second: CampusServer | None = None
    try:
        learner = prepare_account(first, "lernende", first.password("lernende"))
        attempts = start_attempts(Api(first.url, learner.token))

        saving = kill_while_saving(first, attempts, learner.token)
        refusals = [attempt.refused for attempt in attempts if attempt.refused]
        assert not refusals, f"saves refused before the kill: {refusals}; log:\n{first.log_tail()}"
        acknowledged = acknowledged_in_total(attempts)
        endings = [attempt.ended_by for attempt in attempts]
        print(
            f"\n{'postgresql' if database else 'sqlite'}: {acknowledged} saves acknowledged in {saving:.1f} s before "
            f"SIGKILL, {sum(len(attempt.sent) for attempt in attempts)} sent; last save of each attempt: {endings}"
        )

        second = CampusServer(data=data, database=database).start()
        assert expect(requests.get(second.url + "/readyz", timeout=30), 200)["status"] == "ready"
        api = Api(second.url, learner.token)
        problems = []
        for attempt in attempts:
            problems += stored_attempt_problems(attempt, expect(api.get(f"/api/v1/attempts/{attempt.id}"), 200))
        assert not problems, (
            f"acknowledged answers lost after SIGKILL ({len(problems)} findings, the first 20):\n"
            + "\n".join(problems[:20])
        )
        assert acknowledged >= MIN_ACKNOWLEDGED, (
            f"only {acknowledged} saves acknowledged in {MAX_SAVING} s before the kill (at least {MIN_ACKNOWLEDGED} "
            f"make the check worth something)"
        )

        status = second.terminate()
        assert status == 0, f"the restarted campus serve exited with status {status}; log:\n{second.log_tail()}"
    finally:
        first.kill()
        if second:
            second.kill()
