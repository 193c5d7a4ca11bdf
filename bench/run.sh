#!/usr/bin/env bash
# GridActors benchmarks (BENCHMARKS.md): builds Release, runs B1-B7 against the service on this machine and prints one
# table: figure, value, baseline measured in the same run, ratio, target, pass/fail.
#
#   ./bench/run.sh           the full run (about 25-35 minutes on 2 cores)
#   ./bench/run.sh --quick   the same machinery on small loads and short windows (under 3 minutes once built)
#
# The load generator (wrk, installed from apt when missing and we are root) runs on the same machine as the
# service, so every requests/s figure is read against a baseline measured the same way in the same run.
# PostgreSQL: GRIDACTORS_TEST_POSTGRES (an Npgsql connection string to a server where we may CREATE DATABASE), or,
# when unset, a throwaway server started here the way test.sh does (installed from apt when missing).
# Results: bench/results/latest.md (table), bench/results/latest-metrics.txt (every raw figure), logs in the
# work folder printed at the start (kept when the run fails).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)

MODE=full
NO_BUILD=0
# BENCH_STEPS: which parts to run (default all): kestrel sqlite pg b4 b5. The table shows what was measured.
BENCH_STEPS=${BENCH_STEPS:-kestrel sqlite pg b4 b5}
want() { [[ " $BENCH_STEPS " == *" $1 "* ]]; }
for arg in "$@"; do
  case "$arg" in
    --quick) MODE=quick ;;
    --no-build) NO_BUILD=1 ;;
    *) echo "usage: $0 [--quick] [--no-build]" >&2; exit 2 ;;
  esac
done

# Sizes: the issue's in a full run; small in a quick one. Each can be overridden from the environment
# (e.g. B5_COUNTS="100000" ./bench/run.sh); the table then shows the sizes that were run.
if [ "$MODE" = quick ]; then
  : "${WRK_SECONDS:=5}" "${WRK_WARMUP:=3}" "${RAW_SECONDS:=4}"
  : "${B4_SECONDS:=6}" "${B4_WARMUP:=10}"
  : "${B5_COUNTS:=10000}"
  : "${B6_SCALE:=0.05}" "${B6_COUNTIES:=0}" "${B6_PROVINCE_SCALE:=0.05}"
  : "${B7_COUNTIES:=1}" "${B7_ISSUES:=1000}" "${B7_REPEATS:=100}"
else
  : "${WRK_SECONDS:=20}" "${WRK_WARMUP:=20}" "${RAW_SECONDS:=20}"
  : "${B4_SECONDS:=60}" "${B4_WARMUP:=60}"
  : "${B5_COUNTS:=100000 1000000}"
  : "${B6_SCALE:=1}" "${B6_COUNTIES:=10}" "${B6_PROVINCE_SCALE:=1}"
  : "${B7_COUNTIES:=64}" "${B7_ISSUES:=100000}" "${B7_REPEATS:=300}"
fi
CONCURRENCY=64
WRK_THREADS=2

STARTED=$(date +%s)
WORK=$(mktemp -d /tmp/gridactors-bench.XXXXXX)
chmod 755 "$WORK"
METRICS="$WORK/metrics.txt"
RESULTS="$ROOT/bench/results"
mkdir -p "$RESULTS"
echo "bench: $MODE run, work folder $WORK" >&2
{
  echo "mode=$MODE"
  echo "wrk.shape=$WRK_THREADS threads, $CONCURRENCY connections, ${WRK_SECONDS} s after ${WRK_WARMUP} s warm-up, same machine"
  echo "load.start=$(cut -d' ' -f1-3 /proc/loadavg)"
} >"$METRICS"

PIDS=()
PG_DIR=""
cleanup() {
  local status=$?
  for pid in "${PIDS[@]}"; do
    kill -TERM "$pid" 2>/dev/null || true
  done
  for pid in "${PIDS[@]}"; do
    wait "$pid" 2>/dev/null || true
  done
  if [ -n "$PG_DIR" ] && [ -f "$PG_DIR/data/postmaster.pid" ]; then
    run_as_pg "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m fast stop >/dev/null 2>&1 || true
  fi
  [ -n "$PG_DIR" ] && rm -rf "$PG_DIR"
  if [ "$status" -eq 0 ]; then
    rm -rf "$WORK"
  else
    echo "bench: failed (status $status); logs kept in $WORK" >&2
  fi
}
trap cleanup EXIT

log() { echo "[$(($(date +%s) - STARTED)) s] $*" >&2; }

# ---- tools -----------------------------------------------------------------------------------------------
if ! command -v wrk >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    log "installing wrk from apt"
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null) >&2
  else
    echo "bench: wrk is missing (apt-get install wrk)" >&2
    exit 1
  fi
fi

