"""File locks that keep the processes sharing an embedded store apart (see graph.store.embedded)."""

from __future__ import annotations

import errno
import fcntl
import os
import time
from pathlib import Path

__all__ = ["acquire", "open_lock_file"]


def acquire(fd: int, kind: int, wait: float) -> bool:
    """Take lock KIND on FD, retrying for up to WAIT seconds; False if it stayed taken."""
    deadline = time.monotonic() + wait
    while True:
        try:
            fcntl.flock(fd, kind | fcntl.LOCK_NB)
            return True
        except BlockingIOError:
            if time.monotonic() >= deadline:
                return False
            time.sleep(0.05)


def open_lock_file(path: Path) -> int | None:
    """A descriptor to lock PATH by, or None where there is nothing to lock.

    flock needs no write permission, so a lock file this user may not write
    (a store another user owns, or one made read-only) is opened read-only
    and still locks. Where the file does not exist and cannot be created (a
    folder this user may not write to), None: that reader goes without the
    lock, since no writer running as this user can write there either.
    OSError for any other failure."""
    try:
        return os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as exc:
        if exc.errno not in (errno.EACCES, errno.EPERM, errno.EROFS):
            raise
    try:
        return os.open(path, os.O_RDONLY)
    except FileNotFoundError:
        return None
