#!/usr/bin/env bash
# Hostile /scan requests against a running `kordon serve` while a /match
# client keeps going: 8 MiB of random capitalised Cyrillic, of listed name
# words and of title + surname repeats (bench/hostile-text.py), each sent
# twice at once. Prints each scan's status and time, the server's peak
# resident memory, and the /match client's latency (wrk) meanwhile, next to
# the same client on an idle server as the baseline.
#
#   bench/scan-pressure.sh [KORDON_BIN] [SIZE]     (defaults: build/kordon, 8Mi)
#
# Not a test: it prints figures and the commands that reproduce them.
set -euo pipefail
bin=${1:-build/kordon}
size=${2:-8Mi}
here=$(cd "$(dirname "$0")" && pwd)
data=${KORDON_SHARED_DATA:-$here/../../shared/data}
tmp=$(mktemp -d)
server=""
trap '[ -n "$server" ] && kill $server 2>/dev/null; wait 2>/dev/null; rm -rf "$tmp"' EXIT
command -v wrk >/dev/null || { echo "wrk is not installed (apt-get install wrk)"; exit 1; }

"$bin" build "$data/lists" -o "$tmp/bench.kdx" -q
for kind in cyrillic names titled; do
  python3 "$here/hostile-text.py" "$kind" "$size" -o "$tmp/$kind.txt"
done
echo "texts: python3 bench/hostile-text.py KIND $size -o FILE (seeded: the same bytes every run)"
"$bin" serve -i "$tmp/bench.kdx" --listen 127.0.0.1:0 --threads 2 --quiet ${SERVE_ARGS:-} >"$tmp/serve.out" 2>&1 &
server=$!
for _ in $(seq 1 100); do
  port=$(sed -n 's/.*(port \([0-9]*\)).*/\1/p' "$tmp/serve.out"); [ -n "$port" ] && break; sleep 0.1
done
url="http://127.0.0.1:$port"
echo "server: $bin serve -i bench.kdx --threads 2 ${SERVE_ARGS:-} (defaults: --scan-concurrency 1," \
     "--scan-timeout 30, --scan-max-mentions 10000, --scan-max-response 16M)"

cat >"$tmp/match.lua" <<'EOF'
local names = {"Evgeny Primakov", "Badege, Eric", "Aero Caribean Airlines", "Россотрудничество"}
local i = 0
request = function()
  i = i % #names + 1
  return wrk.format("POST", "/match/default", {["Content-Type"] = "application/json"},
    '{"queries":{"q":{"schema":"Thing","properties":{"name":["' .. names[i] .. '"]}}}}')
end
EOF
# the scanner's tables are built by the first text: not part of the figures
curl -s -o /dev/null -X POST "$url/scan" -H 'Content-Type: text/plain' -d 'Evgeny Primakov in Baku.'

echo "== baseline: /match alone, wrk -t1 -c4, 10 s"
wrk -t1 -c4 -d10s --latency -s "$tmp/match.lua" "$url/match/default" | grep -E "Requests/sec|50%|99%"

scan() { # scan KIND N → one line: status, seconds, answer bytes
  curl -s -o "$tmp/$1.$2.answer" -w "$1 #$2: %{http_code} in %{time_total} s, %{size_download} bytes\n" \
    --max-time 300 -X POST "$url/scan" -H 'Content-Type: text/plain' --data-binary @"$tmp/$1.txt" >"$tmp/$1.$2.line"
}
for kind in cyrillic names titled; do
  echo "== two /scan of $size $kind at once, /match meanwhile (wrk -t1 -c4)"
  scan "$kind" 1 & s1=$!
  scan "$kind" 2 & s2=$!
  # the client runs for as long as the scans (at most the timeout and a bit)
  wrk -t1 -c4 -d35s --latency -s "$tmp/match.lua" "$url/match/default" >"$tmp/wrk.$kind" &
  w=$!
  wait $s1 $s2
  kill -INT $w 2>/dev/null; wait $w 2>/dev/null || true
  cat "$tmp/$kind.1.line" "$tmp/$kind.2.line"
  for n in 1 2; do
    [ "$(head -c 1 "$tmp/$kind.$n.answer")" = "{" ] && python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print('   ', d.get('detail') or f'{len(d[\"mentions\"])} mentions')" "$tmp/$kind.$n.answer"
  done
  grep -E "Requests/sec|50%|99%" "$tmp/wrk.$kind" | sed 's/^/   \/match /'
  echo "   server peak resident memory so far: $(awk '/VmHWM/ {print $2, $3}' "/proc/$server/status")"
done
