"""The website without a browser (JavaScript off): search, entry and normalise pages over the test glossary,
the API docs page, and what every HTML page promises (same-origin files only, no inline script, lang tags).

tests/test_web_browser.py drives the same pages in headless Chromium, JavaScript on and off.
"""

import re
from html.parser import HTMLParser

import pytest

from service import HTML_CSP

PAGES = ["/", "/?q=Kishida", "/?type=place", "/entries/kishida-fumio", "/entries/senkaku-islands", "/normalize",
         "/docs", "/entries/no-such-entry"]


class Page(HTMLParser):
    """The parts of a page the tests look at: elements with their attributes, and text by lang."""

    def __init__(self, html: str):
        super().__init__()
        self.elements: list[tuple[str, dict]] = []
        self.lang_stack: list[str | None] = []
        self.text_by_lang: dict[str | None, list[str]] = {}
        self.inline_scripts = 0
        self._in_script = False
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.elements.append((tag, attrs))
        if tag == "script":
            self._in_script = True
            self.inline_scripts += "src" not in attrs
        if tag not in ("meta", "link", "input", "br", "img"):
            self.lang_stack.append(attrs.get("lang", self.lang_stack[-1] if self.lang_stack else None))

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = False
        if tag not in ("meta", "link", "input", "br", "img") and self.lang_stack:
            self.lang_stack.pop()

    def handle_data(self, data):
        if data.strip() and not self._in_script:
            self.text_by_lang.setdefault(self.lang_stack[-1] if self.lang_stack else None, []).append(data.strip())

    def find(self, tag: str, **want) -> list[dict]:
        return [a for t, a in self.elements if t == tag and all(a.get(k.rstrip("_")) == v for k, v in want.items())]

    def texts(self, lang: str) -> list[str]:
        return self.text_by_lang.get(lang, [])


def page(client, path: str, status: int = 200, **kwargs) -> tuple[str, Page]:
    response = client.post(path, **kwargs) if "data" in kwargs else client.get(path)
    assert response.status_code == status, response.get_data(as_text=True)[:500]
    assert response.mimetype == "text/html"
    html = response.get_data(as_text=True)
    return html, Page(html)


# -- every page ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", PAGES)
def test_pages_use_only_their_own_files_and_no_inline_script(client, path):
    response = client.get(path)
    assert response.headers["Content-Security-Policy"] == HTML_CSP
    html, doc = response.get_data(as_text=True), Page(response.get_data(as_text=True))
    assert doc.inline_scripts == 0
    urls = [a["src"] for a in doc.find("script")] + [a["href"] for a in doc.find("link")]
    assert urls and all(u.startswith("/") and not u.startswith("//") for u in urls)
    for url in urls:  # each one is served
        assert client.get(url).status_code == 200, url
    assert not re.search(r"<[^>]+\son[a-z]+=", html), "no inline event handlers"
    assert not re.search(r"<[^>]+\sstyle=", html), "no inline styles"
    assert doc.find("html", lang="en")


def test_csp_allows_own_scripts_only():
    policy = dict(part.strip().split(" ", 1) for part in HTML_CSP.split(";"))
    assert policy["script-src"] == "'self'"
    assert policy["default-src"] == "'none'" and policy["connect-src"] == "'self'"
    assert policy["form-action"] == "'self'"


# -- search -------------------------------------------------------------------------------------------


def test_home_page_has_a_search_form_that_works_without_javascript(client):
    html, doc = page(client, "/")
    form = doc.find("form", id="search-form")[0]
    assert form["method"] == "get" and form["action"] == "/"
    assert doc.find("input", name="q") and doc.find("select", name="type")
    assert doc.find("ol", id="results")


