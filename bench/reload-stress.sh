#!/usr/bin/env bash
# Stress test of index reloads under load: RELOADS reloads of the index of a
# running `kordon serve` while wrk sends /match requests, each after one of
#   - a new valid index renamed into place (the right way),
#   - a valid index copied over the file in place (cp, same inode),
#   - the file damaged in place at the same size (dd conv=notrunc),
#   - the file cut short in place (truncate -s),
#   - a valid index copied in place *while* the reload reads it (torn reads),
# each reload forced through POST /admin/reload (the watcher is off, so no
# step waits for it or races it), then /readyz checked: "ok" with the new index after a good file,
# "degraded" with the old one after a bad file, and always agreeing with what
# /admin/reload answered. Prints reloads, crashes, failed requests (wrk's
# non-2xx answers plus socket errors) and /readyz mismatches.
#
#   bench/reload-stress.sh [KORDON_BIN] [RELOADS]      (defaults: build/kordon, 1000)
#
# Not part of the test suite (tests/e2e_index_integrity.sh is its short
# version); it exits non-zero when anything is counted as wrong.
set -uo pipefail
bin=${1:-build/kordon}
reloads=${2:-1000}
data=${KORDON_SHARED_DATA:-$(cd "$(dirname "$0")/.." && pwd)/../shared/data}
threads=${THREADS:-2}
connections=${CONNECTIONS:-16}
command -v wrk >/dev/null || { echo "wrk is not installed (apt-get install wrk)"; exit 1; }
tmp=$(mktemp -d)
server=; wrk_pid=
trap 'kill $wrk_pid $server 2>/dev/null; wait 2>/dev/null; rm -rf "$tmp"' EXIT

"$bin" build "$data/lists/eu_oj" -o "$tmp/a.kdx" -q || exit 1
"$bin" build "$data/lists/un" -o "$tmp/b.kdx" -q || exit 1
count() { "$bin" info -i "$1" --json | python3 -c "import json,sys; print(json.load(sys.stdin)['entities'])"; }
declare -A entities=([a]=$(count "$tmp/a.kdx") [b]=$(count "$tmp/b.kdx"))
cp "$tmp/a.kdx" "$tmp/live.kdx"
# --no-watch: every reload is one this script asked for, so what /readyz
# says can be checked against it (tests/e2e_index_integrity.sh covers the
# watcher)
"$bin" serve -i "$tmp/live.kdx" --listen 127.0.0.1:0 --threads "$threads" --quiet --no-watch \
  >"$tmp/serve.out" 2>"$tmp/serve.err" &
server=$!
port=
for _ in $(seq 1 100); do
  port=$(sed -n 's/.*(port \([0-9]*\)).*/\1/p' "$tmp/serve.out"); [ -n "$port" ] && break; sleep 0.1
done
[ -n "$port" ] || { echo "the server did not start: $(cat "$tmp/serve.err")"; exit 1; }
url="http://127.0.0.1:$port"

cat >"$tmp/match.lua" <<'EOF'
local names = {"Evgeny Primakov", "Badege, Eric", "Aero Caribean Airlines", "Jewgeni Primakow",
               "Россотрудничество", "Maria Schmidt", "Ali Hassan Mohamed", "Vladimir Putin"}
local i = 0
request = function()
  i = i % #names + 1
  local body = '{"queries":{"q":{"schema":"Thing","properties":{"name":["' .. names[i] .. '"]}}}}'
  return wrk.format("POST", "/match/default", {["Content-Type"] = "application/json"}, body)
end
done = function(summary, latency, requests)
  io.write(string.format("wrk: %d requests, non-2xx %d, socket errors: connect %d, read %d, write %d, timeout %d\n",
    summary.requests, summary.errors.status, summary.errors.connect, summary.errors.read,
    summary.errors.write, summary.errors.timeout))
end
EOF
# Long enough for any run; stopped with SIGINT (wrk then prints its summary).
wrk -t2 -c"$connections" -d3600s -s "$tmp/match.lua" "$url/match/default" >"$tmp/wrk.out" 2>&1 &
wrk_pid=$!

# "status entities" from /readyz
ready() {
  curl -s --max-time 10 "$url/readyz" | python3 -c '
import json, sys
d = json.load(sys.stdin)
print(d.get("status", "-"), sum(x["entity_count"] for x in d.get("datasets", [])))' 2>/dev/null || echo "none 0"
}
reload() { curl -s --max-time 30 -o /dev/null -w '%{http_code}' -X POST -H 'Content-Type: application/json' "$url/admin/reload"; }

