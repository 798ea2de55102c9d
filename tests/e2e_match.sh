#!/usr/bin/env bash
# End-to-end: `kordon match` and `kordon screen` on an index of all the real
# lists — the named cases of the matching issue and the labelled eval sets.
set -uo pipefail
bin=${KORDON_BIN:?}
data=${KORDON_SHARED_DATA:?}
tmp=${KORDON_TMP:-/tmp/kordon-e2e}/e2e_match
rm -rf "$tmp" && mkdir -p "$tmp"
failures=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }
index="$tmp/all.kdx"
"$bin" build "$data/lists" -o "$index" -q 2>"$tmp/build.err" || { cat "$tmp/build.err"; exit 1; }

first_result() { # first_result NAME [OPTIONS...] → "id match" of the best result
  "$bin" match -i "$index" --json --limit 3 "$@" |
    awk -F'"' '/"id":/ && !id {id=$4} /"match":/ && !m {m=$0; sub(/.*"match": */, "", m); sub(/,.*/, "", m)} END {print id, m}'
}
expect_first() { # expect_first ID NAME [OPTIONS...]
  local want=$1; shift
  local got; got=$(first_result "$@")
  [ "$got" = "$want true" ] || fail "\"$*\": expected $want first with match, got: $got"
}
expect_first eu-oj-32014R0269-1426 "Evgeny Primakov"
expect_first eu-oj-32014R0269-1426 "Евгений Примаков"
expect_first eu-oj-32014R0269-1426 "PRIMAKOV Yevgeny"
expect_first eu-oj-32014R0269-1426 "Jewgeni Primakow"
expect_first eu-oj-32014R0269-105 "Rossotrudnichestvo"
expect_first eu-oj-32014R0269-105 "Rossotrudnitschestwo"
expect_first eu-oj-32014R0269-105 "Россотрудничество"
expect_first eu-oj-32014R0269-105 --schema Organization \
  "Federal Agency for CIS Affairs, Compatriots Living Abroad and International Humanitarian Cooperation"
expect_first eu-oj-32014R0269-105 --schema LegalEntity \
  "Federal Agency for CIS Affairs, Compatriots Living Abroad and International Humanitarian Cooperation"
# names that disagree on a word are two people: another family name stays under the threshold,
# a family name left out does not
"$bin" match -i "$index" --schema Person --limit 1 "Bashar Sabawi Ibrahim Hasan Al-Rashid" | grep -q '^MATCH' &&
  fail "Bashar Sabawi Ibrahim Hasan Al-Rashid matched AL-TIKRITI"
expect_first unsc-6908131 "Bashar Sabawi Ibrahim Hasan" --schema Person
# initials: every given name there as an initial identifies the person, one initial of two does not
expect_first eu-oj-32014R0269-1426 "Y.A. Primakov" --schema Person
expect_first eu-oj-32014R0269-1426 "YA Primakov" --schema Person
"$bin" match -i "$index" --schema Person --limit 1 "E. Primakov" | grep -q '^MATCH' &&
  fail "E. Primakov (one initial of two given names) matched"
# Korean in Hangul: Kim Jong Un as the lists romanise him
expect_first ofac-20157 "김정은" --schema Person
# one given name in Ukrainian, Belarusian and Russian; the explanation names the languages
expect_first ofac-9898 "Volodymyr NAUMAU"
"$bin" match -i "$index" "Volodymyr NAUMAU" --limit 1 | grep -q "volodymyr~uladzimir uk/be" ||
  fail "Volodymyr NAUMAU: no explanation of the Ukrainian and Belarusian forms"
