#!/usr/bin/env bash
# End-to-end: `kordon fetch` and `kordon update` against a local server
# (tests/fetch_server.py) serving the real lists, as an operator's cron job
# would run them.
set -uo pipefail
bin=${KORDON_BIN:?}
data=${KORDON_SHARED_DATA:?}
here=$(cd "$(dirname "$0")" && pwd)
tmp=${KORDON_TMP:-/tmp/kordon-e2e}/e2e_fetch
rm -rf "$tmp" && mkdir -p "$tmp"
failures=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }
expect_in() { # expect_in TEXT NEEDLE WHAT
  case "$1" in *"$2"*) ;; *) fail "$3: expected \"$2\" in: $(printf '%s' "$1" | head -c 800)";; esac
}

# The server lives while fd 9 (its stdin) is open, and is killed at exit.
mkfifo "$tmp/server.in"
python3 "$here/fetch_server.py" "$data" < "$tmp/server.in" > "$tmp/server.port" &
server=$!
exec 9> "$tmp/server.in"
trap 'exec 9>&-; kill "$server" 2>/dev/null; wait "$server" 2>/dev/null' EXIT
for _ in $(seq 50); do [ -s "$tmp/server.port" ] && break; sleep 0.1; done
port=$(head -1 "$tmp/server.port")
[ -n "$port" ] || { echo "FAIL: the test server did not start" >&2; exit 1; }
base="http://127.0.0.1:$port"

conf() { # conf UN-URL-PATH: a config with UN at that path and the OFAC 2021 set
  cat > "$tmp/sources.conf" <<EOF
set retries 1
set retry_delay 0.05
set timeout 5
un $base/$1 file=consolidated.xml
ofac $base/ok/lists/ofac/sdn.csv
ofac $base/ok/lists/ofac/alt.csv
ofac $base/ok/lists/ofac/add.csv
ofac $base/ok/lists/ofac/sdn_comments.csv
EOF
}
dir="$tmp/lists"
index="$tmp/kordon.kdx"
update() { "$bin" update --config "$tmp/sources.conf" --dir "$dir" -o "$index" -q "$@"; }

# --- first update: an older UN list, downloaded and indexed ------------------
conf ok/versions/un-2026-01-28/consolidated.xml
out=$(update 2>&1) || fail "first update failed: $out"
expect_in "$out" "updated   un: downloaded, 999 records" "first update, UN"
expect_in "$out" "updated   ofac: downloaded, 8976 records" "first update, OFAC"
info=$("$bin" info -i "$index")
expect_in "$info" "9975 entities" "first index"

# --- nothing new: 304s, the index is left alone ------------------------------
inode=$(stat -c %i "$index")
out=$(update 2>&1) || fail "second update failed: $out"
expect_in "$out" "unchanged un: unchanged (HTTP 304), 999 records" "304"
expect_in "$out" "is current: no list changed" "no rebuild"
[ "$(stat -c %i "$index")" = "$inode" ] || fail "the index was rewritten though nothing changed"

# --- a list that lost 90% of its entries: refused, index untouched -----------
conf shrunk/versions/un-2026-01-28/consolidated.xml
out=$(update 2>&1) && fail "update with a collapsed list must exit non-zero"
expect_in "$out" "FAILED    un: the new version has 101 records against 999 before (-90%)" "collapse"
expect_in "$out" "kept the previous version (999 records" "collapse keeps"
[ "$(stat -c %i "$index")" = "$inode" ] || fail "the index was rewritten after a refused list"
cmp -s "$dir/un/consolidated.xml" "$data/versions/un-2026-01-28/consolidated.xml" \
  || fail "the refused download replaced the previous UN file"
grep -q '"last_error": "the new version has 101 records' "$dir/fetch-state.json" \
  || fail "fetch-state.json lacks the last error"

