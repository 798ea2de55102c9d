#!/usr/bin/env bash
# Load test of `kordon serve`: wrk on loopback against single-query /match,
# with the server's resident memory sampled every second, and a baseline of
# the same wrk run against /healthz (the HTTP stack alone) for the ratio.
#
#   bench/serve-load.sh [KORDON_BIN] [SECONDS]      (defaults: build/kordon, 60)
#
# Not a test: it prints figures, it asserts nothing about speed.
set -euo pipefail
bin=${1:-build/kordon}
seconds=${2:-60}
data=${KORDON_SHARED_DATA:-$(cd "$(dirname "$0")/.." && pwd)/../shared/data}
threads=${THREADS:-2}
connections=${CONNECTIONS:-32}
tmp=$(mktemp -d)
trap 'kill $server 2>/dev/null; wait 2>/dev/null; rm -rf "$tmp"' EXIT
command -v wrk >/dev/null || { echo "wrk is not installed (apt-get install wrk)"; exit 1; }

"$bin" build "$data/lists" -o "$tmp/bench.kdx" -q
"$bin" serve -i "$tmp/bench.kdx" --listen 127.0.0.1:0 --threads "$threads" --quiet >"$tmp/serve.out" 2>&1 &
server=$!
for _ in $(seq 1 100); do
  port=$(sed -n 's/.*(port \([0-9]*\)).*/\1/p' "$tmp/serve.out"); [ -n "$port" ] && break; sleep 0.1
done
url="http://127.0.0.1:$port"

cat >"$tmp/match.lua" <<'EOF'
-- One query per request, names from a small rotating set in several scripts.
local names = {"Evgeny Primakov", "Badege, Eric", "Aero Caribean Airlines", "Jewgeni Primakow",
               "Россотрудничество", "Maria Schmidt", "Ali Hassan Mohamed", "Vladimir Putin"}
local i = 0
request = function()
  i = i % #names + 1
  local body = '{"queries":{"q":{"schema":"Thing","properties":{"name":["' .. names[i] .. '"]}}}}'
  return wrk.format("POST", "/match/default", {["Content-Type"] = "application/json"}, body)
end
done = function(summary, latency, requests)
  io.write(string.format("errors: connect %d, read %d, write %d, status %d, timeout %d\n",
    summary.errors.connect, summary.errors.read, summary.errors.write, summary.errors.status,
    summary.errors.timeout))
end
EOF

rss() { awk '/VmRSS/ {print $2}' "/proc/$server/status"; }
curl -s -o /dev/null -X POST "$url/match/default" -H 'Content-Type: application/json' -d '{"queries":{"q":{"schema":"Person","properties":{"name":["warm up"]}}}}'
echo "== baseline: GET /healthz, ${threads} server threads, wrk -t2 -c${connections}, 10 s"
wrk -t2 -c"$connections" -d10s --latency "$url/healthz" | tee "$tmp/healthz.out" | grep -E "Requests/sec|50%|99%"
rss_start=$(rss)
echo "== POST /match/default, single query, ${threads} server threads, wrk -t2 -c${connections}, ${seconds} s"
( for _ in $(seq 1 "$seconds"); do sleep 1; rss; done >"$tmp/rss" ) &
sampler=$!
wrk -t2 -c"$connections" -d"${seconds}s" --latency -s "$tmp/match.lua" "$url/match/default" | tee "$tmp/wrk.out" |
  grep -E "Requests/sec|50%|90%|99%|requests in|errors|Non-2xx"
wait $sampler
echo "resident memory (KiB): start $rss_start, during run min $(sort -n "$tmp/rss" | head -1)," \
     "max $(sort -n "$tmp/rss" | tail -1), end $(rss)"
match_rps=$(sed -n 's/^Requests\/sec: *//p' "$tmp/wrk.out")
healthz_rps=$(sed -n 's/^Requests\/sec: *//p' "$tmp/healthz.out")
echo "ratio: /match serves $(echo "scale=1; 100 * $match_rps / $healthz_rps" | bc)% of the bare HTTP stack's requests/s"

# The same /match load with every request recorded in the SQLite audit store.
kill $server; wait $server 2>/dev/null || true
"$bin" serve -i "$tmp/bench.kdx" --listen 127.0.0.1:0 --threads "$threads" --quiet --db "$tmp/audit.db" \
  >"$tmp/serve.out" 2>&1 &
server=$!
port=; for _ in $(seq 1 100); do
  port=$(sed -n 's/.*(port \([0-9]*\)).*/\1/p' "$tmp/serve.out"); [ -n "$port" ] && break; sleep 0.1
done
url="http://127.0.0.1:$port"
record_seconds=$(( seconds < 20 ? seconds : 20 ))
echo "== POST /match/default recorded (--db, SQLite), ${record_seconds} s"
wrk -t2 -c"$connections" -d"${record_seconds}s" --latency -s "$tmp/match.lua" "$url/match/default" | tee "$tmp/wrk-db.out" |
  grep -E "Requests/sec|50%|99%|errors"
db_rps=$(sed -n 's/^Requests\/sec: *//p' "$tmp/wrk-db.out")
echo "ratio: recording keeps $(echo "scale=1; 100 * $db_rps / $match_rps" | bc)% of /match requests/s;" \
     "$(sqlite3 "$tmp/audit.db" 'select count(*) from runs' 2>/dev/null || echo '?') runs recorded"
echo "reproduce: bench/serve-load.sh $bin $seconds   (THREADS=$threads CONNECTIONS=$connections)"