if [ "$NO_BUILD" = 0 ]; then
  log "building Release"
  dotnet build bench/Harness/GridActors.Bench.csproj -c Release --nologo -v q -clp:ErrorsOnly >&2
  dotnet build bench/Baseline/GridActors.Bench.Baseline.csproj -c Release --nologo -v q -clp:ErrorsOnly >&2
fi
GATEWAY="$ROOT/src/Gateway/bin/Release/net10.0/GridActors.Gateway.dll"
BASELINE="$ROOT/bench/Baseline/bin/Release/net10.0/GridActors.Bench.Baseline.dll"
HARNESS_DLL="$ROOT/bench/Harness/bin/Release/net10.0/GridActors.Bench.dll"
harness() { dotnet "$HARNESS_DLL" "$@" --metrics "$METRICS"; }

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }

wait_ready() { # url pid name
  local i
  for i in $(seq 1 240); do
    if curl -sf -o /dev/null "$1/health/ready"; then return 0; fi
    if ! kill -0 "$2" 2>/dev/null; then echo "bench: $3 exited during start-up:" >&2; tail -30 "$WORK/$3.log" >&2; return 1; fi
    sleep 0.5
  done
  echo "bench: $3 not ready after 120 s" >&2; tail -30 "$WORK/$3.log" >&2
  return 1
}

stop_pid() {
  kill -TERM "$1" 2>/dev/null || true
  wait "$1" 2>/dev/null || true
}

# start_service NAME PORT [VAR=value ...]: the gateway co-hosting its silo, as `dotnet run` would start it, in Release.
start_service() {
  local name=$1 port=$2; shift 2
  mkdir -p "$WORK/$name"
  (cd "$WORK/$name" && exec env ASPNETCORE_URLS="http://127.0.0.1:$port" Auth__BootstrapAdminKey="$ADMIN_KEY" \
    RateLimits__PermitsPerSecond=100000000 RateLimits__Burst=100000000 \
    Orleans__SiloPort="$(free_port)" Orleans__GatewayPort="$(free_port)" Logging__LogLevel__Default=Warning \
    "$@" dotnet "$GATEWAY") >"$WORK/$name.log" 2>&1 &
  SERVICE_PID=$!
  PIDS+=("$SERVICE_PID")
  wait_ready "http://127.0.0.1:$port" "$SERVICE_PID" "$name"
}

# gc_watch KEY PID: reads every GC pause of PID over EventPipe until stopped (stop_pid $GC_PID).
gc_watch() {
  rm -f "$WORK/$1.ready"
  # exec: the background job's pid is the watcher itself, so stop_pid ends the window there.
  (exec dotnet "$HARNESS_DLL" gc-watch --pid "$2" --key "$1" --ready "$WORK/$1.ready" --metrics "$METRICS") >"$WORK/$1.gc.log" 2>&1 &
  GC_PID=$!
  PIDS+=("$GC_PID")
  local i
  for i in $(seq 1 60); do [ -f "$WORK/$1.ready" ] && return 0; sleep 0.5; done
  echo "bench: GC watch did not attach" >&2; cat "$WORK/$1.gc.log" >&2; return 1
}

# run_wrk KEY SCRIPT URL [VAR=value ...]: a warm-up run, then the measured run; records KEY.rps, KEY.non2xx, KEY.requests.
run_wrk() {
  local key=$1 script=$2 url=$3; shift 3
  env "$@" wrk -t"$WRK_THREADS" -c"$CONCURRENCY" -d"${WRK_WARMUP}s" --timeout 10s -s "$script" "$url" >"$WORK/$key.warmup.wrk"
  env "$@" wrk -t"$WRK_THREADS" -c"$CONCURRENCY" -d"${WRK_SECONDS}s" --timeout 10s --latency -s "$script" "$url" >"$WORK/$key.wrk"
  local rps non2xx requests warm
  rps=$(awk '/^Requests\/sec:/ {print $2}' "$WORK/$key.wrk")
  non2xx=$(awk -F': *' '/Non-2xx or 3xx responses/ {n+=$2} END {print n+0}' "$WORK/$key.wrk" "$WORK/$key.warmup.wrk")
  requests=$(awk '/requests in/ {n+=$1} END {print n+0}' "$WORK/$key.wrk" "$WORK/$key.warmup.wrk")
  echo "$key.rps=$rps" >>"$METRICS"
  echo "$key.non2xx=$non2xx" >>"$METRICS"
  echo "$key.requests=$requests" >>"$METRICS"
  echo "$key.timeouts=$(awk '/Socket errors/ {print $NF}' "$WORK/$key.wrk" | grep . || echo 0)" >>"$METRICS"
  log "$key: $rps requests/s (non-2xx: $non2xx; latency $(awk '/^    Latency/ {print $2" avg, "$4" max"}' "$WORK/$key.wrk"))"
}

