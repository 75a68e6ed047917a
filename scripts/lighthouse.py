#!/usr/bin/env python
"""Lighthouse (mobile) scores of the public pages, measured against the production server on 127.0.0.1.

    make lighthouse                                     # npm ci in tools/lighthouse, then this script
    .venv/bin/python scripts/lighthouse.py --runs 3     # the same, once tools/lighthouse/node_modules exists
    .venv/bin/python scripts/lighthouse.py --page nrf --runs 1 --no-fail

Builds a throwaway SQLite database and static root in a temporary folder, loads the seed, collects the
static files, and starts gunicorn with production settings (debug off, a random secret key, HTTPS-only
settings off: what `make serve` runs) on 127.0.0.1:8015. Each page is requested once so the public page
cache is warm, then Lighthouse (tools/lighthouse, pinned in its package-lock.json) audits it --runs times
with its defaults: mobile form factor, simulated throttling, all four categories. Chromium is
$CHROME_PATH (default /usr/bin/chromium), started with --headless=new --no-sandbox.

Reports: test-artifacts/lighthouse/<page>-run<N>.report.{json,html}, and summary.json. It prints the median
score of each category per page, and every audit scoring below 1 with its top items (selectors, sizes).
It exits 1 when a median is below --threshold (95), unless --no-fail.
"""

import argparse
import json
import os
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import urllib.request
from pathlib import Path

# The local production server's helpers, shared with the load test (this script's folder is on sys.path).
from reliability import run, wait_for

ROOT = Path(__file__).resolve().parent.parent
GUNICORN = str(ROOT / ".venv" / "bin" / "gunicorn")
LIGHTHOUSE = ROOT / "tools" / "lighthouse" / "node_modules" / ".bin" / "lighthouse"
OUTPUT = ROOT / "test-artifacts" / "lighthouse"
PORT = 8015
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
SHORT = {"performance": "Perf", "accessibility": "A11y", "best-practices": "BP", "seo": "SEO"}
# name -> path; the NRF's own page is /entities/nrf/ (slug "nrf" in fixtures/seed/entities.csv); the same page
# in Dari and the timeline in Pashto are right to left, with the Arabic-script font.
PAGES = {
    "home": "/",
    "nrf": "/entities/nrf/",
    "timeline": "/events/",
    "nrf-dari": "/prs/entities/nrf/",
    "timeline-pashto": "/ps/events/",
}
ITEMS_SHOWN = 8


def manage(*args, env):
    result = run(*args, env=env, check=False)
    if result.returncode:
        sys.exit(f"manage.py {' '.join(args)} failed:\n{result.stdout}{result.stderr}")


def start_server(scratch, port):
    """Scratch database and static root, the seed, and gunicorn as `make serve` starts it."""
    env = {
        **os.environ,
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_SECURE_HTTPS": "false",
        "DJANGO_ALLOWED_HOSTS": "localhost,127.0.0.1,[::1]",
        "DATABASE_URL": f"sqlite:///{scratch / 'db.sqlite3'}",
        "DJANGO_STATIC_ROOT": str(scratch / "static"),
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "GUNICORN_LOG_LEVEL": "warning",
    }
    print("Preparing a scratch database (migrate, load_seed) and static files (collectstatic)…", flush=True)
    manage("collectstatic", "--no-input", "-v0", env=env)
    manage("migrate", "--no-input", "-v0", env=env)
    manage("load_seed", env=env)
    log = scratch / "gunicorn.log"
    stream = log.open("w")
    process = subprocess.Popen(  # noqa: S603
        [GUNICORN, "-c", "gunicorn.conf.py", "--access-logfile", "/dev/null", "nrfsite.wsgi"],
        cwd=ROOT,
        env=env,
        stdout=stream,
        stderr=subprocess.STDOUT,
    )
    try:
        wait_for(f"http://127.0.0.1:{port}/healthz", log)
    except BaseException:
        process.terminate()
        process.wait(timeout=40)
        raise
    return process, log


