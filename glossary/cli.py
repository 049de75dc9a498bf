"""Command line: look up names, romanise text, show derived variants, normalise text, check the data.

    python -m glossary lookup "Abe Shinzō"
    python -m glossary romanize 习近平 --lang zh
    python -m glossary variants xi-jinping
    python -m glossary normalize --target en FILE...   (or stdin)
    python -m glossary check [SEEDS]        exit 1 if the data has problems
    python -m glossary report [SEEDS]
"""

from __future__ import annotations

import argparse
import json
import sys
import time

from glossary import checks, load_glossary
from glossary.romanize import romanize
from glossary.seeds import DEFAULT_SEEDS, SeedError


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="glossary", description=__doc__.split("\n")[0])
    parser.add_argument("--seeds", default=str(DEFAULT_SEEDS), help="seed directory or file (default: seeds/)")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("lookup", help="ranked matches for a name")
    p.add_argument("query")
    p.add_argument("--type")
    p.add_argument("--limit", type=int, default=5)
    p.add_argument("--json", action="store_true")

    p = sub.add_parser("romanize", help="romanise Chinese or Japanese text")
    p.add_argument("text")
    p.add_argument("--lang", default="auto", choices=["auto", "zh", "ja"])

    p = sub.add_parser("variants", help="every variant of an entry, curated and derived")
    p.add_argument("id")

    p = sub.add_parser("normalize", help="find and rewrite mentions in text files or stdin")
    p.add_argument("files", nargs="*")
    p.add_argument("--target", default="en", choices=["en", "zh-Hans", "zh-Hant", "ja"])
    p.add_argument("--mode", default="rewrite", choices=["rewrite", "annotate", "mentions"])
    p.add_argument("--name-order", default="given-family", choices=["given-family", "family-given"])

    p = sub.add_parser("check", help="validate the seed data; exit 1 on any problem")
    p.add_argument("path", nargs="?")
    p.add_argument("--dictionaries", action="store_true",
                   help="also check readings against JMnedict and KANJIDIC (jamdict-data)")
    p = sub.add_parser("report", help="counts per type and language, missing fields")
    p.add_argument("path", nargs="?")

    args = parser.parse_args(argv)
    seeds = getattr(args, "path", None) or args.seeds
    started = time.perf_counter()
    try:
        g = load_glossary(seeds)
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
        print(json.dumps(romanize(args.text, args.lang), ensure_ascii=False, indent=2))
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

        texts = [open(f, encoding="utf-8").read() for f in args.files] if args.files else [sys.stdin.read()]
        for text in texts:
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
