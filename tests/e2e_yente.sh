#!/usr/bin/env bash
# End-to-end: what a yente client reads, checked with curl against
# yente's behaviour (../shared/docs/yente-api.md, issue 17) — explanation
# features under logic-v2's names, total before paging, every matchable FtM
# schema, the echo without properties the schema lacks, FtM topics
# (sanction, sanction.linked) and the topics filter, link entities nested
# and adjacent, /algorithms with yente's names — so none of it regresses.
set -uo pipefail
bin=${KORDON_BIN:?}
data=${KORDON_SHARED_DATA:?}
tmp=${KORDON_TMP:-/tmp/kordon-e2e}/e2e_yente
rm -rf "$tmp" && mkdir -p "$tmp"
failures=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }
pid=
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null; wait 2>/dev/null; }
trap cleanup EXIT

index="$tmp/all.kdx"
"$bin" build "$data/lists" -o "$index" -q --db /nonexistent 2>"$tmp/build.err" || { cat "$tmp/build.err"; exit 1; }
"$bin" serve -i "$index" --listen 127.0.0.1:0 >"$tmp/serve.out" 2>"$tmp/serve.err" &
pid=$!
port=
for _ in $(seq 1 300); do
  port=$(sed -n 's/.*(port \([0-9]*\)).*/\1/p' "$tmp/serve.out")
  [ -n "$port" ] && break
  sleep 0.1
done
[ -n "$port" ] || { cat "$tmp/serve.err"; echo "the server did not start"; exit 1; }
url="http://127.0.0.1:$port"

# check NAME PYTHON-EXPR: the expression over the JSON in $tmp/body (as d) must be true
check() {
  python3 -c "import json,sys; d=json.load(open(sys.argv[1])); sys.exit(0 if ($2) else 1)" "$tmp/body" 2>/dev/null ||
    fail "$1: $(head -c 600 "$tmp/body")"
}
# post PATH JSON / get PATH: the status, the body in $tmp/body
post() { curl -s -o "$tmp/body" -w '%{http_code}' -X POST -H 'Content-Type: application/json' "$url$1" -d "$2"; }
get() { curl -s -o "$tmp/body" -w '%{http_code}' "$url$1"; }
expect() { # expect WANT GOT WHAT
  [ "$1" = "$2" ] || fail "$3: status $2, want $1: $(head -c 300 "$tmp/body")"
}

logic_v2='{"name_match", "address_entity_match", "crypto_wallet_address", "isin_security_match", "lei_code_match",
  "ogrn_code_match", "vessel_imo_mmsi_match", "inn_code_match", "bic_code_match", "uei_code_match", "npi_code_match",
  "identifier_match", "weak_alias_match", "address_prop_match", "country_mismatch", "dob_year_disjoint",
  "dob_day_disjoint", "gender_mismatch"}'
results='[x for r in d["responses"].values() for x in r["results"]]'

# ---- explanations: logic-v2's feature names, kordon's evidence beside them ---------------
st=$(post '/match/default?cutoff=0.5&limit=3' '{"queries": {
  "primakov": {"schema": "Person", "properties": {"name": ["Evgeny Primakov"], "birthDate": ["1976"], "nationality": ["Russia"]}},
  "rotenberg": {"schema": "Person", "properties": {"name": ["Arkady Rotenberg"], "birthDate": ["1951-03-01"]}},
  "nasrallah": {"schema": "Person", "properties": {"name": ["Hasan Nasrallah"], "birthDate": ["1961-08-31"], "gender": ["female"]}},
  "vessel": {"schema": "Vessel", "properties": {"imoNumber": ["IMO9569621"]}},
  "company": {"schema": "Company", "properties": {"name": ["Stroygazmontazh"], "jurisdiction": ["France"]}}}}')
expect 200 "$st" "/match of five queries"
check "explanation names are logic-v2's" "all(set(x['explanations']) <= $logic_v2 for x in $results) and $results"
check "features mirror the explanations" "all(x['features'] == {k: v['score'] for k, v in x['explanations'].items()} for x in $results)"
check "every FeatureResult has score, detail, query, candidate" \
  "all(set(f) == {'score', 'detail', 'query', 'candidate'} for x in $results for f in x['explanations'].values())"
