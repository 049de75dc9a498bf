"""Interchange: the glossary as TBX, CSV and JSON Lines, and TBX or CSV files read back as proposed changes.

Writers stream: each one yields the file a piece at a time (one concept entry, one CSV row, one JSON line),
so the whole document never sits in memory as one string.

* **TBX** (TermBase eXchange, ISO 30042). ``version=3`` (the default) writes ISO 30042:2019 in the
  TBX-Basic dialect, DCA style (``<tbx type="TBX-Basic" style="dca">``); ``version=2`` writes the same
  content in the 2008 structure (``<martif>``, ``termEntry``/``langSet``/``tig``) for tools that read only
  that one (translate-toolkit and the tools built on it, older CAT tools). Every entry is a concept entry
  whose id is the entry id; every language tag of its names gets a language section; every name and
  variant is a term with its term type (fullForm, shortForm, abbreviation, variant) and administrative
  status (preferred for the entry's names, deprecated for former names and misspellings, admitted for the
  rest). The entry type is the subject field, the description the English definition, ``see_also`` the
  cross-references, and the notes on disputed usage (``name_usage``, ``label_note``, ``note``) are notes.
  TBX-Basic has no data category for what only this glossary knows about a term (its exact kind, whether
  it is curated or derived, whether it needs a full mention first ...), so each term carries one note
  ``glossary {...}`` with those fields as JSON; reading the file back uses it, other tools show it as a
  note.
* **CSV**: one row per name: entry id, type, language tag, name, kind, origin, preferred.
* **JSON Lines**: one entry per line, in the seed files' shape (``EntrySchema`` loads each line), with the
  derived variants beside the curated ones under ``derived_variants``.

Readers (:func:`read_tbx`, :func:`read_csv`) never change the glossary: they compare the file with it and
return an :class:`ImportReport` of the entries that would be added, changed and removed, each proposed
entry validated by ``EntrySchema``. Derived variants in a file are skipped (the index makes them again from
the curated names); what a file cannot say (a variant's context words in CSV, an entry's roles) is kept
from the current entry, so exporting and importing again proposes nothing.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import IO, Any

from lxml import etree
from marshmallow import ValidationError

from glossary.index import Glossary
from glossary.model import VARIANT_KINDS, Entry, Variant
from glossary.schemas import EntrySchema, is_acronym

TBX_NS = "urn:iso:std:iso:30042:ed-2"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
TBX_VERSIONS = (2, 3)
VARIANT_CHOICES = ("all", "curated")
CSV_COLUMNS = ("entry_id", "type", "lang", "name", "kind", "origin", "preferred")
NOTE_PREFIX = "glossary "

MEDIA_TYPES = {"tbx": "application/x-tbx", "csv": "text/csv; charset=utf-8", "jsonl": "application/jsonl"}

# The element names of the two TBX structures (ISO 30042:2019 and :2008); the content is the same.
_V3 = {"root": "tbx", "header": "tbxHeader", "concept": "conceptEntry", "lang": "langSec", "term": "termSec"}
_V2 = {"root": "martif", "header": "martifHeader", "concept": "termEntry", "lang": "langSet", "term": "tig"}

TERM_TYPES = {"name": "fullForm", "short": "shortForm", "abbreviation": "abbreviation"}  # the rest: variant
DEPRECATED_KINDS = ("former", "misspelling")
PREFERRED, ADMITTED, DEPRECATED = "preferredTerm-admn-sts", "admittedTerm-admn-sts", "deprecatedTerm-admn-sts"

_NCNAME_START = re.compile(r"[A-Za-z_]")
# Characters XML 1.0 cannot carry at all (C0 controls but tab, LF, CR; lone surrogates; U+FFFE/U+FFFF).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_text(text: str) -> str:
    """``text`` with the characters XML cannot carry replaced by U+FFFD, so one bad note cannot break a
    download half-way (the seed schema does not forbid them)."""
    return _NOT_XML.sub("\ufffd", text)


# -- the seed shape -------------------------------------------------------------------------------


def variant_seed(v: Variant) -> dict[str, Any]:
    """A curated variant as the seed files write it: name, lang, kind and only the fields off their default."""
    out: dict[str, Any] = {"name": v.name, "lang": v.lang, "kind": v.kind}
    if v.standalone != (v.kind != "short"):
        out["standalone"] = v.standalone
    if v.case_sensitive != is_acronym(v.name):
        out["case_sensitive"] = v.case_sensitive
    for name in ("used_by", "ambiguous_with", "context"):
        if getattr(v, name):
            out[name] = list(getattr(v, name))
    if v.preferred:
        out["preferred"] = True
    if not v.in_text:
        out["in_text"] = False
    if v.note:
        out["note"] = v.note
    return out


def entry_seed(entry: Entry) -> dict[str, Any]:
    """An entry as the seed files write it; ``EntrySchema().load`` turns it back into an equal entry."""
    out: dict[str, Any] = {"id": entry.id, "type": entry.type, "description": entry.description,
                           "names": dict(entry.names)}
    if entry.variants:
        out["variants"] = [variant_seed(v) for v in entry.variants]
    if entry.family_name:
        out["family_name"] = dict(entry.family_name)
    if entry.overrides:
        out["overrides"] = dict(entry.overrides)
    out.update(entry.details)
    return out


def _derived(glossary: Glossary, entry_id: str) -> list[Variant]:
    return [v for v in glossary.variants_of(entry_id) if v.origin == "derived"]


def _entries(glossary: Glossary) -> Iterator[Entry]:
    for entry_id in sorted(glossary.entries):
        yield glossary.entries[entry_id]


# -- TBX ------------------------------------------------------------------------------------------


def concept_id(entry_id: str) -> str:
    """The concept entry's id: the entry id, with "_" in front when it starts with a digit (xsd:ID)."""
    return entry_id if _NCNAME_START.match(entry_id) else "_" + entry_id


