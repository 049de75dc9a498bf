"""The website for people: search the glossary, read an entry, normalise a text.

Server-rendered Jinja templates (service/templates/) that work with JavaScript off; service/static/site.js
adds results as you type and in-page normalisation on top. The views read the glossary only through
:func:`service.api.glossary` and normalise with the same core call as ``POST /v1/normalize``.

Curation (issue 13): with a store, the entry page links to ``/entries/<id>/edit`` (a form that site.js sends
through the write API with the editor's token and the entry's ETag in If-Match; editing needs JavaScript,
since the token lives in the browser) and ``/entries/<id>/history`` (every revision as a field diff, from
the same :func:`service.curate.history` as the API; readable without JavaScript; revert for admins).
"""

from __future__ import annotations

from flask import Blueprint, current_app, g, render_template, request

from glossary import __version__
from glossary.derive import HEPBURN, PINYIN, WADE_GILES, convert_han
from glossary.model import ENTRY_TYPES, Entry, Variant
from glossary.normalize import NAME_ORDERS, TARGETS, Mention, normalize_text
from glossary.romanize.chinese import parse_pinyin, pinyin_spellings
from service import curate
from service.api import blp, glossary
from service.errors import problem_response

web = Blueprint("web", __name__)  # templates and static files: the app's, service/templates and service/static

SEARCH_LIMIT = 20
# What the website shows of a name, per BCP 47 tag; anything else is shown under its tag.
LANGUAGES = {"en": "English", "ja": "Japanese", "zh-Hans": "Chinese (simplified)",
             "zh-Hant": "Chinese (traditional)"}
TARGET_LABELS = {"en": "English", "zh-Hans": "Chinese, simplified (简体)", "zh-Hant": "Chinese, traditional (繁體)",
                 "ja": "Japanese (日本語)"}
ORDER_LABELS = {"given-family": "Given name first (Fumio Kishida)",
                "family-given": "Family name first (Kishida Fumio)"}
READING_LABELS = {"ja-Hira": "kana", "ja-Kana": "katakana", HEPBURN: "Hepburn", PINYIN: "pinyin",
                  WADE_GILES: "Wade-Giles", "zh-Latn-TW": "Taiwanese spelling", "zh-Latn-postal": "postal"}
# Readings shown under each script: (tag of the name, tags of its readings).
READINGS_OF = {"ja": ("ja-Hira", "ja-Kana", HEPBURN), "zh-Hans": (PINYIN, WADE_GILES),
               "zh-Hant": ("zh-Latn-TW",)}
OTHER_TAGS = {"ko": "Korean", "ko-Latn": "Korean (romanised)", "ru": "Russian", "zh-Latn-postal": "postal romanisation",
              "yue-Latn": "Cantonese (romanised)"}
MAX_TEXT_CHARS = 20_000  # what the page accepts; the API's own limit is MAX_TEXT_CHARS in service/limits.py


# -- search ----------------------------------------------------------------------------------------


def search(q: str, type_: str | None, limit: int = SEARCH_LIMIT) -> list[Entry]:
    """Ranked lookup first (exact, normalised and fuzzy matches), then entries with a name containing ``q``.

    The same two API calls the page's script makes as you type: ``GET /v1/lookup`` and ``GET /v1/entries``.
    """
    data = glossary()
    if not q:
        return data.list_entries(type=type_)[:limit] if type_ else []
    found = [m.entry for m in data.lookup(q, type=type_, limit=limit)]
    seen = {e.id for e in found}
    for e in data.list_entries(type=type_, q=q):
        if len(found) >= limit:
            break
        if e.id not in seen:
            found.append(e)
            seen.add(e.id)
    return found[:limit]


@web.get("/")
def index():
    q = request.args.get("q", "").strip()[:200]
    type_ = request.args.get("type") or None
    if type_ not in ENTRY_TYPES:
        type_ = None
    results = search(q, type_)
    data = glossary()
    return render_template("index.html", q=q, type=type_, types=ENTRY_TYPES, results=results,
                           searched=bool(q or type_), entries=len(data.entries), names=data.variant_count,
                           version=data.version)


# -- one entry -------------------------------------------------------------------------------------


