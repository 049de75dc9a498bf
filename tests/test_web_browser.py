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
    # The search box has the focus on arrival: the browser applies autofocus as it renders, which may come
    # just after the load event that ends get(), so the test waits for it (a second at most).
    wait(browser, 1).until(lambda b: b.switch_to.active_element.get_attribute("id") == "q")
    box = browser.switch_to.active_element
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


# -- curation: sign in, edit, a stale edit, history and revert (a service with its own store) ---------------


@pytest.fixture(scope="module")
def store_site(tmp_path_factory):
    """The service over the test glossary with a store in a temporary directory (tokens are made in it)."""
    from werkzeug.serving import make_server

    from service import create_app
    from tests.conftest import FIXTURES

    app = create_app({"GLOSSARY_SEEDS": str(FIXTURES / "mini.yaml"),
                      "GLOSSARY_DB": str(tmp_path_factory.mktemp("store") / "g.db"), "GLOSSARY_REFRESH_ON_WRITE": True})
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}", app
    server.shutdown()
    thread.join(timeout=5)


def sign_in(browser, token: str) -> None:
    box = browser.find_element(By.ID, "token")
    box.send_keys(token)
    box.send_keys(Keys.ENTER)  # the keyboard is enough
    wait(browser).until(EC.visibility_of_element_located((By.ID, "signout")))


def expected_errors(driver) -> list[str]:
    """Console errors other than the failed requests the test provokes (Chromium logs a 412 or a 403)."""
    return [m for m in console_errors(driver) if "status of 412" not in m and "status of 403" not in m]


def test_edit_then_a_stale_edit_shows_the_other_version(browser, store_site):
    site, app = store_site
    store = app.extensions["store"]
    alice, bob = store.create_token("alice", "editor"), store.create_token("bob", "editor")
    browser.get(site + "/entries/kishida-fumio")
    browser.find_element(By.LINK_TEXT, "Edit this entry").click()
    wait(browser).until(EC.url_contains("/entries/kishida-fumio/edit"))
    assert not browser.find_element(By.ID, "edit-form").is_displayed()  # signed out: no form
    sign_in(browser, alice)
    assert browser.execute_script("return sessionStorage.getItem('jcglossary-token')") == alice
    form = browser.find_element(By.ID, "edit-form")
    assert form.is_displayed()
    assert browser.find_element(By.ID, "f-name-ja").get_attribute("lang") == "ja"
    hant = browser.find_element(By.ID, "f-name-zh-Hant")
    hant.send_keys("岸田文雄")
    screenshot(browser, "edit")
    form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    wait(browser).until(EC.text_to_be_present_in_element((By.ID, "edit-status"), "Saved as revision 2"))
    assert store.get("kishida-fumio").seed["names"]["zh-Hant"] == "岸田文雄"
    assert store.history("kishida-fumio")[-1].author == "alice"

    # Bob saves while this page still holds revision 2; then this editor's save is stale.
    client = app.test_client()
    etag = client.get("/v1/entries/kishida-fumio").headers["ETag"]
    assert browser.find_element(By.ID, "edit").get_attribute("data-etag") == etag
    bobs = client.patch("/v1/entries/kishida-fumio", json={"description": "Prime Minister of Japan, 2021 to 2024."},
                        content_type="application/merge-patch+json",
                        headers={"Authorization": "Bearer " + bob, "If-Match": etag})
    assert bobs.status_code == 200
    description = browser.find_element(By.ID, "f-description")
    description.clear()
    description.send_keys("Japanese Prime Minister (2021–2024).")
    description.send_keys(Keys.TAB)
    form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    conflict = wait(browser).until(EC.visibility_of_element_located((By.ID, "conflict")))
    assert browser.switch_to.active_element == conflict  # the focus moves to the news
    assert "bob saved revision 3" in conflict.text
    row = conflict.find_element(By.XPATH, ".//tbody/tr[th[starts-with(., 'description')]]")
    assert row.find_element(By.CSS_SELECTOR, "td.saved").text == "Prime Minister of Japan, 2021 to 2024."
    assert row.find_element(By.CSS_SELECTOR, "td.yours").text == "Japanese Prime Minister (2021–2024)."
    assert row.find_element(By.CSS_SELECTOR, "td.saved span").get_attribute("lang") == "en"
    assert "Not saved" in browser.find_element(By.ID, "edit-status").text
    assert store.get("kishida-fumio").seed["description"] == "Prime Minister of Japan, 2021 to 2024."  # kept
    screenshot(browser, "edit-conflict")

    # Editing the saved version: the form takes revision 3 and its ETag; saving now works.
    browser.find_element(By.ID, "conflict-load").click()
    assert description.get_attribute("value") == "Prime Minister of Japan, 2021 to 2024."
    assert browser.find_element(By.ID, "form-revision").text == "3"
    description.send_keys(" Resigned in 2024.")
    form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    wait(browser).until(EC.text_to_be_present_in_element((By.ID, "edit-status"), "Saved as revision 4"))
    assert store.get("kishida-fumio").seed["description"].endswith("Resigned in 2024.")
    assert expected_errors(browser) == []


