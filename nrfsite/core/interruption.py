"""Stopping long work cleanly on SIGTERM (a deploy, `kill`, systemd stopping a job).

Python's default for SIGTERM ends the process at once. `on_sigterm()` raises `Interrupted` instead, so the
work's transaction rolls back and the caller can say so. Raising alone is not enough: a signal handler runs
wherever the interpreter happens to be, and an exception raised inside a finaliser (`__del__`, a weakref
callback, the garbage collector) is printed as "Exception ignored" and dropped, so the work would go on and
commit. The handler therefore also records the request, and the work calls `check()` inside its transaction
just before committing: a SIGTERM is never lost, whatever code it landed in.
"""

import contextlib
import signal


class Interrupted(BaseException):
    """SIGTERM arrived. A BaseException, like KeyboardInterrupt: no `except Exception` keeps it."""


class Interruption:
    requested = False

    def check(self):
        """Raise `Interrupted` if a SIGTERM came, even one whose exception was swallowed on the way."""
        if self.requested:
            raise Interrupted


@contextlib.contextmanager
def on_sigterm():
    """Within the block, SIGTERM raises `Interrupted` and is remembered; yields the `Interruption`."""
    interruption = Interruption()

    def stop(signum, frame):
        interruption.requested = True
        raise Interrupted

    previous = signal.signal(signal.SIGTERM, stop)
    try:
        yield interruption
    finally:
        signal.signal(signal.SIGTERM, previous)
