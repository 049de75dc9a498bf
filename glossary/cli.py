"""Command line: look up names, romanise text, show derived variants, normalise text, check the data.

    python -m glossary lookup "Abe Shinzō"
    python -m glossary romanize 习近平 --lang zh
    python -m glossary variants xi-jinping
    python -m glossary normalize --target en FILE...   (or stdin)
    python -m glossary check [SEEDS]        exit 1 if the data has problems
    python -m glossary report [SEEDS]
    python -m glossary token create NAME --role editor|admin    (the token: the last line printed)
    python -m glossary token revoke NAME
    python -m glossary export-seeds DIR      the store (GLOSSARY_DB) written back as seed files
    python -m glossary import-seeds DIR      reviewed seed files into the store, with a report
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from glossary import checks, load_glossary
from glossary.cache import cached_glossary
from glossary.model import ENTRY_TYPES
from glossary.normalize import MODES, NAME_ORDERS, TARGETS
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

    p = sub.add_parser("variants", help="every variant of an entry, curated and derived", parents=[seeds])
    p.add_argument("id", help="an entry id, such as xi-jinping")

    p = sub.add_parser("normalize", help="find and rewrite mentions in text files or stdin", parents=[seeds])
    p.add_argument("files", nargs="*", help="UTF-8 text files (default: stdin)")
    p.add_argument("--target", default="en", choices=list(TARGETS), help="the language to rewrite names in")
    p.add_argument("--mode", default="rewrite", choices=list(MODES),
                   help="rewrite names, annotate them, or list the mentions as JSON")
    p.add_argument("--name-order", default="given-family", choices=list(NAME_ORDERS),
                   help="English order of Japanese and Korean names")

    p = sub.add_parser("check", help="validate the seed data; exit 1 on any problem", parents=[seeds])
    p.add_argument("path", nargs="?", help="seed directory or file (default: --seeds)")
    p.add_argument("--dictionaries", action="store_true",
                   help="also check readings against JMnedict and KANJIDIC (jamdict-data)")
    p = sub.add_parser("report", help="counts per type and language, missing fields", parents=[seeds])
    p.add_argument("path", nargs="?", help="seed directory or file (default: --seeds)")

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
    if args.command in ("token", "export-seeds", "import-seeds"):
        return _store_command(args)
    seeds = getattr(args, "path", None) or getattr(args, "seeds", None) or str(DEFAULT_SEEDS)
    texts = None
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
        print(json.dumps(readings(g, args.text, args.lang), ensure_ascii=False, indent=2))
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
    return 2  # pragma: no cover


def _match_json(m) -> dict:
    return {"id": m.entry.id, "label": m.entry.label, "score": m.score, "matched": m.matched,
            "method": m.method, "ambiguous": m.ambiguous}
