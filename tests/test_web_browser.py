"""The website in a real browser: Debian's headless Chromium driven by Selenium, against the curated glossary.

Each test leaves screenshots in tests/screenshots/ (git-ignored), desktop and phone widths. Where Chromium or
its driver is missing, every test here is skipped with the reason; the rest of the suite still runs
(tests/test_web.py covers the same pages without a browser, JavaScript off).
"""

from __future__ import annotations

import base64
import shutil
import tempfile
import threading
from pathlib import Path

import pytest

webdriver = pytest.importorskip("selenium.webdriver", reason="selenium is not installed (pip install selenium)")
from selenium.common.exceptions import StaleElementReferenceException, TimeoutException  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.common.keys import Keys  # noqa: E402
from selenium.webdriver.support import expected_conditions as EC  # noqa: E402
from selenium.webdriver.support.ui import Select, WebDriverWait  # noqa: E402

SCREENSHOTS = Path(__file__).parent / "screenshots"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver") or next(
    (p for p in ("/usr/lib/chromium/chromedriver",) if Path(p).exists()), None)
DESKTOP, PHONE = (1280, 900), (390, 844)

# A Chinese paragraph written for this test: two people, a disputed place, a capital and a short form
# that counts only after the full name.
CHINESE = "日本首相岸田文雄与中国国家主席习近平在北京会谈。双方谈到钓鱼岛问题。岸田表示希望保持沟通。"

pytestmark = pytest.mark.skipif(
    not (CHROMIUM and CHROMEDRIVER),
    reason="no browser: install Debian's chromium and chromium-driver (apt-get install chromium chromium-driver)")


@pytest.fixture(scope="module")
def site(curated):
    """The service over the curated glossary, on a free local port in a thread."""
    from werkzeug.serving import make_server

    from service import create_app

    app = create_app({"GLOSSARY": curated})
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)


def _browser(javascript: bool = True):
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    profile = tempfile.mkdtemp(prefix="jcglossary-chromium-")
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-dev-shm-usage", "--hide-scrollbars",
                 f"--user-data-dir={profile}", f"--window-size={DESKTOP[0]},{DESKTOP[1]}", "--lang=en-GB"):
        options.add_argument(flag)
    if not javascript:
        options.add_experimental_option("prefs", {"profile.managed_default_content_settings.javascript": 2})
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(options=options, service=webdriver.ChromeService(executable_path=CHROMEDRIVER))
    driver.implicitly_wait(0)
    return driver, profile


@pytest.fixture(scope="module")
def browser():
    driver, profile = _browser()
    yield driver
    driver.quit()
    shutil.rmtree(profile, ignore_errors=True)


@pytest.fixture(scope="module")
def browser_nojs():
    driver, profile = _browser(javascript=False)
    yield driver
    driver.quit()
    shutil.rmtree(profile, ignore_errors=True)


def wait(driver, seconds: float = 10):
    """Waits that retry when the script has just replaced the element (the normalise page swaps its result)."""
    return WebDriverWait(driver, seconds, ignored_exceptions=(StaleElementReferenceException,))


def screenshot(driver, name: str) -> None:
    """Whole-page PNGs at desktop and phone widths (the window is restored to desktop afterwards)."""
    SCREENSHOTS.mkdir(exist_ok=True)
    for label, (width, height) in (("desktop", DESKTOP), ("phone", PHONE)):
        driver.set_window_size(width, height)
        driver.execute_script("return document.fonts.ready")
        size = driver.execute_cdp_cmd("Page.getLayoutMetrics", {})["cssContentSize"]
        shot = driver.execute_cdp_cmd("Page.captureScreenshot", {
            "format": "png", "captureBeyondViewport": True,
            "clip": {"x": 0, "y": 0, "width": size["width"], "height": min(size["height"], 6000), "scale": 1}})
        (SCREENSHOTS / f"{name}-{label}.png").write_bytes(base64.b64decode(shot["data"]))
    driver.set_window_size(*DESKTOP)


