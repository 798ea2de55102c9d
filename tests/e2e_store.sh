#!/usr/bin/env bash
# End-to-end: the audit store, list diffs and monitoring on real list
# releases, against SQLite and against a throwaway PostgreSQL server that
# this script starts (skipped, saying so, only when the PostgreSQL server
# binaries are not installed).
set -uo pipefail
bin=${KORDON_BIN:?}
data=${KORDON_SHARED_DATA:?}
tmp=${KORDON_TMP:-/tmp/kordon-e2e}/e2e_store
# A server left running by an interrupted earlier run is stopped before its
# directory goes.
if [ -f "$tmp/pg/data/postmaster.pid" ]; then
  pid=$(head -1 "$tmp/pg/data/postmaster.pid")
  kill -QUIT "$pid" 2>/dev/null
  for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
fi
rm -rf "$tmp" && mkdir -p "$tmp"
failures=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }
expect_eq() { [ "$1" = "$2" ] || fail "$3: expected \"$2\", got \"$1\""; }
expect_in() { case "$1" in *"$2"*) ;; *) fail "$3: expected \"$2\" in: $(printf '%s' "$1" | head -c 600)";; esac; }
export KORDON_USER=e2e-analyst

# --- indexes of every release ------------------------------------------------
build() { "$bin" build "$1" -o "$tmp/$2.kdx" -q 2>"$tmp/build.err" || { cat "$tmp/build.err"; exit 1; }; }
build "$data/versions/ofac-2019" ofac19
build "$data/lists/ofac" ofac21
build "$data/versions/ofac-2024-05" ofac24
build "$data/versions/un-2025-04-19" un25
build "$data/versions/un-2026-01-28" un26jan
build "$data/lists/un" un26feb

# --- diff: added and removed counted from the files themselves ---------------
ofac_ids() { tr -d '\032' < "$1" | awk -F, '$1 ~ /^[0-9]+$/ {print "ofac-" $1}' | sort -u; }
un_ids() { grep -o '<DATAID>[0-9]*</DATAID>' "$1" | grep -o '[0-9]*' | sed 's/^/unsc-/' | sort -u; }
ofac_ids "$data/versions/ofac-2019/sdn.csv" > "$tmp/ofac19.ids"
ofac_ids "$data/lists/ofac/sdn.csv" > "$tmp/ofac21.ids"
ofac_ids "$data/versions/ofac-2024-05/sdn.csv" > "$tmp/ofac24.ids"
un_ids "$data/versions/un-2025-04-19/consolidated.xml" > "$tmp/un25.ids"
un_ids "$data/versions/un-2026-01-28/consolidated.xml" > "$tmp/un26jan.ids"
un_ids "$data/lists/un/consolidated.xml" > "$tmp/un26feb.ids"
check_diff() { # check_diff OLD NEW DATASET
  local out added removed want_added want_removed
  out=$("$bin" diff "$tmp/$1.kdx" "$tmp/$2.kdx") || { fail "diff $1 $2 failed"; return; }
  printf '%s\n' "$out" > "$tmp/diff-$1-$2.txt"
  want_added=$(comm -13 "$tmp/$1.ids" "$tmp/$2.ids" | wc -l)
  want_removed=$(comm -23 "$tmp/$1.ids" "$tmp/$2.ids" | wc -l)
  expect_in "$out" "$3 (" "diff $1 $2 names the dataset"
  added=$(printf '%s\n' "$out" | grep -c '^  + ')
  removed=$(printf '%s\n' "$out" | grep -c '^  - ')
  expect_eq "$added" "$want_added" "diff $1 $2: entries added"
  expect_eq "$removed" "$want_removed" "diff $1 $2: entries removed"
  expect_in "$out" "$want_added added, $want_removed removed" "diff $1 $2 summary line"
  # every added id is one the new file has and the old one lacks
  printf '%s\n' "$out" | awk '$1 == "+" {print $2}' | sort > "$tmp/added-$1-$2"
  comm -13 "$tmp/$1.ids" "$tmp/$2.ids" | cmp -s - "$tmp/added-$1-$2" || fail "diff $1 $2: added ids differ from the files"
  echo "diff $1 → $2: $(printf '%s\n' "$out" | head -1)"
}
check_diff ofac19 ofac21 us_ofac_sdn
check_diff ofac21 ofac24 us_ofac_sdn
check_diff un25 un26jan un_sc_sanctions
check_diff un26jan un26feb un_sc_sanctions
# changed entries name their properties with old and new values
d=$(cat "$tmp/diff-ofac19-ofac21.txt")
expect_in "$d" "~ ofac-10138" "OFAC 2019→2021 changed: SLIZHEVSKY"
expect_in "$d" 'address: (none) → "Minsk, Belarus"' "OFAC 2019→2021: SLIZHEVSKY's new address"
expect_in "$d" 'birthDate: (none) → "1972-08-16"' "OFAC 2019→2021: SLIZHEVSKY's birth date"
d=$(cat "$tmp/diff-un25-un26jan.txt")
expect_in "$d" "~ unsc-111639" "UN 2025→2026 changed: TANTOUSH"
expect_in "$d" 'country: "ly" → "af"' "UN 2025→2026: TANTOUSH's country"
changed=$(grep -c '^  ~ ' "$tmp/diff-ofac19-ofac21.txt")
[ "$changed" -gt 100 ] || fail "OFAC 2019→2021: only $changed changed entries"
json=$("$bin" diff --json "$tmp/un25.kdx" "$tmp/un26jan.kdx")
expect_in "$json" '"added": 132' "diff --json counts"
expect_in "$json" '"property": "country"' "diff --json property changes"
"$bin" diff "$tmp/ofac19.kdx" >/dev/null 2>&1; [ $? -eq 2 ] || fail "diff with one index is a usage error"
"$bin" diff "$tmp/ofac19.kdx" "$tmp/missing.kdx" >/dev/null 2>"$tmp/err" && fail "diff of a missing index must fail"
expect_in "$(cat "$tmp/err")" "missing.kdx" "diff error names the file"

