#!/usr/bin/env bash
# End-to-end: `kordon serve` on a loopback port, driven with curl as a yente
# client would — the matching issue's named cases against the CLI, the
# other endpoints, bad and hostile input, API keys, reload and shutdown.
set -uo pipefail
bin=${KORDON_BIN:?}
data=${KORDON_SHARED_DATA:?}
tmp=${KORDON_TMP:-/tmp/kordon-e2e}/e2e_serve
here=$(cd "$(dirname "$0")" && pwd)
rm -rf "$tmp" && mkdir -p "$tmp"
failures=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done; wait 2>/dev/null; }
trap cleanup EXIT

index="$tmp/all.kdx"
"$bin" build "$data/lists" -o "$index" -q 2>"$tmp/build.err" || { cat "$tmp/build.err"; exit 1; }

# start_server NAME ARGS... → sets $url, $pid; the port is chosen by the kernel
start_server() {
  local name=$1; shift
  "$bin" serve --listen 127.0.0.1:0 "$@" >"$tmp/$name.out" 2>"$tmp/$name.err" &
  pid=$!
  pids+=("$pid")
  for _ in $(seq 1 300); do
    port=$(sed -n 's/.*(port \([0-9]*\)).*/\1/p' "$tmp/$name.out")
    [ -n "$port" ] && break
    sleep 0.1
  done
  [ -n "$port" ] || { cat "$tmp/$name.err"; echo "server $name did not start"; exit 1; }
  url="http://127.0.0.1:$port"
}
# json EXPR: evaluates a Python expression over the JSON on stdin (as d)
json() { python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"; }
# status METHOD PATH [curl args...] → prints the HTTP status, body in $tmp/body
# A POST says what it sends, as the server requires: JSON, except text for
# /scan and forms for /reconcile, unless the caller gives a Content-Type.
status() {
  local method=$1 path=$2; shift 2
  local type=()
  if [ "$method" = POST ] && ! printf '%s\n' "$@" | grep -qi '^content-type:'; then
    case "$path" in
      /scan*) type=(-H 'Content-Type: text/plain') ;;
      /reconcile*) ;;
      *) type=(-H 'Content-Type: application/json') ;;
    esac
  fi
  curl -s -o "$tmp/body" -w '%{http_code}' -X "$method" "${type[@]}" "$@" "$url$path"
}
expect_status() { # expect_status WANT METHOD PATH [curl args...]
  local want=$1; shift
  local got; got=$(status "$@")
  [ "$got" = "$want" ] || fail "$1 $2: expected $want, got $got: $(head -c 300 "$tmp/body")"
  if [ "${want:0:1}" = 4 ] && ! json 'd["detail"]' <"$tmp/body" >/dev/null 2>&1; then
    fail "$1 $2: a $want without a JSON detail: $(head -c 200 "$tmp/body")"
  fi
}

start_server main -i "$index" --max-body 256K --max-queries 5 --request-timeout 3 --access-log "$tmp/access.log" \
  --db "$tmp/audit.db"
main_pid=$pid main_url=$url

expect_status 200 GET /healthz
expect_status 200 GET /readyz

# ---- /match: the named cases return what the CLI returns -------------------
match_top() { # match_top SCHEMA NAME → id of the best result over HTTP
  curl -s -X POST "$url/match/default?limit=1" -H 'Content-Type: application/json' \
    -d "{\"queries\": {\"q\": {\"schema\": \"$1\", \"properties\": {\"name\": [\"$2\"]}}}}" |
    json 'd["responses"]["q"]["results"][0]["id"]'
}
cli_top() { "$bin" match -i "$index" --json --limit 1 "$@" | json 'd["results"][0]["id"]'; }
for case in "Person|Evgeny Primakov" "Person|Евгений Примаков" "Person|ERIC BADEGE" "Person|Badege, Eric" \
            "Thing|Aero Caribean Airlines" "Thing|Rossotrudnitschestwo"; do
  schema=${case%%|*} name=${case#*|}
  cli_schema=(); [ "$schema" = Person ] && cli_schema=(--schema Person)
  want=$(cli_top "${cli_schema[@]}" "$name") got=$(match_top "$schema" "$name")
  [ -n "$want" ] && [ "$got" = "$want" ] || fail "/match \"$name\": HTTP gave $got, CLI gave $want"
done
[ "$(match_top Person 'Evgeny Primakov')" = eu-oj-32014R0269-1426 ] || fail "/match Primakov: not 1426"
[ "$(match_top Person 'Badege, Eric')" = unsc-6907993 ] || fail "/match Badege: not unsc-6907993"
[ "$(match_top Thing 'Aero Caribean Airlines')" = ofac-36 ] || fail "/match Aerocaribbean: not ofac-36"

# several queries, yente's response shape, the client's keys back unchanged
curl -s -D "$tmp/headers" -X POST "$url/match/default?limit=3" -H 'Content-Type: application/json' -d '{
  "queries": {
    "cust-1": {"id": "c1", "schema": "Person", "properties": {"firstName": "Evgeny", "lastName": "Primakov",
               "birthDate": ["29.4.1976"], "nationality": ["Russia"]}},
    "cust-2": {"schema": "Person", "properties": {"name": ["Jane Q. Nobody-Inparticular"]}}}}' >"$tmp/multi.json"
grep -qi '^x-batch-size: 2' "$tmp/headers" || fail "/match: no x-batch-size: 2 header"
got=$(json '(sorted(d["responses"]), d["limit"], d["responses"]["cust-1"]["query"]["properties"]["nationality"],
             d["responses"]["cust-1"]["query"]["properties"]["birthDate"], d["responses"]["cust-1"]["query"]["id"],
             d["responses"]["cust-1"]["total"], d["responses"]["cust-2"]["total"]["value"])' <"$tmp/multi.json")
# Primakov, listed by the EU and Canada, is one party: one result
[ "$got" = "(['cust-1', 'cust-2'], 3, ['ru'], ['1976-04-29'], 'c1', {'value': 1, 'relation': 'eq'}, 0)" ] ||
  fail "/match two queries: $got"
got=$(json 'sorted(set(k for r in d["responses"]["cust-1"]["results"] for k in r))' <"$tmp/multi.json")
for field in id caption schema properties datasets referents target score match explanations features listings \
             matched_record; do
  case "$got" in *"'$field'"*) ;; *) fail "/match result lacks $field: $got";; esac