SEARCHES = [
    # query string, ids expected among the results, ids that must not be there
    pytest.param("q=Kishida", ["kishida-fumio"], ["xi-jinping"], id="english-family-name"),
    pytest.param("q=Kish", ["kishida-fumio"], [], id="prefix-while-typing"),
    pytest.param("q=%E5%B2%B8%E7%94%B0%E6%96%87%E9%9B%84", ["kishida-fumio"], [], id="kanji"),
    pytest.param("q=Diaoyutai", ["senkaku-islands"], [], id="disputed-name"),
    pytest.param("q=Xi+Jinpimg", ["xi-jinping"], [], id="typo"),
    pytest.param("type=place", ["senkaku-islands", "china"], ["xi-jinping"], id="type-alone"),
    pytest.param("q=Kishida&type=place", [], ["kishida-fumio"], id="type-filters-out"),
    pytest.param("q=Kishida&type=bogus", ["kishida-fumio"], [], id="unknown-type-ignored"),
]


@pytest.mark.parametrize(("query", "present", "absent"), SEARCHES)
def test_search_on_submit(client, query, present, absent):
    html, doc = page(client, "/?" + query)
    ids = [a["href"].rsplit("/", 1)[1] for a in doc.find("a", class_="result-name")]
    assert set(present) <= set(ids) and not set(absent) & set(ids)
    if present:
        assert f"{len(ids)} result" in html
    else:
        assert "Nothing in the glossary matches" in html


def test_a_result_shows_names_in_four_languages_type_and_description(client):
    html, doc = page(client, "/?q=Xi+Jinping")
    assert doc.find("a", class_="result-name", href="/entries/xi-jinping")
    assert "Xi Jinping" in doc.texts("en")
    assert "习近平" in doc.texts("zh-Hans") and "習近平" in doc.texts("zh-Hant") and "習近平" in doc.texts("ja")
    assert 'class="type type-person"' in html
    assert "General Secretary of the Chinese Communist Party" in html


def test_search_text_is_escaped(client):
    html, _ = page(client, "/?q=%3Cscript%3Ealert(1)%3C/script%3E")
    assert "<script>alert" not in html and "&lt;script&gt;" in html


# -- one entry ----------------------------------------------------------------------------------------


def test_entry_page_names_with_readings_and_lang_tags(client):
    html, doc = page(client, "/entries/xi-jinping")
    assert doc.find("h1", lang="en") and "Xi Jinping" in doc.texts("en")
    assert "习近平" in doc.texts("zh-Hans") and "習近平" in doc.texts("zh-Hant") and "習近平" in doc.texts("ja")
    assert "しゅう きんぺい" in doc.texts("ja-Hira")
    assert "Shū Kinpei" in doc.texts("ja-Latn-hepburn")
    assert "Xí Jìnpíng" in doc.texts("zh-Latn-pinyin")
    assert "Hsi Chin-p'ing" in doc.texts("zh-Latn-wadegile")  # derived from the pinyin, and marked so
    assert "General Secretary of the Chinese Communist Party" in html and "2012-11" in html
    assert "Data version" in html


def test_entry_page_variants_marked_curated_or_derived(client):
    html, doc = page(client, "/entries/xi-jinping")
    assert "President Xi" in doc.texts("en")
    assert html.count('class="badge curated"') >= 3
    assert 'class="badge derived"' in html and "pinyin-numbered" in html


def test_disputed_entry_says_who_uses_which_name_and_why_the_label(client):
    html, doc = page(client, "/entries/senkaku-islands")
    assert "尖閣諸島" in doc.texts("ja") and "钓鱼岛" in doc.texts("zh-Hans") and "釣魚臺列嶼" in doc.texts("zh-Hant")
    section = html[html.index('class="disputed"'):]
    for party in ("Japan", "China", "TW"):  # TW: no country entry for Taiwan in the test glossary
        assert party in section
    assert "Why the English label is" in section and "most English-language media" in section
    assert "Taiwan&#39;s official name" in html  # the override note


def test_entry_page_says_what_is_lookup_only_and_what_is_not_confirmed(curated):
    from service import create_app

    client = create_app({"GLOSSARY": curated}).test_client()
    html, doc = page(client, "/entries/liaoning-aircraft-carrier")
    row = re.search(r'<tr><td class="name" lang="ja">遼寧</td>.*?</tr>', html, re.S).group(0)
    assert "(lookup only)" in row  # the province's name: the carrier only where a text speaks of ships
    notes = html[html.index('class="notes unverified"'):]
    assert "<code>ja</code>" in notes and "空母「遼寧」" in notes[: notes.index("</ul>")]


