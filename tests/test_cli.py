"""The command line: each subcommand on the test glossary (and check on a broken one)."""

import io
import json
import sys

import pytest

from glossary.cli import main
from tests.conftest import FIXTURES

MINI = str(FIXTURES / "mini.yaml")


def run(capsys, *args, stdin: str | None = None):
    if stdin is not None:
        sys.stdin = io.StringIO(stdin)
    try:
        code = main(list(args))
    finally:
        sys.stdin = sys.__stdin__
    out = capsys.readouterr()
    return code, out.out, out.err


@pytest.mark.parametrize("query, entry_id", [("Abe Shinzō", "abe-shinzo"), ("Shinzou Abe", "abe-shinzo"),
                                             ("安倍晋三", "abe-shinzo"), ("あべしんぞう", "abe-shinzo"),
                                             ("Diaoyutai", "senkaku-islands"), ("xi2 jin4 ping2", "xi-jinping")])
def test_lookup(capsys, query, entry_id):
    code, out, _ = run(capsys, "--seeds", MINI, "lookup", query, "--json")
    assert code == 0 and json.loads(out)[0]["id"] == entry_id


def test_lookup_without_match_exits_2(capsys):
    code, out, _ = run(capsys, "--seeds", MINI, "lookup", "asdfghjkl")
    assert code == 2 and "no match" in out


def test_romanize(capsys):
    code, out, _ = run(capsys, "--seeds", MINI, "romanize", "王小明", "--lang", "zh")
    assert code == 0 and json.loads(out)["pinyin"] == "wáng xiǎo míng" and json.loads(out)["reading_is_guess"]
    code, out, _ = run(capsys, "--seeds", MINI, "romanize", "习近平", "--lang", "zh")  # a glossary name: curated
    assert code == 0 and json.loads(out)["pinyin"] == "Xí Jìnpíng"


def test_variants_marks_derived(capsys):
    code, out, _ = run(capsys, "--seeds", MINI, "variants", "xi-jinping")
    assert code == 0 and "Hsi Chin-p'ing" in out and "derived" in out and "pinyin-wade-giles" in out


def test_normalize_reads_stdin(capsys):
    code, out, _ = run(capsys, "--seeds", MINI, "normalize", "--target", "ja", stdin="Xi met Fumio Kishida.")
    assert code == 0 and out == "習近平 met 岸田文雄."


def test_normalize_reads_files(capsys, tmp_path):
    f = tmp_path / "a.txt"
    f.write_text("Kitamura said so.", encoding="utf-8")
    code, out, _ = run(capsys, "--seeds", MINI, "normalize", "--mode", "mentions", str(f))
    assert code == 0 and json.loads(out)[0]["resolution"] == "ambiguous"


def test_check_passes_clean_data_and_fails_broken(capsys):
    assert run(capsys, "check", MINI)[0] == 0
    code, _, err = run(capsys, "check", str(FIXTURES / "bad"))
    assert code == 1 and "broken.yaml" in err


@pytest.mark.slow
def test_check_with_dictionaries(capsys):
    code, _, err = run(capsys, "check", "--dictionaries")
    assert code == 0, err


def test_report(capsys):
    code, out, _ = run(capsys, "report", MINI)
    assert code == 0 and json.loads(out)["entries"] == 14


# -- #12 item 18 -----------------------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def _cache(tmp_path, monkeypatch):
    monkeypatch.setenv("GLOSSARY_CACHE", str(tmp_path / "cache"))


def test_romanize_knows_the_glossary(capsys):
    """romanize gave a guess for 習近平 while the API answered with the curated reading."""
    code, out, _ = run(capsys, "romanize", "習近平", "--lang", "ja", "--seeds", MINI)
    body = json.loads(out)
    assert code == 0 and body["entry_id"] == "xi-jinping" and body["reading_is_guess"] is False
    assert body["hepburn"] == "Shū Kinpei"


