"""A time limit on extraction, so that one hostile document (a megabyte-long sentence, a text that
sends a stage quadratic) fails alone with one line while the others go on.

The limit is an interval timer's SIGALRM, which Python delivers only to the main thread: the CLI
and the extraction workers run extraction there. A library caller extracting in another thread
gets no limit; ``enforced()`` says whether it applies."""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["TimeUp", "time_limit", "enforced"]


class TimeUp(BaseException):
    """Raised inside the work when its time is up. A BaseException, so that no ``except Exception``
    in the work can take it for the work's own failure and carry on."""


def enforced() -> bool:
    return hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()


@contextmanager
def time_limit(seconds: float | None) -> Iterator[None]:
    if not seconds or not enforced():
        yield
        return

    def on_alarm(signum, frame):
        raise TimeUp

    previous = signal.signal(signal.SIGALRM, on_alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
