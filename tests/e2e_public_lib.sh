#!/usr/bin/env bash
# libkordon.a is the public API and nothing else: `nm -g --defined-only`
# lists kd_ symbols alone (the library's internals, buf_*, csv_*, db_*, are
# local to it), every function the public headers declare is among them,
# and a program linking the archive alone (tests/public_api.c) builds an
# index of a shared list, matches, scans and opens a store.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
bin=${KORDON_BIN:-$here/../build/kordon}
dir=$(dirname "$bin")
data=${KORDON_SHARED_DATA:-$here/../../shared/data}
tmp=$(mktemp -d "${KORDON_TMP:-/tmp}/public-lib.XXXXXX" 2>/dev/null || mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failures=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }

lib="$dir/libkordon.a"
[ -f "$lib" ] || { echo "FAIL: no $lib" >&2; exit 1; }
nm -g --defined-only "$lib" | awk 'NF == 3 {print $3}' | sort -u >"$tmp/exported"
others=$(grep -v '^kd_' "$tmp/exported" | head -5)
[ -z "$others" ] || fail "libkordon.a exports symbols outside the kd_ API: $others"
# every public declaration is exported
sed -n 's/^KD_API[^(]*[ *]\(kd_[a-z0-9_]*\)(.*/\1/p' "$here/../include/kordon.h" "$here"/../include/kordon/*.h |
  sort -u >"$tmp/declared"
missing=$(comm -23 "$tmp/declared" "$tmp/exported" | head -5)
[ -z "$missing" ] || fail "declared in the public headers but not exported: $missing"
[ "$(wc -l <"$tmp/declared")" -ge 80 ] || fail "only $(wc -l <"$tmp/declared") KD_API declarations found"

list=$(ls "$data"/lists/un/*.xml 2>/dev/null | head -1)
[ -n "$list" ] || { echo "FAIL: no UN list under $data/lists/un" >&2; exit 1; }
if out=$("$dir/public_api" "$list" "$tmp/un.kdx" "$tmp/store.db" 2>&1); then
  grep -q 'matched at 1.000, [1-9][0-9]* mention(s) in prose, store sqlite' <<<"$out" ||
    fail "public_api said: $out"
else
  fail "public_api failed: $out"
fi
[ "$failures" = 0 ] && echo "public library: $(wc -l <"$tmp/exported") kd_ symbols exported, a program linking it alone works"
exit $((failures > 0))