NEW_XI = "President of China (2013–) and General Secretary of the CCP (2012–)."


def test_history_and_revert(browser, store_site):
    site, app = store_site
    store = app.extensions["store"]
    editor, admin = store.create_token("carol", "editor"), store.create_token("root", "admin")
    client = app.test_client()
    etag = client.get("/v1/entries/xi-jinping").headers["ETag"]
    assert client.patch("/v1/entries/xi-jinping", json={"description": NEW_XI},
                        content_type="application/merge-patch+json",
                        headers={"Authorization": "Bearer " + editor, "If-Match": etag}).status_code == 200
    browser.get(site + "/entries/xi-jinping/history")
    if browser.find_elements(By.ID, "signout") and browser.find_element(By.ID, "signout").is_displayed():
        browser.find_element(By.ID, "signout").click()
    revision = browser.find_element(By.ID, "r2")
    assert revision.find_element(By.CSS_SELECTOR, "del [lang=en]").text.startswith("General Secretary")
    assert revision.find_element(By.CSS_SELECTOR, "ins [lang=en]").text == NEW_XI
    revert = browser.find_element(By.CSS_SELECTOR, "[data-revert='1']")
    assert not revert.is_displayed()  # only for the signed in
    sign_in(browser, editor)
    revert.click()  # an editor may not
    wait(browser).until(EC.text_to_be_present_in_element((By.ID, "revert-status"), "only an admin"))
    browser.find_element(By.ID, "signout").click()
    assert browser.execute_script("return sessionStorage.getItem('jcglossary-token')") is None
    sign_in(browser, admin)
    browser.find_element(By.CSS_SELECTOR, "[data-revert='1']").click()
    wait(browser).until(EC.presence_of_element_located((By.ID, "r3")))  # the page reloads with the new revision
    assert "revert" in browser.find_element(By.ID, "r3").text and "root" in browser.find_element(By.ID, "r3").text
    assert store.get("xi-jinping").seed["description"].startswith("General Secretary")
    screenshot(browser, "history")
    assert expected_errors(browser) == []


def test_history_reads_without_javascript(browser_nojs, store_site):
    site, _ = store_site
    browser_nojs.get(site + "/entries/kishida-fumio/history")
    assert browser_nojs.find_element(By.CSS_SELECTOR, "li.revision h2").text.startswith("Revision")
    assert not browser_nojs.find_element(By.ID, "signin").is_displayed()
    browser_nojs.get(site + "/entries/kishida-fumio/edit")
    assert "Editing needs JavaScript" in browser_nojs.find_element(By.TAG_NAME, "main").text


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


@pytest.mark.parametrize("path", ["/entries/kishida-fumio/edit", "/entries/kishida-fumio/history"])
def test_curation_pages_fit_a_phone_screen(browser, store_site, path):
    site, _ = store_site
    browser.set_window_size(*PHONE)
    try:
        browser.get(site + path)
        browser.execute_script("return document.fonts.ready")
        fits = "return document.documentElement.scrollWidth <= document.documentElement.clientWidth"
        try:
            wait(browser, 5).until(lambda d: d.execute_script(fits))
        except TimeoutException:
            pass
        widths = browser.execute_script(
            "return [document.documentElement.clientWidth, document.documentElement.scrollWidth]")
        assert widths[1] <= widths[0], f"{path} is wider than the screen: {widths}"
    finally:
        browser.set_window_size(*DESKTOP)
