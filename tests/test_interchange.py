"""TBX, CSV and JSON Lines: the export validates against the official TBX-Basic schemas, a real TBX reader
(translate-toolkit) reads it, and reading an export back proposes no change. Edits to an exported file
show up as the proposals they are."""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree, isoschematron

from glossary import build_glossary
from glossary.interchange import (
    CSV_COLUMNS,
    TBX_NS,
    UnreadableFile,
    entry_seed,
    iter_csv,
    iter_jsonl,
    iter_tbx,
    read_csv,
    read_tbx,
)
from glossary.model import VARIANT_KINDS, Entry, Variant
from glossary.schemas import EntrySchema

TBX_FIXTURES = Path(__file__).parent / "fixtures" / "tbx"
NS = {"t": TBX_NS}

# lxml's Schematron is XSLT 1.0; these rewrites of the official XSLT 2.0 file mean the same in XPath 1.0
# (tests/fixtures/tbx/SOURCE.md says why). Each must occur exactly this often, or the file has changed.
SCHEMATRON_REWRITES = [
    ('queryBinding="xslt2"', 'queryBinding="xslt"', 1),
    ("matches(@target,'https?://.+')",
     "(string-length(substring-after(@target,'http://')) &gt; 0"
     " or string-length(substring-after(@target,'https://')) &gt; 0)", 1),
    ("./local-name()", "local-name()", 16),
]


@pytest.fixture(scope="module")
def relaxng():
    return etree.RelaxNG(etree.parse(str(TBX_FIXTURES / "TBXcoreStructV03.rng")))


@pytest.fixture(scope="module")
def schematron():
    text = (TBX_FIXTURES / "TBX-Basic_DCA.sch").read_text(encoding="utf-8-sig")
    for old, new, count in SCHEMATRON_REWRITES:
        assert text.count(old) == count, f"the official Schematron changed: {old!r}"
        text = text.replace(old, new)
    assert "matches(" not in text and "xslt2" not in text
    return isoschematron.Schematron(etree.fromstring(text.encode()), store_report=True)


def tbx_bytes(g, **kw) -> bytes:
    return b"".join(iter_tbx(g, **kw))


def assert_valid(doc, relaxng, schematron):
    assert relaxng.validate(doc), relaxng.error_log
    assert schematron.validate(doc), [str(e) for e in schematron.error_log][:5]


# -- the official schemas ---------------------------------------------------------------------------


def test_the_dialects_own_example_passes_the_schemas(relaxng, schematron):
    # The adapted Schematron still accepts what the dialect itself calls valid.
    assert_valid(etree.parse(str(TBX_FIXTURES / "Example_Astronomy_DCA_VALID.tbx")), relaxng, schematron)


@pytest.mark.parametrize("variants", ["all", "curated"])
def test_mini_export_is_valid_tbx_basic(mini, relaxng, schematron, variants):
    assert_valid(etree.fromstring(tbx_bytes(mini, variants=variants)).getroottree(), relaxng, schematron)


def test_curated_export_is_valid_tbx_basic(curated, relaxng, schematron):
    # The whole curated glossary against the structure; the dialect rules on a slice with every feature
    # (the Schematron takes half a minute on the full 17 MB file). Cross-references stay inside the slice.
    doc = etree.fromstring(tbx_bytes(curated)).getroottree()
    assert relaxng.validate(doc), relaxng.error_log
    chosen = [e for i, e in enumerate(curated.entries.values())
              if i % 25 == 0 or e.details.get("name_usage") or e.details.get("label_note")][:400]
    part = build_glossary(chosen)
    assert_valid(etree.fromstring(tbx_bytes(part)).getroottree(), relaxng, schematron)


# Each mutation breaks one TBX-Basic rule; the schemas must say no (so the validation above can fail).
BREAKAGES = [
    pytest.param('<termNote type="termType">fullForm<', '<termNote type="termType">properName<', id="term-type"),
    pytest.param('<descrip type="subjectField">', '<descrip type="usage">', id="descrip-type"),
    pytest.param('type="TBX-Basic"', 'type="TBX-Min"', id="dialect-name"),
    pytest.param('target="china"', 'target="nowhere"', id="dangling-cross-reference"),
    pytest.param('preferredTerm-admn-sts', 'preferred', id="admin-status-value"),
    pytest.param('<term>Senkakus</term>', '', id="termSec-without-term"),
]


