#!/usr/bin/env bash
# End-to-end: the kordon binary on the real lists, as a user runs it.
set -uo pipefail
bin=${KORDON_BIN:?}
data=${KORDON_SHARED_DATA:?}
tmp=${KORDON_TMP:-/tmp/kordon-e2e}/e2e_cli
# what is recorded says who: the tests act as this user unless a check says otherwise
export KORDON_USER=${KORDON_USER:-e2e-tester}
rm -rf "$tmp" && mkdir -p "$tmp"
failures=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }
expect_in() { # expect_in TEXT NEEDLE WHAT
  case "$1" in *"$2"*) ;; *) fail "$3: expected \"$2\" in: $(printf '%s' "$1" | head -c 600)";; esac
}

# --- the whole current set -------------------------------------------------
index="$tmp/all.kdx"
if ! "$bin" build "$data/lists" -o "$index" 2>"$tmp/build.err"; then
  fail "build of $data/lists failed: $(cat "$tmp/build.err")"
fi
info=$("$bin" info -i "$index")
echo "$info"
expect_in "$info" "un_sc_sanctions" "info lists UN"
for line in "un_sc_sanctions:1003:Person 730, Organization 273" \
            "us_ofac_sdn:8976:" \
            "ca_dfatd_sema_sanctions:4759:" \
            "eu_journal_sanctions:6570:" \
            "t1:7:" "zala:91:" "parteispenden:475:"; do
  name=${line%%:*}; rest=${line#*:}; count=${rest%%:*}; schemata=${rest#*:}
  row=$(printf '%s\n' "$info" | awk -v n="$name" '$1 == n')
  [ -n "$row" ] || { fail "no dataset $name in info"; continue; }
  [ "$(echo "$row" | awk '{print $2}')" = "$count" ] || fail "$name: expected $count entities: $row"
  [ -z "$schemata" ] || expect_in "$row" "$schemata" "$name schemata"
done
json=$("$bin" info -i "$index" --json)
expect_in "$json" '"name": "un_sc_sanctions"' "info --json"
expect_in "$json" '"newest_date": "20' "info --json newest date"

# --- parties across lists: the build finds them, xref and --report show why --
expect_in "$info" "parties" "info counts parties"
# 1,003 UN records, 1,002 parties: the UN lists Hassan Dahir AWEYS twice (Al-Qaida and Somalia);
# two bodies the UN lists apart (Afghan Support Committee, Revival of Islamic Heritage Society)
# stay apart although one OFAC record bears both names
[ "$(printf '%s\n' "$info" | awk '$1 == "un_sc_sanctions" {print $3}')" = 1002 ] ||
  fail "un_sc_sanctions: expected 1002 parties: $(printf '%s\n' "$info" | awk '$1 == "un_sc_sanctions"')"
"$bin" build "$data/lists/un" "$data/lists/ofac" "$data/lists/eu_oj" -o "$tmp/three.kdx" -q \
  --report "$tmp/parties.txt" || fail "build --report"
report=$(cat "$tmp/parties.txt")
expect_in "$report" "PARTY unsc-6907993" "report: Badege's party named by the UN record"
expect_in "$report" "eu-oj-32005R1183-1-I.a ~ ofac-15718: name+birth date: born 1971 on both" "report: Badege's evidence"
expect_in "$report" "in one party" "report summary"
xref=$("$bin" xref -i "$tmp/three.kdx" 2>"$tmp/xref.err")
expect_in "$xref" "PARTY unsc-6907993" "xref"
expect_in "$(cat "$tmp/xref.err")" "parties" "xref summary"
"$bin" xref -i "$tmp/three.kdx" --json 2>/dev/null | python3 -c "
import json, sys
lines = [json.loads(l) for l in sys.stdin]
apart = [(l['a'], l['b']) for l in lines if l['kind'] == 'apart']
assert ('ofac-6706', 'ofac-8234') in apart or ('ofac-8234', 'ofac-6706') in apart, apart
assert all(l['evidence'] for l in lines)
" || fail "xref --json: the ARELLANO FELIX brothers kept apart, every line with evidence"
"$bin" xref -i "$tmp/no-such.kdx" >/dev/null 2>"$tmp/xref-missing.err" && fail "xref of a missing index succeeded"
expect_in "$(cat "$tmp/xref-missing.err")" "no-such.kdx" "xref names the missing index"
"$bin" build "$data/lists/un" -o "$tmp/un.kdx" -q --report /no/such/dir/report.txt 2>"$tmp/report.err" &&
  fail "build --report into a missing directory succeeded"
expect_in "$(cat "$tmp/report.err")" "cannot write the report" "build --report error"

# --- spot checks, field by field --------------------------------------------
e=$("$bin" entity -i "$index" unsc-6907993)
expect_in "$e" '"ERIC BADEGE"' "unsc-6907993 name"
expect_in "$e" '"1971"' "unsc-6907993 birth year"
expect_in "$e" '"nationality": [
      "cd"' "unsc-6907993 nationality"
e=$("$bin" entity -i "$index" ofac-36)
expect_in "$e" '"AEROCARIBBEAN AIRLINES"' "ofac-36 name"
expect_in "$e" '"AERO-CARIBBEAN"' "ofac-36 alias"
expect_in "$e" '"cu"' "ofac-36 country"
e=$("$bin" entity -i "$index" eu-oj-32014R0269-1426)
expect_in "$e" '"Yevgeny Alexandrovich PRIMAKOV"' "1426 name"
expect_in "$e" '"Евгений Александрович ПРИМАКОВ"' "1426 Cyrillic alias"
expect_in "$e" '"1976-04-29"' "1426 birth date"
expect_in "$e" '"ru"' "1426 nationality"
expect_in "$e" '"2023-02-25"' "1426 listing date"
expect_in "$e" 'Rossotrudnichestvo' "1426 reason"
# a company no list names, owned by a listed party (zala's Ownership records): sanction.linked,
# as /entities and the export say it; a listed party is `sanction`, not linked
python3 - "$("$bin" entity -i "$index" NK-56Edov9bas9puzaChH5pBy)" "$e" <<'PY' || fail "entity topics: sanction.linked"
import json, sys
linked, listed = (json.loads(a)["properties"].get("topics", []) for a in sys.argv[1:3])
sys.exit(0 if "sanction.linked" in linked and "sanction" not in linked and "sanction.linked" not in listed else 1)
PY
# ... and screened, it is reported with the listed party it is tied to and how
out=$("$bin" match -i "$index" --schema Company 'ОБЩЕСТВО С ОГРАНИЧЕННОЙ ОТВЕТСТВЕННОСТЬЮ "ИЖТЕЛЕКОМ"')
expect_in "$out" "linked: owned by listed " "match: a company owned by a listed person"
python3 - "$("$bin" match -i "$index" --json --schema Company 'ОБЩЕСТВО С ОГРАНИЧЕННОЙ ОТВЕТСТВЕННОСТЬЮ "ИЖТЕЛЕКОМ"')" <<'PY' ||
import json, sys
r = json.loads(sys.argv[1])["results"]
top = r[0]
ok = top["id"] == "NK-56Edov9bas9puzaChH5pBy" and top["linked_to"][0]["how"] == "owned by" and \
     top["linked_to"][0]["relation"] == "Ownership" and \
     all("linked_to" not in x for x in r if x["listed"].startswith(("EU", "US", "UN", "Canada")))
sys.exit(0 if ok else 1)
PY
  fail "match --json: linked_to of the linked company, none on listed parties"
printf 'id,name,schema\nc1,ОБЩЕСТВО С ОГРАНИЧЕННОЙ ОТВЕТСТВЕННОСТЬЮ "ИЖТЕЛЕКОМ",Company\n' >"$tmp/linked.csv"
"$bin" screen -i "$index" --format csv "$tmp/linked.csv" 2>/dev/null >"$tmp/linked.out" || true
head -1 "$tmp/linked.out" | grep -q ',warning,linked_to$' || fail "screen csv: linked_to column"
grep -q 'NK-56Edov9bas9puzaChH5pBy.*owned by listed ' "$tmp/linked.out" || fail "screen csv: the tie of the linked company"
printf 'Moscow: the company ООО "ИЖТЕЛЕКОМ" won the tender.\n' >"$tmp/linked.txt"
"$bin" scan -i "$index" --json "$tmp/linked.txt" | grep -q '"linked_to":\[{"how":"owned by"' ||
  fail "scan --json: linked_to of a named company tied to a listed person"
"$bin" entity -i "$index" no-such-entity >/dev/null 2>"$tmp/err" && fail "unknown id must fail"
expect_in "$(cat "$tmp/err")" 'no entity "no-such-entity"' "unknown id message"

# --- bad input: non-zero exit and a message naming file, line and problem ----
eu_header=$(head -1 "$data/lists/eu_oj/32014R0269.csv")
check_bad() { # check_bad NAME EXPECTED-MESSAGE-PART  (file already written)
  local out
  if out=$("$bin" build "$tmp/$1" -o "$tmp/bad.kdx" 2>&1); then
    fail "build of $1 should fail"
  fi
  expect_in "$out" "$2" "error for $1"
}
: > "$tmp/empty.xml"
check_bad empty.xml "empty.xml:1: the file is empty"
head -c 300000 "$data/lists/un/consolidated.xml" > "$tmp/truncated.xml"
check_bad truncated.xml "truncated.xml:"
{ printf '%s\n' "$eu_header"; printf '32014R0269,1,X,I,freeze,1.1.2020,"unbalanced,Person,Ann\n'; } > "$tmp/unbalanced.csv"
check_bad unbalanced.csv "unterminated quoted field"
{ printf '%s\n' "$eu_header"; printf '32014R0269,1,X,I,freeze,1.1.2020,r,Person,\xc3\x28nn\n'; } > "$tmp/badutf8.csv"
check_bad badutf8.csv "badutf8.csv:2:"
{ printf '%s\n' "$eu_header"; printf '32014R0269,1,X,I,freeze,1.1.2020,"'; head -c 10485760 /dev/zero | tr '\0' x; printf '",Person,Ann\n'; } > "$tmp/huge.csv"
check_bad huge.csv "huge.csv:2:"
sed 's/encoding="UTF-8"/encoding="UTF-16"/' "$data/lists/un/consolidated.xml" > "$tmp/wrongenc.xml"
check_bad wrongenc.xml "wrongenc.xml:"
mkdir -p "$tmp/nolists" && echo "just notes" > "$tmp/nolists/README.txt"
check_bad nolists "no sanctions list found"
check_bad does-not-exist "does-not-exist: No such file"
printf 'hello world\n' > "$tmp/prose.txt"
check_bad prose.txt "prose.txt:1: not a list format"

"$bin" frobnicate >/dev/null 2>&1; [ $? -eq 2 ] || fail "unknown command must exit 2"
"$bin" help | grep -q "build SOURCE" || fail "help lists build"

# --- a party is one entity: any record's id prints it, --provenance says who said what --
e=$("$bin" entity -i "$index" ca-sema-russia-1-part-1-1358)
expect_in "$e" '"id": "eu-oj-32014R0269-1426"' "entity MEMBER prints the party"
expect_in "$e" '"ca-sema-russia-1-part-1-1358"' "the party's referents"
expect_in "$e" '"authority": "Canada"' "one listing per record"
"$bin" entity -i "$index" --provenance eu-oj-32014R0269-1426 | python3 -c "
import json, sys
d = json.load(sys.stdin)
assert d['provenance']['program']['SEMA - Russia - Schedule 1, Part 1'] == ['ca-sema-russia-1-part-1-1358'], d['provenance']['program']
assert d['provenance']['birthDate']['1976-04-29'] == ['eu-oj-32014R0269-1426', 'ca-sema-russia-1-part-1-1358']
" || fail "entity --provenance"
e=$("$bin" entity -i "$index" --record ca-sema-russia-1-part-1-1358)
expect_in "$e" '"id": "ca-sema-russia-1-part-1-1358"' "entity --record prints the record itself"

# --- analysts correct parties: judgments in the store, applied by the next build --
db="$tmp/judgments.db"
rm -f "$db"
judge() { "$bin" resolve "$@" -i "$index" --db "$db" --user anna; }
judge split eu-oj-32014R0269-1426 ca-sema-russia-1-part-1-1358 --reason "our KYC says two people" >/dev/null ||
  fail "resolve split"
judge merge ca-sema-russia-1-part-1-203 eu-oj-32014R0269-447-I.PERSONS --reason "same man; Canada gives no birth date" >/dev/null ||
  fail "resolve merge"
# bad judgments: each refused with its reason, nothing recorded
bad() { # bad WHY NEEDLE ARGS...
  local why=$1 needle=$2; shift 2
  judge "$@" >/dev/null 2>"$tmp/judge.err" && fail "resolve $why succeeded"
  expect_in "$(cat "$tmp/judge.err")" "$needle" "resolve $why: message"
}
bad "of an unknown id" 'no record "no-such-record"' merge eu-oj-32014R0269-1426 no-such-record --reason r
bad "of a record with itself" "one party with itself" merge ofac-6706 ofac-6706 --reason r
bad "of one party" "already one party" merge unsc-6907993 ofac-15718 --reason r
bad "split of two parties" "nothing to split" split ofac-6706 ofac-8234 --reason r
bad "across kinds" "not one kind of party" merge eu-oj-32014R0269-1426 eu-oj-32014R0269-105 --reason r
bad "without a reason" "--reason" merge ofac-6706 ofac-8234
bad "twice" "already recorded" merge ca-sema-russia-1-part-1-203 eu-oj-32014R0269-447-I.PERSONS --reason again
bad "revoke of nothing" "to revoke" revoke ofac-6706 ofac-8234 --reason r
[ "$("$bin" resolve list --db "$db" | grep -c '^[0-9]')" = 2 ] || fail "resolve list: $("$bin" resolve list --db "$db")"
"$bin" resolve list --json --db "$db" | grep -q '"actor":"anna","reason":"same man; Canada gives no birth date"' ||
  fail "resolve list --json: who and why"
"$bin" build "$data/lists" -o "$tmp/judged.kdx" -q --db "$db" --report "$tmp/judged.txt" || fail "build --db"
m=$("$bin" match -i "$tmp/judged.kdx" "Evgeny Primakov")
expect_in "$m" "ca-sema-russia-1-part-1-1358" "a split holds where the rules would merge"
# (the EU lists him under its Ukraine regime, Canada under its Russia one: no country in common, no
# birth date in Canada's record, so the rules leave them apart)
m=$("$bin" match -i "$tmp/judged.kdx" "Dinar Gilmutdinov" --limit 3)
printf '%s\n' "$m" | grep -q "listed: EU since 2022-02-23 (EU-UKR) · Canada since" ||
  fail "a merge joins Canada's Gilmutdinov to his EU record: $m"
expect_in "$(cat "$tmp/judged.txt")" "analyst: merged by anna on" "the report shows the analyst's evidence"
expect_in "$(cat "$tmp/judged.txt")" "analyst: split by anna on" "the report shows the split"
# revoked, the rules decide again
judge revoke ca-sema-russia-1-part-1-1358 eu-oj-32014R0269-1426 --reason "checked again: one man" >/dev/null ||
  fail "resolve revoke"
"$bin" build "$data/lists" -o "$tmp/judged.kdx" -q --db "$db" || fail "build --db after revoke"
"$bin" match -i "$tmp/judged.kdx" "Evgeny Primakov" | grep -q "^MATCH.*ca-sema-russia-1-part-1-1358" &&
  fail "a revoked split still holds"
# a corrupt store: a clear error and no index written
printf 'this is not a database, just text that is long enough to be read as one\n%.0s' $(seq 1 100) >"$tmp/bad.db"
rm -f "$tmp/never.kdx"
"$bin" build "$data/lists/un" -o "$tmp/never.kdx" -q --db "$tmp/bad.db" 2>"$tmp/bad-db.err" &&
  fail "build with a corrupt store succeeded"
expect_in "$(cat "$tmp/bad-db.err")" "bad.db" "corrupt store: the message names the file"
[ -e "$tmp/never.kdx" ] && fail "build with a corrupt store wrote an index"

# --- mistakes are errors that name the flag, never a default taken in silence ---
bad_flag() { # bad_flag STATUS NEEDLE COMMAND...: exit status and message of a refused command line
  local want=$1 needle=$2; shift 2
  local out; out=$("$bin" "$@" 2>&1 >/dev/null); local got=$?
  [ "$got" = "$want" ] || fail "kordon $*: exit $got, expected $want"
  case "$out" in *"$needle"*) ;; *) fail "kordon $*: expected \"$needle\" in: $out";; esac
}
for t in abc 0 -5 1.5; do bad_flag 2 "--threshold $t: expected a number" match -i "$index" --threshold "$t" "Evgeny Primakov"; done
bad_flag 2 "--limit -1: expected a whole number" match -i "$index" --limit -1 "Evgeny Primakov"
bad_flag 2 "--country Narnia: not a country" match -i "$index" --country Narnia "Evgeny Primakov"
bad_flag 2 "--dataset nope: no such dataset" match -i "$index" --dataset nope "Evgeny Primakov"
bad_flag 2 "--birth-date 1976-13-45: not a date" match -i "$index" --birth-date 1976-13-45 "Evgeny Primakov"
bad_flag 2 "--gender x: expected male" match -i "$index" --gender x "Evgeny Primakov"
bad_flag 2 "--schema Spaceship: unknown schema" match -i "$index" --schema Spaceship "Evgeny Primakov"
out=$("$bin" match -i "$index" --schema person --country russia "Evgeny Primakov")
expect_in "$out" "eu-oj-32014R0269-1426" "schema and country in any case"
bad_flag 2 "--threshold 2: expected a number" scan -i "$index" --threshold 2 "$data/text/baku-russian-house.txt"
bad_flag 2 "--threads 0: expected a whole number" screen -i "$index" --threads 0 /dev/null
# commands that read a store never create one
(cd "$tmp" && rm -f kordon.db && "$bin" alerts >/dev/null 2>"$tmp/nostore.err"; echo $? >"$tmp/nostore.rc")
[ "$(cat "$tmp/nostore.rc")" = 1 ] || fail "alerts without a store: exit $(cat "$tmp/nostore.rc")"
[ -e "$tmp/kordon.db" ] && fail "alerts created an empty store"
expect_in "$(cat "$tmp/nostore.err")" "no store here" "alerts without a store"
bad_flag 1 "no store here" audit export --db "$tmp/none.db"
[ -e "$tmp/none.db" ] && fail "audit export created an empty store"
bad_flag 2 "--from 2026-13-45: expected a date" audit export --from 2026-13-45 --db "$tmp/none.db"
# monitoring: a schema in any case is read, a customer kordon could not screen is the file's error
printf 'id,name,schema,country\nc1,Rossotrudnichestvo,company,Russia\nc2,Ann Smith,,\nc1,Other,,\n' >"$tmp/repeat.csv"
bad_flag 1 'repeat.csv:4: id "c1" repeated (line 2 has it too)' monitor add "$tmp/repeat.csv" --db "$tmp/mon.db"
printf 'id,name,country\nc2,Ann Smith,Narnia\n' >"$tmp/narnia.csv"
bad_flag 1 'narnia.csv:2: country "Narnia"' monitor add "$tmp/narnia.csv" --db "$tmp/mon.db"
printf 'id,name,schema\nc1,Rossotrudnichestvo,spaceship\n' >"$tmp/ship.csv"
bad_flag 1 'ship.csv:2: schema "spaceship"' monitor add "$tmp/ship.csv" --db "$tmp/mon.db"
printf 'id,name,schema,country\nc1,Rossotrudnichestvo,company,Russia\n' >"$tmp/ok.csv"
"$bin" monitor add "$tmp/ok.csv" --db "$tmp/mon.db" >/dev/null || fail "monitor add of a good file"
out=$("$bin" monitor run -i "$index" --db "$tmp/mon.db")
expect_in "$out" "eu-oj-32014R0269-105" "a customer given as schema=company is screened"
# "-" is standard output
printf 'name\nEvgeny Primakov\n' >"$tmp/one.csv"
(cd "$tmp" && "$bin" screen -i "$index" one.csv -o - >"$tmp/dash.out" 2>/dev/null)
[ -e "$tmp/-" ] && fail "screen -o - wrote a file named -"
grep -q eu-oj-32014R0269-1426 "$tmp/dash.out" || fail "screen -o -: nothing on standard output: $(head -c 200 "$tmp/dash.out")"


