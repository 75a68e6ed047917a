#!/usr/bin/env python
"""Audit the installed Python packages for known vulnerabilities, with or without the network.

    .venv/bin/python scripts/audit_deps.py check                 # the whole virtualenv (make audit)
    .venv/bin/python scripts/audit_deps.py check -- -r requirements.txt --no-deps --disable-pip
    .venv/bin/python scripts/audit_deps.py build                 # refresh security/advisories.json (network)
    .venv/bin/python scripts/audit_deps.py build --source path/to/advisory-database/vulns

`check` runs pip-audit (`-s osv`). When OSV's API answers (`--service auto`, the default, tries it
for a few seconds), pip-audit asks it directly. Otherwise, and always with `--service offline`, this
script serves the shipped advisory file, security/advisories.json, on 127.0.0.1 as an OSV-compatible
`/v1/query` endpoint and points pip-audit's `--osv-url` at it. The verdict is pip-audit's, so both
ways read the same records by the same rules. Arguments after `--` go to pip-audit unchanged; with
none, it audits the environment it runs in. The exit status is pip-audit's: 1 when a package is
affected. A file older than --max-age-days gets a warning that says how to refresh it.

`build` writes security/advisories.json from OSV records: by default OSV's own PyPI export
(https://osv-vulnerabilities.storage.googleapis.com/PyPI/all.zip), or a local zip of the same
shape, or a folder of OSV YAML/JSON files such as a checkout of the PyPA Advisory Database
(https://github.com/pypa/advisory-database, CC-BY-4.0). It keeps the records that name a package
installed in this environment, unless --all, and leaves out the database's unreviewed triage
entries (PYSEC-0000-…), which OSV does not publish either.

security/audit-ignore.txt sets advisories aside, one id per line with the reason after "#" (a
record the stored copy has not yet updated with its fix, say); pip-audit gets --ignore-vuln.
"""

import argparse
import datetime as dt
import io
import json
import re
import socket
import subprocess
import sys
import tempfile
import threading
import urllib.parse
import urllib.request
import zipfile
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import metadata
from pathlib import Path

from packaging.version import InvalidVersion, Version

ROOT = Path(__file__).resolve().parent.parent
ADVISORIES = ROOT / "security" / "advisories.json"
IGNORED = ROOT / "security" / "audit-ignore.txt"
OSV_EXPORT = "https://osv-vulnerabilities.storage.googleapis.com/PyPI/all.zip"
OSV_API = "https://api.osv.dev/v1/query"
MAX_QUERY_BYTES = 64 * 1024


class AuditError(Exception):
    """A problem with the audit's own input: the message says what and how to fix it."""


def canonical(name):
    """PEP 503's normalized project name, as pip-audit sends it: "Django_Filter" → "django-filter"."""
    return re.sub(r"[-_.]+", "-", name).lower()


def _version(text):
    try:
        return Version(text)
    except (InvalidVersion, TypeError):
        return None


def _in_range(version, events):
    """OSV's ECOSYSTEM range rule: affected from each `introduced` until a `fixed` or past a `last_affected`."""
    points = []
    for event in events:
        kind, value = next(iter(event.items()), (None, None)) if isinstance(event, dict) else (None, None)
        if kind == "introduced" and value == "0":
            points.append((Version("0"), 0, kind))
            continue
        parsed = _version(value)
        if parsed is None:
            continue
        points.append((parsed, {"introduced": 0, "fixed": 1, "last_affected": 2, "limit": 3}.get(kind, 4), kind))
    affected = False
    for point, _order, kind in sorted(points):
        if kind == "introduced" and version >= point:
            affected = True
        elif (kind == "fixed" and version >= point) or (kind == "last_affected" and version > point):
            affected = False
    return affected


def affects(record, name, version_text):
    """Whether an OSV record names this PyPI package at this version (listed, or inside an ECOSYSTEM range)."""
    if record.get("withdrawn"):
        return False
    version = _version(version_text)
    for affected in record.get("affected", []):
        package = affected.get("package", {})
        if package.get("ecosystem") != "PyPI" or canonical(package.get("name", "")) != name:
            continue
        if version_text in affected.get("versions", []):
            return True
        if version is None:
            continue
        for span in affected.get("ranges", []):
            if span.get("type") == "ECOSYSTEM" and _in_range(version, span.get("events", [])):
                return True
    return False