def entry_id_of(concept: str) -> str:
    return concept[1:] if concept.startswith("_") and concept[1:2].isdigit() else concept


def _term_meta(v: Variant) -> dict[str, Any]:
    """What TBX-Basic has no data category for, as the ``glossary {...}`` note's JSON."""
    meta = {k: val for k, val in variant_seed(v).items() if k not in ("name", "lang", "used_by", "note")}
    if v.origin == "derived":  # "curated" goes without saying
        meta["origin"] = v.origin
        meta["method"] = v.method
        meta["derived_from"] = v.derived_from
    return meta


def iter_tbx(glossary: Glossary, version: int = 3, variants: str = "all") -> Iterator[bytes]:
    """The glossary as one TBX document, yielded a concept entry at a time (UTF-8 bytes)."""
    if version not in TBX_VERSIONS:
        raise ValueError(f"TBX version must be one of {TBX_VERSIONS}, got {version!r}")
    if variants not in VARIANT_CHOICES:
        raise ValueError(f"variants must be one of {VARIANT_CHOICES}, got {variants!r}")
    names = _V3 if version == 3 else _V2
    ns = TBX_NS if version == 3 else None
    q = (lambda tag: f"{{{TBX_NS}}}{tag}") if ns else (lambda tag: tag)
    nsmap = {None: ns} if ns else None
    # The root's start and end tags are written by hand (lxml's incremental writer cannot put xml:lang
    # on the root element it opens); everything inside is serialised by lxml, one concept entry at a time.
    style = ' style="dca"' if version == 3 else ""
    xmlns = f' xmlns="{TBX_NS}"' if ns else ""
    root = names["root"]
    yield (f'<?xml version="1.0" encoding="UTF-8"?>\n<{root}{xmlns} type="TBX-Basic"{style} xml:lang="en">\n'
           ).encode()
    header = etree.Element(q(names["header"]), nsmap=nsmap)
    file_desc = etree.SubElement(header, q("fileDesc"))
    if version == 3:
        etree.SubElement(etree.SubElement(file_desc, q("titleStmt")), q("title")).text = "Japan–China glossary"
    source = etree.SubElement(file_desc, q("sourceDesc"))
    etree.SubElement(source, q("p")).text = (
        f"Japan–China glossary, data version {glossary.version}: {len(glossary.entries)} entries; "
        f"variants: {variants}.")
    yield _serialise(header) + b"<text><body>\n"
    for entry in _entries(glossary):
        yield _serialise(_concept(glossary, entry, q, names, variants, nsmap))
    yield f"</body></text>\n</{root}>\n".encode()


