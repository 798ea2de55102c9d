#!/usr/bin/env bash
# End-to-end: the findings of an adversarial test of `kordon serve` (issue
# 13), each reproduced against a running server and now refused cleanly.
# The index-overwrite findings are in e2e_index_integrity.sh, /scan's limits
# in e2e_scan_limits.sh, the browser's view of cross-origin pages in
# e2e_web.sh (cross_origin.mjs).
set -uo pipefail
bin=${KORDON_BIN:?}
data=${KORDON_SHARED_DATA:?}
tmp=${KORDON_TMP:-/tmp/kordon-e2e}/e2e_security
rm -rf "$tmp" && mkdir -p "$tmp"
failures=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }
pids=()
trap 'for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done; wait 2>/dev/null' EXIT

index="$tmp/eu.kdx"
"$bin" build "$data/lists/eu_oj" "$data/lists/un" -o "$index" -q || exit 1

start_server() { # start_server NAME ARGS... → $port, $url, $pid
  local name=$1; shift
  "$bin" serve --listen 127.0.0.1:0 --no-watch "$@" >"$tmp/$name.out" 2>"$tmp/$name.err" &
  pid=$!
  pids+=("$pid")
  port=""
  for _ in $(seq 1 300); do
    port=$(sed -n 's/.*(port \([0-9]*\)).*/\1/p' "$tmp/$name.out"); [ -n "$port" ] && break
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  [ -n "$port" ] || { cat "$tmp/$name.err"; echo "server $name did not start"; exit 1; }
  url="http://127.0.0.1:$port"
}
json() { python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"; }
# code ARGS... → the HTTP status of one curl request, body in $tmp/body
code() { curl -s -o "$tmp/body" -w '%{http_code}' --max-time 20 "$@"; }
expect() { # expect WANT WHAT ARGS...
  local want=$1 what=$2; shift 2
  local got; got=$(code "$@")
  [ "$got" = "$want" ] || fail "$what: expected $want, got $got: $(head -c 300 "$tmp/body")"
}
# raw BYTES → what the server sends back on one connection (python: curl
# cannot send malformed framing)
raw() {
  python3 - "$port" "$1" <<'EOF'
import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=10)
try:
    s.sendall(sys.argv[2].encode().decode("unicode_escape").encode("latin1"))
except OSError:
    pass  # the server may answer and close before reading everything
out = b""
try:
    while True:
        b = s.recv(65536)
        if not b:
            break
        out += b
except ConnectionResetError:
    pass
except socket.timeout:
    out += b"<no answer in 10 s>"
print(out.decode("latin1"))
EOF
}
first_status() { sed -n 1p | tr -d '\r'; }

start_server main -i "$index" --db "$tmp/audit.db" --quiet
main_pid=$pid

# ---- 1. /reconcile with a failing query: the error quotes the query's key ----
expect 400 "/reconcile failing query" "$url/reconcile/default?queries=%7B%22q%22%3A%7B%22query%22%3A%22%22%7D%7D"
grep -q '"queries.q: ' "$tmp/body" || fail "/reconcile error names the query: $(cat "$tmp/body")"
curl -s -o /dev/null -X POST "$url/reconcile/default" --data-urlencode 'queries={"q1": {"query": ""}}'
kill -0 "$main_pid" 2>/dev/null || fail "server died after a failing reconciliation query"

# ---- 3. browsers: no CORS for unknown origins, no simple-content writes ------
expect 200 "GET /catalog" "$url/catalog"
curl -s -D "$tmp/headers" -o /dev/null -H 'Origin: https://evil.example' "$url/healthz"
grep -qi '^access-control-allow-origin' "$tmp/headers" && fail "an unknown origin got Access-Control-Allow-Origin"
expect 403 "a POST from a foreign Origin" -X POST "$url/match/default" -H 'Origin: https://evil.example' \
  -H 'Content-Type: application/json' -d '{"queries": {}}'
grep -q -- '--cors-origin https://evil.example' "$tmp/body" || fail "403 says how to allow the origin: $(cat "$tmp/body")"
expect 403 "a GET from a foreign Origin" -H 'Origin: https://evil.example' "$url/alerts"
expect 200 "a POST from the server's own page" -X POST "$url/match/default" -H "Origin: $url" \
  -H 'Content-Type: application/json' -d '{"queries": {"q": {"schema": "Person", "properties": {"name": ["Eric Badege"]}}}}'
