#!/usr/bin/env bash
# End-to-end: the analyst web page served by `kordon serve`, in Debian's
# chromium driven headless by playwright-core (tests/web/e2e.mjs). Builds an
# index of all the lists, starts two servers on free ports (one open, one
# that wants an API key), runs the browser test, stops the servers. The test
# writes screenshots of the four pages to docs/screenshots/.
set -uo pipefail
bin=${KORDON_BIN:?}
data=${KORDON_SHARED_DATA:?}
tmp=${KORDON_TMP:-/tmp/kordon-e2e}/e2e_web
here=$(cd "$(dirname "$0")" && pwd)
repo=$(dirname "$here")
web="$here/web"
chromium=${KORDON_CHROMIUM:-/usr/bin/chromium}
rm -rf "$tmp" && mkdir -p "$tmp"

for tool in node npm; do
  command -v "$tool" >/dev/null || { echo "e2e_web: $tool is missing (scripts/install-deps installs it)" >&2; exit 1; }
done
[ -x "$chromium" ] || { echo "e2e_web: $chromium is missing (scripts/install-deps installs chromium)" >&2; exit 1; }

# playwright-core from the committed lock file; it never downloads a browser.
# The lock keeps a plain and a sanitizer build's test from installing at once.
if [ ! -f "$web/node_modules/playwright-core/package.json" ]; then
  (
    flock 9
    if [ ! -f "$web/node_modules/playwright-core/package.json" ]; then
      cd "$web" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error >&2
    fi
  ) 9>"${TMPDIR:-/tmp}/kordon-e2e-web-npm.lock" || { echo "e2e_web: npm ci failed in $web" >&2; exit 1; }
fi

index="$tmp/all.kdx"
"$bin" build "$data/lists" -o "$index" -q 2>"$tmp/build.err" || { cat "$tmp/build.err" >&2; exit 1; }

pids=()
attacker_pid=""
cleanup() {
  [ -n "$attacker_pid" ] && kill "$attacker_pid" 2>/dev/null
  for pid in "${pids[@]}"; do
    kill "$pid" 2>/dev/null
  done
  for pid in "${pids[@]}"; do
    wait "$pid" 2>/dev/null
  done
}
trap cleanup EXIT

# start_server NAME ARGS... → sets $port; the server's output goes to $tmp/NAME.*
start_server() {
  local name=$1
  shift
  "$bin" serve -i "$index" --listen 127.0.0.1:0 --quiet --no-watch "$@" >"$tmp/$name.out" 2>"$tmp/$name.err" &
  local pid=$!
  pids+=("$pid")
  port=""
  for _ in $(seq 1 1200); do
    port=$(sed -n 's/.*(port \([0-9][0-9]*\)).*/\1/p' "$tmp/$name.out")
    [ -n "$port" ] && return 0
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  echo "e2e_web: the $name server did not start:" >&2
  cat "$tmp/$name.out" "$tmp/$name.err" >&2
  exit 1
}

# A static server for the cross-origin test's pages, reached as
# http://127.0.0.1:PORT (an origin the open server allows) and as
# http://localhost:PORT (one it does not).
python3 - "$here/web/attacker" >"$tmp/attacker.out" 2>"$tmp/attacker.err" <<'PY' &
import functools, http.server, sys
handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=sys.argv[1])
server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
print("port", server.server_address[1], flush=True)
server.serve_forever()
PY
attacker_pid=$!
attacker_port=""
for _ in $(seq 1 100); do
  attacker_port=$(sed -n 's/^port \([0-9]*\)$/\1/p' "$tmp/attacker.out"); [ -n "$attacker_port" ] && break; sleep 0.1
done
[ -n "$attacker_port" ] || { echo "e2e_web: the static server did not start" >&2; cat "$tmp/attacker.err" >&2; exit 1; }

# Alerts are recorded by a server with an audit database.
alert_args=(--db "$tmp/alerts.db")
start_server open "${alert_args[@]}" --cors-origin "http://127.0.0.1:$attacker_port"
open_port=$port

key="e2e-web-key-$RANDOM-$RANDOM-$RANDOM"
printf '%s\n' "$key" >"$tmp/keys"
start_server keyed --api-key-file "$tmp/keys"
keyed_port=$port

