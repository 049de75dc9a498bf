"""Command line: look up names, romanise text, show derived variants, normalise text, check the data.

    python -m glossary lookup "Abe Shinzō"
    python -m glossary romanize 习近平 --lang zh
    python -m glossary variants xi-jinping
    python -m glossary normalize --target en FILE...   (or stdin)
    python -m glossary batch IN.jsonl OUT.jsonl        (or .parquet; see glossary/batch.py)
    python -m glossary check [SEEDS]        exit 1 if the data has problems
    python -m glossary report [SEEDS]
    python -m glossary reference            compile the reference layer (JMnedict, CC-CEDICT) if missing

    python -m glossary export-tbx [FILE]    (also export-csv, export-jsonl; default stdout)
    python -m glossary import-tbx FILE      what the file would change (also import-csv); exit 1 if anything
    python -m glossary token create NAME --role editor|admin    (the token: the last line printed)
    python -m glossary token revoke NAME
    python -m glossary export-seeds DIR      the store (GLOSSARY_DB) written back as seed files
    python -m glossary import-seeds DIR      reviewed seed files into the store, with a report
"""

from __future__ import annotations

import argparse
import contextlib
import json
import logging
import os
import sys
import time
from pathlib import Path

from glossary import checks, interchange, load_glossary
from glossary.cache import cached_glossary
from glossary.model import ENTRY_TYPES
from glossary.normalize import MODES, NAME_ORDERS, OFFSETS, TARGETS
from glossary.readings import readings
from glossary.seeds import DEFAULT_SEEDS, SeedError

MAX_LIMIT = 50