@web.get("/entries/<string:entry_id>")
def entry_page(entry_id: str):
    data = glossary()
    entry = data.get(entry_id) if len(entry_id) <= 200 else None
    if entry is None:
        return render_template("404.html", what=f"There is no entry with the id “{entry_id[:200]}”."), 404
    variants = data.variants_of(entry.id)
    return render_template("entry.html", e=entry, scripts=_scripts(entry, variants), others=_other_names(entry),
                           usage=_usage(entry), roles=entry.details.get("roles", []),
                           related=[r for r in (data.get(i) for i in entry.details.get("see_also", [])) if r],
                           curated=[v for v in variants if v.origin == "curated" and v.kind != "name"],
                           derived=[v for v in variants if v.origin == "derived"],
                           facts=_facts(entry), reading_labels=READING_LABELS, version=data.version,
                           country_name=_country_name, curation=_has_store())


# -- curation: the edit form and the history ----------------------------------------------------------

# The names the edit form offers, in this order (then any other tag the entry has).
EDIT_TAGS = ("en", "zh-Hans", "zh-Hant", "ja", "ja-Hira", "ja-Latn-hepburn", "zh-Latn-pinyin")


def _has_store() -> bool:
    return current_app.extensions.get("store") is not None


def _stored_or_page(entry_id: str):
    """(the entry as the store holds it now, None) or (None, an error page)."""
    if not _has_store():
        return None, (render_template("404.html", what="This service serves its seed files read-only: "
                                      "there is nothing to edit and no history."), 404)
    stored = curate.store().get(entry_id) if len(entry_id) <= 200 else None
    if stored is None:
        return None, (render_template("404.html", what=f"There is no entry with the id “{entry_id[:200]}”."), 404)
    return stored, None


def etag(entry_id: str, revision: int) -> str:
    """The ETag header the API sends for this revision (what the form sends back in If-Match)."""
    return '"' + blp._generate_etag(curate.etag_data(entry_id, revision)) + '"'


@web.get("/entries/<string:entry_id>/edit")
def edit_page(entry_id: str):
    stored, error = _stored_or_page(entry_id)
    if error:
        return error
    if stored.retired:
        return render_template("404.html", what=f"The entry “{entry_id}” was retired; its history stays."), 410
    names = stored.seed.get("names", {})
    tags = list(EDIT_TAGS) + [t for t in names if t not in EDIT_TAGS]
    return render_template("edit.html", id=stored.id, seed=stored.seed, revision=stored.revision,
                           etag=etag(stored.id, stored.revision), tags=tags, names=names,
                           label=names.get("en") or stored.id, labels={**LANGUAGES, **READING_LABELS, **OTHER_TAGS})


@web.get("/entries/<string:entry_id>/history")
def history_page(entry_id: str):
    stored, error = _stored_or_page(entry_id)
    if error:
        return error
    found = curate.history(stored.id)
    names = stored.seed.get("names", {})
    return render_template("history.html", h=found, id=stored.id, label=names.get("en") or stored.id,
                           revisions=list(reversed(found["revisions"])), current=stored.revision,
                           etag=etag(stored.id, stored.revision), retired=stored.retired)


def _scripts(entry: Entry, variants: list[Variant]) -> list[dict]:
    """One row per language and script: the preferred name and its readings (curated, or derived and marked)."""
    rows = []
    for tag, label in LANGUAGES.items():
        name = entry.names.get(tag)
        if not name:
            continue
        readings = []
        for rtag in READINGS_OF.get(tag, ()):
            if rtag in entry.names:
                readings.append({"tag": rtag, "text": entry.names[rtag], "derived": False})
            elif rtag == WADE_GILES and (words := parse_pinyin(entry.names.get(PINYIN, ""))):
                readings.append({"tag": rtag, "text": pinyin_spellings(words)["wade-giles"], "derived": True})
            elif rtag == "ja-Kana" and "ja-Hira" in entry.names:
                kana = next((v.name for v in variants if v.lang == "ja-Kana" and v.origin == "derived"), None)
                if kana:
                    readings.append({"tag": rtag, "text": kana, "derived": True})
        rows.append({"tag": tag, "label": label, "name": name, "readings": readings})
    return rows


def _other_names(entry: Entry) -> list[dict]:
    shown = set(LANGUAGES) | {t for tags in READINGS_OF.values() for t in tags}
    return [{"tag": tag, "label": OTHER_TAGS.get(tag, tag), "name": name}
            for tag, name in entry.names.items() if tag not in shown]


# The script a party writes a disputed name in (its lang attribute); others are told from the name itself.
PARTY_LANG = {"JP": "ja", "CN": "zh-Hans", "TW": "zh-Hant", "HK": "zh-Hant", "MO": "zh-Hant", "KR": "ko", "KP": "ko"}


def _usage(entry: Entry) -> list[dict]:
    return [{**u, "party_name": _country_name(u.get("party", "")),
             "lang": PARTY_LANG.get(u.get("party", "")) or text_lang(u.get("name", ""))}
            for u in entry.details.get("name_usage", [])]