def console_errors(driver) -> list[str]:
    """Errors the page logged (a CSP violation, a script error): none are expected."""
    return [e["message"] for e in driver.get_log("browser") if e["level"] == "SEVERE"]


def test_search_as_you_type_finds_kishida_and_opens_his_entry(browser, site):
    browser.get(site + "/")
    box = browser.find_element(By.ID, "q")
    assert browser.switch_to.active_element == box  # the search box has the focus on arrival
    box.send_keys("Kishida")
    first = wait(browser).until(EC.presence_of_element_located((By.CSS_SELECTOR, "#results a.result-name")))
    assert "Fumio Kishida" in first.text
    item = first.find_element(By.XPATH, "./ancestor::li")
    assert item.find_element(By.CSS_SELECTOR, "dd[lang=ja]").text == "岸田文雄"
    assert item.find_element(By.CSS_SELECTOR, "dd[lang=zh-Hans]").text == "岸田文雄"
    assert "Prime Minister" in item.find_element(By.CSS_SELECTOR, ".desc").text
    assert "q=Kishida" in browser.current_url  # the address can be shared or reloaded
    screenshot(browser, "search")
    first.click()
    wait(browser).until(EC.url_contains("/entries/kishida-fumio"))
    assert browser.find_element(By.TAG_NAME, "h1").text == "Fumio Kishida"
    names = browser.find_element(By.CSS_SELECTOR, "table.names")
    assert names.find_element(By.CSS_SELECTOR, "td[lang=ja]").text == "岸田文雄"
    assert "きしだ ふみお" in names.find_element(By.CSS_SELECTOR, "[lang=ja-Hira]").text
    assert names.find_element(By.CSS_SELECTOR, "[lang=ja-Latn-hepburn]").text == "Kishida Fumio"
    assert names.find_element(By.CSS_SELECTOR, "[lang=zh-Latn-pinyin]").text == "Àntián Wénxióng"
    assert "Prime Minister of Japan" in browser.find_element(By.CSS_SELECTOR, "table.roles").text
    assert "Data version" in browser.find_element(By.CSS_SELECTOR, ".meta").text
    screenshot(browser, "entry")
    assert console_errors(browser) == []


def test_type_filter_narrows_live_results(browser, site):
    browser.get(site + "/")
    browser.find_element(By.ID, "q").send_keys("Diaoyu")
    wait(browser).until(EC.presence_of_element_located((By.CSS_SELECTOR, "#results li")))
    Select(browser.find_element(By.ID, "type")).select_by_value("organization")
    wait(browser).until(lambda d: "type=organization" in d.current_url)
    wait(browser).until(lambda d: all(b.text == "ORGANIZATION" or b.text == "organization"
                                      for b in d.find_elements(By.CSS_SELECTOR, "#results .type")))
    assert console_errors(browser) == []


def test_disputed_entry_shows_who_uses_which_name(browser, site):
    browser.get(site + "/entries/senkaku-islands")
    usage = browser.find_element(By.CSS_SELECTOR, "section.disputed")
    assert usage.find_element(By.CSS_SELECTOR, "td[lang=ja]").text == "尖閣諸島"
    assert usage.find_element(By.CSS_SELECTOR, "td[lang=zh-Hans]").text == "钓鱼岛及其附属岛屿"
    assert usage.find_element(By.CSS_SELECTOR, "td[lang=zh-Hant]").text == "釣魚臺列嶼"
    assert "Why the English label" in usage.text
    assert browser.find_elements(By.CSS_SELECTOR, "table.variants .badge.curated")
    screenshot(browser, "entry-disputed")