done
got=$(json 'd["responses"]["cust-1"]["results"][0]["explanations"]["name_match"]["candidate"]' <"$tmp/multi.json")
[ "$got" = "yevgeny alexandrovich primakov" ] || [ "$got" = "evgeny alexandrovich primakov" ] ||
  fail "/match explanation candidate: $got"
got=$(json '[(r["id"], r["referents"], sorted(r["datasets"]), [(l["authority"], l["listingDate"]) for l in r["listings"]])
             for r in d["responses"]["cust-1"]["results"][:1]][0]' <"$tmp/multi.json")
[ "$got" = "('eu-oj-32014R0269-1426', ['ca-sema-russia-1-part-1-1358'], ['ca_dfatd_sema_sanctions', 'eu_journal_sanctions'], [('EU', '2023-02-25'), ('Canada', '2023-09-20')])" ] ||
  fail "/match Primakov as one party: $got"
# filters: excluding the EU's list, Primakov is still found through Canada's record (the party
# keeps its canonical id); excluding any one of his records' ids excludes him
got=$(curl -s -X POST "$url/match/default?limit=1&exclude_dataset=eu_journal_sanctions" -H 'Content-Type: application/json' \
  -d '{"queries":{"q":{"schema":"Person","properties":{"name":["Evgeny Primakov"]}}}}' |
  json '[(r["id"], r["matched_record"]) for r in d["responses"]["q"]["results"][:1]][0]')
[ "$got" = "('eu-oj-32014R0269-1426', 'ca-sema-russia-1-part-1-1358')" ] || fail "/match exclude_dataset: $got"
got=$(curl -s -X POST "$url/match/default?exclude_entity_ids=ca-sema-russia-1-part-1-1358" -H 'Content-Type: application/json' \
  -d '{"queries":{"q":{"schema":"Person","properties":{"name":["Evgeny Primakov"]}}}}' |
  json '[r["id"] for r in d["responses"]["q"]["results"]]')
case "$got" in *1426*) fail "/match exclude_entity_ids of a member: $got";; esac
got=$(curl -s -X POST "$url/match/un_sc_sanctions?limit=5" -H 'Content-Type: application/json' \
  -d '{"queries":{"q":{"schema":"Person","properties":{"name":["Evgeny Primakov"]}}}}' | json 'd["responses"]["q"]["total"]["value"]')
[ "$got" = 0 ] || fail "/match/un_sc_sanctions Primakov: $got matches, want 0"
got=$(curl -s -X POST "$url/match/default?threshold=1.0&exclude_entity_ids=eu-oj-32014R0269-1426" -H 'Content-Type: application/json' \
  -d '{"queries":{"q":{"schema":"Person","properties":{"name":["Evgeny Primakov"]}}}}' |
  json '[(r["id"], r["match"]) for r in d["responses"]["q"]["results"]][:2]')
case "$got" in *1426*|*True*) fail "/match exclude_entity_ids/threshold: $got";; esac

# ---- the audit store: /match is recorded, alerts are decided -----------------
screen_c1() { curl -s -o /dev/null -w '%{http_code}' -X POST "$url/match/default" -H 'X-Kordon-User: e2e-tester' \
  -H 'Content-Type: application/json' \
  -d "{\"queries\": {\"k\": {\"id\": \"$1\", \"schema\": \"Person\", \"properties\": {\"name\": [\"Evgeny Primakov\"]}}}}"; }
[ "$(screen_c1 c1)" = 200 ] || fail "/match with --db"
expect_status 200 GET '/alerts?status=open'
alert=$(json '[a["id"] for a in d["alerts"] if a["customer_id"] == "c1" and a["entity_id"] == "eu-oj-32014R0269-1426"][0]' <"$tmp/body")
[ -n "$alert" ] || fail "no open alert for c1 / 1426: $(head -c 400 "$tmp/body")"
expect_status 422 POST "/alerts/$alert/decision" -d '{"verdict": "maybe", "reviewer": "r"}'
expect_status 422 POST "/alerts/$alert/decision" -d '{"verdict": "false_positive"}'
expect_status 422 POST "/alerts/$alert/decision" -d '{"verdict": "escalate", "reviewer": "r"}'
expect_status 404 POST /alerts/999999/decision -d '{"verdict": "escalate", "reviewer": "r", "comment": "c"}'
expect_status 404 GET /alerts/999999
expect_status 201 POST "/alerts/$alert/decision" -d '{"verdict": "false_positive", "reviewer": "Ada", "comment": "born 1950 per KYC"}'
[ "$(json 'd["alert"]["status"]' <"$tmp/body")" = false_positive ] || fail "decision: $(head -c 300 "$tmp/body")"
# the cleared pair stays quiet; another customer of the same name is alerted
before=$(curl -s "$url/alerts?status=all" | json 'len(d["alerts"])')
screen_c1 c1 >/dev/null; screen_c1 c2 >/dev/null
new=$(curl -s "$url/alerts?status=all" | json '[(a["customer_id"], a["entity_id"]) for a in d["alerts"]]['"$before"':]')
case "$new" in *"('c1', 'eu-oj-32014R0269-1426')"*) fail "allow-listed pair alerted again: $new";; esac
case "$new" in *"('c2', 'eu-oj-32014R0269-1426')"*) ;; *) fail "c2 not alerted: $new";; esac
# the same decision again (a retry, or the same click through another replica): 200, nothing new
expect_status 200 POST "/alerts/$alert/decision" -d '{"verdict": "false_positive", "reviewer": "Ada", "comment": "born 1950 per KYC"}'
[ "$(json '(d["repeated"], d["alert"]["decision_count"])' <"$tmp/body")" = "(True, 1)" ] || fail "repeated decision: $(head -c 300 "$tmp/body")"
# filters and pages: a total over every page, the filters in SQL
all=$(curl -s "$url/alerts?status=all" | json 'd["total"]')
expect_status 200 GET '/alerts?status=all&limit=1'
[ "$(json '(len(d["alerts"]), d["total"], "next_after" in d)' <"$tmp/body")" = "(1, $all, True)" ] || fail "/alerts page: $(head -c 300 "$tmp/body")"
first=$(json 'd["alerts"][0]["id"]' <"$tmp/body")
expect_status 200 GET "/alerts?status=all&limit=1&after=$first"
[ "$(json 'd["alerts"][0]["id"] > '"$first"'' <"$tmp/body")" = True ] || fail "/alerts after: $(head -c 300 "$tmp/body")"
expect_status 200 GET '/alerts?status=all&customer=c2'
got=$(json '(sorted(set(a["customer_id"] for a in d["alerts"])), d["total"] == len(d["alerts"]))' <"$tmp/body")
[ "$got" = "(['c2'], True)" ] || fail "/alerts?customer=c2: $got: $(head -c 300 "$tmp/body")"
expect_status 200 GET '/alerts?status=decided'
[ "$(json '[a["status"] for a in d["alerts"]]' <"$tmp/body")" = "['false_positive']" ] || fail "/alerts?status=decided: $(head -c 300 "$tmp/body")"
expect_status 200 GET '/alerts?status=all&dataset=no_such_dataset'
[ "$(json 'd["total"]' <"$tmp/body")" = 0 ] || fail "/alerts?dataset=no_such_dataset: $(head -c 300 "$tmp/body")"
expect_status 200 GET '/alerts?status=all&dataset=eu_journal_sanctions&min_score=0.5'
[ "$(json 'd["total"] > 0 and all("eu_journal_sanctions" in a["datasets"] and a["score"] >= 0.5 for a in d["alerts"])' <"$tmp/body")" = True ] ||
  fail "/alerts?dataset=eu_journal_sanctions: $(head -c 300 "$tmp/body")"