# Casework: named keys for an analyst, a supervisor and an admin, a store
# of its own, and 2,000 customers (the UN positives and unlisted names).
cat >"$tmp/case-keys" <<EOF
e2e-ana-$RANDOM-$RANDOM-$RANDOM name=ana role=analyst
e2e-sue-$RANDOM-$RANDOM-$RANDOM name=sue role=supervisor
e2e-root-$RANDOM-$RANDOM-$RANDOM name=root role=admin
EOF
start_server cases --db "$tmp/cases.db" --api-key-file "$tmp/case-keys"
cases_port=$port
python3 - "$data/eval" "$tmp/customers.csv" <<'PY'
import csv, sys
src, out = sys.argv[1], sys.argv[2]
rows = []
for name in ("positives_un_untreated.csv", "negatives_global_1000.csv", "negatives_us_1000.csv"):
    with open(f"{src}/{name}", newline="", encoding="utf-8") as f:
        rows += [(r["full_name"], r["date_of_birth"]) for r in csv.DictReader(f)]
with open(out, "w", newline="", encoding="utf-8") as f:
    w = csv.writer(f)
    w.writerow(["id", "name", "birth_date"])
    for i, (name, born) in enumerate(rows[:2000]):
        w.writerow([f"cust-{i + 1:05d}", name, born])
PY

# The queue at scale: a store holding 100,000 open cases.
start_server big --db "$tmp/big.db"
big_port=$port
sqlite3 "$tmp/big.db" "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 100000)
  INSERT INTO cases (subject, customer_id, subject_name, state, top_score, alert_count, datasets, created_at, updated_at)
  SELECT 'customer:big-' || i, 'big-' || i, 'Customer ' || i, 'open', 0.70 + (i % 30) / 100.0, 1, ',un_sc_sanctions,',
         '2026-12-01T00:00:00.000Z', '2026-12-01T00:00:00.000Z' FROM n" || { echo "e2e_web: cannot fill the big store" >&2; exit 1; }

KORDON_URL="http://127.0.0.1:$open_port" \
KORDON_KEYED_URL="http://127.0.0.1:$keyed_port" \
KORDON_API_KEY="$key" \
KORDON_SHARED_DATA="$data" \
KORDON_CHROMIUM="$chromium" \
KORDON_CASES_URL="http://127.0.0.1:$cases_port" \
KORDON_ANA_KEY="$(sed -n 1p "$tmp/case-keys" | cut -d' ' -f1)" \
KORDON_SUE_KEY="$(sed -n 2p "$tmp/case-keys" | cut -d' ' -f1)" \
KORDON_ROOT_KEY="$(sed -n 3p "$tmp/case-keys" | cut -d' ' -f1)" \
KORDON_CUSTOMERS_CSV="$tmp/customers.csv" \
KORDON_BIG_URL="http://127.0.0.1:$big_port" \
KORDON_SCREENSHOTS="${KORDON_SCREENSHOTS:-}" \
  timeout 1200 node "$web/e2e.mjs"
rc=$?

KORDON_URL="http://127.0.0.1:$open_port" \
KORDON_ATTACKER="http://localhost:$attacker_port" \
KORDON_ALLOWED_ORIGIN="http://127.0.0.1:$attacker_port" \
KORDON_CHROMIUM="$chromium" \
  timeout 600 node "$web/cross_origin.mjs" || rc=1

# The servers stop cleanly on SIGTERM, with nothing from the sanitizers.
failures=0
for pid in "${pids[@]}"; do
  kill -0 "$pid" 2>/dev/null || { echo "e2e_web: server $pid was no longer running when the test ended" >&2; failures=$((failures + 1)); }
  kill "$pid" 2>/dev/null
  wait "$pid"
  status=$?
  [ "$status" -eq 0 ] || { echo "e2e_web: server $pid exited with $status" >&2; failures=$((failures + 1)); }
done
pids=()
if grep -qE "ERROR: (Address|Leak)Sanitizer|runtime error:" "$tmp/open.err" "$tmp/keyed.err"; then
  echo "e2e_web: sanitizer report from the server" >&2
  failures=$((failures + 1))
fi
if [ "$rc" -ne 0 ] || [ "$failures" -gt 0 ]; then
  [ "$rc" -ne 0 ] && echo "e2e_web: browser test failed (exit $rc)" >&2
  echo "e2e_web: server stderr:" >&2
  tail -n 40 "$tmp/open.err" "$tmp/keyed.err" >&2
  exit 1
fi
echo "e2e_web: all checks passed"
