"""A layered snapshot (a compact base plus the entries changed since) answers what a full build answers."""

from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from glossary import build_glossary
from glossary import index as index_module
from glossary.derive import all_variants
from glossary.index import Glossary
from glossary.keys import name_key
from glossary.layered import Layered
from glossary.model import Entry
from glossary.normalize import normalize_text

# Few letters, so that names share keys, prefixes, typos and the insides of one another.
LATIN = st.text(alphabet="aiknos -", min_size=1, max_size=10).filter(lambda s: s.strip(" -"))
HAN = st.text(alphabet="岸田文雄北京", min_size=1, max_size=4)
ACTIONS = ["rename", "rename-zh", "retype", "remove", "add", "alias"]


def _entry(n: int, en: str, zh: str, type: str = "person", aliases: tuple = ()) -> Entry:
    names = {"en": en, "zh": zh}
    variants = tuple({"name": a, "lang": "en", "kind": "alias"} for a in aliases)
    entry = Entry(id=f"e{n}", type=type, description="generated", names=names)
    return replace(entry, variants=tuple(_variant(v) for v in variants)) if variants else entry


def _variant(seed: dict):
    from glossary.model import Variant

    return Variant(name=seed["name"], lang=seed["lang"], kind=seed["kind"])


def _compiled(entry: Entry) -> list:
    return [(v, name_key(v.name)) for v in all_variants(entry)]


def _edit(before: Glossary, edits, retired: set | None = None) -> tuple[dict, list[Entry]]:
    """The changes ``edits`` make to ``before`` and the entries a full build of the result has, in order. As
    in a store, a retired id is never used again (``retired``: those retired before)."""
    current = dict(before.entries)
    changes: dict = {}
    retired = set() if retired is None else retired
    for n, action, en, zh in edits:
        entry_id = f"e{n}"
        if entry_id in retired:
            continue
        if action == "remove":
            retired.add(entry_id)
            current.pop(entry_id, None)
            changes[entry_id] = None
            continue
        old = current.get(entry_id) or _entry(n, en, zh)
        new = _edited(old, n, action, en, zh)
        current[entry_id] = new
        changes[entry_id] = (new, _compiled(new))  # a new entry's place is where it was created
    order = [i for i in before.entries if i in current] + [i for i in changes if i not in before.entries and i in current]
    return changes, [current[i] for i in order]


def _edited(old: Entry, n: int, action: str, en: str, zh: str) -> Entry:
    if action == "rename":
        return replace(old, names={**old.names, "en": en})
    if action == "rename-zh":
        return replace(old, names={**old.names, "zh": zh})
    if action == "retype":
        return replace(old, type="place" if old.type == "person" else "person")
    if action == "alias":
        return _entry(n, old.names["en"], old.names["zh"], old.type, (en,))
    return old  # "add": as it is (new when it was not there)


def _same_answers(layered: Glossary, full: Glossary, queries: list[str]) -> None:
    assert list(layered.entries) == list(full.entries)
    assert all(layered.get(i) is full.get(i) or layered.get(i) == full.get(i) for i in full.entries)
    assert layered.stats() | {"version": ""} == full.stats() | {"version": ""}
    assert [layered.variants_of(i) for i in full.entries] == [full.variants_of(i) for i in full.entries]
    for q in queries:
        assert layered.lookup(q) == full.lookup(q), q
        assert layered.lookup(q, limit=1) == full.lookup(q, limit=1), q
        for part in {q[:2], q[:3], q[1:4]}:
            assert [e.id for e in layered.list_entries(q=part)] == [e.id for e in full.list_entries(q=part)], part
            assert [e.id for e in layered.list_entries(q=part, type="place")] == \
                [e.id for e in full.list_entries(q=part, type="place")]
            key = name_key(part)
            assert list(layered.keys_starting_with(key)) == list(full.keys_starting_with(key))
    assert [e.id for e in layered.list_entries()] == [e.id for e in full.list_entries()]
    assert [e.id for e in layered.list_entries(type="place")] == [e.id for e in full.list_entries(type="place")]
    latin = " and ".join(q for q in queries if q.isascii())
    han = "、".join(q for q in queries if not q.isascii())
    for text in (latin, han, f"{latin}. {han}"):
        for target in ("en", "zh-Hans"):
            assert normalize_text(layered, text, target=target).as_dict() == \
                normalize_text(full, text, target=target).as_dict()


@settings(max_examples=80, deadline=None)
@given(names=st.lists(st.tuples(LATIN, HAN), min_size=1, max_size=12),
       edits=st.lists(st.tuples(st.integers(0, 15), st.sampled_from(ACTIONS), LATIN, HAN), max_size=6),
       more=st.lists(st.tuples(st.integers(0, 15), st.sampled_from(ACTIONS), LATIN, HAN), max_size=3))