# --- a customer file: persons listed in 2021 but not 2019, and persons listed
# unchanged in both -------------------------------------------------------------
persons() { tr -d '\032' < "$1" | awk -F'"' '{split($1, a, ","); if (a[1] ~ /^[0-9]+$/ && $4 == "individual") print "ofac-" a[1] "," $2}' | sort -t, -k1,1; }
persons "$data/lists/ofac/sdn.csv" > "$tmp/persons21"
awk '$1 == "~" {print $2}' "$tmp/diff-ofac19-ofac21.txt" | sort > "$tmp/changed-ofac19-ofac21"
comm -12 "$tmp/ofac19.ids" "$tmp/ofac21.ids" | comm -23 - "$tmp/changed-ofac19-ofac21" > "$tmp/unchanged"
join -t, "$tmp/added-ofac19-ofac21" "$tmp/persons21" | awk 'NR % 40 == 1' > "$tmp/new.list"
join -t, "$tmp/unchanged" "$tmp/persons21" | awk 'NR % 80 == 1' | head -25 > "$tmp/both.list"
customers="$tmp/customers.csv"
{ echo "id,name"
  awk -F, '{n = $0; sub(/^[^,]*,/, "", n); print "new-" $1 ",\"" n "\""}' "$tmp/new.list"
  awk -F, '{n = $0; sub(/^[^,]*,/, "", n); print "both-" $1 ",\"" n "\""}' "$tmp/both.list"
} > "$customers"
n_new=$(wc -l < "$tmp/new.list"); n_both=$(wc -l < "$tmp/both.list")
[ "$n_new" -ge 20 ] && [ "$n_both" -ge 20 ] || fail "customer file: $n_new new, $n_both in both"

# A large batch for the crash test: the labelled sets twenty times over.
big="$tmp/big.csv"
{ head -1 "$data/eval/negatives_global_1000.csv"
  for _ in $(seq 1 20); do
    for f in negatives_global_1000 negatives_us_1000 positives_un_untreated; do tail -n +2 "$data/eval/$f.csv"; done
  done; } > "$big"

# alerts_of RUN: "customer entity reason" per alert of that run
alerts_of() {
  "$bin" alerts --json --db "$db" | awk -v run="\"run_id\":$1," 'index($0, run) {
    c = $0; sub(/.*"customer_id":"/, "", c); sub(/".*/, "", c)
    e = $0; sub(/.*"entity_id":"/, "", e); sub(/".*/, "", e)
    r = $0; sub(/.*"reason":"/, "", r); sub(/".*/, "", r)
    print c, e, r }'
}

