"""The end of the learner's and the proctor's story in real headless Chromium (issue 12), after
test_browser_learner.py and test_browser_proctor.py:

- time runs out in the browser: a learner with a timed final exam open answers some items and waits; the server
  submits the attempt when the time is up, with the answers saved in time, and the page shows it submitted with
  those answers counted (a save after the deadline is refused);
- two learners sit one supervised session and both earn a certificate; the PDF from the dashboard verifies on the
  public /verify page (uploaded in the browser) with the holder's name;
- the proctor voids the other learner's attempt with a reason: that learner's tier drops, the certificate is
  superseded (the reason on the attempt, the course page, the registry page and /verify), while the first
  learner's certificate stays valid.

axe-core (no serious or critical violation) and the phone-width check run on each page checked, every exam page
among them; screenshots of each step go to `.build/screenshots/story-end-*.png`.
"""

from __future__ import annotations

import datetime
import json
import re
import subprocess
import sys
from pathlib import Path

import requests
import yaml

from api import ROOT, Api, campus_binary, expect, prepare_account
from browser import Site, start_chromium
from test_browser_learner import (
    COURSE,
    answer_correctly,
    minutes_seconds,
    site_screenshot,
    start_set,
    submit_paper,
    wait_saved,
)

EXAM_BANK = "ozg-onlinedienste"
VOID_REASON = "Zweites Gerät mit Chatprogramm im Kamerabild"
# What the public register says instead: the proctor's note stays with the learner, the session and the audit log.
PUBLIC_VOID_REASON = "final exam voided by the supervision"
SECOND_LEARNER = "l-0002"  # enrolled in the demo course (one of the classmates of the demo gradebook)
SECOND_NAME = "Łukasz Żółć"
FIRST_NAME = "Lena Lernende"
SCORED = "Teilnahmebestätigung mit Punktzahlen"
ATTENDANCE = "Teilnahmebestätigung"


# -- set-up helpers ------------------------------------------------------------------------------------------------


def set_time_limit(api: Api, minutes: int) -> None:
    """Sets the time limit of a final-exam attempt of the demo course (its blueprint's `timeLimitMinutes`, 30 in the
    demo) through the provider API."""
    course = expect(api.get(f"/api/v1/courses/{COURSE}"), 200)
    definition = {key: value for key, value in course.items() if key not in ("organisation", "createdAt", "updatedAt")}
    blueprint = definition["finalExam"]["blueprint"]
    changed = re.sub(r"(?m)^timeLimitMinutes: \d+$", f"timeLimitMinutes: {minutes}", blueprint)
    assert changed != blueprint, f"the demo blueprint has no time limit: {blueprint!r}"
    definition["finalExam"]["blueprint"] = changed
    stored = expect(api.request("PUT", f"/api/v1/courses/{COURSE}", json=definition), 200)
    assert stored["finalExam"]["blueprint"] == changed, stored["finalExam"]


def exam_keys() -> dict[str, dict]:
    with (ROOT / "question-banks" / f"{EXAM_BANK}.yaml").open(encoding="utf-8") as file:
        return {item["id"]: item for item in yaml.safe_load(file)["items"]}


def give_key(site: Site, fieldset, item: dict) -> None:
    """Clicks the key's answer of a single-choice, multiple-response or true/false item."""
    if item["type"] == "true-false":
        wanted = ["true" if item["answer"] else "false"]
    elif item["type"] == "single-choice":
        wanted = [str(item["answer"])]
    else:
        wanted = [str(choice) for choice in item["answer"]]
    for value in wanted:
        box = fieldset.find_element("css selector", f"input[value='{value}']")
        site.driver.execute_script("arguments[0].scrollIntoView({block: 'center'});", box)
        if not box.is_selected():
            box.click()


def shown_number(text: str) -> float:
    """A number as the German pages show it (decimal comma)."""
    return float(text.strip().replace(",", "."))


def http_of(site: Site) -> requests.Session:
    """A requests session carrying the browser's cookies (its signed-in session)."""
    session = requests.Session()
    for cookie in site.driver.get_cookies():
        session.cookies.set(cookie["name"], cookie["value"])
    return session


def mark_content(site: Site) -> None:
    """Units 0, 1 and 2 (70 of 100 minutes) marked as done: above the attendance threshold of 50 %."""
    for unit in (0, 1, 2):
        site.open(f"/learn/courses/{COURSE}")
        site.submit(f"#unit-{unit} form")


