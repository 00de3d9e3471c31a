"""File locks that keep the processes sharing an embedded store apart (see graph.store.embedded)."""

from __future__ import annotations

import fcntl
import time

__all__ = ["acquire"]


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
