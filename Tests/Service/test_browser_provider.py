"""Flow (b): the demo provider uploads a question bank with an error and finds its line in the report, uploads
the corrected file as a new version, creates a course, and issues the demo course's certificates from a
gradebook."""

from __future__ import annotations

import json
import subprocess

from api import (
    DEMO_COURSE,
    SAMPLE_BANK,
    Api,
    broken_bank,
    campus_binary,
    demo_gradebook,
    enrol,
    expect,
    learner_record,
    revised_bank,
)
from browser import Site


def test_bank_upload_report_and_new_version(chromium, server, provider, tmp_path):
    api = Api(server.url, provider.token)
    before = expect(api.get(f"/api/v1/banks/{SAMPLE_BANK}/versions"), 200)["versions"][0]["version"]

    broken, line = broken_bank()
    broken_file = tmp_path / f"{SAMPLE_BANK}.yaml"
    broken_file.write_text(broken, encoding="utf-8")
    # The command-line validator is the judge of where the error is.
    validated = subprocess.run(
        [str(campus_binary()), "bank", "validate", str(broken_file)], capture_output=True, text=True, timeout=60
    )
    assert f"{broken_file}:{line}:" in validated.stdout, validated.stdout

    site = Site(chromium, server.url)
    site.sign_in("anbieter", server.password("anbieter"))
    site.open("/provider")
    site.check_page("provider-home")
    site.open("/provider/banks")
    assert SAMPLE_BANK in site.text()
    site.check_page("provider-banks")

    site.attach("#bank-file", broken_file)
    site.submit("form[action='/provider/banks']")
    report = site.text()
    assert site.find("[role=alert]").text.strip(), "a refused upload says so"
    assert f"{SAMPLE_BANK}.yaml:{line}:" in report, f"the report does not name line {line}:\n{report[:1500]}"
    # Checked at the end, so that the rest of the flow runs either way: the report says what is wrong.
    message_shown = "answer 'z' is not one of the options" in report
    site.check_page("provider-bank-refused")
    assert expect(api.get(f"/api/v1/banks/{SAMPLE_BANK}/versions"), 200)["versions"][0]["version"] == before, (
        "a refused upload stored a version"
    )

    fixed_file = tmp_path / "fixed" / f"{SAMPLE_BANK}.yaml"
    fixed_file.parent.mkdir()
    fixed_file.write_text(revised_bank(), encoding="utf-8")
    site.open("/provider/banks")
    site.attach("#bank-file", fixed_file)
    site.submit("form[action='/provider/banks']")
    status = site.find("[role=status]").text
    assert SAMPLE_BANK in status and str(before + 1) in status, f"new version not announced: {status}"
    site.check_page("provider-bank-created")

    versions = expect(api.get(f"/api/v1/banks/{SAMPLE_BANK}/versions"), 200)["versions"]
    assert [version["version"] for version in versions][:2] == [before + 1, before], versions
    site.open(f"/provider/banks/{SAMPLE_BANK}")
    assert f"{before + 1}" in site.text()
    site.check_page("provider-bank-versions")
    site.assert_pages_clean()
    assert message_shown, f"the report of the refused upload names line {line} but not what is wrong there"


def test_course_creation(chromium, server, provider):
    site = Site(chromium, server.url)
    site.sign_in("anbieter", server.password("anbieter"))
    site.open("/provider/courses")
    assert "Digitale Verwaltung kompakt" in site.text()
    site.check_page("provider-courses")

    site.fill("#course-id", "e-akte-einstieg")
    site.fill("#course-title", "E-Akte für Einsteiger")
    for field, value in (("#course-start", "2027-03-01"), ("#course-end", "2027-06-30")):
        site.driver.execute_script("arguments[0].value = arguments[1]", site.find(field), value)
    site.submit("form[action='/provider/courses']")
    assert site.path == "/provider/courses/e-akte-einstieg", site.path
    assert "E-Akte für Einsteiger" in site.driver.title or "E-Akte für Einsteiger" in site.text()
    site.check_page("provider-course-created")

    course = expect(Api(server.url, provider.token).get("/api/v1/courses/e-akte-einstieg"), 200)
    assert course["period"] == {"start": "2027-03-01", "end": "2027-06-30"}
    assert course["organisation"] == "demo-akademie"

    site.open(f"/provider/courses/{DEMO_COURSE}")
    site.check_page("provider-course-demo")
    site.assert_pages_clean()


def test_issue_from_gradebook(chromium, server, provider, tmp_path):
    api = Api(server.url, provider.token)
    # Only enrolled learners are issued: Nora is enrolled, and meets no tier.
    enrol(api, "lernende-ohne-stufe", "Nora Nichtbestanden")
    gradebook = tmp_path / "gradebook.json"
    gradebook.write_text(
        json.dumps(
            demo_gradebook(
                [
                    learner_record("lernende", "Lena Lernende", birth_date="1990-04-12"),
                    learner_record("lernende-ohne-stufe", "Nora Nichtbestanden", viewed=10, homework=0, exam=0),
                ]
            ),
            ensure_ascii=False,
        ),
        encoding="utf-8",
    )
    site = Site(chromium, server.url)
    site.sign_in("anbieter", server.password("anbieter"))
    site.open(f"/provider/courses/{DEMO_COURSE}/issue")
    site.check_page("provider-issue-form")
    site.attach("input[name=gradebook]", gradebook)
    site.submit(f"form[action='/provider/courses/{DEMO_COURSE}/issue']")
    rows = [row.text for row in site.find_all("tbody tr")]
    assert any("lernende" in row and "Lena Lernende" in row for row in rows), rows
    assert any("lernende-ohne-stufe" in row and "keine Stufe erreicht" in row for row in rows), rows
    assert "Fertig: 1 ausgestellt" in site.text()
    site.check_page("provider-issue-result")

    listed = expect(api.get(f"/api/v1/certificates?course={DEMO_COURSE}"), 200)["certificates"]
    lena = [certificate for certificate in listed if certificate["holderName"] == "Lena Lernende"]
    assert lena, listed
    certificate = lena[0]["id"]

    site.open("/provider/certificates")
    assert certificate in site.text()
    site.check_page("provider-certificates")
    site.open(f"/provider/certificates/{certificate}")
    assert "Lena Lernende" in site.text()
    site.check_page("provider-certificate-detail")

    site.fill("[name=reason]", "Falscher Name auf dem Zertifikat (Test)")
    site.submit(f"form[action='/provider/certificates/{certificate}/revoke']")
    assert "Falscher Name auf dem Zertifikat (Test)" in site.text()
    site.check_page("provider-certificate-revoked")
    record = expect(Api(server.url, None).get(f"/api/v1/certificates/{certificate}"), 200)
    assert record["status"] == "revoked" and record["reason"] == "Falscher Name auf dem Zertifikat (Test)", record
    site.assert_pages_clean()
