"""Flow (c): a provider of another organisation, made by the admin through the API, sees nothing of the demo
provider's banks, courses and certificates: they are absent from its lists and answer 404."""

from __future__ import annotations

import pytest

from api import (
    DEMO_COURSE,
    SAMPLE_BANK,
    Api,
    Browserless,
    demo_gradebook,
    enrol,
    expect,
    expect_error,
    issue,
    learner_record,
    prepare_account,
)
from browser import Site

OTHER_ORGANISATION = "qa-andere-akademie"
OTHER_PASSWORD = "Fremd-Anbieter-2026"


@pytest.fixture(scope="module")
def other_organisation(server, admin):
    """The other organisation, made through the admin API."""
    api = Api(server.url, admin.token)
    expect(api.post("/api/v1/organisations", json={"id": OTHER_ORGANISATION, "name": "Andere Akademie (QA)"}), 201)
    organisations = expect(api.get("/api/v1/organisations"), 200)["organisations"]
    assert {"id": OTHER_ORGANISATION, "name": "Andere Akademie (QA)"} in organisations
    return Api(server.url, admin.token)


def make_stranger(admin_api: Api, login: str) -> str:
    """A provider of the other organisation, made through the admin API; its one-time password."""
    created = expect(
        admin_api.post(
            "/api/v1/accounts",
            json={
                "login": login,
                "displayName": "Frieda Fremd",
                "roles": [{"role": "provider", "organisation": OTHER_ORGANISATION}],
            },
        ),
        201,
    )
    assert created["account"]["mustChangePassword"] is True
    assert created["account"]["roles"] == [{"role": "provider", "organisation": OTHER_ORGANISATION}]
    return created["oneTimePassword"]


@pytest.fixture(scope="module")
def demo_certificate(server, provider):
    """A certificate the demo provider issued."""
    api = Api(server.url, provider.token)
    enrol(api, "isolation-probe", "Ida Isolation")
    results = issue(api, demo_gradebook([learner_record("isolation-probe", "Ida Isolation")]))
    assert results["isolation-probe"]["outcome"] == "issued", results
    return results["isolation-probe"]["id"]


def test_other_provider_sees_nothing_of_the_demo_organisation(chromium, server, other_organisation, demo_certificate):
    one_time = make_stranger(other_organisation, "qa-fremd-browser")
    site = Site(chromium, server.url)
    site.sign_in("qa-fremd-browser", one_time)
    assert site.path == "/account/password"
    site.change_password(one_time, OTHER_PASSWORD)
    assert site.path.startswith("/?changed"), site.path

    site.open("/provider/banks")
    assert SAMPLE_BANK not in site.text() and "ozg-onlinedienste" not in site.text()
    site.check_page("other-provider-banks")
    site.open("/provider/courses")
    assert DEMO_COURSE not in site.text() and "Digitale Verwaltung kompakt" not in site.text()
    site.check_page("other-provider-courses")

    site.open(f"/provider/banks/{SAMPLE_BANK}")
    assert site.find("[role=alert]").text.strip()
    site.check_page("other-provider-bank-404")
    site.open(f"/provider/courses/{DEMO_COURSE}")
    assert site.find("[role=alert]").text.strip()
    site.check_page("other-provider-course-404")

    if demo_certificate:
        site.open("/provider/certificates")
        assert demo_certificate not in site.text()
        site.check_page("other-provider-certificates")
        site.open(f"/provider/certificates/{demo_certificate}")
        assert demo_certificate not in site.text() or site.find("[role=alert]")
        site.check_page("other-provider-certificate-404")

    # The same pages by status code, in a session of their own.
    pages = Browserless(server.url)
    pages.sign_in("qa-fremd-browser", OTHER_PASSWORD)
    for path in (
        f"/provider/banks/{SAMPLE_BANK}",
        f"/provider/courses/{DEMO_COURSE}",
        *([f"/provider/certificates/{demo_certificate}", f"/provider/certificates/{demo_certificate}/pdf"]
          if demo_certificate else []),
    ):
        answer = pages.get(path, allow_redirects=False)
        assert answer.status_code == 404, f"{path}: {answer.status_code}"
    site.assert_pages_clean()


def test_other_provider_api_answers_404(server, provider, other_organisation, demo_certificate):
    one_time = make_stranger(other_organisation, "qa-fremd-api")
    account = prepare_account(server, "qa-fremd-api", one_time, new_password=OTHER_PASSWORD)
    api = Api(server.url, account.token)

    assert expect(api.get("/api/v1/banks"), 200)["banks"] == []
    assert DEMO_COURSE not in [course["id"] for course in expect(api.get("/api/v1/courses"), 200)["courses"]]
    for path in (
        f"/api/v1/banks/{SAMPLE_BANK}/versions",
        f"/api/v1/banks/{SAMPLE_BANK}/versions/1",
        f"/api/v1/banks/{SAMPLE_BANK}/versions/1/download",
        f"/api/v1/banks/{SAMPLE_BANK}/versions?organisation=demo-akademie",
        f"/api/v1/courses/{DEMO_COURSE}",
        f"/api/v1/courses/{DEMO_COURSE}/enrolments",
    ):
        expect_error(api.get(path), 404, "notFound")
    course = expect(Api(server.url, provider.token).get(f"/api/v1/courses/{DEMO_COURSE}"), 200)
    definition = {key: course[key] for key in ("id", "title", "period", "contentUnits", "sets", "thresholds")}
    expect_error(api.request("PUT", f"/api/v1/courses/{DEMO_COURSE}", json=definition), 404, "notFound")
    expect_error(
        api.post(
            f"/api/v1/courses/{DEMO_COURSE}/enrolments",
            json={"learnerId": "eindringling", "name": "E. Indringling", "email": "e@example.org",
                  "birthDate": "1980-01-01"},
        ),
        404,
        "notFound",
    )
    # Uploading into the demo organisation is refused like a missing one.
    expect_error(
        api.post("/api/v1/banks", params={"organisation": "demo-akademie"}, data=b"id: x\n",
                 headers={"Content-Type": "application/yaml"}),
        404,
        "notFound",
    )

    if demo_certificate:
        listed = expect(api.get("/api/v1/certificates"), 200)["certificates"]
        assert demo_certificate not in [certificate["id"] for certificate in listed]
        expect_error(api.get(f"/api/v1/certificates/{demo_certificate}/pdf"), 404)
        expect_error(api.post(f"/api/v1/certificates/{demo_certificate}/revoke", json={"reason": "fremd"}), 404)
        expect_error(
            api.post(f"/api/v1/certificates/{demo_certificate}/supersede",
                     json={"by": demo_certificate, "reason": "fremd"}),
            404,
        )
        expect_error(
            api.post(f"/api/v1/courses/{DEMO_COURSE}/certificates", json=demo_gradebook([])), 404, "notFound"
        )
        # Still standing: nothing the stranger tried changed it.
        record = expect(Api(server.url, None).get(f"/api/v1/certificates/{demo_certificate}"), 200)
        assert record["status"] == "valid", record

    # The demo provider's view is unchanged by all this.
    versions = expect(Api(server.url, provider.token).get(f"/api/v1/banks/{SAMPLE_BANK}/versions"), 200)["versions"]
    assert all(version["organisation"] == "demo-akademie" for version in versions)