expect_status 200 GET '/alerts?status=all&to=2000-01-01'
[ "$(json 'd["total"]' <"$tmp/body")" = 0 ] || fail "/alerts?to=2000-01-01: $(head -c 300 "$tmp/body")"
expect_status 400 GET '/alerts?from=yesterday'
# ---- analysts correct parties: a judgment applies at once, and to every index loaded later
primakov_ids() { curl -s -X POST "$url/match/default" -H 'Content-Type: application/json' \
  -d '{"queries":{"q":{"schema":"Person","properties":{"name":["Evgeny Primakov"]}}}}' |
  json '[r["id"] for r in d["responses"]["q"]["results"] if r["match"]]'; }
judge() { expect_status "$1" POST /resolve/judgments -H 'X-Kordon-User: ada' -d "$2"; }
judge 404 '{"kind": "split", "records": ["eu-oj-32014R0269-1426", "no-such-record"], "reason": "r"}'
judge 422 '{"kind": "split", "records": ["eu-oj-32014R0269-1426", "eu-oj-32014R0269-1426"], "reason": "r"}'
judge 422 '{"kind": "merge", "records": ["eu-oj-32014R0269-1426", "ca-sema-russia-1-part-1-1358"], "reason": "r"}'
judge 422 '{"kind": "split", "records": ["eu-oj-32014R0269-1426", "ca-sema-russia-1-part-1-1358"]}'
judge 422 '{"kind": "divorce", "records": ["eu-oj-32014R0269-1426", "ca-sema-russia-1-part-1-1358"], "reason": "r"}'
judge 404 '{"kind": "revoke", "records": ["eu-oj-32014R0269-1426", "ca-sema-russia-1-part-1-1358"], "reason": "r"}'
expect_status 415 POST /resolve/judgments -H 'Content-Type: text/plain' \
  -d '{"kind": "split", "records": ["eu-oj-32014R0269-1426", "ca-sema-russia-1-part-1-1358"], "reason": "r"}'
expect_status 200 GET /resolve/judgments
[ "$(json 'd["judgments"]' <"$tmp/body")" = "[]" ] || fail "refused judgments were recorded: $(head -c 300 "$tmp/body")"
judge 201 '{"kind": "split", "records": ["eu-oj-32014R0269-1426", "ca-sema-russia-1-part-1-1358"], "reason": "two men per our KYC"}'
[ "$(json '(d["applied"], d["parties"])' <"$tmp/body")" = "(True, ['eu-oj-32014R0269-1426', 'ca-sema-russia-1-part-1-1358'])" ] ||
  fail "split: $(head -c 300 "$tmp/body")"
[ "$(primakov_ids)" = "['eu-oj-32014R0269-1426', 'ca-sema-russia-1-part-1-1358']" ] || fail "after the split: $(primakov_ids)"
expect_status 200 POST /admin/reload
[ "$(primakov_ids)" = "['eu-oj-32014R0269-1426', 'ca-sema-russia-1-part-1-1358']" ] || fail "the split lost on reload: $(primakov_ids)"
expect_status 200 GET /readyz
[ "$(json 'd["index"]["judgments_applied"]' <"$tmp/body")" = 1 ] || fail "/readyz judgments_applied: $(head -c 300 "$tmp/body")"
judge 201 '{"kind": "revoke", "records": ["ca-sema-russia-1-part-1-1358", "eu-oj-32014R0269-1426"], "reason": "one man after all"}'
[ "$(primakov_ids)" = "['eu-oj-32014R0269-1426']" ] || fail "after the revoke: $(primakov_ids)"
expect_status 200 GET '/resolve/judgments?all=true'
[ "$(json '[(j["kind"], j["actor"]) for j in d["judgments"]]' <"$tmp/body")" = "[('split', 'ada'), ('revoke', 'ada')]" ] ||
  fail "/resolve/judgments?all=true: $(head -c 300 "$tmp/body")"
# the ties between parties follow the judgments: merged into a party named by another record (the
# UN's, the higher authority), OFAC's Nasrallah keeps his "Linked To" HIZBALLAH on the party's page
judge 201 '{"kind": "merge", "records": ["unsc-6907993", "ofac-2686"], "reason": "a test of ties after a merge"}'
expect_status 200 GET /entities/unsc-6907993
[ "$(json '[o["id"] for x in d["properties"].get("unknownLinkSubject", []) for o in x["properties"]["object"] if isinstance(o, dict)]' <"$tmp/body")" = "['ofac-4697']" ] ||
  fail "ties after a merge: $(json 'sorted(d["properties"])' <"$tmp/body")"
judge 201 '{"kind": "revoke", "records": ["unsc-6907993", "ofac-2686"], "reason": "undone"}'