def test_entry_page_links_related_entries(curated):
    from service import create_app

    client = create_app({"GLOSSARY": curated}).test_client()
    html, doc = page(client, "/entries/senkaku-islands")
    assert doc.find("a", href="/entries/uotsurijima")


@pytest.mark.parametrize("entry_id", ["no-such-entry", "%3Cb%3Ex%3C%2Fb%3E", "%3Cb%3Ex", "x" * 300])
def test_unknown_entry_is_a_readable_404_page(client, entry_id):
    response = client.get("/entries/" + entry_id, headers={"Accept": BROWSER_ACCEPT})
    assert response.status_code == 404 and response.mimetype == "text/html"
    html = response.get_data(as_text=True)
    assert "Not found" in html and "<b>x" not in html
    assert Page(html).find("a", href="/")


BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


@pytest.mark.parametrize(("path", "accept", "mimetype"), [
    ("/no/such/page", BROWSER_ACCEPT, "text/html"),
    ("/no/such/page", "*/*", "application/problem+json"),  # curl
    ("/no/such/page", None, "application/problem+json"),
    ("/v1/nope", BROWSER_ACCEPT, "application/problem+json"),  # the API answers in its one shape
])
def test_not_found_is_a_page_for_browsers_and_a_problem_for_the_api(client, path, accept, mimetype):
    response = client.get(path, headers={"Accept": accept} if accept else {})
    assert response.status_code == 404 and response.mimetype == mimetype


# -- normalise ----------------------------------------------------------------------------------------

CHINESE = "日本首相岸田文雄会见了国家主席习近平。岸田谈到了钓鱼岛。"


def test_normalise_form_posts_without_javascript(client):
    html, doc = page(client, "/normalize")
    form = doc.find("form", id="normalize-form")[0]
    assert form["method"] == "post" and form["action"] == "/normalize"
    assert doc.find("textarea", name="text") and doc.find("select", name="target")
    assert doc.find("select", name="name_order")


def test_normalise_a_chinese_paragraph_like_the_api(client):
    html, doc = page(client, "/normalize", data={"text": CHINESE, "target": "en", "name_order": "given-family"})
    api = client.post("/v1/normalize", json={"texts": [CHINESE], "target": "en"}).get_json()["results"][0]
    rewritten = doc.find("textarea", id="rewritten")
    assert rewritten and api["text"] in html  # the very text the API gives, ready to copy
    assert "Fumio Kishida" in api["text"] and "Xi Jinping" in api["text"]
    # Every mention the API found is highlighted, by type, linking to its entry.
    links = doc.find("a", class_="mention type-person")
    assert {a["data-entry"] for a in links} == {"kishida-fumio", "xi-jinping"}
    assert doc.find("a", class_="mention type-place", href="/entries/senkaku-islands")
    assert len([a for t, a in doc.elements if t == "a" and "mention" in a.get("class", "")]) == len(api["mentions"])
    assert doc.find("div", id="source-out", lang="zh-Hans")
    assert "Fumio Kishida" in doc.texts("en")  # rewritten names carry the target's lang
    assert doc.find("div", id="card-kishida-fumio")  # the card a hover or focus shows


@pytest.mark.parametrize(("target", "order", "expected"), [
    ("ja", "given-family", "習近平"),
    ("zh-Hant", "given-family", "習近平"),
    ("en", "family-given", "Kishida Fumio"),
])
def test_normalise_target_and_name_order(client, target, order, expected):
    html, doc = page(client, "/normalize", data={"text": CHINESE, "target": target, "name_order": order})
    assert expected in doc.texts(target)
    assert f'<option value="{target}" selected' in html and f'<option value="{order}" selected' in html


