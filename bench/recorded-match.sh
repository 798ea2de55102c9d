#!/usr/bin/env bash
# Recorded /match throughput: `kordon serve --db` on SQLite and on a
# throwaway PostgreSQL server (started here when its binaries are installed),
# wrk on loopback with one query per request, next to the same server without
# --db. Every answered request is one recorded screening run.
#
#   bench/recorded-match.sh [KORDON_BIN...]    (default: build/kordon; give two to compare them)
#
# Not a test: it prints figures and the command that reproduces them.
set -euo pipefail
bins=("$@"); [ ${#bins[@]} -gt 0 ] || bins=(build/kordon)
data=${KORDON_SHARED_DATA:-$(cd "$(dirname "$0")/.." && pwd)/../shared/data}
seconds=${SECONDS_EACH:-10}
tmp=$(mktemp -d)
server=; pgdir=
cleanup() {
  [ -n "$server" ] && kill "$server" 2>/dev/null; wait 2>/dev/null || true
  [ -n "$pgdir" ] && { "${as_pg[@]}" "$pg_bin/pg_ctl" -D "$pgdir/data" -m immediate stop >/dev/null 2>&1 || true; rm -rf "$pgdir"; }
  rm -rf "$tmp"
}
trap cleanup EXIT
command -v wrk >/dev/null || { echo "wrk is not installed (apt-get install wrk)"; exit 1; }
echo "command: bench/recorded-match.sh ${bins[*]}   (wrk -t2 -c8 -d${seconds}s, one query per request)"
echo "machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
cat >"$tmp/match.lua" <<'LUA'
local names = {"Evgeny Primakov", "Badege, Eric", "Aero Caribean Airlines", "Jewgeni Primakow",
               "Maria Schmidt", "Ali Hassan Mohamed", "Vladimir Putin", "Sergei Kovalenko"}
local i = 0
request = function()
  i = i + 1
  local body = '{"queries":{"q":{"schema":"Person","properties":{"name":["' .. names[i % #names + 1] .. '"]}}}}'
  return wrk.format("POST", "/match/default", {["Content-Type"] = "application/json"}, body)
end
LUA
as_pg=()
pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)
pg_url=
if [ -n "$pg_bin" ] && [ -x "$pg_bin/initdb" ]; then
  pgdir=$(mktemp -d /tmp/kordon-pgbench.XXXXXX)
  if [ "$(id -u)" -eq 0 ]; then
    pg_user=postgres; id postgres >/dev/null 2>&1 || pg_user=nobody
    chown "$pg_user" "$pgdir"; as_pg=(runuser -u "$pg_user" --)
  fi
  "${as_pg[@]}" "$pg_bin/initdb" -D "$pgdir/data" -U kordon --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null 2>&1
  "${as_pg[@]}" "$pg_bin/pg_ctl" -D "$pgdir/data" -l "$pgdir/server.log" -w -o \
    "-c listen_addresses='' -c unix_socket_directories=$pgdir -c port=5433" start >/dev/null
  pg_url="postgresql://kordon@/kordon?host=$pgdir&port=5433"
else
  echo "(no PostgreSQL server binaries: SQLite only)"
fi
run() { # run BIN LABEL [serve args...]
  local bin=$1 label=$2; shift 2
  "$bin" serve -i "$tmp/all.kdx" --listen 127.0.0.1:0 --threads 2 --quiet "$@" >"$tmp/serve.out" 2>&1 &
  server=$!
  local port=
  for _ in $(seq 1 100); do
    port=$(sed -n 's/.*(port \([0-9]*\)).*/\1/p' "$tmp/serve.out"); [ -n "$port" ] && break; sleep 0.1
  done
  wrk -t2 -c8 -d"${seconds}s" --latency -s "$tmp/match.lua" "http://127.0.0.1:$port" >"$tmp/wrk.txt"
  # the server's own p99 (its /metrics histogram, first request byte to
  # last answer byte): wrk's includes the time its threads wait for one of
  # the two cores it shares with the server
  local at_server
  at_server=$(curl -s "http://127.0.0.1:$port/metrics" | awk -F'[{}" ]+' '
    $1 == "kordon_http_request_duration_seconds_bucket" && $3 == "match" { le[++n] = $5; c[n] = $NF }
    END { for (i = 1; i <= n; i++) if (c[i] >= 0.99 * c[n]) { printf "%s", (le[i] == "+Inf" ? ">5s" : "<=" le[i] * 1000 "ms"); exit } }')
  kill "$server"; wait "$server" 2>/dev/null || true; server=
  printf '  %-12s %8s req/s  p50 %8s  p99 %8s (at the server %s)  non-2xx %s\n' "$label" \
    "$(awk '/Requests\/sec/ {print $2}' "$tmp/wrk.txt")" "$(awk '$1 == "50%" {print $2}' "$tmp/wrk.txt")" \
    "$(awk '$1 == "99%" {print $2}' "$tmp/wrk.txt")" "${at_server:-?}" \
    "$(awk '/Non-2xx/ {print $NF}' "$tmp/wrk.txt" | grep . || echo 0)"
}
for bin in "${bins[@]}"; do
  echo "== $bin"
  "$bin" build "$data/lists" -o "$tmp/all.kdx" -q --db /nonexistent
  run "$bin" "unrecorded"
  rm -f "$tmp/store.db"*
  run "$bin" "SQLite" --db "$tmp/store.db"
  if [ -n "$pg_url" ]; then
    "$pg_bin/dropdb" -h "$pgdir" -p 5433 -U kordon --if-exists kordon; "$pg_bin/createdb" -h "$pgdir" -p 5433 -U kordon kordon
    run "$bin" "PostgreSQL" --db "$pg_url"
    echo "  (PostgreSQL runs recorded: $("$pg_bin/psql" -h "$pgdir" -p 5433 -U kordon -d kordon -tAc 'SELECT COUNT(*) FROM runs'))"
  fi
done
echo "reproduce: bench/recorded-match.sh ${bins[*]}"