# an agreeing date and country: no logic-v2 feature; kordon's lift is in evidence
check "Primakov: name_match alone, the lift in evidence" \
  "(lambda x: list(x['explanations']) == ['name_match'] and 'born' not in x['explanations']['name_match']['detail']
    and x['evidence']['score'] > 0 and 'same year' in x['evidence']['detail'])(d['responses']['primakov']['results'][0])"
check "Rotenberg born 1951-03-01, listed 1951-12-15: dob_day_disjoint" \
  "any(x['explanations'].get('dob_day_disjoint', {}).get('candidate') == '1951-12-15' and x['evidence']['score'] < 0
       for x in d['responses']['rotenberg']['results'])"
check "Nasrallah born 1961, listed 1960: dob_year_disjoint; gender_mismatch" \
  "(lambda x: x['id'] == 'ofac-2686' and x['explanations']['dob_year_disjoint']['score'] == 1
    and x['explanations']['gender_mismatch']['query'] == 'female')(d['responses']['nasrallah']['results'][0])"
check "vessel by IMO alone: vessel_imo_mmsi_match, no name_match" \
  "(lambda x: x['id'] == 'ofac-15902' and list(x['explanations']) == ['vessel_imo_mmsi_match'])(d['responses']['vessel']['results'][0])"
check "Stroygazmontazh in France: country_mismatch" \
  "any('country_mismatch' in x['explanations'] for x in d['responses']['company']['results'])"
# weights: kordon's two apply; a feature weighed within the evidence is named back
st=$(post '/match/default' '{"weights": {"dob_year_disjoint": 0.5, "name_literal": 0.8}, "queries": {"q": {"schema": "Person", "properties": {"name": ["Evgeny Primakov"]}}}}')
expect 200 "$st" "/match with weights"
check "weights named back in warnings" \
  "any('dob_year_disjoint' in w and 'evidence' in w for w in d['warnings']) and any('name_literal' in w for w in d['warnings'])"

# ---- total counts the matches before the answer is cut to limit --------------------------
# (the ARELLANO FELIX brothers and their organisation: several parties match)
st=$(post '/match/default?limit=1' '{"queries": {"q": {"schema": "Person", "properties": {"name": ["Arellano Felix"]}}}}')
expect 200 "$st" "/match limit=1"
check "limit=1: one result, total.value counts every matching party" \
  "len(d['responses']['q']['results']) == 1 and d['responses']['q']['total']['value'] >= 3"

# ---- every schema FtM marks matchable is a query -----------------------------------------
for schema in Address BankAccount CryptoWallet Security UserAccount Position; do
  st=$(post /match/default "{\"queries\": {\"x\": {\"schema\": \"$schema\", \"properties\": {\"name\": [\"Test\"], \"foo\": [\"bar\"]}}}}")
  expect 200 "$st" "/match of a $schema"
  check "$schema: no results, a warning, the echo" \
    "d['responses']['x']['results'] == [] and any('$schema' in w for w in d['warnings'])
     and d['responses']['x']['query'] == {'id': None, 'schema': '$schema', 'properties': {'name': ['Test']}}"
done
st=$(post /match/default '{"queries": {"x": {"schema": "Sanction", "properties": {"program": ["Test"]}}}}')
expect 400 "$st" "/match of a Sanction (not matchable)"
st=$(post /match/default '{"queries": {"x": {"schema": "Persn", "properties": {"name": ["x"]}}}}')
expect 400 "$st" "/match of an unknown schema"

# ---- the echo drops what the schema does not have (FtM 3.8.4; jurisdiction is LegalEntity's,
# so a Person's too) --------------------------------------------------------------------
st=$(post /match/default '{"queries": {"x": {"schema": "Person", "id": "cust-1", "properties": {
  "name": ["Arkady Rotenberg"], "foo": ["bar"], "imoNumber": ["9569621"], "jurisdiction": ["ru"], "birthDate": ["15.12.1951"]}}}}')