@pytest.fixture(scope="module")
def linked(mini):
    """The mini glossary with one cross-reference (senkaku-islands -> china)."""
    senkaku = mini.entries["senkaku-islands"]
    linked = replace(senkaku, details={**senkaku.details, "see_also": ["china"]})
    return build_glossary([linked if e.id == linked.id else e for e in mini.entries.values()])


@pytest.mark.parametrize("old,new", BREAKAGES)
def test_schemas_reject_broken_exports(linked, relaxng, schematron, old, new):
    text = tbx_bytes(linked).decode()
    assert_valid(etree.fromstring(text.encode()).getroottree(), relaxng, schematron)
    assert old in text
    doc = etree.fromstring(text.replace(old, new, 1).encode()).getroottree()
    assert not (relaxng.validate(doc) and schematron.validate(doc))


# -- what the TBX says ------------------------------------------------------------------------------


def concept(g, entry_id):
    root = etree.fromstring(tbx_bytes(g))
    return root.find(f".//t:conceptEntry[@id='{entry_id}']", NS)


def term_sec(g, entry_id, lang, name):
    c = concept(g, entry_id)
    for sec in c.iterfind(f"t:langSec[@xml:lang='{lang}']/t:termSec", {**NS, "xml": "http://www.w3.org/XML/1998/namespace"}):
        if sec.findtext("t:term", namespaces=NS) == name:
            return sec
    raise AssertionError(f"no term {name!r} in {lang}")


def notes_of(sec, kind):
    return [n.text for n in sec.iterfind(f"t:termNote[@type='{kind}']", NS)]


TERMS = [
    # (entry, lang, name, termType, administrativeStatus, why)
    ("beijing", "en", "Beijing", "fullForm", "preferredTerm-admn-sts", "a preferred name"),
    ("beijing", "en", "Peking", "variant", "deprecatedTerm-admn-sts", "a former name is deprecated"),
    ("xi-jinping", "en", "Xi", "shortForm", "admittedTerm-admn-sts", "a short form"),
    ("china", "en", "PRC", "abbreviation", "admittedTerm-admn-sts", "an abbreviation"),
    ("china", "en", "People's Republic of China", "variant", "admittedTerm-admn-sts", "an official name"),
    ("xi-jinping", "ja-Hira", "しゅう きんぺい", "fullForm", "preferredTerm-admn-sts", "a reading is a name of its own tag"),
]


@pytest.mark.parametrize("entry_id,lang,name,term_type,status,why", TERMS, ids=[t[-1] for t in TERMS])
def test_term_types_and_status(mini, entry_id, lang, name, term_type, status, why):
    sec = term_sec(mini, entry_id, lang, name)
    assert notes_of(sec, "termType") == [term_type]
    assert notes_of(sec, "administrativeStatus") == [status]


def test_concept_carries_type_definition_usage_and_references(mini):
    c = concept(mini, "senkaku-islands")
    assert c.findtext("t:descrip[@type='subjectField']", namespaces=NS) == "place"
    assert c.findtext("t:langSec/t:descrip[@type='definition']", namespaces=NS).startswith("Uninhabited islands")
    notes = [n.text for n in c.iterfind("t:note", NS)]
    assert "Name used by CN: 钓鱼岛 (Diaoyu Islands)" in notes
    assert any(n.startswith("Japan administers the islands") for n in notes)  # label_note
    assert notes_of(term_sec(mini, "senkaku-islands", "en", "Diaoyutai"), "geographicalUsage") == ["TW"]


def test_derived_variants_are_marked_and_can_be_left_out(mini):
    root = etree.fromstring(tbx_bytes(mini))
    derived = [n for n in root.iterfind(".//t:termSec/t:note", NS) if '"origin": "derived"' in n.text]
    assert derived
    assert all('"method": ' in n.text and '"derived_from": ' in n.text for n in derived)
    curated_only = etree.fromstring(tbx_bytes(mini, variants="curated"))
    assert not [n for n in curated_only.iterfind(".//t:termSec/t:note", NS) if '"origin": "derived"' in n.text]


