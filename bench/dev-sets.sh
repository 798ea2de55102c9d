#!/usr/bin/env bash
# Issue 15's dev sets in one go, for one build: alias recall per list (EU,
# US OFAC, UN, Canada; by kind, script and schema), the same aliases in news
# prose (PROSE=1), labelled pairs with the calibration table, and the eval
# files' recall and false positives. Run it for two builds to compare them.
#
#   bench/dev-sets.sh [BUILD_DIR] [INDEX]     (defaults: build, an index of all shared lists built
#                                              by BUILD_DIR/kordon in a temporary directory)
#
# Not a test: it prints figures and the commands that reproduce them.
set -euo pipefail
b=${1:-build}
data=${KORDON_SHARED_DATA:-$(cd "$(dirname "$0")/.." && pwd)/../shared/data}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
index=${2:-}
if [ -z "$index" ]; then
  index="$tmp/all.kdx"
  "$b/kordon" build "$data/lists" -o "$index" -q --db /nonexistent
fi
for prefix in eu_ us_ un_ ca_; do
  for prose in 0 1; do
    echo "== alias recall, lists $prefix*$([ $prose = 1 ] && echo ', in prose')"
    PROSE=$prose "$b/bench_alias_recall" "$index" "$prefix" 0 | sed -n '/^  all\|^by \|^  /p'
  done
done
echo "== labelled pairs"
"$b/bench_name_pairs" "$index" | grep -v '^reproduce'
echo "== eval files"
e=$data/eval
BASELINE=0 "$b/bench_match" "$index" "$e/positives_un_untreated.csv" "$e/negatives_global_1000.csv" \
  "$e/negatives_us_1000.csv" | grep -E '^(kordon|accuracy)'
echo "reproduce: bench/dev-sets.sh $b${2:+ $2}"