def _limit(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if not 1 <= value <= MAX_LIMIT:
        raise argparse.ArgumentTypeError(f"must be from 1 to {MAX_LIMIT}, got {value}")
    return value


def _parser() -> argparse.ArgumentParser:
    seeds = argparse.ArgumentParser(add_help=False)  # --seeds before or after the subcommand
    seeds.add_argument("--seeds", default=argparse.SUPPRESS, metavar="PATH",
                       help="seed directory or file (default: seeds/)")
    seeds.add_argument("--no-cache", action="store_true", default=argparse.SUPPRESS,
                       help="load and index the seeds afresh, not from the cache (~/.cache/jcglossary)")
    parser = argparse.ArgumentParser(prog="glossary", description=__doc__.split("\n")[0], parents=[seeds])
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND", help="what to do")

    p = sub.add_parser("lookup", help="ranked matches for a name", parents=[seeds])
    p.add_argument("query", help="the name to look up, in any script or spelling")
    p.add_argument("--type", choices=ENTRY_TYPES, help="only entries of this type")
    p.add_argument("--limit", type=_limit, default=5, help=f"at most this many matches (1 to {MAX_LIMIT}; default 5)")
    p.add_argument("--json", action="store_true", help="print JSON instead of a table")

    p = sub.add_parser("romanize", help="romanise Chinese or Japanese text (a glossary name gets its curated reading)",
                       parents=[seeds])
    p.add_argument("text", help="the text to romanise")
    p.add_argument("--lang", default="auto", choices=["auto", "zh", "ja"],
                   help="the language of the text (default: auto, from its script)")
    p.add_argument("--no-reference", action="store_true",
                   help="guess names in no entry instead of reading them from JMnedict or CC-CEDICT")

    p = sub.add_parser("variants", help="every variant of an entry, curated and derived", parents=[seeds])
    p.add_argument("id", help="an entry id, such as xi-jinping")

    p = sub.add_parser("normalize", help="find and rewrite mentions in text files or stdin", parents=[seeds])
    p.add_argument("files", nargs="*", help="UTF-8 text files (default: stdin)")
    p.add_argument("--target", default="en", choices=list(TARGETS), help="the language to rewrite names in")
    p.add_argument("--mode", default="rewrite", choices=list(MODES),
                   help="rewrite names, annotate them, or list the mentions as JSON")
    p.add_argument("--name-order", default="given-family", choices=list(NAME_ORDERS),
                   help="English order of Japanese and Korean names")

    p = sub.add_parser("batch", parents=[seeds],
                       help="normalise an archive: every record of a JSON Lines or Parquet file, on every core "
                            "or a Dask cluster, resumable")
    p.add_argument("input", metavar="IN", help="a .jsonl (.ndjson) or .parquet file, one article a record")
    p.add_argument("output", metavar="OUT", help="where to write the records (same format as IN); an unfinished "
                   "run keeps its work in OUT.parts/ and is taken up where it stopped")
    p.add_argument("--text-field", default="text", metavar="NAME", help="the field holding the text (default: text)")
    p.add_argument("--mentions-field", default="mentions", metavar="NAME",
                   help="the field to write the mentions to (default: mentions)")
    p.add_argument("--output-field", default="normalized_text", metavar="NAME",
                   help="the field to write the rewritten text to, with --mode rewrite or annotate "
                        "(default: normalized_text)")
    p.add_argument("--mode", default="mentions", choices=list(MODES),
                   help="mentions only (default), or also the text rewritten or annotated")
    p.add_argument("--target", default="en", choices=list(TARGETS), help="the language to rewrite names in")
    p.add_argument("--name-order", default="given-family", choices=list(NAME_ORDERS),
                   help="English order of Japanese and Korean names")
    p.add_argument("--offsets", default="codepoint", choices=list(OFFSETS),
                   help="utf16: also give each mention's offsets in UTF-16 code units")
    p.add_argument("--date", help="when the texts were written (YYYY, YYYY-MM or YYYY-MM-DD)")
    p.add_argument("--date-field", metavar="NAME", help="each record's own date, from this field (else --date)")
    p.add_argument("--strict", action="store_true",
                   help="stop at the first bad record (default: skip it and report where it is)")
    p.add_argument("--workers", type=_count, default=os.cpu_count() or 1, metavar="N",
                   help=f"processes on this machine (default: one a core, {os.cpu_count()})")
    p.add_argument("--scheduler", metavar="ADDRESS", help="run on this Dask cluster (tcp://host:8786) instead")
    p.add_argument("--dask-local", type=_count, metavar="N", help="run on a local Dask cluster of N workers")
    p.add_argument("--part-size", type=_size, default="4M", metavar="SIZE",
                   help="JSON Lines input is cut into parts of this size (default 4M), the unit of work and of "
                        "resume; a Parquet file is cut by row group")
    p.add_argument("--restart", action="store_true", help="throw away an unfinished run (or a finished OUT) first")
    p.add_argument("--no-progress", action="store_true", help="no progress bar")

    p = sub.add_parser("check", help="validate the seed data; exit 1 on any problem", parents=[seeds])
    p.add_argument("path", nargs="?", help="seed directory or file (default: --seeds)")
    p.add_argument("--dictionaries", action="store_true",
                   help="also check readings against JMnedict and KANJIDIC (jamdict-data)")
    p = sub.add_parser("report", help="counts per type and language, missing fields", parents=[seeds])
    p.add_argument("path", nargs="?", help="seed directory or file (default: --seeds)")
    # Reference layer (glossary/reference.py): compile the artefact ahead of the service's first use.
    sub.add_parser("reference", help="compile the reference layer (JMnedict, CC-CEDICT) if missing; print its size")


    variants = argparse.ArgumentParser(add_help=False)
    variants.add_argument("--variants", default="all", choices=interchange.VARIANT_CHOICES,
                          help="all names and variants (default), or only the curated ones")
    p = sub.add_parser("export-tbx", help="write the glossary as TBX (ISO 30042, TBX-Basic)",
                       parents=[seeds, variants])
    p.add_argument("file", nargs="?", help="the file to write (default: stdout)")
    p.add_argument("--tbx-version", type=int, default=3, choices=interchange.TBX_VERSIONS,
                   help="3: ISO 30042:2019 (default); 2: the 2008 structure (<martif>) for tools that read only that")
    p = sub.add_parser("export-csv", help="write one CSV row per name and variant", parents=[seeds, variants])
    p.add_argument("file", nargs="?", help="the file to write (default: stdout)")
    p = sub.add_parser("export-jsonl", help="write every entry as one JSON line (seed shape)", parents=[seeds])
    p.add_argument("file", nargs="?", help="the file to write (default: stdout)")
    for fmt in ("tbx", "csv"):
        p = sub.add_parser(f"import-{fmt}", parents=[seeds],
                           help=f"report what a {fmt.upper()} file would add, change and remove (changes nothing)")
        p.add_argument("file", help=f"the {fmt.upper()} file to read")
        p.add_argument("--partial", action="store_true",
                       help="the file holds some entries only: do not propose removing the others")
        p.add_argument("--json", action="store_true", help="print the report as JSON")

    db = argparse.ArgumentParser(add_help=False)
    db.add_argument("--db", metavar="PATH", help="the store (default: $GLOSSARY_DB, else instance/glossary.db; "
                                                  "created from seeds/ if missing)")
    p = sub.add_parser("token", help="create or revoke an API token for writes", parents=[db])
    tokens = p.add_subparsers(dest="action", required=True, metavar="ACTION", help="create or revoke")
    t = tokens.add_parser("create", help="a new token, printed once on the last line (only its hash is kept)",
                          parents=[db])
    t.add_argument("name", help="who uses it (the author in entry history)")
    t.add_argument("--role", required=True, choices=["editor", "admin"],
                   help="editor: create and change entries; admin: also retire and revert")
    t = tokens.add_parser("revoke", help="revoke a token by its name", parents=[db])
    t.add_argument("name", help="the token's name")
    p = sub.add_parser("export-seeds", help="write the store back as seed files", parents=[db])
    p.add_argument("directory", help="where to write the *.yaml files")
    p = sub.add_parser("import-seeds", help="bring reviewed seed files into the store; reports adds, changes "
                                            "and removals", parents=[db])
    p.add_argument("directory", help="the seed directory (or one file)")
    p.add_argument("--dry-run", action="store_true", help="report only; change nothing")
    return parser


def _count(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


def _size(text: str) -> int:
    from glossary.batch import parse_size

    try:
        return parse_size(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _store_command(args) -> int:
    from glossary.curation import export_seeds, import_seeds
    from glossary.store import StoreConflict, StoreUnavailable, open_store

    try:
        store = open_store(args.db)
    except (SeedError, StoreUnavailable) as exc:
        print(exc, file=sys.stderr)
        return 1
    if args.command == "token":
        if args.action == "revoke":
            if not store.revoke_token(args.name):
                print(f"no live token named {args.name!r}", file=sys.stderr)
                return 2
            print(f"revoked the token {args.name!r}")
            return 0
        try:
            token = store.create_token(args.name, args.role)
        except StoreConflict as exc:
            print(exc, file=sys.stderr)
            return 2
        print(f"token for {args.name!r} ({args.role}); it is shown this once, keep it secret:")
        print(token)
        return 0
    if args.command == "export-seeds":
        names = export_seeds(store, args.directory)
        print(f"wrote {len(names)} seed files to {args.directory}")
        return 0
    try:
        report = import_seeds(store, args.directory, dry_run=args.dry_run)
    except SeedError as exc:
        print(exc, file=sys.stderr)
        return 1
    for line in report.lines():
        print(line)
    if args.dry_run:
        print("(dry run: nothing changed)")
    return 0


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.command == "reference":
        from glossary.reference import ReferenceLayer, ensure_artefact

        started = time.perf_counter()
        _, compiled = ensure_artefact()
        stats = {**ReferenceLayer().stats(), "compiled_now": compiled,
                 "seconds": round(time.perf_counter() - started, 2)}
        print(json.dumps(stats, indent=2))
        return 0
    if args.command in ("token", "export-seeds", "import-seeds"):
        return _store_command(args)
    seeds = getattr(args, "path", None) or getattr(args, "seeds", None) or str(DEFAULT_SEEDS)
    if args.command == "batch":
        return _batch(args, seeds)
    texts = None
    if args.command.startswith("import-") and not Path(args.file).is_file():
        print(f"glossary {args.command}: no such file: {args.file}", file=sys.stderr)
        return 2
    if args.command == "normalize" and args.files:
        try:
            texts = [Path(f).read_text(encoding="utf-8") for f in args.files]
        except (OSError, UnicodeDecodeError) as exc:
            print(f"glossary normalize: cannot read {getattr(exc, 'filename', None) or 'a file'}: "
                  f"{exc.strerror if isinstance(exc, OSError) else exc}", file=sys.stderr)
            return 2
    started = time.perf_counter()
    try:
        # `check` validates the files every time; the other commands may use the cached index.
        use_cache = args.command not in ("check",) and not getattr(args, "no_cache", False)
        g = cached_glossary(seeds) if use_cache else load_glossary(seeds)
    except SeedError as exc:
        print(exc, file=sys.stderr)
        return 1
    loaded = time.perf_counter() - started

    if args.command == "lookup":
        matches = g.lookup(args.query, type=args.type, limit=args.limit)
        if args.json:
            print(json.dumps([_match_json(m) for m in matches], ensure_ascii=False, indent=2))
        elif not matches:
            print("no match")
        for m in [] if args.json else matches:
            flag = "  (ambiguous)" if m.ambiguous else ""
            print(f"{m.score:.2f}  {m.entry.id:32} {m.entry.label}  <- {m.matched!r} [{m.method}]{flag}")
        return 0 if matches else 2
    if args.command == "romanize":
        from glossary.reference import ReferenceLayer

        layer = None if args.no_reference else ReferenceLayer()
        print(json.dumps(readings(g, args.text, args.lang, layer), ensure_ascii=False, indent=2))
        return 0
    if args.command == "variants":
        if args.id not in g.entries:
            print(f"unknown entry id {args.id!r}", file=sys.stderr)
            return 2
        for v in g.variants_of(args.id):
            how = f"  ({v.method} from {v.derived_from!r})" if v.origin == "derived" else ""
            print(f"{v.origin:8} {v.lang:18} {v.kind:14} {v.name}{how}")
        return 0
    if args.command == "normalize":
        from glossary.normalize import normalize_text

        for text in texts or [sys.stdin.read()]:
            result = normalize_text(g, text, target=args.target, mode=args.mode, name_order=args.name_order)
            if args.mode == "mentions":
                print(json.dumps(result.as_dict()["mentions"], ensure_ascii=False, indent=2))
            else:
                sys.stdout.write(result.text)
        return 0
    if args.command == "check":
        problems = checks.run_checks(g, dictionaries=args.dictionaries)
        for p in problems:
            print(p)
        print(f"{len(g.entries)} entries, {len(g.variants)} variants, {len(problems)} problem(s); "
              f"loaded and indexed in {loaded:.2f}s", file=sys.stderr)
        return 1 if problems else 0
    if args.command == "report":
        print(json.dumps(checks.report(g), ensure_ascii=False, indent=2))
        return 0
    if args.command.startswith("export-"):
        return _export(g, args)
    if args.command.startswith("import-"):
        return _import(g, args)
    return 2  # pragma: no cover


def _batch(args, seeds: str) -> int:
    try:
        from glossary import batch
    except ImportError as exc:  # pragma: no cover - the batch extra is not installed
        print(f"glossary batch needs the batch extra (pip install 'jcglossary[batch]'): {exc}", file=sys.stderr)
        return 2
    if args.scheduler and args.dask_local:
        print("glossary batch: give --scheduler or --dask-local, not both", file=sys.stderr)
        return 2
    client = cluster = None
    try:
        options = batch.Options(text_field=args.text_field, mentions_field=args.mentions_field,
                                output_field=args.output_field, target=args.target, mode=args.mode,
                                name_order=args.name_order, offsets=args.offsets, date=args.date,
                                date_field=args.date_field, strict=args.strict)
        source = batch.GlossarySource(str(Path(seeds).resolve()), cache=not getattr(args, "no_cache", False))
        if args.scheduler or args.dask_local:
            from distributed import Client, LocalCluster

            if args.dask_local:
                # One thread a worker: normalising is Python code, which holds the GIL.
                cluster = LocalCluster(n_workers=args.dask_local, threads_per_worker=1, dashboard_address=None,
                                       silence_logs=logging.ERROR)
            client = Client(cluster or args.scheduler)
        batch.run(Path(args.input), Path(args.output), options, source, workers=args.workers, client=client,
                  part_bytes=args.part_size, restart=args.restart, progress=not args.no_progress)
    except (batch.BatchError, SeedError) as exc:
        print(f"glossary batch: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print(f"glossary batch: interrupted; run the same command again to finish ({args.output}.parts/ holds "
              "the parts done)", file=sys.stderr)
        return 130
    finally:
        if client is not None:
            client.close()
        if cluster is not None:
            cluster.close()
    return 0



def _export(g, args) -> int:
    if args.command == "export-tbx":
        chunks = interchange.iter_tbx(g, version=args.tbx_version, variants=args.variants)
    elif args.command == "export-csv":
        chunks = interchange.iter_csv(g, variants=args.variants)
    else:
        chunks = interchange.iter_jsonl(g)
    try:
        out = open(args.file, "wb") if args.file else sys.stdout.buffer
    except OSError as exc:
        print(f"glossary {args.command}: cannot write {args.file}: {exc.strerror}", file=sys.stderr)
        return 2
    with out if args.file else contextlib.nullcontext():
        for chunk in interchange.as_bytes(chunks):
            out.write(chunk)
    return 0


def _import(g, args) -> int:
    """Exit 0 when the file would change nothing, 1 when it proposes changes or has problems, 2 if unreadable."""
    try:
        if args.command == "import-tbx":
            report = interchange.read_tbx(g, args.file, partial=args.partial)
        else:
            with open(args.file, encoding="utf-8-sig", newline="") as f:
                report = interchange.read_csv(g, f, partial=args.partial)
    except (interchange.UnreadableFile, UnicodeDecodeError, OSError) as exc:
        print(f"glossary {args.command}: {args.file}: {exc}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(report.as_dict(), ensure_ascii=False, indent=2))
    else:
        sys.stdout.write(report.text())
    return 0 if report.no_change else 1


def _match_json(m) -> dict:
    return {"id": m.entry.id, "label": m.entry.label, "score": m.score, "matched": m.matched,
            "method": m.method, "ambiguous": m.ambiguous}
