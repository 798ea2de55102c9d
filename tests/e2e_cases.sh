#!/usr/bin/env bash
# End-to-end: cases through `kordon serve` as analysts work them, with
# named API keys (identities and roles) — on SQLite and, when its server
# binaries are installed, PostgreSQL: a batch screened through /screen
# becomes one case per customer; the queue pages, filters and exports;
# four eyes holds; a lookup raises nothing until an analyst opens a case;
# requests that name nobody are refused.
set -uo pipefail
bin=${KORDON_BIN:?}
data=${KORDON_SHARED_DATA:?}
tmp=${KORDON_TMP:-/tmp/kordon-e2e}/e2e_cases
rm -rf "$tmp" && mkdir -p "$tmp"
failures=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done; wait 2>/dev/null; }
trap cleanup EXIT

index="$tmp/un.kdx"
"$bin" build "$data/lists/un/consolidated.xml" -o "$index" -q 2>"$tmp/build.err" || { cat "$tmp/build.err"; exit 1; }

ana=ana-key-0123456789abcdef
bob=bob-key-0123456789abcdef
sue=sue-key-0123456789abcdef
root=root-key-0123456789abcdef
service=service-key-0123456789abcdef
cat >"$tmp/keys.txt" <<EOF
# analysts, a supervisor, an admin; and a service that names its users
$ana name=ana role=analyst
$bob name=bob role=analyst
$sue name=sue role=supervisor
$root name=root role=admin
$service
EOF

start_server() { # start_server NAME ARGS... → $url
  local name=$1; shift
  "$bin" serve --listen 127.0.0.1:0 "$@" >"$tmp/$name.out" 2>"$tmp/$name.err" &
  pids+=("$!")
  local port=
  for _ in $(seq 1 300); do
    port=$(sed -n 's/.*(port \([0-9]*\)).*/\1/p' "$tmp/$name.out")
    [ -n "$port" ] && break
    sleep 0.1
  done
  [ -n "$port" ] || { cat "$tmp/$name.err"; echo "server $name did not start"; exit 1; }
  url="http://127.0.0.1:$port"
}
json() { python3 -c "import json,sys; d=json.load(sys.stdin); print(($1))"; }
# as KEY METHOD PATH [curl args] → status; body in $tmp/body
as() {
  local key=$1 method=$2 path=$3; shift 3
  local type=()
  [ "$method" = POST ] && ! printf '%s\n' "$@" | grep -qi '^content-type:' && type=(-H 'Content-Type: application/json')
  curl -s -o "$tmp/body" -w '%{http_code}' -X "$method" -H "Authorization: Bearer $key" "${type[@]}" "$@" "$url$path"
}
expect() { # expect WANT KEY METHOD PATH [curl args]
  local want=$1; shift
  local got; got=$(as "$@")
  [ "$got" = "$want" ] || fail "$label: $2 $3 as ${1%%-*}: expected $want, got $got: $(head -c 300 "$tmp/body")"
}
expect_eq() { [ "$1" = "$2" ] || fail "$label: $3: expected \"$2\", got \"$1\""; }

# 3 named customers, one unlisted, and 60 more for the queue's pages
{
  echo "id,name"
  echo "c-1,IBRAHIM ALI ABU BAKR TANTOUSH"
  echo "c-2,Jimmy Cherizier"
  echo "c-3,Maria Schmidt-Oberländer"
  for i in $(seq 100 159); do echo "c-$i,Jimmy Cherizier"; done
} >"$tmp/customers.csv"