# an alert to aim at
curl -s -o /dev/null -X POST "$url/match/default" -H 'Content-Type: application/json' \
  -d '{"queries": {"q": {"id": "c1", "schema": "Person", "properties": {"name": ["Evgeny Primakov"]}}}}'
alert=$(curl -s "$url/alerts?status=all" | json 'd["alerts"][0]["id"]')
verdict='{"verdict": "false_positive", "reviewer": "mallory", "comment": "x"}'
expect 415 "a decision sent as text/plain" -X POST "$url/alerts/$alert/decision" -H 'Content-Type: text/plain' -d "$verdict"
expect 415 "a decision sent as a form" -X POST "$url/alerts/$alert/decision" -d "$verdict"
expect 415 "a /match sent as text/plain" -X POST "$url/match/default" -H 'Content-Type: text/plain' -d '{"queries": {}}'
[ "$(curl -s "$url/alerts/$alert" | json 'd["decision_count"]')" = 0 ] || fail "a refused decision was recorded"
# DNS rebinding: a name the server was not told of
expect 421 "a Host that is an unknown DNS name" -H "Host: rebind.example:$port" "$url/alerts"
expect 200 "Host localhost" -H "Host: localhost:$port" "$url/healthz"
expect 200 "Host an IP address" -H "Host: 127.0.0.1:$port" "$url/healthz"
# preflight: answered for configured origins only
curl -s -D "$tmp/headers" -o /dev/null -X OPTIONS -H 'Origin: https://evil.example' \
  -H 'Access-Control-Request-Method: POST' "$url/match/default"
grep -qi '^access-control-allow-origin' "$tmp/headers" && fail "preflight allowed an unknown origin"
start_server cors -i "$index" --quiet --cors-origin https://app.example --public-url https://kordon.example
curl -s -D "$tmp/headers" -o /dev/null -X OPTIONS -H 'Origin: https://app.example' \
  -H 'Access-Control-Request-Method: POST' "$url/match/default"
grep -qi '^access-control-allow-origin: https://app.example' "$tmp/headers" || fail "preflight of a configured origin: $(cat "$tmp/headers")"
expect 200 "Host of --public-url" -H 'Host: kordon.example' "$url/healthz"
expect 200 "Origin of --public-url" -H 'Host: kordon.example' -H 'Origin: https://kordon.example' "$url/catalog"

# without API keys, only loopback
"$bin" serve -i "$index" --listen 0.0.0.0:0 --no-watch >"$tmp/open.out" 2>"$tmp/open.err" &
open_pid=$!
sleep 1
if kill -0 "$open_pid" 2>/dev/null; then
  kill "$open_pid"; fail "serve on 0.0.0.0 without keys started"
else
  grep -q -- "--insecure-no-auth" "$tmp/open.err" || fail "refusal names --insecure-no-auth: $(cat "$tmp/open.err")"
fi
"$bin" serve -i "$index" --listen 0.0.0.0:0 --no-watch --insecure-no-auth --quiet >"$tmp/insecure.out" 2>"$tmp/insecure.err" &
pids+=($!)
for _ in $(seq 1 100); do grep -q "port" "$tmp/insecure.out" && break; sleep 0.1; done
grep -q "listening" "$tmp/insecure.out" || fail "--insecure-no-auth did not start: $(cat "$tmp/insecure.err")"
grep -q "no API keys" "$tmp/insecure.err" || fail "--insecure-no-auth: no warning at start"

# ---- 5. key files: any length, one key a line, short keys refused -----------
long_key=$(head -c 1500 /dev/zero | tr '\0' 'k')
printf '# operators\n\n   %s  \n# second key:\nshort-enough-key-0001\n' "$long_key" >"$tmp/keys"
start_server keyed -i "$index" --quiet --api-key-file "$tmp/keys"
expect 200 "a 1,500-byte key" -H "Authorization: Bearer $long_key" "$url/catalog"
expect 403 "the tail of a long key alone" -H "Authorization: Bearer ${long_key:1023}" "$url/catalog"
expect 200 "the second key" -H "X-API-Key: short-enough-key-0001" "$url/catalog"
printf 'tiny\n' >"$tmp/short-keys"
if "$bin" serve -i "$index" --listen 127.0.0.1:0 --api-key-file "$tmp/short-keys" >/dev/null 2>"$tmp/short.err"; then
  fail "a 4-byte key was accepted"