def lighthouse(url, stem, chrome_path, attempts=3):
    """One Lighthouse run; the parsed JSON report (HTML beside it).

    Lighthouse now and then fails to find the navigation in Chromium's trace (NO_NAVSTART, "Please run
    Lighthouse again"): such a run is tried again, up to `attempts` times in all.
    """
    command = [
        str(LIGHTHOUSE),
        url,
        "--quiet",
        "--output=json",
        "--output=html",
        f"--output-path={stem}",
        "--only-categories=" + ",".join(CATEGORIES),
        "--chrome-flags=--headless=new --no-sandbox",
    ]
    for attempt in range(1, attempts + 1):
        result = subprocess.run(  # noqa: S603
            command, env={**os.environ, "CHROME_PATH": chrome_path}, capture_output=True, text=True, check=False
        )
        report = Path(f"{stem}.report.json")
        data = json.loads(report.read_text()) if report.exists() else {}
        error = (data.get("runtimeError") or {}).get("message") or (result.returncode and result.stdout + result.stderr)
        if data and not error:
            return data
        if attempt < attempts:
            print(f"    lighthouse failed on {url} (attempt {attempt}), trying again: {short(error, 200)}", flush=True)
    sys.exit(f"lighthouse failed on {url} (exit {result.returncode}):\n{result.stdout}{result.stderr}")


def scores(report):
    return {
        name: (None if report["categories"][name]["score"] is None else round(report["categories"][name]["score"] * 100))
        for name in CATEGORIES
    }


def failing_audits(report):
    """(category, weight, audit) for every scored audit below 1 in one report."""
    found = []
    for name in CATEGORIES:
        for ref in report["categories"][name]["auditRefs"]:
            audit = report["audits"][ref["id"]]
            if audit["scoreDisplayMode"] in ("manual", "notApplicable", "informative", "error"):
                continue
            if audit["score"] is not None and audit["score"] < 1:
                found.append((name, ref.get("weight", 0), audit))
    return found


def short(text, length=160):
    text = " ".join(str(text).split())
    return text if len(text) <= length else text[: length - 1] + "…"


def describe_node(node):
    parts = [node.get("selector") or node.get("path") or ""]
    rect = node.get("boundingRect")
    if rect:
        parts.append(
            f"{rect.get('width', 0):g}×{rect.get('height', 0):g}px at ({rect.get('left', 0):g},{rect.get('top', 0):g})"
        )
    if node.get("nodeLabel"):
        parts.append(f"label {short(node['nodeLabel'], 60)!r}")
    if node.get("snippet"):
        parts.append(short(node["snippet"], 140))
    if node.get("explanation"):
        parts.append("— " + short(node["explanation"], 300))
    return " | ".join(p for p in parts if p)


def describe_value(value):
    if isinstance(value, dict):
        if value.get("type") == "node":
            return describe_node(value)
        if value.get("type") == "source-location":
            return f"{value.get('url', '')}:{value.get('line', '')}:{value.get('column', '')}"
        if value.get("type") in ("code", "url", "text", "numeric", "ms", "bytes"):
            return short(value.get("value", ""), 120)
        return None
    if isinstance(value, float):
        return f"{value:.1f}"
    if isinstance(value, (str, int)):
        return short(value, 140)
    return None


def describe_item(item):
    fields = []
    for key, value in item.items():
        if key == "subItems":
            continue
        text = describe_value(value)
        if text not in (None, ""):
            fields.append(text if isinstance(value, dict) and value.get("type") == "node" else f"{key}={text}")
    lines = ["; ".join(fields)]
    for sub in (item.get("subItems") or {}).get("items", [])[:4]:
        lines.append(
            "    ↳ "
            + "; ".join(
                t if isinstance(v, dict) and v.get("type") == "node" else f"{k}={t}"
                for k, v in sub.items()
                if (t := describe_value(v)) not in (None, "")
            )
        )
    return lines