case_checks() { # case_checks STORE LABEL
  local store=$1
  label=$2
  start_server "$label" -i "$index" --db "$store" --api-key-file "$tmp/keys.txt" --quiet

  # who is who
  expect 200 "$ana" GET /me
  expect_eq "$(json 'd["name"], d["role"], d["named_by_key"]' <"$tmp/body")" "('ana', 'analyst', True)" "/me of a named key"
  expect 200 "$service" GET /me -H 'X-Kordon-User: carl'
  expect_eq "$(json 'd["name"], d["role"]' <"$tmp/body")" "('carl', 'analyst')" "/me of a service naming its user"
  expect 200 "$service" GET /me
  expect_eq "$(json 'd["name"]' <"$tmp/body")" "None" "/me of a service naming nobody"

  # settings are an admin's
  expect 403 "$ana" POST /settings -d '{"four_eyes_score": 0.9}'
  expect 422 "$root" POST /settings -d '{"four_eyes_score": 1.5}'
  expect 422 "$root" POST /settings -d '{"four_eyes": 0.9}'
  expect 200 "$root" POST /settings -d '{"four_eyes_score": 0.9}'
  expect 200 "$bob" GET /settings
  expect_eq "$(json 'd["four_eyes_score"]' <"$tmp/body")" "0.9" "four-eyes score as set"

  # a batch through /screen: a case per customer with a hit
  expect 200 "$ana" POST /screen -H 'Content-Type: text/csv' --data-binary @"$tmp/customers.csv"
  expect 200 "$ana" GET '/cases?limit=5'
  local total; total=$(json 'd["total"]' <"$tmp/body")
  expect_eq "$total" 62 "cases of the batch (c-3 is nobody's)"
  expect_eq "$(json 'len(d["cases"]), d["cases"][0]["state"], d["next"] is not None' <"$tmp/body")" "(5, 'open', True)" "first page"
  # every case once over the pages, best first
  local seen; seen=$(python3 - "$url" "$ana" <<'EOF'
import json, sys, urllib.request
url, key = sys.argv[1], sys.argv[2]
ids, after, last = [], "", 2.0
while True:
    req = urllib.request.Request(url + "/cases?limit=7&sort=score" + ("&after=" + after if after else ""),
                                 headers={"Authorization": "Bearer " + key})
    page = json.load(urllib.request.urlopen(req))
    for c in page["cases"]:
        assert c["top_score"] <= last, (c["top_score"], last)
        last = c["top_score"]
        ids.append(c["id"])
    if not page["next"]:
        break
    after = urllib.parse.quote(page["next"])
print(len(ids), len(set(ids)))
EOF
)
  expect_eq "$seen" "62 62" "pages: every case once"

  # one case whole: the hits, the list versions screened against, the history
  expect 200 "$ana" GET '/cases?customer=c-1'
  local c1; c1=$(json 'd["cases"][0]["id"]' <"$tmp/body")
  expect 200 "$ana" GET "/cases/$c1"
  expect_eq "$(json 'd["subject_name"], len(d["alerts"]) >= 1, d["alerts"][0]["input"]["row"], len(d["runs"][0]["datasets"]) >= 1, d["events"][0]["kind"]' <"$tmp/body")" \
    "('IBRAHIM ALI ABU BAKR TANTOUSH', True, 2, True, 'opened')" "case detail (the CSV's line 2)"

  # working it: an analyst takes it, may not hand it to another, proposes a false positive
  expect 200 "$ana" POST "/cases/$c1/actions" -d '{"action": "assign"}'
  expect_eq "$(json 'd["state"], d["assignee"]' <"$tmp/body")" "('in_review', 'ana')" "assigned"
  expect 409 "$ana" POST "/cases/$c1/actions" -d '{"action": "assign", "assignee": "bob"}'
  expect 422 "$ana" POST "/cases/$c1/actions" -d '{"action": "close", "verdict": "maybe", "comment": "x"}'
  expect 409 "$ana" POST "/cases/$c1/actions" -d '{"action": "close", "verdict": "false_positive"}'
  expect 200 "$ana" POST "/cases/$c1/actions" -d '{"action": "close", "verdict": "false_positive", "comment": "born 1950, ours 1990"}'
  expect_eq "$(json 'd["state"], d["proposed_by"]' <"$tmp/body")" "('pending_approval', 'ana')" "four eyes: proposed"
  # it awaits the supervisor, not its proposer
  expect 200 "$sue" GET '/cases?awaiting=me'
  expect_eq "$(json '[c["id"] for c in d["cases"]]' <"$tmp/body")" "[$c1]" "awaiting the supervisor"
  expect 200 "$ana" GET '/cases?awaiting=me'
  expect_eq "$(json 'd["total"]' <"$tmp/body")" 0 "nothing awaits the proposer"
  expect 409 "$ana" POST "/cases/$c1/actions" -d '{"action": "approve"}'
  expect 409 "$bob" POST "/cases/$c1/actions" -d '{"action": "approve"}'
  expect 200 "$sue" POST "/cases/$c1/actions" -d '{"action": "approve", "comment": "agreed"}'
  expect_eq "$(json 'd["state"], d["verdict"], [(e["actor"], e["kind"]) for e in d["events"] if e["kind"] in ("propose", "approve")], d["alerts"][0]["decisions"][-1]["reviewer"]' <"$tmp/body")" \
    "('closed', 'false_positive', [('ana', 'propose'), ('sue', 'approve')], 'ana')" "approved by another"

  # nobody named: refused, not recorded as somebody
  expect 401 "$service" POST "/cases/$c1/actions" -d '{"action": "comment", "comment": "x"}'
  expect 200 "$service" POST "/cases/$c1/actions" -H 'X-Kordon-User: carl' -d '{"action": "comment", "comment": "seen"}'
  expect_eq "$(json 'd["events"][-1]["actor"]' <"$tmp/body")" carl "a service's user acts"

  # bulk: ten cases proposed, then approved, each answered
  expect 200 "$bob" GET '/cases?state=open&sort=oldest&limit=10'
  local ten; ten=$(json '[c["id"] for c in d["cases"]]' <"$tmp/body")
  expect 200 "$bob" POST /cases/bulk -d "{\"ids\": $ten, \"action\": \"close\", \"verdict\": \"false_positive\", \"comment\": \"other people\"}"
  expect_eq "$(json 'd["done"], {r.get("state") for r in d["results"]}' <"$tmp/body")" "(10, {'pending_approval'})" "bulk proposed"
  expect 200 "$sue" POST /cases/bulk -d "{\"ids\": $(echo "$ten" | sed 's/]$/, 999999]/'), \"action\": \"approve\"}"
  expect_eq "$(json 'd["done"], d["refused"], d["results"][-1]["error"]' <"$tmp/body")" "(10, 1, 'no case 999999')" "bulk approved"
  expect 200 "$sue" GET '/cases?state=closed&limit=1'
  expect_eq "$(json 'd["total"]' <"$tmp/body")" 11 "closed cases"
  # filters
  expect 200 "$sue" GET '/cases?state=open&state=in_review&dataset=un_sc_sanctions&min_score=0.7&max_score=1'
  expect_eq "$(json 'd["total"]' <"$tmp/body")" 51 "filters: open and in review, UN"
  expect 200 "$sue" GET '/cases?assignee=none&state=open'
  expect_eq "$(json 'd["total"]' <"$tmp/body")" 51 "unassigned"

  # exports: every case the filters select
  expect 200 "$sue" GET '/cases?format=csv'
  expect_eq "$(($(wc -l <"$tmp/body") - 1))" 62 "CSV export rows"
  head -1 "$tmp/body" | grep -q '^id,customer_id,subject_name,state,verdict' || fail "$label: CSV header: $(head -1 "$tmp/body")"
  expect 200 "$sue" GET '/cases?format=jsonl&state=closed'
  expect_eq "$(wc -l <"$tmp/body")" 11 "JSON lines export of closed cases"

  # refused arguments say why
  for bad in 'state=bogus' 'sort=alphabet' 'after=abc' 'from=2026-13-45' 'min_score=2' \
             'format=xml' 'awaiting=bob'; do
    expect 400 "$ana" GET "/cases?$bad"
  done
  expect 422 "$ana" GET '/cases?limit=0'
  expect 422 "$ana" GET '/cases?limit=501'
  expect 404 "$ana" GET /cases/999999
  expect 404 "$ana" GET /cases/abc
  expect 405 "$ana" GET /cases/bulk

  # a lookup raises nothing; the analyst opens a case on what they chose
  expect 200 "$ana" POST '/match/default?lookup=true' -d '{"queries": {"q": {"schema": "Person", "properties": {"name": ["Ri Won Ho"]}}}}'
  local top; top=$(json 'd["responses"]["q"]["results"][0]["id"]' <"$tmp/body")
  expect 200 "$ana" GET '/cases?limit=1'
  expect_eq "$(json 'd["total"]' <"$tmp/body")" 62 "a lookup opens no case"
  expect 422 "$ana" POST /cases -d '{"name": "Ri Won Ho", "entity_ids": ["no-such-entity"], "comment": "x"}'
  expect 422 "$ana" POST /cases -d "{\"name\": \"Ri Won Ho\", \"entity_ids\": [\"$top\"]}"
  expect 201 "$ana" POST /cases -d "{\"name\": \"Ri Won Ho\", \"entity_ids\": [\"$top\"], \"comment\": \"same person?\"}"
  expect_eq "$(json 'd["state"], d["assignee"], d["alerts"][0]["entity_id"], d["subject"]' <"$tmp/body")" \
    "('in_review', 'ana', '$top', 'name:Ri Won Ho')" "case opened from a lookup"

  # an alert's decision is its key's user's
  local alert; alert=$(json 'd["alerts"][0]["id"]' <"$tmp/body")
  expect 403 "$ana" POST "/alerts/$alert/decision" -d '{"verdict": "escalate", "reviewer": "bob", "comment": "x"}'
  expect 201 "$ana" POST "/alerts/$alert/decision" -d '{"verdict": "escalate", "comment": "need the passport"}'
  expect_eq "$(json 'd["alert"]["decisions"][-1]["reviewer"]' <"$tmp/body")" ana "decision by the key's user"
}