def test_normalise_marks_ambiguous_mentions(client):
    html, doc = page(client, "/normalize", data={"text": "Kitamura said so.", "target": "ja"})
    amb = doc.find("a", class_="mention ambiguous")
    assert amb and amb[0]["data-candidates"].split() == ["kitamura-shigeru", "kitamura-tomoo"]
    assert "1 ambiguous" in html and "Kitamura said so." in html


@pytest.mark.parametrize(("form", "status", "says"), [
    ({"text": "", "target": "en"}, 200, None),
    ({"text": "   ", "target": "en"}, 200, None),
    ({"text": "x" * 20_001, "target": "en"}, 413, "at most 20,000"),
    ({"text": "Xi", "target": "klingon", "name_order": "sideways"}, 200, '<option value="en" selected'),  # defaults
    ({"text": "<script>alert(1)</script> Xi Jinping", "target": "en"}, 200, "&lt;script&gt;"),
])
def test_normalise_bad_or_empty_input(client, form, status, says):
    html, doc = page(client, "/normalize", status=status, data=form)
    if says:
        assert says in html
    assert "<script>alert" not in html


# -- API docs -----------------------------------------------------------------------------------------


def test_docs_page_is_swagger_ui_from_local_files(client):
    html, doc = page(client, "/docs")
    scripts = [a["src"] for a in doc.find("script")]
    assert "/docs/swagger-ui/swagger-ui-bundle.js" in scripts and "/static/docs.js" in scripts
    assert doc.find("div", id="swagger-ui")[0]["data-spec-url"] == "/openapi.json"
    bundle = client.get("/docs/swagger-ui/swagger-ui-bundle.js")
    assert bundle.status_code == 200 and b"SwaggerUIBundle" in bundle.data
    assert client.get("/docs/swagger-ui/swagger-ui.css").status_code == 200
    assert client.get("/docs/swagger-ui/../../web.py").status_code == 404
    assert "validatorUrl: null" in client.get("/static/docs.js").get_data(as_text=True)


def test_every_api_route_is_in_openapi(app):
    """The reconciliation endpoints too: each /v1 route and method of the app is documented."""
    spec = app.extensions["api"].spec.to_dict()["paths"]
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/v1"):
            continue
        path = re.sub(r"<(?:[a-z]+:)?([a-z_]+)>", r"{\1}", rule.rule)
        assert path in spec, path
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            assert method.lower() in spec[path], (method, path)


# -- curation: edit form, history, revert (with a store) ------------------------------------------------


@pytest.fixture()
def store_app(tmp_path):
    from service import create_app
    from tests.conftest import FIXTURES

    return create_app({"GLOSSARY_SEEDS": str(FIXTURES / "mini.yaml"), "GLOSSARY_DB": str(tmp_path / "g.db"),
                       "TESTING": True, "GLOSSARY_REFRESH_ON_WRITE": True})


@pytest.fixture()
def store_client(store_app):
    return store_app.test_client()


def _auth(app, name: str = "alice", role: str = "editor") -> dict:
    return {"Authorization": "Bearer " + app.extensions["store"].create_token(name, role)}


def _patch(client, headers: dict, etag: str, body: dict, entry_id: str = "kishida-fumio"):
    return client.patch(f"/v1/entries/{entry_id}", json=body, content_type="application/merge-patch+json",
                        headers={**headers, "If-Match": etag})


@pytest.mark.parametrize("path", ["/entries/kishida-fumio/edit", "/entries/kishida-fumio/history"])
def test_curation_pages_keep_the_page_rules(store_client, path):
    """Same origin files only, no inline script or handler: the form is driven by service/static/site.js."""
    response = store_client.get(path)
    assert response.status_code == 200
    assert response.headers["Content-Security-Policy"] == HTML_CSP
    html, doc = response.get_data(as_text=True), Page(response.get_data(as_text=True))
    assert doc.inline_scripts == 0
    assert not re.search(r"<[^>]+\son[a-z]+=", html) and not re.search(r"<[^>]+\sstyle=", html)