store_checks() { # store_checks DB-TARGET LABEL SQL-COMMAND...
  db=$1; label=$2; shift 2
  q() { "${sqlcmd[@]}" "$1"; }
  sqlcmd=("$@")
  echo "--- store: $label"

  # monitoring: first on the 2019 index, then on the 2021 one
  out=$("$bin" monitor add "$customers" --db "$db") || fail "$label: monitor add"
  expect_in "$out" "$((n_new + n_both)) customers" "$label: monitor add count"
  "$bin" monitor run -i "$tmp/ofac19.kdx" --db "$db" > "$tmp/run1.txt" || fail "$label: monitor run 2019"
  "$bin" monitor run -i "$tmp/ofac21.kdx" --db "$db" > "$tmp/run2.txt" || fail "$label: monitor run 2021"
  head -1 "$tmp/run1.txt"; head -1 "$tmp/run2.txt"
  alerts_of 1 > "$tmp/alerts1"; alerts_of 2 > "$tmp/alerts2"
  # 2019: every customer listed then is alerted on its own entry; nobody
  # listed only from 2021 on is
  while IFS=, read -r id _; do
    grep -q "^both-$id $id new$" "$tmp/alerts1" || fail "$label: 2019 run: no alert for both-$id"
    grep -q "^both-$id $id " "$tmp/alerts2" && fail "$label: 2021 run re-alerted unchanged both-$id"
  done < "$tmp/both.list"
  while IFS=, read -r id _; do
    grep -q " $id " "$tmp/alerts1" && fail "$label: 2019 run alerted on $id, listed only in 2021"
    grep -q "^new-$id $id new$" "$tmp/alerts2" || fail "$label: 2021 run: no alert for new-$id"
  done < "$tmp/new.list"
  # 2021: alerts exactly for the new listings
  awk '{print $2}' "$tmp/alerts2" | sort -u | comm -23 - "$tmp/added-ofac19-ofac21" > "$tmp/not-new"
  [ ! -s "$tmp/not-new" ] || fail "$label: 2021 run alerted on entities not newly listed: $(tr '\n' ' ' < "$tmp/not-new")"
  echo "$label: 2019 run $(wc -l < "$tmp/alerts1") alerts, 2021 run $(wc -l < "$tmp/alerts2") alerts ($n_new new listings)"

  # clear one pair: a new customer's hit on someone else if there is one
  pick=$("$bin" alerts --json --db "$db" | grep '"run_id":2,' | awk '{
    c = $0; sub(/.*"customer_id":"new-/, "", c); sub(/".*/, "", c)
    e = $0; sub(/.*"entity_id":"/, "", e); sub(/".*/, "", e)
    a = $0; sub(/^\{"id":/, "", a); sub(/,.*/, "", a)
    if (c != e) { print a, e; exit } }')
  [ -n "$pick" ] || pick=$("$bin" alerts --json --db "$db" | grep '"run_id":2,' | head -1 |
    awk '{a = $0; sub(/^\{"id":/, "", a); sub(/,.*/, "", a); e = $0; sub(/.*"entity_id":"/, "", e); sub(/".*/, "", e); print a, e}')
  alert=${pick% *}; cleared=${pick#* }
  out=$("$bin" decide "$alert" --verdict false-positive --comment "different person: other birth date" --db "$db") ||
    fail "$label: decide"
  expect_in "$out" "is not $cleared until that listing changes" "$label: decide says what it clears"
  "$bin" alerts --open --json --db "$db" | grep -q "^{\"id\":$alert," && fail "$label: a cleared alert is still open"
  # a re-run stays quiet: nothing new, nothing changed, the pair cleared
  out=$("$bin" monitor run -i "$tmp/ofac21.kdx" --db "$db") || fail "$label: monitor re-run"
  expect_in "$out" ", 0 new alerts" "$label: monitor re-run raises nothing"
  # batch screening alerts on every match, except the cleared pair
  "$bin" screen -i "$tmp/ofac21.kdx" "$customers" --db "$db" -o "$tmp/screen.jsonl" 2>"$tmp/screen.err" ||
    fail "$label: screen --db: $(cat "$tmp/screen.err")"
  run=$(sed -n 's/.*recorded as run \([0-9]*\).*/\1/p' "$tmp/screen.err")
  matches=$(grep -o '"match":true' "$tmp/screen.jsonl" | wc -l)
  screen_alerts=$(alerts_of "$run" | wc -l)
  expect_eq "$screen_alerts" "$((matches - 1))" "$label: screen run alerts (every match but the cleared pair)"
  alerts_of "$run" | grep -q " $cleared screen$" && fail "$label: cleared pair alerted in a batch"
  expect_eq "$(q "SELECT COUNT(*) FROM inputs WHERE run_id = $run")" "$((n_new + n_both))" "$label: screen inputs recorded"
  expect_eq "$(q "SELECT COUNT(*) FROM results r JOIN inputs i ON i.id = r.input_id WHERE i.run_id = $run AND r.is_match = 1")" \
    "$matches" "$label: screen results recorded"
  expect_eq "$(q "SELECT COUNT(*) FROM run_datasets WHERE run_id = $run AND dataset = 'us_ofac_sdn' AND version LIKE 'dcecf189%'")" 1 \
    "$label: run records the dataset version"
  # a row refused for invalid UTF-8 is recorded with its error
  printf 'id,name\nbad-1,Ann \xc3\x28 Smith\nok-1,Ann Smith\n' > "$tmp/badutf8.csv"
  # (the run is recorded; exit status 3 says a row was not screened)
  "$bin" screen -i "$tmp/ofac21.kdx" "$tmp/badutf8.csv" --db "$db" -o /dev/null 2>"$tmp/screen.err"
  rc=$?; [ "$rc" = 3 ] || fail "$label: screen --db of a file with an invalid row: exit $rc: $(cat "$tmp/screen.err")"
  run=$(sed -n 's/.*recorded as run \([0-9]*\).*/\1/p' "$tmp/screen.err")
  expect_eq "$(q "SELECT error FROM inputs WHERE run_id = $run AND customer_id = 'bad-1'")" "line 2: column 2: invalid UTF-8" \
    "$label: the refused row is recorded with its error"
  # when the cleared entity's listing changes (2024 release) the pair alerts again
  if grep -q "^  ~ $cleared " "$tmp/diff-ofac21-ofac24.txt"; then
    out=$("$bin" monitor run -i "$tmp/ofac24.kdx" --db "$db") || fail "$label: monitor run 2024"
    last=$(q "SELECT MAX(id) FROM runs")
    alerts_of "$last" | grep -q " $cleared changed$" || fail "$label: $cleared changed in 2024 but its cleared pair stayed quiet"
    echo "$label: cleared pair (… → $cleared) quiet on re-runs, alerted again when the 2024 listing changed"
  fi

  # decisions are append-only: a correction is a new row
  out=$("$bin" decide "$alert" --verdict true-match --comment "correction: same passport" --reviewer senior --db "$db") ||
    fail "$label: correction"
  expect_in "$out" "supersedes 1 earlier decision" "$label: correction keeps the first decision"
  json=$("$bin" alerts --json --db "$db" | grep "^{\"id\":$alert,")
  expect_in "$json" '"verdict":"true-match"' "$label: newest decision wins"
  expect_in "$json" '"decisions":2' "$label: both decisions kept"
  q "UPDATE decisions SET verdict = 'escalate'" >/dev/null 2>"$tmp/err" && fail "$label: decisions must refuse UPDATE"
  expect_in "$(cat "$tmp/err")" "append-only" "$label: UPDATE refused with a reason"
  q "DELETE FROM allow_list" >/dev/null 2>&1 && fail "$label: the allow-list must refuse DELETE"
  expect_eq "$(q "SELECT COUNT(*) FROM allow_list WHERE entity_id = '$cleared'")" 2 "$label: cleared, then revoked"
  "$bin" decide 999999 --verdict escalate --comment x --db "$db" >/dev/null 2>"$tmp/err" && fail "$label: unknown alert"
  expect_in "$(cat "$tmp/err")" "no alert 999999" "$label: unknown alert message"
  "$bin" decide "$alert" --verdict maybe --comment x --db "$db" >/dev/null 2>&1; [ $? -eq 2 ] || fail "$label: bad verdict is a usage error"

  # audit export
  "$bin" audit export --db "$db" --format jsonl > "$tmp/audit.jsonl" 2>/dev/null || fail "$label: audit export"
  runs=$(q "SELECT COUNT(*) FROM runs")
  expect_eq "$(grep -c '"kind":"run"' "$tmp/audit.jsonl")" "$runs" "$label: audit runs"
  expect_eq "$(grep -c '"kind":"decision"' "$tmp/audit.jsonl")" 2 "$label: audit decisions"
  expect_eq "$(grep -c '"kind":"alert"' "$tmp/audit.jsonl")" "$(q "SELECT COUNT(*) FROM alerts")" "$label: audit alerts"
  expect_in "$(cat "$tmp/audit.jsonl")" '"datasets":{"us_ofac_sdn":"dcecf189' "$label: audit run carries dataset versions"
  expect_in "$(cat "$tmp/audit.jsonl")" '"actor":"e2e-analyst"' "$label: audit says who"
  expect_in "$(cat "$tmp/audit.jsonl")" '"verdict":"false-positive","detail":"different person: other birth date"' "$label: audit decision comment"
  "$bin" audit export --db "$db" --format csv --from 2000-01-01 --to "$(date -u +%Y-%m-%d)" > "$tmp/audit.csv" 2>/dev/null
  expect_eq "$(head -1 "$tmp/audit.csv")" "time,kind,id,run_id,alert_id,actor,customer_id,entity_id,entity_hash,verdict,detail" "$label: csv header"
  expect_eq "$(($(wc -l < "$tmp/audit.csv") - 1))" "$(wc -l < "$tmp/audit.jsonl")" "$label: csv and jsonl hold the same events"
  expect_eq "$("$bin" audit export --db "$db" --to 2000-01-01 2>/dev/null | wc -l)" 0 "$label: nothing before 2000"

  # conflicting decisions at once, from separate processes (as from replicas): for every alert the
  # allow-list ends as its newest decision says; the newest decision sent three times is one decision
  : > "$tmp/race.err"
  race_run=$(q "SELECT MAX(run_id) FROM alerts WHERE customer_id IS NOT NULL AND entity_id <> '$cleared'")
  race_alerts=$(q "SELECT id FROM alerts WHERE run_id = $race_run AND customer_id IS NOT NULL AND entity_id <> '$cleared' ORDER BY id LIMIT 20" | tr '\n' ' ')
  for a in $race_alerts; do
    "$bin" decide "$a" --verdict false-positive --comment "race: not the listed person" --reviewer ana --db "$db" >/dev/null 2>>"$tmp/race.err" &
    "$bin" decide "$a" --verdict true-match --comment "race: same passport" --reviewer bo --db "$db" >/dev/null 2>>"$tmp/race.err" &
  done
  wait
  [ -s "$tmp/race.err" ] && fail "$label: concurrent decisions failed: $(head -3 "$tmp/race.err")"
  ids=$(echo $race_alerts | tr ' ' ',')
  [ -n "$ids" ] || fail "$label: no alerts to race on"
  inconsistent=$(q "SELECT COUNT(*) FROM alerts a JOIN decisions d ON d.id = (SELECT MAX(e.id) FROM decisions e WHERE e.alert_id = a.id)
    WHERE a.id IN ($ids) AND (CASE WHEN d.verdict = 'false-positive' THEN 1 ELSE 0 END) <>
      COALESCE((SELECT l.allowed FROM allow_list l WHERE l.customer_id = a.customer_id AND l.entity_id = a.entity_id
                ORDER BY l.id DESC LIMIT 1), 0)")
  expect_eq "$inconsistent" 0 "$label: allow-list against the newest decision after concurrent decisions ($(echo $race_alerts | wc -w) alerts)"
  [ "$inconsistent" = 0 ] && echo "$label: $(echo $race_alerts | wc -w) alerts decided two ways at once, allow-lists as their newest decisions say"
  # (ten alerts: thirty processes at once, each opening the store, stay within SQLite's busy
  # timeout even under a sanitizer on a loaded machine)
  triple=$(echo $race_alerts | tr ' ' '\n' | head -10)
  for a in $triple; do
    for _ in 1 2 3; do
      "$bin" decide "$a" --verdict escalate --comment "race: ask the lead" --reviewer cy --db "$db" >/dev/null 2>>"$tmp/race.err" &
    done
  done
  wait
  [ -s "$tmp/race.err" ] && fail "$label: a decision sent three times at once failed: $(head -3 "$tmp/race.err")"
  expect_eq "$(q "SELECT COUNT(*) FROM decisions WHERE comment = 'race: ask the lead'")" "$(echo $triple | wc -w)" \
    "$label: one decision sent three times at once is recorded once"

  # two monitoring runs at once raise each alert once: customers new to monitoring, named as
  # monitored customers are, then both runs together
  awk 'NR == 1 {print; next} NR <= 41 {sub(/^[^,]*/, "twice-" NR); print}' "$customers" > "$tmp/twice.csv"
  "$bin" monitor add "$tmp/twice.csv" --db "$db" >/dev/null || fail "$label: monitor add (twice)"
  last_index=$(ls -t "$tmp"/ofac2[14].kdx | head -1)
  "$bin" monitor run -i "$last_index" --db "$db" > "$tmp/twice1.txt" 2>&1 &
  "$bin" monitor run -i "$last_index" --db "$db" > "$tmp/twice2.txt" 2>&1 &
  wait
  doubled=$(q "SELECT COUNT(*) FROM (SELECT customer_id, entity_id, entity_hash FROM alerts WHERE customer_id LIKE 'twice-%'
    GROUP BY customer_id, entity_id, entity_hash HAVING COUNT(*) > 1) t")
  twice_alerts=$(q "SELECT COUNT(*) FROM alerts WHERE customer_id LIKE 'twice-%'")
  expect_eq "$doubled" 0 "$label: pairs alerted twice by two monitoring runs at once"
  [ "$twice_alerts" -gt 0 ] || fail "$label: the customers of the concurrent runs raised no alert at all: $(cat "$tmp/twice1.txt" "$tmp/twice2.txt")"
  [ "$doubled" = 0 ] && echo "$label: two monitoring runs at once: $twice_alerts alerts, none twice"

  # crash safety: SIGKILL in the middle of a large batch
  before=$(q "SELECT COUNT(*) FROM runs")
  rm -f "$tmp/big.jsonl"
  "$bin" screen -i "$tmp/ofac21.kdx" "$big" --db "$db" -o "$tmp/big.jsonl" 2>/dev/null &
  pid=$!
  for _ in $(seq 1 600); do
    [ "$({ wc -l < "$tmp/big.jsonl"; } 2>/dev/null || echo 0)" -ge 4096 ] && break
    sleep 0.05
  done
  written=$(wc -l < "$tmp/big.jsonl")
  kill -KILL "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; status=$?
  echo "$label: killed kordon after $written of $(($(wc -l < "$big") - 1)) rows screened"
  expect_eq "$status" 137 "$label: kordon killed mid-batch (after $written of $(($(wc -l < "$big") - 1)) rows)"
  expect_eq "$(q "SELECT COUNT(*) FROM runs")" "$before" "$label: the killed run left no run behind"
  expect_eq "$(q "SELECT COUNT(*) FROM runs WHERE finished_at IS NULL")" 0 "$label: no unfinished run"
  expect_eq "$(q "SELECT COUNT(*) FROM runs r WHERE input_count <> (SELECT COUNT(*) FROM inputs i WHERE i.run_id = r.id)")" 0 \
    "$label: every committed run has all its inputs"
  expect_eq "$(q "SELECT COUNT(*) FROM runs r WHERE alert_count <> (SELECT COUNT(*) FROM alerts a WHERE a.run_id = r.id)")" 0 \
    "$label: every committed run has all its alerts"
  # restarted, it records the next batch as usual
  "$bin" screen -i "$tmp/ofac21.kdx" "$customers" --db "$db" -o /dev/null 2>"$tmp/screen.err" ||
    fail "$label: screen after the crash: $(cat "$tmp/screen.err")"
  expect_eq "$(q "SELECT COUNT(*) FROM runs WHERE finished_at IS NOT NULL")" "$((before + 1))" "$label: run after the crash recorded"
}

# --- refusals that say what is wrong ------------------------------------------------
printf 'name\nAnn Smith\n' > "$tmp/noid.csv"
"$bin" monitor add "$tmp/noid.csv" --db "$tmp/refusals.db" >/dev/null 2>"$tmp/err" && fail "monitor add without ids must fail"
expect_in "$(cat "$tmp/err")" "noid.csv:1: monitoring needs an id column" "monitor add without an id column"
printf 'id,name\nc-1,Ann Smith\nc-2,\n' > "$tmp/noname.csv"
"$bin" monitor add "$tmp/noname.csv" --db "$tmp/refusals.db" >/dev/null 2>"$tmp/err" && fail "a customer without a name must fail"
expect_in "$(cat "$tmp/err")" "noname.csv:3: a customer needs an id and a name" "monitor add row without a name"
"$bin" monitor run -i "$tmp/ofac21.kdx" --db "$tmp/refusals.db" >/dev/null 2>"$tmp/err" && fail "monitor run with nobody to monitor"
# the refused file created no store, and monitor run creates none either
expect_in "$(cat "$tmp/err")" "no store here" "monitor run without a store"
[ -e "$tmp/refusals.db" ] && fail "monitor run created an empty store"
"$bin" screen -i "$tmp/ofac21.kdx" "$customers" --db "$tmp/no/such/dir/k.db" -o /dev/null 2>"$tmp/err" && fail "unwritable store"
expect_in "$(cat "$tmp/err")" "no/such/dir/k.db: cannot open the store" "unwritable store message"
"$bin" monitor frob >/dev/null 2>&1; [ $? -eq 2 ] || fail "unknown monitor subcommand is a usage error"
"$bin" audit export --format xml >/dev/null 2>&1; [ $? -eq 2 ] || fail "unknown audit format is a usage error"

# --- one party, one alert: a monitored person listed by the UN, then also by the EU and OFAC
# (one party of three records) is one change of that party, not two new alerts
build "$data/lists/un" un
"$bin" build "$data/lists/un" "$data/lists/eu_oj" "$data/lists/ofac" -o "$tmp/three.kdx" -q || fail "build of three lists"
printf 'id,name,birth_date\nb-1,Eric Badege,1971\nb-2,Jane Nobody-Inparticular,1980\n' > "$tmp/badege.csv"
pdb="$tmp/party.db"; rm -f "$pdb"
"$bin" monitor add "$tmp/badege.csv" --db "$pdb" >/dev/null || fail "party: monitor add"
out=$("$bin" monitor run -i "$tmp/un.kdx" --db "$pdb") || fail "party: monitor run on the UN list"
expect_in "$out" ", 1 new alerts" "party: Badege on the UN list"
out=$("$bin" monitor run -i "$tmp/three.kdx" --db "$pdb") || fail "party: monitor run on three lists"
expect_in "$out" ", 1 new alerts" "party: new listings of Badege are one alert"
got=$("$bin" alerts --json --db "$pdb" | python3 -c "
import json, sys
print(sorted((a['customer_id'], a['entity_id'], a['reason']) for a in map(json.loads, sys.stdin)))")
expect_eq "$got" "[('b-1', 'unsc-6907993', 'changed'), ('b-1', 'unsc-6907993', 'new')]" "party: the alerts name the party"
out=$("$bin" monitor run -i "$tmp/three.kdx" --db "$pdb") || fail "party: monitor re-run"
expect_in "$out" ", 0 new alerts" "party: nothing changed, nothing raised"

# --- SQLite ----------------------------------------------------------------------
# Idempotency-Key: retries (one after another and at once) give the first answer and record
# one run; the key with another body is 422; a decision retried is kept once.
idempotency_checks() { # idempotency_checks DB-TARGET LABEL SQL-COMMAND...
  local db=$1 label=$2; shift 2
  local sqlcmd=("$@")
  "$bin" serve -i "$tmp/ofac21.kdx" --db "$db" --listen 127.0.0.1:0 --threads 2 >"$tmp/idem.out" 2>"$tmp/idem.err" &
  local pid=$! port=
  for _ in $(seq 1 100); do
    port=$(sed -n 's/.*(port \([0-9]*\)).*/\1/p' "$tmp/idem.out"); [ -n "$port" ] && break; sleep 0.1
  done
  local url="http://127.0.0.1:$port" body='{"queries":{"q":{"schema":"Person","properties":{"name":["Oleg Slizhevsky"]}}}}'
  local before; before=$("${sqlcmd[@]}" "SELECT COUNT(*) FROM runs")
  post() { curl -s -D "$tmp/idem.h$1" -o "$tmp/idem.b$1" -w '%{http_code}' -H 'Content-Type: application/json' \
             -H "Idempotency-Key: $2" -d "$3" "$url/match/default"; }
  expect_eq "$(post 0 "$label-k1" "$body")" 200 "$label: Idempotency-Key: first /match"
  local tries=()
  for i in 1 2 3; do post "$i" "$label-k1" "$body" >"$tmp/idem.code$i" & tries+=($!); done; wait "${tries[@]}"
  for i in 1 2 3; do
    expect_eq "$(cat "$tmp/idem.code$i")" 200 "$label: Idempotency-Key: retry $i"
    cmp -s "$tmp/idem.b0" "$tmp/idem.b$i" || fail "$label: Idempotency-Key: retry $i answered otherwise"
    grep -qi '^Idempotent-Replayed: true' "$tmp/idem.h$i" || fail "$label: Idempotency-Key: retry $i not marked replayed"
  done
  grep -qi '^Idempotent-Replayed' "$tmp/idem.h0" && fail "$label: Idempotency-Key: the first answer is marked replayed"
  expect_eq "$("${sqlcmd[@]}" "SELECT COUNT(*) FROM runs")" "$((before + 1))" "$label: Idempotency-Key: runs recorded for 4 tries"
  expect_eq "$(post 4 "$label-k1" '{"queries":{"q":{"schema":"Person","properties":{"name":["Eric Badege"]}}}}')" 422 \
    "$label: Idempotency-Key reused with another body"
  expect_eq "$(post 5 "$(printf 'k%.0s' $(seq 1 300))" "$body")" 400 "$label: an Idempotency-Key of 300 characters"
  # two first tries at once with a new key: one run
  before=$("${sqlcmd[@]}" "SELECT COUNT(*) FROM runs")
  tries=()
  for i in 6 7 8 9; do post "$i" "$label-k2" "$body" >/dev/null & tries+=($!); done; wait "${tries[@]}"
  expect_eq "$("${sqlcmd[@]}" "SELECT COUNT(*) FROM runs")" "$((before + 1))" "$label: Idempotency-Key: 4 first tries at once"
  # /screen: a retry is sent what the first try was sent, block by block, and records nothing new
  local screened="SELECT (SELECT COUNT(*) FROM runs WHERE source = 'api /screen') || ' ' || (SELECT COUNT(*) FROM inputs i
    JOIN runs r ON r.id = i.run_id WHERE r.source = 'api /screen') || ' ' || (SELECT COUNT(*) FROM alerts a JOIN runs r
    ON r.id = a.run_id WHERE r.source = 'api /screen')"
  screen() { curl -s -D "$tmp/idem.sh$1" -o "$tmp/idem.s$1" -w '%{http_code}' -H "Content-Type: $4" \
               -H "Idempotency-Key: $2" --data-binary "$3" "$url/screen"; }
  local lines; lines=$(printf '%s\n' '{"id":"s-1","schema":"Person","properties":{"name":["Oleg Slizhevsky"]}}' \
    'not JSON' '{"id":"s-2","schema":"Person","properties":{"name":["Eric Badege"]}}')
  local nd=application/x-ndjson screened0; screened0=$("${sqlcmd[@]}" "$screened")
  expect_eq "$(screen 0 "$label-s1" "$lines" $nd)" 200 "$label: Idempotency-Key: first /screen"
  local screened1; screened1=$("${sqlcmd[@]}" "$screened")
  expect_eq "${screened1% * *}" "$((${screened0% * *} + 1))" "$label: Idempotency-Key: the first /screen is one run"
  grep -q '"line":2,"status":400' "$tmp/idem.s0" || fail "$label: /screen: the line that is not JSON"
  # each result line names the index that screened it, as X-Kordon-Index does
  local served; served=$(sed -n 's/^X-Kordon-Index: *\([^; \r]*\).*/\1/Ip' "$tmp/idem.sh0" | tr -d '"')
  [ -n "$served" ] && [ "$(grep -c "\"index\":\"$served\"" "$tmp/idem.s0")" = 2 ] ||
    fail "$label: /screen lines do not name the index ($served): $(cat "$tmp/idem.s0")"
  tries=()
  for i in 1 2 3; do screen "$i" "$label-s1" "$lines" $nd >"$tmp/idem.scode$i" & tries+=($!); done; wait "${tries[@]}"
  for i in 1 2 3; do
    expect_eq "$(cat "$tmp/idem.scode$i")" 200 "$label: Idempotency-Key: /screen retry $i"
    cmp -s "$tmp/idem.s0" "$tmp/idem.s$i" || fail "$label: Idempotency-Key: /screen retry $i answered otherwise"
    grep -qi '^Idempotent-Replayed: true' "$tmp/idem.sh$i" || fail "$label: Idempotency-Key: /screen retry $i not marked replayed"
  done
  grep -qi '^Idempotent-Replayed' "$tmp/idem.sh0" && fail "$label: Idempotency-Key: the first /screen is marked replayed"
  expect_eq "$("${sqlcmd[@]}" "$screened")" "$screened1" "$label: Idempotency-Key: runs, inputs, alerts of /screen after 3 retries"
  expect_eq "$(screen 4 "$label-s1" "${lines/Eric Badege/Jane Roe}" $nd)" 422 "$label: /screen's Idempotency-Key with another body"
  expect_in "$(cat "$tmp/idem.s4")" "already used for another request" "$label: /screen's key reused: why"
  expect_eq "$(screen 4 "$label-s1" "$lines" text/csv)" 422 "$label: /screen's Idempotency-Key with another Content-Type"
  expect_eq "$(screen 4 "$label-k1" "$lines" $nd)" 200 "$label: /match's key is not /screen's"
  expect_eq "$(screen 5 "$(printf 'k%.0s' $(seq 1 256))" "$lines" $nd)" 400 "$label: /screen: an Idempotency-Key of 256 characters"
  expect_eq "$(screen 5 "two words" "$lines" $nd)" 400 "$label: /screen: an Idempotency-Key with a space"
  expect_in "$(cat "$tmp/idem.s5")" "1 to 255 printable ASCII characters" "$label: /screen: a bad key: why"
  screened1=$("${sqlcmd[@]}" "$screened")
  expect_eq "$(curl -s -o /dev/null -w '%{http_code}' -H "Content-Type: $nd" -H 'Idempotency-Key;' --data-binary "$lines" \
    "$url/screen")" 400 "$label: /screen: an empty Idempotency-Key"
  expect_eq "$("${sqlcmd[@]}" "$screened")" "$screened1" "$label: /screen: nothing recorded for a refused key"
  # 700 records are two blocks, two runs: a client that leaves after the first bytes, then its
  # retries, record each block once and are all sent the answer the first try would have had
  { echo id,name; for i in $(seq 1 700); do echo "b-$i,Eric Badege $i"; done; } >"$tmp/idem.blocks.csv"
  screened0=$("${sqlcmd[@]}" "$screened")
  curl -s -N -H 'Content-Type: text/csv' -H "Idempotency-Key: $label-s2" --data-binary @"$tmp/idem.blocks.csv" \
    "$url/screen" | head -c 2000 >"$tmp/idem.cut"
  sleep 0.5
  expect_eq "$(screen 6 "$label-s2" @"$tmp/idem.blocks.csv" text/csv)" 200 "$label: /screen retried after a cut"
  expect_eq "$(screen 7 "$label-s2" @"$tmp/idem.blocks.csv" text/csv)" 200 "$label: /screen retried again"
  expect_eq "$(wc -l <"$tmp/idem.s6")" 700 "$label: /screen retried after a cut: every record answered"
  cmp -s "$tmp/idem.s6" "$tmp/idem.s7" || fail "$label: /screen retries after a cut answered otherwise"
  cmp -s -n 2000 "$tmp/idem.cut" "$tmp/idem.s6" || fail "$label: /screen's retry does not begin as the cut answer did"
  grep -qi '^Idempotent-Replayed: true' "$tmp/idem.sh6" || fail "$label: /screen retry after a cut not marked replayed"
  screened1=$("${sqlcmd[@]}" "$screened")
  expect_eq "$((${screened1% * *} - ${screened0% * *}))" 2 "$label: /screen of two blocks, cut and retried twice: runs"
  screened0=${screened0#* } screened1=${screened1#* }
  expect_eq "$((${screened1% *} - ${screened0% *}))" 700 "$label: /screen of two blocks, cut and retried twice: inputs"
  # a decision retried
  local alert; alert=$(curl -s "$url/alerts?limit=1&status=open" | sed -n 's/.*"alerts": *\[{"id": *\([0-9]*\).*/\1/p')
  if [ -n "$alert" ]; then
    local decisions; decisions=$("${sqlcmd[@]}" "SELECT COUNT(*) FROM decisions")
    decide() { curl -s -D "$tmp/idem.dh$1" -o "$tmp/idem.d$1" -w '%{http_code}' -H 'Content-Type: application/json' \
                 -H "Idempotency-Key: $label-d1" -d "{\"verdict\":\"escalate\",\"reviewer\":\"ana\",\"comment\":\"try $1\"}" \
                 "$url/alerts/$alert/decision"; }
    expect_eq "$(decide 1)" 201 "$label: decision with a key"
    expect_eq "$(decide 1)" 201 "$label: the decision retried answers as the first"
    grep -qi '^Idempotent-Replayed: true' "$tmp/idem.dh1" || fail "$label: decision retry not marked replayed"
    expect_eq "$(decide 2)" 422 "$label: the decision's key with another comment"
    expect_eq "$("${sqlcmd[@]}" "SELECT COUNT(*) FROM decisions")" "$((decisions + 1))" "$label: one decision for the retries"
  else
    fail "$label: Idempotency-Key: no open alert to decide ($(curl -s "$url/alerts?limit=1" | head -c 200))"
  fi
  # lookups (issue 18): /match?lookup=true is recorded as its user's run, inputs and results, and
  # raises no alerts; the same /match without it still does; /scan is recorded as a lookup too
  local q_runs="SELECT COUNT(*) FROM runs" q_alerts="SELECT COUNT(*) FROM alerts" runs0 alerts0 last
  runs0=$("${sqlcmd[@]}" "$q_runs"); alerts0=$("${sqlcmd[@]}" "$q_alerts")
  lookup() { curl -s -o "$tmp/lookup.b" -w '%{http_code}' -H 'Content-Type: application/json' \
               -H 'X-Kordon-User: ana.lyst' -d "$body" "$url/match/default$1"; }
  expect_eq "$(lookup '?lookup=true')" 200 "$label: lookup: /match?lookup=true"
  grep -q '"match": *true' "$tmp/lookup.b" || fail "$label: lookup: the test's query should match ($(head -c 300 "$tmp/lookup.b"))"
  expect_eq "$("${sqlcmd[@]}" "$q_runs")" "$((runs0 + 1))" "$label: lookup: the lookup is a recorded run"
  expect_eq "$("${sqlcmd[@]}" "$q_alerts")" "$alerts0" "$label: lookup: no alerts raised"
  last="(SELECT MAX(id) FROM runs)"
  expect_eq "$("${sqlcmd[@]}" "SELECT actor || ' ' || source || ' ' || input_count || ' ' ||
    CASE WHEN match_count > 0 THEN 'matched' ELSE 'no-match' END || ' ' || alert_count || ' ' ||
    CASE WHEN parameters LIKE '%\"lookup\":%true%' THEN 'lookup' ELSE 'screen' END FROM runs WHERE id = $last")" \
    "ana.lyst api /match/default 1 matched 0 lookup" "$label: lookup: the run names its user, its match and says lookup"
  expect_eq "$("${sqlcmd[@]}" "SELECT CASE WHEN COUNT(*) > 0 THEN 'some' ELSE 'none' END FROM results r
    JOIN inputs i ON i.id = r.input_id WHERE i.run_id = $last")" some "$label: lookup: its results are recorded"
  expect_eq "$(lookup '?lookup=maybe')" 400 "$label: lookup: lookup=maybe"
  expect_in "$(cat "$tmp/lookup.b")" "lookup: expected true or false" "$label: lookup: lookup=maybe: why"
  expect_eq "$("${sqlcmd[@]}" "$q_runs")" "$((runs0 + 1))" "$label: lookup: nothing recorded for a refused lookup"
  expect_eq "$(lookup '?lookup=false')" 200 "$label: lookup: the same /match, lookup=false"
  [ "$("${sqlcmd[@]}" "$q_alerts")" -gt "$alerts0" ] || fail "$label: lookup: a /match that is no lookup raises alerts"
  expect_eq "$("${sqlcmd[@]}" "SELECT actor FROM alerts a JOIN runs r ON r.id = a.run_id ORDER BY a.id DESC LIMIT 1")" \
    ana.lyst "$label: lookup: the screening run's alert names its user"
  alerts0=$("${sqlcmd[@]}" "$q_alerts")
  expect_eq "$(curl -s -o "$tmp/lookup.scan" -w '%{http_code}' -H 'Content-Type: text/plain' -H 'X-Kordon-User: ana.lyst' \
    --data-binary 'Yesterday Oleg Slizhevsky was seen in Minsk.' "$url/scan")" 200 "$label: lookup: /scan"
  local listed; listed=$(sed -n 's/.*"listed":\([0-9]*\).*/\1/p' "$tmp/lookup.scan")
  [ "${listed:-0}" -gt 0 ] || fail "$label: lookup: /scan should find Oleg Slizhevsky ($(head -c 300 "$tmp/lookup.scan"))"
  expect_eq "$("${sqlcmd[@]}" "SELECT actor || ' ' || source || ' ' || input_count || ' ' || alert_count FROM runs WHERE id = $last")" \
    "ana.lyst api /scan $listed 0" "$label: lookup: /scan is recorded as its user's lookup, its mentions the inputs"
  expect_eq "$("${sqlcmd[@]}" "$q_alerts")" "$alerts0" "$label: lookup: /scan raises no alerts"
  # the store's metrics: up, runs written by the recorder thread in groups, their latency
  curl -s "$url/metrics" >"$tmp/idem.metrics"
  grep -q '^kordon_store_up 1$' "$tmp/idem.metrics" || fail "$label: /metrics: kordon_store_up"
  grep -q '^kordon_recorded_runs_total{result="ok"} [1-9]' "$tmp/idem.metrics" || fail "$label: /metrics: recorded runs"
  grep -q '^kordon_record_group_seconds_count [1-9]' "$tmp/idem.metrics" || fail "$label: /metrics: group latency"
  # SIGTERM under load: what was answered 200 was recorded, runs in flight are written before the end
  python3 "$(dirname "$0")/load_match.py" "$url" term term 3 8 --name "Eric Badege" >"$tmp/term.json" &
  local loader=$!
  sleep 1
  kill -TERM "$pid"; wait "$pid" 2>/dev/null
  wait "$loader"
  python3 -c 'import json,sys; print("\n".join(json.load(open(sys.argv[1]))["answered"]))' "$tmp/term.json" | sort >"$tmp/term.answered"
  "${sqlcmd[@]}" "SELECT i.customer_id FROM inputs i JOIN runs r ON r.id = i.run_id WHERE r.actor = 'term'" | sort >"$tmp/term.recorded"
  [ -s "$tmp/term.answered" ] || fail "$label: no request answered before SIGTERM"
  expect_eq "$(comm -23 "$tmp/term.answered" "$tmp/term.recorded" | wc -l)" 0 "$label: answered 200 but not recorded around SIGTERM"
  echo "$label: Idempotency-Key: 4 tries one run, 4 first tries at once one run, /screen retried (3 at once, after a" \
    "cut) recorded once and answered alike, a decision retried kept once; /match?lookup=true and /scan" \
    "recorded as ana.lyst's lookups without alerts, the same /match without lookup alerting;" \
    "SIGTERM under load: $(wc -l < "$tmp/term.answered") answered, all recorded"
}

store_checks "$tmp/kordon.db" sqlite sqlite3 "$tmp/kordon.db"
idempotency_checks "$tmp/idem.db" sqlite sqlite3 "$tmp/idem.db"
expect_eq "$(sqlite3 "$tmp/kordon.db" 'PRAGMA integrity_check')" ok "sqlite: integrity_check after the crash"
expect_eq "$(sqlite3 "$tmp/kordon.db" 'PRAGMA journal_mode')" wal "sqlite: WAL"
expect_eq "$(sqlite3 "$tmp/kordon.db" 'PRAGMA foreign_key_check' | wc -l)" 0 "sqlite: foreign keys hold"
expect_eq "$(sqlite3 "$tmp/kordon.db" 'SELECT version FROM kordon_migrations' | tr '\n' ' ')" "1 2 3 4 5 6 7 " "sqlite: migrations recorded"
: > "$tmp/not-a-db"; printf 'garbage' > "$tmp/not-a-db"
"$bin" alerts --db "$tmp/not-a-db" >/dev/null 2>"$tmp/err" && fail "a file that is not a store must be refused"
expect_in "$(cat "$tmp/err")" "not-a-db" "bad store message names the file"

# --- PostgreSQL: a throwaway server on a unix socket --------------------------------
pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
if [ -z "$pg_bin" ] || [ ! -x "$pg_bin/initdb" ]; then
  echo "SKIP: PostgreSQL checks: no server binaries in /usr/lib/postgresql/*/bin (scripts/install-deps installs postgresql)"
else
  # Its own directory under /tmp, not under $tmp: the server runs as another
  # user, who cannot enter a checkout below a private directory (a clone
  # in `mktemp -d`), and a unix socket path must stay under ~107 bytes.
  pgdir=$(mktemp -d /tmp/kordon-pg.XXXXXX)
  sock="$pgdir"
  as_pg=()
  if [ "$(id -u)" -eq 0 ]; then # PostgreSQL refuses to run as root
    pg_user=postgres; id postgres >/dev/null 2>&1 || pg_user=nobody
    chown "$pg_user" "$pgdir" "$sock"
    as_pg=(runuser -u "$pg_user" --)
  fi
  port=5432
  stop_pg() { "${as_pg[@]}" "$pg_bin/pg_ctl" -D "$pgdir/data" -m immediate stop >/dev/null 2>&1; rm -rf "$pgdir"; }
  if "${as_pg[@]}" "$pg_bin/initdb" -D "$pgdir/data" -U kordon --auth=trust -E UTF8 --locale=C.UTF-8 >"$pgdir/initdb.log" 2>&1 &&
     "${as_pg[@]}" "$pg_bin/pg_ctl" -D "$pgdir/data" -l "$pgdir/server.log" -w -o \
       "-c listen_addresses='' -c unix_socket_directories=$sock -c port=$port" start >/dev/null; then
    trap stop_pg EXIT
    "$pg_bin/createdb" -h "$sock" -p "$port" -U kordon kordon || fail "createdb"
    url="postgresql://kordon@/kordon?host=$sock&port=$port"
    store_checks "$url" postgresql "$pg_bin/psql" -h "$sock" -p "$port" -U kordon -d kordon -v ON_ERROR_STOP=1 -tAqc
    idempotency_checks "$url" postgresql "$pg_bin/psql" -h "$sock" -p "$port" -U kordon -d kordon -v ON_ERROR_STOP=1 -tAqc
    expect_eq "$("$pg_bin/psql" -h "$sock" -p "$port" -U kordon -d kordon -tAc 'SELECT version FROM kordon_migrations ORDER BY 1' | tr '\n' ' ')" "1 2 3 4 5 6 7 " \
      "postgresql: migrations recorded once"
    "$bin" alerts --db "postgresql://kordon@/nosuchdb?host=$sock&port=$port" >/dev/null 2>"$tmp/err" && fail "missing database"
    expect_in "$(cat "$tmp/err")" "cannot connect to PostgreSQL" "postgresql: connection error message"

    # a PostgreSQL restart under a recording server: 503 at once while it is down (the request
    # is not answered unrecorded), /readyz says so, and the server records again without a restart
    "$bin" serve -i "$tmp/ofac21.kdx" --db "$url" --listen 127.0.0.1:0 --threads 2 >"$tmp/pgserve.out" 2>"$tmp/pgserve.err" &
    serve_pid=$!
    for _ in $(seq 1 100); do
      sport=$(sed -n 's/.*(port \([0-9]*\)).*/\1/p' "$tmp/pgserve.out"); [ -n "$sport" ] && break; sleep 0.1
    done
    surl="http://127.0.0.1:$sport"
    match() { curl -s -o "$tmp/pgmatch.json" -w '%{http_code}' -H 'Content-Type: application/json' \
      -d '{"queries":{"q":{"schema":"Person","properties":{"name":["Oleg Slizhevsky"]}}}}' "$surl/match/default"; }
    runs_now() { "$pg_bin/psql" -h "$sock" -p "$port" -U kordon -d kordon -tAc "SELECT COUNT(*) FROM runs WHERE source LIKE 'api /match%'"; }
    expect_eq "$(match)" 200 "postgresql restart: /match before"
    expect_eq "$(curl -s -o /dev/null -w '%{http_code}' "$surl/readyz")" 200 "postgresql restart: /readyz before"
    "${as_pg[@]}" "$pg_bin/pg_ctl" -D "$pgdir/data" -m fast -w stop >/dev/null
    recorded_before=0; answered=0
    for _ in 1 2 3; do
      code=$(match); [ "$code" = 200 ] && answered=$((answered + 1))
      [ "$code" = 503 ] || [ "$code" = 200 ] || fail "postgresql down: /match answered $code ($(head -c 200 "$tmp/pgmatch.json"))"
    done
    expect_eq "$answered" 0 "postgresql down: /match answered (unrecorded) while the store was down"
    expect_eq "$(curl -s -o "$tmp/pgready.json" -w '%{http_code}' "$surl/readyz")" 503 "postgresql down: /readyz"
    expect_in "$(cat "$tmp/pgready.json")" '"store unavailable"' "postgresql down: /readyz says why"
    expect_in "$(curl -s "$surl/metrics")" "kordon_store_up 0" "postgresql down: /metrics kordon_store_up"
    "${as_pg[@]}" "$pg_bin/pg_ctl" -D "$pgdir/data" -l "$pgdir/server.log" -w -o \
      "-c listen_addresses='' -c unix_socket_directories=$sock -c port=$port" start >/dev/null
    before=$(runs_now)
    ok=""
    for _ in $(seq 1 50); do
      [ "$(curl -s -o /dev/null -w '%{http_code}' "$surl/readyz")" = 200 ] && { ok=1; break; }
      sleep 0.2
    done
    [ -n "$ok" ] || fail "postgresql back: /readyz did not recover without a restart of the server"
    expect_eq "$(match)" 200 "postgresql back: /match"
    expect_eq "$(runs_now)" "$((before + 1))" "postgresql back: the answered /match is recorded"
    expect_in "$(curl -s "$surl/metrics")" "kordon_store_outages_total 1" "postgresql back: /metrics counts the outage"
    expect_in "$(cat "$tmp/pgserve.err")" "audit store is unavailable" "postgresql restart: the server log says so"
    kill "$serve_pid" 2>/dev/null; wait "$serve_pid" 2>/dev/null
    echo "postgresql restart: 503 while down, /readyz 503 then 200, recording again without a restart"
  else
    fail "could not start a PostgreSQL server: $(tail -3 "$pgdir/initdb.log" "$pgdir/server.log" 2>/dev/null)"
    rm -rf "$pgdir"
  fi
fi

if [ "$failures" -gt 0 ]; then
  echo "$failures failure(s)" >&2
  exit 1
fi
echo "e2e_store: all checks passed"