# decisions are appended: a correction is a new decision, the newest is the state
expect_status 201 POST "/alerts/$alert/decision" -d '{"verdict": "true_match", "reviewer": "Bea", "comment": "correction"}'
expect_status 200 GET "/alerts/$alert"
[ "$(json '(d["status"], d["decision_count"], d["decisions"][-1]["reviewer"])' <"$tmp/body")" = "('true_match', 2, 'Bea')" ] ||
  fail "corrected decision: $(head -c 300 "$tmp/body")"
expect_status 200 GET '/audit?format=jsonl'
python3 -c "
import json, sys
ev = [json.loads(l) for l in open('$tmp/body')]
kinds = [e['kind'] for e in ev]
assert 'run' in kinds and 'alert' in kinds and kinds.count('decision') >= 2, kinds
assert any(e['kind'] == 'run' and e['actor'] == 'e2e-tester' for e in ev), 'actor'
assert any(e['kind'] == 'decision' and e.get('verdict') == 'false-positive' and 'KYC' in (e.get('detail') or '') for e in ev)
" || fail "/audit: $(head -c 300 "$tmp/body")"
expect_status 200 GET '/audit?format=csv&from=2000-01-01'
head -1 "$tmp/body" | grep -q '^time,kind,' || fail "/audit csv header"
expect_status 400 GET '/audit?format=xml'

# ---- bad input: a 4xx with a JSON detail, never a crash ----------------------
expect_status 422 POST /match/default -d '{"queries": {'
expect_status 422 POST /match/default -d '[1, 2]'
expect_status 422 POST /match/default -d '{"queries": {"q": {"properties": {"name": ["x"]}}}}'
expect_status 422 POST /match/default -d '{"queries": {"q": {"schema": "Person", "properties": {"name": 5}}}}'
expect_status 422 POST /match/default -d '{"queries": {"q": {"schema": 7, "properties": {"name": ["x"]}}}}'
expect_status 400 POST /match/default -d '{"queries": {"q": {"schema": "Starship", "properties": {"name": ["x"]}}}}'
# a schema FtM does not mark matchable (an Address is: e2e_yente)
expect_status 400 POST /match/default -d '{"queries": {"q": {"schema": "Payment", "properties": {"name": ["x"]}}}}'
expect_status 400 POST /match/default -d '{"queries": {"q": {"schema": "Person", "properties": {"name": [""]}}}}'
expect_status 400 POST /match/default -d '{"queries": {"q": {"schema": "Person", "properties": {}}}}'
expect_status 404 POST /match/no_such_dataset -d '{"queries": {}}'
expect_status 400 POST '/match/default?algorithm=magic' -d '{"queries": {}}'
expect_status 422 POST '/match/default?limit=501' -d '{"queries": {}}'
expect_status 400 POST '/match/default?limit=abc' -d '{"queries": {}}'
expect_status 200 POST '/match/default?limit=0' -d '{"queries": {"q": {"schema": "Person", "properties": {"name": ["Eric Badege"]}}}}'
[ "$(json 'len(d["responses"]["q"]["results"])' <"$tmp/body")" = 0 ] || fail "limit=0 answers no results"
expect_status 400 POST '/match/default?threshold=abc' -d '{"queries": {}}'
expect_status 400 POST /match/default -d '{"queries": {}}'
[ "$(json 'd["detail"]' <"$tmp/body")" = "No queries provided." ] || fail "empty queries: $(cat "$tmp/body")"
expect_status 200 POST '/match/default?threshold=1.5&algorithm=BEST' -d '{"queries": {"q": {"schema": "Person", "properties": {"name": ["Eric Badege"]}}}}'
[ "$(json 'd["responses"]["q"]["total"]["value"]' <"$tmp/body")" = 0 ] || fail "threshold 1.5 matches nothing"
expect_status 200 GET /manifest
# topics=sanction keeps the official lists' records (they carry no topics of their own)
expect_status 200 POST '/match/default?topics=sanction' -d '{"queries": {"q": {"schema": "Person", "properties": {"name": ["Arkady Rotenberg"]}}}}'
[ "$(json 'len(d["responses"]["q"]["results"]) >= 1' <"$tmp/body")" = True ] || fail "topics=sanction dropped the listed parties"
# total.value counts the matches before the answer is cut to limit
expect_status 200 POST '/match/default?limit=1' -d '{"queries": {"q": {"schema": "Person", "properties": {"name": ["Arellano Felix"]}}}}'
[ "$(json '(len(d["responses"]["q"]["results"]), d["responses"]["q"]["total"]["value"] >= 2)' <"$tmp/body")" = "(1, True)" ] ||
  fail "total before truncation: $(json 'd["responses"]["q"]["total"]' <"$tmp/body")"
# an identifier alone is a query (a vessel by its IMO number, written with or without the prefix)
expect_status 200 POST /match/default -d '{"queries": {"v": {"schema": "Vessel", "properties": {"imoNumber": ["IMO9569621"]}}, "w": {"schema": "Vessel", "properties": {"imoNumber": ["9187629"]}}}}'
[ "$(json '(d["responses"]["v"]["results"][0]["id"], d["responses"]["v"]["results"][0]["match"], d["responses"]["w"]["results"][0]["id"])' <"$tmp/body")" = "('ofac-15902', True, 'ofac-15036')" ] ||
  fail "identifier-only queries: $(head -c 300 "$tmp/body")"
expect_status 200 POST /match/default -d '{"queries": {"v": {"schema": "Vessel", "properties": {"imoNumber": ["IMO0000001"]}}}}'
[ "$(json 'len(d["responses"]["v"]["results"])' <"$tmp/body")" = 0 ] || fail "an IMO number nobody has"
# reconciliation: properties without a query string
expect_status 200 GET /reconcile/default --get --data-urlencode 'queries={"q0": {"properties": [{"pid": "name", "v": "Eric Badege"}]}, "q1": {"type": "Vessel", "properties": [{"pid": "imoNumber", "v": "IMO9569621"}]}}'
[ "$(json '(d["q0"]["result"][0]["id"], d["q1"]["result"][0]["id"])' <"$tmp/body")" = "('unsc-6907993', 'ofac-15902')" ] ||
  fail "/reconcile properties-only: $(head -c 300 "$tmp/body")"
