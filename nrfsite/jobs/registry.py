"""The kinds of job: each app that has long work registers its kind here (jobs never imports an app)."""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Kind:
    name: str
    run: Callable  # run(job, context) -> the outcome (JSON), or context.finish(outcome) inside its transaction
    # present(request, job) -> the finished job's page (an HttpResponse), or None for the generic page
    present: Callable | None = None
    # Whether the job writes in one transaction: a job whose worker died then wrote nothing, and says so.
    transactional: bool = False


_kinds = {}


def register(name, *, run, present=None, transactional=False):
    _kinds[name] = Kind(name, run, present, transactional)


def kind(name):
    try:
        return _kinds[name]
    except KeyError:
        raise LookupError(f"No job kind {name!r}: the kinds are {', '.join(sorted(_kinds)) or 'none'}.") from None