# spellings the lists' romanisations differ in, on a small index of one name each (so only the
# mechanism can find them, not another list's alias)
cat >"$tmp/pairs.json" <<'JSON'
{"id":"p-larijani","schema":"Person","properties":{"name":["Sadegh Amoli LARIJANI"]}}
{"id":"p-gaddafi","schema":"Person","properties":{"name":["Hannibal GADDAFI"]}}
{"id":"p-kulik","schema":"Person","properties":{"name":["Valiantsina Genadzeuna KULIK"]}}
{"id":"p-rauf","schema":"Person","properties":{"name":["Hafiz Abdur RAUF"]}}
{"id":"p-putin","schema":"Person","properties":{"name":["Vladimir PUTIN"]}}
{"id":"o-midco","schema":"Company","properties":{"name":["MIDCO FINANCE S.A."]}}
{"id":"o-rihs","schema":"Organization","properties":{"name":["REVIVAL OF ISLAMIC HERITAGE SOCIETY"]}}
{"id":"o-aramco","schema":"Company","properties":{"name":["Saudi Arabian Oil Company"]}}
{"id":"p-motaqi","schema":"Person","properties":{"name":["AMIR KHAN MOTAQI"]}}
{"id":"p-yang","schema":"Person","properties":{"name":["Yang Wei Ming"]}}
JSON
"$bin" build "$tmp/pairs.json" -o "$tmp/pairs.kdx" -q --db /nonexistent 2>"$tmp/pairs.err" || cat "$tmp/pairs.err"
pair_first() { # pair_first ID NAME [OPTIONS...]: ID first, and whether it is a match ("true"/"false")
  local want=$1 verdict=$2; shift 2
  local got; got=$(index="$tmp/pairs.kdx" first_result "$@")
  [ "$got" = "$want $verdict" ] || fail "pairs: \"$*\": expected $want $verdict, got: $got"
}
pair_first p-larijani true "Sadeq LARIJANI"                   # Persian q for gh
pair_first p-gaddafi true "Hannibal ELKADDAFI"                # an article glued on, k for g
pair_first p-kulik true "Valentina Gennadevna KULIK"          # Russian for Belarusian
pair_first p-rauf true "Hafiz Abdul RAOUF"                    # the article assimilated or not
pair_first p-putin true "Βλαντιμίρ Πούτιν"                    # modern Greek
pair_first o-midco true "MIDCO FINANCIAL S.A."                # two forms of one word
pair_first o-rihs true "RIHS" --schema Organization           # an acronym spelling the whole name (0.8)
pair_first o-aramco false "Saudi Arabian Gas Company"         # one substantive word differs
pair_first p-motaqi true "امیر خان متقی"                      # Arabic script: the consonants are all it writes
got=$(index="$tmp/pairs.kdx" "$bin" match -i "$tmp/pairs.kdx" --json --limit 1 "Yong Wei Min" | grep -o '"score": [0-9.]*' | head -1)
case "$got" in *0.9*|*1.0*) fail "pairs: Yong Wei Min scored like Yang Wei Ming ($got): one vowel is another syllable";; esac
# issue 15's dev set (b), by hand: tests/data/name-pairs.tsv (initials, one family name or one
# substantive word apart, numbers, legal forms, acronyms, scripts, joined words...); floors a
# little under today's figures (decisions right 97.2 % of 180, positives found 125 of 128; the
# last seven pairs, Arabic letters two systems write, Indonesian, Basque and Somali spellings and a
# Spanish diminutive, 2 of 7 right before session 13)
pairs_bench="$(dirname "$bin")/bench_labelled_pairs"
if [ -x "$pairs_bench" ]; then
  "$pairs_bench" "$data/lists" "$(dirname "$0")/data/name-pairs.tsv" >"$tmp/labelled.txt" ||
    fail "bench_labelled_pairs failed"
  awk '$1 == "all" {exit !($3 + 0 >= 96.5 && $4 >= 124)}' "$tmp/labelled.txt" ||
    fail "labelled pairs fell: $(grep -E '^(all|wrong)' "$tmp/labelled.txt")"
else
  fail "no bench_labelled_pairs beside $bin"
