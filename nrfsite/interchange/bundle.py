"""Bundles: the whole dataset as a folder of CSV files, one per model, plus a manifest.

`export_bundle` writes the files in dependency order; `import_bundle` reads
them back in that order in one transaction, so a bundle loads completely or
not at all. The seed dataset under `fixtures/` is such a bundle.
"""

import json
import os
import stat
import sys
import tempfile
import zipfile
from pathlib import Path

from django.conf import settings
from django.db import connection, transaction
from django.utils.translation import gettext
from tqdm import tqdm

from nrfsite.interchange import dialect, tableschema
from nrfsite.interchange.registry import resource_classes
from nrfsite.interchange.report import ImportFailed, ImportReport

FORMAT_VERSION = 1
MANIFEST = "manifest.json"


def _progress(iterable, *, total, desc, enabled):
    if not enabled:
        return iterable
    return tqdm(iterable, total=total, desc=desc, unit=" rows", leave=False, file=sys.stderr)


def _silent(done, total, stage):
    pass


def export_bundle(directory, *, progress=False, public=False, homepage="", on_progress=None):
    """Write every model's CSV file, the manifest and the Data Package descriptor into `directory`;
    return {file name: row count}.

    With `public`, the bundle readers may take: each model's public rows only, without the editors' notes
    and publishing state (the files of a public download). `on_progress(done, total, stage)` hears of each
    file as it is begun, and of the end (done == total): a background job's progress bar.
    """
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    on_progress = on_progress or _silent
    total = len(resource_classes()) + 2  # every model's file, the manifest and the Data Package

    def begun(done, name):
        on_progress(done, total, gettext("writing %(file)s") % {"file": name})

    outermost = not connection.in_atomic_block
    with transaction.atomic():
        if outermost:
            _one_snapshot()
        counts, files = _export_files(directory, progress=progress, public=public, begun=begun)
    manifest = {"format": "nrfsite-bundle", "format_version": FORMAT_VERSION, "files": counts}
    begun(total - 2, MANIFEST)
    _write_json(directory / MANIFEST, manifest)
    begun(total - 1, tableschema.PACKAGE)
    _write_package(directory, files, public=public, homepage=homepage)
    on_progress(total, total, gettext("every file written"))
    return counts


def _write_package(directory, files, *, public=False, homepage=""):
    title = f"{settings.DATA_SITE_TITLE}: {'published data' if public else 'the whole dataset'}"
    name = "nrfsite-public" if public else "nrfsite-bundle"
    descriptor = tableschema.package(files, name=name, title=title, homepage=homepage, public=public)
    _write_json(Path(directory) / tableschema.PACKAGE, descriptor)
    return descriptor


def describe_bundle(directory):
    """Write the `datapackage.json` of a bundle folder as its files are (a hand-kept one, like the seed):
    each present file's own header, and its row count from the manifest. Return the descriptor."""
    directory = Path(directory)
    manifest = read_manifest(directory) or {"files": {}}
    files = []
    for resource_class in resource_classes():
        resource = resource_class()
        path = directory / resource.file_name
        if path.exists():
            header = dialect.read_header(checked_file(path, settings.BUNDLE_FILE_MAX_BYTES))
            files.append((resource, header, manifest["files"].get(resource.file_name)))
    return _write_package(directory, files)


def _one_snapshot():
    """On PostgreSQL, read every file from one snapshot, so a publish during the export cannot leave a file
    naming a row another file lacks (SQLite's transaction is one snapshot already)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")


def _export_files(directory, *, progress, public, begun):
    counts, files = {}, []
    for number, resource_class in enumerate(resource_classes()):
        resource = resource_class()
        begun(number, resource.file_name)
        resource.for_public = public
        queryset = resource.public_queryset() if public else resource.get_queryset()
        rows = resource.export_rows(queryset)
        total = queryset.count() if progress else None
        path = directory / resource.file_name
        count = -1
        with path.open("w", encoding="utf-8", newline="") as stream:
            for cells in _progress(rows, total=total and total + 1, desc=resource.file_name, enabled=progress):
                if count < 0:
                    header = cells
                dialect.write([cells], stream)
                count += 1
        counts[resource.file_name] = count
        files.append((resource, header, count))
    return counts, files


def _write_json(path, data):
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def export_zip(path, *, public=True, homepage="", on_progress=None):
    """The bundle as one zip file at `path` (written beside it, then moved: a reader never sees half a file).

    `on_progress(done, total, stage)` counts each file twice, as it is written and as it is compressed.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    on_progress = on_progress or _silent
    with tempfile.TemporaryDirectory(dir=path.parent) as work:
        folder = Path(work) / "bundle"
        export_bundle(
            folder, public=public, homepage=homepage, on_progress=lambda done, total, stage: on_progress(done, 2 * total, stage)
        )
        partial = Path(work) / path.name
        members = sorted(folder.iterdir())
        with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for number, member in enumerate(members, start=len(members)):
                on_progress(number, 2 * len(members), gettext("compressing %(file)s") % {"file": member.name})
                archive.write(member, member.name)
        os.replace(partial, path)
    on_progress(2 * len(members), 2 * len(members), gettext("every file compressed"))
    return path


MANIFEST_MAX_BYTES = 1024 * 1024


