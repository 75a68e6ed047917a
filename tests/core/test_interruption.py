"""SIGTERM during long work: the stop request survives code that swallows the exception.

CI once saw `import_bundle` exit 0 after a SIGTERM: the handler's exception was raised inside code that drops
exceptions (a finaliser prints "Exception ignored" and goes on), and the import committed.
"""

import os
import signal

import pytest

from nrfsite.core.interruption import Interrupted, on_sigterm


class SignalledInFinaliser:
    """An object whose finaliser receives the SIGTERM: Python prints the handler's exception and drops it."""

    def __del__(self):
        os.kill(os.getpid(), signal.SIGTERM)
        sum(range(1000))  # bytecode to run: the handler is called here, inside the finaliser


@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")  # the swallowed exception, on purpose
def test_a_sigterm_whose_exception_was_swallowed_still_stops_the_work_before_it_commits():
    with pytest.raises(Interrupted), on_sigterm() as interruption:
        SignalledInFinaliser()  # dropped at once: the SIGTERM lands in its finaliser
        assert interruption.requested  # the work went on past the signal...
        interruption.check()  # ...and stops where it would have committed


def test_a_sigterm_raises_where_the_work_is():
    with pytest.raises(Interrupted), on_sigterm():
        os.kill(os.getpid(), signal.SIGTERM)
        sum(range(1000))


def test_an_except_exception_does_not_keep_the_interruption():
    with pytest.raises(Interrupted), on_sigterm():
        try:
            os.kill(os.getpid(), signal.SIGTERM)
            sum(range(1000))
        except Exception:  # what library code does around a row
            pytest.fail("Interrupted was caught as an Exception")


def test_without_a_sigterm_nothing_is_raised_and_the_previous_handler_comes_back():
    before = signal.getsignal(signal.SIGTERM)
    with on_sigterm() as interruption:
        interruption.check()
    assert signal.getsignal(signal.SIGTERM) is before
