"""Flow (d): anyone verifies certificates without signing in: a genuine PDF is valid, a tampered one is invalid
with the reason, the registry page of a revoked certificate says so with the reason, and the page a QR code
opens (`/v/ID#TOKEN`) confirms that the token matches. The offline verifier (`campus verify --json`) judges
the same files."""

from __future__ import annotations

import base64
import json
import re
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests

from api import (
    Api,
    demo_gradebook,
    enrol,
    expect,
    expect_error,
    issue,
    learner_record,
    offline_verdict,
    tampered,
    verification_url,
)
from browser import Site

REVOKE_REASON = "Prüfungsleistung nachträglich aberkannt (QA)"


def classes(element) -> set[str]:
    return set((element.get_attribute("class") or "").split())


def shown_verdict(site: Site) -> tuple[str, str]:
    """The verdict section of the /verify result: its state (`valid` or `invalid`, from its class) and heading."""
    section = site.find("#verdict")
    state = classes(section) & {"valid", "invalid"}
    assert len(state) == 1, f"the verdict section has classes {classes(section)}"
    return state.pop(), site.find("#verdict-heading").text


@dataclass
class Issued:
    genuine_id: str
    genuine_pdf: Path
    tampered_pdf: Path
    url: str
    revoked_id: str
    trust: Path


@pytest.fixture(scope="module")
def issued(server, provider, tmp_path_factory) -> Issued:
    work = tmp_path_factory.mktemp("public")
    api = Api(server.url, provider.token)
    enrol(api, "pruefung-echt", "Erika Echt", "1988-02-29")
    enrol(api, "pruefung-widerruf", "Wilhelm Widerruf", "1975-11-30")
    results = issue(
        api,
        demo_gradebook(
            [
                learner_record("pruefung-echt", "Erika Echt", birth_date="1988-02-29"),
                learner_record("pruefung-widerruf", "Wilhelm Widerruf", birth_date="1975-11-30", exam=6),
            ]
        ),
    )
    for learner in ("pruefung-echt", "pruefung-widerruf"):
        assert results[learner]["outcome"] == "issued", results
    genuine, revoked = results["pruefung-echt"]["id"], results["pruefung-widerruf"]["id"]

    answer = api.get(f"/api/v1/certificates/{genuine}/pdf")
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("application/pdf"), answer.text
    genuine_pdf = work / f"{genuine}.pdf"
    genuine_pdf.write_bytes(answer.content)
    tampered_pdf = work / f"{genuine}-tampered.pdf"
    tampered_pdf.write_bytes(tampered(answer.content))
    url = verification_url(answer.content, work / "qr")

    revoked_record = expect(api.post(f"/api/v1/certificates/{revoked}/revoke", json={"reason": REVOKE_REASON}), 200)
    assert revoked_record["status"] == "revoked", revoked_record
    return Issued(genuine, genuine_pdf, tampered_pdf, url, revoked, server.data / "demo-keys" / "root.pem")


def test_offline_verifier_agrees(issued):
    """The judge first: the genuine file is valid offline, the tampered one is not."""
    assert offline_verdict(issued.genuine_pdf, issued.trust)["valid"] is True
    judged = offline_verdict(issued.tampered_pdf, issued.trust)
    assert judged["valid"] is False and judged["reasons"], judged


def test_qr_code_points_here(server, issued):
    # Scheme and host upper case, /V/: all of the QR code but the "#" in alphanumeric mode.
    assert issued.url.startswith(f"{server.url.upper()}/V/{issued.genuine_id}#"), issued.url
    token = issued.url.split("#", 1)[1]
    # Base45 with space and % escaped: nothing a URL may not hold.
    assert re.fullmatch(r"(?:[0-9A-Z$*+\-./:]|%20|%25)+", token), token


def test_verify_page_with_genuine_and_tampered_pdf(chromium, server, issued):
    site = Site(chromium, server.url)
    site.open("/verify")
    site.check_page("verify-form")

    site.attach("input[type=file][name=pdf]", issued.genuine_pdf)
    site.submit("main form[enctype='multipart/form-data']")
    state, heading = shown_verdict(site)
    assert state == "valid" and "Gültig" in heading and "Ungültig" not in heading, (state, heading)
    assert "Erika Echt" in site.find("dl.facts").text, "the verified holder is shown"
    assert classes(site.find("#registry-status")) >= {"verdict", "valid"}, site.find("#registry-status").text
    site.check_page("verify-genuine")

    site.open("/verify")
    site.attach("input[type=file][name=pdf]", issued.tampered_pdf)
    site.submit("main form[enctype='multipart/form-data']")
    state, heading = shown_verdict(site)
    assert state == "invalid" and "Ungültig" in heading, (state, heading)
    reasons = site.find("#verify-reasons").text
    judged = offline_verdict(issued.tampered_pdf, issued.trust)["reasons"]
    assert judged[0] in reasons, f"the reason shown is not the verifier's ({judged[0]!r}): {reasons!r}"
    assert not site.find_all("dl.facts"), "an invalid document's claims are shown as confirmed facts"
    site.check_page("verify-tampered")
    site.assert_pages_clean()