def load_advisories(path):
    """The shipped file: {"meta": {...}, "vulns": [OSV record, ...]}, with a clear error when it is not."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise AuditError(f"{path}: no such file. Run `scripts/audit_deps.py build` to create it.") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise AuditError(
            f"{path}: not a JSON advisory file ({error}). Rebuild it with `scripts/audit_deps.py build`."
        ) from None
    if not isinstance(data, dict) or not isinstance(data.get("vulns"), list):
        raise AuditError(f'{path}: expected an object with a "vulns" list of OSV records.')
    for number, record in enumerate(data["vulns"], 1):
        if (
            not isinstance(record, dict)
            or not isinstance(record.get("id"), str)
            or not isinstance(record.get("affected"), list)
        ):
            raise AuditError(f'{path}: record {number} is not an OSV record (it needs an "id" and an "affected" list).')
    return data


def index_by_package(records):
    index = {}
    for record in records:
        for affected in record["affected"]:
            package = affected.get("package", {})
            if package.get("ecosystem") == "PyPI" and package.get("name"):
                index.setdefault(canonical(package["name"]), []).append(record)
    return index


def _answer(record, name):
    """The record as OSV's API would answer it, with the package spelled as pip-audit asked."""
    answer = dict(record)
    answer["affected"] = [
        {**affected, "package": {**affected["package"], "name": name}}
        if canonical(affected.get("package", {}).get("name", "")) == name
        else affected
        for affected in record["affected"]
    ]
    return answer


def serve(index):
    """Start an OSV-compatible /v1/query endpoint on 127.0.0.1 (a free port); return the server."""

    class Query(BaseHTTPRequestHandler):
        def do_POST(self):
            if urllib.parse.urlsplit(self.path).path != "/v1/query":
                return self._send(404, {"error": "only /v1/query is served"})
            length = int(self.headers.get("Content-Length") or 0)
            if not 0 < length <= MAX_QUERY_BYTES:
                return self._send(400, {"error": "a query is a small JSON object"})
            try:
                query = json.loads(self.rfile.read(length))
                name = canonical(query["package"]["name"])
                version = str(query["version"])
            except (ValueError, KeyError, TypeError):
                return self._send(400, {"error": 'expected {"package": {"name": ...}, "version": ...}'})
            vulns = [_answer(record, name) for record in index.get(name, []) if affects(record, name, version)]
            self._send(200, {"vulns": vulns} if vulns else {})

        def _send(self, status, body):
            payload = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, format, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Query)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def osv_reachable(timeout=4.0):
    host = urllib.parse.urlsplit(OSV_API).hostname
    try:
        with socket.create_connection((host, 443), timeout=timeout):
            return True
    except OSError:
        return False


def newest_modified(records):
    stamps = [record.get("modified", "") for record in records if isinstance(record.get("modified"), str)]
    return max(stamps, default="")


def ignored_ids(path):
    """Advisory ids to set aside, one per line with its reason after "#": a line without a reason is refused."""
    path = Path(path)
    if not path.exists():
        return []
    ids = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        ident, _, reason = line.partition("#")
        if not ident.strip() or len(ident.split()) != 1 or not reason.strip():
            raise AuditError(f'{path}, line {number}: write "ID  # why it does not apply, and where that is shown".')
        ids.append(ident.strip())
    return ids


def check(args):
    pip_audit = [sys.executable, "-m", "pip_audit", "-s", "osv", "--progress-spinner", "off", "--strict"]
    for ident in ignored_ids(args.ignore):
        pip_audit += ["--ignore-vuln", ident]
    extra = args.pip_audit_args[1:] if args.pip_audit_args[:1] == ["--"] else args.pip_audit_args
    online = args.service == "online" or (args.service == "auto" and osv_reachable())
    if online:
        print(f"audit: asking OSV's API ({OSV_API})", flush=True)
        return subprocess.call([*pip_audit, *extra])  # noqa: S603 - our own interpreter running pip-audit
    data = load_advisories(args.advisories)
    records = data["vulns"]
    index = index_by_package(records)
    newest = newest_modified(records)
    print(
        f"audit: offline, against {args.advisories} ({len(records)} advisories for {len(index)} packages; "
        f"newest record modified {newest[:10] or 'never'})",
        flush=True,
    )
    if newest:
        age = (dt.datetime.now(dt.UTC).date() - dt.date.fromisoformat(newest[:10])).days
        if age > args.max_age_days:
            print(
                f"audit: warning: the advisory file's newest record is {age} days old; refresh it where the "
                "network reaches OSV: `scripts/audit_deps.py build` (SECURITY.md).",
                file=sys.stderr,
                flush=True,
            )
    server = serve(index)
    try:
        with tempfile.TemporaryDirectory() as cache:
            url = f"http://127.0.0.1:{server.server_address[1]}/v1/query"
            return subprocess.call([*pip_audit, "--osv-url", url, "--cache-dir", cache, *extra])  # noqa: S603
    finally:
        server.shutdown()
        server.server_close()


