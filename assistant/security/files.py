"""Owner-only files: the data dir 0700, the database, its WAL/SHM and every export 0600, and a private
temp folder (``<data_dir>/tmp``, 0700) whose files are removed after use or swept when stale.

Citizens' names, phones and addresses end up in the database, in Word/Excel exports and in temp copies
of uploads; on a shared server none of them may be readable by another local account.

Wiring (the lead): call :func:`harden_process` first thing in ``main`` and :func:`secure_data_dir` when the
container creates the data dir; write exports through :func:`private_file`/:func:`write_private`; hand
gradio :func:`gradio_temp_dir` as ``GRADIO_TEMP_DIR``; run :class:`TempSweeper` while the app serves.
"""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
import stat
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path

log = logging.getLogger("baixing.security")

PRIVATE_DIR_MODE = 0o700
PRIVATE_FILE_MODE = 0o600
PROCESS_UMASK = 0o077
TMP_DIR_NAME = "tmp"
SQLITE_SIDE_FILES = ("-wal", "-shm", "-journal")
KEEP_DIRS = frozenset({"gradio"})
"""Folders directly under ``tmp`` that the sweeper empties but never removes (gradio expects its own)."""


def harden_process() -> int:
    """Set the process umask to 077 (new files 0600, new folders 0700); returns the previous umask."""
    return os.umask(PROCESS_UMASK)


def make_private_dir(path: Path) -> Path:
    """Create ``path`` and its missing parents as 0700 folders, and make ``path`` itself 0700 (existing
    parents are left as they are); returns ``path``."""
    missing: list[Path] = []
    probe = path
    while not probe.exists() and probe != probe.parent:
        missing.append(probe)
        probe = probe.parent
    for folder in reversed(missing):
        with contextlib.suppress(FileExistsError):
            folder.mkdir(mode=PRIVATE_DIR_MODE)
        os.chmod(folder, PRIVATE_DIR_MODE)
    os.chmod(path, PRIVATE_DIR_MODE)
    return path


def make_private(path: Path) -> Path:
    """chmod an existing file to 0600 (a folder to 0700); a missing path is left alone."""
    try:
        mode = os.lstat(path).st_mode
    except FileNotFoundError:
        return path
    if stat.S_ISLNK(mode):
        return path  # never follow a link planted next to our files
    os.chmod(path, PRIVATE_DIR_MODE if stat.S_ISDIR(mode) else PRIVATE_FILE_MODE)
    return path


def secure_data_dir(data_dir: Path) -> Path:
    """The data dir 0700 and its private temp folder; the database files inside 0600 (when present)."""
    make_private_dir(data_dir)
    make_private_dir(data_dir / TMP_DIR_NAME)
    for db in data_dir.glob("*.db"):
        secure_sqlite_files(db)
    return data_dir


def secure_sqlite_files(db_path: Path) -> None:
    """Create the SQLite file 0600 if missing (SQLite gives WAL/SHM the main file's mode), and chmod
    the file and its -wal/-shm/-journal to 0600 when they exist (earlier installations had 0644)."""
    if not db_path.exists():
        fd = os.open(db_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE_MODE)
        os.close(fd)
    make_private(db_path)
    for suffix in SQLITE_SIDE_FILES:
        make_private(db_path.with_name(db_path.name + suffix))


def private_file(path: Path) -> Path:
    """Create (or truncate) ``path`` as an empty 0600 file, its folder made if missing (0700); returns it.

    Call before a library writes the file (``workbook.save(path)``, ``doc.save(path)``): the library
    truncates the file and keeps its mode, so the content is never readable by others, not even briefly.
    """
    if not path.parent.exists():
        make_private_dir(path.parent)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_NOFOLLOW", 0), PRIVATE_FILE_MODE)
    try:
        os.fchmod(fd, PRIVATE_FILE_MODE)
    finally:
        os.close(fd)
    return path


