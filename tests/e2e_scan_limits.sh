#!/usr/bin/env bash
# End-to-end: POST /scan stays bounded whatever the text. `kordon serve`
# with small --scan-* limits: too many mentions and too large an answer are
# 422 naming the option, a scan past its deadline is 503 naming
# --scan-timeout, a busy server is 503 at once, a client that leaves stops
# its scan, related listings are capped and counted — and the Baku article
# still answers 200 with its Primakov hit. Also /screen's CSV header with a
# name column after the 64th.
set -uo pipefail
bin=${KORDON_BIN:?}
data=${KORDON_SHARED_DATA:?}
tmp=${KORDON_TMP:-/tmp/kordon-e2e}/e2e_scan_limits
here=$(cd "$(dirname "$0")" && pwd)
hostile="$here/../bench/hostile-text.py"
rm -rf "$tmp" && mkdir -p "$tmp"
failures=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done; wait 2>/dev/null; }
trap cleanup EXIT

index="$tmp/all.kdx"
"$bin" build "$data/lists" -o "$index" -q 2>"$tmp/build.err" || { cat "$tmp/build.err"; exit 1; }
article="$data/text/baku-russian-house.txt"

# start_server NAME ARGS... → sets $url; the port is chosen by the kernel
start_server() {
  local name=$1 port=; shift
  "$bin" serve --listen 127.0.0.1:0 -i "$index" "$@" >"$tmp/$name.out" 2>"$tmp/$name.err" &
  pids+=("$!")
  for _ in $(seq 1 300); do
    port=$(sed -n 's/.*(port \([0-9]*\)).*/\1/p' "$tmp/$name.out" 2>/dev/null)
    [ -n "$port" ] && break
    sleep 0.1
  done
  [ -n "$port" ] || { cat "$tmp/$name.err"; echo "server $name did not start"; exit 1; }
  url="http://127.0.0.1:$port"
}
# json EXPR: evaluates a Python expression over the JSON on stdin (as d)
json() { python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"; }
# scan FILE [curl args...] → prints the HTTP status, body in $tmp/body
scan() {
  local file=$1; shift
  curl -s -o "$tmp/body" -w '%{http_code}' -X POST -H 'Content-Type: text/plain' --data-binary @"$file" "$@" \
    "$url/scan"
}
# expect_scan WANT PATTERN FILE [curl args...]: the status, and a detail
# holding PATTERN (an option's name) when it is an error
expect_scan() {
  local want=$1 pattern=$2 file=$3; shift 3
  local got; got=$(scan "$file" "$@")
  [ "$got" = "$want" ] || { fail "/scan $(basename "$file"): expected $want, got $got: $(head -c 300 "$tmp/body")"; return; }
  [ -z "$pattern" ] && return
  local detail; detail=$(json 'd["detail"]' <"$tmp/body" 2>/dev/null)
  case "$detail" in *"$pattern"*) ;; *) fail "/scan $(basename "$file"): $want without \"$pattern\": $(head -c 300 "$tmp/body")";; esac
}

python3 "$hostile" names 64K -o "$tmp/names.txt"
python3 "$hostile" cyrillic 1Mi -o "$tmp/cyrillic.txt"
python3 "$hostile" cyrillic 4Mi -o "$tmp/cyrillic4.txt"
cat "$article" "$article" "$article" >"$tmp/article3.txt"

# ---- small limits ------------------------------------------------------------
# The article has 12 mentions of parties (about 11 KB of JSON with two
# related entries each); three copies of it, 36 mentions and about 32 KB. Scan
# workers run niced: on a loaded machine a scan takes many times its CPU
# time, so only the deadline test below has a short --scan-timeout.
start_server limits --max-body 8M --scan-max-mentions 60 --scan-max-related 2 --scan-max-response 24K \
  --scan-timeout 120 --scan-concurrency 1

expect_scan 200 "" "$article"
hit=$(json '"eu-oj-32014R0269-1426" in [m["entity_id"] for m in d["mentions"] if m["text"] == "Evgeny Primakov"]' \
  <"$tmp/body")
[ "$hit" = True ] || fail "/scan Baku: Evgeny Primakov is not eu-oj-32014R0269-1426: $(head -c 300 "$tmp/body")"
# at most two related entries per mention; where more were found, the total says how many
capped=$(json 'all(len(m["related"]) <= 2 for m in d["mentions"])' <"$tmp/body")
[ "$capped" = True ] || fail "/scan Baku: a mention lists more than 2 related entries (--scan-max-related 2)"
totals=$(json '[(len(m["related"]), m["related_total"]) for m in d["mentions"] if "related_total" in m]' <"$tmp/body")
case "$totals" in "[]"|"") fail "/scan Baku: no mention says related entries were left out: $totals";; esac
wrong=$(json '[m["text"] for m in d["mentions"] if "related_total" in m and m["related_total"] <= len(m["related"])]' <"$tmp/body")
[ "$wrong" = "[]" ] || fail "/scan Baku: related_total no more than the related listed for $wrong"

expect_scan 422 --scan-max-mentions "$tmp/names.txt"
expect_scan 422 --scan-max-response "$tmp/article3.txt"

# one worker: while it scans, another /scan is refused at once; the client
# of the first leaves after 3 s, which stops its scan (4 MiB of random
# Cyrillic: 20 s of CPU and more), and the worker is free again
scan "$tmp/cyrillic4.txt" --max-time 3 >/dev/null &
busy=$!
sleep 1
expect_scan 503 --scan-concurrency "$article"
wait "$busy"
# The stop itself takes milliseconds; a sanitizer build on a loaded machine
# needs seconds to notice the closed socket and to answer the scans that
# probe it, so the probe has a deadline rather than a count.
left=$(date +%s)
free=no
while [ $(($(date +%s) - left)) -lt 30 ]; do
  [ "$(scan "$article")" = 200 ] && { free=yes; break; }
  sleep 0.25
done
[ $free = yes ] || fail "/scan 30 s after its client left: the worker still busy: $(head -c 300 "$tmp/body")"
echo "worker free again $(($(date +%s) - left)) s after the client left"

# ---- the deadline ------------------------------------------------------------------
start_server deadline --max-body 4M --scan-timeout 1 --scan-concurrency 1
expect_scan 200 "" "$article" # builds the tables every later scan shares (not counted in the deadline)
start=$(date +%s.%N)
expect_scan 503 --scan-timeout "$tmp/cyrillic.txt"
took=$(python3 -c "print(f'{$(date +%s.%N) - $start:.2f}')")
python3 -c "import sys; sys.exit(0 if $took < 5 else 1)" || fail "/scan past --scan-timeout 1 answered after ${took} s"

# ---- /screen: a name column after the 64th -------------------------------------
{
  for i in $(seq 1 69); do printf 'extra%d,' "$i"; done
  printf 'name\n'
  for i in $(seq 1 69); do printf 'x,'; done
  printf 'Evgeny Primakov\n'
} >"$tmp/wide.csv"
got=$(curl -s -o "$tmp/body" -w '%{http_code}' -X POST -H 'Content-Type: text/csv' --data-binary @"$tmp/wide.csv" \
  "$url/screen")
[ "$got" = 200 ] || fail "/screen with the name in column 70: $got $(head -c 300 "$tmp/body")"
top=$(head -n 1 "$tmp/body" | json 'd["results"][0]["id"] if d.get("results") else d')
[ "$top" = eu-oj-32014R0269-1426 ] || fail "/screen with the name in column 70: top result $top"

if [ "$failures" -gt 0 ]; then
  echo "$failures failure(s)"
  exit 1
fi
echo "e2e_scan_limits: all passed"