fi
grep -q "short-keys:1: API key of 4 bytes is too short" "$tmp/short.err" || fail "short key message: $(cat "$tmp/short.err")"
# a refused request's body is not read: 401 at once, connection closed
head -c 4000000 /dev/zero >"$tmp/4mb"
expect 401 "no key, 4 MB body" -X POST "$url/match/default" -H 'Content-Type: application/json' \
  --data-binary @"$tmp/4mb"

# ---- 6. open routes do not read bodies ---------------------------------------
url=http://127.0.0.1:$(sed -n 's/.*(port \([0-9]*\)).*/\1/p' "$tmp/main.out")
port=${url##*:}
expect 413 "/healthz with a 4 MB body" -X GET "$url/healthz" -H 'Content-Type: application/json' \
  --data-binary @"$tmp/4mb"
expect 200 "/healthz with a small body" -X GET "$url/healthz" -d 'x=1'
rss() { awk '/VmRSS/ {print $2}' "/proc/$main_pid/status"; }
before=$(rss)
python3 - "$port" <<'EOF'
import socket, sys, time
held = []
for i in range(100):
    s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
    s.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 8000000\r\n\r\n" + b"x" * 60000)
    held.append(s)
time.sleep(1)
for s in held:
    s.close()
EOF
after=$(rss)
echo "e2e_security: RSS ${before} kB -> ${after} kB with 100 held 8 MB /healthz bodies"
[ $((after - before)) -lt 51200 ] || fail "100 held /healthz bodies grew the server by $((after - before)) kB"

# ---- 7. the smaller findings -------------------------------------------------
expect 400 "/audit?from=garbage" "$url/audit?from=garbage"
expect 400 "/audit?to=2026-13-45" "$url/audit?to=2026-13-45"
expect 200 "/audit?from=2026-01-01" "$url/audit?from=2026-01-01"
if "$bin" audit export --db "$tmp/audit.db" --from 2026-13-45 >/dev/null 2>"$tmp/audit.err"; then
  fail "kordon audit export --from 2026-13-45 succeeded"
fi
args=$(python3 -c "print('&'.join(f'a{i}=1' for i in range(1000)))")
start=$(date +%s)
expect 414 "1,000 query arguments" "$url/search/default?q=x&$args"
[ $(($(date +%s) - start)) -lt 5 ] || fail "1,000 query arguments took $(($(date +%s) - start)) s"
got=$(raw 'POST /match/default HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n{}x' | first_status)
[ "$got" = "HTTP/1.1 400 Bad Request" ] || fail "two Content-Length headers: $got"
got=$(raw 'POST /match/default HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: -1\r\n\r\n' | first_status)
[ "$got" = "HTTP/1.1 400 Bad Request" ] || fail "Content-Length -1: $got"
got=$(raw 'POST /match/default HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nTransfer-Encoding: gzip\r\n\r\n{}' | first_status)
[ "$got" = "HTTP/1.1 501 Not Implemented" ] || fail "Transfer-Encoding gzip: $got"
got=$(raw 'POST /match/default HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\nContent-Length: 2\r\n\r\n2\r\n{}\r\n0\r\n\r\n' | first_status)
[ "$got" = "HTTP/1.1 400 Bad Request" ] || fail "Content-Length with Transfer-Encoding: $got"
expect 405 "POST /healthz" -X POST "$url/healthz"
expect 404 "/healthz/x" "$url/healthz/x"
expect 404 "/readyz/x" "$url/readyz/x"
expect 404 "/alerts/%20%201" "$url/alerts/%20%201"
expect 404 "/alerts/+1" "$url/alerts/+1"
expect 200 "/alerts/$alert" "$url/alerts/$alert"

kill -0 "$main_pid" 2>/dev/null || fail "the server died during the test"
if grep -qE "ERROR: (Address|Leak|Thread)Sanitizer|runtime error:|WARNING: ThreadSanitizer" "$tmp"/*.err; then
  fail "sanitizer report: $(grep -hE "Sanitizer|runtime error" "$tmp"/*.err | head -5)"
fi
[ "$failures" = 0 ] && echo "e2e_security: all passed"
exit $((failures > 0))