def _serialise(el: etree._Element) -> bytes:
    # The default namespace is declared again on each element written alone: redundant, and valid.
    return etree.tostring(el, encoding="utf-8") + b"\n"


def _concept(glossary: Glossary, entry: Entry, q, names: dict, variants: str, nsmap) -> etree._Element:
    concept = etree.Element(q(names["concept"]), {"id": concept_id(entry.id)}, nsmap=nsmap)
    etree.SubElement(concept, q("descrip"), type="subjectField").text = entry.type
    for note in _entry_notes(entry):
        etree.SubElement(concept, q("note")).text = xml_text(note)
    for ref in entry.details.get("see_also", ()):
        if ref in glossary.entries:  # a cross-reference must point inside the file
            target = glossary.entries[ref]
            ref_el = etree.SubElement(concept, q("ref"), type="crossReference", target=concept_id(ref))
            ref_el.text = xml_text(target.label)
    by_lang: dict[str, list[Variant]] = {}
    for tag, name in entry.names.items():
        by_lang.setdefault(tag, []).append(Variant(name=name, lang=tag, kind="name"))
    for v in entry.variants:
        by_lang.setdefault(v.lang, []).append(v)
    if variants == "all":
        for v in _derived(glossary, entry.id):
            by_lang.setdefault(v.lang, []).append(v)
    for tag in sorted(by_lang, key=lambda t: (t != "en", t)):
        lang = etree.SubElement(concept, q(names["lang"]), {XML_LANG: tag})
        if tag == "en":
            etree.SubElement(lang, q("descrip"), type="definition").text = xml_text(entry.description)
        for v in by_lang[tag]:
            _term(lang, v, q, names)
    return concept


def _term(parent: etree._Element, v: Variant, q, names: dict) -> None:
    sec = etree.SubElement(parent, q(names["term"]))
    etree.SubElement(sec, q("term")).text = xml_text(v.name)
    etree.SubElement(sec, q("termNote"), type="termType").text = TERM_TYPES.get(v.kind, "variant")
    status = PREFERRED if v.kind == "name" else DEPRECATED if v.kind in DEPRECATED_KINDS else ADMITTED
    etree.SubElement(sec, q("termNote"), type="administrativeStatus").text = status
    for party in v.used_by:
        etree.SubElement(sec, q("termNote"), type="geographicalUsage").text = xml_text(party)
    meta = json.dumps(_term_meta(v), ensure_ascii=False, separators=(", ", ": "))
    etree.SubElement(sec, q("note")).text = NOTE_PREFIX + xml_text(meta)
    if v.note:
        etree.SubElement(sec, q("note")).text = xml_text(v.note)


def _entry_notes(entry: Entry) -> list[str]:
    """The entry's notes for a translator: who calls it what, why the label is neutral, other remarks."""
    notes = []
    for use in entry.details.get("name_usage", ()):
        text = f"Name used by {use['party']}: {use['name']}"
        if use.get("en"):
            text += f" ({use['en']})"
        if use.get("note"):
            text += f". {use['note']}"
        notes.append(text)
    for key in ("label_note", "note"):
        if entry.details.get(key):
            notes.append(entry.details[key])
    return notes


def write_tbx(glossary: Glossary, out: IO[bytes], version: int = 3, variants: str = "all") -> None:
    for chunk in iter_tbx(glossary, version=version, variants=variants):
        out.write(chunk)


def as_bytes(chunks: Iterable[str | bytes]) -> Iterator[bytes]:
    """Text chunks as UTF-8 (a lone surrogate, which UTF-8 cannot carry, becomes "?"); bytes as they are."""
    for chunk in chunks:
        yield chunk if isinstance(chunk, bytes) else chunk.encode("utf-8", "replace")


# -- CSV and JSON Lines ---------------------------------------------------------------------------