def checked_file(path, limit):
    """`path` if it is a regular file of at most `limit` bytes inside its bundle folder; else CSVFileError.

    A bundle comes from outside: a link could point at /etc/passwd or /dev/zero, a FIFO would hang the
    read while the import holds its lock, a folder or device named events.csv would fail half-way.
    """
    try:
        info = path.lstat()
    except FileNotFoundError:
        raise dialect.CSVFileError(f"{path.name} is missing.") from None
    if stat.S_ISLNK(info.st_mode):
        raise dialect.CSVFileError(f"{path.name} is a link: a bundle holds the files themselves.")
    if not stat.S_ISREG(info.st_mode):
        raise dialect.CSVFileError(f"{path.name} is not a regular file.")
    if info.st_size > limit:
        raise dialect.CSVFileError(f"{path.name} is {info.st_size:,} bytes; a bundle file may have {limit:,} at most.")
    return path


def read_manifest(directory):
    path = Path(directory) / MANIFEST
    if not path.exists() and not path.is_symlink():
        return None
    checked_file(path, MANIFEST_MAX_BYTES)
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError) as error:
        raise dialect.CSVFileError(f"{MANIFEST} is not valid JSON: {error}") from None
    if manifest.get("format_version") != FORMAT_VERSION:
        raise dialect.CSVFileError(
            f"{MANIFEST} says format version {manifest.get('format_version')!r}; this site reads version {FORMAT_VERSION}."
        )
    return manifest


def import_bundle(directory, *, dry_run=False, user=None, encoding=None, progress=False, reason=None, before_commit=None):
    """Import every CSV file of a bundle in one transaction; return the reports, one per file.

    Nothing is written if any file has an error, or with `dry_run`. `before_commit()` is called inside the
    transaction after the last file; an exception from it rolls everything back (a stop request, for one).
    """
    directory = Path(directory)
    if not directory.is_dir():
        raise dialect.CSVFileError(f"{directory} is not a folder.")
    resources = [resource_class() for resource_class in resource_classes()]
    known = {resource.file_name for resource in resources}
    reports = []
    try:
        manifest = read_manifest(directory)
    except dialect.CSVFileError as error:
        return [ImportReport(MANIFEST, errors=[dialect.CellError(MANIFEST, 0, "", str(error))])]
    for path in sorted(directory.glob("*.csv")):
        if path.name not in known:
            reports.append(
                ImportReport(
                    path.name,
                    errors=[dialect.CellError(path.name, 0, "", f"Unknown file: a bundle holds {', '.join(sorted(known))}.")],
                )
            )
    present = [resource for resource in resources if os.path.lexists(directory / resource.file_name)]
    if not present and not reports:
        raise dialect.CSVFileError(f"{directory} holds none of the bundle's files ({', '.join(sorted(known))}).")
    # Headers first, outside the transaction: a file of absurd shape is refused before any lock is taken.
    refused, findings = [], {}
    for resource in present:
        name = resource.file_name
        try:
            checked_file(directory / name, settings.BUNDLE_FILE_MAX_BYTES)
        except dialect.CSVFileError as error:
            refused.append(ImportReport(name, errors=[dialect.CellError(name, 0, "", str(error))]))
            continue
        try:
            problems = resource.header_problems(dialect.read_header(directory / name, encoding))
        except dialect.HeaderTooLong as error:
            problems = [str(error)]
        except dialect.CSVFileError:
            problems = []  # an empty, binary or undecodable file: the streamed read below says which, and where
        if problems:
            refused.append(ImportReport(name).refuse_header(problems))
            continue
        try:
            dialect.check_shape(directory / name, encoding)  # every row, streamed, still before any lock
        except dialect.CSVFileError as error:
            refused.append(ImportReport(name, errors=[dialect.CellError(name, 0, "", str(error))]))
            continue
        # The Data Package's rules, read streaming like every read of a bundle file: a file of a million
        # rows costs the memory of its findings, not of its rows.
        findings[name] = tableschema.schema_errors(resource, dialect.FileTable(directory / name, encoding), resources)
    if refused:
        return reports + refused
    created_in_import = {}  # rows a file creates that a later file names (citations, participations)
    try:
        with transaction.atomic():
            for resource in _progress(present, total=len(present), desc="bundle", enabled=progress):
                name = resource.file_name
                try:
                    path = checked_file(directory / name, settings.BUNDLE_FILE_MAX_BYTES)  # again: it may have changed
                    table = dialect.FileTable(path, encoding)  # rows read a chunk at a time as they are imported
                    report = resource.run_import(
                        table,
                        file_name=name,
                        user=user,
                        reason=reason or f"CSV import: {directory.name}/{name}",
                        keep_rows=False,
                        created_in_import=created_in_import,
                    )
                except dialect.CSVFileError as error:  # the file changed since its check, mid-way
                    reports.append(ImportReport(name, errors=[dialect.CellError(name, 0, "", str(error))]))
                    continue
                tableschema.merge(report, findings.get(name, []))
                # Inside the transaction: a file cut short must roll the whole bundle back, not be noticed after.
                if table.count is not None:  # None: refused at its header, before any row was read
                    _check_count(manifest, report, table.count)
                reports.append(report)
            if dry_run or any(report.errors for report in reports):
                raise ImportFailed(reports)
            if before_commit is not None:
                before_commit()
    except ImportFailed:
        pass
    return reports


def _check_count(manifest, report, rows):
    """A file with another number of rows than its manifest says was cut short or added to: say so."""
    expected = (manifest or {}).get("files", {}).get(report.file)
    if expected is not None and rows != expected:
        report.errors.append(
            dialect.CellError(report.file, 0, "", f"{MANIFEST} lists {expected} rows but the file has {rows}.")
        )
