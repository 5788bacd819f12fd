"""The quality board in the browser: a reviewer comments on a new bank version and sends it back, the provider
sees why on the bank's page, a course cannot use a draft for homework or the final exam, and once a reviewer
approved the next version it can."""

from __future__ import annotations

from api import ROOT, SAMPLE_BANK, Api, expect, expect_error, prepare_account
from browser import Site


def bank_version(text_version: str) -> str:
    """The sample bank as a new version (its own version string, so its content differs)."""
    text = (ROOT / "question-banks" / f"{SAMPLE_BANK}.yaml").read_text(encoding="utf-8")
    assert "\nversion: 1.0.0\n" in text
    return text.replace("\nversion: 1.0.0\n", f"\nversion: {text_version}\n", 1)


def upload(api: Api, text: str) -> int:
    answer = expect(
        api.post(
            "/api/v1/banks?format=yaml",
            data=text.encode("utf-8"),
            headers={"Content-Type": "application/octet-stream"},
        ),
        201,
    )
    return answer["version"]["version"]


def course(homework_version: int) -> dict:
    return {
        "id": "beirat-kurs",
        "title": "Kurs mit geprüften Fragen",
        "period": {"start": "2026-02-01", "end": "2026-07-31"},
        "contentUnits": [{"title": "Lesen", "kind": "text", "estimatedMinutes": 30}],
        "sets": [
            {
                "id": "hausaufgabe-1",
                "kind": "homework",
                "title": "Hausaufgabe 1",
                "bank": {"id": SAMPLE_BANK, "version": homework_version},
                "items": ["dsgvo-001"],
            }
        ],
    }


def test_review_flow(chromium, fresh_server):
    provider = prepare_account(fresh_server, "anbieter", fresh_server.password("anbieter"))
    api = Api(fresh_server.url, provider.token)
    draft = upload(api, bank_version("1.1.0"))
    assert draft >= 2

    # A draft cannot carry homework.
    error = expect_error(api.post("/api/v1/courses", json=course(draft)), 422)
    assert error.get("field") == "sets[0].bank", error

    site = Site(chromium, fresh_server.url)
    site.sign_in("gutachter", fresh_server.password("gutachter"))
    site.open("/review")
    site.check_page("review-list")
    path = f"/review/demo-akademie/{SAMPLE_BANK}/{draft}"
    site.find(f"a[href='{path}']").click()
    site.wait_for(lambda: site.path == path, 15, "the version's review page did not open")
    site.wait_loaded()
    assert "answer:" in site.text(), "the reviewer does not see the key"
    site.check_page("review-version")

    site.fill("#comment-dsgvo-001", "Die Rückmeldung nennt den falschen Artikel.")
    site.submit("#item-dsgvo-001 form")
    assert "Die Rückmeldung nennt den falschen Artikel." in site.text()
    site.find("#decision-return").click()
    site.fill("#decision-comment", "Bitte Frage dsgvo-001 berichtigen.")
    site.submit(f"form[action='{path}/decision']")
    assert site.find("#review-done").text, "no confirmation of the decision"
    assert f"href=\"{path}\"" not in site.driver.page_source, "a decided version is still listed"
    site.check_page("review-decided")
    site.sign_out()

    site.sign_in("anbieter", fresh_server.password("anbieter"))
    site.open(f"/provider/banks/{SAMPLE_BANK}")
    text = site.text()
    assert "Zurückgegeben" in text and "Bitte Frage dsgvo-001 berichtigen." in text, text
    assert "Die Rückmeldung nennt den falschen Artikel." in text, text
    site.check_page("provider-bank-reviewed")
    site.open(f"/provider/banks/{SAMPLE_BANK}/versions/{draft}")
    text = site.text()
    assert "Aufgabenanalyse" in text and "Zurückgegeben" in text, text
    assert "Die Rückmeldung nennt den falschen Artikel." in site.find("#item-dsgvo-001").text
    site.check_page("provider-bank-version")
    site.sign_out()

    # The next version, approved, may carry homework.
    fixed = upload(api, bank_version("1.2.0"))
    site.sign_in("gutachter", fresh_server.password("gutachter"))
    site.open(f"/review/demo-akademie/{SAMPLE_BANK}/{fixed}")
    site.find("#decision-approve").click()
    site.submit(f"form[action='/review/demo-akademie/{SAMPLE_BANK}/{fixed}/decision']")
    assert site.find("#review-done").text
    site.assert_pages_clean()
    expect(api.post("/api/v1/courses", json=course(fixed)), 201)
