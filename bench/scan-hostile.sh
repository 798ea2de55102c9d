#!/usr/bin/env bash
# Scanning speed and peak memory on hostile text: the three kinds
# bench/hostile-text.py writes (random capitalised Cyrillic, listed given
# names and surnames, title + surname), at each size asked (default 8Mi),
# each scanned by bench_scan_hostile in a process of its own.
#
#   bench/scan-hostile.sh [-b BUILD_DIR] [-k KIND]... [SIZE...] [-- BENCH_ARGS...]
#
#   -b BUILD_DIR   where bench_scan_hostile and bench.kdx are (default: build);
#                  bench.kdx is built from $KORDON_LISTS or ../shared/data/lists
#                  when missing
#   -k KIND        cyrillic, names or titled (default: all three)
#   SIZE           bytes, with K/M/Ki/Mi suffixes (default: 8Mi)
#   BENCH_ARGS     passed on, e.g. --no-json or --max-related 20
#
# The same kind and size always give the same text (seed 13): a run is
# reproduced by the two commands printed before the table.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=build
kinds=()
sizes=()
while [ $# -gt 0 ]; do
  case "$1" in
    -b) build=$2; shift 2 ;;
    -k) kinds+=("$2"); shift 2 ;;
    --) shift; break ;;
    -*) echo "scan-hostile.sh: unknown option $1" >&2; exit 2 ;;
    *) sizes+=("$1"); shift ;;
  esac
done
[ ${#kinds[@]} -gt 0 ] || kinds=(cyrillic names titled)
[ ${#sizes[@]} -gt 0 ] || sizes=(8Mi)
bench="$build/bench_scan_hostile"
index="$build/bench.kdx"
[ -x "$bench" ] || { echo "scan-hostile.sh: no $bench (make build first)" >&2; exit 1; }
if [ ! -f "$index" ]; then
  lists=${KORDON_LISTS:-$here/../../shared/data/lists}
  "$build/kordon" build "$lists" -o "$index" -q
fi
dir=$(mktemp -d "${TMPDIR:-/tmp}/kordon-hostile.XXXXXX")
trap 'rm -rf "$dir"' EXIT
files=()
for kind in "${kinds[@]}"; do
  for size in "${sizes[@]}"; do
    file="$dir/$kind-$size.txt"
    /usr/bin/env python3 "$here/hostile-text.py" "$kind" "$size" -o "$file"
    files+=("$file")
    echo "reproduce: bench/hostile-text.py $kind $size -o $kind-$size.txt &&" \
         "$bench $* $index $kind-$size.txt"
  done
done
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores"
"$bench" "$@" "$index" "${files[@]}"
