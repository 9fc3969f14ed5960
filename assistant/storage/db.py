"""Engines, sessions and schema set-up for SQLite and PostgreSQL.

Composition root::

    db = open_database(settings.database_url, echo=settings.database.echo)   # migrates to head
    with db.session() as session:                                             # one transaction
        UserRepository(session).create(...)
    store = SqlDocumentStore(db.sessions)
"""

from __future__ import annotations

import logging
import random
import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, IntegrityError, OperationalError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from assistant.security.files import make_private_dir, secure_sqlite_files
from assistant.storage.errors import DatabaseUnavailableError, UnsupportedDatabaseError, WriteFailedError
from assistant.storage.types import json_dumps

log = logging.getLogger("baixing.storage")
T = TypeVar("T")

SUPPORTED_BACKENDS = ("sqlite", "postgresql")
SQLITE_BUSY_TIMEOUT_MS = 10_000
BEGIN_OPTION = "sqlite_begin"
WRITE_ATTEMPTS = 5
"""A write transaction that meets a lock or a serialization failure is run again, at most this many times."""
_RETRY_SQLSTATES = frozenset({"40001", "40P01", "55P03"})  # serialization failure, deadlock, lock not available
_UNIQUE_SQLSTATE = "23505"
POOL: dict[str, Any] = {"pool_size": 10, "max_overflow": 30, "pool_timeout": 120}
"""Connections per process: the web server runs up to 40 request threads; a thread waits (not fails) for one."""


def parse_url(url: str | URL) -> URL:
    """Parse and check a SQLAlchemy URL (SQLite or PostgreSQL only)."""
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise UnsupportedDatabaseError(cause=f"cannot parse database URL: {exc}") from exc
    if parsed.get_backend_name() not in SUPPORTED_BACKENDS:
        raise UnsupportedDatabaseError(cause=f"backend {parsed.get_backend_name()!r} is not supported")
    return parsed


def safe_url(url: str | URL) -> str:
    """The URL with its password masked, for logs and error causes."""
    return make_url(url).render_as_string(hide_password=True)


def _sqlite_file(url: URL) -> Path | None:
    database = url.database
    if not database or database == ":memory:" or database.startswith("file:"):
        return None
    return Path(database)


def _on_sqlite_connect(dbapi_conn: sqlite3.Connection, _record: Any) -> None:
    # Let SQLAlchemy (not pysqlite) decide when transactions begin: see _on_sqlite_begin.
    dbapi_conn.isolation_level = None
    cursor = dbapi_conn.cursor()
    try:
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA synchronous=NORMAL")
    finally:
        cursor.close()


def _on_sqlite_begin(conn: Any) -> None:
    # pysqlite would otherwise defer BEGIN until the first INSERT/UPDATE, which breaks transactional
    # DDL in migrations and SAVEPOINTs. Write transactions ask for IMMEDIATE: the write lock is taken up
    # front, so two writers never both read and then fail to upgrade ("database is locked").
    mode = conn.get_execution_options().get(BEGIN_OPTION, "")
    conn.exec_driver_sql(f"BEGIN {mode}".strip())


def make_engine(url: str | URL, *, echo: bool = False) -> Engine:
    """An engine for a SQLite or PostgreSQL URL.

    SQLite: creates the file's folder (0700) and the file (0600, so WAL/SHM are 0600 too), turns on WAL,
    foreign keys and a busy time-out.
    Statement parameters are never logged (``hide_parameters``): they may hold personal data.
    """
    parsed = parse_url(url)
    options: dict[str, Any] = {"echo": echo, "hide_parameters": True, "json_serializer": json_dumps}
    if parsed.get_backend_name() == "sqlite":
        path = _sqlite_file(parsed)
        if path is not None:
            try:
                if not path.parent.exists():
                    make_private_dir(path.parent)
            except OSError as exc:
                raise DatabaseUnavailableError(cause=f"cannot create folder {path.parent}: {exc}") from exc
            try:
                secure_sqlite_files(path)  # 0600; SQLite gives -wal/-shm the main file's mode
            except OSError:
                log.warning("could not make %s owner-only", path, exc_info=True)
        pool = POOL if path is not None else {}  # an in-memory database keeps SQLAlchemy's own pool
        engine = create_engine(parsed, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000}, **options, **pool)
        event.listen(engine, "connect", _on_sqlite_connect)
        event.listen(engine, "begin", _on_sqlite_begin)
        return engine
    return create_engine(parsed, pool_pre_ping=True, **options, **POOL)


def make_session_factory(engine: Engine | str | URL, *, echo: bool = False) -> sessionmaker[Session]:
    """A session factory bound to an engine (or to a new engine for a URL).

    Objects stay readable after commit (``expire_on_commit=False``) so services can return them.
    """
    if not isinstance(engine, Engine):
        engine = make_engine(engine, echo=echo)
    return sessionmaker(bind=engine, expire_on_commit=False)


def check_connection(engine: Engine) -> None:
    """Raise DatabaseUnavailableError unless a trivial query succeeds."""
    try:
        with engine.connect() as conn:
            conn.exec_driver_sql("SELECT 1")
    except SQLAlchemyError as exc:
        reason = getattr(exc, "orig", None) or exc
        raise DatabaseUnavailableError(
            cause=f"cannot connect to {safe_url(engine.url)}: {type(reason).__name__}: {reason}"
        ) from exc