expect_status 422 POST /match/default -d '{not json'
# yente's filter=field:value on /search
expect_status 200 GET '/search/default?q=Badege&filter=properties.birthDate:1971'
[ "$(json '[r["properties"].get("birthDate") for r in d["results"]]' <"$tmp/body")" = "[['1971']]" ] ||
  fail "filter=properties.birthDate: $(json '[(r["id"], r["properties"].get("birthDate")) for r in d["results"]]' <"$tmp/body")"
expect_status 200 GET '/search/default?q=Badege&filter=properties.birthDate:1900'
[ "$(json 'd["total"]["value"]' <"$tmp/body")" = 0 ] || fail "filter on a birth date nobody has"
expect_status 400 GET '/search/default?q=Badege&filter=nocolon'
expect_status 400 GET '/search/default?q=Badege&filter=properties.noSuchProperty:1'
expect_status 400 POST /match/default -d '{"queries": {}, "config": {"fuzzy": true}}'
# yente's weights and logic-v2 options are taken and named back as not applied; an unknown option is a 400
q='"queries": {"q": {"schema": "Person", "properties": {"name": ["Evgeny Primakov"]}}}'
expect_status 200 POST /match/default -d "{$q, \"weights\": {\"name_literal\": 0.8}, \"config\": {\"nm_number_mismatch\": 0.4}}"
[ "$(json 'len(d["warnings"])' <"$tmp/body")" = 2 ] || fail "/match warnings: $(head -c 300 "$tmp/body")"
expect_status 400 POST /match/default -d "{$q, \"config\": {\"bogus\": 1}}"
# the default cutoff is yente's 0.70: near misses only when asked for
q='"queries": {"q": {"schema": "Person", "properties": {"name": ["Ali Hassan Mohamed"]}}}'
expect_status 200 POST '/match/default?limit=20' -d "{$q}"
json 'all(r["score"] > 0.7 for r in d["responses"]["q"]["results"])' <"$tmp/body" | grep -q True || fail "default cutoff"
expect_status 200 POST '/match/default?cutoff=0.3&limit=20' -d "{$q}"
json 'any(r["score"] <= 0.7 for r in d["responses"]["q"]["results"])' <"$tmp/body" | grep -q True || fail "cutoff=0.3 near misses"
# /search facets: yente's three by default, exactly those asked for otherwise, labelled as yente does
expect_status 200 GET '/search/default?q=Primakov'
[ "$(json 'sorted(d["facets"])' <"$tmp/body")" = "['countries', 'datasets', 'topics']" ] || fail "default facets: $(json 'sorted(d["facets"])' <"$tmp/body")"
expect_status 200 GET '/search/default?q=Primakov&facets=schema&facets=genders'
[ "$(json '(sorted(d["facets"]), d["facets"]["schema"]["label"], [v["label"] for v in d["facets"]["schema"]["values"] if v["name"] == "Person"])' <"$tmp/body")" = "(['genders', 'schema'], 'Entity types', ['People'])" ] ||
  fail "facets=schema&facets=genders: $(json 'd["facets"]' <"$tmp/body")"
expect_status 400 GET '/search/default?q=Primakov&facets=nosuch'
expect_status 400 POST /match/default -d "{\"queries\": {$(for i in 1 2 3 4 5 6; do printf '"q%d": {"schema": "Person", "properties": {"name": ["a b"]}},' $i; done | sed 's/,$//')}}"
printf '{"queries": {"q": {"schema": "Person", "properties": {"name": ["Ev\xffgeny"]}}}}' >"$tmp/bad-utf8.json"
expect_status 422 POST /match/default --data-binary @"$tmp/bad-utf8.json"
expect_status 400 GET "/search/default?q=%FF%FE"
head -c 300000 /dev/zero | tr '\0' 'a' >"$tmp/big.txt"
expect_status 413 POST /scan --data-binary @"$tmp/big.txt"
expect_status 405 GET /match/default
curl -s -D "$tmp/headers" -o /dev/null "$url/match/default"
grep -qi '^Allow: POST' "$tmp/headers" || fail "405 without the Allow header: $(cat "$tmp/headers")"
expect_status 404 GET /no/such/route
expect_status 404 GET /entities/no-such-entity
# a merged id (an FtM referent) redirects to the entity it became
expect_status 308 GET /entities/ua-nsdc-26852-zaharova-maria-oleksandrivna
curl -s -o /dev/null -w '%{redirect_url}' "$url/entities/ua-nsdc-26852-zaharova-maria-oleksandrivna" |
  grep -q '/entities/NK-2Tbri3s6GgNtAwsSXh4qpL$' || fail "/entities: referent redirect target"

# a header flood is refused (or the connection closed) and the server stays up
flood=(); for i in $(seq 1 200); do flood+=(-H "X-Flood-$i: $(head -c 500 /dev/zero | tr '\0' 'x')"); done
got=$(curl -s -o /dev/null -w '%{http_code}' "${flood[@]}" "$url/healthz")
case "$got" in 4*|000) ;; *) fail "header flood: got $got";; esac
expect_status 200 GET /healthz

# a client sending one byte a second is cut off, and others are served meanwhile
python3 - "$port" >"$tmp/slow.out" 2>&1 <<'EOF' &
import socket, sys, time
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
request = b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: " + b"y" * 40 + b"\r\n\r\n"
sent = 0
try:
    for b in request:
        s.send(bytes([b])); sent += 1; time.sleep(1)
    print("not cut off: sent the whole request,", s.recv(100))
except OSError:
    print("cut off after", sent, "bytes")
EOF
slow=$!
sleep 1
expect_status 200 GET /healthz
wait $slow
grep -q "cut off after" "$tmp/slow.out" || fail "slow client: $(cat "$tmp/slow.out")"

# ---- other endpoints --------------------------------------------------------
# a member's id answers 308 with the party's canonical id (its view options kept)
expect_status 308 GET '/entities/ca-sema-russia-1-part-1-1358?provenance=true'
loc=$(curl -s -o /dev/null -w '%{redirect_url}' "$url/entities/ca-sema-russia-1-part-1-1358?provenance=true")
[ "$loc" = "$url/entities/eu-oj-32014R0269-1426?provenance=true" ] || fail "/entities member redirect: $loc"
expect_status 200 GET '/entities/eu-oj-32014R0269-1426?provenance=true'
# (a listing's date is its own, in `listings`, as FtM keeps it on a Sanction)
got=$(json '(d["provenance"]["program"], d["provenance"]["birthDate"], "listingDate" in d["provenance"])' <"$tmp/body")
[ "$got" = "({'EU-UKR': ['eu-oj-32014R0269-1426'], 'SEMA - Russia - Schedule 1, Part 1': ['ca-sema-russia-1-part-1-1358']}, {'1976-04-29': ['eu-oj-32014R0269-1426', 'ca-sema-russia-1-part-1-1358']}, False)" ] ||
  fail "/entities provenance: $got"