def schedule_session(site: Site, learners: set[str]) -> None:
    """The provider schedules an online session of the final exam that opened a minute ago, for `learners`."""
    site.open(f"/provider/courses/{COURSE}/sessions")
    opening = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(minutes=1)
    site.driver.execute_script(
        "document.getElementById('date').value = arguments[0]; document.getElementById('time').value = arguments[1];",
        opening.strftime("%Y-%m-%d"), opening.strftime("%H:%M"),
    )
    site.fill("#minutes", "120")
    site.fill("#room", "https://konferenz.example/raum-12")
    for box in site.find_all("input[name^='learner:']"):
        wanted = box.get_attribute("name").removeprefix("learner:") in learners
        if box.is_selected() != wanted:
            box.click()
    site.submit("form.stack")
    assert site.find("#session-created"), site.text()[:500]


def consent(site: Site) -> None:
    site.open(f"/learn/courses/{COURSE}")
    site.find("#set-final-exam input[name=consent]").click()
    site.submit("#set-final-exam form.stack")
    assert "Einwilligung erteilt" in site.text(), site.text()[:500]


def sit_exam(site: Site, name: str) -> str:
    """Homework (unsupervised, for the points) and the supervised final exam, both answered by the key and submitted;
    returns the exam attempt's path. Every exam page goes through the page check."""
    start_set(site, "hausaufgabe-datenschutz")
    assert answer_correctly(site, "datenschutz-dsgvo")
    wait_saved(site)
    site.check_page(f"story-end-{name}-homework")
    submit_paper(site)
    assert site.find("#result"), site.text()[:500]
    exam = start_set(site, "final-exam")
    assert answer_correctly(site, EXAM_BANK)
    wait_saved(site)
    site.check_page(f"story-end-{name}-exam")
    submit_paper(site)
    assert site.find("#submitted") and site.find("#result"), site.text()[:500]
    site.check_page(f"story-end-{name}-exam-submitted")
    return exam


def certificates(site: Site) -> dict[str, str]:
    """The certificates on the dashboard shown now: id → the line's text."""
    return {
        item.get_attribute("id").removeprefix("certificate-"): item.text
        for item in site.find_all("ul.certificates li")
    }


def download_certificate(site: Site, certificate_id: str, folder: Path) -> Path:
    """The PDF behind the dashboard's download link, fetched with the browser's session."""
    link = site.find(f"#certificate-{certificate_id} a[href$='/pdf']").get_attribute("href")
    answer = http_of(site).get(link, timeout=60)
    assert answer.status_code == 200, f"{link}: {answer.status_code} {answer.text[:300]}"
    assert answer.headers["content-type"].startswith("application/pdf"), answer.headers
    assert answer.content.startswith(b"%PDF-"), answer.content[:20]
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{certificate_id}.pdf"
    path.write_bytes(answer.content)
    return path


def download_credential(site: Site, certificate_id: str, folder: Path) -> Path:
    """The Open Badges 3.0 credential (JWT) behind the dashboard's link, fetched with the browser's session."""
    link = site.find(f"#certificate-{certificate_id} a[href$='/credential']").get_attribute("href")
    answer = http_of(site).get(link, timeout=60)
    assert answer.status_code == 200, f"{link}: {answer.status_code} {answer.text[:300]}"
    assert answer.headers["content-type"].startswith("application/vc+jwt"), answer.headers
    assert f'filename="{certificate_id}.jwt"' in answer.headers["content-disposition"], answer.headers
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{certificate_id}.jwt"
    path.write_bytes(answer.content)
    return path


def judge_credential(server, jwt: Path, certificate_id: str, holder: str) -> None:
    """jwcrypto and the Open Badges 3.0 fields judge the credential (scripts/judge-open-badge) with the issuer's
    certificate from the demo keys, and `campus verify --credential` accepts it with the demo issuer certificate and root (issuer.pem)."""
    keys = server.data / "demo-keys"
    judged = subprocess.run(
        [sys.executable, str(ROOT / "scripts/judge-open-badge"), str(jwt), str(keys / "issuer.pem")],
        capture_output=True, text=True, timeout=60)
    lines = judged.stdout.strip().splitlines()
    assert judged.returncode == 0 and lines and lines[0] == "ok", judged.stdout + judged.stderr
    credential = json.loads(lines[-1])["credential"]
    assert credential["id"].endswith(f"/v/{certificate_id}"), credential["id"]
    assert credential["credentialSubject"]["identifier"][0]["identityHash"] == holder, credential
    verified = subprocess.run(
        [str(campus_binary()), "verify", "--credential", str(jwt), "--trust", str(keys / "issuer.pem")],
        capture_output=True, text=True, timeout=60)
    assert verified.returncode == 0, verified.stdout + verified.stderr