def test_normalise_a_chinese_paragraph(browser, site):
    browser.get(site + "/normalize")
    browser.find_element(By.ID, "text").send_keys(CHINESE)
    Select(browser.find_element(By.ID, "target")).select_by_value("en")
    browser.find_element(By.CSS_SELECTOR, "#normalize-form button[type=submit]").click()
    rewritten = wait(browser).until(EC.presence_of_element_located((By.ID, "rewritten")))
    assert browser.current_url.endswith("/normalize")  # done in the page, no navigation
    out = rewritten.get_attribute("value")
    assert "Fumio Kishida" in out and "Xi Jinping" in out and "Beijing" in out and "Senkaku Islands" in out
    assert "岸田" not in out
    source = browser.find_element(By.ID, "source-out")
    assert source.get_attribute("lang") == "zh-Hans"
    kishida = source.find_element(By.CSS_SELECTOR, "a.mention[data-entry=kishida-fumio]")
    assert "type-person" in kishida.get_attribute("class")
    assert "type-place" in source.find_element(By.CSS_SELECTOR, "a.mention[data-entry=senkaku-islands]").get_attribute("class")
    webdriver.ActionChains(browser).move_to_element(kishida).perform()  # hovering shows the entry's card
    card = wait(browser).until(EC.visibility_of_element_located((By.CSS_SELECTOR, "body > .card")))
    assert "Fumio Kishida" in card.text and "Prime Minister" in card.text
    assert browser.find_element(By.CSS_SELECTOR, "#rewritten-out .mention[lang=en]")
    screenshot(browser, "normalize-card")
    webdriver.ActionChains(browser).move_to_element(browser.find_element(By.TAG_NAME, "h1")).perform()
    wait(browser).until(EC.invisibility_of_element_located((By.CSS_SELECTOR, "body > .card")))
    screenshot(browser, "normalize")
    # Changing the target language redoes it at once.
    Select(browser.find_element(By.ID, "target")).select_by_value("ja")
    wait(browser).until(lambda d: "習近平" in d.find_element(By.ID, "rewritten").get_attribute("value"))
    assert console_errors(browser) == []


def test_normalise_marks_an_ambiguous_mention(browser, site):
    browser.get(site + "/normalize")
    browser.find_element(By.ID, "text").send_keys("Kitamura said the talks went well.")
    browser.find_element(By.ID, "text").send_keys(Keys.CONTROL, Keys.ENTER)  # Ctrl+Enter submits
    amb = wait(browser).until(EC.presence_of_element_located((By.CSS_SELECTOR, "#source-out .mention.ambiguous")))
    assert amb.text == "Kitamura"
    assert "ambiguous" in browser.find_element(By.CSS_SELECTOR, "table.mentions").text


def test_keyboard_only(browser, site):
    """Tab reaches the skip link first; search, arrow keys into the results, Enter opens an entry."""
    browser.get(site + "/entries/senkaku-islands")
    webdriver.ActionChains(browser).send_keys(Keys.TAB).perform()
    assert browser.switch_to.active_element.text == "Skip to content"
    browser.switch_to.active_element.send_keys(Keys.ENTER)
    assert browser.switch_to.active_element.get_attribute("id") == "main"
    browser.get(site + "/")
    box = browser.switch_to.active_element  # the search box has the focus on arrival
    assert box.get_attribute("id") == "q"
    box.send_keys("习近平")
    wait(browser).until(EC.presence_of_element_located((By.CSS_SELECTOR, "#results a.result-name")))
    box.send_keys(Keys.ARROW_DOWN)
    focused = browser.switch_to.active_element
    assert focused.get_attribute("class") == "result-name" and "Xi Jinping" in focused.text
    focused.send_keys(Keys.ENTER)
    wait(browser).until(EC.url_contains("/entries/xi-jinping"))
    # On the normalise page: type, Tab to the options, Enter on the button.
    browser.get(site + "/normalize")
    text = browser.find_element(By.ID, "text")
    text.send_keys("岸田文雄")
    text.send_keys(Keys.TAB)  # target
    browser.switch_to.active_element.send_keys(Keys.TAB)  # name order
    browser.switch_to.active_element.send_keys(Keys.TAB)  # button
    assert browser.switch_to.active_element.text == "Normalise"
    browser.switch_to.active_element.send_keys(Keys.ENTER)
    mention = wait(browser).until(EC.presence_of_element_located((By.CSS_SELECTOR, "#source-out a.mention")))
    browser.execute_script("arguments[0].focus()", mention)  # focusing a mention shows its card too
    wait(browser).until(EC.visibility_of_element_located((By.CSS_SELECTOR, "body > .card")))
    browser.switch_to.active_element.send_keys(Keys.ESCAPE)
    wait(browser).until(EC.invisibility_of_element_located((By.CSS_SELECTOR, "body > .card")))