ADMIN_KEY="bench-admin-$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')"

# ---- B1 baseline: bare Kestrel -------------------------------------------------------------------------------
if want kestrel; then
PORT=$(free_port)
mkdir -p "$WORK/kestrel"
(cd "$WORK/kestrel" && exec env ASPNETCORE_URLS="http://127.0.0.1:$PORT" dotnet "$BASELINE") >"$WORK/kestrel.log" 2>&1 &
KESTREL_PID=$!
PIDS+=("$KESTREL_PID")
wait_ready "http://127.0.0.1:$PORT" "$KESTREL_PID" kestrel
echo "/constant" >"$WORK/constant.txt"
log "B1 baseline: bare Kestrel"
run_wrk b1.baseline "$ROOT/bench/wrk/get.lua" "http://127.0.0.1:$PORT" BENCH_PATHS="$WORK/constant.txt" BENCH_KEY=none
stop_pid "$KESTREL_PID"
fi

# ---- B1 and B3: the service on its embedded SQLite profile ---------------------------------------------------------
if want sqlite; then
PORT=$(free_port)
URL="http://127.0.0.1:$PORT"
log "service on SQLite"
start_service sqlite "$PORT" Storage__Provider=Sqlite Storage__DataDirectory="$WORK/sqlite/data"
SQLITE_PID=$SERVICE_PID
gc_watch gc.sqlite "$SQLITE_PID"
harness setup --url "$URL" --admin "$ADMIN_KEY" --county 110102 --grids 100 --out "$WORK/sqlite-keys" >&2
sed 's|^|/api/v1/grids/|' "$WORK/sqlite-keys/grids.txt" >"$WORK/grid-paths.txt"
log "B1: GET a grid"
run_wrk b1.service "$ROOT/bench/wrk/get.lua" "$URL" BENCH_PATHS="$WORK/grid-paths.txt" BENCH_KEY="$(cat "$WORK/sqlite-keys/reader.key")"
log "B3: POST an issue (SQLite)"
run_wrk b3.service "$ROOT/bench/wrk/post-issue.lua" "$URL" BENCH_GRIDS="$WORK/sqlite-keys/grids.txt" BENCH_KEY="$(cat "$WORK/sqlite-keys/reporter.key")"
stop_pid "$GC_PID"
stop_pid "$SQLITE_PID"
log "B3 baseline: raw SQLite upserts"
harness raw-sqlite --dir "$WORK/raw-sqlite" --concurrency "$CONCURRENCY" --seconds "$RAW_SECONDS" --warmup "$WRK_WARMUP" --key raw.sqlite.rps >&2
if [ "$MODE" = full ]; then
  # The same with SQLite's default page size, for the notes: the service's 16 KB pages slow single-row upserts.
  log "B3 baseline with 4 KB pages (for the notes)"
  harness raw-sqlite --dir "$WORK/raw-sqlite-4k" --page-size 4096 --concurrency "$CONCURRENCY" --seconds "$RAW_SECONDS" --warmup "$WRK_WARMUP" --key raw.sqlite.4k.rps >&2
fi
fi