expect_status 200 GET /entities/eu-oj-32014R0269-1426
json 'd["referents"]' <"$tmp/body" | grep -q ca-sema-russia-1-part-1-1358 || fail "/entities: Canada's record not a referent"
# nested by default (its listings as Sanction entities); without nesting as `kordon entity` prints it
json '[s["schema"] for s in d["properties"]["sanctions"]]' <"$tmp/body" | grep -q Sanction || fail "/entities: no nested Sanction"
expect_status 200 GET '/entities/eu-oj-32014R0269-1426?nested=false'
"$bin" entity -i "$index" eu-oj-32014R0269-1426 >"$tmp/cli-entity.json"
python3 -c "import json,sys; a=json.load(open(sys.argv[1])); b=json.load(open(sys.argv[2])); sys.exit(a!=b)" \
  "$tmp/body" "$tmp/cli-entity.json" || fail "/entities differs from kordon entity"
json 'd["properties"]["alias"]' <"$tmp/body" | grep -q 'Евгений Александрович ПРИМАКОВ' || fail "/entities: no Cyrillic alias"

status POST /scan --data-binary @"$data/text/baku-russian-house.txt" >/dev/null
got=$(json '[(m["text"], m["entity_id"]) for m in d["mentions"] if m["kind"] == "listed"]' <"$tmp/body")
case "$got" in *"('Evgeny Primakov', 'eu-oj-32014R0269-1426')"*) ;; *) fail "/scan Baku: no Primakov hit: $got";; esac
case "$got" in *Aliyev*|*Azerbaijan\'*|*USAID*) fail "/scan Baku: false hits: $got";; esac

# OFAC's "Linked To: HIZBALLAH." of Hasan Nasrallah (ofac-2686) is an UnknownLink to ofac-4697, seen from both sides
expect_status 200 GET /entities/ofac-2686
[ "$(json '[(l["schema"], [o["id"] for o in l["properties"]["object"]]) for l in d["properties"]["unknownLinkSubject"]]' <"$tmp/body")" = "[('UnknownLink', ['ofac-4697'])]" ] ||
  fail "/entities/ofac-2686 link: $(json 'sorted(d["properties"])' <"$tmp/body")"
expect_status 200 GET '/entities/ofac-4697/adjacent?limit=500'
json '[l["id"] for l in d["adjacent"]["unknownLinkObject"]["results"]]' <"$tmp/body" | grep -q ofac-2686-linked-ofac-4697 ||
  fail "/entities/ofac-4697/adjacent: $(head -c 300 "$tmp/body")"
[ "$(json 'd["adjacent"]["unknownLinkObject"]["total"]["value"] > 10' <"$tmp/body")" = True ] || fail "HIZBALLAH has many linked parties"
expect_status 404 GET /entities/ofac-2686/nothing
expect_status 200 GET '/search/default?q=Primakov&limit=5'
got=$(json '([r["id"] for r in d["results"]], d["total"]["value"] >= 1, [v["name"] for v in d["facets"]["countries"]["values"]])' <"$tmp/body")
case "$got" in *eu-oj-32014R0269-1426*True*"'ru'"*) ;; *) fail "/search Primakov: $got";; esac
expect_status 200 GET '/search/default?q=Primakov&schema=Vessel'
got=$(json '[r["schema"] for r in d["results"]]' <"$tmp/body")
case "$got" in *Person*) fail "/search schema=Vessel returned persons: $got";; esac
expect_status 200 GET '/search/un_sc_sanctions?limit=2&offset=2'
got=$(json '(len(d["results"]), d["total"]["value"], d["offset"])' <"$tmp/body")
# 1,003 UN records, 1,002 parties: the UN lists Hassan Dahir AWEYS twice (Al-Qaida and Somalia)
[ "$got" = "(2, 1002, 2)" ] || fail "/search listing: $got"

status GET /catalog -D "$tmp/headers" >/dev/null
etag=$(sed -n 's/^ETag: *\(.*\)\r$/\1/Ip' "$tmp/headers")
got=$(json 'sorted(x["name"] for x in d["datasets"])' <"$tmp/body")
case "$got" in *un_sc_sanctions*default*|*default*un_sc_sanctions*) ;; *) fail "/catalog: $got";; esac
[ -n "$etag" ] || fail "/catalog: no ETag"
expect_status 304 GET /catalog -H "If-None-Match: $etag"
# every answer names the index that gave it: the catalog's ETag, its generation, its build time
which=$(sed -n 's/^X-Kordon-Index: *\(.*\)\r$/\1/Ip' "$tmp/headers")
case "$which" in "${etag//\"/}; generation="[0-9]*"; built_at="[0-9]*) ;;
  *) fail "/catalog: X-Kordon-Index \"$which\" does not name the index (ETag $etag)";; esac
# and /match says it in its JSON too
expect_status 200 POST /match/default -d '{"queries": {"q": {"schema": "Person", "properties": {"name": ["Eric Badege"]}}}}'
[ "\"$(json 'd["index"]["etag"]' <"$tmp/body")\"" = "$etag" ] || fail "/match: index $(json 'd.get("index")' <"$tmp/body") is not the catalog's $etag"
expect_status 200 GET /algorithms
[ "$(json 'd["best"]' <"$tmp/body")" = kordon-v1 ] || fail "/algorithms: best"
expect_status 200 GET /reconcile/default
json 'd["defaultTypes"][0]["id"]' <"$tmp/body" | grep -q Person || fail "/reconcile manifest"
# its URLs are absolute: the view of an entity, the suggest services
[ "$(json 'd["view"]["url"]' <"$tmp/body")" = "$url/entities/{{id}}" ] || fail "/reconcile view: $(json 'd["view"]' <"$tmp/body")"
[ "$(json 'd["suggest"]["entity"]["service_url"] + d["suggest"]["entity"]["service_path"]' <"$tmp/body")" = \
  "$url/reconcile/default/suggest/entity" ] || fail "/reconcile suggest: $(json 'd["suggest"]' <"$tmp/body")"