def _yaml_record(text, origin):
    import yaml  # only needed for the PyPA database's YAML files

    def plain(value):
        if isinstance(value, dt.datetime):
            stamp = value if value.tzinfo else value.replace(tzinfo=dt.UTC)
            return stamp.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ").replace(".000000Z", "Z")
        if isinstance(value, dt.date):
            return value.isoformat()
        if isinstance(value, dict):
            return {str(key): plain(item) for key, item in value.items()}
        if isinstance(value, list):
            return [plain(item) for item in value]
        return value

    try:
        return plain(yaml.safe_load(text))
    except yaml.YAMLError as error:
        raise AuditError(f"{origin}: not valid YAML ({error}).") from None


def read_source(source):
    """Yield (origin, record) from a folder of .yaml/.json files, a zip of them, or an http(s) URL of a zip."""
    if re.match(r"https?://", source):
        print(f"build: downloading {source}", flush=True)
        try:
            with urllib.request.urlopen(source, timeout=120) as response:  # noqa: S310 - an http(s) URL, checked above
                payload = response.read()
        except OSError as error:
            raise AuditError(f"{source}: could not download ({error}). Offline, pass --source a folder or a zip.") from None
        yield from read_zip(zipfile.ZipFile(io.BytesIO(payload)), source)
        return
    path = Path(source)
    if path.is_dir():
        for file in sorted(path.rglob("*")):
            if file.suffix in {".yaml", ".yml", ".json"} and file.is_file() and not file.is_symlink():
                text = file.read_text(encoding="utf-8")
                yield str(file), (json.loads(text) if file.suffix == ".json" else _yaml_record(text, file))
    elif zipfile.is_zipfile(path):
        yield from read_zip(zipfile.ZipFile(path), source)
    else:
        raise AuditError(f"{source}: not a folder of OSV files, a zip of them, or an http(s) URL.")


def read_zip(archive, origin):
    for info in archive.infolist():
        if info.filename.endswith(".json") and not info.is_dir():
            yield f"{origin}!{info.filename}", json.loads(archive.read(info))


def build(args):
    installed = {canonical(dist.metadata["Name"]) for dist in metadata.distributions() if dist.metadata["Name"]}
    kept = {}
    seen = unreviewed = 0
    for origin, record in read_source(args.source):
        seen += 1
        if not isinstance(record, dict) or not isinstance(record.get("id"), str):
            raise AuditError(f"{origin}: not an OSV record (no id).")
        if record["id"].startswith("PYSEC-0000-"):
            unreviewed += 1  # the PyPA database's triage entries: unreviewed, not yet published to OSV
            continue
        names = {
            canonical(affected.get("package", {}).get("name", ""))
            for affected in record.get("affected") or []
            if affected.get("package", {}).get("ecosystem") == "PyPI"
        }
        if args.all or names & installed:
            kept[record["id"]] = record
    records = sorted(kept.values(), key=lambda record: record["id"])
    data = {
        "meta": {
            "about": "OSV records of known vulnerabilities in PyPI packages, read by scripts/audit_deps.py check",
            "source": args.describe or args.source,
            "built": dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "newest_record_modified": newest_modified(records),
            "license": "OSV data: CC-BY-4.0 (PyPA Advisory Database) and the licenses of the databases OSV aggregates",
            "packages": sorted(installed) if not args.all else "all",
        },
        "vulns": records,
    }
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(data, indent=1, ensure_ascii=False, sort_keys=True) + "\n", encoding="utf-8")
    print(f"build: {len(records)} of {seen} records kept in {out} ({unreviewed} unreviewed PYSEC-0000 entries left out)")
    return 0


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawTextHelpFormatter)
    verbs = parser.add_subparsers(dest="verb", required=True)
    audit = verbs.add_parser("check", help="run pip-audit against OSV, or against the shipped file offline")
    audit.add_argument("--advisories", default=str(ADVISORIES), help="the OSV records to serve offline")
    audit.add_argument("--ignore", default=str(IGNORED), help="advisory ids set aside, each with its reason")
    audit.add_argument("--service", choices=["auto", "online", "offline"], default="auto")
    audit.add_argument("--max-age-days", type=int, default=90, help="warn when the file's newest record is older")
    audit.add_argument("pip_audit_args", nargs=argparse.REMAINDER, help="after --: arguments for pip-audit")
    refresh = verbs.add_parser("build", help="write the advisory file from OSV records")
    refresh.add_argument("--source", default=OSV_EXPORT, help="a folder of OSV files, a zip of them, or its URL")
    refresh.add_argument("--out", default=str(ADVISORIES))
    refresh.add_argument("--describe", default="", help="how to name the source in the file (default: --source)")
    refresh.add_argument("--all", action="store_true", help="keep every record, not only installed packages'")
    args = parser.parse_args(argv)
    try:
        return check(args) if args.verb == "check" else build(args)
    except AuditError as error:
        print(f"audit: error: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
