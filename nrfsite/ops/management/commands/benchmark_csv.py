"""Measure CSV import and export against baselines, in one run on one machine and database."""

import json
import os
import statistics
import sys
import tempfile
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from entities.models import Entity
from events.models import Event
from nrfsite.ops.benchmark import (
    child_peak_rss,
    make_references,
    remove_imported_events,
    run_floor,
    run_ours,
    run_plain,
    synthetic_rows,
    timed,
    write_files,
)


class Command(BaseCommand):
    help = (
        "Benchmark CSV import and export on synthetic events (each with 2 participants and 2 citations) against "
        "django-import-export's default resource, its bulk mode and a raw bulk_create floor. Run it on an empty "
        "scratch database (make bench does)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--events", type=int, nargs="+", default=[10_000], help="Sizes to measure (N events).")
        parser.add_argument(
            "--default-limit",
            type=int,
            default=2_000,
            help="Events fed to the slow default resource (its rate is measured on this many; all others get N).",
        )
        parser.add_argument(
            "--rounds",
            type=int,
            default=3,
            help="Times ours and the floor are each measured, alternating; their medians are reported.",
        )

    @staticmethod
    def seconds(times):
        return ", ".join(f"{t:.1f}" for t in times) + " s"

    def handle(self, *args, events, default_limit, rounds, **options):
        if Event.objects.exists() or Entity.objects.exists():
            raise CommandError("The database has content: run the benchmark on an empty scratch database (make bench).")
        vendor = connection.vendor
        self.stdout.write(f"Database: {vendor}; Python {sys.version.split()[0]}; CPU count {os.cpu_count()}")
        make_references()
        lines = []
        for index, n in enumerate(events):
            with tempfile.TemporaryDirectory() as tmp:
                directory = Path(tmp)
                write_files(synthetic_rows(n), directory)
                self.stdout.write(f"N = {n:,}: files written; measuring…")
                # Ours and the floor alternate, so a slow spell of the machine hits both alike; the target
                # that is closest (ours within 2× of the floor) is read from their medians.
                ours_times, floor_times = [], []
                for _ in range(rounds):
                    ours_times.append(timed(lambda d=directory: run_ours(d))[0])
                    floor_times.append(timed(lambda d=directory: run_floor(d))[0])
                ours_s, floor_s = statistics.median(ours_times), statistics.median(floor_times)
                self.stdout.write(f"  ours {self.seconds(ours_times)}; floor {self.seconds(floor_times)}")
                limit = min(n, default_limit)
                default_s, _ = timed(lambda d=directory, lim=limit: run_plain(d, bulk=False, limit=lim))
                bulk_s, _ = timed(lambda d=directory: run_plain(d, bulk=True, limit=None))
                self.stdout.write(f"  default {default_s:.1f} s on {limit:,}; bulk {bulk_s:.1f} s")
                ours_rate, default_rate = n / ours_s, limit / default_s
                bulk_rate, floor_rate = n / bulk_s, n / floor_s
                # Peak memory of a whole import (in one transaction) and of an export, each in its own process.
                bundle = directory / "bundle"
                bundle.mkdir()
                (bundle / "events.csv").write_bytes((directory / "events.csv").read_bytes())
                import_s, import_mib = child_peak_rss(["import_bundle", str(bundle)])
                export_s, export_mib = child_peak_rss(["export_bundle", str(directory / "export")])
                manifest = json.loads((directory / "export" / "manifest.json").read_text())
                exported_rows = sum(manifest["files"].values())
                self.stdout.write(
                    f"  import_bundle {import_s:.1f} s, {import_mib:,.0f} MiB; "
                    f"export_bundle {export_s:.1f} s, {export_mib:,.0f} MiB"
                )
                lines.append(
                    (
                        n,
                        ours_rate,
                        default_rate,
                        limit,
                        bulk_rate,
                        floor_rate,
                        import_s,
                        import_mib,
                        export_s,
                        export_mib,
                        exported_rows,
                    )
                )
                if index < len(events) - 1:
                    remove_imported_events()
        self.stdout.write("")
        self.stdout.write(f"### CSV import/export on {vendor} (events/s; each event has 2 participants and 2 citations)")
        self.stdout.write("")
        self.stdout.write(
            "| N | ours | (a) default resource | (b) bulk mode, no history | (c) floor: bulk_create + history | "
            "ours ÷ (a) | ours ÷ (b) | (c) ÷ ours | import_bundle wall, peak RSS | export_bundle (all files) rows/s, peak RSS |"
        )
        self.stdout.write("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
        for n, ours, default, limit, bulk, floor, import_s, import_mib, export_s, export_mib, exported in lines:
            self.stdout.write(
                f"| {n:,} | {ours:,.0f} | {default:,.0f} (on {limit:,}) | {bulk:,.0f} | {floor:,.0f} | "
                f"{ours / default:.1f}× | {ours / bulk:.2f}× | {floor / ours:.2f}× | "
                f"{import_s:.1f} s, {import_mib:,.0f} MiB | {exported / export_s:,.0f}, {export_mib:,.0f} MiB |"
            )
        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS(f"Benchmarked {', '.join(f'{n:,}' for n in events)} events on {vendor}."))