def iter_csv(glossary: Glossary, variants: str = "all") -> Iterator[str]:
    """One CSV row per name and variant (header first), each yielded as one line of text."""
    if variants not in VARIANT_CHOICES:
        raise ValueError(f"variants must be one of {VARIANT_CHOICES}, got {variants!r}")
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")

    def row(values) -> str:
        writer.writerow(values)
        line = buf.getvalue()
        buf.seek(0)
        buf.truncate()
        return line

    yield row(CSV_COLUMNS)
    for entry in _entries(glossary):
        for tag, name in entry.names.items():
            yield row((entry.id, entry.type, tag, name, "name", "curated", "true"))
        chosen = list(entry.variants) + (_derived(glossary, entry.id) if variants == "all" else [])
        for v in chosen:
            yield row((entry.id, entry.type, v.lang, v.name, v.kind, v.origin, "true" if v.preferred else "false"))


def iter_jsonl(glossary: Glossary) -> Iterator[str]:
    """Every entry as one JSON object a line: the seed shape, plus ``derived_variants``."""
    for entry in _entries(glossary):
        line = entry_seed(entry)
        line["derived_variants"] = [
            {"name": v.name, "lang": v.lang, "kind": v.kind, "method": v.method, "derived_from": v.derived_from}
            for v in _derived(glossary, entry.id)
        ]
        yield json.dumps(line, ensure_ascii=False) + "\n"


# -- reading: one shape for every format ----------------------------------------------------------


@dataclass
class Term:
    """One name or variant as a file states it; None where the file says nothing."""

    name: str
    lang: str
    kind: str | None = None
    origin: str | None = None
    meta: dict[str, Any] | None = None  # the glossary note's JSON (our own TBX)
    used_by: tuple[str, ...] | None = None
    note: str | None = None
    preferred: bool | None = None  # CSV's column: a variant's preferred flag
    term_type: str | None = None
    status: str | None = None


@dataclass
class ImportedEntry:
    id: str
    type: str | None = None
    description: str | None = None
    terms: list[Term] = field(default_factory=list)
    where: str = ""  # where in the file, for messages


@dataclass
class EntryChange:
    id: str
    action: str  # "add", "change" or "remove"
    changes: list[str]
    proposed: dict[str, Any] | None  # the entry as it would be (seed shape); None for a removal

    def as_dict(self) -> dict:
        return {"id": self.id, "action": self.action, "changes": self.changes, "proposed": self.proposed}


@dataclass
class ImportReport:
    """What importing a file would do. Nothing is changed: these are proposals."""

    format: str
    entries_read: int = 0
    added: list[EntryChange] = field(default_factory=list)
    changed: list[EntryChange] = field(default_factory=list)
    removed: list[EntryChange] = field(default_factory=list)
    unchanged: int = 0
    skipped_derived: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def no_change(self) -> bool:
        return not (self.added or self.changed or self.removed or self.problems)

    def counts(self) -> dict[str, int]:
        return {"entries_read": self.entries_read, "added": len(self.added), "changed": len(self.changed),
                "removed": len(self.removed), "unchanged": self.unchanged,
                "skipped_derived": self.skipped_derived, "problems": len(self.problems)}

    def as_dict(self) -> dict:
        return {"format": self.format, **self.counts(),
                "changes": [c.as_dict() for c in self.added + self.changed + self.removed],
                "problem_list": self.problems}

    def text(self) -> str:
        """The report for people: one block per entry, then the counts."""
        lines = []
        for c in self.added + self.changed + self.removed:
            lines.append(f"{c.action} {c.id}")
            lines.extend(f"    {line}" for line in c.changes)
        lines.extend(f"problem: {p}" for p in self.problems)
        counts = self.counts()
        lines.append(", ".join(f"{v} {k.replace('_', ' ')}" for k, v in counts.items()))
        return "\n".join(lines) + "\n"


class UnreadableFile(ValueError):
    """The file cannot be read at all (not XML, not TBX, wrong CSV columns)."""


def _canon(seed: dict) -> str:
    return json.dumps(seed, ensure_ascii=False, sort_keys=True)