def verify_upload(site: Site, pdf: Path) -> tuple[str, str]:
    """Uploads `pdf` on the public /verify page; the verdict's state (`valid`/`invalid`) and heading."""
    site.open("/verify")
    site.attach("input[type=file][name=pdf]", pdf)
    site.submit("main form[enctype='multipart/form-data']")
    section = site.find("#verdict")
    state = set((section.get_attribute("class") or "").split()) & {"valid", "invalid"}
    assert len(state) == 1, f"the verdict section has classes {section.get_attribute('class')!r}"
    return state.pop(), site.find("#verdict-heading").text


# -- 1. time runs out ----------------------------------------------------------------------------------------------


def test_time_runs_out_in_the_browser(chromium, fresh_server):
    """A one-minute final exam: two answers at once, a third shortly before the end, then the learner waits. The
    server submits the attempt when the time is up; the page shows it submitted, the three answers counted."""
    provider = prepare_account(fresh_server, "anbieter", fresh_server.password("anbieter"))
    set_time_limit(Api(fresh_server.url, provider.token), 1)  # the smallest limit a blueprint may set
    keys = exam_keys()

    site = Site(chromium, fresh_server.url)
    site.sign_in("lernende", fresh_server.password("lernende"))
    attempt_path = start_set(site, "final-exam")
    site.wait_for(lambda: site.find("#time-left").text not in ("", "–"), 10, "no clock")
    assert 0 < minutes_seconds(site.find("#time-left").text) <= 60, site.find("#time-left").text
    bar = site.find("#attempt")
    api_path, csrf = bar.get_attribute("data-api"), bar.get_attribute("data-csrf")

    choices = [f for f in site.find_all("fieldset.item") if keys[f.get_attribute("data-item")]["type"] in (
        "single-choice", "multiple-response", "true-false")]
    assert len(choices) >= 3, "the exam draws at least three choice items"
    answered = [f.get_attribute("data-item") for f in choices[:3]]
    for fieldset in choices[:2]:
        give_key(site, fieldset, keys[fieldset.get_attribute("data-item")])
    wait_saved(site)
    site.check_page("story-end-timed-exam")

    # The last answer comes late, but in time: it must count.
    site.wait_for(lambda: minutes_seconds(site.find("#time-left").text) <= 20, 70, "the clock does not run down")
    give_key(site, choices[2], keys[answered[2]])
    wait_saved(site)
    assert minutes_seconds(site.find("#time-left").text) > 0, "the last answer was not saved in time"
    site.driver.save_screenshot(str(site_screenshot("story-end-timed-exam-last-answer")))

    # The learner waits. When the time is up the server submits (its sweep, or the page's next read), and the page
    # shows the submitted attempt without anyone clicking.
    def shown_submitted() -> bool:
        return (not site.find_all("#attempt") and bool(site.find_all("#result"))
                and "abgegeben am" in site.text())

    site.wait_for(shown_submitted, 90, "the page did not show the attempt submitted after the time was up")
    assert site.path == attempt_path, site.path
    assert not site.find_all("#submit-attempt"), "the submit button is still offered"
    assert all(f.get_attribute("disabled") for f in site.find_all("fieldset.item")), "the paper is still open"
    assert not [i for i in site.find_all("fieldset.item input") if i.is_enabled()], "the paper can still be answered"
    for item in answered:
        assert site.find(f"fieldset[data-item='{item}'] input:checked"), f"answer to {item} not shown after time-out"
    points, maximum = site.find("#result strong").text.split(" von ")
    expected = sum(keys[item]["points"] for item in answered)
    assert shown_number(points) == expected, (
        f"result {site.find('#result').text!r}: the {len(answered)} answers saved in time give {expected} points")
    assert shown_number(maximum) > expected
    site.driver.execute_script("window.scrollTo(0, 0);")
    site.check_page("story-end-timed-exam-submitted")

    # The API agrees: submitted with exactly the answers given, and a save after the deadline is refused.
    http = http_of(site)
    attempt = expect(http.get(fresh_server.url + api_path, timeout=30), 200)
    assert attempt["state"] == "submitted" and attempt["secondsLeft"] == 0, attempt
    assert set(attempt["answers"]) == set(answered), attempt["answers"]
    # (A well-formed answer, the one already saved for the first item, at a newer sequence number: refused only
    # because the time is up.)
    late = http.put(
        f"{fresh_server.url}{api_path}/answers/{answered[0]}", headers={"X-CSRF-Token": csrf}, timeout=30,
        json={"sequence": 1000, "answer": attempt["answers"][answered[0]]},
    )
    assert late.status_code in (409, 422), (late.status_code, late.text[:300])
    assert late.json()["error"]["code"] in ("answerRefused", "deadlinePassed"), late.text[:300]
    after = expect(http.get(fresh_server.url + api_path, timeout=30), 200)
    assert after["answers"] == attempt["answers"] and after["sequence"] == attempt["sequence"], after

    # The course page lists the attempt as submitted.
    site.open(f"/learn/courses/{COURSE}")
    attempts = site.find("#set-final-exam ul").text
    assert "abgegeben am" in attempts, attempts
    site.assert_pages_clean()