expect 200 "$st" "/match with properties the schema lacks"
check "echo: foo and imoNumber dropped, jurisdiction kept" \
  "d['responses']['x']['query'] == {'id': 'cust-1', 'schema': 'Person', 'properties': {'name': ['Arkady Rotenberg'],
   'jurisdiction': ['ru'], 'birthDate': ['1951-12-15']}}"
# ... and from the comparison: a Person query's imoNumber does not find the vessel
st=$(post /match/default '{"queries": {"x": {"schema": "Person", "properties": {"imoNumber": ["9569621"]}}}}')
expect 400 "$st" "a Person with only a vessel's property has nothing to compare"
# kordon's Thing is any party, with any party's properties
st=$(post '/match/default?limit=1' '{"queries": {"x": {"schema": "Thing", "properties": {"name": ["Evgeny Primakov"], "birthDate": ["1976"], "nationality": ["ru"]}}}}')
expect 200 "$st" "/match of a Thing"
check "Thing keeps birthDate and nationality" \
  "sorted(d['responses']['x']['query']['properties']) == ['birthDate', 'name', 'nationality']"

# ---- topics: sanction for every listed party, sanction.linked for one tied to a listed one --
st=$(get /entities/ofac-2686)
expect 200 "$st" "/entities/ofac-2686"
check "a listed party has topic sanction" "d['properties']['topics'] == ['sanction']"
st=$(post '/match/default?topics=sanction' '{"queries": {"q1": {"schema": "Person", "properties": {"name": ["Arkadiii Romanovich Rotenberg", "Ротенберг Аркадий"], "birthDate": ["1951"]}}}}')
expect 200 "$st" "/match topics=sanction"
check "topics=sanction: Rotenberg's party (EU, OFAC and Canada), with the topic" \
  "len(d['responses']['q1']['results']) >= 1 and all('sanction' in x['properties']['topics'] for x in d['responses']['q1']['results'])
   and sorted(d['responses']['q1']['results'][0]['datasets']) == ['ca_dfatd_sema_sanctions', 'eu_journal_sanctions', 'us_ofac_sdn']"
# IZHTELEKOM (zala, an FtM input) is owned by a listed person and listed by no one
linked=NK-56Edov9bas9puzaChH5pBy
st=$(get "/entities/$linked?nested=false")
expect 200 "$st" "/entities/$linked"
check "a company owned by a listed person: sanction.linked" "d['properties']['topics'] == ['sanction.linked']"
q='{"queries": {"q": {"schema": "Company", "properties": {"innCode": ["1835045074"]}}}}'
st=$(post '/match/default?topics=sanction.linked' "$q")
expect 200 "$st" "/match topics=sanction.linked"
check "topics=sanction.linked finds it" \
  "[x['id'] for x in d['responses']['q']['results']] == ['$linked'] and d['responses']['q']['results'][0]['properties']['topics'] == ['sanction.linked']"
check "a company owned by a listed person says by whom and how (linked_to)" \
  "[(t['how'], t['relation'], t['role'], 'sanction' in t['listed'] or 'EU' in t['listed']) for t in d['responses']['q']['results'][0]['linked_to']][:1] == [('owned by', 'Ownership', 'owner', True)]"
st=$(post '/match/default?topics=sanction' "$q")
expect 200 "$st" "/match topics=sanction of a linked company"
check "topics=sanction leaves it out" "d['responses']['q']['results'] == []"
st=$(get '/search/default?q=IZHTELEKOM&topics=sanction.linked')
expect 200 "$st" "/search topics=sanction.linked"
check "/search: the linked company and its topic facet" \
  "[r['id'] for r in d['results']] == ['$linked'] and [v['name'] for v in d['facets']['topics']['values']] == ['sanction.linked']"