fi
# issue 15's dev set (a): EU records indexed by their first name, every other name queried
# (bench/alias_recall.c); floors a little under today's figures (EU all 59.7 %, variants 96.8 %,
# persons 80.5 %, bodies 43.1 %, Arabic-script variants 94.3 %; OFAC all 48.8 %, variants 89.1 %;
# UN Arabic script 79.7 %; EU variants in prose 88.7 %)
alias_bench="$(dirname "$bin")/bench_alias_recall"
if [ -x "$alias_bench" ]; then
  "$alias_bench" "$index" eu_ 0 >"$tmp/alias.txt" || fail "bench_alias_recall failed"
  awk '$1 == "variant" && $2 ~ /^[0-9]+$/ {v = $3 + 0} $1 == "person" {p = $3 + 0}
       $1 == "variant" && $2 == "arabic" {a = $4 + 0} $1 == "all" {all = $3 + 0} $1 == "body/vessel" {b = $3 + 0}
       END {exit !(v >= 96.0 && p >= 79.5 && a >= 88.0 && all >= 59.0 && b >= 42.0)}' "$tmp/alias.txt" ||
    fail "alias recall fell: $(grep -E '^  (all|variant|person|body/vessel) ' "$tmp/alias.txt" | tr -s ' ')"
  "$alias_bench" "$index" us_ 0 >"$tmp/alias-us.txt" || fail "bench_alias_recall us_ failed"
  awk '$1 == "variant" && $2 ~ /^[0-9]+$/ {v = $3 + 0} $1 == "all" {all = $3 + 0}
       END {exit !(v >= 88.5 && all >= 48.0)}' "$tmp/alias-us.txt" ||
    fail "OFAC alias recall fell: $(grep -E '^  (all|variant) ' "$tmp/alias-us.txt" | tr -s ' ')"
  # the UN's Arabic-script aliases (skeletons, src/match/skeleton.c): 79.7 %; Latin variants 88.6 %
  # (87.7 % before Indonesian, Basque and Somali spellings were read the English way)
  "$alias_bench" "$index" un_ 0 >"$tmp/alias-un.txt" || fail "bench_alias_recall un_ failed"
  awk '$1 == "arabic" {a = $3 + 0} $1 == "variant" && $2 == "latin" {l = $4 + 0}
       END {exit !(a >= 77.0 && l >= 88.0)}' "$tmp/alias-un.txt" ||
    fail "UN alias recall fell: $(grep -E '^  (arabic|variant latin) ' "$tmp/alias-un.txt" | tr -s ' ')"
  # EU variants in prose 90.8 %, Hangul-script aliases 64.0 % (0 before a Korean whole name written
  # as one word was read as a name)
  PROSE=1 "$alias_bench" "$index" eu_ 0 >"$tmp/alias-prose.txt" || fail "bench_alias_recall PROSE=1 failed"
  awk '$1 == "variant" && $2 ~ /^[0-9]+$/ {v = $3 + 0} $1 == "hangul" {h = $3 + 0} END {exit !(v >= 90.0 && h >= 60.0)}' \
    "$tmp/alias-prose.txt" ||
    fail "aliases in prose fell: $(grep -E '^  (variant|hangul) ' "$tmp/alias-prose.txt" | tr -s ' ')"
  # OFAC's variants in prose: 69.8 % (60.9 % before the scanner read names as the matcher does, 68.3 %
  # before a whole run that reads as a person's name was asked of the matcher)
  PROSE=1 "$alias_bench" "$index" us_ 0 >"$tmp/alias-prose-us.txt" || fail "bench_alias_recall PROSE=1 us_ failed"
  awk '$1 == "variant" && $2 ~ /^[0-9]+$/ {v = $3 + 0} END {exit !(v >= 69.0)}' "$tmp/alias-prose-us.txt" ||
    fail "OFAC aliases in prose fell: $(grep -E '^  variant ' "$tmp/alias-prose-us.txt" | tr -s ' ')"
else
  fail "no bench_alias_recall beside $bin"
fi
# issue 15's dev set (b) from the lists: other names of a record, and records of other parties
# shown apart by birth dates or countries (bench/name_pairs.c); negatives matched today 20.0 %
# (persons 16.2 %; 26.7 % and 25.1 % before the father's-name and generation rules), positives 56.7 %
np_bench="$(dirname "$bin")/bench_name_pairs"
if [ -x "$np_bench" ]; then
  "$np_bench" "$index" >"$tmp/name-pairs.txt" || fail "bench_name_pairs failed"
  awk '$1 == "all" {pos = $9 + 0; neg = $14 + 0} $1 == "persons" {pneg = $14 + 0}
       END {exit !(pos >= 56.0 && neg <= 20.7 && pneg <= 16.7)}' "$tmp/name-pairs.txt" ||
    fail "labelled pairs from the lists: $(grep -E '^(all|persons) ' "$tmp/name-pairs.txt")"
else
  fail "no bench_name_pairs beside $bin"
fi
expect_first unsc-6907993 "ERIC BADEGE"
expect_first unsc-6907993 "Badege, Eric"
expect_first ofac-36 "Aero Caribean Airlines"
# Canada's spelling is found too
out=$("$bin" match -i "$index" --json --limit 5 "Rossotrudnichestvo")
case "$out" in *ca-sema-russia-1-part-2-181*) ;; *) fail "Rossotrudnichestvo: Canada's Russotrudnichestvo missing";; esac
# a surname alone identifies nobody
got=$(first_result "Primakov")
case "$got" in *" false") ;; *) fail "\"Primakov\" alone must not match: $got";; esac
# a person query never returns a vessel or an aircraft
for q in "Evgeny Primakov" "Mohammed Ali" "Ocean Star" "Sea Voyager"; do
  "$bin" match -i "$index" --json --limit 10 --schema Person "$q" | grep -q '"schema": "\(Vessel\|Airplane\)"' &&
    fail "person query \"$q\" returned a vessel or aircraft"
