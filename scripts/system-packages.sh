#!/usr/bin/env bash
# The system packages the test suite needs, in one place: `make test` and `.ci/run` both run this.
#
#   chromium              /usr/bin/chromium (or $CHROMIUM_PATH): Playwright drives it in tests/browser/
#   default-jre-headless  java: runs vnu.jar, the W3C HTML checker (tests/site/test_html_valid.py)
#   nginx                 the worker-kill fault test behind nginx (tests/ops/test_faults.py)
#   postgresql-client     psql and pg_dump/pg_restore: the PostgreSQL runs (backup/restore test, .ci/run)
#   gettext               xgettext, msgmerge, msgfmt: `manage.py catalogs` (make messages, and its --check in the tests)
#   redis-server          the two-app-server deployment test starts its own Redis (tests/jobs/test_workers.py)
#
# Installs the missing ones with apt-get when it can (as root, or through sudo without a password;
# `apt-get update` first), otherwise stops with the exact command to run. The tests fail (never skip)
# without these programs, so a missing one stops `make test` before pytest starts.
#
#   scripts/system-packages.sh           check, and install what is missing
#   scripts/system-packages.sh --check   only check: list what is missing, exit 1 if anything is
set -euo pipefail

check_only=false
case "${1:-}" in
  "") ;;
  --check) check_only=true ;;
  *) echo "usage: $0 [--check]" >&2; exit 2 ;;
esac

have() { command -v "$1" >/dev/null 2>&1; }

missing() {
  local chromium="${CHROMIUM_PATH:-/usr/bin/chromium}"
  [ -x "$chromium" ] || echo chromium
  have java || echo default-jre-headless
  have nginx || [ -x /usr/sbin/nginx ] || echo nginx  # not on a normal user's PATH: `make test` adds /usr/sbin
  { have psql && have pg_dump && have pg_restore; } || echo postgresql-client
  { have xgettext && have msgmerge && have msgfmt; } || echo gettext
  have redis-server || [ -x /usr/bin/redis-server ] || echo redis-server
}

mapfile -t packages < <(missing)
if [ "${#packages[@]}" -eq 0 ]; then
  echo "system packages: chromium, java, nginx, psql/pg_dump, gettext, redis-server are present"
  exit 0
fi

command_line="sudo apt-get install ${packages[*]}"
stop() {
  {
    echo
    echo "The test suite needs these system packages, which are missing: ${packages[*]}"
    echo "$1"
    echo
    echo "    sudo apt-get update && $command_line"
    echo
    echo "then run make test again."
  } >&2
  exit 1
}

$check_only && stop "Install them with:"
command -v apt-get >/dev/null 2>&1 || stop "This machine has no apt-get; install the equivalents of these Debian packages, e.g. on Debian or Ubuntu:"

if [ "$(id -u)" -eq 0 ]; then
  as_root=(env DEBIAN_FRONTEND=noninteractive)
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
  as_root=(sudo -n env DEBIAN_FRONTEND=noninteractive)
else
  stop "Installing them needs root, and sudo is not available without a password here. Run:"
fi

echo "system packages: installing ${packages[*]}"
"${as_root[@]}" apt-get update -qq
"${as_root[@]}" apt-get install -y -qq "${packages[@]}"

mapfile -t packages < <(missing)
[ "${#packages[@]}" -eq 0 ] || stop "apt-get finished, but these are still missing (Chromium is looked for at ${CHROMIUM_PATH:-/usr/bin/chromium}):"
echo "system packages: chromium, java, nginx, psql/pg_dump, gettext are present"
