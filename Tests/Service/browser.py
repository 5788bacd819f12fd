"""A real headless Chromium driven by Selenium, and a Site object for the browser flows.

`Site.check_page(name)` is the check every page of a flow goes through: axe-core finds no violation of impact
serious or critical, the page has no horizontal scroll at a phone's width (390 CSS pixels), and screenshots
(desktop and phone) are written to `.build/screenshots/<name>.png` and `<name>-phone.png`. A flow ends with
`Site.assert_pages_clean()`, which fails naming every problem of every page checked.
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from urllib.parse import urlparse

from api import SCREENSHOTS, unavailable

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
PHONE_WIDTH = 390
PHONE_HEIGHT = 844
DESKTOP = (1280, 900)
SERIOUS = {"serious", "critical"}


def start_chromium():
    """A headless Chromium, or a skip (a failure under CI=true) when it or Selenium is missing."""
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
    except ImportError as error:
        unavailable(f"selenium is not installed: {error}")
    try:
        import axe_selenium_python  # noqa: F401
    except ImportError as error:
        unavailable(f"axe-selenium-python is not installed: {error}")
    axe_script()
    for tool in (CHROMIUM, CHROMEDRIVER):
        if not (os.path.exists(tool) and os.access(tool, os.X_OK)):
            unavailable(f"{tool} is missing (apt-get install chromium chromium-driver)")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for argument in (
        "--headless=new",
        "--no-sandbox",
        "--disable-dev-shm-usage",
        "--disable-gpu",
        f"--window-size={DESKTOP[0]},{DESKTOP[1]}",
        "--lang=de-DE",
        "--no-first-run",
        "--password-store=basic",
    ):
        options.add_argument(argument)
    # Chromium's password manager would open its own UI over the page after a password change.
    options.add_experimental_option(
        "prefs", {"credentials_enable_service": False, "profile.password_manager_enabled": False}
    )
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(60)
    driver.set_script_timeout(60)
    return driver


def axe_script() -> Path:
    """The axe-core script to inject. axe-selenium-python (the last release for Python 3.11) bundles axe-core
    3.1.1 of 2018, which reports visually hidden `<label>`s as missing; axe-core-python ships axe-core 4.4.3,
    which axe-selenium-python's `Axe` injects just as well."""
    try:
        import axe_core_python
    except ImportError as error:
        unavailable(f"axe-core-python (axe-core 4.x) is not installed: {error}")
    script = Path(axe_core_python.__file__).with_name("axe.min.js")
    if not script.exists():
        unavailable(f"{script} is missing")
    return script