served=a        # the index the server holds
done_reloads=0 crashes=0 mismatches=0 loaded=0 refused=0 torn_refused=0
declare -A kinds=()
start=$(date +%s.%N)
for i in $(seq 1 "$reloads"); do
  other=$([ "$served" = a ] && echo b || echo a)
  size=$(stat -c %s "$tmp/live.kdx")
  case $((i % 5)) in
    0) kind=rename;   cp "$tmp/$other.kdx" "$tmp/next.kdx" && mv "$tmp/next.kdx" "$tmp/live.kdx"; expect=ok ;;
    1) kind=cp;       cp "$tmp/$other.kdx" "$tmp/live.kdx"; expect=ok ;;
    2) kind=dd;       dd if=/dev/urandom of="$tmp/live.kdx" bs=16 count=1 conv=notrunc status=none \
                        seek=$((RANDOM * 32768 % (size / 16))); expect=degraded ;;
    3) kind=truncate; truncate -s $((RANDOM * 32768 % size)) "$tmp/live.kdx"; expect=degraded ;;
    4) kind=torn;     dd if="$tmp/$other.kdx" of="$tmp/live.kdx" bs=4096 status=none & copier=$!; expect=either ;;
  esac
  code=$(reload)
  [ "$kind" = torn ] && wait "$copier"
  done_reloads=$((done_reloads + 1))
  kinds[$kind]=$((${kinds[$kind]:-0} + 1))
  if ! kill -0 "$server" 2>/dev/null; then
    crashes=$((crashes + 1)); echo "reload $i ($kind): the server died: $(tail -2 "$tmp/serve.err")"; break
  fi
  # what /admin/reload said decides what /readyz must say
  got=$(ready)
  if [ "$code" = 200 ] && [ "$kind" = torn ] && [ "$got" = "ok ${entities[$served]}" ]; then
    # the reload read the file before the copy began: still a complete index
    loaded=$((loaded + 1)); want="ok ${entities[$served]}"
  elif [ "$code" = 200 ]; then
    loaded=$((loaded + 1)); served=$other; want="ok ${entities[$served]}"
  else
    refused=$((refused + 1)); [ "$kind" = torn ] && torn_refused=$((torn_refused + 1)); want="degraded ${entities[$served]}"
  fi
  if [ "$got" != "$want" ] || { [ "$expect" != either ] && [ "${want%% *}" != "$expect" ]; }; then
    mismatches=$((mismatches + 1))
    echo "reload $i ($kind): /admin/reload $code, /readyz '$got', want '$want' (expected $expect)"
  fi
  # after damage, the served index goes back (renamed into place) so the
  # next step starts from a complete file; a refused torn copy has finished
  # by now and is complete already
  if [ "$kind" = dd ] || [ "$kind" = truncate ]; then
    cp "$tmp/$served.kdx" "$tmp/next.kdx" && mv "$tmp/next.kdx" "$tmp/live.kdx"
  fi
done
seconds=$(echo "$(date +%s.%N) - $start" | bc)
kill -INT "$wrk_pid"; wait "$wrk_pid" 2>/dev/null; wrk_pid=
[ "$crashes" = 0 ] && ! kill -0 "$server" 2>/dev/null && crashes=1
read -r wrk_requests non2xx socket <<<"$(sed -n 's/^wrk: \([0-9]*\) requests, non-2xx \([0-9]*\), socket errors: connect \([0-9]*\), read \([0-9]*\), write \([0-9]*\), timeout \([0-9]*\)$/\1 \2 \3+\4+\5+\6/p' "$tmp/wrk.out")"
socket=$((${socket:-0}))
failed=$(( ${non2xx:-0} + socket ))
metrics=$(curl -s "$url/metrics" | sed -n 's/^kordon_index_reloads_total{result="\([a-z]*\)"} \([0-9]*\)$/\1 \2/p' | tr '\n' ' ')

echo "reload-stress: $done_reloads reloads in ${seconds%.*} s ($(for k in "${!kinds[@]}"; do printf '%s %s, ' "$k" "${kinds[$k]}"; done | sed 's/, $//'))"
echo "  loaded $loaded, refused $refused (of which torn copies: $torn_refused); server's counters: $metrics"
echo "  crashes: $crashes"
echo "  failed requests: $failed of ${wrk_requests:-?} /match (non-2xx ${non2xx:-?}, socket errors $socket)"
echo "  /readyz mismatches: $mismatches"
echo "reproduce: bench/reload-stress.sh $bin $reloads   (THREADS=$threads CONNECTIONS=$connections)"
[ "$crashes" = 0 ] && [ "$failed" = 0 ] && [ "$mismatches" = 0 ] && [ -n "${wrk_requests:-}" ]
