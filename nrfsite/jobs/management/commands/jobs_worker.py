"""`manage.py jobs_worker`: the worker of whichever backend settings.TASKS names, started as that backend needs.

One command for the README, `make run`, systemd units and the tests, whatever TASKS_BACKEND says:

- the database backend: django-tasks-db's `db_worker` (no start-up delay: a job waits for no one);
- RQ: django-rq's `rqworker` on the backend's queues, with the job class django-tasks-rq needs (RQ's own
  cannot call a django-tasks task) and RQ's scheduler (without it, a scheduled publication is never made):
  two flags that, forgotten, leave jobs waiting for ever with nothing on their page to say why.
"""

from argparse import BooleanOptionalAction

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django_tasks import DEFAULT_TASK_BACKEND_ALIAS, task_backends
from django_tasks_db import DatabaseBackend
from django_tasks_rq import RQBackend

RQ_JOB_CLASS = "django_tasks_rq.backend.Job"


class Command(BaseCommand):
    help = (
        "Run a background-jobs worker for the configured backend (TASKS_BACKEND): `db_worker` for the database "
        "backend, an RQ worker with its scheduler for rq. Stop it with SIGTERM: it finishes the job it holds."
    )

    def add_arguments(self, parser):
        parser.add_argument("--name", help="The worker's name, unique among the workers (default: one is made up).")
        parser.add_argument("--burst", action="store_true", help="Run the jobs waiting now, then exit.")
        parser.add_argument(
            "--interval",
            type=float,
            default=1.0,
            help="Database backend: seconds between looks at an empty queue (default: %(default)s). An RQ worker "
            "is woken by Redis.",
        )
        parser.add_argument(
            "--reload",
            action=BooleanOptionalAction,
            default=settings.DEBUG,
            help="Database backend: restart on code changes (default: with DEBUG).",
        )

    def handle(self, *, name, burst, interval, reload, verbosity, **options):
        backend = task_backends[DEFAULT_TASK_BACKEND_ALIAS]
        if isinstance(backend, DatabaseBackend):
            worker = {"worker_id": name} if name else {}
            call_command(
                "db_worker",
                interval=interval,
                batch=burst,
                reload=reload and not burst,
                startup_delay=False,
                verbosity=verbosity,
                **worker,
            )
        elif isinstance(backend, RQBackend):
            call_command(
                "rqworker",
                *sorted(backend.queues),
                job_class=RQ_JOB_CLASS,
                with_scheduler=True,
                name=name,
                burst=burst,
                verbosity=verbosity,
            )
        else:
            raise CommandError(
                f"TASKS names {type(backend).__module__}.{type(backend).__name__}, whose worker this command does not "
                "know: start that backend's own worker, or set TASKS_BACKEND to database or rq."
            )
