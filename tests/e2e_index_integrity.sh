#!/usr/bin/env bash
# End-to-end: whatever happens to the index file under a running `kordon
# serve` — overwritten in place by a smaller index (cp), damaged in place
# at the same size (dd conv=notrunc), cut short (truncate), or replaced the
# right way (rename) — the server never dies and no /match fails, while
# four clients keep calling /match and /readyz. /readyz says "degraded",
# with the reason, after a bad file and "ok" after a good one; a bad file
# is tried once per change (and on every SIGHUP or /admin/reload), not
# every second.
set -uo pipefail
bin=${KORDON_BIN:?}
data=${KORDON_SHARED_DATA:?}
tmp=${KORDON_TMP:-/tmp/kordon-e2e}/e2e_index_integrity
rm -rf "$tmp" && mkdir -p "$tmp"
failures=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }
pids=()
trap 'touch "$tmp/stop"; for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done; wait 2>/dev/null' EXIT

"$bin" build "$data/lists/eu_oj" -o "$tmp/big.kdx" -q || exit 1
"$bin" build "$data/lists/un" -o "$tmp/small.kdx" -q || exit 1
cp "$tmp/big.kdx" "$tmp/live.kdx"
"$bin" serve -i "$tmp/live.kdx" --listen 127.0.0.1:0 --threads 2 --quiet >"$tmp/serve.out" 2>"$tmp/serve.err" &
server=$!
pids+=($server)
port=
for _ in $(seq 1 100); do
  port=$(sed -n 's/.*(port \([0-9]*\)).*/\1/p' "$tmp/serve.out"); [ -n "$port" ] && break; sleep 0.1
done
[ -n "$port" ] || { echo "FAIL: the server did not start: $(cat "$tmp/serve.err")" >&2; exit 1; }
url="http://127.0.0.1:$port"

# "status entities generation error" from /readyz
ready() {
  curl -s "$url/readyz" | python3 -c '
import json, sys
d = json.load(sys.stdin)
print(d.get("status", "-"), sum(x["entity_count"] for x in d.get("datasets", [])),
      d.get("index", {}).get("generation", 0), d.get("reload", {}).get("error", "-"))' 2>/dev/null || echo "none 0 0 -"
}
failed_reloads() { curl -s "$url/metrics" | sed -n 's/^kordon_index_reloads_total{result="failed"} //p'; }
count() { "$bin" info -i "$1" --json | python3 -c "import json,sys; print(json.load(sys.stdin)['entities'])"; }
big=$(count "$tmp/big.kdx")
small=$(count "$tmp/small.kdx")

# Waits (8 s at most) until /readyz says STATUS with ENTITIES entities and,
# when given, an error containing WORDS.
expect_ready() {
  local want_status=$1 want_entities=$2 words=${3:-} what=$4 got
  for _ in $(seq 1 80); do
    kill -0 "$server" 2>/dev/null || { fail "$what: the server died: $(tail -2 "$tmp/serve.err")"; exit 1; }
    got=$(ready)
    read -r status entities _ error <<<"$got"
    if [ "$status" = "$want_status" ] && [ "$entities" = "$want_entities" ] &&
       { [ -z "$words" ] || [[ "$error" == *"$words"* ]]; }; then
      return 0
    fi
    sleep 0.1
  done
  fail "$what: /readyz says '$got', want $want_status with $want_entities entities${words:+ and '$words'}"
}

query='{"queries": {"q": {"schema": "Person", "properties": {"name": ["Eric Badege"]}}}}'
for c in 1 2 3 4; do
  ( while [ ! -e "$tmp/stop" ]; do
      curl -s -o /dev/null -w 'match %{http_code}\n' -X POST -H 'Content-Type: application/json' \
        "$url/match/default" -d "$query" || echo "match curl-failed"
      curl -s -o /dev/null -w 'readyz %{http_code}\n' "$url/readyz" || echo "readyz curl-failed"
    done >"$tmp/client$c.status" ) &
  pids+=($!)
done

expect_ready ok "$big" "" "start"

# 1. cp over it: a smaller valid index, same inode
cp "$tmp/small.kdx" "$tmp/live.kdx"
expect_ready ok "$small" "" "in-place cp of a smaller index"
grep -q "modified in place" "$tmp/serve.err" || fail "no log line says the file was modified in place"

# 2. damaged in place, same size
size=$(stat -c %s "$tmp/live.kdx")
dd if=/dev/urandom of="$tmp/live.kdx" bs=64 count=1 seek=$((size / 128)) conv=notrunc status=none
expect_ready degraded "$small" "checksum mismatch" "dd conv=notrunc damage"
# ... tried once, not every second
before=$(failed_reloads)
sleep 3
[ "$(failed_reloads)" = "$before" ] || fail "a damaged file is retried though it did not change ($before, then $(failed_reloads) failures)"

# 3. a new file renamed into place: the right way
cp "$tmp/big.kdx" "$tmp/next.kdx" && mv "$tmp/next.kdx" "$tmp/live.kdx"
expect_ready ok "$big" "" "rename swap after damage"

# 4. cut short in place
truncate -s 1000000 "$tmp/live.kdx"
expect_ready degraded "$big" "truncated" "truncate -s"

# 5. SIGHUP and /admin/reload always try, and fail again on the same file
before=$(failed_reloads)
kill -HUP "$server"
for _ in $(seq 1 50); do [ "$(failed_reloads)" != "$before" ] && break; sleep 0.1; done
[ "$(failed_reloads)" = $((before + 1)) ] || fail "SIGHUP did not retry the truncated file"
code=$(curl -s -o "$tmp/admin.body" -w '%{http_code}' -X POST -H 'Content-Type: application/json' "$url/admin/reload")
[ "$code" = 500 ] && grep -q truncated "$tmp/admin.body" || fail "/admin/reload on a truncated file: $code $(cat "$tmp/admin.body")"
expect_ready degraded "$big" "truncated" "after SIGHUP and /admin/reload"

# 6. in place again, now a bigger valid index over the cut-short one
cp "$tmp/small.kdx" "$tmp/next.kdx" && mv "$tmp/next.kdx" "$tmp/live.kdx"
expect_ready ok "$small" "" "rename swap after truncation"
cp "$tmp/big.kdx" "$tmp/live.kdx"
expect_ready ok "$big" "" "in-place cp of a bigger index"

touch "$tmp/stop"
for c in 1 2 3 4; do wait "${pids[$c]}" 2>/dev/null; done
kill -0 "$server" 2>/dev/null || fail "the server died: $(tail -3 "$tmp/serve.err")"

total=$(cat "$tmp"/client*.status | wc -l)
bad=$(cat "$tmp"/client*.status | grep -vc ' 200$')
failed=$(failed_reloads)
echo "e2e_index_integrity: $total requests (/match and /readyz), $bad not 200; $failed failed reloads" \
     "($(grep -c 'reload.* failed' "$tmp/serve.err") logged), $(grep -c 'serve: loaded' "$tmp/serve.err") loads logged"
[ "$total" -gt 40 ] || fail "the clients sent only $total requests"
[ "$bad" = 0 ] || fail "$bad requests failed: $(cat "$tmp"/client*.status | grep -v ' 200$' | sort | uniq -c)"
# dd, truncate, SIGHUP, /admin/reload: four failures, each tried once
[ "$failed" = 4 ] || fail "$failed failed reloads, want 4 (one per bad event)"

[ "$failures" = 0 ] && echo "e2e_index_integrity: all passed"
exit $((failures > 0))
