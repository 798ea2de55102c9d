#!/usr/bin/env bash
# The direction of dependencies between modules (docs/ARCHITECTURE.md): a
# file under src/MODULE/ may include the headers of its own module, of
# modules on a lower layer, and the public include/kordon.h (a module's own
# public header, include/kordon/MODULE.h, counts as the module's) — never those of
# a module on its own layer or above. Fails naming file, line and both
# modules for each include that breaks it, so a new one is caught where it
# is written. Reads the sources only; needs no binary.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
src="$here/../src"

# The layers, lowest first (docs/ARCHITECTURE.md says why each sits where).
declare -A layer=(
  [core]=0
  [text]=1 [model]=1
  [lists]=2
  [index]=3
  [match]=4
  [resolve]=5 [scan]=5
  [store]=6 [fetch]=6
  [http]=7 [screening]=7
  [cli]=8
)

# Includes that break the rule today and are known: each is to be removed
# by moving the code, never extended. "FILE MODULE" per line.
known="
index/build.c resolve
"

failures=0
for dir in "$src"/*/; do
  module=$(basename "$dir")
  if [ -z "${layer[$module]+set}" ]; then
    echo "FAIL: src/$module/ is on no layer: add it to tests/e2e_layers.sh and docs/ARCHITECTURE.md" >&2
    failures=$((failures + 1))
    continue
  fi
  while IFS=: read -r file line text; do
    target=$(sed -n 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*"\([a-z_]*\)\/.*/\1/p' <<<"$text")
    # a module's public header (include/kordon/store.h) is that module's
    if [ "$target" = kordon ]; then
      target=$(sed -n 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*"kordon\/\([a-z_]*\)\.h".*/\1/p' <<<"$text")
    fi
    [ -n "$target" ] && [ "$target" != "$module" ] || continue
    rel=${file#"$src"/}
    if [ -z "${layer[$target]+set}" ]; then
      continue # not a module (a generated or system header)
    fi
    if [ "${layer[$target]}" -ge "${layer[$module]}" ]; then
      if grep -qx "$rel $target" <<<"$known"; then
        continue
      fi
      echo "FAIL: src/$rel:$line: $module (layer ${layer[$module]}) includes $target (layer ${layer[$target]}):" \
           "a module may only use the ones below it" >&2
      failures=$((failures + 1))
    fi
  done < <(grep -Hn '^[[:space:]]*#[[:space:]]*include[[:space:]]*"' "$dir"*.c "$dir"*.cc "$dir"*.h 2>/dev/null)
done

# A known exception that no longer holds is taken off the list, so the
# list only ever shrinks.
while read -r rel target; do
  [ -n "$rel" ] || continue
  grep -Eq "^[[:space:]]*#[[:space:]]*include[[:space:]]*\"$target/" "$src/$rel" 2>/dev/null ||
    { echo "FAIL: $rel no longer includes $target: remove it from the known list" >&2; failures=$((failures + 1)); }
done <<<"$known"

if [ "$failures" -gt 0 ]; then
  echo "$failures failure(s)" >&2
  exit 1
fi
echo "layers: every include goes down"
