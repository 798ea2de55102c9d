#!/usr/bin/env bash
# End-to-end: three `kordon serve` replicas sharing one throwaway PostgreSQL,
# behind haproxy with deploy/haproxy.cfg, as docs/deploy.md describes; each
# check compares what clients were told with what the store recorded:
#   - one Idempotency-Key sent to all three replicas: one run (/match), one
#     run a block (/screen);
#   - 40 alerts decided two ways at once through two replicas: every
#     allow-list as its newest decision says;
#   - a rolling index swap under load: no request fails;
#   - PostgreSQL stopped and started under load: /readyz 503 meanwhile,
#     nothing answered unrecorded, recording again without a restart;
#   - a replica killed under load: every answered request recorded once.
# Two monitoring runs at once are in e2e_store (they need no server).
# Skipped, saying so, without haproxy or the PostgreSQL server binaries.
set -uo pipefail
bin=${KORDON_BIN:?}
data=${KORDON_SHARED_DATA:?}
here=$(cd "$(dirname "$0")" && pwd)
tmp=${KORDON_TMP:-/tmp/kordon-e2e}/e2e_replicas
rm -rf "$tmp" && mkdir -p "$tmp"
failures=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }
expect_eq() { [ "$1" = "$2" ] || fail "$3: expected \"$2\", got \"$1\""; }

pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
if ! command -v haproxy >/dev/null || [ -z "$pg_bin" ] || [ ! -x "$pg_bin/initdb" ]; then
  echo "SKIP: e2e_replicas needs haproxy and the PostgreSQL server binaries (scripts/install-deps installs both)"
  exit 0
fi

# --- PostgreSQL on a unix socket (its own directory: the server runs as another user) ---
pgdir=$(mktemp -d /tmp/kordon-pgrep.XXXXXX)
as_pg=()
if [ "$(id -u)" -eq 0 ]; then
  pg_user=postgres; id postgres >/dev/null 2>&1 || pg_user=nobody
  chown "$pg_user" "$pgdir"
  as_pg=(runuser -u "$pg_user" --)
fi
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
  wait 2>/dev/null
  "${as_pg[@]}" "$pg_bin/pg_ctl" -D "$pgdir/data" -m immediate stop >/dev/null 2>&1
  rm -rf "$pgdir"
}
trap cleanup EXIT
pg_start() {
  "${as_pg[@]}" "$pg_bin/pg_ctl" -D "$pgdir/data" -l "$pgdir/server.log" -w -o \
    "-c listen_addresses='' -c unix_socket_directories=$pgdir -c port=5434" start >/dev/null
}
"${as_pg[@]}" "$pg_bin/initdb" -D "$pgdir/data" -U kordon --auth=trust -E UTF8 --locale=C.UTF-8 >"$pgdir/initdb.log" 2>&1 &&
  pg_start && "$pg_bin/createdb" -h "$pgdir" -p 5434 -U kordon kordon || { fail "could not start PostgreSQL"; exit 1; }
db="postgresql://kordon@/kordon?host=$pgdir&port=5434"
q() { "$pg_bin/psql" -h "$pgdir" -p 5434 -U kordon -d kordon -tAqc "$1"; }

# --- three replicas, each with its own copy of one index ---------------------------
"$bin" build "$data/lists" -o "$tmp/index.kdx" -q --db /nonexistent || { fail "build"; exit 1; }
ports=()
start_replica() { # start_replica N
  cp "$tmp/index.kdx" "$tmp/replica$1.kdx" 2>/dev/null || true
  "$bin" serve -i "$tmp/replica$1.kdx" --db "$db" --listen 127.0.0.1:${ports[$1]:-0} --threads 2 --quiet \
    >"$tmp/replica$1.out" 2>"$tmp/replica$1.err" &
  pids[$1]=$!
  for _ in $(seq 1 100); do
    p=$(sed -n 's/.*(port \([0-9]*\)).*/\1/p' "$tmp/replica$1.out"); [ -n "$p" ] && break; sleep 0.1
  done
  ports[$1]=$p
}
for r in 1 2 3; do start_replica $r; done
replica() { echo "http://127.0.0.1:${ports[$1]}"; }
front=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
sed -e "s/127.0.0.1:8080/127.0.0.1:$front/" -e "s/127.0.0.1:8001/127.0.0.1:${ports[1]}/" \
    -e "s/127.0.0.1:8002/127.0.0.1:${ports[2]}/" -e "s/127.0.0.1:8003/127.0.0.1:${ports[3]}/" \
    "$here/../deploy/haproxy.cfg" >"$tmp/haproxy.cfg"
haproxy -f "$tmp/haproxy.cfg" -db >"$tmp/haproxy.log" 2>&1 &
pids[4]=$!
lb="http://127.0.0.1:$front"
ready=""
for _ in $(seq 1 100); do
  [ "$(curl -s -o /dev/null -w '%{http_code}' "$lb/readyz")" = 200 ] && { ready=1; break; }; sleep 0.1