# -- 2. and 3. certificates verified, another learner's attempt voided ---------------------------------------------


def test_certificate_verifies_and_proctor_voids_another_learner(chromium, fresh_server, tmp_path):
    """Two learners (the demo learner and a second account the admin makes for the classmate `l-0002`) sit one
    supervised session at once, each in a browser of their own, with the proctor in a third; both reach the scored
    tier. The first learner's PDF verifies on /verify; the proctor voids the second learner's exam: that tier drops
    to attendance, the certificate is superseded with the reason, and the first learner's stays as it was."""
    admin = prepare_account(fresh_server, "admin", fresh_server.password("admin"))
    created = expect(
        Api(fresh_server.url, admin.token).post(
            "/api/v1/accounts",
            json={"login": SECOND_LEARNER, "displayName": SECOND_NAME,
                  "roles": [{"role": "learner", "organisation": "demo-akademie"}]},
        ),
        201,
    )
    second_account = prepare_account(fresh_server, SECOND_LEARNER, created["oneTimePassword"])

    proctor = Site(chromium, fresh_server.url)
    proctor.sign_in("anbieter", fresh_server.password("anbieter"))
    schedule_session(proctor, {"lernende", SECOND_LEARNER})
    proctor.sign_out()
    proctor.sign_in("aufsicht", fresh_server.password("aufsicht"))

    first = Site(start_chromium(), fresh_server.url)
    second = None
    try:
        second = Site(start_chromium(), fresh_server.url)
        first.sign_in("lernende", fresh_server.password("lernende"))
        second.sign_in(SECOND_LEARNER, second_account.password)
        for learner in (first, second):
            mark_content(learner)
            consent(learner)

        # The proctor sees both consents, checks both IDs and starts both.
        proctor.open("/proctor")
        proctor.find("ul.sessions a").click()
        proctor.wait_loaded()
        session_path = proctor.path
        for seat in ("lernende", SECOND_LEARNER):
            assert "Einwilligung erteilt" in proctor.find(f"#seat-{seat} .seat-state").text
            proctor.submit(f"#seat-{seat} form[action$='/identity']")
            proctor.submit(f"#seat-{seat} form[action$='/release']")
        proctor.check_page("story-end-proctor-two-seats")

        sit_exam(first, "first")
        second_exam = sit_exam(second, "second")

        # Both earned the scored tier: one certificate each on the dashboard.
        held = {}
        for name, learner in (("first", first), ("second", second)):
            learner.open("/learn")
            shown = certificates(learner)
            assert len(shown) == 1, f"{name} learner's certificates: {shown}"
            (certificate_id, line), = shown.items()
            assert SCORED in line and "gültig" in line, line
            assert learner.find("dd.tier").text == SCORED, learner.find("dd.tier").text
            held[name] = (certificate_id, download_certificate(learner, certificate_id, tmp_path / name))
        first.check_page("story-end-first-dashboard")
        second.check_page("story-end-second-dashboard")

        # 2. The first learner's certificate, downloaded from the dashboard, verifies on /verify.
        first_id, first_pdf = held["first"]
        state, heading = verify_upload(first, first_pdf)
        assert state == "valid" and "Gültig" in heading and "Ungültig" not in heading, (state, heading)
        facts = first.find("dl.facts").text
        assert FIRST_NAME in facts and first_id in facts, facts
        # The service's keys time-stamp every signature: the page says when it was signed, proven by whom.
        assert "belegt durch einen Zeitstempel von" in facts, facts
        assert set(first.find("#registry-status").get_attribute("class").split()) >= {"verdict", "valid"}
        first.check_page("story-end-verify-first")
        # The same certificate as an Open Badges 3.0 credential, from the dashboard's second link.
        first.open("/learn")
        judge_credential(
            fresh_server, download_credential(first, first_id, tmp_path / "first"), first_id, FIRST_NAME)

        # 3. The proctor voids the second learner's attempt, with a reason.
        proctor.open(session_path)
        seat = f"#seat-{SECOND_LEARNER}"
        assert "abgegeben" in proctor.find(f"{seat} .seat-state").text
        assert "abgegeben" in proctor.find("#seat-lernende .seat-state").text
        proctor.driver.execute_script(
            "document.querySelectorAll(arguments[0] + ' details').forEach(d => d.open = true);", seat)
        proctor.fill(f"#void-{SECOND_LEARNER}", VOID_REASON)
        proctor.submit(f"{seat} form[action$='/void']")
        assert VOID_REASON in proctor.find(f"{seat} .seat-state").text, proctor.find(f"{seat} .seat-state").text
        assert "abgegeben" in proctor.find("#seat-lernende .seat-state").text, "the other seat changed"
        proctor.check_page("story-end-proctor-voided")

        # The second learner's tier drops and the certificate is superseded by one at the lower tier.
        second_id, second_pdf = held["second"]
        second.open("/learn")
        assert second.find("dd.tier").text == ATTENDANCE, second.find("dd.tier").text
        shown = certificates(second)
        assert "ersetzt" in shown.get(second_id, ""), shown
        replacements = {key: line for key, line in shown.items() if key != second_id}
        assert len(replacements) == 1 and all(
            line.split(" · ")[0] == ATTENDANCE and "gültig" in line for line in replacements.values()
        ), shown
        second.check_page("story-end-second-dashboard-voided")
        # A superseded certificate has no credential link, and its credential is refused.
        assert not second.find_all(f"#certificate-{second_id} a[href$='/credential']")
        refused = http_of(second).get(f"{fresh_server.url}/learn/certificates/{second_id}/credential", timeout=30)
        assert refused.status_code == 409, (refused.status_code, refused.text[:300])
        # The dashboard names the reason; the verification link of the superseded certificate gives the public one,
        # without the proctor's note.
        assert PUBLIC_VOID_REASON in certificates(second).get(second_id, ""), certificates(second)
        second.find(f"#certificate-{second_id} a[href='/v/{second_id}']").click()
        second.wait_for(lambda: second.path == f"/v/{second_id}", 15, "the verification link did not open")
        second.wait_loaded()
        assert "Ersetzt" in second.find("#status-heading").text, second.find("#status-heading").text
        assert PUBLIC_VOID_REASON in second.find("#status-reason").text, second.find("#record-status").text
        assert VOID_REASON not in second.text(), "the proctor's note is public"
        second.check_page("story-end-second-registry")
        # The attempt and the course page say that it was voided, and why.
        second.open(second_exam)
        assert VOID_REASON in second.find("#voided").text, second.text()[:500]
        second.check_page("story-end-second-exam-voided")
        second.open(f"/learn/courses/{COURSE}")
        assert f"für ungültig erklärt: {VOID_REASON}" in second.find("#set-final-exam").text
        # Its PDF, genuine as it is, no longer verifies: the registry says superseded, with the reason.
        state, heading = verify_upload(second, second_pdf)
        assert state == "invalid" and "Ungültig" in heading, (state, heading)
        registry = second.find("#registry-status")
        assert "superseded" in registry.get_attribute("class").split(), registry.get_attribute("class")
        assert "Ersetzt" in registry.text and PUBLIC_VOID_REASON in registry.text, registry.text
        second.check_page("story-end-verify-second-superseded")

        # The first learner's certificate is untouched: the same one, still valid, still verifying.
        first.open("/learn")
        shown = certificates(first)
        assert list(shown) == [first_id] and "gültig" in shown[first_id] and SCORED in shown[first_id], shown
        assert first.find("dd.tier").text == SCORED
        state, heading = verify_upload(first, first_pdf)
        assert state == "valid" and FIRST_NAME in first.find("dl.facts").text, (state, heading)
        first.driver.save_screenshot(str(site_screenshot("story-end-verify-first-after-void")))

        for learner in (first, second):
            proctor.problems += learner.problems
            proctor.checked += learner.checked
    finally:
        first.driver.quit()
        if second:
            second.driver.quit()
    proctor.assert_pages_clean()
