#!/usr/bin/env bash
# Benchmarks batch screening with the audit store on (--db) against the same
# batch without it: the labelled eval sets ten times over (26,830 rows),
# screened against an index of all the real lists, best of 3 each.
# usage: bench/store.sh [KORDON_BIN] [THREADS] [PG_URI]   (make bench)
# With PG_URI (postgresql://...) the PostgreSQL store is measured too.
set -euo pipefail
bin=${1:-build/kordon}
threads=${2:-1}
pg=${3:-}
here=$(cd "$(dirname "$0")" && pwd)
data=${KORDON_SHARED_DATA:-$here/../../shared/data}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
echo "command: bench/store.sh $bin $threads${pg:+ $pg}   (lists: $data/lists)"
echo "machine: $(nproc) cores, $(uname -m), load $(cut -d' ' -f1-3 /proc/loadavg)"
"$bin" build "$data/lists" -o "$out/all.kdx" -q 2>/dev/null
{ head -1 "$data/eval/negatives_global_1000.csv"
  for _ in 1 2 3 4 5 6 7 8 9 10; do
    for f in negatives_global_1000 negatives_us_1000 positives_un_untreated; do
      tail -n +2 "$data/eval/$f.csv"
    done
  done; } > "$out/batch.csv"
rows=$(($(wc -l < "$out/batch.csv") - 1))

best() { # best LABEL ARGS... → best wall time of 3 in seconds
  local b=999 t0 t1 t
  for _ in 1 2 3; do
    t0=$(date +%s.%N)
    "$bin" screen -i "$out/all.kdx" "$out/batch.csv" -o /dev/null --threads "$threads" "$@" 2>/dev/null
    t1=$(date +%s.%N)
    t=$(echo "$t1 - $t0" | bc -l)
    if (( $(echo "$t < $b" | bc -l) )); then b=$t; fi
  done
  echo "$b"
}
plain=$(best)
printf 'without --db:        %.3f s best of 3, %.0f rows/s (%d rows, %d thread(s))\n' "$plain" \
  "$(echo "$rows / $plain" | bc -l)" "$rows" "$threads"
sqlite=$(best --db "$out/bench.db")
runs=$(sqlite3 "$out/bench.db" "SELECT COUNT(*) || ' runs, ' || (SELECT COUNT(*) FROM results) || ' results, ' || (SELECT COUNT(*) FROM alerts) || ' alerts' FROM runs")
printf 'with --db (SQLite):  %.3f s best of 3, %.0f rows/s; %s recorded, %.0f MiB\n' "$sqlite" \
  "$(echo "$rows / $sqlite" | bc -l)" "$runs" "$(echo "$(stat -c %s "$out/bench.db") / 1048576" | bc -l)"
printf 'ratio: with the SQLite store, screening keeps %.0f%% of its speed\n' "$(echo "100 * $plain / $sqlite" | bc -l)"
if [ -n "$pg" ]; then
  pgt=$(best --db "$pg")
  printf 'with --db (PostgreSQL): %.3f s best of 3, %.0f rows/s; keeps %.0f%% of the speed\n' "$pgt" \
    "$(echo "$rows / $pgt" | bc -l)" "$(echo "100 * $plain / $pgt" | bc -l)"
fi