expect_status 200 GET /reconcile/default --get --data-urlencode 'queries={"q0": {"query": "Eric Badege", "type": "Person"}}'
[ "$(json 'd["q0"]["result"][0]["id"]' <"$tmp/body")" = unsc-6907993 ] || fail "/reconcile query: $(cat "$tmp/body")"
expect_status 200 POST /reconcile/default --data-urlencode 'queries={"q0": {"query": "Aero Caribean Airlines"}}'
[ "$(json 'd["q0"]["result"][0]["id"]' <"$tmp/body")" = ofac-36 ] || fail "/reconcile POST: $(cat "$tmp/body")"
expect_status 200 GET '/reconcile/default/suggest/entity?prefix=Rossotrudnichestvo'
json 'd["result"][0]["id"]' <"$tmp/body" | grep -q eu-oj-32014R0269-105 || fail "/reconcile suggest: $(cat "$tmp/body")"
# suggest is a prefix search: every name offered holds a word the prefix begins; cursor skips
expect_status 200 GET '/reconcile/default/suggest/entity?prefix=Rotenb'
json 'all(any(w.lower().startswith("rotenb") for w in r["name"].split()) for r in d["result"]) and len(d["result"]) >= 3' \
  <"$tmp/body" | grep -q True || fail "/reconcile suggest prefix: $(head -c 400 "$tmp/body")"
json '[r["id"] for r in d["result"]][2]' <"$tmp/body" >"$tmp/third"
expect_status 200 GET '/reconcile/default/suggest/entity?prefix=Rotenb&cursor=2'
[ "$(json 'd["result"][0]["id"]' <"$tmp/body")" = "$(cat "$tmp/third")" ] || fail "/reconcile suggest cursor: $(head -c 300 "$tmp/body")"
# a cursor that is no number is refused, not read as 0 ("2x" was 2, "abc" 0)
expect_status 400 GET '/reconcile/default/suggest/entity?prefix=Rotenb&cursor=2x'
expect_status 422 GET '/reconcile/default/suggest/entity?prefix=Rotenb&cursor=-1'
# the Reconciliation API answers pages of any origin (CORS); other routes only the configured ones
curl -s -D "$tmp/headers" -o /dev/null -H 'Origin: https://refine.example' "$url/reconcile/default"
grep -qi '^Access-Control-Allow-Origin: \*' "$tmp/headers" || fail "/reconcile CORS: $(cat "$tmp/headers")"
got=$(curl -s -o /dev/null -w '%{http_code}' -X OPTIONS -H 'Origin: https://refine.example' \
  -H 'Access-Control-Request-Method: POST' "$url/reconcile/default")
[ "$got" = 204 ] || fail "/reconcile preflight: $got"
expect_status 403 POST /match/default -H 'Origin: https://refine.example' -d '{"queries": {}}'
# a query by properties the lists cannot be searched by, or of a type they lack, finds nothing
expect_status 200 POST /reconcile/default --data-urlencode 'queries={"q0": {"properties": [{"pid": "P214", "v": "x"}]}, "q1": {"query": "Eric Badege", "type": "DifferentiatedPerson"}}'
[ "$(json 'len(d["q0"]["result"]) + len(d["q1"]["result"])' <"$tmp/body")" = 0 ] || fail "/reconcile unsearchable: $(cat "$tmp/body")"

# /screen: JSON lines and CSV, one result line per record, in order
printf '%s\n' '{"id": "a", "schema": "Person", "properties": {"name": ["Evgeny Primakov"]}}' \
  'not json' '{"id": "c", "schema": "Person", "properties": {"name": ["ERIC BADEGE"]}}' >"$tmp/batch.jsonl"
