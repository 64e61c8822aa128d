"""A real headless Chromium (Debian's chromium + chromium-driver) for the browser tests, and the layout check.

The fixtures that hand it out (`browser`, `browser_without_javascript`, `demo_data`) are in this
folder's conftest.py. Screenshots go to test-artifacts/screenshots/ (git-ignored); the layout
screenshots also go to docs/screenshots/ when DOC_SCREENSHOTS=1 (how the documentation's pictures
are refreshed: `DOC_SCREENSHOTS=1 .venv/bin/pytest codevance_api/web/tests/test_layout.py`).

To hold a new page to the layout rule, add one line to a page list of test_layout.py, or call
`browser.check_layout(live_server, name, path)` from any browser test.
"""

import base64
import os
from pathlib import Path

from django.conf import settings

from codevance_api.conftest import service_missing

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
SCREENSHOTS = Path(settings.BASE_DIR) / "test-artifacts" / "screenshots"
DOC_SCREENSHOTS = Path(settings.BASE_DIR) / "docs" / "screenshots"
WINDOW = (1000, 800)
WAIT_SECONDS = 10

# The widths every page must fit without scrolling sideways: a phone and a laptop (CSS pixels), with
# the height of the screenshots taken at each.
LAYOUT_SIZES = {390: 844, 1280: 800}
# The documentation's screenshots show the whole page, cut at this height (CSS pixels).
DOC_SCREENSHOT_MAX_HEIGHT = 2000

SUPPLIER = ("user01@email.com", "user01")
OPERATOR = ("operator01@email.com", "operator01")

# What the layout check reports (JavaScript, run in the page). Every element counts except those
# matched by the selectors passed in (the skip link waits off-screen until focused) and those of at
# most 1x1 px (visually hidden text for screen readers):
# - the page itself wider than the window (it would scroll sideways);
# - an element reaching past the window's left or right edge;
# - an element whose content is wider than its box: a scroll box that scrolls sideways (a table
#   hiding its last columns), or text spilling out of its card (an amount too wide for it).
# An element inside a box that clips or scrolls is not checked itself: that box is, and shows the fault.
# Form fields are left out of the last check: text scrolling inside an input is how inputs work.
_OVERFLOW_SCRIPT = """
const ignored = arguments[0];
const width = window.innerWidth;
const problems = [];
const root = document.documentElement;
if (root.scrollWidth > width) {
  problems.push(`the page is ${root.scrollWidth}px wide in a ${width}px window`);
}
function describe(element) {
  let name = element.tagName.toLowerCase();
  if (element.id) { name += "#" + element.id; }
  if (element.classList.length) { name += "." + Array.from(element.classList).join("."); }
  const testid = element.getAttribute("data-testid");
  if (testid) { name += `[data-testid=${testid}]`; }
  const text = (element.innerText || "").trim().replace(/\\s+/g, " ").slice(0, 40);
  return text ? `${name} ("${text}")` : name;
}
function clippedByAncestor(element) {
  for (let parent = element.parentElement; parent && parent !== document.body; parent = parent.parentElement) {
    if (getComputedStyle(parent).overflowX !== "visible") { return true; }
  }
  return false;
}
for (const element of document.body.querySelectorAll("*")) {
  if (ignored.some((selector) => element.closest(selector))) { continue; }
  const style = getComputedStyle(element);
  if (style.display === "none" || style.visibility === "hidden") { continue; }
  const box = element.getBoundingClientRect();
  if (box.width <= 1 && box.height <= 1) { continue; }
  // Inside a box that clips or scrolls, what shows is that box: it is the one checked.
  if (clippedByAncestor(element)) { continue; }
  if (box.right > width + 1 || box.left < -1) {
    const span = `${Math.round(box.left)} to ${Math.round(box.right)}px`;
    problems.push(`${describe(element)} reaches past the window: ${span} of ${width}px`);
  }
  if (["INPUT", "SELECT", "TEXTAREA"].includes(element.tagName) || style.display === "inline") { continue; }
  if (element.clientWidth > 0 && element.scrollWidth > element.clientWidth + 1) {
    const how = ["auto", "scroll"].includes(style.overflowX) ? "scrolls sideways" : "has content wider than itself";
    problems.push(`${describe(element)} ${how}: ${element.scrollWidth}px in ${element.clientWidth}px`);
  }
}
return problems;
"""


def chromium_options(user_data_dir: Path, javascript: bool, language: str = "en-US"):
    from selenium.webdriver.chrome.options import Options

    options = Options()
    options.binary_location = CHROMIUM
    for flag in [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--hide-scrollbars",
        f"--lang={language}",
        f"--user-data-dir={user_data_dir}",
        f"--window-size={WINDOW[0]},{WINDOW[1]}",
    ]:
        options.add_argument(flag)
    # What the browser sends as Accept-Language.
    prefs = {"intl.accept_languages": language}
    if not javascript:
        prefs["profile.managed_default_content_settings.javascript"] = 2
    options.add_experimental_option("prefs", prefs)
    return options


