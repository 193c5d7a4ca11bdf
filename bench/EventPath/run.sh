#!/usr/bin/env bash
# Measures the candidates of the durable event path (docs/event-path.md) and prints every figure the note quotes.
# Usage: bench/EventPath/run.sh [postgres-connection-string]   (default: the shared test server)
# The AdoNet stream provider ships no SQL in its package; its PostgreSQL script is taken from the Orleans repository
# at the commit whose query keys match the 10.4.2-alpha.1 assembly (b7444bc39, "release ADO.NET messages during queue
# handoff"), downloaded once, and run against each fresh database by the bench.
set -euo pipefail
cd "$(dirname "$0")/../.."
PG="${1:-Host=127.0.0.1;Port=55999;Username=postgres}"
SCRIPT=/tmp/eventpath-adonet-postgresql.sql
ORLEANS_COMMIT=b7444bc39c
if [ ! -s "$SCRIPT" ]; then
  curl -fsSL "https://raw.githubusercontent.com/dotnet/orleans/$ORLEANS_COMMIT/src/AdoNet/Orleans.Streaming.AdoNet/PostgreSQL-Streaming.sql" -o "$SCRIPT"
fi
dotnet build bench/EventPath -c Release -warnaserror --nologo -v q > /dev/null
B=(dotnet "$PWD/bench/EventPath/bin/Release/net10.0/GridActors.Bench.EventPath.dll")
# The in-process test cluster writes a log file per silo into ./logs (hundreds of MB a full run): keep them out of the tree.
RUN_DIR="${TMPDIR:-/tmp}/eventpath-run"
mkdir -p "$RUN_DIR"
run() { (cd "$RUN_DIR" && "${B[@]}" "$@" --postgres "$PG" --adonet-script "$SCRIPT" 2>/dev/null) | grep -E '^(#|candidate|per event)'; }
for c in own-sqlite own-pg adonet-pg state-sqlite state-pg; do
  for r in 100 1000; do run latency --candidate $c --rate $r --seconds 15; done
done
for c in own-sqlite own-pg adonet-pg; do run kill --candidate $c --rate 500; done
for p in 100 1000; do
  for c in own-sqlite own-pg; do run idle --candidate $c --period $p --queues 8 --seconds 20; done
  for q in 1 8; do run idle --candidate adonet-pg --period $p --queues $q --seconds 20; done
done
# The pulling period the service runs at (10 ms: Streams:PollingPeriodMs), with the own adapter's appends signalling their
# queues, against the ADO.NET provider at the same period.
for r in 100 1000; do
  for c in own-sqlite own-pg; do run latency --candidate $c --signals on --period 10 --rate $r --seconds 15; done
  run latency --candidate adonet-pg --period 10 --rate $r --seconds 15
done
for c in own-sqlite own-pg; do run idle --candidate $c --signals on --period 10 --queues 8 --seconds 20; done
for q in 1 8; do run idle --candidate adonet-pg --period 10 --queues $q --seconds 20; done
for c in own-sqlite own-pg; do run kill --candidate $c --signals on --period 10 --rate 500; done
run kill --candidate adonet-pg --period 10 --rate 500
# What stays stored after delivery when traffic stops (the cache confirms in buckets of CacheSize/10).
run linger --candidate adonet-pg --period 10 --seconds 180
run linger --candidate own-pg --signals on --period 10 --seconds 60
# Repeats of the key runs (the machine is shared with other builds).
for c in own-sqlite own-pg; do run latency --candidate $c --signals on --period 10 --rate 1000 --seconds 15; done
run latency --candidate adonet-pg --period 10 --rate 1000 --seconds 15
