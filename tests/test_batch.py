"""`glossary batch`: the output equals the API's answer, bad records are reported, parts and workers and Dask
do not change the output, and an interrupted run resumes without redoing or losing a record."""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from glossary import batch
from glossary.cli import main
from glossary.normalize import Mention

from .conftest import FIXTURES

MINI = str(FIXTURES / "mini.yaml")
SOURCE = batch.GlossarySource(MINI, cache=False)

# Our own sentences, in the three languages, with the traps the normaliser handles.
SENTENCES = [
    pytest.param("Xi Jinping met Fumio Kishida in Beijing on Tuesday.", id="en-two-people-and-a-place"),
    pytest.param("Kishida said later that Japan and China would keep talking.", id="en-short-form-by-context"),
    pytest.param("President Xi spoke of the Taiwan Strait and the East China Sea.", id="en-title-and-seas"),
    pytest.param("The teapot was fine china, not a gift from China.", id="en-lower-case-is-porcelain"),
    pytest.param("No names at all in this one.", id="en-no-mention"),
    pytest.param("习近平在北京会见了岸田文雄，双方讨论了东海问题。", id="zh-people-place-sea"),
    pytest.param("习主席表示，中日友好协会为两国交流作出了贡献。", id="zh-surname-with-title"),
    pytest.param("日本人游客在台湾海峡附近观光。", id="zh-demonym-is-not-the-place"),
    pytest.param("岸田首相は北京で習近平国家主席と会談した。", id="ja-title-and-full-name"),
    pytest.param("安倍晋三元首相は尖閣諸島について語った。", id="ja-former-pm-islands"),
    pytest.param("アメリカ合衆国と日本の関係について、習氏は言及しなかった。", id="ja-katakana-and-honorific"),
    pytest.param("🇯🇵 Xi and 北京 in one line\u200b with a zero-width space.", id="mixed-emoji-and-invisible"),
]

# Option sets: (batch options, the same options as the API request's body).
OPTION_SETS = [
    pytest.param({}, {"mode": "mentions"}, id="mentions"),
    pytest.param({"mode": "rewrite", "target": "ja"}, {"mode": "rewrite", "target": "ja"}, id="rewrite-ja"),
    pytest.param({"mode": "annotate", "target": "zh-Hans", "offsets": "utf16"},
                 {"mode": "annotate", "target": "zh-Hans", "offsets": "utf16"}, id="annotate-zh-utf16"),
    pytest.param({"mode": "rewrite", "name_order": "family-given", "date": "2022-05"},
                 {"mode": "rewrite", "name_order": "family-given", "date": "2022-05"}, id="rewrite-dated"),
]


@pytest.fixture(autouse=True)
def _private_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("GLOSSARY_CACHE", str(tmp_path / "cache"))


def write_jsonl(path: Path, records) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    return path


def texts():
    return [p.values[0] for p in SENTENCES]


def run(src: Path, out: Path, options: batch.Options | None = None, **kw) -> dict:
    return batch.run(src, out, options or batch.Options(), SOURCE, progress=False, log=lambda line: None, **kw)


@pytest.mark.parametrize(("opts", "body"), OPTION_SETS)
def test_jsonl_output_equals_the_api_answer(tmp_path, client, opts, body):
    records = [{"id": i, "text": t, "meta": {"lang": "x"}} for i, t in enumerate(texts())]
    src = write_jsonl(tmp_path / "in.jsonl", records)
    options = batch.Options(**opts)
    run(src, tmp_path / "out.jsonl", options)
    out = list(batch.iter_records(tmp_path / "out.jsonl"))
    api = client.post("/v1/normalize", json={"texts": texts(), **body}).get_json()["results"]
    assert len(out) == len(api) == len(records)
    assert sum(len(r["mentions"]) for r in api) > 15  # the table does exercise the normaliser
    for record, original, answer in zip(out, records, api, strict=True):
        assert {k: record[k] for k in original} == original  # every field kept, in place
        assert record["mentions"] == answer["mentions"]
        if options.rewrites:
            assert record["normalized_text"] == answer["text"]
        else:
            assert "normalized_text" not in record and answer["text"] == original["text"]


@pytest.mark.parametrize(("opts", "body"), OPTION_SETS)
def test_parquet_output_equals_the_api_answer(tmp_path, client, opts, body):
    table = pa.table({"id": list(range(len(texts()))), "body": texts(),
                      "tags": [["a", "b"]] * len(texts())})
    pq.write_table(table, tmp_path / "in.parquet", row_group_size=5)  # three row groups: three parts
    options = batch.Options(text_field="body", **opts)
    totals = run(tmp_path / "in.parquet", tmp_path / "out.parquet", options)
    assert totals["parts"] == 3
    out = pq.read_table(tmp_path / "out.parquet")
    assert out.schema.field("id").type == pa.int64() and out.column("tags").to_pylist() == table["tags"].to_pylist()
    api = client.post("/v1/normalize", json={"texts": texts(), **body}).get_json()["results"]
    # Parquet columns have every field of a mention; the ones the API leaves out are null.
    mentions = [[{k: v for k, v in m.items() if v is not None} for m in ms] for ms in out.column("mentions").to_pylist()]
    assert mentions == [a["mentions"] for a in api]
    if options.rewrites:
        assert out.column("normalized_text").to_pylist() == [a["text"] for a in api]