def propose(glossary: Glossary, imported: Iterable[ImportedEntry], fmt: str, partial: bool = False) -> ImportReport:
    """Compare entries read from a file with the glossary. ``partial``: entries absent from the file stay."""
    report = ImportReport(fmt)
    schema = EntrySchema()
    seen: set[str] = set()
    for item in imported:
        report.entries_read += 1
        if item.id in seen:
            report.problems.append(f"{item.where}: entry {item.id!r} appears twice; the second is ignored")
            continue
        seen.add(item.id)
        existing = glossary.get(item.id)
        proposed = _resolve(glossary, item, existing, report)
        changes = _diff(entry_seed(existing) if existing is not None else {}, proposed)
        if not changes:
            report.unchanged += 1
            continue
        try:  # only what changes needs checking: the current entries passed the same schema
            schema.load(proposed)
        except ValidationError as exc:
            report.problems.append(f"{item.where}: entry {item.id!r} would be invalid: {_messages(exc.messages)}")
            continue
        if existing is None:
            report.added.append(EntryChange(item.id, "add", changes, proposed))
        else:
            report.changed.append(EntryChange(item.id, "change", changes, proposed))
    if not partial:
        for entry_id in sorted(set(glossary.entries) - seen):
            report.removed.append(EntryChange(entry_id, "remove", ["not in the file"], None))
    return report


def _messages(messages) -> str:
    if isinstance(messages, dict):
        return "; ".join(f"{k}: {_messages(v)}" for k, v in messages.items())
    if isinstance(messages, list):
        return ", ".join(_messages(m) for m in messages)
    return str(messages)


def _infer_kind(term: Term, is_name: bool) -> str:
    """The glossary kind of a term from another tool, from its TBX term type and status."""
    if is_name:
        return "name"
    if term.status == DEPRECATED or term.status == "supersededTerm-admn-sts":
        return "former"
    if term.term_type in ("abbreviation", "acronym"):
        return "abbreviation"
    if term.term_type == "shortForm":
        return "short"
    return "alias"


def _pick_names(terms: list[Term], known: dict[tuple[str, str], list[str]]) -> set[int]:
    """Which terms of unknown kind are a language's preferred name: the one marked preferred, else the first
    full form (or unmarked term), in languages where no term is a name already."""
    has_name = {t.lang for t in terms
                if t.kind == "name" or (t.kind is None and "name" in known.get((t.name, t.lang), ()))}
    picks: dict[str, int] = {}
    for i, t in enumerate(terms):
        if t.kind is not None or (t.name, t.lang) in known or t.lang in has_name:
            continue
        if t.status == PREFERRED:
            if picks.get(t.lang) is None or terms[picks[t.lang]].status != PREFERRED:
                picks[t.lang] = i
        elif t.lang not in picks and t.status in (None, ADMITTED) and t.term_type in (None, "fullForm", "variant"):
            picks[t.lang] = i
    return set(picks.values())