done
[ -n "$ready" ] || { fail "haproxy/replicas not ready: $(tail -3 "$tmp/haproxy.log")"; exit 1; }
sleep 2.5 # every replica passes two health checks
expect_eq "$(curl -s -o /dev/null -w '%{http_code}' -X POST "$lb/admin/reload")" 403 "the balancer refuses /admin"

load() { # load URL ACTOR SECONDS CONCURRENCY → JSON of answers
  python3 "$here/load_match.py" "$1" "$2" "$2" "$3" "$4" --name "Eric Badege"
}
answered() { python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["codes"].get(sys.argv[1], 0))' "$1"; }
runs_of() { q "SELECT COUNT(*) FROM runs WHERE actor = '$1'"; }
# the customer ids answered 200 that the store has no run for, and those it has twice
check_recorded() { # check_recorded LOAD-JSON ACTOR LABEL
  python3 -c 'import json,sys; print("\n".join(json.load(open(sys.argv[1]))["answered"]))' "$1" | sort >"$tmp/answered.ids"
  q "SELECT i.customer_id FROM inputs i JOIN runs r ON r.id = i.run_id WHERE r.actor = '$2'" | sort >"$tmp/recorded.ids"
  expect_eq "$(comm -23 "$tmp/answered.ids" "$tmp/recorded.ids" | wc -l)" 0 "$3: answered 200 but not recorded"
  expect_eq "$(uniq -d "$tmp/recorded.ids" | wc -l)" 0 "$3: recorded twice"
}

# --- one Idempotency-Key through all three replicas: one run --------------------------
body='{"queries":{"idem-1":{"schema":"Person","properties":{"name":["Eric Badege"]}}}}'
for r in 1 2 3; do
  curl -s -o "$tmp/idem$r.json" -H 'Content-Type: application/json' -H 'X-Kordon-User: idem' \
    -H 'Idempotency-Key: retry-1' -d "$body" "$(replica $r)/match/default" &
done
wait "${!}" 2>/dev/null; sleep 0.5
for r in 1 2 3; do curl -s -o "$tmp/idem$r.json" -H 'Content-Type: application/json' -H 'X-Kordon-User: idem' \
  -H 'Idempotency-Key: retry-1' -d "$body" "$(replica $r)/match/default"; done
expect_eq "$(runs_of idem)" 1 "Idempotency-Key sent to three replicas (at once, then again)"
cmp -s "$tmp/idem1.json" "$tmp/idem3.json" || fail "Idempotency-Key: replicas answered a retry differently"
# /screen, 600 records (two blocks, two runs), the same way
{ echo id,name; for i in $(seq 1 600); do echo "screen-$i,Eric Badege $i"; done; } >"$tmp/screen.csv"
screen() { curl -s -o "$tmp/screen$1.ndjson" -H 'Content-Type: text/csv' -H 'X-Kordon-User: idem-screen' \
  -H 'Idempotency-Key: retry-2' --data-binary @"$tmp/screen.csv" "$(replica $1)/screen"; }
tries=()
for r in 1 2 3; do screen $r & tries+=($!); done
wait "${tries[@]}"
for r in 1 2 3; do screen $r; done
expect_eq "$(runs_of idem-screen)" 2 "Idempotency-Key: /screen of two blocks sent to three replicas (at once, then again)"
expect_eq "$(q "SELECT COUNT(*) FROM inputs i JOIN runs r ON r.id = i.run_id WHERE r.actor = 'idem-screen'")" 600 \
  "Idempotency-Key: /screen's records through three replicas"
cmp -s "$tmp/screen1.ndjson" "$tmp/screen3.ndjson" || fail "Idempotency-Key: replicas answered a /screen retry differently"
expect_eq "$(wc -l <"$tmp/screen2.ndjson")" 600 "Idempotency-Key: /screen's retry answers every record"

# --- 40 alerts decided two ways at once through two replicas ----------------------------
queries=$(for i in $(seq 1 40); do printf '"dec-%d":{"schema":"Person","properties":{"name":["Eric Badege"]}},' "$i"; done)
curl -s -o /dev/null -H 'Content-Type: application/json' -d "{\"queries\":{${queries%,}}}" "$lb/match/default?limit=1"
alerts=$(q "SELECT id FROM alerts WHERE customer_id LIKE 'dec-%' ORDER BY id")
expect_eq "$(echo "$alerts" | wc -w)" 40 "alerts to decide"
tries=()
for a in $alerts; do
  curl -s -o /dev/null -H 'Content-Type: application/json' \
    -d '{"verdict":"false_positive","reviewer":"ana","comment":"not the listed person"}' \
    "$(replica 1)/alerts/$a/decision" & tries+=($!)
  curl -s -o /dev/null -H 'Content-Type: application/json' \
    -d '{"verdict":"true_match","reviewer":"bo","comment":"same passport"}' \
    "$(replica 2)/alerts/$a/decision" & tries+=($!)