def test_the_parquet_mention_type_has_every_field_of_a_mention():
    assert [f.name for f in batch.mention_type()] == list(Mention._fields)


BAD_LINES = [
    # (line, why it is rejected)
    pytest.param(b'{"text": "Xi Jinping", broken\n', "not JSON", id="bad-json"),
    pytest.param(b'["Xi Jinping"]\n', "not a JSON object", id="not-an-object"),
    pytest.param(b'{"body": "Xi Jinping"}\n', "no field 'text'", id="missing-field"),
    pytest.param(b'{"text": 42}\n', "is int, not a string", id="number"),
    pytest.param(b'{"text": null}\n', "is null, not a string", id="null"),
    pytest.param(b'{"text": "\\ud800 Xi"}\n', "lone surrogate", id="lone-surrogate"),
    pytest.param(b'{"text": "\xff\xfe Xi"}\n', "not JSON", id="not-utf8"),
    pytest.param(b'{"text": "Xi Jinping", "date": "May 2022"}\n', "not a date", id="bad-date"),
]


@pytest.mark.parametrize(("line", "problem"), BAD_LINES)
def test_a_bad_record_is_skipped_and_reported(tmp_path, line, problem):
    good = b'{"text": "Xi Jinping met Kishida."}\n'
    src = tmp_path / "in.jsonl"
    src.write_bytes(good + line + b"\n" + good)  # a blank line is not a record
    logged = []
    options = batch.Options(date_field="date")
    totals = batch.run(src, tmp_path / "out.jsonl", options, SOURCE, progress=False, log=logged.append)
    assert (totals["read"], totals["written"], totals["skipped"]) == (3, 2, 1)
    assert [r["text"] for r in batch.iter_records(tmp_path / "out.jsonl")] == ["Xi Jinping met Kishida."] * 2
    skipped = [line for line in logged if line.startswith("skipped")]
    assert len(skipped) == 1 and f"line at byte {len(good)}" in skipped[0] and problem in skipped[0]


def test_strict_stops_at_the_first_bad_record(tmp_path, capsys):
    src = write_jsonl(tmp_path / "in.jsonl", [{"text": "Xi"}, {"text": 1}])
    out = tmp_path / "out.jsonl"
    assert main(["batch", str(src), str(out), "--seeds", MINI, "--strict", "--no-progress", "--workers", "1"]) == 1
    err = capsys.readouterr().err
    assert "line at byte 15: field 'text' is int, not a string (stopped by --strict)" in err
    assert not out.exists()


@pytest.mark.parametrize(("args", "message"), [
    pytest.param(["--text-field", "body"], "no column 'body'", id="parquet-no-such-column"),
    pytest.param(["--text-field", "id"], "column 'id' is int64, not text", id="parquet-not-text"),
    pytest.param(["--date", "May"], "bad date 'May'", id="bad-date-option"),
    pytest.param(["--mentions-field", "text"], "different names", id="field-clash"),
])
def test_problems_with_the_whole_input_stop_the_run(tmp_path, capsys, args, message):
    pq.write_table(pa.table({"id": [1], "text": ["Xi"]}), tmp_path / "in.parquet")
    code = main(["batch", str(tmp_path / "in.parquet"), str(tmp_path / "out.parquet"), "--seeds", MINI,
                 "--no-progress", *args])
    assert code == 1 and message in capsys.readouterr().err


def test_output_format_must_match(tmp_path):
    src = write_jsonl(tmp_path / "in.jsonl", [{"text": "Xi"}])
    with pytest.raises(batch.BatchError, match="input's format"):
        run(src, tmp_path / "out.parquet")
    with pytest.raises(batch.BatchError, match="cannot tell the format"):
        run(src, tmp_path / "out.txt")


def corpus(n: int) -> list[dict]:
    """n articles of a few sentences each, cycling through the table."""
    t = texts()
    return [{"id": i, "text": " ".join(t[(i + k) % len(t)] for k in range(3))} for i in range(n)]


def test_parts_and_workers_do_not_change_the_output(tmp_path):
    src = write_jsonl(tmp_path / "in.jsonl", corpus(120))
    run(src, tmp_path / "one.jsonl", part_bytes=1 << 30)
    totals = run(src, tmp_path / "many.jsonl", part_bytes=997)  # cuts fall inside lines
    assert totals["parts"] > 20
    run(src, tmp_path / "pool.jsonl", part_bytes=4096, workers=2)
    one = (tmp_path / "one.jsonl").read_bytes()
    assert one.count(b"\n") == 120
    assert (tmp_path / "many.jsonl").read_bytes() == one
    assert (tmp_path / "pool.jsonl").read_bytes() == one
    assert not (tmp_path / "many.jsonl.parts").exists()


