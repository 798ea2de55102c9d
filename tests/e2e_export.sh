#!/usr/bin/env bash
# End-to-end: `kordon export` of all shared lists is FollowTheMoney that
# FtM's own schema accepts (../shared/tools/ftm_validate.py, FtM 3.8.4), with
# listings as Sanction entities and values in FtM's types.
set -uo pipefail
bin=${KORDON_BIN:?}
data=${KORDON_SHARED_DATA:?}
tmp=${KORDON_TMP:-/tmp/kordon-e2e}/e2e_export
rm -rf "$tmp" && mkdir -p "$tmp"
failures=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }

"$bin" build "$data/lists" -o "$tmp/all.kdx" -q --db /nonexistent 2>"$tmp/build.err" || { cat "$tmp/build.err"; exit 1; }
"$bin" export -i "$tmp/all.kdx" -o "$tmp/all.ftm.json" 2>"$tmp/export.err" || fail "export failed: $(cat "$tmp/export.err")"
"$bin" export -i "$tmp/all.kdx" --format csv >/dev/null 2>&1; [ $? -eq 2 ] || fail "an unknown format is a usage error"
"$bin" export -i "$tmp/none.kdx" >/dev/null 2>"$tmp/none.err"; [ $? -eq 1 ] || fail "a missing index is an error"
grep -q none.kdx "$tmp/none.err" || fail "the error names the index: $(cat "$tmp/none.err")"

# the checker of the FtM schema (Debian's python3 with yaml, phonenumbers, stdnum: scripts/install-deps)
validator="$data/../tools/ftm_validate.py"
/usr/bin/python3 "$validator" "$tmp/all.ftm.json" "$tmp/violations.jsonl" >"$tmp/validate.out" 2>&1
status=$?
[ "$status" -eq 0 ] || fail "ftm_validate: $status, $(grep -A12 'by kind' "$tmp/validate.out")"
kordon_violations=$(grep -c '"origin": "kordon"' "$tmp/violations.jsonl")
[ "$kordon_violations" -eq 0 ] || fail "$kordon_violations violations made by kordon: $(grep -m3 '"origin": "kordon"' "$tmp/violations.jsonl")"

# what the export says, record by record
python3 - "$tmp/all.ftm.json" <<'PY' || fail "export contents"
import json, sys
by_id = {}
for line in open(sys.argv[1], encoding="utf-8"):
    e = json.loads(line)
    by_id[e["id"]] = e
def props(i): return by_id[i]["properties"]
ok = True
def check(cond, what):
    global ok
    if not cond:
        print("FAIL:", what, file=sys.stderr); ok = False
# a UN listing is a Sanction pointing at its party; the party keeps no listing date
s = by_id.get("unsc-110447-sanction")
check(s and s["schema"] == "Sanction" and props("unsc-110447-sanction")["entity"] == ["unsc-110447"]
      and props("unsc-110447-sanction")["listingDate"] == ["2001-02-23"], "UN Sanction entity")
check("listingDate" not in props("unsc-110447"), "listingDate stays off the person")
# IMO numbers with their prefix, flags as country codes
check(props("ofac-15036")["imoNumber"] == ["IMO9187629"] and props("ofac-15036")["flag"] == ["ir"], "OFAC vessel")
# every Sanction's entity is an exported record
sanctions = [e for e in by_id.values() if e["schema"] == "Sanction"]
check(len(sanctions) > 20000, f"{len(sanctions)} Sanction entities")
check(all(all(r in by_id for r in e["properties"]["entity"]) for e in sanctions), "dangling Sanction.entity")
# phones E.164, websites with a scheme, circa dates as years
phones = [p for e in by_id.values() for p in e["properties"].get("phone", [])]
check(phones and all(p.startswith("+") and p[1:].isdigit() for p in phones), "phones in E.164")
sites = [w for e in by_id.values() for w in e["properties"].get("website", [])]
check(sites and all(w.startswith(("http://", "https://")) for w in sites), "websites with a scheme")
dates = [d for e in by_id.values() for d in e["properties"].get("birthDate", [])]
check(dates and not any("~" in d or "/" in d for d in dates), "birth dates as FtM dates")
sys.exit(0 if ok else 1)
PY

# `kordon entity` (what /entities and /match answer) speaks the same FtM: parties with phones,
# websites, IMO numbers, circa dates and listings of several lists, checked by the same checker;
# kordon's `listings` beside the properties is its own top-level key, the only one FtM lacks (the
# sample holds the parties alone: the addresses they refer to are not in it, so dangling references
# are no finding here)
ids=$(python3 - "$tmp/all.ftm.json" <<'PY'
import json, sys
want, seen = [], set()
for line in open(sys.argv[1], encoding="utf-8"):
    e = json.loads(line)
    p = e["properties"]
    if e["schema"] != "Sanction" and any(k in p for k in ("phone", "website", "imoNumber", "birthDate")) and len(want) < 300:
        want.append(e["id"])
print(" ".join(want + ["eu-oj-32014R0269-1426", "ofac-16669", "ofac-15036"]))
PY
)
# shellcheck disable=SC2086
"$bin" entity -i "$tmp/all.kdx" $ids | python3 -c '
import json, sys
text, dec, pos = sys.stdin.read(), json.JSONDecoder(), 0
while pos < len(text):
    while pos < len(text) and text[pos].isspace(): pos += 1
    if pos >= len(text): break
    obj, pos = dec.raw_decode(text, pos)
    print(json.dumps(obj, ensure_ascii=False))' >"$tmp/entities.ftm.json" || fail "kordon entity of the sample"
/usr/bin/python3 "$validator" "$tmp/entities.ftm.json" "$tmp/entity-violations.jsonl" >"$tmp/entity-validate.out" 2>&1
findings() { grep '"origin": "kordon"' "$tmp/entity-violations.jsonl" | grep -v '"kind": "unknown-top-level-key"' |
  grep -v '"kind": "dangling-entity-ref"'; }
entity_violations=$(findings | grep -c .)
[ "$entity_violations" -eq 0 ] ||
  fail "kordon entity: $entity_violations violations made by kordon: $(findings | head -3)"
grep '"kind": "unknown-top-level-key"' "$tmp/entity-violations.jsonl" | grep -qv '"listings"' &&
  fail "kordon entity: a top-level key FtM lacks besides listings"

if [ "$failures" -gt 0 ]; then
  echo "$failures failure(s)" >&2
  exit 1
fi
echo "e2e_export: all checks passed"
