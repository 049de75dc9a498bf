"""Where a GET /v1/lookup request's time goes: pyinstrument over the Flask app, in process.

``python -m bench.profile_lookup`` prints the share of time in each layer over 300 requests (cycling
through a few queries, default ``variants=all``); ``--tree`` adds the call tree. Used for the
before/after notes in bench/README.md; not part of ``make bench``'s figures.
"""

from __future__ import annotations

import sys
import time

from pyinstrument import Profiler

from service import create_app

QUERIES = ["Abe Shinzou", "Xi Jinping", "Kishida Fumio", "Wang Yi", "钓鱼岛", "岸田文雄", "Kishda Fumio"]
# Layers, by the frames that enter them: a frame's time is counted once, in the first layer that matches.
LAYERS = [("marshmallow dump (answer)", ("marshmallow/schema.py", "dump")),
          ("JSON encoding", ("json/encoder.py", "iterencode")),
          ("argument parsing (the query schema's load)", ("service/arguments.py", "parse_query")),
          ("lookup itself", ("glossary/index.py", "lookup")),
          ("answer from cached entry JSON", ("service/serialize.py", "lookup_json"))]


def main(n: int = 300) -> None:
    client = create_app().test_client()
    for q in QUERIES:
        client.get("/v1/lookup", query_string={"q": q})
    profiler = Profiler(interval=0.0005)
    started = time.perf_counter()
    profiler.start()
    for i in range(n):
        client.get("/v1/lookup", query_string={"q": QUERIES[i % len(QUERIES)]})
    profiler.stop()
    print(f"{(time.perf_counter() - started) / n * 1000:.3f} ms per request (profiled)")
    session = profiler.last_session
    total = session.duration
    shares = dict.fromkeys((name for name, _ in LAYERS), 0.0)

    def walk(frame, claimed: bool) -> None:
        for name, (file, function) in LAYERS:
            if not claimed and frame.file_path and frame.file_path.endswith(file) and frame.function == function:
                shares[name] += frame.time
                claimed = True
                break
        for child in frame.children:
            walk(child, claimed)

    walk(session.root_frame(), False)
    for name, seconds in shares.items():
        print(f"  {name:32} {seconds / total:6.1%}")
    print(f"  {'the rest (Flask, werkzeug, hooks)':32} {1 - sum(shares.values()) / total:6.1%}")
    if "--tree" in sys.argv:
        print(profiler.output_text(unicode=True, color=False))


if __name__ == "__main__":
    main()