# --- the wrong format and a 404, through `kordon fetch` -----------------------
conf html/lists/un/consolidated.xml
out=$("$bin" fetch --config "$tmp/sources.conf" --dir "$dir" -q 2>&1) && fail "fetch of HTML must fail"
expect_in "$out" 'is not a list: consolidated.xml:1: not a list format kordon knows (it begins "<!DOCTYPE html>")' "HTML"
conf 404/lists/un/consolidated.xml
out=$("$bin" fetch --config "$tmp/sources.conf" --dir "$dir" -q 2>&1) && fail "fetch of a 404 must fail"
expect_in "$out" "HTTP 404" "404"
expect_in "$out" "unchanged ofac" "other sources go on"

# --- a running server reports each source's version, age and last error -------
serve_fetched() { # serve_fetched INDEX → $serve, $sport: a server reading $dir's fetch state
  "$bin" serve -i "$1" --fetch-dir "$dir" --listen 127.0.0.1:0 --quiet > "$tmp/serve.out" 2>&1 &
  serve=$!
  sport=
  for _ in $(seq 100); do sport=$(sed -n 's/.*(port \([0-9]*\)).*/\1/p' "$tmp/serve.out"); [ -n "$sport" ] && break; sleep 0.1; done
}
serve_fetched "$index"
ready=$(curl -s "http://127.0.0.1:$sport/readyz")
expect_in "$ready" '"name":"un","version":"' "/readyz sources"
expect_in "$ready" 'HTTP 404' "/readyz last fetch error"
expect_in "$ready" '"fetched_age_seconds":' "/readyz age"
expect_in "$ready" '"served":true' "/readyz: the fetched lists are what is served"
kill "$serve"; wait "$serve" 2>/dev/null
# the same fetch state beside an index built from other files (make run's offline fallback)
"$bin" build "$data/lists/un/consolidated.xml" -o "$tmp/other.kdx" -q 2>/dev/null
serve_fetched "$tmp/other.kdx"
ready=$(curl -s "http://127.0.0.1:$sport/readyz")
expect_in "$ready" '"status":"degraded"' "/readyz of an index not built from the fetched lists"
expect_in "$ready" 'is what this index serves' "/readyz says why"
kill "$serve"; wait "$serve" 2>/dev/null
serve_fetched "$index"
metrics=$(curl -s "http://127.0.0.1:$sport/metrics")
expect_in "$metrics" 'kordon_fetch_failing{source="ofac",error=""} 0' "/metrics ofac ok"
expect_in "$(printf '%s' "$metrics" | grep 'kordon_fetch_failing{source="un"')" '404' "/metrics un failing"
expect_in "$metrics" 'kordon_fetch_age_seconds{source="un",version="' "/metrics fetch age"
kill "$serve"; wait "$serve" 2>/dev/null

# --- a genuine new version: the index is replaced by a rename ----------------
conf ok/lists/un/consolidated.xml
out=$(update 2>&1) || fail "update to the current UN list failed: $out"
expect_in "$out" "updated   un: updated, 1003 records (999 before)" "new version"
[ "$(stat -c %i "$index")" != "$inode" ] || fail "the new index was not renamed into place"
info=$("$bin" info -i "$index")
expect_in "$info" "9979 entities" "rebuilt index"
e=$("$bin" entity -i "$index" unsc-6907993)
expect_in "$e" '"ERIC BADEGE"' "entity from the fetched list"
ls -A "$dir" | grep -q '^\.staging' && fail "staging directories left in $dir"

# --- usage errors -------------------------------------------------------------
out=$("$bin" fetch --config "$tmp/none.conf" --dir "$dir" 2>&1) && fail "missing config must fail"
expect_in "$out" "none.conf: cannot open the sources config: No such file" "missing config"
printf 'un ftp://example.org/x.xml\n' > "$tmp/bad.conf"
out=$("$bin" fetch --config "$tmp/bad.conf" --dir "$dir" 2>&1) && fail "bad config must fail"
expect_in "$out" 'bad.conf:1: "ftp://example.org/x.xml" is not an http:// or https:// URL' "bad config"

if [ "$failures" -ne 0 ]; then
  echo "$failures failure(s)" >&2
  exit 1
fi
echo "e2e_fetch: all checks passed"