def init_db(target: str | URL | Engine) -> None:
    """Create or upgrade the schema to the newest migration (idempotent)."""
    from assistant.storage.migrate import upgrade_to_head

    engine = target if isinstance(target, Engine) else make_engine(target)
    try:
        check_connection(engine)
        upgrade_to_head(engine)
    finally:
        if engine is not target:
            engine.dispose()


@contextmanager
def write_session(sessions: sessionmaker[Session]) -> Iterator[Session]:
    """One write transaction of ``sessions`` that takes its lock up front (SQLite ``BEGIN IMMEDIATE``)."""
    with sessions.begin() as session:
        if session.get_bind().dialect.name == "sqlite":
            session.connection(execution_options={BEGIN_OPTION: "IMMEDIATE"})
        yield session


def run_write(sessions: sessionmaker[Session], work: Callable[[Session], T], attempts: int = WRITE_ATTEMPTS, *,
              retry_unique: bool = False) -> T:
    """:meth:`Database.write` over a session factory (stores built on a ``sessionmaker`` use it too)."""
    for attempt in range(1, attempts + 1):
        try:
            with write_session(sessions) as session:
                return work(session)
        except DBAPIError as exc:
            if attempt == attempts or not (_retryable(exc) or (retry_unique and _unique_clash(exc))):
                if _unavailable(exc):  # locked too long, read-only, disk full, I/O error, connection lost
                    raise WriteFailedError(cause=f"{type(exc.orig).__name__}: {str(exc.orig)[:300]}") from exc
                raise
            log.info("write transaction retried after %s (attempt %d)", type(exc.orig).__name__, attempt)
            time.sleep(min(0.05 * 2**attempt, 1.0) * (0.5 + random.random()))
    raise AssertionError("unreachable")


@dataclass
class Database:
    """An engine and its session factory."""

    engine: Engine
    sessions: sessionmaker[Session]

    @contextmanager
    def session(self) -> Iterator[Session]:
        """One transaction: commits on success, rolls back on error."""
        with self.sessions.begin() as session:
            yield session

    @contextmanager
    def write_session(self) -> Iterator[Session]:
        """One write transaction that takes its lock up front (SQLite ``BEGIN IMMEDIATE``)."""
        with write_session(self.sessions) as session:
            yield session

    def write(self, work: Callable[[Session], T], attempts: int = WRITE_ATTEMPTS, *, retry_unique: bool = False) -> T:
        """Run ``work`` in one write transaction, all or nothing; run it again on a lock or serialization
        failure (bounded, with jitter), so concurrent writers wait for each other instead of losing data.

        ``retry_unique``: also run it again after a unique-key clash (work that first looks for the row,
        e.g. an idempotent submission, then finds the one a concurrent transaction committed).
        """
        return run_write(self.sessions, work, attempts, retry_unique=retry_unique)

    def dispose(self) -> None:
        """Close pooled connections."""
        self.engine.dispose()

    def probe(self) -> dict[str, object]:
        """Health of the database: reachable, at the newest migration, and writable (a write that is rolled
        back). Returns ``{"backend", "revision", "head", "writable", "error"}``; never raises."""
        from sqlalchemy import text

        from assistant.storage.migrate import current_revision, head_revision

        out: dict[str, object] = {"backend": self.engine.dialect.name, "revision": None, "head": None,
                                  "writable": False, "error": None}
        try:
            out["head"] = head_revision()
            out["revision"] = current_revision(self.engine)
            session = self.sessions()
            try:
                if self.engine.dialect.name == "sqlite":
                    session.connection(execution_options={BEGIN_OPTION: "IMMEDIATE"})
                session.execute(text("INSERT INTO receipt_counters (year, last_value) VALUES (-1, 0)"))
                out["writable"] = True
            finally:
                session.rollback()
                session.close()
        except SQLAlchemyError as exc:
            reason = getattr(exc, "orig", None) or exc
            out["error"] = f"{type(reason).__name__}: {str(reason)[:300]}"
        except Exception as exc:  # a probe reports, never raises
            out["error"] = f"{type(exc).__name__}: {str(exc)[:300]}"
        return out


def _retryable(exc: DBAPIError) -> bool:
    """A lock time-out (SQLite) or a serialization failure / deadlock (PostgreSQL)."""
    if isinstance(exc, OperationalError) and "locked" in str(exc.orig).lower():
        return True
    return getattr(exc.orig, "sqlstate", None) in _RETRY_SQLSTATES


def _unavailable(exc: DBAPIError) -> bool:
    """The database could not take the write at all (as opposed to a bug or a constraint): SQLite's operational
    errors; PostgreSQL's read-only transaction (25006), insufficient resources such as a full disk (53…),
    operator intervention (57…) and connection failures (08…)."""
    if isinstance(exc, OperationalError):
        return True
    state = str(getattr(exc.orig, "sqlstate", "") or "")
    return state == "25006" or state[:2] in ("53", "57", "08")


def _unique_clash(exc: DBAPIError) -> bool:
    """A unique constraint violated by a concurrent insert."""
    if not isinstance(exc, IntegrityError):
        return False
    return getattr(exc.orig, "sqlstate", None) == _UNIQUE_SQLSTATE or "unique" in str(exc.orig).lower()


def open_database(url: str | URL, *, echo: bool = False, migrate: bool = True) -> Database:
    """Connect (and by default migrate to head): the one call the composition root needs."""
    engine = make_engine(url, echo=echo)
    if migrate:
        init_db(engine)
    else:
        check_connection(engine)
    return Database(engine=engine, sessions=make_session_factory(engine))