def write_private(path: Path, data: bytes | str, encoding: str = "utf-8") -> Path:
    """Write ``data`` to ``path`` as a 0600 file (atomically: a private temp file renamed into place)."""
    raw = data.encode(encoding) if isinstance(data, str) else data
    if not path.parent.exists():
        make_private_dir(path.parent)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)  # mkstemp: 0600
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(raw)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    return path


def private_tmp_dir(data_dir: Path) -> Path:
    """``<data_dir>/tmp`` (0700), created when missing."""
    return make_private_dir(data_dir / TMP_DIR_NAME)


def gradio_temp_dir(data_dir: Path) -> Path:
    """``<data_dir>/tmp/gradio`` (0700): set it as ``GRADIO_TEMP_DIR`` so served files stay private and swept."""
    return make_private_dir(private_tmp_dir(data_dir) / "gradio")


@contextlib.contextmanager
def private_temp_file(data_dir: Path, suffix: str = "", prefix: str = "bx-") -> Iterator[Path]:
    """A new empty 0600 file in ``<data_dir>/tmp``, removed when the block ends (also on error)."""
    fd, name = tempfile.mkstemp(suffix=suffix, prefix=prefix, dir=private_tmp_dir(data_dir))
    os.close(fd)
    path = Path(name)
    try:
        yield path
    finally:
        with contextlib.suppress(FileNotFoundError):
            path.unlink()


@contextlib.contextmanager
def private_temp_dir(data_dir: Path, prefix: str = "bx-") -> Iterator[Path]:
    """A new 0700 folder in ``<data_dir>/tmp`` (e.g. for a download with a readable file name), removed after."""
    path = Path(tempfile.mkdtemp(prefix=prefix, dir=private_tmp_dir(data_dir)))
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


def sweep_temp(data_dir: Path, max_age_minutes: float, *, now: float | None = None) -> int:
    """Delete files under ``<data_dir>/tmp`` last modified more than ``max_age_minutes`` ago, then the stale
    folders left empty (never ``tmp`` itself nor ``tmp/gradio``); returns how many files were deleted.
    Links are removed, never followed."""
    root = data_dir / TMP_DIR_NAME
    if not root.is_dir():
        return 0
    cutoff = (time.time() if now is None else now) - max_age_minutes * 60
    deleted = 0
    emptied: set[Path] = set()  # folders this sweep took something out of (their mtime is now fresh)
    for folder, dirs, files in os.walk(root, topdown=False):
        here = Path(folder)
        for name in files:
            path = here / name
            try:
                if os.lstat(path).st_mtime < cutoff:
                    path.unlink()
                    deleted += 1
                    emptied.add(here)
            except FileNotFoundError:
                continue
            except OSError:
                log.warning("could not sweep a temp file", exc_info=True)
        for name in dirs:
            path = here / name
            if here == root and name in KEEP_DIRS:
                continue
            with contextlib.suppress(OSError):  # rmdir refuses a folder that is not empty
                if path in emptied or os.lstat(path).st_mtime < cutoff:
                    path.rmdir()
                    emptied.add(here)
    return deleted


class TempSweeper:
    """A daemon thread that runs :func:`sweep_temp` every ``every_s`` seconds until :meth:`stop`."""

    def __init__(self, data_dir: Path, max_age_minutes: float = 60, every_s: float = 300) -> None:
        self.data_dir = data_dir
        self.max_age_minutes = max_age_minutes
        self.every_s = every_s
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> TempSweeper:
        """Start the thread (idempotent)."""
        if self._thread is None or not self._thread.is_alive():
            self._stop.clear()
            self._thread = threading.Thread(target=self._run, name="baixing-temp-sweeper", daemon=True)
            self._thread.start()
        return self

    def stop(self, timeout: float = 5.0) -> None:
        """Stop the thread and wait for it."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                sweep_temp(self.data_dir, self.max_age_minutes)
            except Exception:  # the sweeper must never die
                log.warning("temp sweep failed", exc_info=True)
            self._stop.wait(self.every_s)
