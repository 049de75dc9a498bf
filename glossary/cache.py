"""A cache of the indexed glossary for the command line: loading and validating seeds/ takes seconds of CPU,
unpickling the index a fraction of one.

The cache file is named by a hash of the seed files and of this package's source, so an edit to either
makes a new one; it lives in ``$GLOSSARY_CACHE`` or ``~/.cache/jcglossary`` and is only ever read by the
user who wrote it.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import sys
import tempfile
from pathlib import Path

from glossary.index import Glossary
from glossary.seeds import DEFAULT_SEEDS, seed_files

PACKAGE = Path(__file__).resolve().parent


def cache_dir() -> Path:
    return Path(os.environ.get("GLOSSARY_CACHE") or Path.home() / ".cache" / "jcglossary")


def code_digest() -> hashlib._Hash:
    """A hash of this package's source and the Python version: what a pickled index depends on besides
    its data (a class that changed its fields must not meet an old pickle of itself)."""
    digest = hashlib.sha256(sys.version.encode())
    for f in sorted(PACKAGE.rglob("*.py")):
        digest.update(f.read_bytes())
    return digest


def _key(path: Path | str) -> str | None:
    files = seed_files(path) if Path(path).exists() else []
    if not files:
        return None
    digest = code_digest()
    for f in files:
        digest.update(str(f.resolve()).encode() + b"\0" + f.read_bytes())
    return digest.hexdigest()[:24]


def cached_glossary(path: Path | str = DEFAULT_SEEDS) -> Glossary:
    """The glossary of ``path``, from the cache when its seeds and code are unchanged (else loaded and cached)."""
    from glossary import load_glossary

    key = _key(path)
    if key is None:
        return load_glossary(path)  # raises the SeedError that says what is missing
    file = cache_dir() / f"glossary-{key}.pickle"
    try:
        with open(file, "rb") as fh:
            return pickle.load(fh)
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError):
        pass
    glossary = load_glossary(path)
    try:
        file.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=file.parent, delete=False) as tmp:
            pickle.dump(glossary, tmp, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp.name, file)
    except OSError:
        pass  # no cache then; the answer is the same
    return glossary