def test_a_layer_answers_what_a_full_build_answers(names, edits, more):
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(index_module, "CROWDED", 2)  # keys of three variants or more kept in rank order
        base = build_glossary([_entry(n, en, zh) for n, (en, zh) in enumerate(names)])
        retired: set = set()
        changes, entries = _edit(base, edits, retired)
        layered = base.layered(changes, version="next")
        full = build_glossary(entries)
        queries = [q for pair in names for q in pair] + [q for _n, _a, en, zh in edits for q in (en, zh)]
        queries += [q[:-1] + "x" for q in queries if len(q) > 3 and q.isascii()]  # typos: fuzzy lookup
        _same_answers(layered, full, queries)
        # The next write makes one layer over the same base, with every change since it.
        later_changes, later_entries = _edit(full, more, retired)
        again = layered.layered(later_changes, version="later")
        assert isinstance(again, Layered) and again.base is base
        later = build_glossary(later_entries)
        _same_answers(again, later, queries + [q for _n, _a, en, zh in more for q in (en, zh)])
        # Compacting gives the full build's tables.
        compact = again.updated({}, version="compact")
        assert not isinstance(compact, Layered) and list(compact.entries) == list(later.entries)
        assert compact.variants == later.variants and compact._by_key == later._by_key


LAYER_CASES = [
    # (base names, edits, text) -> the layer finds what a full build finds
    pytest.param([("kishida fumio", "岸田文雄")], [(0, "rename", "kishida", "")], "Kishida Fumio met Kishida.",
                 id="a-longer-name-gone-leaves-the-shorter"),
    pytest.param([("kishida", "岸田")], [(1, "add", "kishida fumio", "岸田文雄")], "Kishida Fumio and 岸田文雄.",
                 id="a-new-longer-name-hides-the-shorter"),
    pytest.param([("abe", "安倍"), ("shinzo abe", "安倍晋三")], [(1, "remove", "", "")], "Shinzo Abe, 安倍晋三.",
                 id="a-retired-name-gone"),
    pytest.param([("ono", "小野"), ("ono", "大野")], [(1, "rename", "ono sato", "")], "Ono Sato and Ono.",
                 id="a-shared-name-no-longer-shared"),
]


@pytest.mark.parametrize("names, edits, text", LAYER_CASES)
def test_layered_mentions(names, edits, text):
    base = build_glossary([_entry(n, en, zh) for n, (en, zh) in enumerate(names)])
    changes, entries = _edit(base, [(n, a, en, zh or "北京") for n, a, en, zh in edits])
    layered, full = base.layered(changes, version="next"), build_glossary(entries)
    for target in ("en", "ja"):
        assert normalize_text(layered, text, target=target).as_dict() == normalize_text(full, text, target=target).as_dict()
    assert layered.matcher().find(text) == full.matcher().find(text)


def test_a_layer_leaves_its_base_as_it_was(mini):
    entry = mini.get("beijing")
    before = (mini.lookup("Beijing"), [e.id for e in mini.list_entries(q="bei")])
    renamed = replace(entry, names={**entry.names, "en": "Quixotic Capital"})
    layered = mini.layered({"beijing": (renamed, _compiled(renamed)), "zz-new": None}, version="v2")
    assert layered.lookup("Quixotic Capitol")[0].entry.id == "beijing"  # fuzzy, over the layer's keys
    assert (mini.lookup("Beijing"), [e.id for e in mini.list_entries(q="bei")]) == before
    assert layered.base is mini and mini.get("beijing") is entry


KEYS = st.lists(st.text(alphabet="ab ", min_size=1, max_size=5), min_size=1, max_size=12, unique=True)


@settings(max_examples=400, deadline=None)
@given(base=KEYS, extra=KEYS, gone=st.sets(st.integers(0, 11)), text=st.text(alphabet="ab ", max_size=40))
def test_a_layered_automaton_finds_what_one_automaton_over_the_live_keys_finds(base, extra, gone, text):
    """Leftmost-longest and every-hit scans of the base's automaton with some keys gone and new ones added
    (glossary/layered_matcher.py) against one automaton built over the keys that are left."""
    import ahocorasick_rs

    from glossary.layered_matcher import LayeredAutomaton
    from glossary.normalize import _automaton

    new = [k for k in extra if k not in base]
    dead = frozenset(i for i in gone if i < len(base))
    live = [k for i, k in enumerate(base) if i not in dead] + new
    keys = base + new  # numbered as the layered matcher numbers them: the base's, then the new ones
    for kind, overlapping in ((ahocorasick_rs.MatchKind.LeftmostLongest, False),
                              (ahocorasick_rs.MatchKind.Standard, True)):
        layered = LayeredAutomaton(_automaton(base, kind), len(base), max(map(len, base)), dead,
                                   _automaton(new, ahocorasick_rs.MatchKind.Standard))
        got = sorted((keys[i], s, e) for i, s, e in layered.find_matches_as_indexes(text, overlapping=overlapping))
        one = _automaton(live, kind) if live else None
        expected = sorted((live[i], s, e) for i, s, e in one.find_matches_as_indexes(text, overlapping=overlapping)) \
            if one is not None else []
        assert got == expected
