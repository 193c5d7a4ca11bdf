#!/usr/bin/env bash
# Runs the whole GridActors test suite and ends with one line: "N passed, N failed[, N skipped]".
#
# PostgreSQL: tests that need it read GRIDACTORS_TEST_POSTGRES (an Npgsql connection string to a database
# from which they may CREATE DATABASE). When it is not set, this script starts a throwaway PostgreSQL
# server of its own (installing PostgreSQL from apt first when it is missing and we are root) and stops
# it at the end. If no server can be had, those tests fail; they never pass or skip silently.
# The console's browser tests need Chromium: Debian's chromium and fonts-noto-cjk are installed the same way.
set -uo pipefail
cd "$(dirname "$0")"

PG_DIR=""
cleanup() {
  if [ -n "$PG_DIR" ] && [ -f "$PG_DIR/data/postmaster.pid" ]; then
    run_as_pg "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m fast stop >/dev/null 2>&1 || true
  fi
  [ -n "$PG_DIR" ] && rm -rf "$PG_DIR"
}
trap cleanup EXIT

run_as_pg() {
  if [ "$(id -u)" = "0" ]; then
    # initdb and postgres refuse to run as root.
    su postgres -s /bin/bash -c "$(printf '%q ' "$@")"
  else
    "$@"
  fi
}

find_pg_bin() {
  local d
  for d in /usr/lib/postgresql/*/bin; do
    [ -x "$d/initdb" ] && { echo "$d"; return 0; }
  done
  command -v initdb >/dev/null 2>&1 && { dirname "$(command -v initdb)"; return 0; }
  return 1
}

start_postgres() {
  PG_BIN=$(find_pg_bin)
  if [ -z "$PG_BIN" ] && [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    echo "test.sh: installing PostgreSQL from apt" >&2
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null) >&2 || true
    PG_BIN=$(find_pg_bin)
  fi
  if [ -z "$PG_BIN" ]; then
    echo "test.sh: PostgreSQL is not installed and cannot be installed here; its tests will fail" >&2
    return 1
  fi
  local port=$((55000 + RANDOM % 400))
  PG_DIR=$(mktemp -d /tmp/gridactors-pg.XXXXXX)
  chmod 755 "$PG_DIR"
  [ "$(id -u)" = "0" ] && chown postgres "$PG_DIR"
  run_as_pg "$PG_BIN/initdb" -D "$PG_DIR/data" -U postgres -A trust -E UTF8 >/dev/null || return 1
  run_as_pg "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -w -l "$PG_DIR/server.log" \
    -o "-p $port -k $PG_DIR -c listen_addresses=127.0.0.1 -c max_connections=300 -c fsync=on -c synchronous_commit=on" start >/dev/null || {
      cat "$PG_DIR/server.log" >&2; return 1; }
  export GRIDACTORS_TEST_POSTGRES="Host=127.0.0.1;Port=$port;Username=postgres;Database=postgres"
  echo "test.sh: PostgreSQL $("$PG_BIN/postgres" --version | awk '{print $3}') on port $port" >&2
}

if [ -z "${GRIDACTORS_TEST_POSTGRES:-}" ]; then
  start_postgres || true
fi

# The console's browser tests drive Debian's chromium (Playwright's own browser download is not used) and need CJK
# fonts to draw Chinese pages. Installed here when missing and we are root; without a browser those tests fail.
if { [ ! -x /usr/lib/chromium/chromium ] || ! fc-list 2>/dev/null | grep -qi "Noto Sans CJK"; } && [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "test.sh: installing chromium and fonts-noto-cjk from apt" >&2
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk >/dev/null) >&2 || true
fi

LOG=$(mktemp)
dotnet test GridActors.sln -c Release --nologo 2>&1 | tee "$LOG"
STATUS=${PIPESTATUS[0]}

# Every test project prints one summary line: "Passed!  - Failed: 0, Passed: 12, Skipped: 0, Total: 12, ...".
read -r PASSED FAILED SKIPPED < <(grep -E '(Passed|Failed)! +- Failed: +[0-9]+, Passed: +[0-9]+, Skipped: +[0-9]+' "$LOG" |
  sed -E 's/.*Failed: +([0-9]+), Passed: +([0-9]+), Skipped: +([0-9]+).*/\2 \1 \3/' |
  awk '{p+=$1; f+=$2; s+=$3} END {print p+0, f+0, s+0}')
rm -f "$LOG"
if [ "$STATUS" -ne 0 ] && [ "$FAILED" -eq 0 ]; then
  # The build or a test host broke before tests could report: count it as a failure, never as a pass.
  FAILED=1
fi
if [ "$SKIPPED" -gt 0 ]; then
  echo "$PASSED passed, $FAILED failed, $SKIPPED skipped"
else
  echo "$PASSED passed, $FAILED failed"
fi
[ "$FAILED" -eq 0 ]