def test_a_finished_output_is_not_overwritten_without_restart(tmp_path):
    src = write_jsonl(tmp_path / "in.jsonl", corpus(3))
    run(src, tmp_path / "out.jsonl")
    with pytest.raises(batch.BatchError, match="exists"):
        run(src, tmp_path / "out.jsonl")
    run(src, tmp_path / "out.jsonl", restart=True)


def test_a_run_with_other_options_does_not_resume_an_unfinished_one(tmp_path):
    src = write_jsonl(tmp_path / "in.jsonl", corpus(10))
    plan = batch.make_plan(src, tmp_path / "out.jsonl", batch.Options(), 500)
    batch.prepare(plan, SOURCE.load().version)
    with pytest.raises(batch.BatchError, match="another options"):
        run(src, tmp_path / "out.jsonl", batch.Options(mode="rewrite"), part_bytes=500)


def _cli(*args: str) -> list[str]:
    return [sys.executable, "-m", "glossary", "batch", *args, "--seeds", MINI, "--no-progress"]


def test_a_killed_run_resumes_without_redoing_or_losing_records(tmp_path):
    # Long Chinese and Japanese articles, so the run takes seconds; parts of 4 KB, one worker.
    t = [s for s in texts() if not s.isascii()]
    records = [{"id": i, "text": "".join(t[(i + k) % len(t)] for k in range(20))} for i in range(200)]
    src = write_jsonl(tmp_path / "in.jsonl", records)
    env = {**os.environ, "GLOSSARY_CACHE": str(tmp_path / "cache")}
    args = ["--workers", "1", "--part-size", "4k", "--mode", "rewrite"]
    whole = tmp_path / "whole.jsonl"
    subprocess.run(_cli(str(src), str(whole), *args), env=env, check=True, capture_output=True)

    out = tmp_path / "out.jsonl"
    proc = subprocess.Popen(_cli(str(src), str(out), *args), env=env, stderr=subprocess.PIPE,
                            start_new_session=True)
    parts = out.with_name("out.jsonl.parts")
    deadline = time.monotonic() + 120
    while len(list(parts.glob("*.done.json"))) < 3 and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.01)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    proc.stderr.close()
    done_before = len(list(parts.glob("*.done.json")))
    total = json.loads((parts / "manifest.json").read_text())["parts"]
    assert 3 <= done_before < total and not out.exists()

    resumed = subprocess.run(_cli(str(src), str(out), *args), env=env, check=True, capture_output=True, text=True)
    assert f"resuming: {done_before} of {total} parts already done" in resumed.stderr
    assert f"({total - done_before} of {total} parts in this run" in resumed.stderr
    assert out.read_bytes() == whole.read_bytes()
    assert [r["id"] for r in batch.iter_records(out)] == list(range(200))  # none lost, none twice
    assert not parts.exists()


def test_dask_output_equals_the_single_process_output(tmp_path):
    distributed = pytest.importorskip("distributed")
    src = write_jsonl(tmp_path / "in.jsonl", corpus(80))
    options = batch.Options(mode="rewrite", target="ja")
    run(src, tmp_path / "local.jsonl", options, part_bytes=2048)
    table = pa.table({"id": list(range(40)), "text": [r["text"] for r in corpus(40)]})
    pq.write_table(table, tmp_path / "in.parquet", row_group_size=7)
    run(tmp_path / "in.parquet", tmp_path / "local.parquet", options)
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=False,
                                  dashboard_address=None) as cluster, distributed.Client(cluster) as client:
        def loaded(dask_worker):
            return id(dask_worker.plugins["jcglossary"].glossary)

        totals = run(src, tmp_path / "dask.jsonl", options, part_bytes=2048, client=client)
        first = client.run(loaded)
        run(tmp_path / "in.parquet", tmp_path / "dask.parquet", options, client=client)
        # One glossary a worker, loaded once: the second run on the cluster finds it there.
        assert client.run(loaded) == first and len(set(first.values())) == 2
    assert totals["parts"] > 5
    assert (tmp_path / "dask.jsonl").read_bytes() == (tmp_path / "local.jsonl").read_bytes()
    assert pq.read_table(tmp_path / "dask.parquet").equals(pq.read_table(tmp_path / "local.parquet"))


def test_the_cli_runs_on_a_local_dask_cluster(tmp_path):
    src = write_jsonl(tmp_path / "in.jsonl", corpus(30))
    env = {**os.environ, "GLOSSARY_CACHE": str(tmp_path / "cache")}
    subprocess.run(_cli(str(src), str(tmp_path / "one.jsonl"), "--workers", "1"), env=env, check=True)
    subprocess.run(_cli(str(src), str(tmp_path / "dask.jsonl"), "--dask-local", "2", "--part-size", "2k"),
                   env=env, check=True, capture_output=True)
    assert (tmp_path / "dask.jsonl").read_bytes() == (tmp_path / "one.jsonl").read_bytes()