case_checks "$tmp/cases.db" sqlite

# the same store from the command line
label=cli
db="$tmp/cases.db"
expect_eq "$("$bin" cases list --format csv --db "$db" | tail -n +2 | wc -l)" 63 "kordon cases list --format csv: every case"
expect_eq "$("$bin" cases list --state closed --limit 5 --db "$db" | tail -1)" "5 of 11 cases; next page: --after $("$bin" cases list --state closed --format jsonl --db "$db" | sed -n 5p | python3 -c 'import json,sys; d=json.load(sys.stdin); print("%.17g,%d" % (d["top_score"], d["id"]))')" "a page and its cursor"
open_id=$("$bin" cases list --state open --format jsonl --limit 1 --db "$db" | json 'd["id"]')
env -u USER -u LOGNAME -u KORDON_USER "$bin" cases comment "$open_id" --comment x --db "$db" 2>"$tmp/err" && fail "cli: an action without a user was recorded"
grep -q 'who is acting' "$tmp/err" || fail "cli: no user: $(cat "$tmp/err")"
"$bin" cases escalate "$open_id" --user ana --db "$db" 2>"$tmp/err" && fail "cli: escalate without a comment"
out=$("$bin" cases escalate "$open_id" 999999 --user ana --comment "ask compliance" --db "$db" 2>"$tmp/err"); rc=$?
expect_eq "$rc:$out" "1:case $open_id: escalate by ana: now escalated" "escalate one, refuse another"
grep -q 'case 999999: no case 999999' "$tmp/err" || fail "cli: unknown case: $(cat "$tmp/err")"
"$bin" cases close "$open_id" --verdict true_match --comment "it is him" --user ana --db "$db" 2>"$tmp/err" && fail "cli: an analyst closed an escalated case"
"$bin" cases close "$open_id" --verdict true_match --comment "it is him" --user sue --role supervisor --db "$db" >/dev/null ||
  fail "cli: the supervisor could not close: $(cat "$tmp/err")"