def _resolve(glossary: Glossary, item: ImportedEntry, existing: Entry | None, report: ImportReport) -> dict:
    """The entry the file proposes, in seed shape; what the file does not say is kept from ``existing``."""
    # The entry's curated names and variants by (name, lang, kind), and the kinds each (name, lang) has.
    curated: dict[tuple[str, str, str], list[dict]] = {}  # a list: a seed may list one variant twice
    kinds: dict[tuple[str, str], list[str]] = {}
    derived: set[tuple[str, str]] = set()
    if existing is not None:
        seeds = [{"name": name, "lang": tag, "kind": "name"} for tag, name in existing.names.items()]
        for seed in seeds + [variant_seed(v) for v in existing.variants]:
            curated.setdefault((seed["name"], seed["lang"], seed["kind"]), []).append(seed)
            kinds.setdefault((seed["name"], seed["lang"]), []).append(seed["kind"])
        derived = {(v.name, v.lang) for v in _derived(glossary, existing.id)}
    names: dict[str, str] = {}
    variants: list[dict] = []
    name_picks = _pick_names(item.terms, kinds)
    for i, term in enumerate(item.terms):
        key = (term.name, term.lang)
        if term.origin == "derived" or (term.origin is None and key in derived and (key not in kinds or not any(
                curated.get((term.name, term.lang, k)) for k in kinds[key]))):
            # (a name both curated and derived, as a surname with a context string is: once the curated ones
            # are read, the rest are the derived ones)
            report.skipped_derived += 1
            continue
        if term.origin not in (None, "curated"):
            report.problems.append(f"{item.where}: {term.name!r}: unknown origin {term.origin!r}")
            continue
        kind = term.kind
        if kind is None and key in kinds:  # a tool that dropped our notes: the name is known
            kind = next((k for k in kinds[key] if (k == "name") == (term.lang not in names)), kinds[key][0])
        if kind is None:
            kind = _infer_kind(term, i in name_picks)
        olds = curated.get((term.name, term.lang, kind))
        old = olds.pop(0) if olds else None
        if kind not in VARIANT_KINDS:
            report.problems.append(f"{item.where}: {term.name!r}: unknown kind {kind!r}")
            continue
        if kind == "name":
            if term.lang in names:
                report.problems.append(f"{item.where}: two preferred names in {term.lang}: "
                                       f"{names[term.lang]!r} and {term.name!r}")
                continue
            names[term.lang] = term.name
            continue
        if term.meta is not None:
            seed = {"name": term.name, "lang": term.lang, "kind": kind}
            seed.update({k: v for k, v in term.meta.items()
                         if k not in ("kind", "origin", "method", "derived_from", "name", "lang")})
        elif old is not None:
            seed = dict(old)
        else:
            seed = {"name": term.name, "lang": term.lang, "kind": kind}
        if term.used_by is not None and (term.used_by or term.meta is not None):
            seed.pop("used_by", None)
            if term.used_by:
                seed["used_by"] = list(term.used_by)
        if term.note is not None or term.meta is not None:
            seed.pop("note", None)
            if term.note:
                seed["note"] = term.note
        if term.preferred is not None:
            seed.pop("preferred", None)
            if term.preferred:
                seed["preferred"] = True
        seed = _ordered(seed)
        variants.append(seed)
    base = entry_seed(existing) if existing is not None else {"id": item.id}
    proposed = dict(base)
    if item.type is not None:
        proposed["type"] = item.type
    if item.description is not None:
        proposed["description"] = item.description
    proposed["names"] = names
    proposed.pop("variants", None)
    if variants:
        proposed["variants"] = variants
    # Keep key order like the seeds: id, type, description, names, variants, then the rest.
    first = ("id", "type", "description", "names", "variants")
    return {**{k: proposed[k] for k in first if k in proposed},
            **{k: v for k, v in proposed.items() if k not in first}}


_VARIANT_ORDER = ("name", "lang", "kind", "standalone", "case_sensitive", "used_by", "ambiguous_with", "preferred",
                  "context", "in_text", "note")


def _ordered(seed: dict) -> dict:
    return {k: seed[k] for k in _VARIANT_ORDER if k in seed} | {k: v for k, v in seed.items()
                                                                 if k not in _VARIANT_ORDER}