def test_verify_page_with_link(chromium, server, issued):
    site = Site(chromium, server.url)
    site.open("/verify")
    site.fill("[name=link]", issued.url)
    site.submit("main form[action='/verify']")
    state, heading = shown_verdict(site)
    assert state == "valid" and "Ungültig" not in heading, (state, heading)
    assert "Erika Echt" in site.find("dl.facts").text
    site.check_page("verify-link")
    site.assert_pages_clean()


def test_registry_page_of_revoked_certificate(chromium, server, issued):
    site = Site(chromium, server.url)
    site.open(f"/v/{issued.revoked_id}")
    status = site.find("#record-status")
    assert "revoked" in classes(status), classes(status)
    assert "Widerrufen" in site.find("#status-heading").text, site.find("#status-heading").text
    assert site.find("#status-reason").text == REVOKE_REASON, status.text
    site.check_page("registry-revoked")
    site.assert_pages_clean()


def token_result(site: Site) -> str:
    """`valid` or `invalid`: the script's final word on the token (it says `checking` first)."""
    def settled():
        state = classes(site.find("#token-result")) & {"valid", "invalid"}
        return state.pop() if state else None

    try:
        return site.wait_for(settled, 20, "#token-result did not settle")
    except AssertionError as error:
        raise AssertionError(f"{error}; it says: {site.find('#token-result').text!r}") from None


def test_registry_page_confirms_token(chromium, server, issued):
    site = Site(chromium, server.url)
    site.open(f"/v/{issued.genuine_id}#{issued.url.split('#', 1)[1]}")
    assert token_result(site) == "valid", site.find("#token-result").text
    assert "valid" in classes(site.find("#record-status"))
    site.check_page("registry-token-matches")

    # The QR code's own URL (upper-case host, /V/) opens the same page and confirms the token.
    site.open(issued.url[len(server.url):])
    assert token_result(site) == "valid", site.find("#token-result").text

    # A token that is not the issuer's is not confirmed: one Base45 letter changed near the end (the signature).
    token = issued.url.split("#", 1)[1]
    position = max(index for index, character in enumerate(token[:-3]) if character.isalpha())
    forged = token[:position] + ("B" if token[position] == "A" else "A") + token[position + 1:]
    site.open(f"/v/{issued.genuine_id}#{forged}")
    assert token_result(site) == "invalid", site.find("#token-result").text
    site.check_page("registry-token-forged")

    # A genuine token opened under another certificate's id does not belong there.
    site.open(f"/v/{issued.revoked_id}#{issued.url.split('#', 1)[1]}")
    assert token_result(site) == "invalid", site.find("#token-result").text
    site.assert_pages_clean()


def test_registry_page_token_check_works_when_signed_in(chromium, server, issued):
    """The script's request must also pass for a visitor who is signed in (a session cookie makes the CSRF
    check apply)."""
    site = Site(chromium, server.url)
    site.sign_in("anbieter", server.password("anbieter"))
    site.open(f"/v/{issued.genuine_id}#{issued.url.split('#', 1)[1]}")
    assert token_result(site) == "valid", site.find("#token-result").text


def test_unknown_certificate_page(chromium, server):
    answer = requests.get(f"{server.url}/v/KC-0000000000AA", timeout=30)
    assert answer.status_code == 404
    site = Site(chromium, server.url)
    site.open("/v/KC-0000000000AA")
    assert "Mit dieser Nummer wurde hier kein Zertifikat ausgestellt" in site.text(), site.text()[:800]
    site.check_page("registry-unknown")
    site.assert_pages_clean()


# -- the same through the JSON API -----------------------------------------------------------------------------


