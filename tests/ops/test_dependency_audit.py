"""The dependency audit: pip-audit's verdict against OSV records, offline from the shipped file."""

import http.server
import io
import json
import subprocess
import sys
import threading
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "audit_deps.py"
SHIPPED = ROOT / "security" / "advisories.json"


def audit(*args):
    return subprocess.run([sys.executable, str(SCRIPT), *args], capture_output=True, text=True, timeout=120, cwd=ROOT)


def check_pins(tmp_path, pins, *options):
    """Audit a requirements file of exact pins (no resolution, no network) and return pip-audit's JSON report."""
    requirements = tmp_path / "requirements.txt"
    requirements.write_text("".join(f"{pin}\n" for pin in pins))
    done = audit(
        "check", "--service", "offline", *options, "--", "-r", str(requirements), "--no-deps", "--disable-pip", "-f", "json"
    )
    assert done.returncode in (0, 1), done.stderr
    start = done.stdout.index("{")
    return done, {dep["name"]: dep for dep in json.loads(done.stdout[start:])["dependencies"]}


def record(ident, name, *, ranges=(), versions=(), **extra):
    return {
        "id": ident,
        "modified": "2026-11-20T00:00:00Z",
        "summary": f"{ident} summary",
        "affected": [
            {
                "package": {"name": name, "ecosystem": "PyPI"},
                "ranges": [{"type": "ECOSYSTEM", "events": list(events)} for events in ranges],
                "versions": list(versions),
            }
        ],
        **extra,
    }


@pytest.fixture
def advisories(tmp_path):
    path = tmp_path / "advisories.json"
    path.write_text(
        json.dumps(
            {
                "meta": {},
                "vulns": [
                    record(
                        "T-RANGE",
                        "Alpha_Pkg",
                        ranges=[[{"introduced": "2.0"}, {"fixed": "2.3"}, {"introduced": "0"}, {"fixed": "1.5"}]],
                    ),
                    record("T-LAST", "beta", ranges=[[{"introduced": "1.0"}, {"last_affected": "1.4"}]]),
                    record("T-LISTED", "gamma", versions=["3.0rc1"]),
                    record("T-GONE", "delta", ranges=[[{"introduced": "0"}]], withdrawn="2026-01-01T00:00:00Z"),
                ],
            }
        )
    )
    return path


@pytest.mark.parametrize(
    ("pin", "expected"),
    [
        ("alpha-pkg==1.2", ["T-RANGE"]),  # inside the first span, the name normalized as PEP 503 says
        ("alpha-pkg==1.5", []),  # the fixed version itself is safe
        ("alpha-pkg==2.2.9", ["T-RANGE"]),  # inside the second span (events come in any order)
        ("alpha-pkg==2.3", []),
        ("beta==1.4", ["T-LAST"]),  # last_affected is affected
        ("beta==1.4.1", []),
        ("beta==0.9", []),  # before introduced
        ("gamma==3.0rc1", ["T-LISTED"]),  # listed by version
        ("gamma==3.0", []),
        ("delta==1.0", []),  # withdrawn records never count
    ],
)
def test_a_pin_is_affected_exactly_when_the_record_says_so(tmp_path, advisories, pin, expected):
    done, report = check_pins(tmp_path, [pin], "--advisories", str(advisories))

    name = pin.split("==")[0]
    assert [vuln["id"] for vuln in report[name]["vulns"]] == expected
    assert done.returncode == (1 if expected else 0)


def test_an_affected_pin_is_reported_with_the_version_that_fixes_it(tmp_path, advisories):
    _done, report = check_pins(tmp_path, ["alpha-pkg==2.1"], "--advisories", str(advisories))

    assert report["alpha-pkg"]["vulns"][0]["fix_versions"] == ["1.5", "2.3"]


def test_the_shipped_file_flags_an_old_django_and_names_real_advisories(tmp_path):
    shipped = {vuln["id"] for vuln in json.loads(SHIPPED.read_text())["vulns"]}

    done, report = check_pins(tmp_path, ["Django==4.2.0", "urllib3==1.26.0", "setuptools==65.5.0"])

    assert done.returncode == 1
    for name in ("django", "urllib3", "setuptools"):
        found = {vuln["id"] for vuln in report[name]["vulns"]}
        assert found, f"{name}: no advisory found"
        assert found <= shipped


def test_the_installed_environment_has_no_known_vulnerability():
    """The gate: every package this virtualenv holds (the app's and the tools') is clear of the shipped advisories."""
    done = audit("check", "--service", "offline")

    assert done.returncode == 0, done.stdout + done.stderr
    assert "No known vulnerabilities found" in done.stdout + done.stderr


def test_a_broken_advisory_file_is_a_clear_error_not_a_clean_audit(tmp_path):
    broken = tmp_path / "advisories.json"
    for content, message in [
        ("{not json", "not a JSON advisory file"),
        ('{"vulns": {}}', '"vulns" list'),
        ('{"vulns": [{"id": "X"}]}', "record 1 is not an OSV record"),
    ]:
        broken.write_text(content)

        done = audit("check", "--service", "offline", "--advisories", str(broken))

        assert done.returncode == 2
        assert message in done.stderr
    done = audit("check", "--service", "offline", "--advisories", str(tmp_path / "missing.json"))
    assert done.returncode == 2
    assert "no such file" in done.stderr