def test_ids_are_the_entry_ids_and_stable(mini):
    root = etree.fromstring(tbx_bytes(mini))
    ids = [c.get("id") for c in root.iterfind(".//t:conceptEntry", NS)]
    assert ids == sorted(mini.entries)
    assert tbx_bytes(mini) == tbx_bytes(mini)


def test_export_is_streamed(mini):
    chunks = list(iter_tbx(mini))
    assert len(chunks) == len(mini.entries) + 3  # prologue, header, one per entry, closing tags
    assert all(b"<conceptEntry" in c for c in chunks[2:-1])


# -- a real reader --------------------------------------------------------------------------------


def test_translate_toolkit_reads_the_2008_structure(mini):
    # translate-toolkit reads TBX in the 2008 structure (<martif>), not the 2019 one: version=2 is for it.
    from translate.storage import tbx

    store = tbx.tbxfile.parsestring(tbx_bytes(mini, version=2), sourcelanguage="en", targetlanguage="ja")
    units = {u.getid(): u for u in store.units}
    assert set(units) == set(mini.entries)
    for entry in mini.entries.values():
        unit = units[entry.id]
        assert unit.source == entry.names["en"]
        if "ja" in entry.names:
            assert unit.get_target_terms("ja")[0].text == entry.names["ja"]
    peking = [t for t in units["beijing"].get_source_terms() if t.text == "Peking"]
    assert peking and peking[0].deprecated
    assert "Name used by CN: 钓鱼岛 (Diaoyu Islands)" in units["senkaku-islands"].getnotes()


# -- round trips ----------------------------------------------------------------------------------


@pytest.mark.parametrize("version", [3, 2])
@pytest.mark.parametrize("variants", ["all", "curated"])
def test_tbx_round_trip_changes_nothing(mini, version, variants):
    report = read_tbx(mini, io.BytesIO(tbx_bytes(mini, version=version, variants=variants)))
    assert report.no_change, report.text()
    assert report.unchanged == len(mini.entries)


def test_round_trips_on_the_curated_glossary(curated):
    report = read_tbx(curated, io.BytesIO(tbx_bytes(curated)))
    assert report.no_change, report.text()[:2000]
    report = read_csv(curated, io.StringIO("".join(iter_csv(curated)), newline=""))
    assert report.no_change, report.text()[:2000]
    assert report.unchanged == len(curated.entries)


def test_csv_round_trip_and_shape(mini):
    text = "".join(iter_csv(mini))
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert tuple(rows[0]) == CSV_COLUMNS
    assert ["xi-jinping", "person", "en", "Xi Jinping", "name", "curated", "true"] in rows
    assert any(r[0] == "xi-jinping" and r[5] == "derived" for r in rows)
    assert read_csv(mini, io.StringIO(text, newline="")).no_change


def test_jsonl_lines_are_seed_entries(mini):
    lines = list(iter_jsonl(mini))
    assert len(lines) == len(mini.entries)
    for line in lines:
        data = json.loads(line)
        derived = data.pop("derived_variants")
        entry = EntrySchema().load(data)
        assert entry == replace(mini.entries[entry.id], source=None)
        assert all(d["method"] for d in derived)


# -- edits become proposals -----------------------------------------------------------------------


def edited(g, old, new, version=3) -> io.BytesIO:
    text = tbx_bytes(g, version=version).decode()
    assert old in text, old
    return io.BytesIO(text.replace(old, new, 1).encode())


NEW_CONCEPT = (
    '<conceptEntry id="li-qiang"><descrip type="subjectField">person</descrip>'
    '<langSec xml:lang="en"><descrip type="definition">Premier of China (2023–).</descrip>'
    '<termSec><term>Li Qiang</term></termSec></langSec>'
    '<langSec xml:lang="zh-Hans"><termSec><term>李强</term></termSec></langSec></conceptEntry>'
)