done
# explanations say why
out=$("$bin" match -i "$index" --birth-date 1976-04-29 "Evgeny Primakov")
case "$out" in *"evgeny≈yevgeny"*"primakov=primakov"*"born 1976-04-29 = 1976-04-29"*) ;;
  *) fail "explanation: $out";; esac
# identifiers: the same IMO number is near-decisive, another one pulls down
got=$(first_result --schema Vessel --id "IMO 9187629" "Artavil")
[ "$got" = "ofac-15036 true" ] || fail "IMO match: $got"
"$bin" match -i "$index" --schema Vessel --id "IMO 9187629" "Artavil" | grep -q "imoNumber IMO 9187629 = listed" ||
  fail "IMO explanation"
got=$(first_result --schema Vessel --id 9999999 "Artavil")
[ "$got" = "ofac-15036 false" ] || fail "a different IMO number must not match: $got"
# bad queries are refused clearly
"$bin" match -i "$index" "" >/dev/null 2>"$tmp/err" && fail "empty name must fail"
grep -q "name: empty" "$tmp/err" || fail "empty name message: $(cat "$tmp/err")"
"$bin" match -i "$index" $'\xc3\x28' >/dev/null 2>"$tmp/err" && fail "invalid UTF-8 must fail"
"$bin" match -i "$index" --schema Spaceship x >/dev/null 2>&1; [ $? -eq 2 ] || fail "unknown schema is a usage error"

# --- the labelled sets -------------------------------------------------------
eval_dir="$data/eval"
"$bin" screen -i "$index" "$eval_dir/positives_un_untreated.csv" -o "$tmp/pos.jsonl" 2>"$tmp/pos.err" ||
  fail "screen positives: $(cat "$tmp/pos.err")"
rows=$(wc -l < "$tmp/pos.jsonl")
[ "$rows" -eq 683 ] || fail "screen wrote $rows lines for 683 rows"
hits=$(grep -c '"matches":\[{"id":"unsc-[0-9]*"[^}]*"match":true' "$tmp/pos.jsonl")
echo "positives: $hits / $rows have their UN entry first with match: true"
[ $((hits * 100)) -ge $((rows * 98)) ] || fail "recall $hits/$rows is under 98%"
for f in negatives_global_1000 negatives_us_1000; do
  "$bin" screen -i "$index" "$eval_dir/$f.csv" -o "$tmp/$f.jsonl" 2>/dev/null || fail "screen $f"
  fp=$(grep -c '"match":true' "$tmp/$f.jsonl")
  echo "$f: $fp / 1000 rows with a match"
  [ "$fp" -le 10 ] || fail "$f: $fp false positives (limit 10 = 1%)"
done
grep -q '^{"row":1,"input":{"name":"ABDULHAI SALEK","birth_date":"1965","country":"af"},"matches":\[' \
  "$tmp/pos.jsonl" || fail "screen output shape: $(head -c 300 "$tmp/pos.jsonl")"
# malformed rows are reported with their file and line, still written and counted, and exit 3
printf 'name,dob\nIvan Petrov,1970\n,1980\n\xc3\x28,1990\n' > "$tmp/bad.csv"
"$bin" screen -i "$index" "$tmp/bad.csv" -o "$tmp/bad.jsonl" 2>"$tmp/bad.err"; rc=$?
[ "$rc" -eq 3 ] || fail "screen with malformed rows: exit $rc, expected 3"
[ "$(wc -l < "$tmp/bad.jsonl")" -eq 3 ] || fail "malformed rows must still be written"
grep -q "bad.csv:3: no name" "$tmp/bad.err" || fail "no-name row message: $(cat "$tmp/bad.err")"
grep -q "bad.csv:4: column 1: invalid UTF-8" "$tmp/bad.err" || fail "bad UTF-8 row message"
grep -q "3 rows.*2 rejected" "$tmp/bad.err" || fail "summary: $(cat "$tmp/bad.err")"
# the same results on 2 threads, in input order
"$bin" screen -i "$index" "$eval_dir/positives_un_untreated.csv" --threads 2 -o "$tmp/pos2.jsonl" 2>/dev/null
cmp -s "$tmp/pos.jsonl" "$tmp/pos2.jsonl" || fail "--threads 2 changed the output"

if [ "$failures" -gt 0 ]; then
  echo "$failures failure(s)" >&2
  exit 1
fi
echo "e2e_match: all checks passed"