def network_chains(chains, depth=0):
    """The request chains of a network-tree, one line per request, indented by depth."""
    lines = []
    for chain in chains.values():
        lines.append(
            {
                "request": "  " * depth + chain.get("url", ""),
                "endMs": chain.get("navStartToEndTime"),
                "transferSize": chain.get("transferSize"),
            }
        )
        lines += network_chains(chain.get("children") or {}, depth + 1)
    return lines


def audit_items(audit):
    """The rows of an audit's details, whatever their shape (table, opportunity, checklist, list of sections)."""
    details = audit.get("details") or {}
    items = details.get("items") or []
    if details.get("type") == "checklist":  # {key: {label, value: passed}}: only the checks that fail
        return [{"check": check["label"]} for check in items.values() if not check.get("value")]
    if details.get("type") == "list":  # sections: tables, a network tree, or text
        rows = []
        for section in items:
            value = section.get("value", section)
            if value.get("type") == "network-tree":
                rows += network_chains(value.get("chains") or {})
            elif isinstance(value.get("items"), list):
                rows += value["items"]
            elif value.get("type") == "text" and section.get("title"):
                rows.append({section["title"]: value.get("value", "")})
        return rows
    return items if isinstance(items, list) else []


def report_audits(runs, median_run):
    """Every audit failing in any run, with its items from the median run (or the first run it failed)."""
    failed = {}
    for index, report in enumerate(runs):
        for category, weight, audit in failing_audits(report):
            entry = failed.setdefault(audit["id"], {"category": category, "weight": weight, "runs": [], "audit": None})
            entry["runs"].append(index)
            if index == median_run or entry["audit"] is None:
                entry["audit"] = audit
    lines = []
    for audit_id, entry in sorted(failed.items(), key=lambda kv: (CATEGORIES.index(kv[1]["category"]), -kv[1]["weight"])):
        audit = entry["audit"]
        value = f" — {audit['displayValue']}" if audit.get("displayValue") else ""
        lines.append(
            f"  [{SHORT[entry['category']]}] {audit_id}: {audit['title']} (score {audit['score']:.2f}, weight "
            f"{entry['weight']}, failed in {len(entry['runs'])}/{len(runs)} runs){value}"
        )
        items = audit_items(audit)
        # Every item of an audit that costs points; the first few of one that does not (weight 0).
        shown = items if entry["weight"] else items[:ITEMS_SHOWN]
        for item in shown:
            for line in describe_item(item):
                lines.append("      - " + line if not line.startswith("    ↳") else "      " + line)
        if len(items) > len(shown):
            lines.append(f"      … and {len(items) - len(shown)} more (see the HTML report)")
    return lines, failed


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=3, help="Lighthouse runs per page; medians are reported (default 3)")
    parser.add_argument("--threshold", type=int, default=95, help="lowest acceptable median score (default 95)")
    parser.add_argument("--no-fail", action="store_true", help="report only: exit 0 whatever the scores")
    parser.add_argument("--page", action="append", choices=sorted(PAGES), help="audit only this page (repeatable)")
    parser.add_argument("--port", type=int, default=PORT, help=f"where gunicorn listens (default {PORT})")
    parser.add_argument("--output", type=Path, default=OUTPUT, help="report folder (default test-artifacts/lighthouse)")
    args = parser.parse_args()

    if not LIGHTHOUSE.exists():
        sys.exit(f"{LIGHTHOUSE} is missing: run `npm ci` in tools/lighthouse (or `make lighthouse`).")
    chrome_path = os.environ.get("CHROME_PATH", "/usr/bin/chromium")
    if not Path(chrome_path).exists():
        sys.exit(f"No Chromium at {chrome_path}: run `make system-packages` or set CHROME_PATH.")
    args.output.mkdir(parents=True, exist_ok=True)
    pages = {name: PAGES[name] for name in (args.page or PAGES)}
    for name in pages:  # reports of an earlier measurement with more runs would otherwise stay beside these
        for stale in args.output.glob(f"{name}-run*.report.*"):
            stale.unlink()

    scratch = Path(tempfile.mkdtemp(prefix="nrfsite-lighthouse-"))
    server = None
    try:
        server, _log = start_server(scratch, args.port)
        base = f"http://127.0.0.1:{args.port}"
        version = subprocess.run(  # noqa: S603
            [str(LIGHTHOUSE), "--version"], capture_output=True, text=True, check=False
        ).stdout.strip()
        print(f"Lighthouse {version}, mobile, default throttling, {args.runs} run(s) per page, Chromium {chrome_path}")
        results = {}
        for name, path in pages.items():
            url = base + path
            urllib.request.urlopen(url, timeout=30).read()  # noqa: S310 - warm the public page cache
            runs = []
            for run in range(1, args.runs + 1):
                report = lighthouse(url, args.output / f"{name}-run{run}", chrome_path)
                runs.append(report)
                print(
                    f"  {name} run {run}: "
                    + "  ".join(f"{SHORT[c]} {s}" for c, s in scores(report).items())
                    + f"  (TBT {report['audits']['total-blocking-time']['numericValue']:.0f} ms, Lighthouse CPU"
                    f" benchmark index {report['environment']['benchmarkIndex']:.0f}, load {os.getloadavg()[0]:.1f})",
                    flush=True,
                )
            results[name] = runs
    finally:
        if server:
            server.terminate()
            server.wait(timeout=40)
        shutil.rmtree(scratch, ignore_errors=True)

    summary, failures, below = {}, [], []
    for name, runs in results.items():
        per_run = [scores(r) for r in runs]
        medians = {c: statistics.median_low([s[c] for s in per_run if s[c] is not None] or [0]) for c in CATEGORIES}
        # The run whose performance score is the median stands for the page (its audits are listed first).
        perf = [s["performance"] or 0 for s in per_run]
        median_run = perf.index(statistics.median_low(perf))
        lines, failed = report_audits(runs, median_run)
        failures.append((name, lines))
        below += [f"{name} {c} {medians[c]}" for c in CATEGORIES if medians[c] < args.threshold]
        summary[name] = {
            "url": pages[name],
            "median": medians,
            "runs": per_run,
            "median_run": median_run + 1,
            "benchmark_index": [r["environment"]["benchmarkIndex"] for r in runs],
            "failing_audits": {
                k: {
                    "category": v["category"],
                    "weight": v["weight"],
                    "failed_runs": len(v["runs"]),
                    "title": v["audit"]["title"],
                    "score": v["audit"]["score"],
                    "display_value": v["audit"].get("displayValue"),
                }
                for k, v in failed.items()
            },
        }
    (args.output / "summary.json").write_text(json.dumps(summary, indent=2) + "\n")

    print(f"\nMedian of {args.runs} run(s) (per-run performance in brackets):\n")
    print("| Page | URL | " + " | ".join(CATEGORIES) + " |")
    print("|---|---|" + "---:|" * len(CATEGORIES))
    for name, data in summary.items():
        perf_runs = ", ".join(str(s["performance"]) for s in data["runs"])
        cells = [f"{data['median']['performance']} ({perf_runs})"] + [str(data["median"][c]) for c in CATEGORIES[1:]]
        print(f"| {name} | {data['url']} | " + " | ".join(cells) + " |")
    print("\nAudits scoring below 1 (items from the median-performance run):")
    for name, lines in failures:
        print(f"\n{name} ({PAGES[name]}):")
        print("\n".join(lines) if lines else "  none")
    print(f"\nReports: {args.output.relative_to(ROOT) if args.output.is_relative_to(ROOT) else args.output}/")
    if below:
        print(f"\nBelow {args.threshold}: " + ", ".join(below))
        if not args.no_fail:
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