curl -s -X POST "$url/screen" -H 'Content-Type: application/x-ndjson' --data-binary @"$tmp/batch.jsonl" >"$tmp/screen.out"
got=$(python3 -c "
import json
for l in open('$tmp/screen.out'):
    d = json.loads(l); print(d['line'], d['status'], d['results'][0]['id'] if d.get('results') else '-')")
[ "$got" = "$(printf '1 200 eu-oj-32014R0269-1426\n2 400 -\n3 200 unsc-6907993')" ] || fail "/screen JSON lines: $got"
# with --db the batch is recorded before it is answered: one run, its two screened records
expect_status 200 GET '/audit?format=jsonl'
python3 -c "
import json
runs = [e for e in map(json.loads, open('$tmp/body')) if e['kind'] == 'run' and e['detail']['source'] == 'api /screen']
assert runs and runs[-1]['detail']['inputs'] == 2 and runs[-1]['detail']['matches'] >= 2, runs[-1:]
" || fail "/screen not recorded: $(grep -m2 'api /screen' "$tmp/body" | head -c 400)"
printf 'id,name,birth_date,nationality\n1,Evgeny Primakov,1976,Russia\n2,"Badege, Eric",,\n' >"$tmp/batch.csv"
got=$(curl -s -X POST "$url/screen" -H 'Content-Type: text/csv' --data-binary @"$tmp/batch.csv" |
  python3 -c "import json,sys; print([json.loads(l)['results'][0]['id'] for l in sys.stdin])")
[ "$got" = "['eu-oj-32014R0269-1426', 'unsc-6907993']" ] || fail "/screen CSV: $got"
expect_status 400 POST /screen -H 'Content-Type: text/csv' --data-binary $'foo,bar\n1,2\n'

# metrics count what happened
curl -s "$url/metrics" >"$tmp/metrics"
grep -q '^kordon_http_requests_total{route="match",code="200"} [0-9]' "$tmp/metrics" || fail "/metrics: match count"
grep -q '^kordon_http_request_duration_seconds_bucket{route="match",le="+Inf"}' "$tmp/metrics" || fail "/metrics: histogram"
grep -q '^kordon_dataset_entities{dataset="un_sc_sanctions",version="[0-9a-f]*",newest="2026-02-24"} 1003' "$tmp/metrics" ||
  fail "/metrics: dataset version"
grep -q '"path":"/match/default","status":200' "$tmp/access.log" || fail "access log: no /match line"

# the OpenAPI document describes what the server does
curl -s "$url/openapi.json" >"$tmp/openapi.json"
python3 "$here/openapi_check.py" "$tmp/openapi.json" "$url" || fail "openapi.json does not match the server"

# ---- reload: a new index file is picked up, requests keep working -------------
"$bin" build "$data/versions/ofac-2019" -o "$tmp/ofac2019.kdx" -q
cp "$index" "$tmp/live.kdx"
start_server live -i "$tmp/live.kdx" --quiet
old=$(curl -s "$url/catalog" | json 'len(d["datasets"])')
"$bin" build "$data/versions/ofac-2019" -o "$tmp/live.kdx" -q   # renamed into place: the watcher sees it
for _ in $(seq 1 100); do
  n=$(curl -s "$url/catalog" | json 'len(d["datasets"])'); [ "$n" != "$old" ] && break; sleep 0.2
done
[ "$n" = 3 ] || fail "watch: catalog still has $n datasets after the index was replaced (was $old; now one list, default and sanctions)"
cp "$index" "$tmp/live2.kdx" && mv "$tmp/live2.kdx" "$tmp/live.kdx" && kill -HUP "$pid"
for _ in $(seq 1 100); do
  n=$(curl -s "$url/catalog" | json 'len(d["datasets"])'); [ "$n" = "$old" ] && break; sleep 0.2
done
[ "$n" = "$old" ] || fail "SIGHUP: catalog has $n datasets, want $old"
expect_status 200 POST /admin/reload

# ---- not ready until an index exists ----------------------------------------
start_server late -i "$tmp/late.kdx" --quiet
expect_status 404 GET /alerts
expect_status 503 GET /readyz
[ "$(json 'd["detail"]' <"$tmp/body")" = "Index not ready." ] || fail "/readyz detail"
expect_status 503 POST /match/default -d '{"queries": {}}'
cp "$tmp/ofac2019.kdx" "$tmp/late.kdx"
for _ in $(seq 1 100); do [ "$(status GET /readyz)" = 200 ] && break; sleep 0.2; done
expect_status 200 GET /readyz

# ---- API keys ------------------------------------------------------------------
printf '# keys\nsecret-one-0123456789\n  secret-two-0123456789  \nsecret-admin-0123456789 admin\n' >"$tmp/keys"
start_server keys -i "$index" --api-key-file "$tmp/keys" --quiet
expect_status 200 GET /healthz
expect_status 401 GET /catalog
expect_status 403 GET /catalog -H 'Authorization: Bearer wrong'
expect_status 403 GET /catalog -H 'Authorization: Basic c2VjcmV0LW9uZQ=='
expect_status 200 GET /catalog -H 'Authorization: Bearer secret-one-0123456789'
expect_status 200 GET /catalog -H 'Authorization: ApiKey secret-two-0123456789'
expect_status 200 GET /catalog -H 'X-API-Key: secret-two-0123456789'
expect_status 401 POST /match/default -d '{"queries": {}}'
# a reconciliation manifest is readable without a key and says how to send one;
# its queries need one, and a wrong key is a 401 there (the Reconciliation API's rule)
expect_status 200 GET /reconcile/default
[ "$(json 'd["authentication"]["type"], d["authentication"]["in"]' <"$tmp/body")" = "apiKey header" ] ||
  fail "/reconcile manifest authentication: $(head -c 300 "$tmp/body")"
expect_status 401 POST /reconcile/default --data-urlencode 'queries={"q0": {"query": "Eric Badege"}}'
expect_status 401 POST /reconcile/default -H 'Authorization: Bearer wrong' --data-urlencode 'queries={"q0": {"query": "Eric Badege"}}'
expect_status 401 GET '/reconcile/default/suggest/entity?prefix=Rot'
expect_status 200 POST /reconcile/default -H 'X-API-Key: secret-two-0123456789' --data-urlencode 'queries={"q0": {"query": "Eric Badege"}}'
# /admin/* needs the admin scope; an admin key is also a client's
expect_status 403 POST /admin/reload -H 'Authorization: Bearer secret-one-0123456789'
grep -q "admin scope" "$tmp/body" || fail "/admin/reload with a client key: $(cat "$tmp/body")"
expect_status 200 POST /admin/reload -H 'Authorization: Bearer secret-admin-0123456789'
expect_status 200 GET /catalog -H 'Authorization: Bearer secret-admin-0123456789'
printf 'secret-odd-0123456789 root\n' >"$tmp/badkeys"
"$bin" serve -i "$index" --listen 127.0.0.1:0 --api-key-file "$tmp/badkeys" >/dev/null 2>"$tmp/badkeys.err" &&
  fail "a key with an unknown scope must stop the start"
grep -q 'badkeys:1: after an API key come "name=USER", "role=analyst|supervisor|admin" or "admin", not "root"' "$tmp/badkeys.err" ||
  fail "unknown scope message: $(cat "$tmp/badkeys.err")"
KORDON_API_KEYS=key-one-0123456789,key-two-0123456789 KORDON_ADMIN_KEYS=key-adm-0123456789 start_server envkeys -i "$index" --quiet
expect_status 403 GET /readyz -H 'X-API-Key: key-three-0123456789'
expect_status 200 GET /readyz -H 'X-API-Key: key-two-0123456789'
expect_status 403 POST /admin/reload -H 'X-API-Key: key-two-0123456789'
expect_status 200 POST /admin/reload -H 'X-API-Key: key-adm-0123456789'

# ---- graceful shutdown: a request in flight completes ---------------------------
url=$main_url
for i in $(seq 1 400); do echo "{\"schema\": \"Person\", \"properties\": {\"name\": [\"Person Number$i Example\"]}}"; done >"$tmp/long.jsonl"
curl -s -X POST "$url/screen" -H 'Content-Type: application/x-ndjson' --data-binary @"$tmp/long.jsonl" >"$tmp/long.out" &
curl_pid=$!
sleep 0.3
kill -TERM "$main_pid"
wait "$curl_pid"
wait "$main_pid"; rc=$?
[ "$rc" = 0 ] || fail "SIGTERM: server exit status $rc"
[ "$(wc -l <"$tmp/long.out")" = 400 ] || fail "SIGTERM: the request in flight got $(wc -l <"$tmp/long.out") of 400 lines"

[ "$failures" = 0 ] && echo "e2e_serve: all passed"
exit $((failures > 0))