# --- screen: every match a row with the input's id and name; a row not screened is named, exit 3 --
printf 'id,name,date_of_birth,schema,nationality\nc1,Evgeny Primakov,1976,,\nc2,Arellano Felix,,,\nc3,Maria Schmidt,1971-03-02,,\nc4,,1980,,\nc5,"Smith, Ann",,spaceship,\nc6,Rossotrudnichestvo,,legalentity,n/a\n' \
  >"$tmp/customers.csv"
"$bin" screen -i "$index" "$tmp/customers.csv" --format csv -o "$tmp/screen.csv" 2>"$tmp/screen.err"; rc=$?
[ "$rc" = 3 ] || fail "screen --format csv with rejected rows: exit $rc, expected 3"
err=$(cat "$tmp/screen.err")
expect_in "$err" "customers.csv:5: no name (row 4 not screened)" "screen names a row without a name"
expect_in "$err" 'customers.csv:6: schema "spaceship": a customer is a Person' "screen names a row with an unknown schema"
expect_in "$err" 'customers.csv:7: country "n/a": not a country kordon knows; row 6 screened without it' \
  "screen names a value it screened without"
expect_in "$err" "3 with a match, 2 rejected (1 screened without a value kordon could not read)" "screen summary"
expect_in "$err" "customers.csv: 2 rows not screened (exit status 3)" "screen says why the exit status"
"$bin" screen -i "$index" "$tmp/customers.csv" -o "$tmp/screen.jsonl" 2>/dev/null; rc=$?
[ "$rc" = 3 ] || fail "screen (JSON lines) with rejected rows: exit $rc, expected 3"
python3 - "$tmp/screen.csv" "$tmp/screen.jsonl" <<'EOF' || fail "screen --format csv: a row per match, as the JSON lines say"
import csv, json, sys
rows = list(csv.DictReader(open(sys.argv[1], encoding='utf-8')))
lines = [json.loads(l) for l in open(sys.argv[2], encoding='utf-8')]
assert list(rows[0]) == ['row', 'input_id', 'input_name', 'status', 'entity_id', 'caption', 'datasets',
                         'matched_record', 'score', 'explanation', 'warning', 'linked_to'], list(rows[0])
