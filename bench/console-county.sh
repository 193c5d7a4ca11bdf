#!/usr/bin/env bash
# The staff console at county scale: a county of GRIDS grids (default 2,000: 20 townships of 10 villages of 10 grids,
# each grid with a boundary) is imported into a fresh embedded service, some issues are reported, and the county's
# dashboard page (/console/units/{county}: statistics, queue counts, live feed and the map of every grid) and its
# one-read map API are timed, signed in as the bootstrap admin. Needs a Release build (dotnet build -c Release).
#
#   ./bench/console-county.sh            prints: grids, page ms (median and worst of 10 after a warm-up), map API ms
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
WORK=$(mktemp -d /tmp/console-county.XXXX)
PORT=${PORT:-5917}
URL=http://127.0.0.1:$PORT
COUNTY=340822
trap 'kill $PID 2>/dev/null || true; rm -rf "$WORK"' EXIT

# Units: the county, 20 townships, 200 villages, 2,000 grids with a small square boundary each.
python3 - "$WORK/units.csv" <<'PY'
import sys
rows=["code,name,level,kind,leader_name,leader_phone,villager_groups,boundary"]
rows.append("340822,怀宁县,县,,,,,")
for t in range(20):
    tc=f"340822{100+t:03d}"; rows.append(f"{tc},乡镇{t},乡镇,,,,,")
    for v in range(10):
        vc=f"{tc}{201+v:03d}"; rows.append(f"{vc},村{t}-{v},村,village,,,,")
        for g in range(10):
            gc=f"{vc}{1+g:03d}"; x=116+t*0.1+g*0.01; y=30+v*0.01
            ring=f'[[{x},{y}],[{x+0.01},{y}],[{x+0.01},{y+0.01}],[{x},{y+0.01}],[{x},{y}]]'
            geo='"{""type"":""Polygon"",""coordinates"":['+ring+']}"'
            rows.append(f"{gc},网格{t}-{v}-{g},网格,,,,,{geo}")
open(sys.argv[1],"w").write("\n".join(rows)+"\n")
PY

cd "$ROOT/src/Gateway/bin/Release/net10.0"
dotnet GridActors.Gateway.dll --urls "$URL" --Storage:DataDirectory="$WORK/data" --Auth:BootstrapAdminPassword=bench-password-1 > "$WORK/gateway.log" 2>&1 &
PID=$!
for _ in $(seq 1 120); do curl -sf "$URL/health/ready" >/dev/null 2>&1 && break; sleep 0.5; done
KEY=$(cat "$WORK/data/bootstrap-admin-key")
H=(-H "X-Api-Key: $KEY")
curl -sf "${H[@]}" -H 'Content-Type: text/csv' --data-binary @"$WORK/units.csv" "$URL/api/v1/import/units" >/dev/null
for i in $(seq 1 200); do
  grid="340822$(printf %03d $((100 + i % 20)))$(printf %03d $((201 + i % 10)))$(printf %03d $((1 + i % 10)))"
  curl -sf "${H[@]}" -H 'Content-Type: application/json' -d '{"category":"neighbour-dispute","title":"测试事件"}' "$URL/api/v1/grids/$grid/issues" >/dev/null || true
done

JAR="$WORK/cookies"
TOKEN=$(curl -s -c "$JAR" "$URL/console/sign-in" | python3 -c 'import re,sys; print(re.search(r"<input[^>]*__RequestVerificationToken[^>]*>", sys.stdin.read()).group(0).split("value=\"")[1].split("\"")[0])')
curl -s -b "$JAR" -c "$JAR" -o /dev/null --data-urlencode "__RequestVerificationToken=$TOKEN" --data-urlencode username=admin \
  --data-urlencode password=bench-password-1 --data-urlencode returnUrl=/console "$URL/console/sign-in"

time_ms() { curl -s -o /dev/null -w '%{http_code} %{time_total}\n' "$@" | awk '{ if ($1 != 200) { print "HTTP " $1 > "/dev/stderr"; exit 1 } printf "%.0f\n", $2 * 1000 }'; }
read -r grids open < <(curl -sf "${H[@]}" "$URL/api/v1/counties/$COUNTY/grid-map" | python3 -c 'import json,sys; g=json.load(sys.stdin)["items"]; print(len(g), sum(i["open"] for i in g))')
time_ms -b "$JAR" "$URL/console/units/$COUNTY" >/dev/null
page=$(for _ in $(seq 1 10); do time_ms -b "$JAR" "$URL/console/units/$COUNTY"; done | sort -n)
map=$(for _ in $(seq 1 10); do time_ms "${H[@]}" "$URL/api/v1/counties/$COUNTY/grid-map"; done | sort -n)
echo "grids: $grids, open issues on the map: $open"
echo "county page ms: median $(echo "$page" | sed -n 5p), worst $(echo "$page" | tail -1)"
echo "grid-map API ms: median $(echo "$map" | sed -n 5p), worst $(echo "$map" | tail -1)"