"$bin" cases show "$open_id" --db "$db" | json '[e["actor"] + " " + e["kind"] for e in d["events"]][-2:]' >"$tmp/events"
expect_eq "$(cat "$tmp/events")" "['ana escalate', 'sue close']" "cli: the history"
"$bin" cases list --state bogus --db "$db" 2>/dev/null; expect_eq $? 2 "cli: a bad state"
"$bin" cases list --db "$tmp/none.db" 2>/dev/null && fail "cli: a store was read that does not exist"
[ -e "$tmp/none.db" ] && fail "cli: cases list created a store"

pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
if [ -z "$pg_bin" ] || [ ! -x "$pg_bin/initdb" ]; then
  echo "SKIP: PostgreSQL: no server binaries in /usr/lib/postgresql/*/bin"
else
  # as in e2e_store.sh: a throwaway server on a unix socket under /tmp
  pgdir=$(mktemp -d /tmp/kordon-pg.XXXXXX)
  as_pg=()
  if [ "$(id -u)" -eq 0 ]; then
    pg_user=postgres; id postgres >/dev/null 2>&1 || pg_user=nobody
    chown "$pg_user" "$pgdir"
    as_pg=(runuser -u "$pg_user" --)
  fi
  stop_pg() { cleanup; "${as_pg[@]}" "$pg_bin/pg_ctl" -D "$pgdir/data" -m immediate stop >/dev/null 2>&1; rm -rf "$pgdir"; }
  if "${as_pg[@]}" "$pg_bin/initdb" -D "$pgdir/data" -U kordon --auth=trust -E UTF8 --locale=C.UTF-8 >"$pgdir/initdb.log" 2>&1 &&
     "${as_pg[@]}" "$pg_bin/pg_ctl" -D "$pgdir/data" -l "$pgdir/server.log" -w -o \
       "-c listen_addresses='' -c unix_socket_directories=$pgdir -c port=5432" start >/dev/null; then
    trap stop_pg EXIT
    "$pg_bin/createdb" -h "$pgdir" -p 5432 -U kordon kordon || fail "createdb"
    case_checks "postgresql://kordon@/kordon?host=$pgdir&port=5432" postgresql
  else
    fail "could not start a PostgreSQL server: $(tail -3 "$pgdir/initdb.log" "$pgdir/server.log" 2>/dev/null)"
  fi
fi

[ "$failures" -eq 0 ] && echo "e2e_cases: all passed" || echo "$failures failure(s)"
[ "$failures" -eq 0 ]