def _diff(old: dict, new: dict) -> list[str]:
    """What changes from ``old`` to ``new`` (seed shapes), one line each; variant order does not count."""
    lines = []
    for key in ("type", "description"):
        if old.get(key) != new.get(key):
            lines.append(f"{key}: {old.get(key)!r} -> {new.get(key)!r}" if key in old else
                         f"{key}: {new.get(key)!r}")
    old_names, new_names = old.get("names", {}), new.get("names", {})
    for tag in sorted(set(old_names) | set(new_names)):
        if old_names.get(tag) != new_names.get(tag):
            if tag not in new_names:
                lines.append(f"- name {tag} {old_names[tag]!r}")
            elif tag not in old_names:
                lines.append(f"+ name {tag} {new_names[tag]!r}")
            else:
                lines.append(f"~ name {tag} {old_names[tag]!r} -> {new_names[tag]!r}")
    old_vs = {(v["name"], v["lang"], v["kind"]): v for v in old.get("variants", ())}
    new_vs = {(v["name"], v["lang"], v["kind"]): v for v in new.get("variants", ())}
    for key in sorted(old_vs.keys() - new_vs.keys(), key=_by_lang):
        lines.append(f"- variant {key[1]} {key[2]} {key[0]!r}")
    for key in sorted(new_vs.keys() - old_vs.keys(), key=_by_lang):
        lines.append(f"+ variant {key[1]} {key[2]} {key[0]!r}")
    for key in sorted(old_vs.keys() & new_vs.keys(), key=_by_lang):
        if _canon(old_vs[key]) != _canon(new_vs[key]):
            fields = sorted((set(old_vs[key]) | set(new_vs[key])) - {"name", "lang", "kind"})
            what = ", ".join(f"{f} {old_vs[key].get(f)!r} -> {new_vs[key].get(f)!r}" for f in fields
                             if old_vs[key].get(f) != new_vs[key].get(f))
            lines.append(f"~ variant {key[1]} {key[2]} {key[0]!r}: {what}")
    if len(old.get("variants", ())) != len(old_vs) or len(new.get("variants", ())) != len(new_vs):
        if _multiset(old.get("variants", ())) != _multiset(new.get("variants", ())):
            lines.append("variants: duplicates differ")
    return lines


def _by_lang(key: tuple[str, str, str]) -> tuple[str, str, str]:
    return key[1], key[2], key[0]


def _multiset(variants) -> list[str]:
    return sorted(_canon(v) for v in variants)


# -- reading TBX ----------------------------------------------------------------------------------


def _local(tag) -> str:
    return tag.rpartition("}")[2] if isinstance(tag, str) else ""


def _text(el: etree._Element) -> str:
    """An element's text as written (descriptions and notes keep their spaces)."""
    return "".join(el.itertext())


_CONCEPT_TAGS = [f"{{{TBX_NS}}}conceptEntry", "conceptEntry", "termEntry", f"{{{TBX_NS}}}termEntry"]


def iter_tbx_entries(source: IO[bytes] | str) -> Iterator[ImportedEntry]:
    """Concept entries of a TBX file (2019 or 2008 structure, with or without the namespace), streamed."""
    events = etree.iterparse(source, events=("end",), tag=_CONCEPT_TAGS, resolve_entities=False, load_dtd=False,
                             no_network=True, huge_tree=False, remove_comments=True, remove_pis=True)
    checked = False
    try:
        for _, el in events:
            if not checked:
                _check_root(el.getroottree().getroot())
                checked = True
            yield _read_concept(el)
            el.clear(keep_tail=False)  # keep memory flat: drop what has been read
            while el.getprevious() is not None:
                del el.getparent()[0]
        if not checked:
            _check_root(events.root)
    except etree.XMLSyntaxError as exc:
        raise UnreadableFile(f"not well-formed XML: {exc}") from None


def _check_root(root: etree._Element | None) -> None:
    name = _local(root.tag) if root is not None else ""
    if name not in ("tbx", "martif"):
        raise UnreadableFile(f"not a TBX file: the root element is <{name}>, not <tbx> or <martif>")


def _read_concept(el: etree._Element) -> ImportedEntry:
    cid = el.get("id") or ""
    item = ImportedEntry(id=entry_id_of(cid), where=f"line {el.sourceline}")
    for child in el:
        name = _local(child.tag)
        if name == "descrip" and child.get("type") == "subjectField":
            item.type = _text(child).strip()
        elif name == "descrip" and child.get("type") == "definition" and item.description is None:
            item.description = _text(child)
        elif name in ("langSec", "langSet"):
            lang = child.get(XML_LANG) or ""
            for part in child:
                pname = _local(part.tag)
                if pname == "descrip" and part.get("type") == "definition" and item.description is None:
                    item.description = _text(part)
                elif pname in ("termSec", "tig", "ntig"):
                    term = _read_term(part, lang)
                    if term is not None:
                        item.terms.append(term)
    return item


