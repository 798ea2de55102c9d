#!/usr/bin/env bash
# Runs every libFuzzer target for a while, growing its corpus in
# fuzz/corpus/<target>/ (commit new corpus files that add coverage).
# usage: fuzz/run.sh BUILD_DIR SECONDS_PER_TARGET
set -euo pipefail
build=${1:-build-fuzz}
seconds=${2:-60}
here=$(cd "$(dirname "$0")" && pwd)
# fuzz_scan builds its index from the shared lists
export KORDON_SHARED_DATA=${KORDON_SHARED_DATA:-$(cd "$here/../../shared/data" 2>/dev/null && pwd)}
for bin in "$build"/fuzz_*; do
  name=$(basename "$bin")
  corpus="$here/corpus/$name"
  mkdir -p "$corpus"
  echo "== $name for ${seconds}s"
  # index files are larger inputs than the parsers' records
  max_len=8192; [ "$name" = fuzz_index_open ] && max_len=20000
  "$bin" -max_total_time="$seconds" -max_len=$max_len -timeout=10 -rss_limit_mb=2048 \
         -artifact_prefix="$here/" "$corpus" 2>&1 | grep -E '^#[0-9]+.*(DONE|pulse)|ERROR|SUMMARY|Done' | tail -3
done
