"""Normalising an archive: JSON Lines or Parquet in, the same records with their mentions out.

``python -m glossary batch IN OUT`` (see :func:`run`). Each record gets what ``POST /v1/normalize``
answers for its text (:meth:`glossary.normalize.NormalizeResult.answer`, the one function both use): the
mentions, and with ``--mode rewrite`` or ``annotate`` the rewritten text.

How the work is cut, so that it streams, spreads over cores or machines, and resumes:

1. The input is cut into *parts* before anything is read: byte ranges of a JSON Lines file (a record
   belongs to the part its line starts in, so a part can be read on its own by seeking) or the row groups
   of a Parquet file. The plan is written to ``OUT.parts/manifest.json`` with the input's size and
   modification time, the options and the glossary's data version.
2. A worker reads one part at a time, record by record, and writes its output to ``OUT.parts/``: under
   a temporary name, then renamed, then a small marker (``NNNNNN.done.json``: records read and written,
   the records skipped and why). A part with its marker is finished; anything else in ``OUT.parts/`` is
   a leftover of an interrupted run.
3. A run that finds ``OUT.parts/`` with the same manifest does only the parts without a marker. When
   every part is done, the parts are joined in order into ``OUT`` (written aside, then renamed) and
   ``OUT.parts/`` is removed. The output is the same however many workers, machines or interruptions
   it took.

Workers: this process alone (``workers=1``); a pool of processes forked from it once it has loaded the
glossary and built the text scanner, which they then share; or the workers of a Dask cluster, each of
which loads the glossary once when it joins (:mod:`glossary.batch_dask`).

Bad records (a line that is not JSON or not an object, a missing text field, a text that is not a
string or holds lone surrogates, a bad date) are skipped and reported with where they are (byte offset of
the line, or row number); ``strict`` stops the run at the first one instead. A problem with the whole
input (not JSON Lines or Parquet, no such Parquet column, a text column that is not text) stops the run
before it starts.

Memory stays constant: a worker holds one record (JSON Lines) or one batch of 1,024 rows (Parquet) at a
time, and the parent holds only the list of parts.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path

from glossary.index import Glossary
from glossary.normalize import DATE_PATTERN, MODES, NAME_ORDERS, OFFSETS, TARGETS, normalize_text

FORMATS = {".jsonl": "jsonl", ".ndjson": "jsonl", ".json": "jsonl", ".parquet": "parquet", ".pq": "parquet"}
DEFAULT_PART_BYTES = 4 << 20
MIN_PART_BYTES = 64 << 10
PARQUET_BATCH_ROWS = 1024
MAX_REPORTED = 20  # rejected records listed per part (all are counted)
_DATE_RE = re.compile(DATE_PATTERN)
_SURROGATE_RE = re.compile("[\ud800-\udfff]")


class BatchError(Exception):
    """A problem that stops the run: bad options, an unreadable input, a bad record under ``strict``."""


class BadRecord(ValueError):
    """One record that cannot be normalised; it is skipped (or stops the run under ``strict``)."""


@dataclass(frozen=True)
class Options:
    """What to do with each record; the same options as ``POST /v1/normalize``, plus where the fields are."""

    text_field: str = "text"
    mentions_field: str = "mentions"
    output_field: str = "normalized_text"  # the rewritten text, with mode rewrite or annotate
    target: str = "en"
    mode: str = "mentions"
    name_order: str = "given-family"
    offsets: str = "codepoint"
    date: str | None = None
    date_field: str | None = None
    strict: bool = False

    def __post_init__(self):
        for value, allowed, what in ((self.target, TARGETS, "target"), (self.mode, MODES, "mode"),
                                     (self.name_order, NAME_ORDERS, "name order"),
                                     (self.offsets, OFFSETS, "offsets")):
            if value not in allowed:
                raise BatchError(f"unknown {what} {value!r}; use one of {', '.join(allowed)}")
        if self.date is not None and not _DATE_RE.match(self.date):
            raise BatchError(f"bad date {self.date!r}: use YYYY, YYYY-MM or YYYY-MM-DD")
        names = [self.text_field, self.mentions_field] + ([self.output_field] if self.rewrites else [])
        if len(set(names)) != len(names):
            raise BatchError("the text, mentions and output fields must have different names")

    @property
    def rewrites(self) -> bool:
        return self.mode != "mentions"


@dataclass(frozen=True)
class GlossarySource:
    """Where a worker loads the glossary from: a seed path, through the index cache unless told not to."""

    seeds: str
    cache: bool = True

    def load(self, warm: bool = True) -> Glossary:
        from glossary import load_glossary
        from glossary.cache import cached_glossary
        from glossary.normalize import matcher_for

        glossary = cached_glossary(self.seeds) if self.cache else load_glossary(self.seeds)
        if warm:
            matcher_for(glossary).boundaries.warm_up()  # the scanner and word lexicons, before the first part
        return glossary


@dataclass(frozen=True)
class Part:
    index: int
    start: int  # JSON Lines: byte offset; Parquet: row group
    stop: int  # JSON Lines: byte offset (exclusive); Parquet: row group + 1
    size: int  # bytes (JSON Lines) or rows (Parquet), for the progress bar
    first_row: int = 0  # Parquet: the number of the row group's first row in the file


@dataclass(frozen=True)
class Job:
    """What every part of one run shares; small, as it travels with each task."""

    source: str
    format: str
    parts_dir: str
    options: Options


@dataclass
class Plan:
    job: Job
    parts: list[Part]
    unit: str  # "B" (JSON Lines: progress in bytes) or "rows"
    manifest: dict = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(p.size for p in self.parts)


# -- one record -------------------------------------------------------------------------------------


def normalize_record(glossary: Glossary, record: object, options: Options) -> dict:
    """The record with its mentions (and rewritten text) added: exactly what the API answers for its text."""
    if not isinstance(record, dict):
        raise BadRecord(f"not a JSON object but {type(record).__name__}")
    if options.text_field not in record:
        raise BadRecord(f"no field {options.text_field!r}")
    text = record[options.text_field]
    if not isinstance(text, str):
        raise BadRecord(f"field {options.text_field!r} is {_kind(text)}, not a string")
    if _SURROGATE_RE.search(text):
        raise BadRecord(f"field {options.text_field!r} holds lone surrogate code points (not valid Unicode)")
    answer = normalize_text(glossary, text, target=options.target, mode=options.mode,
                            name_order=options.name_order, utf16=options.offsets == "utf16",
                            date=_record_date(record, options)).answer()
    record[options.mentions_field] = answer["mentions"]
    if options.rewrites:
        record[options.output_field] = answer["text"]
    return record


def _record_date(record: dict, options: Options) -> str | None:
    if options.date_field is None or record.get(options.date_field) is None:
        return options.date
    value = record[options.date_field]
    if not isinstance(value, str) or not _DATE_RE.match(value[:10]):
        raise BadRecord(f"field {options.date_field!r} is not a date (YYYY, YYYY-MM or YYYY-MM-DD...)")
    return value[:10]  # a timestamp's date ("2024-05-01T09:00:00Z")


def _kind(value: object) -> str:
    return "null" if value is None else type(value).__name__


# -- planning -------------------------------------------------------------------------------------


def input_format(path: Path) -> str:
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise BatchError(f"{path}: cannot tell the format from the name; use .jsonl (.ndjson, .json: JSON Lines) "
                         "or .parquet")
    return fmt


def make_plan(source: Path, out: Path, options: Options, part_bytes: int = DEFAULT_PART_BYTES) -> Plan:
    """Cut the input into parts (nothing is read but a Parquet file's footer)."""
    fmt = input_format(source)
    if input_format(out) != fmt:
        raise BatchError(f"{out}: the output is written in the input's format ({fmt}); name it accordingly")
    try:
        stat = source.stat()
    except OSError as exc:
        raise BatchError(f"cannot read {source}: {exc.strerror}") from None
    parts_dir = str(parts_dir_of(out))
    if fmt == "jsonl":
        job = Job(str(source.resolve()), fmt, parts_dir, options)
        size = stat.st_size
        bounds = list(range(0, size, part_bytes)) + [size]
        parts = [Part(i, a, b, b - a) for i, (a, b) in enumerate(zip(bounds, bounds[1:], strict=False))]
        unit = "B"
    else:
        meta = _parquet_meta(source, options)
        rows = [meta.row_group(i).num_rows for i in range(meta.num_row_groups)]
        job = Job(str(source.resolve()), fmt, parts_dir, options)
        parts = [Part(i, i, i + 1, n, sum(rows[:i])) for i, n in enumerate(rows)]
        unit = "rows"
    manifest = {"input": job.source, "format": fmt, "size": stat.st_size, "mtime_ns": stat.st_mtime_ns,
                "part_bytes": part_bytes if fmt == "jsonl" else None, "parts": len(parts),
                "options": asdict(options)}
    return Plan(job, parts, unit, manifest)


def parts_dir_of(out: Path) -> Path:
    return out.with_name(out.name + ".parts")


def _parquet_meta(source: Path, options: Options):
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        pf = pq.ParquetFile(source)
    except (OSError, pa.ArrowException) as exc:
        raise BatchError(f"{source}: not a readable Parquet file ({exc})") from None
    schema = pf.schema_arrow
    if options.text_field not in schema.names:
        raise BatchError(f"{source}: no column {options.text_field!r} (columns: {', '.join(schema.names)})")
    kind = schema.field(options.text_field).type
    if not (pa.types.is_string(kind) or pa.types.is_large_string(kind)):
        raise BatchError(f"{source}: column {options.text_field!r} is {kind}, not text")
    if options.date_field and options.date_field in schema.names:
        dtype = schema.field(options.date_field).type
        if not (pa.types.is_string(dtype) or pa.types.is_large_string(dtype)):
            raise BatchError(f"{source}: date column {options.date_field!r} is {dtype}; give dates as text")
    return pf.metadata


# -- one part -------------------------------------------------------------------------------------


def process_part(glossary: Glossary, job: Job, part: Part) -> dict:
    """Normalise one part into ``parts_dir`` and mark it done; the marker is returned."""
    started, cpu = time.perf_counter(), time.process_time()
    parts_dir = Path(job.parts_dir)
    final = parts_dir / f"{part.index:06d}.{job.format}"
    tmp = parts_dir / f".{part.index:06d}.{os.getpid()}.tmp"
    counts = {"read": 0, "written": 0, "skipped": 0, "text_bytes": 0}
    rejects: list[dict] = []

    def reject(where: str, problem: str) -> None:
        if job.options.strict:
            raise BatchError(f"{job.source}: {where}: {problem} (stopped by --strict)")
        counts["skipped"] += 1
        if len(rejects) < MAX_REPORTED:
            rejects.append({"where": where, "problem": problem})

    try:
        if job.format == "jsonl":
            _jsonl_part(glossary, job, part, tmp, counts, reject)
        else:
            _parquet_part(glossary, job, part, tmp, counts, reject)
        os.replace(tmp, final)
    finally:
        tmp.unlink(missing_ok=True)
    marker = {"part": part.index, "size": part.size, **counts, "rejects": rejects,
              "seconds": round(time.perf_counter() - started, 3), "cpu_seconds": round(time.process_time() - cpu, 3)}
    _write_atomic(parts_dir / f"{part.index:06d}.done.json", json.dumps(marker, ensure_ascii=False).encode())
    return marker


def _jsonl_part(glossary: Glossary, job: Job, part: Part, tmp: Path, counts: dict, reject: Callable) -> None:
    options = job.options
    with open(job.source, "rb") as src, open(tmp, "wb") as dst:
        for offset, line in _lines(src, part.start, part.stop):
            if not line.strip():
                continue  # blank lines (a trailing newline) are not records
            counts["read"] += 1
            where = f"line at byte {offset}"
            try:
                record = json.loads(line)
            except ValueError as exc:  # bad JSON, or bytes that are not UTF-8
                reject(where, f"not JSON ({exc})")
                continue
            try:
                record = normalize_record(glossary, record, options)
            except BadRecord as exc:
                reject(where, str(exc))
                continue
            counts["text_bytes"] += len(record[options.text_field].encode("utf-8", "surrogatepass"))
            dst.write(json.dumps(record, ensure_ascii=False).encode("utf-8", "surrogatepass") + b"\n")
            counts["written"] += 1
        dst.flush()
        os.fsync(dst.fileno())


def _lines(src, start: int, stop: int) -> Iterator[tuple[int, bytes]]:
    """The lines that start in [start, stop), with their offsets; the last may run past ``stop``."""
    if start > 0:
        src.seek(start - 1)
        src.readline()  # the rest of the line that began before this part (just "\n" if one ends at start - 1)
    offset = src.tell()
    while offset < stop:
        line = src.readline()
        if not line:
            return
        yield offset, line
        offset += len(line)


def mention_type():
    """The Arrow type of a mention in Parquet output: every field of the API's mention (absent ones null)."""
    import pyarrow as pa

    text, number = pa.string(), pa.int64()
    return pa.struct([("start", number), ("end", number), ("surface", text), ("entry_id", text),
                      ("canonical", text), ("resolution", text), ("matched", text), ("variant_kind", text),
                      ("variant_origin", text), ("candidates", pa.list_(text)), ("start_utf16", number),
                      ("end_utf16", number)])


def output_schema(schema, options: Options):
    """The input's Arrow schema with the mentions (and rewritten text) columns set or added at the end."""
    import pyarrow as pa

    types = [pa.list_(mention_type()), pa.string()]
    for f in (pa.field(name, kind) for name, kind in zip(_added(options), types, strict=False)):
        i = schema.get_field_index(f.name)
        schema = schema.set(i, f) if i >= 0 else schema.append(f)
    return schema


def _parquet_part(glossary: Glossary, job: Job, part: Part, tmp: Path, counts: dict, reject: Callable) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    options = job.options
    pf = pq.ParquetFile(job.source)
    schema = output_schema(pf.schema_arrow, options)
    row = part.first_row
    with pq.ParquetWriter(tmp, schema) as writer:
        for batch in pf.iter_batches(batch_size=PARQUET_BATCH_ROWS, row_groups=[part.start]):
            texts = batch.column(options.text_field).to_pylist()
            dates = (batch.column(options.date_field).to_pylist()
                     if options.date_field and options.date_field in batch.schema.names else None)
            keep, mentions, rewritten = [], [], []
            for i, text in enumerate(texts):
                counts["read"] += 1
                record = {options.text_field: text}
                if dates is not None:
                    record[options.date_field] = dates[i]
                try:
                    normalize_record(glossary, record, options)
                except BadRecord as exc:
                    reject(f"row {row + i}", str(exc))
                    continue
                keep.append(i)
                counts["text_bytes"] += len(text.encode("utf-8"))
                mentions.append(record[options.mentions_field])
                if options.rewrites:
                    rewritten.append(record[options.output_field])
            row += batch.num_rows
            table = pa.Table.from_batches([batch]).take(pa.array(keep, pa.int64()))
            new = [pa.array(mentions, schema.field(options.mentions_field).type)]
            if options.rewrites:
                new.append(pa.array(rewritten, pa.string()))
            for column, f in zip(new, _added(options), strict=True):
                i = table.schema.get_field_index(f)
                table = table.set_column(i, f, column) if i >= 0 else table.append_column(f, column)
            writer.write_table(table.cast(schema))
            counts["written"] += len(keep)


def _added(options: Options) -> list[str]:
    return [options.mentions_field] + ([options.output_field] if options.rewrites else [])


def _write_atomic(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)


# -- the run --------------------------------------------------------------------------------------


def prepare(plan: Plan, glossary_version: str, restart: bool = False) -> list[Part]:
    """Start ``OUT.parts/`` or take up the interrupted run it holds; the parts still to do."""
    parts_dir = Path(plan.job.parts_dir)
    manifest = {**plan.manifest, "glossary_version": glossary_version}
    file = parts_dir / "manifest.json"
    if restart and parts_dir.exists():
        shutil.rmtree(parts_dir)
    if file.exists():
        before = json.loads(file.read_text(encoding="utf-8"))
        changed = [k for k in manifest if before.get(k) != manifest[k]]
        if changed:
            raise BatchError(f"{parts_dir} holds an unfinished run with another {', '.join(changed)}; "
                             "run it again as it was, or pass --restart to start over")
    else:
        parts_dir.mkdir(parents=True, exist_ok=True)
        _write_atomic(file, json.dumps(manifest, ensure_ascii=False, indent=2).encode())
    for leftover in parts_dir.glob(".*.tmp"):
        leftover.unlink(missing_ok=True)  # a part or marker an interrupted run did not finish
    return [p for p in plan.parts if not (parts_dir / f"{p.index:06d}.done.json").exists()]


def markers(plan: Plan) -> list[dict]:
    parts_dir = Path(plan.job.parts_dir)
    return [json.loads((parts_dir / f"{p.index:06d}.done.json").read_text(encoding="utf-8")) for p in plan.parts]


def join_parts(plan: Plan, out: Path) -> None:
    """Join the finished parts in order into ``out`` (written aside, then renamed), then remove them."""
    parts_dir = Path(plan.job.parts_dir)
    tmp = out.with_name(f".{out.name}.joining")
    files = [parts_dir / f"{p.index:06d}.{plan.job.format}" for p in plan.parts]
    if plan.job.format == "jsonl":
        with open(tmp, "wb") as dst:
            for f in files:
                with open(f, "rb") as src:
                    shutil.copyfileobj(src, dst, 1 << 20)
            dst.flush()
            os.fsync(dst.fileno())
    else:
        import pyarrow.parquet as pq

        schema = output_schema(pq.ParquetFile(plan.job.source).schema_arrow, plan.job.options)
        with pq.ParquetWriter(tmp, schema) as writer:
            for f in files:
                pf = pq.ParquetFile(f)
                for i in range(pf.num_row_groups):
                    writer.write_table(pf.read_row_group(i))
    os.replace(tmp, out)
    shutil.rmtree(parts_dir)


# The glossary of a local pool's worker process, set once when the process starts.
_worker_glossary: list[Glossary] = []


def _init_worker(glossary: Glossary) -> None:
    _worker_glossary[:] = [glossary]


def _pool_task(job: Job, part: Part) -> dict:
    return process_part(_worker_glossary[0], job, part)


def run_local(glossary: Glossary, job: Job, todo: list[Part], workers: int) -> Iterator[dict]:
    """The parts done by this process (one worker) or a pool of processes; markers as parts finish.

    The pool's processes are forked here, before the progress bar starts a thread, from this process with
    its glossary and text scanner built: they share them (copy-on-write) instead of building each its own.
    """
    if workers <= 1 or len(todo) <= 1:
        return (process_part(glossary, job, part) for part in todo)
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    context = multiprocessing.get_context("fork")
    pool = ProcessPoolExecutor(min(workers, len(todo)), mp_context=context, initializer=_init_worker,
                               initargs=(glossary,))
    futures = [pool.submit(_pool_task, job, part) for part in todo]  # forks every worker now
    return _finished(futures, pool)


def _finished(futures, pool) -> Iterator[dict]:
    from concurrent.futures import as_completed

    try:
        for future in as_completed(futures):
            yield future.result()
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def run(source: Path, out: Path, options: Options, glossary_source: GlossarySource, *, workers: int = 1,
        client=None, part_bytes: int = DEFAULT_PART_BYTES, restart: bool = False, progress: bool = True,
        log: Callable[[str], None] | None = None) -> dict:
    """Normalise every record of ``source`` into ``out``; resumes an interrupted run. Returns the totals.

    ``log`` gets each report line (skipped records, resuming, the summary); default: standard error, above
    the progress bar.
    """
    if out.exists() and not parts_dir_of(out).exists() and not restart:
        raise BatchError(f"{out} exists (a finished run); remove it, or pass --restart to write it again")
    if source.resolve() == out.resolve():
        raise BatchError("the output must not be the input")
    manifest = parts_dir_of(out) / "manifest.json"
    before = json.loads(manifest.read_text(encoding="utf-8")) if manifest.exists() and not restart else {}
    if before.get("part_bytes"):
        part_bytes = before["part_bytes"]  # a resumed run keeps the cut of the run it resumes
    elif source.exists():
        # Enough parts for every worker to have several (a small file is not one part on one core).
        slots = len(client.scheduler_info()["workers"]) if client is not None else workers
        part_bytes = min(part_bytes, max(MIN_PART_BYTES, source.stat().st_size // (4 * max(slots, 1)) + 1))
    plan = make_plan(source, out, options, part_bytes)
    glossary = glossary_source.load(warm=client is None)  # a Dask run only needs its data version here
    todo = prepare(plan, glossary.version, restart)
    started = time.perf_counter()
    done = plan.total - sum(p.size for p in todo)
    report = log or _stderr
    if done:
        report(f"resuming: {len(plan.parts) - len(todo)} of {len(plan.parts)} parts already done")
    if client is not None:
        from glossary.batch_dask import run_dask

        stream = run_dask(client, glossary_source, glossary.version, plan.job, todo)
    else:
        stream = run_local(glossary, plan.job, todo, workers)
    bar = _progress_bar(plan, done) if progress else None
    say = (lambda line: bar.write(line, file=sys.stderr)) if bar is not None and log is None else report
    articles = 0
    try:
        for marker in stream:
            for r in marker["rejects"]:
                say(f"skipped {r['where']}: {r['problem']}")
            if marker["skipped"] > len(marker["rejects"]):
                say(f"skipped {marker['skipped'] - len(marker['rejects'])} more records in part {marker['part']}")
            articles += marker["written"]
            if bar is not None:
                elapsed = max(time.perf_counter() - started, 1e-9)
                bar.set_postfix_str(f"{articles / elapsed:,.0f} articles/s", refresh=False)
                bar.update(marker["size"])
    finally:
        stream.close()  # stops a pool or cancels the cluster's tasks when the run stops early
        if bar is not None:
            bar.close()
    seconds = time.perf_counter() - started
    totals = {k: sum(m[k] for m in markers(plan)) for k in ("read", "written", "skipped", "text_bytes", "cpu_seconds")}
    join_parts(plan, out)
    totals.update(parts=len(plan.parts), seconds=seconds, this_run_articles=articles)
    report(f"{out}: {totals['written']:,} records written, {totals['skipped']:,} skipped"
           f" ({len(todo)} of {len(plan.parts)} parts in this run, {seconds:.1f}s)")
    return totals


def _stderr(line: str) -> None:
    print(line, file=sys.stderr)


def _progress_bar(plan: Plan, done: int):
    from tqdm import tqdm

    name = Path(plan.job.source).name
    if plan.unit == "B":
        return tqdm(total=plan.total, initial=done, unit="B", unit_scale=True, unit_divisor=1024, desc=name,
                    file=sys.stderr, smoothing=0.1)
    return tqdm(total=plan.total, initial=done, unit=" articles", unit_scale=True, desc=name, file=sys.stderr,
                smoothing=0.1)


def parse_size(text: str) -> int:
    """"4M", "512k", "1G" or a number of bytes."""
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([kKmMgG]?)i?[bB]?\s*", text)
    if not match:
        raise ValueError(f"{text!r} is not a size (such as 4M, 512k or 1048576)")
    value = float(match.group(1)) * {"": 1, "k": 1 << 10, "m": 1 << 20, "g": 1 << 30}[match.group(2).lower()]
    if value < 1:
        raise ValueError(f"{text!r} is too small")
    return int(value)


def iter_records(path: Path) -> Iterable[dict]:
    """The records of a JSON Lines or Parquet file, one at a time (for tests and small tools)."""
    if input_format(path) == "jsonl":
        with open(path, "rb") as fh:
            for line in fh:
                if line.strip():
                    yield json.loads(line)
    else:
        import pyarrow.parquet as pq

        for batch in pq.ParquetFile(path).iter_batches(batch_size=PARQUET_BATCH_ROWS):
            yield from batch.to_pylist()