def test_pages_work_with_javascript_off(browser_nojs, site):
    b = browser_nojs
    b.get(site + "/")
    b.find_element(By.ID, "q").send_keys("Kishida")
    b.find_element(By.CSS_SELECTOR, "#search-form button").click()
    wait(b).until(EC.url_contains("q=Kishida"))
    assert "Fumio Kishida" in b.find_element(By.CSS_SELECTOR, "#results").text
    b.get(site + "/normalize")
    b.find_element(By.ID, "text").send_keys(CHINESE)
    b.find_element(By.CSS_SELECTOR, "#normalize-form button[type=submit]").click()
    rewritten = wait(b).until(EC.presence_of_element_located((By.ID, "rewritten")))
    assert "Xi Jinping" in rewritten.get_attribute("value")
    assert not b.find_element(By.ID, "copy").is_displayed()  # the copy button needs the script
    screenshot(b, "normalize-nojs")


def test_api_docs_try_it_out(browser, site):
    """Swagger UI loads the service's own spec from local files and "Try it out" calls the service."""
    browser.get(site + "/docs")
    op = wait(browser, 20).until(EC.element_to_be_clickable((By.ID, "operations-v1-get_v1_health")))
    assert browser.find_elements(By.CSS_SELECTOR, "[id^='operations-'][id*='reconcile']")
    screenshot(browser, "docs")
    op.find_element(By.CSS_SELECTOR, "button.opblock-summary-control").click()
    wait(browser).until(EC.element_to_be_clickable((By.CSS_SELECTOR, "#operations-v1-get_v1_health .try-out__btn"))).click()
    browser.find_element(By.CSS_SELECTOR, "#operations-v1-get_v1_health .execute").click()
    body = wait(browser).until(EC.presence_of_element_located(
        (By.CSS_SELECTOR, "#operations-v1-get_v1_health .live-responses-table .response-col_description pre")))
    assert '"data_version"' in body.text
    assert console_errors(browser) == []


@pytest.mark.parametrize("path", ["/?q=Xi", "/entries/senkaku-islands", "/entries/kishida-fumio", "/normalize", "/docs"])
def test_nothing_overflows_a_phone_screen(browser, site, path):
    browser.set_window_size(*PHONE)
    try:
        browser.get(site + path)
        if path == "/docs":  # Swagger UI draws the operations after the spec arrives
            wait(browser, 20).until(EC.presence_of_element_located((By.CSS_SELECTOR, ".opblock")))
        if path == "/normalize":  # with a result
            browser.find_element(By.ID, "text").send_keys(CHINESE)
            browser.find_element(By.CSS_SELECTOR, "#normalize-form button[type=submit]").click()
            wait(browser).until(EC.presence_of_element_located((By.CSS_SELECTOR, "table.mentions")))
        browser.execute_script("return document.fonts.ready")
        fits = "return document.documentElement.scrollWidth <= document.documentElement.clientWidth"
        try:  # the layout settles after the resize and the CJK fonts
            wait(browser, 5).until(lambda d: d.execute_script(fits))
        except TimeoutException:
            pass
        widths = browser.execute_script(
            "return [document.documentElement.clientWidth, document.documentElement.scrollWidth]")
        wide = browser.execute_script("""
            const width = document.documentElement.clientWidth;
            return [...document.querySelectorAll("body *")].filter((e) => e.getBoundingClientRect().right > width + 1)
                .map((e) => e.tagName + "." + e.className + ": " + e.textContent.trim().slice(0, 40)).slice(-5);""")
        assert widths[1] <= widths[0], f"{path} is wider than the screen: {widths}, {wide}"
    finally:
        browser.set_window_size(*DESKTOP)