def start_browser(tmp_path, monkeypatch, javascript=True, language="en-US"):
    """A headless Chromium driven by the system's chromedriver, sending Accept-Language `language`; skips
    (fails in CI) when they are absent."""
    if not (os.access(CHROMIUM, os.X_OK) and os.access(CHROMEDRIVER, os.X_OK)):
        service_missing(f"the browser tests need {CHROMIUM} and {CHROMEDRIVER} (Debian: chromium chromium-driver)")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    # The driver is the system's: Selenium Manager must never look for (or download) one.
    monkeypatch.setenv("SE_OFFLINE", "true")
    user_data_dir = tmp_path / "chromium-profile"
    user_data_dir.mkdir()
    options = chromium_options(user_data_dir, javascript, language)
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(30)
    return driver


class Browser:
    def __init__(self, driver):
        self.driver = driver

    def find(self, css):
        from selenium.webdriver.common.by import By

        return self.driver.find_element(By.CSS_SELECTOR, css)

    def find_all(self, css):
        from selenium.webdriver.common.by import By

        return self.driver.find_elements(By.CSS_SELECTOR, css)

    def text(self, css="body") -> str:
        return " ".join(self.find(css).text.split())

    def wait_for(self, condition, message):
        from selenium.webdriver.support.ui import WebDriverWait

        return WebDriverWait(self.driver, WAIT_SECONDS).until(lambda driver: condition(), message)

    def click(self, css):
        """Click something that loads a new page, and wait until the new page has loaded.

        The old page is marked; a new document has a fresh `window`, without the mark."""
        self.driver.execute_script("window.__oldPage = true;")
        self.find(css).click()
        self.wait_for(self._new_page_loaded, f"clicking {css} loaded no new page")

    def _new_page_loaded(self) -> bool:
        from selenium.common.exceptions import WebDriverException

        try:
            return self.driver.execute_script("return !window.__oldPage && document.readyState === 'complete';")
        except WebDriverException:
            return False  # the page is being replaced right now

    def screenshot(self, name, *, docs=False):
        """Save the window as test-artifacts/screenshots/<name>.png, and as docs/screenshots/<name>.png too
        when `docs` and DOC_SCREENSHOTS=1."""
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        self.driver.save_screenshot(str(SCREENSHOTS / f"{name}.png"))
        if docs and os.environ.get("DOC_SCREENSHOTS") == "1":
            DOC_SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            # The whole page (up to DOC_SCREENSHOT_MAX_HEIGHT) at the width set by set_viewport.
            width, height = self.driver.execute_script(
                "return [window.innerWidth, document.documentElement.scrollHeight];"
            )
            clip = {"x": 0, "y": 0, "width": width, "height": min(height, DOC_SCREENSHOT_MAX_HEIGHT), "scale": 1}
            shot = self.driver.execute_cdp_cmd(
                "Page.captureScreenshot", {"format": "png", "captureBeyondViewport": True, "clip": clip}
            )
            (DOC_SCREENSHOTS / f"{name}.png").write_bytes(base64.b64decode(shot["data"]))

    def set_viewport(self, width: int, height: int):
        """Lay pages out in a window of exactly `width` x `height` CSS pixels (a desktop browser's rules:
        no zooming out to fit a page that is too wide, so an overflow shows)."""
        self.driver.execute_cdp_cmd(
            "Emulation.setDeviceMetricsOverride",
            {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False},
        )

    def overflow_problems(self, ignore=(".skip-link",)) -> list[str]:
        """What sticks out sideways on the current page (see _OVERFLOW_SCRIPT); empty when it fits."""
        return self.driver.execute_script(_OVERFLOW_SCRIPT, list(ignore))

    def check_layout(self, live_server, name: str, path: str | None, sizes=None) -> list[str]:
        """Open `path` at each width of LAYOUT_SIZES, screenshot it as <name>-<width>.png (docs too, see
        `screenshot`) and return the overflow problems found, each prefixed with the page and width.
        With `path` None the page already shown is resized in place (a page that answers a POST).

        Callers assert the list is empty once every page is seen, so one run names every fault."""
        problems = []
        for width, height in (sizes or LAYOUT_SIZES).items():
            self.set_viewport(width, height)
            if path is not None:
                self.driver.get(f"{live_server.url}{path}")
            assert self.driver.execute_script("return window.innerWidth") == width
            where = path or self.driver.current_url
            problems += [f"{name} at {width}px ({where}): {problem}" for problem in self.overflow_problems()]
            self.screenshot(f"{name}-{width}", docs=True)
        self.driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
        return problems

    def log_in(self, live_server, email, password):
        self.driver.get(f"{live_server.url}/")
        assert "/login/" in self.driver.current_url
        self.find("#id_username").send_keys(email)
        self.find("#id_password").send_keys(password)
        self.click("form[action='/login/'] button[type=submit]")

    def log_out(self):
        self.click("form.logout button")
        assert "/login/" in self.driver.current_url