def _country_name(code: str) -> str:
    """A party code (ISO 3166-1, as in ``used_by``) as the English name of its country entry, if there is one."""
    names = g.get("country_names")
    if names is None:
        # A country entry's first code is its own (Taiwan: TW, CN); one with a single code wins a tie.
        countries = [e for e in glossary().entries.values() if e.details.get("subtype") == "country" and _countries(e)]
        names = g.country_names = {_countries(e)[0]: e.label
                                   for e in sorted(countries, key=lambda e: -len(_countries(e)))}
    return names.get(code, code)


def _countries(entry: Entry) -> list[str]:
    country = entry.details.get("country")
    return [country] if isinstance(country, str) else list(country or [])


def _facts(entry: Entry) -> list[tuple[str, str]]:
    d = entry.details
    countries = _countries(entry)
    facts = [("Type", entry.type + (f" · {d['subtype']}" if d.get("subtype") else ""))]
    if countries:
        facts.append(("Country", ", ".join(_country_name(c) for c in countries)))
    for key, label in (("region", "Region"), ("born", "Born"), ("died", "Died"), ("date", "Date")):
        if d.get(key):
            facts.append((label, str(d[key])))
    return facts


# -- normalise -------------------------------------------------------------------------------------


@web.route("/normalize", methods=["GET", "POST"])
def normalize_page():
    form = request.form if request.method == "POST" else request.args
    text = form.get("text", "")
    target = form.get("target") if form.get("target") in TARGETS else "en"
    order = form.get("name_order") if form.get("name_order") in NAME_ORDERS else "given-family"
    error, result = None, None
    if len(text) > MAX_TEXT_CHARS:
        error = f"The text has {len(text):,} characters; the page takes at most {MAX_TEXT_CHARS:,}."
    elif text.strip() and request.method == "POST":
        result = _normalized(text, target, order)
    status = 413 if error else 200
    return render_template("normalize.html", text=text, target=target, order=order, targets=TARGET_LABELS,
                           orders=ORDER_LABELS, result=result, error=error, types=ENTRY_TYPES), status


def _normalized(text: str, target: str, order: str) -> dict:
    data = glossary()
    result = normalize_text(data, text, target=target, mode="rewrite", name_order=order)
    ids = [i for m in result.mentions for i in ([m.entry_id] if m.entry_id else []) + list(m.candidates)]
    entries = {i: data.get(i) for i in ids}
    rewritten = _segments(text, result.mentions, data, rewrite=True)
    if "".join(s["text"] for s in rewritten) != result.text:  # never show other text than the API's
        rewritten = [{"text": result.text}]
    return {"source": _segments(text, result.mentions, data, rewrite=False), "rewritten": rewritten,
            "text": result.text, "mentions": result.mentions, "entries": {k: v for k, v in entries.items() if v},
            "source_lang": text_lang(text), "target": target}


def _segments(text: str, mentions: list[Mention], data, rewrite: bool) -> list[dict]:
    """The text cut into plain runs and mentions, for highlighting. Rewritten, it joins to the API's text."""
    out, pos = [], 0
    for m in mentions:
        if rewrite and m.canonical is None:
            continue  # left unchanged: part of the next plain run
        out.append({"text": text[pos:m.start]})
        entry = data.get(m.entry_id) if m.entry_id else None
        out.append({"text": m.canonical if rewrite else m.surface, "mention": m, "entry": entry,
                    "type": entry.type if entry else "ambiguous"})
        pos = m.end
    out.append({"text": text[pos:]})
    return [s for s in out if s["text"]]


def text_lang(text: str) -> str | None:
    """The lang attribute for a pasted text: ja with kana; Han-only text simplified or traditional."""
    if any("\u3040" <= c <= "\u30ff" for c in text):
        return "ja"
    han = "".join(c for c in text if "\u3400" <= c <= "\u9fff")
    if not han:
        return "en" if text.isascii() else None
    return "zh-Hant" if convert_han(han, "t2s") != han and convert_han(han, "s2t") == han else "zh-Hans"


@web.app_errorhandler(404)
def not_found(error):
    """A browser asking for a page that is not there gets a page; API clients get the one problem shape."""
    wants_html = request.accept_mimetypes.best_match(["application/problem+json", "text/html"]) == "text/html"
    if request.path.startswith("/v1/") or not wants_html:
        return problem_response(error)
    return render_template("404.html", what="There is no page at this address."), 404


@web.app_context_processor
def _site():
    return {"site_version": __version__, "api_docs": "/docs", "public_url": current_app.config["PUBLIC_URL"]}