TBX_EDITS = [
    # (old, new, action, entry, expected change line, why)
    ("Prime Minister of Japan (2021–2024).", "Prime Minister of Japan (2021–2024), LDP.", "change", "kishida-fumio",
     "description: 'Prime Minister of Japan (2021–2024).' -> 'Prime Minister of Japan (2021–2024), LDP.'",
     "a new description"),
    ("<term>Fumio Kishida</term>", "<term>Kishida Fumio</term>", "change", "kishida-fumio",
     "~ name en 'Fumio Kishida' -> 'Kishida Fumio'", "a renamed preferred name"),
    ('<descrip type="subjectField">place</descrip>', '<descrip type="subjectField">other</descrip>', "change",
     "beijing", "type: 'place' -> 'other'", "a new type"),
    ('<langSec xml:lang="en"><descrip type="definition">Prime Minister of Japan (2021–2024).</descrip>',
     '<langSec xml:lang="en"><descrip type="definition">Prime Minister of Japan (2021–2024).</descrip>'
     '<termSec><term>PM Kishida</term><termNote type="termType">shortForm</termNote></termSec>',
     "change", "kishida-fumio", "+ variant en short 'PM Kishida'", "a short form from another tool (no glossary note)"),
    ('<termNote type="geographicalUsage">TW</termNote>', '<termNote type="geographicalUsage">HK</termNote>',
     "change", "senkaku-islands", "~ variant en alias 'Diaoyutai': used_by ['TW'] -> ['HK']", "who uses a name"),
    ("<body>\n", "<body>\n" + NEW_CONCEPT, "add", "li-qiang", "+ name zh-Hans '李强'", "a new concept"),
]


@pytest.mark.parametrize("old,new,action,entry_id,line,why", TBX_EDITS, ids=[e[-1] for e in TBX_EDITS])
def test_tbx_edits_are_proposed(mini, old, new, action, entry_id, line, why):
    report = read_tbx(mini, edited(mini, old, new))
    found = {c.id: c for c in report.added + report.changed}
    assert set(found) == {entry_id}, report.text()
    assert found[entry_id].action == action
    assert line in found[entry_id].changes
    assert report.problems == [] and report.removed == []
    EntrySchema().load(found[entry_id].proposed)  # a proposal is a valid seed entry


def test_removed_variants_and_entries(mini):
    text = tbx_bytes(mini).decode()
    text = re.sub(r'<conceptEntry xmlns="[^"]+" id="taiwan">.*?</conceptEntry>\n', "", text, flags=re.S)
    text = re.sub(r"<termSec><term>Senkakus</term>.*?</termSec>", "", text, flags=re.S)
    report = read_tbx(mini, io.BytesIO(text.encode()))
    assert [c.id for c in report.removed] == ["taiwan"]
    assert [c.id for c in report.changed] == ["senkaku-islands"]
    assert report.changed[0].changes == ["- variant en short 'Senkakus'"]
    partial = read_tbx(mini, io.BytesIO(text.encode()), partial=True)
    assert partial.removed == [] and len(partial.changed) == 1


def test_a_tool_that_drops_our_notes_changes_nothing(mini):
    # A CAT tool that keeps terms, types and statuses but not our per-term notes: no spurious proposals.
    text = re.sub(r"<note>glossary \{[^<]*\}</note>", "", tbx_bytes(mini, version=2).decode())
    report = read_tbx(mini, io.BytesIO(text.encode()))
    assert report.no_change, report.text()


BAD_TBX = [
    pytest.param(b"not xml", "not well-formed XML", id="not-xml"),
    pytest.param(b"<html><body/></html>", "not a TBX file", id="not-tbx"),
    pytest.param(b'<tbx xmlns="urn:iso:std:iso:30042:ed-2"><text><body><conceptEntry><langSec xml:lang="en">'
                 b"<termSec><term>x</term></termSec></langSec></conceptEntry></body></text></tbx>",
                 "without an id", id="concept-without-id"),
]


@pytest.mark.parametrize("data,message", BAD_TBX)
def test_unreadable_tbx_is_one_clear_error(mini, data, message):
    with pytest.raises(UnreadableFile, match=message):
        read_tbx(mini, io.BytesIO(data))