def test_verify_api(server, issued):
    anyone = Api(server.url, None)
    genuine = expect(
        anyone.post("/api/v1/verify", data=issued.genuine_pdf.read_bytes(), headers={"Content-Type": "application/pdf"}),
        200,
    )
    assert genuine["valid"] is True, genuine
    assert genuine["registry"]["id"] == issued.genuine_id and genuine["registry"]["status"] == "valid"
    assert genuine["registry"]["matches"] is True
    assert {check["name"] for check in genuine["checks"]} >= {"signature", "trust", "record"}

    bad = expect(
        anyone.post("/api/v1/verify", data=issued.tampered_pdf.read_bytes(), headers={"Content-Type": "application/pdf"}),
        200,
    )
    assert bad["valid"] is False and bad["reasons"], bad

    token = expect(anyone.post("/api/v1/verify", json={"token": issued.url}), 200)
    assert token["valid"] is True and token["registry"]["matches"] is True, token

    revoked = expect(anyone.get(f"/api/v1/certificates/{issued.revoked_id}"), 200)
    assert revoked["status"] == "revoked" and revoked["reason"] == REVOKE_REASON, revoked
    record = expect(anyone.get(f"/api/v1/certificates/{issued.genuine_id}"), 200)
    assert record["status"] == "valid" and record["holderName"] == "Erika Echt", record
    expect_error(anyone.get("/api/v1/certificates/KC-0000000000AA"), 404)

    malformed = expect(anyone.post("/api/v1/verify", json={"token": "kein.token"}), 200)
    assert malformed["valid"] is False, malformed
    expect_error(anyone.post("/api/v1/verify", data=b"{", headers={"Content-Type": "application/json"}), 400)
    expect_error(anyone.post("/api/v1/verify", data=b"hallo", headers={"Content-Type": "text/plain"}), 415)


def test_verify_api_size_limit(fresh_server):
    """A PDF over 10 MB (10 485 760 bytes, the service's limit) is refused with 413, not read."""
    anyone = Api(fresh_server.url, None)
    limit = 10 * 1024 * 1024
    expect_error(
        anyone.post("/api/v1/verify", data=b"%PDF-1.7\n" + b"0" * (limit + 200 * 1024),
                    headers={"Content-Type": "application/pdf"}),
        413,
        "tooLarge",
    )
    expect_error(
        anyone.post("/api/v1/verify", data=b"%PDF-1.7\n" + b"0" * (limit - 9 + 1),
                    headers={"Content-Type": "application/pdf"}),
        413,
        "tooLarge",
    )


def test_status_list_and_trust_document(server, provider, issued, tmp_path):
    answer = requests.get(f"{server.url}/status/list", timeout=30)
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("application/jose")
    header, payload, _ = answer.text.strip().split(".")
    decode = lambda part: json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))  # noqa: E731
    assert decode(header)["alg"] == "ES256"
    entries = {entry["id"]: entry for entry in decode(payload)["entries"]}
    assert entries[issued.revoked_id]["status"] == "revoked"
    assert entries[issued.revoked_id]["reason"] == REVOKE_REASON
    assert issued.genuine_id not in entries

    # The offline verifier, given the published list, refuses the revoked certificate and accepts the other.
    status_file = tmp_path / "status.jws"
    status_file.write_text(answer.text)
    revoked_pdf = tmp_path / "revoked.pdf"
    revoked_pdf.write_bytes(Api(server.url, provider.token).get(f"/api/v1/certificates/{issued.revoked_id}/pdf").content)
    judged = offline_verdict(revoked_pdf, issued.trust, status_file)
    assert judged["valid"] is False and any(
        check["name"] == "status" and not check["passed"] for check in judged["checks"]
    ), judged
    assert offline_verdict(issued.genuine_pdf, issued.trust, status_file)["valid"] is True

    trust = requests.get(f"{server.url}/.well-known/campus-trust.json", timeout=30)
    assert trust.status_code == 200
    document = trust.json()
    root = issued.trust.read_text().strip()
    assert root in [pem.strip() for pem in document["roots"]], "the demo root is on the trust list"
    assert document["issuers"] and all(pem.startswith("-----BEGIN CERTIFICATE-----") for pem in document["issuers"])


def test_verification_rate_limit(fresh_server):
    """At most 60 public verifications per address in 10 minutes; another address is not held back."""
    from api import session_from

    limited = session_from("127.0.0.7")
    statuses = [
        limited.get(f"{fresh_server.url}/api/v1/certificates/KC-0000000000AA", timeout=30).status_code
        for _ in range(60)
    ]
    assert statuses == [404] * 60, statuses
    refused = limited.post(f"{fresh_server.url}/api/v1/verify", json={"token": "x"}, timeout=30)
    expect_error(refused, 429, "rateLimited")
    other = session_from("127.0.0.8").post(f"{fresh_server.url}/api/v1/verify", json={"token": "x"}, timeout=30)
    assert expect(other, 200)["valid"] is False
