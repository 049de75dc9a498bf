"""The key index: fuzzy candidates and substring search answer what a scan of every key answers."""

from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rapidfuzz import fuzz, process

from glossary import MIN_SCORE, build_glossary
from glossary import index as index_module
from glossary.derive import all_variants
from glossary.index import FUZZY_CUTOFF, FUZZY_MIN_KEY_LENGTH
from glossary.keyindex import KeyIndex, max_distance
from glossary.keys import name_key
from glossary.model import Entry

KEYS = ["kishida fumio", "kishida", "abe shinzo", "xi jinping", "岸田文雄", "きしだふみお", "ab", "abc", "𠮷野"]

MAX_DISTANCE = [
    # a, b, cutoff -> the largest Indel distance that still scores the cutoff (None: no key of that length can)
    pytest.param(4, 4, 85.0, 0, id="short-same-length-exact-only"),  # one substitution = distance 2: 75
    pytest.param(4, 5, 85.0, 1, id="one-insertion-on-4"),  # 1 - 1/9 = 88.9
    pytest.param(4, 6, 85.0, None, id="two-longer-is-too-far"),  # at least 2 of 10: 80
    pytest.param(12, 12, 85.0, 2, id="one-substitution-on-12"),  # 1 - 2/24 = 91.7; 4/24 = 83.3
    pytest.param(20, 27, 85.0, 7, id="seven-insertions-on-20"),  # 1 - 7/47 = 85.1
    pytest.param(20, 28, 85.0, None, id="eight-longer"),  # 8/48: 83.3
    pytest.param(10, 10, 80.0, 4, id="lower-cutoff-further"),
]


@pytest.mark.parametrize("a, b, cutoff, expected", MAX_DISTANCE)
def test_max_distance(a, b, cutoff, expected):
    assert max_distance(a, b, cutoff) == expected


CANDIDATES = [
    # query -> a key that must be among the candidates (a typo the full scan finds)
    pytest.param("kishda fumio", "kishida fumio", id="deleted-letter"),
    pytest.param("kishidaa fumio", "kishida fumio", id="inserted-letter"),
    pytest.param("kishido fumio", "kishida fumio", id="substituted-letter"),
    pytest.param("abe shinzoo", "abe shinzo", id="inserted-at-the-end"),
    pytest.param("xijinping", "xi jinping", id="space-dropped"),
    pytest.param("きしだふみ", "きしだふみお", id="kana-dropped"),
]


@pytest.mark.parametrize("query, key", CANDIDATES)
def test_candidates_include_the_typos_target(query, key):
    index = KeyIndex(KEYS)
    assert key in index.candidates(query, FUZZY_CUTOFF)
    assert (key, fuzz.ratio(query, key)) in index.fuzzy(query, FUZZY_CUTOFF)


NOT_CANDIDATES = [
    # query -> a key the count filter must rule out without scoring it (too few trigrams or wrong length)
    pytest.param("kishida fumio", "xi jinping", id="no-shared-trigram"),
    pytest.param("kishida fumio", "kishida", id="too-short-to-reach-85"),
    pytest.param("abe", "abe shinzo", id="too-long-to-reach-85"),
]


@pytest.mark.parametrize("query, key", NOT_CANDIDATES)
def test_candidates_leave_out_what_cannot_match(query, key):
    assert key not in KeyIndex(KEYS).candidates(query, FUZZY_CUTOFF)


CONTAINING = [
    # part -> keys that contain it, in index order (shortest first)
    pytest.param("kishida", ["kishida", "kishida fumio"], id="trigram-path"),
    pytest.param("ab", ["ab", "abc", "abe shinzo"], id="two-characters-scan"),
    pytest.param("o", ["abe shinzo", "kishida fumio"], id="one-character-scan"),
    pytest.param("田文", ["岸田文雄"], id="han"),
    pytest.param("𠮷", ["𠮷野"], id="outside-the-bmp"),  # the largest trigram codes: no float rounding
    pytest.param("ida", ["kishida", "kishida fumio"], id="one-trigram"),
    pytest.param("zzz", [], id="nothing"),
    pytest.param("kishida fumio and more", [], id="longer-than-every-key"),
]