# the CLI says it too
"$bin" entity -i "$index" ofac-2686 >"$tmp/body" 2>"$tmp/entity.err" || fail "kordon entity: $(cat "$tmp/entity.err")"
check "kordon entity: topic sanction" "d['properties']['topics'] == ['sanction']"
"$bin" export -i "$index" >"$tmp/export.ftm.json" 2>"$tmp/export.err" || fail "kordon export: $(cat "$tmp/export.err")"
grep "\"id\":\"$linked\"" "$tmp/export.ftm.json" >"$tmp/body"
check "kordon export: the linked company's topic" "d['properties']['topics'] == ['sanction.linked']"
grep '"id":"ofac-2686"' "$tmp/export.ftm.json" >"$tmp/body"
check "kordon export: a listed party's topic" "d['properties']['topics'] == ['sanction']"

# ---- a record of a party answers 308; the party has the topic and both listings ------------
st=$(curl -s -o "$tmp/body" -w '%{http_code} %{redirect_url}' "$url/entities/ofac-16669")
[ "$st" = "308 $url/entities/eu-oj-32014R0269-92-I.PERSONS" ] || fail "/entities/ofac-16669: $st"
st=$(get /entities/eu-oj-32014R0269-92-I.PERSONS)
expect 200 "$st" "/entities of Rotenberg's party"
check "the party: datasets, topic, a Sanction per listing under sanctions" \
  "sorted(d['datasets']) == ['ca_dfatd_sema_sanctions', 'eu_journal_sanctions', 'us_ofac_sdn'] and d['properties']['topics'] == ['sanction']
   and sorted(x['id'] for x in d['properties']['sanctions'] if x['schema'] == 'Sanction')
       == ['ca-sema-russia-1-part-1-40-sanction', 'eu-oj-32014R0269-92-I.PERSONS-sanction', 'ofac-16669-sanction']"

# ---- OFAC's "Linked To: HIZBALLAH" as an UnknownLink, nested and adjacent ------------------
st=$(get /entities/ofac-2686)
link='lambda x: isinstance(x, dict) and x["schema"] == "UnknownLink" and x["properties"]["subject"] == ["ofac-2686"] and [o["id"] if isinstance(o, dict) else o for o in x["properties"]["object"]] == ["ofac-4697"]'
check "/entities/ofac-2686 nests the link to HIZBALLAH under unknownLinkSubject" \
  "any(($link)(x) for x in d['properties']['unknownLinkSubject'])"
st=$(get /entities/ofac-2686/adjacent)
expect 200 "$st" "/entities/ofac-2686/adjacent"
check "/adjacent lists it" \
  "any(($link)(x) for x in d['adjacent']['unknownLinkSubject']['results']) and d['adjacent']['unknownLinkSubject']['total']['value'] >= 1"

# ---- /algorithms: yente's names, each served by kordon-v1; default best, best kordon-v1 -----
st=$(get /algorithms)
expect 200 "$st" "/algorithms"
check "/algorithms: kordon-v1 and yente's names" \
  "[a['name'] for a in d['algorithms']][:7] == ['kordon-v1', 'logic-v2', 'ofac', 'name-based', 'name-qualified', 'logic-v1', 'regression-v1']"
check "/algorithms: default best, best kordon-v1" "(d['default'], d['best']) == ('best', 'kordon-v1')"
check "/algorithms: every alias says kordon-v1 scores" \
  "all('kordon-v1' in a['description'] and a['docs']['name'] == a['name'] for a in d['algorithms'][1:])"
check "/algorithms: the features are the explanations' names" \
  "set(d['algorithms'][0]['features']) <= $logic_v2 and {'name_match', 'dob_year_disjoint', 'country_mismatch'} <= set(d['algorithms'][0]['docs']['features'])"
for algorithm in best BEST logic-v2 ofac kordon-v1; do
  st=$(post "/match/default?algorithm=$algorithm" '{"queries": {"q": {"schema": "Person", "properties": {"name": ["Evgeny Primakov"]}}}}')
  expect 200 "$st" "/match algorithm=$algorithm"
done
st=$(post '/match/default?algorithm=nonsense' '{"queries": {"q": {"schema": "Person", "properties": {"name": ["Evgeny Primakov"]}}}}')
expect 400 "$st" "/match algorithm=nonsense"

if [ "$failures" -gt 0 ]; then
  echo "$failures failure(s)" >&2
  exit 1
fi
echo "e2e_yente: all checks passed"