def test_an_ignored_advisory_needs_its_reason(tmp_path, advisories):
    ignore = tmp_path / "ignore.txt"
    ignore.write_text("T-RANGE  # fixed upstream in 1.2.1, see the changelog\n")
    done, report = check_pins(tmp_path, ["alpha-pkg==1.2"], "--advisories", str(advisories), "--ignore", str(ignore))
    assert done.returncode == 0
    assert report["alpha-pkg"]["vulns"] == []

    ignore.write_text("T-RANGE\n")
    done = audit("check", "--service", "offline", "--advisories", str(advisories), "--ignore", str(ignore))
    assert done.returncode == 2
    assert "line 1" in done.stderr and "why it does not apply" in done.stderr


def test_every_advisory_the_project_sets_aside_is_in_the_shipped_file_and_says_why():
    shipped = {vuln["id"] for vuln in json.loads(SHIPPED.read_text())["vulns"]}
    lines = [line for line in (ROOT / "security" / "audit-ignore.txt").read_text().splitlines() if line and line[0] != "#"]
    for line in lines:
        ident, _, reason = line.partition("#")
        assert ident.strip() in shipped, f"{ident.strip()} is set aside but no longer in the advisory file: remove the line"
        assert "github.com" in reason or "http" in reason, f"{ident.strip()}: say where the fix is shown"


def test_build_leaves_out_the_databases_unreviewed_entries(tmp_path):
    folder = tmp_path / "vulns" / "django"
    folder.mkdir(parents=True)
    (folder / "PYSEC-0000-CVE-2099-9.yaml").write_text(YAML_RECORD.replace("PYSEC-2099-1", "PYSEC-0000-CVE-2099-9"))
    out = tmp_path / "advisories.json"

    done = audit("build", "--source", str(tmp_path / "vulns"), "--out", str(out))

    assert done.returncode == 0, done.stderr
    assert "0 of 1 records kept" in done.stdout and "1 unreviewed" in done.stdout
    assert json.loads(out.read_text())["vulns"] == []


def test_an_old_advisory_file_is_audited_with_a_warning_to_refresh_it(tmp_path):
    old = tmp_path / "advisories.json"
    old.write_text(json.dumps({"vulns": [dict(record("T-OLD", "zeta", versions=["9"]), modified="2020-01-01T00:00:00Z")]}))

    done, _report = check_pins(tmp_path, ["zeta==1"], "--advisories", str(old), "--max-age-days", "30")

    assert done.returncode == 0
    assert "days old; refresh it" in done.stderr


YAML_RECORD = """\
id: PYSEC-2099-1
modified: 2099-01-02T03:04:05Z
published: 2099-01-01T00:00:00Z
aliases:
- CVE-2099-0001
summary: A made-up hole in Django
affected:
- package:
    name: django
    ecosystem: PyPI
  ranges:
  - type: ECOSYSTEM
    events:
    - introduced: "0"
    - fixed: "99.0"
"""


def test_build_reads_a_folder_of_yaml_records_and_keeps_installed_packages_only(tmp_path):
    folder = tmp_path / "vulns"
    (folder / "django").mkdir(parents=True)
    (folder / "django" / "PYSEC-2099-1.yaml").write_text(YAML_RECORD)
    (folder / "not-installed").mkdir()
    (folder / "not-installed" / "PYSEC-2099-2.yaml").write_text(
        YAML_RECORD.replace("PYSEC-2099-1", "PYSEC-2099-2").replace("name: django", "name: surely-not-installed")
    )
    out = tmp_path / "advisories.json"

    done = audit("build", "--source", str(folder), "--out", str(out))

    assert done.returncode == 0, done.stderr
    assert "1 of 2 records kept" in done.stdout
    data = json.loads(out.read_text())
    assert [vuln["id"] for vuln in data["vulns"]] == ["PYSEC-2099-1"]
    assert data["vulns"][0]["modified"] == "2099-01-02T03:04:05Z"
    assert data["meta"]["newest_record_modified"] == "2099-01-02T03:04:05Z"
    _done, report = check_pins(tmp_path, ["Django==5.2.19"], "--advisories", str(out))
    assert [vuln["id"] for vuln in report["django"]["vulns"]] == ["PYSEC-2099-1"]


def test_build_downloads_osvs_zip_export(tmp_path):
    """The refresh path: OSV's PyPI/all.zip over HTTP (here from a server on 127.0.0.1)."""
    payload = io.BytesIO()
    with zipfile.ZipFile(payload, "w") as archive:
        archive.writestr("PYSEC-2099-3.json", json.dumps(record("PYSEC-2099-3", "Django", versions=["5.2.19"])))
        archive.writestr("GHSA-xxxx.json", json.dumps(record("GHSA-xxxx", "surely-not-installed", versions=["1"])))
    body = payload.getvalue()

    class Export(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Export)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    out = tmp_path / "advisories.json"
    try:
        done = audit("build", "--source", f"http://127.0.0.1:{server.server_address[1]}/PyPI/all.zip", "--out", str(out))
    finally:
        server.shutdown()
        server.server_close()

    assert done.returncode == 0, done.stderr
    assert [vuln["id"] for vuln in json.loads(out.read_text())["vulns"]] == ["PYSEC-2099-3"]


def test_build_from_an_unreachable_export_says_so_and_writes_nothing(tmp_path):
    out = tmp_path / "advisories.json"

    done = audit("build", "--source", "http://127.0.0.1:9/all.zip", "--out", str(out))

    assert done.returncode == 2
    assert "could not download" in done.stderr
    assert not out.exists()