@pytest.mark.parametrize("part, expected", CONTAINING)
def test_containing(part, expected):
    assert KeyIndex(KEYS).containing(part) == expected


def test_empty_index():
    index = KeyIndex([])
    assert index.fuzzy("kishida", FUZZY_CUTOFF) == [] and index.containing("a") == [] and len(index) == 0


# -- properties: the index answers what the full scan answers --------------------------------------------

# Small alphabets, so that generated keys share trigrams and typos land near other keys.
LETTERS = st.text(alphabet="aeiknost ", min_size=1, max_size=14)
MIXED = st.text(alphabet="akisu 山田川文きしだカ", min_size=1, max_size=10)
KEY_LISTS = st.lists(st.one_of(LETTERS, MIXED), min_size=1, max_size=60, unique=True)


@settings(max_examples=200, deadline=None)
@given(keys=KEY_LISTS, query=st.one_of(LETTERS, MIXED), cutoff=st.sampled_from([60.0, 75.0, 85.0, 95.0]))
def test_fuzzy_equals_the_full_scan(keys, query, cutoff):
    scan = process.extract(query, keys, scorer=fuzz.ratio, score_cutoff=cutoff, limit=None)
    assert KeyIndex(keys).fuzzy(query, cutoff) == [(k, s) for k, s, _ in scan]


@settings(max_examples=200, deadline=None)
@given(keys=KEY_LISTS, part=st.text(alphabet="aeikst 山田き", max_size=4))
def test_containing_equals_the_full_scan(keys, part):
    assert sorted(KeyIndex(keys).containing(part)) == sorted(k for k in keys if part in k)


NAMES = st.text(alphabet="aeiknost -", min_size=1, max_size=12).filter(lambda s: s.strip(" -"))


def _entries(names: list[str]) -> list[Entry]:
    return [Entry(id=f"e{i}", type="person", description="generated", names={"en": name})
            for i, name in enumerate(names)]


def _scan_lookup(glossary, query: str):
    """What lookup's fuzzy step found before the index: rapidfuzz over every key long enough."""
    keys = [k for k in glossary._by_key if len(k) >= FUZZY_MIN_KEY_LENGTH]
    return process.extract(query, keys, scorer=fuzz.ratio, score_cutoff=FUZZY_CUTOFF, limit=None)


@settings(max_examples=100, deadline=None)
@given(names=st.lists(NAMES, min_size=1, max_size=25, unique=True), query=NAMES)
def test_lookup_finds_what_the_scan_finds(names, query):
    glossary = build_glossary(_entries(names))
    matches = glossary.lookup(query, limit=100)
    key = name_key(query)
    if any(m.method != "fuzzy" for m in matches) or len(key) < FUZZY_MIN_KEY_LENGTH:
        return  # the fuzzy step only runs when nothing matched better
    expected = {glossary.variants[i].entry_id for k, score, _ in _scan_lookup(glossary, key)
                for i in glossary.variant_ids_of_key(k) if 0.8 * score / 100 >= MIN_SCORE}
    assert {m.entry.id for m in matches} == expected


@settings(max_examples=100, deadline=None)
@given(keys=KEY_LISTS, prefix=st.text(alphabet="aeikst 山田き", max_size=3))
def test_starting_with_equals_the_sorted_scan(keys, prefix):
    assert list(KeyIndex(keys).starting_with(prefix)) == sorted(k for k in keys if k.startswith(prefix))


@settings(max_examples=100, deadline=None)
@given(names=st.lists(NAMES, min_size=1, max_size=25), q=st.text(alphabet="aeiknost -", max_size=5),
       type=st.sampled_from([None, "person", "place"]))
def test_list_entries_equals_the_scan(names, q, type):
    entries = [Entry(id=f"e{i:02d}", type=("person", "place")[i % 2], description="generated", names={"en": n})
               for i, n in enumerate(names)]
    glossary = build_glossary(entries)
    qk = name_key(q)
    named = {iv.entry_id for iv in glossary.variants if qk in iv.key} if q else set(glossary.entries)
    expected = sorted(i for i in named if type is None or glossary.entries[i].type == type)
    assert [e.id for e in glossary.list_entries(type=type, q=q)] == expected


