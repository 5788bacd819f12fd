"""A supervised final exam in two real headless Chromium sessions at once: the provider schedules an online session,
the learner consents on the course page, the proctor (the second browser) checks the ID and starts the exam, the
learner answers and submits, the certificate appears on the learner's dashboard and verifies on /verify; then the
proctor voids the attempt and the learner sees the voiding and the certificate superseded.

axe-core and the phone-width check run on every page; screenshots go to `.build/screenshots/proctor-*.png`.
"""

from __future__ import annotations

import datetime

from browser import Site, start_chromium
from test_browser_learner import COURSE, answer_correctly, start_set, submit_paper, wait_saved


def test_supervised_exam(chromium, fresh_server):
    proctor = Site(chromium, fresh_server.url)
    proctor.sign_in("anbieter", fresh_server.password("anbieter"))
    proctor.open(f"/provider/courses/{COURSE}/sessions")
    opening = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(minutes=1)
    # The date and time inputs take the values the browser's pickers would set.
    proctor.driver.execute_script(
        "document.getElementById('date').value = arguments[0]; document.getElementById('time').value = arguments[1];",
        opening.strftime("%Y-%m-%d"), opening.strftime("%H:%M"),
    )
    proctor.fill("#minutes", "120")
    proctor.fill("#room", "https://konferenz.example/raum-7")
    for box in proctor.find_all("input[name^='learner:']"):
        if box.get_attribute("name") != "learner:lernende" and box.is_selected():
            box.click()
    proctor.check_page("proctor-schedule")
    proctor.submit("form.stack")
    assert proctor.find("#session-created"), proctor.text()[:500]
    proctor.sign_out()
    proctor.sign_in("aufsicht", fresh_server.password("aufsicht"))

    learner = Site(start_chromium(), fresh_server.url)
    try:
        learner.sign_in("lernende", fresh_server.password("lernende"))
        for unit in (0, 1, 2):
            learner.open(f"/learn/courses/{COURSE}")
            learner.submit(f"#unit-{unit} form")
        learner.open(f"/learn/courses/{COURSE}")
        assert "https://konferenz.example/raum-7" in learner.driver.page_source
        learner.find("#set-final-exam input[name=consent]").click()
        learner.check_page("proctor-learner-consent")
        learner.submit("#set-final-exam form.stack")
        assert "Einwilligung erteilt" in learner.text()

        # The proctor, in the other browser at the same time, sees the consent, checks the ID and starts the exam.
        proctor.open("/proctor")
        proctor.find("ul.sessions a").click()
        proctor.wait_loaded()
        session_path = proctor.path
        assert "Einwilligung erteilt" in proctor.find("#seat-lernende .seat-state").text
        proctor.submit("#seat-lernende form[action$='/identity']")
        proctor.submit("#seat-lernende form[action$='/release']")
        proctor.check_page("proctor-session")

        # Homework first (unsupervised: it counts for the points), then the supervised exam, both answered by the
        # key, so that the exam lifts the learner to the scored tier.
        start_set(learner, "hausaufgabe-datenschutz")
        assert answer_correctly(learner, "datenschutz-dsgvo")
        wait_saved(learner)
        submit_paper(learner)
        start_set(learner, "final-exam")
        assert answer_correctly(learner, "ozg-onlinedienste")
        wait_saved(learner)
        learner.check_page("proctor-learner-exam")

        proctor.open(session_path)
        assert "in Bearbeitung" in proctor.find("#seat-lernende .seat-state").text

        submit_paper(learner)
        assert learner.find("#submitted")
        # The proctor's page, open all the while, shows the submission by itself.
        proctor.wait_for(lambda: "abgegeben" in proctor.find("#seat-lernende .seat-state").text, 20,
                         "the proctor's page did not show the submission without a reload")
        learner.open("/learn")
        certificate = learner.find("ul.certificates li")
        certificate_id = certificate.get_attribute("id").removeprefix("certificate-")
        learner.check_page("proctor-learner-certificate")

        # The employer's view: the verification page of the certificate.
        learner.open(f"/v/{certificate_id}")
        assert "Gültig" in learner.text() or "gültig" in learner.text(), learner.text()[:400]

        # The proctor voids the attempt; the learner sees it, and the certificate is replaced.
        proctor.open(session_path)
        proctor.driver.execute_script("document.querySelectorAll('#seat-lernende details').forEach(d => d.open = true);")
        proctor.fill("#void-lernende", "Unerlaubtes Hilfsmittel")
        proctor.submit("#seat-lernende form[action$='/void']")
        assert "Unerlaubtes Hilfsmittel" in proctor.text()
        learner.open("/learn")
        states = [item.text for item in learner.find_all("ul.certificates li")]
        assert any("ersetzt" in state for state in states), states
        learner.open(f"/learn/courses/{COURSE}")
        assert "für ungültig erklärt" in learner.text()
        learner.check_page("proctor-learner-voided")
        learner.assert_pages_clean()
        proctor.problems += learner.problems
    finally:
        learner.driver.quit()
    proctor.assert_pages_clean()