done
wait "${tries[@]}"
inconsistent=$(q "SELECT COUNT(*) FROM alerts a JOIN decisions d ON d.id = (SELECT MAX(e.id) FROM decisions e WHERE e.alert_id = a.id)
  WHERE a.customer_id LIKE 'dec-%' AND (CASE WHEN d.verdict = 'false-positive' THEN 1 ELSE 0 END) <>
    COALESCE((SELECT l.allowed FROM allow_list l WHERE l.customer_id = a.customer_id AND l.entity_id = a.entity_id
              ORDER BY l.id DESC LIMIT 1), 0)")
expect_eq "$inconsistent" 0 "allow-list against the newest decision, 40 alerts decided two ways through two replicas"
expect_eq "$(q "SELECT COUNT(*) FROM decisions d JOIN alerts a ON a.id = d.alert_id WHERE a.customer_id LIKE 'dec-%'")" 80 \
  "decisions recorded (two per alert)"

# --- a rolling index swap under load: no request fails -----------------------------------
load "$lb" swap 6 8 >"$tmp/swap.json" &
loader=$!
sleep 1
for r in 1 2 3; do
  cp "$tmp/index.kdx" "$tmp/.replica$r.new" && touch "$tmp/.replica$r.new" && mv "$tmp/.replica$r.new" "$tmp/replica$r.kdx"
  sleep 1.2
done
wait "$loader"
expect_eq "$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1]))["codes"]; print(sum(v for k, v in d.items() if k != "200"))' "$tmp/swap.json")" 0 \
  "requests failed during the rolling swap ($(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["codes"])' "$tmp/swap.json"))"
for r in 1 2 3; do
  grep -q "generation\":2\|generation\": 2" <(curl -s "$(replica $r)/readyz") ||
    grep -q "loaded" "$tmp/replica$r.err" || fail "replica $r did not load the new index"
done
check_recorded "$tmp/swap.json" swap "rolling swap"

# --- PostgreSQL stopped and started under load ------------------------------------------
load "$lb" restart 8 8 >"$tmp/restart.json" &
loader=$!
sleep 1.5
"${as_pg[@]}" "$pg_bin/pg_ctl" -D "$pgdir/data" -m fast -w stop >/dev/null
sleep 0.5
expect_eq "$(curl -s -o "$tmp/ready.json" -w '%{http_code}' "$(replica 1)/readyz")" 503 "/readyz while PostgreSQL is down"
sleep 1.5
pg_start || fail "PostgreSQL did not start again"
wait "$loader"
back=""
for _ in $(seq 1 50); do
  [ "$(curl -s -o /dev/null -w '%{http_code}' "$(replica 1)/readyz")" = 200 ] && { back=1; break; }; sleep 0.2
done
[ -n "$back" ] || fail "/readyz did not come back after PostgreSQL did"
ok=$(answered 200 <"$tmp/restart.json")
[ "$ok" -gt 0 ] || fail "no request answered around the restart"
python3 -c 'import json,sys; d=json.load(open(sys.argv[1]))["codes"]; bad={k: v for k, v in d.items() if k not in ("200", "503")}; sys.exit(1 if bad else 0)' \
  "$tmp/restart.json" || fail "answers other than 200 and 503 around the restart: $(head -c 200 "$tmp/restart.json")"
check_recorded "$tmp/restart.json" restart "PostgreSQL restart"
expect_eq "$(curl -s -o /dev/null -w '%{http_code}' -H 'Content-Type: application/json' -d "$body" "$lb/match/default")" 200 \
  "/match after PostgreSQL is back, no replica restarted"

# --- a replica killed under load ----------------------------------------------------------
load "$lb" kill 6 8 >"$tmp/kill.json" &
loader=$!
sleep 2
kill -9 "${pids[2]}"
wait "$loader"
check_recorded "$tmp/kill.json" kill "a replica killed"
sent=$(python3 -c 'import json,sys; print(sum(json.load(open(sys.argv[1]))["codes"].values()))' "$tmp/kill.json")
[ "$(runs_of kill)" -le "$sent" ] || fail "more runs ($(runs_of kill)) than requests ($sent)"

echo "replicas: Idempotency-Key one run across 3 replicas (/screen: one a block); 40 alerts decided two ways consistent;" \
  "swap $(answered 200 <"$tmp/swap.json") answered, 0 failed; restart $(answered 200 <"$tmp/restart.json") answered" \
  "$(answered 503 <"$tmp/restart.json") refused (503), all answered recorded; kill $(answered 200 <"$tmp/kill.json") answered, all recorded once"
if [ "$failures" -gt 0 ]; then
  echo "$failures failure(s)" >&2
  exit 1
fi
echo "e2e_replicas: all checks passed"