@pytest.mark.parametrize("q", ["a", "n", "ji", "kishida", "北", "京", "ing", "zz"])
def test_list_entries_of_common_and_rare_parts_equals_the_scan(mini, q):
    # A common part (its keys are many: one pass over every pair) and a rare one (its pairs listed) alike.
    qk = name_key(q)
    assert [e.id for e in mini.list_entries(q=q)] == sorted({iv.entry_id for iv in mini.variants if qk in iv.key})


def test_entry_list_is_lazy_and_pages(mini):
    found = mini.list_entries(q="kishida")
    every = [e.id for e in mini.list_entries()]
    assert len(found) >= 1 and found[0].id == found[:1][0].id
    assert [e.id for e in found[0:100]] == sorted(e.id for e in found[0:100])
    assert all(e.id in every for e in found[0:100]) and found[5:5] == []


def _same_index(a, b) -> None:
    """Every table, the key index and the id-order arrays of two snapshots are equal."""
    assert a.entries == b.entries and a.variants == b.variants
    for table in ("_by_text", "_by_key", "_by_compact", "_by_entry"):
        assert getattr(a, table) == getattr(b, table), table
    assert a._keys.keys == b._keys.keys and a._ids_sorted == b._ids_sorted
    for array in ("_types", "_key_entries", "_key_offsets", "_pair_keys"):
        assert getattr(a, array).tolist() == getattr(b, array).tolist(), array
    assert [{k: list(v) for k, v in r.items()} for r in a._ranked] == \
        [{k: list(v) for k, v in r.items()} for r in b._ranked]


@settings(max_examples=60, deadline=None)
@given(names=st.lists(NAMES, min_size=1, max_size=15),
       edits=st.lists(st.tuples(st.integers(0, 20), st.sampled_from(["rename", "retype", "remove", "add"]), NAMES),
                      max_size=6))
def test_updated_equals_a_full_build(names, edits):
    # A store's refresh (Glossary.updated) must give the snapshot a full build of the same entries gives,
    # with every key of three variants or more kept in rank order (crowded: reused or sorted again).
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(index_module, "CROWDED", 2)
        _check_updated(names, edits)


def _check_updated(names, edits):
    before = build_glossary(_entries(names))
    current = {e.id: e for e in before.entries.values()}
    changes: dict = {}
    for n, action, name in edits:
        entry_id = f"e{n}"
        if action == "remove":
            current.pop(entry_id, None)
            changes[entry_id] = None
            continue
        old = current.get(entry_id) or Entry(id=entry_id, type="person", description="generated", names={"en": name})
        new = replace(old, names={"en": name}) if action in ("rename", "add") else replace(old, type="place")
        current[entry_id] = new
        changes[entry_id] = (new, [(v, name_key(v.name)) for v in all_variants(new)])
    after = before.updated(changes, version="next")
    full = build_glossary(_order(before, changes, current))
    _same_index(after, full)
    for q in (*names, *(name for _, _, name in edits)):
        assert after.lookup(q) == full.lookup(q)
        assert [e.id for e in after.list_entries(q=q[:3])] == [e.id for e in full.list_entries(q=q[:3])]


def _order(before, changes, current) -> list[Entry]:
    """A full build's order: the old entries in place, new ones last in the order of ``changes``."""
    ids = [i for i in before.entries if i in current] + [i for i in changes if i not in before.entries and i in current]
    return [current[i] for i in ids]


def test_updated_shares_the_key_index_only_when_the_keys_are_the_same(mini):
    entry = mini.get("beijing")
    described = mini.updated({"beijing": (replace(entry, description="changed"), mini.compiled("beijing"))}, "v2")
    assert described._keys is mini._keys and described.get("beijing").description == "changed"
    renamed_entry = replace(entry, names={**entry.names, "en": "Quixotic Capital"})
    renamed = mini.updated({"beijing": (renamed_entry, [(v, name_key(v.name)) for v in all_variants(renamed_entry)])},
                           "v3")
    assert renamed._keys is not mini._keys and "quixotic capital" in renamed._keys.keys
    assert renamed.lookup("Quixotic Capitol")[0].entry.id == "beijing"  # fuzzy, from the new key index
    assert not mini.lookup("Quixotic Capitol")