def test_entry_page_links_to_edit_and_history_only_with_a_store(client, store_client):
    _, doc = page(store_client, "/entries/kishida-fumio")
    assert doc.find("a", href="/entries/kishida-fumio/edit") and doc.find("a", href="/entries/kishida-fumio/history")
    _, doc = page(client, "/entries/kishida-fumio")  # the read-only service has nothing to edit
    assert not doc.find("a", href="/entries/kishida-fumio/edit")
    page(client, "/entries/kishida-fumio/edit", 404)
    page(client, "/entries/kishida-fumio/history", 404)


def test_edit_page_carries_the_apis_etag_and_the_names_with_their_lang(store_client):
    html, doc = page(store_client, "/entries/kishida-fumio/edit")
    api = store_client.get("/v1/entries/kishida-fumio")
    assert doc.find("article", id="edit")[0]["data-etag"] == api.headers["ETag"]
    assert doc.find("input", id="f-name-ja", lang="ja")[0]["value"] == "岸田文雄"
    assert doc.find("input", id="f-name-zh-Hans", lang="zh-Hans")[0]["value"] == "岸田文雄"
    assert doc.find("input", id="f-name-zh-Hant", lang="zh-Hant")[0]["value"] == ""  # not in the mini glossary
    assert doc.find("label", for_="f-name-ja")
    assert "Prime Minister of Japan" in html and doc.find("textarea", id="f-description")
    # The form and the sign-in need the script (they start hidden); without it the page says so.
    assert "hidden" in doc.find("form", id="edit-form")[0] and "hidden" in doc.find("section", id="signin")[0]
    assert "Editing needs JavaScript" in html
    assert doc.find("input", id="token", type="password")


def test_history_page_shows_each_revision_as_a_field_diff(store_app, store_client):
    etag = store_client.get("/v1/entries/kishida-fumio").headers["ETag"]
    saved = _patch(store_client, _auth(store_app), etag, {"description": "Prime Minister of Japan, 2021 to 2024.",
                                                          "names": {"zh-Hant": "岸田文雄"}})
    assert saved.status_code == 200, saved.get_json()
    html, doc = page(store_client, "/entries/kishida-fumio/history")
    api = store_client.get("/v1/entries/kishida-fumio/history").get_json()
    assert [int(li["id"][1:]) for li in doc.find("li", class_="revision")] == [2, 1]  # newest first
    assert len(api["revisions"]) == 2
    assert "Revision 2" in html and "alice" in html
    assert "Prime Minister of Japan (2021–2024)." in doc.texts("en")  # before
    assert "Prime Minister of Japan, 2021 to 2024." in doc.texts("en")  # after
    assert doc.find("ins", lang="zh-Hant")  # the name added in revision 2, with its lang
    assert "岸田文雄" in doc.texts("zh-Hant")
    # Revert is offered (to signed-in users, by the script) for revision 1 only, not for the current one.
    assert [b["data-revert"] for b in doc.find("button") if "data-revert" in b] == ["1"]
    assert doc.find("article", id="history")[0]["data-etag"] == store_client.get("/v1/entries/kishida-fumio").headers["ETag"]


def test_history_of_a_retired_entry_and_unknown_ids(store_app, store_client):
    etag = store_client.get("/v1/entries/taiwan").headers["ETag"]
    gone = store_client.delete("/v1/entries/taiwan", headers={**_auth(store_app, "root", "admin"), "If-Match": etag})
    assert gone.status_code == 204
    html, doc = page(store_client, "/entries/taiwan/history")
    assert "retired" in html and not [b for b in doc.find("button") if "data-revert" in b]
    page(store_client, "/entries/taiwan/edit", 410)
    page(store_client, "/entries/no-such-entry/edit", 404)
    page(store_client, "/entries/no-such-entry/history", 404)


def test_the_token_stays_in_the_tab_and_goes_only_to_this_service():
    from pathlib import Path

    script = (Path(__file__).parents[1] / "service" / "static" / "site.js").read_text()
    assert "sessionStorage" in script and "localStorage" not in script and "document.cookie" not in script
    assert script.count('"Bearer " + token()') == 1
    assert "new URL(path, location.origin)" in script  # relative API paths, on this origin only
