#!/usr/bin/env bash
# End-to-end: the index under a running `kordon serve` is swapped ten times
# between the 2019 and 2021 OFAC releases while clients keep sending /match
# requests. No request may fail, and answers follow the index: a person
# listed in 2021 but not in 2019 is found exactly when the 2021 file is in.
set -uo pipefail
bin=${KORDON_BIN:?}
data=${KORDON_SHARED_DATA:?}
tmp=${KORDON_TMP:-/tmp/kordon-e2e}/e2e_swap
rm -rf "$tmp" && mkdir -p "$tmp"
failures=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }
pids=()
trap 'for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done; wait 2>/dev/null' EXIT

"$bin" build "$data/versions/ofac-2019" -o "$tmp/2019.kdx" -q || exit 1
"$bin" build "$data/lists/ofac" -o "$tmp/2021.kdx" -q || exit 1
cp "$tmp/2019.kdx" "$tmp/live.kdx"
"$bin" serve -i "$tmp/live.kdx" --listen 127.0.0.1:0 --threads 2 --access-log "$tmp/access.log" \
  >"$tmp/serve.out" 2>"$tmp/serve.err" &
pids+=($!)
server=$!
for _ in $(seq 1 100); do
  port=$(sed -n 's/.*(port \([0-9]*\)).*/\1/p' "$tmp/serve.out"); [ -n "$port" ] && break; sleep 0.1
done
url="http://127.0.0.1:$port"

# HAKIMZADA, Harmohan Singh: OFAC entry 21844, added after the 2019 release
query='{"queries": {"q": {"schema": "Person", "properties": {"name": ["Harmohan Singh Hakimzada"]}}}}'
top() { curl -s -X POST "$url/match/default?limit=1" -H "Content-Type: application/json" -d "$query" |
  python3 -c "import json,sys; r=json.load(sys.stdin)['responses']['q']['results']; print(r[0]['id'] if r and r[0]['match'] else '-')"; }
[ "$(top)" = - ] || fail "2019 index: Hakimzada found before being listed"

# Four clients in a loop for as long as the swapping goes on; each records
# every status it gets.
for c in 1 2 3 4; do
  ( while [ ! -e "$tmp/stop" ]; do
      curl -s -o /dev/null -w '%{http_code}\n' -X POST "$url/match/default" -H "Content-Type: application/json" -d "$query" || echo "curl-failed"
    done >"$tmp/client$c.status" ) &
  pids+=($!)
done

generation() { curl -s "$url/metrics" | sed -n 's/^kordon_index_generation \([0-9]*\)$/\1/p'; }
for i in $(seq 1 10); do
  if [ $((i % 2)) = 1 ]; then version=2021; else version=2019; fi
  before=$(generation)
  cp "$tmp/$version.kdx" "$tmp/next.kdx" && mv "$tmp/next.kdx" "$tmp/live.kdx"
  kill -HUP "$server"
  for _ in $(seq 1 100); do [ "$(generation)" != "$before" ] && break; sleep 0.05; done
  want=-; [ "$version" = 2021 ] && want=ofac-21844
  got=$(top)
  [ "$got" = "$want" ] || fail "swap $i to $version: top result $got, want $want"
  sleep 0.3
done
touch "$tmp/stop"
for c in 1 2 3 4; do wait "${pids[$c]}" 2>/dev/null; done

total=$(cat "$tmp"/client*.status | wc -l)
bad=$(grep -vc '^200$' <(cat "$tmp"/client*.status))
echo "e2e_swap: $total requests during 10 swaps, $bad not 200"
[ "$total" -gt 20 ] || fail "the clients sent only $total requests"
[ "$bad" = 0 ] || fail "$bad requests failed during swaps: $(grep -v '^200$' "$tmp"/client*.status | sort | uniq -c)"
gen=$(generation)
[ "$gen" -ge 11 ] || fail "index generation $gen after 10 swaps"

[ "$failures" = 0 ] && echo "e2e_swap: all passed"
exit $((failures > 0))