def _read_term(sec: etree._Element, lang: str) -> Term | None:
    term = None
    used_by: list[str] = []
    notes: list[str] = []
    meta = None
    term_type = status = None
    for el in sec.iter():
        name = _local(el.tag)
        if name == "term" and term is None:
            term = _text(el).strip()
        elif name == "termNote":
            kind, value = el.get("type"), _text(el).strip()
            if kind == "termType":
                term_type = value
            elif kind == "administrativeStatus":
                status = value
            elif kind == "geographicalUsage":
                used_by.append(value)
        elif name == "note":
            text = _text(el)
            if text.startswith(NOTE_PREFIX + "{") and meta is None:
                try:
                    meta = json.loads(text[len(NOTE_PREFIX):])
                except json.JSONDecodeError:
                    notes.append(text)
                else:
                    if not isinstance(meta, dict):
                        meta = None
                        notes.append(text)
            elif text:
                notes.append(text)
    if not term:
        return None
    return Term(name=term, lang=lang, kind=meta.get("kind") if meta else None,
                origin=meta.get("origin", "curated") if meta else None, meta=meta, used_by=tuple(used_by),
                note=" ".join(notes) if notes else None, term_type=term_type, status=status)


def read_tbx(glossary: Glossary, source: IO[bytes] | str, partial: bool = False) -> ImportReport:
    """What importing this TBX file would change (proposals only)."""
    entries = iter_tbx_entries(source)
    return propose(glossary, _checked(entries), "tbx", partial=partial)


def _checked(entries: Iterable[ImportedEntry]) -> Iterator[ImportedEntry]:
    for item in entries:
        if not item.id:
            raise UnreadableFile(f"{item.where}: a concept entry without an id (ids are the glossary's entry ids)")
        yield item


# -- reading CSV ----------------------------------------------------------------------------------


def iter_csv_entries(lines: Iterable[str]) -> Iterator[ImportedEntry]:
    """Entries from CSV rows in the export's shape; rows of one entry need not be together."""
    try:
        yield from _csv_entries(lines)
    except csv.Error as exc:  # a field over the csv module's size limit, and kin
        raise UnreadableFile(f"not readable as CSV: {exc}") from None


def _csv_entries(lines: Iterable[str]) -> Iterator[ImportedEntry]:
    reader = csv.DictReader(lines)
    if tuple(reader.fieldnames or ()) != CSV_COLUMNS:
        raise UnreadableFile(f"the CSV header must be {','.join(CSV_COLUMNS)}; got {','.join(reader.fieldnames or ())}")
    items: dict[str, ImportedEntry] = {}
    for row in reader:
        where = f"row {reader.line_num}"
        if None in row or any(v is None for v in row.values()):
            raise UnreadableFile(f"{where}: expected {len(CSV_COLUMNS)} columns")
        entry_id = row["entry_id"].strip()
        item = items.setdefault(entry_id, ImportedEntry(id=entry_id, type=row["type"].strip(), where=where))
        if row["type"].strip() != item.type:
            raise UnreadableFile(f"{where}: entry {entry_id!r} has two types, {item.type!r} and {row['type']!r}")
        preferred = row["preferred"].strip().lower()
        if preferred not in ("true", "false", ""):
            raise UnreadableFile(f"{where}: preferred must be true or false, not {row['preferred']!r}")
        kind = row["kind"].strip()
        item.terms.append(Term(name=row["name"].strip(), lang=row["lang"].strip(), kind=kind or None,
                               origin=row["origin"].strip() or None,
                               preferred=(preferred == "true") if kind != "name" and preferred else None))
    yield from items.values()


def read_csv(glossary: Glossary, lines: Iterable[str], partial: bool = False) -> ImportReport:
    """What importing this CSV would change (proposals only). New entries need a description: use TBX."""
    report_entries = []
    problems = []
    for item in iter_csv_entries(lines):
        if item.id not in glossary.entries:
            problems.append(f"{item.where}: unknown entry {item.id!r}: CSV carries no description, so it can "
                            "only change existing entries (add new ones with TBX)")
            continue
        report_entries.append(item)
    report = propose(glossary, report_entries, "csv", partial=partial)
    report.entries_read += len(problems)
    report.problems[:0] = problems
    return report