def test_entities_are_not_expanded(mini, tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP SECRET")
    data = (f'<?xml version="1.0"?><!DOCTYPE tbx [<!ENTITY x SYSTEM "file://{secret}">]>'
            '<tbx xmlns="urn:iso:std:iso:30042:ed-2"><text><body><conceptEntry id="kishida-fumio">'
            '<langSec xml:lang="en"><termSec><term>&x;</term></termSec></langSec></conceptEntry>'
            "</body></text></tbx>").encode()
    report = read_tbx(mini, io.BytesIO(data), partial=True)
    assert "TOP SECRET" not in report.text()


def test_invalid_proposals_are_problems(mini):
    concept_without_definition = NEW_CONCEPT.replace('<descrip type="definition">Premier of China (2023–).</descrip>', "")
    report = read_tbx(mini, edited(mini, "<body>\n", "<body>\n" + concept_without_definition), partial=True)
    assert report.added == []
    assert len(report.problems) == 1 and "'li-qiang' would be invalid: description" in report.problems[0]


# -- CSV edits ------------------------------------------------------------------------------------


def csv_with(g, transform) -> io.StringIO:
    rows = list(csv.reader(io.StringIO("".join(iter_csv(g)), newline="")))
    out = io.StringIO(newline="")
    csv.writer(out).writerows(transform(rows))
    out.seek(0)
    return out


CSV_EDITS = [
    # (transform, entry, expected change line, why)
    (lambda rows: rows + [["kishida-fumio", "person", "en", "Kishida", "short", "curated", "false"]],
     "kishida-fumio", "+ variant en short 'Kishida'", "an added row"),
    (lambda rows: [r for r in rows if r[3] != "Senkakus"], "senkaku-islands", "- variant en short 'Senkakus'",
     "a deleted row"),
    (lambda rows: [r[:6] + ["true"] if r[3] == "Diaoyutai" else r for r in rows], "senkaku-islands",
     "~ variant en alias 'Diaoyutai': preferred None -> True", "the preferred flag"),
    (lambda rows: [r[:4] + ["former"] + r[5:] if r[3] == "Diaoyutai" else r for r in rows], "senkaku-islands",
     "+ variant en former 'Diaoyutai'", "a new kind"),
]


@pytest.mark.parametrize("transform,entry_id,line,why", CSV_EDITS, ids=[e[-1] for e in CSV_EDITS])
def test_csv_edits_are_proposed(mini, transform, entry_id, line, why):
    report = read_csv(mini, csv_with(mini, transform))
    assert [c.id for c in report.changed] == [entry_id], report.text()
    assert line in report.changed[0].changes
    assert report.problems == []


def test_csv_keeps_what_it_cannot_say(mini):
    # A row carries no used_by or note: re-importing keeps the curated ones.
    report = read_csv(mini, csv_with(mini, lambda rows: rows))
    assert report.no_change


BAD_CSV = [
    pytest.param("id,name\nx,y\n", "header", id="wrong-header"),
    pytest.param(",".join(CSV_COLUMNS) + "\nchina,place,en,China,name,curated\n", "7 columns", id="short-row"),
    pytest.param(",".join(CSV_COLUMNS) + "\nchina,place,en,China,name,curated,maybe\n", "preferred", id="bad-flag"),
    pytest.param(",".join(CSV_COLUMNS) + "\nchina,place,en,China,name,curated,true\nchina,person,ja,中国,name,curated,true\n",
                 "two types", id="two-types"),
]


@pytest.mark.parametrize("text,message", BAD_CSV)
def test_unreadable_csv_is_one_clear_error(mini, text, message):
    with pytest.raises(UnreadableFile, match=message):
        read_csv(mini, io.StringIO(text))


def test_csv_unknown_entries_and_kinds_are_problems(mini):
    text = ",".join(CSV_COLUMNS) + "\nnew-one,person,en,New One,name,curated,true\n" \
        "china,place,en,China,name,curated,true\nchina,place,en,Chine,spelling,curated,false\n"
    report = read_csv(mini, io.StringIO(text), partial=True)
    assert any("unknown entry 'new-one'" in p for p in report.problems)
    assert any("unknown kind 'spelling'" in p for p in report.problems)


# -- property: any valid entry survives export and import -----------------------------------------

# Names as the seed schema leaves them (stripped), in characters XML 1.0 can carry.
TEXT = st.text(st.characters(blacklist_categories=("Cc", "Cs", "Co", "Cn", "Zl", "Zp")), min_size=1, max_size=12
               ).map(str.strip).filter(bool)
TAGS = st.sampled_from(["en", "ja", "zh-Hans", "zh-Hant", "ja-Hira", "zh-Latn-pinyin", "ko"])
VARIANT = st.builds(
    lambda name, lang, kind, sa, cs, used, pref, note: {
        "name": name, "lang": lang, "kind": kind, "standalone": sa, "case_sensitive": cs, "used_by": used,
        "preferred": pref, **({"note": note} if note else {})},
    TEXT, TAGS, st.sampled_from([k for k in VARIANT_KINDS if k != "name"]), st.booleans(), st.booleans(),
    st.lists(st.sampled_from(["CN", "TW", "JP"]), max_size=2, unique=True), st.booleans(),
    st.one_of(st.none(), TEXT))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(names=st.dictionaries(TAGS, TEXT, min_size=1), variants=st.lists(VARIANT, max_size=6),
       description=TEXT.filter(lambda s: len(s) >= 3), fmt=st.sampled_from(["tbx3", "tbx2", "csv"]))
def test_any_entry_round_trips(names, variants, description, fmt):
    names = {"en": "Somebody", **names}
    seed = {"id": "someone", "type": "person", "description": description, "names": names, "variants": variants}
    entry: Entry = EntrySchema().load(seed)
    g = build_glossary([entry])
    if fmt == "csv":
        report = read_csv(g, io.StringIO("".join(iter_csv(g)), newline=""))
    else:
        report = read_tbx(g, io.BytesIO(tbx_bytes(g, version=int(fmt[-1]))))
    assert report.no_change, report.text()
    assert entry_seed(entry)["names"] == names


def test_characters_xml_cannot_carry_do_not_break_the_export(mini, relaxng):
    kishida = mini.entries["kishida-fumio"]
    odd = replace(kishida, description="Prime\x0bMinister\x00 of Japan", details={**kishida.details, "note": "a\x1fb"},
                  variants=(Variant(name="Kishida\x08", lang="en", kind="alias", note="\ud800"),))
    g = build_glossary([odd])
    doc = etree.fromstring(tbx_bytes(g)).getroottree()
    assert relaxng.validate(doc), relaxng.error_log
    assert doc.findtext(".//t:descrip[@type='definition']", namespaces=NS) == "Prime\ufffdMinister\ufffd of Japan"


def test_variant_seed_drops_defaults():
    v = Variant(name="US", lang="en", kind="abbreviation", case_sensitive=True)
    assert entry_seed(Entry(id="x", type="place", description="abc", names={"en": "X"}, variants=(v,)))[
        "variants"] == [{"name": "US", "lang": "en", "kind": "abbreviation"}]


# -- the HTTP API -----------------------------------------------------------------------------------

DOWNLOADS = [
    # (url, media type, extension, the same bytes as)
    ("/v1/export/tbx", "application/x-tbx", "tbx", lambda g: tbx_bytes(g)),
    ("/v1/export/tbx?version=2&variants=curated", "application/x-tbx", "tbx",
     lambda g: tbx_bytes(g, version=2, variants="curated")),
    ("/v1/export/csv", "text/csv; charset=utf-8", "csv", lambda g: "".join(iter_csv(g)).encode()),
    ("/v1/export/csv?variants=curated", "text/csv; charset=utf-8", "csv",
     lambda g: "".join(iter_csv(g, variants="curated")).encode()),
    ("/v1/export/jsonl", "application/jsonl", "jsonl", lambda g: "".join(iter_jsonl(g)).encode()),
]


@pytest.mark.parametrize("url,media_type,ext,expected", DOWNLOADS, ids=[d[0] for d in DOWNLOADS])
def test_export_endpoints_stream_attachments(app, client, url, media_type, ext, expected):
    g = app.extensions["snapshots"].current
    response = client.get(url)
    assert response.status_code == 200
    assert response.is_streamed
    assert response.headers["Content-Type"] == media_type
    assert response.headers["Content-Disposition"] == f'attachment; filename="jcglossary-{g.version}.{ext}"'
    assert response.data == expected(g)


@pytest.mark.parametrize("url", ["/v1/export/tbx?version=4", "/v1/export/tbx?version=x",
                                 "/v1/export/csv?variants=none", "/v1/export/tbx?variants="])
def test_export_bad_arguments_are_problems(client, url):
    response = client.get(url)
    assert response.status_code == 422
    assert response.mimetype == "application/problem+json"


# -- the command line ------------------------------------------------------------------------------

MINI = str(Path(__file__).parent / "fixtures" / "mini.yaml")


def cli(*args) -> int:
    from glossary.cli import main

    return main(["--seeds", MINI, "--no-cache", *args])


@pytest.mark.parametrize("fmt,ext", [("tbx", "tbx"), ("csv", "csv")])
def test_cli_export_then_import_reports_no_change(tmp_path, capsys, fmt, ext):
    path = tmp_path / f"out.{ext}"
    assert cli(f"export-{fmt}", str(path)) == 0
    capsys.readouterr()
    assert cli(f"import-{fmt}", str(path)) == 0
    assert "0 added, 0 changed, 0 removed, 14 unchanged" in capsys.readouterr().out


def test_cli_import_reports_changes_and_exits_1(tmp_path, capsys):
    path = tmp_path / "out.tbx"
    assert cli("export-tbx", "--tbx-version", "2", str(path)) == 0
    path.write_text(path.read_text(encoding="utf-8").replace("<term>Senkakus</term>", "<term>Senkaku</term>"),
                    encoding="utf-8")
    capsys.readouterr()
    assert cli("import-tbx", str(path), "--json") == 1
    report = json.loads(capsys.readouterr().out)
    assert report["changed"] == 1 and report["changes"][0]["id"] == "senkaku-islands"
    assert "+ variant en short 'Senkaku'" in report["changes"][0]["changes"]


def test_cli_export_to_stdout(capsysbinary):
    assert cli("export-jsonl") == 0
    lines = capsysbinary.readouterr().out.decode().splitlines()
    assert len(lines) == 14 and json.loads(lines[0])["id"] == "abe-shinzo"


@pytest.mark.parametrize("content,message", [(None, "no such file"), (b"<html/>", "not a TBX file"),
                                             (b"\xff\xfe<", "not well-formed")])
def test_cli_unreadable_import_exits_2(tmp_path, capsys, content, message):
    path = tmp_path / "in.tbx"
    if content is not None:
        path.write_bytes(content)
    assert cli("import-tbx", str(path)) == 2
    assert message in capsys.readouterr().err


# -- hostile files: a report or UnreadableFile, never another exception ------------------------------


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_a_damaged_tbx_file_is_a_report_or_one_error(mini, data):
    text = tbx_bytes(mini, version=data.draw(st.sampled_from([2, 3]))).decode()
    start = data.draw(st.integers(0, len(text) - 1))
    end = data.draw(st.integers(start, min(len(text), start + 400)))
    damaged = text[:start] + data.draw(st.text(max_size=20)) + text[end:]
    try:
        report = read_tbx(mini, io.BytesIO(damaged.encode("utf-8", "replace")))
    except UnreadableFile:
        return
    assert report.entries_read <= len(mini.entries) + 1


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(st.lists(st.text(max_size=12), min_size=0, max_size=9), max_size=6))
def test_any_csv_is_a_report_or_one_error(mini, rows):
    out = io.StringIO(newline="")
    csv.writer(out).writerows([list(CSV_COLUMNS), *rows])
    out.seek(0)
    try:
        read_csv(mini, out, partial=True)
    except UnreadableFile:
        pass


def test_a_huge_csv_field_is_one_error(mini):
    text = ",".join(CSV_COLUMNS) + '\nchina,place,en,"' + "x" * 200_000 + '",name,curated,true\n'
    with pytest.raises(UnreadableFile, match="not readable as CSV"):
        read_csv(mini, io.StringIO(text))