@pytest.mark.parametrize("args, message", [
    (["lookup", "x", "--type", "persn"], "invalid choice: 'persn' (choose from 'person', 'place'"),
    (["lookup", "x", "--limit", "0"], "--limit: must be from 1 to 50, got 0"),
    (["lookup", "x", "--limit", "lots"], "--limit: 'lots' is not a whole number"),
])
def test_bad_options_say_what_is_valid(capsys, args, message):
    with pytest.raises(SystemExit) as info:
        main(["--seeds", MINI, *args])
    assert info.value.code == 2 and message in capsys.readouterr().err


def test_a_missing_file_is_an_error_not_a_traceback(capsys):
    code, _, err = run(capsys, "--seeds", MINI, "normalize", "/no/such/file.txt")
    assert code == 2 and "cannot read /no/such/file.txt: No such file or directory" in err


def test_seeds_after_the_subcommand(capsys):
    code, out, _ = run(capsys, "lookup", "Abe Shinzō", "--json", "--seeds", MINI)
    assert code == 0 and json.loads(out)[0]["id"] == "abe-shinzo"


def test_every_option_has_help():
    from glossary.cli import _parser

    parser = _parser()
    subparsers = next(a for a in parser._actions if a.dest == "command").choices
    for name, sub in [("glossary", parser), *subparsers.items()]:
        for action in sub._actions:
            if action.dest != "help":
                assert action.help, (name, action.dest)


def test_the_index_is_cached(capsys, monkeypatch, tmp_path):
    """Every command reloaded the glossary (4 s of CPU for seeds/); the index is now cached by content."""
    import glossary

    assert run(capsys, "--seeds", MINI, "lookup", "Kishida")[0] == 0
    assert list((tmp_path / "cache").glob("glossary-*.pickle"))

    def no_loading(*args, **kwargs):
        raise AssertionError("loaded the seeds again")

    monkeypatch.setattr(glossary, "load_glossary", no_loading)
    assert run(capsys, "--seeds", MINI, "lookup", "Kishida")[0] == 0
    # an edited seed file is a new cache key
    copy = tmp_path / "mini.yaml"
    copy.write_text((FIXTURES / "mini.yaml").read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    with pytest.raises(AssertionError, match="loaded the seeds again"):
        main(["--seeds", str(copy), "lookup", "Kishida"])


# -- the store's commands ---------------------------------------------------------------------------


@pytest.fixture()
def store(tmp_path):
    from glossary.store import open_store

    return open_store(tmp_path / "g.db", MINI)


def test_token_create_prints_the_token_once_on_the_last_line(capsys, store):
    code, out, _ = run(capsys, "token", "create", "alice", "--role", "editor", "--db", str(store.path))
    token = out.splitlines()[-1]
    assert code == 0 and token.startswith("jcg_") and out.count(token) == 1
    assert store.find_token(token) == ("alice", "editor")
    code, _, err = run(capsys, "token", "create", "alice", "--role", "admin", "--db", str(store.path))
    assert code == 2 and "revoke it first" in err
    assert run(capsys, "token", "revoke", "alice", "--db", str(store.path))[0] == 0
    assert store.find_token(token) is None
    code, _, err = run(capsys, "token", "revoke", "alice", "--db", str(store.path))
    assert code == 2 and "no live token" in err


def test_token_create_needs_a_known_role(capsys, store):
    with pytest.raises(SystemExit):
        main(["token", "create", "x", "--role", "owner", "--db", str(store.path)])


def test_export_then_import_seeds(capsys, store, tmp_path):
    code, out, _ = run(capsys, "export-seeds", str(tmp_path / "out"), "--db", str(store.path))
    assert code == 0 and "wrote 1 seed files" in out
    path = tmp_path / "out" / "mini.yaml"
    assert path.read_bytes() == (FIXTURES / "mini.yaml").read_bytes()
    path.write_text(path.read_text(encoding="utf-8").replace("description: Japan.", "description: Japan, the state."),
                    encoding="utf-8")
    code, out, _ = run(capsys, "import-seeds", str(tmp_path / "out"), "--db", str(store.path), "--dry-run")
    assert code == 0 and "change  japan" in out and "(dry run" in out and store.get("japan").revision == 1
    code, out, _ = run(capsys, "import-seeds", str(tmp_path / "out"), "--db", str(store.path))
    assert code == 0 and out.splitlines()[-1].startswith("0 added, 1 changed, 0 removed")
    assert store.get("japan").revision == 2