# ---- B2, B6, B7: PostgreSQL ----------------------------------------------------------------------------------------
if want pg; then
run_as_pg() {
  if [ "$(id -u)" = 0 ]; then su postgres -s /bin/bash -c "$(printf '%q ' "$@")"; else "$@"; fi
}
find_pg_bin() {
  local d
  for d in /usr/lib/postgresql/*/bin; do [ -x "$d/initdb" ] && { echo "$d"; return 0; }; done
  command -v initdb >/dev/null 2>&1 && { dirname "$(command -v initdb)"; return 0; }
  return 1
}
if [ -z "${GRIDACTORS_TEST_POSTGRES:-}" ]; then
  PG_BIN=$(find_pg_bin || true)
  if [ -z "$PG_BIN" ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    log "installing PostgreSQL from apt"
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null) >&2
    PG_BIN=$(find_pg_bin)
  fi
  [ -n "$PG_BIN" ] || { echo "bench: PostgreSQL is not installed and cannot be installed here" >&2; exit 1; }
  PG_PORT=$((55400 + RANDOM % 400))
  PG_DIR=$(mktemp -d /tmp/gridactors-bench-pg.XXXXXX)
  chmod 755 "$PG_DIR"
  [ "$(id -u)" = 0 ] && chown postgres "$PG_DIR"
  run_as_pg "$PG_BIN/initdb" -D "$PG_DIR/data" -U postgres -A trust -E UTF8 >/dev/null
  run_as_pg "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -w -l "$PG_DIR/server.log" \
    -o "-p $PG_PORT -k $PG_DIR -c listen_addresses=127.0.0.1 -c max_connections=300 -c fsync=on -c synchronous_commit=on" start >/dev/null
  PG_SERVER="Host=127.0.0.1;Port=$PG_PORT;Username=postgres;Database=postgres"
  echo "pg=PostgreSQL $("$PG_BIN/postgres" --version | awk '{print $3}'), throwaway server, fsync on, synchronous_commit on" >>"$METRICS"
  log "PostgreSQL $("$PG_BIN/postgres" --version | awk '{print $3}') on port $PG_PORT"
else
  PG_SERVER=$GRIDACTORS_TEST_POSTGRES
  echo "pg=PostgreSQL from GRIDACTORS_TEST_POSTGRES" >>"$METRICS"
fi

log "B2/B6 baseline: raw Npgsql upserts"
RAW_DB=$(harness pg-db --connection "$PG_SERVER" --name gridactors_bench_raw | tail -1)
harness raw-pg --connection "$RAW_DB" --concurrency "$CONCURRENCY" --seconds "$RAW_SECONDS" --warmup "$WRK_WARMUP" --key raw.pg.rps >&2

SERVICE_DB=$(harness pg-db --connection "$PG_SERVER" --name gridactors_bench_service | tail -1)
PORT=$(free_port)
URL="http://127.0.0.1:$PORT"
log "service on PostgreSQL"
start_service pg "$PORT" Storage__Provider=PostgreSQL Storage__ConnectionString="$SERVICE_DB"
PG_SERVICE_PID=$SERVICE_PID
harness setup --url "$URL" --admin "$ADMIN_KEY" --county 110101 --grids 100 --out "$WORK/pg-keys" >&2
gc_watch gc.pg.b2 "$PG_SERVICE_PID"
log "B2: POST an issue (PostgreSQL)"
run_wrk b2.service "$ROOT/bench/wrk/post-issue.lua" "$URL" BENCH_GRIDS="$WORK/pg-keys/grids.txt" BENCH_KEY="$(cat "$WORK/pg-keys/reporter.key")"
stop_pid "$GC_PID"

gc_watch gc.pg.b6b7 "$PG_SERVICE_PID"
POSTED=$(awk -F= '$1=="b2.service.requests" {r=$2} $1=="b2.service.non2xx" {n=$2} END {print r-n}' "$METRICS")
TOP_UP=$((B7_ISSUES > POSTED ? B7_ISSUES - POSTED : 0))
log "B7: county 110101 holds $POSTED issues from B2; reporting $TOP_UP more, resolving a fifth of those"
harness post-issues --url "$URL" --key "$(cat "$WORK/pg-keys/reporter.key")" --admin "$ADMIN_KEY" --grids-file "$WORK/pg-keys/grids.txt" \
  --count "$TOP_UP" --resolve 0.2 --concurrency "$CONCURRENCY" >&2
log "B7: leadership load ($B7_COUNTIES counties x 10 townships x 25 villages) and report timings"
harness b7 --url "$URL" --admin "$ADMIN_KEY" --counties "$B7_COUNTIES" --townships 10 --villages 25 --repeats "$B7_REPEATS" \
  --stats-county 110101 --stats-issues $((POSTED + TOP_UP)) >&2
log "B6: import a synthetic county (scale $B6_SCALE) and a province slice of $B6_COUNTIES counties"
harness b6 --url "$URL" --admin "$ADMIN_KEY" --scale "$B6_SCALE" --counties "$B6_COUNTIES" --province-scale "$B6_PROVINCE_SCALE" --concurrency "$CONCURRENCY" >&2
stop_pid "$GC_PID"
stop_pid "$PG_SERVICE_PID"
fi

# ---- B4: escalation latency, the service in the harness's process ----------------------------------------------------
if want b4; then
  log "B4: escalation chains at 30/s for $B4_SECONDS s"
  harness b4 --rate 30 --seconds "$B4_SECONDS" --warmup "$B4_WARMUP" >&2
fi

# ---- B5: memory per activation, one fresh process per kind and count --------------------------------------------------
want b5 && for count in $B5_COUNTS; do
  for kind in empty grid member; do
    log "B5: $count $kind grains"
    harness b5 --kind "$kind" --count "$count" --silo-port "$(free_port)" --gateway-port "$(free_port)" >&2
  done
done

ELAPSED=$(($(date +%s) - STARTED))
echo "elapsed.s=$ELAPSED" >>"$METRICS"
echo "load.end=$(cut -d' ' -f1-3 /proc/loadavg)" >>"$METRICS"
echo
echo "GridActors benchmarks, $MODE run, $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, ${ELAPSED} s, load average at start/end: $(awk -F= '$1=="load.start" {print $2}' "$METRICS") / $(cut -d' ' -f1-3 /proc/loadavg)"
harness table --out "$RESULTS/latest.md"
cp "$METRICS" "$RESULTS/latest-metrics.txt"
