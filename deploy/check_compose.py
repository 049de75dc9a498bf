"""Run compose.yaml for real and check what it promises (`make compose-check`; needs a Docker engine with the
compose plugin, and h2load for the last step).

    POSTGRES_PASSWORD=... python deploy/check_compose.py [--keep]

1. ``docker compose up --build --wait``: PostgreSQL, three replicas, nginx; the time until all are healthy.
2. Through nginx: the health answer, a normalisation, and which replicas answered a run of lookups.
3. A write through nginx (a merge patch, with a token made in one replica) and, asked of each replica
   directly, how long after the acknowledgement it answers with the new data.
4. One replica stopped (``docker stop``: SIGTERM, as a rolling update does) while h2load sends lookups
   through nginx: every request must still succeed. The replica is started again.
5. ``docker compose down -v`` (the database volume too), unless ``--keep``.

Other images for the three Docker Hub ones come from the environment as compose.yaml reads it (PYTHON_IMAGE,
POSTGRES_IMAGE, NGINX_IMAGE: deploy/README.md). Exits non-zero, saying which check failed, on any failure.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NGINX = "http://127.0.0.1:8080"
ENTRY = "senkaku-islands"


def compose(*args: str, capture: bool = True) -> str:
    done = subprocess.run(["docker", "compose", *args], cwd=ROOT, capture_output=capture, text=True, timeout=900)
    if done.returncode != 0:
        raise SystemExit(f"docker compose {' '.join(args)} failed:\n{done.stderr if capture else ''}")
    return done.stdout if capture else ""


def get(url: str, **headers) -> tuple[dict, dict]:
    with urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=10) as answer:
        return json.load(answer), dict(answer.headers)


def replica_addresses() -> list[str]:
    ids = compose("ps", "-q", "glossary").split()
    return [subprocess.run(["docker", "inspect", "-f", "{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}",
                            cid], capture_output=True, text=True, check=True).stdout.strip() for cid in ids]


def check(condition: bool, what: str) -> None:
    print(("ok   " if condition else "FAIL ") + what, flush=True)
    if not condition:
        raise SystemExit(1)


def up() -> None:
    started = time.perf_counter()
    compose("up", "--build", "--detach", "--wait")
    health, _ = get(f"{NGINX}/v1/health")
    check(health["status"] == "ok" and health["entries"] > 3000,
          f"up --build --wait: healthy after {time.perf_counter() - started:.0f} s, {health['entries']} "
          f"entries, data version {health['data_version']}")
    check(re.fullmatch(r"[0-9a-f]{8}-\d+", health["data_version"]) is not None, "the data version names the store")


def through_nginx() -> None:
    body = json.dumps({"texts": ["岸田文雄首相は習近平国家主席と会談した。"], "target": "en"}).encode()
    request = urllib.request.Request(f"{NGINX}/v1/normalize", data=body, headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=10) as answer:
        text = json.load(answer)["results"][0]["text"]
    check(text == "Fumio Kishida首相はXi Jinping国家主席と会談した。", f"normalised through nginx: {text}")
    hosts = set()
    for _ in range(30):
        _, headers = get(f"{NGINX}/v1/lookup?q=Diaoyutai&variants=none")
        hosts.add(headers.get("X-Request-ID", "")[:20])  # the request id's prefix is drawn once per worker process
    check(len(hosts) >= 3, f"30 lookups answered by {len(hosts)} worker processes")


def write_reaches_every_replica() -> None:
    token = compose("exec", "-T", "--index", "2", "glossary", "python", "-m", "glossary", "token", "create",
                    f"compose-check-{int(time.time())}", "--role", "editor").strip().splitlines()[-1]
    addresses = replica_addresses()
    check(len(addresses) == 3, f"three replicas at {', '.join(addresses)}")
    description = f"Islands in the East China Sea (checked {time.strftime('%H:%M:%S')})."
    seen: dict[str, float] = {}

    def watch(address: str) -> None:
        deadline = time.perf_counter() + 15
        while address not in seen and time.perf_counter() < deadline:
            if get(f"http://{address}:8000/v1/entries/{ENTRY}")[0].get("description") == description:
                seen[address] = time.perf_counter()
            time.sleep(0.02)

    with urllib.request.urlopen(f"{NGINX}/v1/entries/{ENTRY}", timeout=10) as answer:
        etag = answer.headers["ETag"]
    watchers = [threading.Thread(target=watch, args=(a,)) for a in addresses]
    for w in watchers:
        w.start()
    patch = urllib.request.Request(f"{NGINX}/v1/entries/{ENTRY}", method="PATCH",
                                   data=json.dumps({"description": description}).encode(),
                                   headers={"Content-Type": "application/merge-patch+json", "If-Match": etag,
                                            "Authorization": f"Bearer {token}"})
    with urllib.request.urlopen(patch, timeout=10) as answer:
        acknowledged = time.perf_counter()
        status = answer.status
    for w in watchers:
        w.join()
    after = [seen[a] - acknowledged if a in seen else float("inf") for a in addresses]
    check(status == 200 and max(after) < 2, "a write through nginx answered by every replica "
          + ", ".join(f"{s:.2f} s" for s in after) + " after its acknowledgement")


def graceful_stop_under_load() -> None:
    victim = compose("ps", "-q", "glossary").split()[1]
    stopper = threading.Timer(1.0, lambda: subprocess.run(["docker", "stop", victim], capture_output=True))
    stopper.start()
    load = subprocess.run(["h2load", "--h1", "-n", "8000", "-c", "16", "-t", "2",
                           f"{NGINX}/v1/lookup?q=Diaoyutai&variants=none"], capture_output=True, text=True)
    stopper.join()
    summary = re.search(r"requests: (\d+) total, \d+ started, \d+ done, (\d+) succeeded", load.stdout)
    check(summary is not None and summary.group(1) == summary.group(2),
          f"one replica stopped during 8,000 lookups through nginx: {summary.group(2) if summary else '?'} succeeded")
    subprocess.run(["docker", "start", victim], capture_output=True, check=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--keep", action="store_true", help="leave the services running (and the volume)")
    args = parser.parse_args()
    if not os.environ.get("POSTGRES_PASSWORD"):
        raise SystemExit("set POSTGRES_PASSWORD (compose.yaml needs it)")
    try:
        up()
        through_nginx()
        write_reaches_every_replica()
        graceful_stop_under_load()
    finally:
        if not args.keep:
            compose("down", "--volumes")


if __name__ == "__main__":
    sys.exit(main())