class Site:
    """The service at `base`, seen through `driver`."""

    def __init__(self, driver, base: str):
        self.driver = driver
        self.base = base.rstrip("/")
        self.checked: list[str] = []
        self.problems: list[str] = []

    # -- navigation ------------------------------------------------------------------------------------------

    def open(self, path: str) -> None:
        """Loads `path` as a new document (also when only the `#fragment` differs from the page shown now, which
        a browser would otherwise treat as a jump within the same document)."""
        url = self.base + path
        if self.driver.current_url.split("#")[0] == url.split("#")[0]:
            self.driver.get("about:blank")
        self.driver.get(url)
        self.wait_loaded()

    def wait_loaded(self, timeout: float = 30) -> None:
        self.wait_for(lambda: self.driver.execute_script("return document.readyState") == "complete", timeout,
                      "the page did not finish loading")

    def wait_for(self, condition, timeout: float = 15, message: str = "condition not met"):
        """Polls `condition` until it returns something true (returned), failing after `timeout` seconds."""
        deadline = time.monotonic() + timeout
        last_error = None
        while time.monotonic() < deadline:
            try:
                value = condition()
                if value:
                    return value
            except Exception as error:  # the page may be between two documents
                last_error = error
            time.sleep(0.1)
        raise AssertionError(f"{message} within {timeout} s (at {self.path}){f': {last_error}' if last_error else ''}")

    @property
    def path(self) -> str:
        url = urlparse(self.driver.current_url)
        return url.path + (f"?{url.query}" if url.query else "")

    def text(self) -> str:
        from selenium.webdriver.common.by import By

        return self.driver.find_element(By.TAG_NAME, "body").text

    def heading(self) -> str:
        from selenium.webdriver.common.by import By

        return self.driver.find_element(By.TAG_NAME, "h1").text

    def find(self, css: str):
        from selenium.webdriver.common.by import By

        return self.driver.find_element(By.CSS_SELECTOR, css)

    def find_all(self, css: str):
        from selenium.webdriver.common.by import By

        return self.driver.find_elements(By.CSS_SELECTOR, css)

    def fill(self, css: str, value: str) -> None:
        field = self.find(css)
        field.clear()
        field.send_keys(value)

    def attach(self, css: str, file: Path) -> None:
        self.find(css).send_keys(str(Path(file).resolve()))

    def submit(self, form_css: str = "main form", timeout: float = 30) -> None:
        """Clicks the submit button of the form and waits for the next document."""
        old = self.find("html")
        self.find(f"{form_css} button[type=submit]").click()
        self.wait_for(lambda: self._stale(old), timeout, "the form's answer did not arrive")
        self.wait_loaded()

    @staticmethod
    def _stale(element) -> bool:
        from selenium.common.exceptions import StaleElementReferenceException

        try:
            element.tag_name
            return False
        except StaleElementReferenceException:
            return True

    # -- accounts --------------------------------------------------------------------------------------------

    def sign_in(self, login: str, password: str) -> None:
        self.open("/login")
        self.fill("#login", login)
        self.fill("#password", password)
        self.submit("form[action='/login']")
        assert not self.path.startswith("/login"), f"sign-in of {login} failed: {self.text()[:300]}"

    def change_password(self, current: str, new: str, repeat: str | None = None) -> None:
        self.fill("#current", current)
        self.fill("#new", new)
        self.fill("#repeat", new if repeat is None else repeat)
        self.submit("form[action='/account/password']")

    def sign_out(self) -> None:
        self.find("form[action='/logout'] button").click()
        self.wait_for(lambda: self.path == "/", 15, "sign-out did not return home")

    # -- the check every page goes through -------------------------------------------------------------------

    def check_page(self, name: str) -> None:
        """Checks the page shown now; its problems are collected, and `assert_pages_clean` fails on them at the end
        of the flow (so that one run names every page's problems)."""
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        self.driver.save_screenshot(str(SCREENSHOTS / f"{name}.png"))
        where = f"{name} ({self.path})"
        self.problems += [f"{where}: {problem}" for problem in self.accessibility_problems()]
        overflow = self.phone_overflow(name)
        if overflow:
            self.problems.append(f"{where}: scrolls sideways at {PHONE_WIDTH} px: {overflow}")
        self.checked.append(name)

    def assert_pages_clean(self) -> None:
        assert self.checked, "no page was checked"
        assert not self.problems, f"{len(self.problems)} problems on the pages checked ({', '.join(self.checked)}):\n" + (
            "\n".join(self.problems)
        )

    def accessibility_problems(self) -> list[str]:
        from axe_selenium_python import Axe

        axe = Axe(self.driver, script_url=str(axe_script()))
        axe.inject()
        results = self.driver.execute_async_script(
            "var done = arguments[arguments.length - 1];"
            "axe.run(document, {resultTypes: ['violations']})"
            ".then(function (r) { done(r); }, function (e) { done({error: String(e)}); });"
        )
        assert results and "error" not in results, f"axe-core did not run: {results}"
        engine = results.get("testEngine", {}).get("version", "?")
        problems = []
        for violation in results["violations"]:
            if violation.get("impact") not in SERIOUS:
                continue
            targets = [", ".join(node["target"]) for node in violation["nodes"][:5]]
            problems.append(
                f"axe-core {engine}: [{violation['impact']}] {violation['id']}: {violation['help']} at {targets}"
            )
        return problems

    def phone_overflow(self, name: str) -> str | None:
        """Emulates a phone-wide viewport; `None` when nothing is wider than it, else what overflows. (Not in
        mobile mode: there Chromium would widen the layout viewport to the content and hide the overflow.)"""
        self.driver.execute_cdp_cmd(
            "Emulation.setDeviceMetricsOverride",
            {"width": PHONE_WIDTH, "height": PHONE_HEIGHT, "deviceScaleFactor": 1, "mobile": False},
        )
        try:
            self.wait_for(
                lambda: self.driver.execute_script("return window.innerWidth") == PHONE_WIDTH,
                10, "the phone viewport was not applied",
            )
            measured = self.driver.execute_script(
                """
                const root = document.documentElement;
                const width = root.clientWidth;
                if (root.scrollWidth <= width && document.body.scrollWidth <= width) return null;
                // Whether a scrolling or clipping ancestor holds the element in: for an absolutely positioned
                // element only from its containing block (its nearest positioned ancestor) upwards.
                const outOfFlow = (style) => style.position === 'absolute' || style.position === 'fixed';
                const clipped = (element) => {
                  let free = outOfFlow(getComputedStyle(element));
                  for (let up = element.parentElement; up && up !== document.body; up = up.parentElement) {
                    const style = getComputedStyle(up);
                    if (free) {
                      if (style.position === 'static') continue;
                      free = outOfFlow(style);
                    }
                    if (style.overflowX !== 'visible') return true;
                  }
                  return false;
                };
                const wide = [];
                for (const element of document.body.querySelectorAll('*')) {
                  const box = element.getBoundingClientRect();
                  if (box.right > width + 1 && !clipped(element) && wide.length < 5) {
                    wide.push(element.tagName.toLowerCase() + (element.id ? '#' + element.id : '')
                      + (element.className && typeof element.className === 'string'
                         ? '.' + element.className.trim().split(/\\s+/).join('.') : '')
                      + ' (right edge ' + Math.round(box.right) + ')');
                  }
                }
                return 'page ' + root.scrollWidth + ' px wide, viewport ' + width + ' px: ' + wide.join('; ');
                """
            )
            self.driver.save_screenshot(str(SCREENSHOTS / f"{name}-phone.png"))
            return measured
        finally:
            self.driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})

