"""On-disk state of the index folder: the manifest (commit point) and the per-document token cache.

Layout of ``index_dir``::

    manifest.json        small; rewritten atomically as the last step of a sync
    .sync.lock           advisory lock serialising syncs
    tokens.sqlite        doc_id -> content hash, filter columns and BM25 terms (a cache)
    gen-000007/          the word and character-bigram BM25 indexes of generation 7 and the fingerprints it reflects
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import sqlite3
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

MANIFEST = "manifest.json"
LOCK = ".sync.lock"
TOKENS_DB = "tokens.sqlite"
FINGERPRINTS = "fingerprints.json"
BM25_SUBDIR = "bm25"
CHARS_SUBDIR = "bm25_chars"
FORMAT_VERSION = 1
_SEP = "\x1f"


@dataclass
class Manifest:
    """What the last completed sync committed."""

    generation: int
    space_id: str
    documents: int
    built_at: str
    tokenizer: str = ""
    version: int = FORMAT_VERSION

    @property
    def gen_dir(self) -> str:
        return gen_dir_name(self.generation)


@contextlib.contextmanager
def index_lock(index_dir: Path) -> Iterator[None]:
    """An exclusive advisory lock on ``index_dir`` (blocking; a no-op where ``fcntl`` is missing)."""
    try:
        import fcntl
    except ImportError:  # Windows: single-writer is the caller's job
        yield
        return
    index_dir.mkdir(parents=True, exist_ok=True)
    with (index_dir / LOCK).open("a") as handle:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


def gen_dir_name(generation: int) -> str:
    return f"gen-{generation:06d}"


def read_manifest(index_dir: Path) -> Manifest | None:
    """The committed manifest, or None when there is none (or it is unreadable/of another format)."""
    try:
        raw = json.loads((index_dir / MANIFEST).read_text(encoding="utf-8"))
        manifest = Manifest(**raw)
    except (OSError, ValueError, TypeError):
        return None
    if manifest.version != FORMAT_VERSION or not (index_dir / manifest.gen_dir).is_dir():
        return None
    return manifest


def write_json_atomic(path: Path, payload: object) -> None:
    """Write JSON to a temp file in the same folder, fsync, then rename over ``path``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(payload, fh, ensure_ascii=False)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_manifest(index_dir: Path, manifest: Manifest) -> None:
    write_json_atomic(index_dir / MANIFEST, asdict(manifest))


def read_fingerprints(index_dir: Path, manifest: Manifest | None) -> dict[str, str]:
    """doc_id -> content hash of the committed generation (empty without a manifest)."""
    if manifest is None:
        return {}
    path = index_dir / manifest.gen_dir / FINGERPRINTS
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def remove_stale_generations(index_dir: Path, keep: str | None) -> None:
    """Delete generation folders other than ``keep`` (left over by crashed or superseded syncs)."""
    if not index_dir.is_dir():
        return
    for child in index_dir.iterdir():
        if child.is_dir() and child.name.startswith("gen-") and child.name != keep:
            shutil.rmtree(child, ignore_errors=True)


@dataclass(frozen=True, slots=True)
class CachedTokens:
    """One row of the token cache."""

    doc_id: str
    content_hash: str
    kind: str
    year: int | None
    region: str | None
    terms: list[str]


class TokenCache:
    """BM25 terms and filter columns per document, in SQLite, so a rebuild never re-tokenises."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(str(path))
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.execute(
            "CREATE TABLE IF NOT EXISTS tokens (doc_id TEXT PRIMARY KEY, hash TEXT NOT NULL, kind TEXT NOT NULL,"
            " year INTEGER, region TEXT, terms TEXT NOT NULL)"
        )
        self._db.commit()

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> TokenCache:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def hashes(self) -> dict[str, str]:
        """doc_id -> content hash of every cached document."""
        return dict(self._db.execute("SELECT doc_id, hash FROM tokens"))

    def put(self, rows: Iterable[CachedTokens]) -> None:
        """Insert or replace rows, in one transaction."""
        with self._db:
            self._db.executemany(
                "INSERT OR REPLACE INTO tokens (doc_id, hash, kind, year, region, terms) VALUES (?,?,?,?,?,?)",
                [(r.doc_id, r.content_hash, r.kind, r.year, r.region, _SEP.join(r.terms)) for r in rows],
            )

    def delete(self, doc_ids: Sequence[str]) -> None:
        with self._db:
            self._db.executemany("DELETE FROM tokens WHERE doc_id = ?", [(i,) for i in doc_ids])

    def iter_rows(self) -> Iterator[CachedTokens]:
        """Every row in doc_id order."""
        cursor = self._db.execute("SELECT doc_id, hash, kind, year, region, terms FROM tokens ORDER BY doc_id")
        for doc_id, digest, kind, year, region, terms in cursor:
            yield CachedTokens(doc_id, digest, kind, year, region, terms.split(_SEP) if terms else [])