by_id = {}
for r in rows:
    by_id.setdefault(r['input_id'], []).append(r)
# every match above the threshold, each row with the customer's id and name, as many as JSON's match: true
for line in lines:
    cid = line['input'].get('id')
    want = [m['id'] for m in line.get('matches', []) if m['match']]
    got = [r['entity_id'] for r in by_id[cid] if r['status'] == 'match']
    assert got == want, (cid, got, want)
    assert all(r['row'] == str(line['row']) and r['input_name'] == line['input'].get('name', '') for r in by_id[cid])
assert len(by_id['c2']) >= 2 and all(r['input_name'] == 'Arellano Felix' for r in by_id['c2']), by_id['c2']
assert by_id['c1'][0]['entity_id'] == 'eu-oj-32014R0269-1426' and by_id['c1'][0]['datasets'].startswith('eu_journal_sanctions')
assert [r['status'] for r in by_id['c3']] == ['no_match'], by_id['c3']
assert [(r['status'], r['explanation']) for r in by_id['c4']] == [('rejected', 'line 5: no name')], by_id['c4']
assert by_id['c5'][0]['status'] == 'rejected' and by_id['c5'][0]['input_name'] == 'Smith, Ann', by_id['c5']
assert by_id['c6'][0]['status'] == 'match' and by_id['c6'][0]['entity_id'] == 'eu-oj-32014R0269-105', by_id['c6']
assert 'country "n/a"' in by_id['c6'][0]['warning'], by_id['c6']
assert lines[3]['error'] == 'line 5: no name' and 'warning' in lines[5], (lines[3], lines[5])
EOF
printf 'name\nEvgeny Primakov\n' >"$tmp/clean.csv"
"$bin" screen -i "$index" "$tmp/clean.csv" --format csv >/dev/null 2>&1 || fail "screen of a clean file: exit $?"
bad_flag 2 "--limit 0: expected a whole number" screen -i "$index" --limit 0 "$tmp/clean.csv"
bad_flag 2 "--format xml: expected jsonl or csv" screen -i "$index" --format xml "$tmp/clean.csv"
# monitor run: a customer it cannot screen is named with its id, the run still recorded, exit 3
long=$(printf 'A%.0s' $(seq 1 1100))
printf 'id,name,schema\nm1,Rossotrudnichestvo,Company\nm2,Evgeny Primakov,\nm3,%s,\nm4,Ann Smith,\n' "$long" >"$tmp/mon2.csv"
rm -f "$tmp/mon2.db"
"$bin" monitor add "$tmp/mon2.csv" --db "$tmp/mon2.db" >/dev/null || fail "monitor add of mon2.csv"
# a store written before schemas were checked holds them as given
python3 -c "
import sqlite3, sys
c = sqlite3.connect(sys.argv[1])
c.execute(\"UPDATE customers SET schema = 'company' WHERE id = 'm1'\")
c.execute(\"UPDATE customers SET schema = 'spaceship' WHERE id = 'm4'\")
c.commit()" "$tmp/mon2.db" || fail "could not age the store"
out=$("$bin" monitor run -i "$index" --db "$tmp/mon2.db" 2>"$tmp/mon2.err"); rc=$?
[ "$rc" = 3 ] || fail "monitor run with customers it cannot screen: exit $rc, expected 3"
expect_in "$out" "monitoring run 1: 2 customers screened" "monitor run counts the screened"
expect_in "$out" "m1               Rossotrudnichestvo → eu-oj-32014R0269-105" "a stored schema in any case is screened"
err=$(cat "$tmp/mon2.err")
expect_in "$err" "customer m3 (AAAA" "monitor run names a customer kd_match refuses"
expect_in "$err" "name: longer than 1024 bytes; not screened" "monitor run says why"
expect_in "$err" 'customer m4 (Ann Smith): schema "spaceship"' "monitor run names a customer of an unknown schema"
expect_in "$err" "monitoring run 1: 2 of 4 customers not screened (exit status 3)" "monitor run summary"
"$bin" audit export --db "$tmp/mon2.db" 2>/dev/null | grep -q '"inputs":4' || fail "the run records all 4 customers"

# --- incomplete list sets: build and diff say which files are missing --------
mkdir -p "$tmp/sdnonly"
cp "$data/lists/ofac/sdn.csv" "$tmp/sdnonly/"
"$bin" build "$tmp/sdnonly" -o "$tmp/sdnonly.kdx" -q --db /nonexistent 2>"$tmp/sdnonly.err"; rc=$?
[ "$rc" = 0 ] || fail "build of sdn.csv alone: exit $rc"
err=$(cat "$tmp/sdnonly.err")
expect_in "$err" "sdnonly/sdn.csv: an incomplete OFAC SDN set: no alt.csv, add.csv, sdn_comments.csv beside it" \
  "build names the missing companions"
expect_in "$err" "other names (a.k.a., f.k.a.) (alt.csv); addresses (add.csv)" "build says what is lost"
expect_in "$err" "reports them as changed" "build warns of the diff"
"$bin" build "$data/lists/ofac" -o "$tmp/ofac.kdx" -q --db /nonexistent 2>"$tmp/ofac.err" || fail "build of the OFAC set"
grep -q warning "$tmp/ofac.err" && fail "a complete OFAC set warned: $(cat "$tmp/ofac.err")"
"$bin" diff "$tmp/ofac.kdx" "$tmp/sdnonly.kdx" --summary >"$tmp/sdn-diff.out" 2>"$tmp/sdn-diff.err"; rc=$?
[ "$rc" = 0 ] || fail "diff against sdn.csv alone: exit $rc"
err=$(cat "$tmp/sdn-diff.err")
expect_in "$err" "sdnonly.kdx: us_ofac_sdn has 8976 records and not one with other names (a.k.a., f.k.a.) or addresses" \
  "diff names the index built without companions"
expect_in "$err" "without alt.csv and add.csv beside it" "diff names the missing files"
expect_in "$err" "us_ofac_sdn: 7521 of the 7526 records reported changed differ only in names, addresses or countries" \
  "diff says how much of the change they are"
"$bin" diff "$tmp/sdnonly.kdx" "$tmp/ofac.kdx" --summary 2>"$tmp/sdn-diff.err" >/dev/null
expect_in "$(cat "$tmp/sdn-diff.err")" "sdnonly.kdx: us_ofac_sdn has 8976 records" "diff warns about the old side too"
mkdir -p "$tmp/stray"
cp "$data/lists/ofac/alt.csv" "$data/lists/un/consolidated.xml" "$tmp/stray/"
"$bin" build "$tmp/stray" -o "$tmp/stray.kdx" -q --db /nonexistent 2>"$tmp/stray.err" || fail "build with a stray alt.csv"
expect_in "$(cat "$tmp/stray.err")" "stray/alt.csv: an OFAC companion file that is not read" "build names a stray companion"

# --- --help per command: usage, every flag and its default; an unknown flag is exit 2 --
commands=$("$bin" help | awk '/^  [a-z]/ {print $1}')
[ "$(echo "$commands" | wc -l)" -ge 19 ] || fail "help lists $(echo "$commands" | wc -l) commands"
for c in $commands; do
  for h in --help -h; do
    out=$("$bin" "$c" $h 2>"$tmp/help.err"); rc=$?
    [ "$rc" = 0 ] || fail "kordon $c $h: exit $rc"
    expect_in "$out" "usage: kordon $c" "kordon $c $h"
    [ -s "$tmp/help.err" ] && fail "kordon $c $h wrote to stderr: $(cat "$tmp/help.err")"
  done
  out=$("$bin" "$c" --no-such-flag 2>"$tmp/help.err"); rc=$?
  [ "$rc" = 2 ] || fail "kordon $c --no-such-flag: exit $rc, expected 2"
  [ -z "$out" ] || fail "kordon $c --no-such-flag wrote to stdout"
  expect_in "$(cat "$tmp/help.err")" "kordon $c: unrecognized option '--no-such-flag'" "kordon $c --no-such-flag"
  expect_in "$(cat "$tmp/help.err")" "usage: kordon $c" "kordon $c --no-such-flag prints the usage"
done
out=$("$bin" match --help)
expect_in "$out" "--threshold T          the score a result needs to be a match, above 0 and at most 1" "match --help"
expect_in "$out" "(default: 0.70)" "match --help: the threshold's default"
expect_in "$out" "--limit N              results, 1 to 100 (default: 5)" "match --help: the limit's default"
out=$("$bin" screen --help)
expect_in "$out" "--threads N            matching threads, 1 to 64 (default: 1)" "screen --help"
expect_in "$out" "Exit status 3 when a row could not be screened" "screen --help: the exit status"
[ "$("$bin" help screen)" = "$("$bin" screen --help)" ] || fail "kordon help screen differs from screen --help"
bad_flag 2 "help nope: no such command" help nope
# every long option a command's getopt table takes is in its --help
src=$(cd "$(dirname "$0")/../src/cli" && pwd)
python3 - "$bin" "$src" <<'EOF' || fail "a flag missing from --help"
import glob, re, subprocess, sys
bin, src = sys.argv[1], sys.argv[2]
missing = []
for path in sorted(glob.glob(src + '/cmd_*.c')):
    text = open(path).read()
    commands = re.findall(r'^int cmd_(\w+)\(int argc', text, re.M)
    helps = ''.join(subprocess.run([bin, c, '--help'], capture_output=True, text=True).stdout for c in commands)
    for flag in re.findall(r'\{"([a-z][a-z-]*)", (?:required|no)_argument', text):
        if flag != 'help' and '--' + flag not in helps:
            missing.append('%s: --%s' % (path.rsplit('/', 1)[1], flag))
assert not missing, missing
EOF

if [ "$failures" -gt 0 ]; then
  echo "$failures failure(s)" >&2
  exit 1
fi
echo "e2e_cli: all checks passed"
