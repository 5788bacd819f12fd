"""Flow (a): the administrator signs in with the one-time password printed at the first start, is made to
choose a new one, then works through the administration's pages."""

from __future__ import annotations

from browser import Site


def test_admin_first_sign_in_and_admin_pages(chromium, fresh_server):
    site = Site(chromium, fresh_server.url)
    one_time = fresh_server.password("admin")

    site.open("/")
    site.check_page("home-anonymous")
    site.open("/login")
    site.check_page("login")

    site.sign_in("admin", one_time)
    assert site.path == "/account/password", f"not sent to the password change but to {site.path}"
    site.check_page("admin-must-change-password")
    # The one-time password opens nothing else: every page leads back to the password change.
    for path in ("/admin", "/admin/accounts", "/account"):
        site.open(path)
        assert site.path == "/account/password", f"{path} was shown before the password change"

    # A mistyped repetition is refused with a message next to the form.
    site.change_password(one_time, "Verwaltung-2026-neu", repeat="Verwaltung-2026-anders")
    assert site.path == "/account/password"
    alert = site.find("#password-error")
    assert alert.get_attribute("role") == "alert" and alert.text.strip(), "no error shown for the mismatch"
    site.check_page("admin-password-mismatch")

    site.change_password(one_time, "Verwaltung-2026-neu")
    assert site.path.startswith("/?changed"), f"after the change: {site.path}"

    site.open("/admin")
    assert site.path == "/admin"
    assert site.find("#count-accounts").text == str(len(fresh_server.logins)), "the overview counts the accounts"
    site.check_page("admin-overview")

    site.open("/admin/accounts")
    rows = [row.text for row in site.find_all("tbody th[scope=row]")]
    assert set(fresh_server.logins) <= set(rows), f"accounts listed: {rows}"
    site.check_page("admin-accounts")

    site.open("/admin/accounts/anbieter")
    assert "anbieter" in site.text()
    site.check_page("admin-account-detail")

    site.open("/admin/organisations")
    assert "demo-akademie" in site.text() and "ihk-beispiel" in site.text()
    site.check_page("admin-organisations")

    site.open("/admin/keys")
    assert "KommunalCampus Demo-Zertifikatsstelle" in site.text()
    site.check_page("admin-keys")

    site.open("/admin/audit")
    text = site.text()
    assert "login" in text and "admin" in text, "the audit log shows the sign-in"
    site.check_page("admin-audit")

    # The old one-time password no longer signs in.
    site.sign_out()
    site.open("/login")
    site.fill("#login", "admin")
    site.fill("#password", one_time)
    site.submit("form[action='/login']")
    assert site.path.startswith("/login"), "the one-time password still works after the change"
    site.check_page("login-failed")

    site.assert_pages_clean()
