#!/usr/bin/env bash
# End-to-end: `kordon scan` on real text against the index of all lists.
set -uo pipefail
bin=${KORDON_BIN:?}
data=${KORDON_SHARED_DATA:?}
tmp=${KORDON_TMP:-/tmp/kordon-e2e}/e2e_scan
rm -rf "$tmp" && mkdir -p "$tmp"
failures=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }
# listed_as FILE TEXT RECORD: a listed mention of TEXT names the party that
# holds RECORD (its entity_id, or one of its referents)
listed_as() {
  python3 - "$@" <<'PY'
import json, sys
path, text, record = sys.argv[1:4]
for line in open(path, encoding="utf-8"):
    m = json.loads(line)
    if m["text"] == text and m["kind"] == "listed" and record in [m["entity_id"]] + m.get("referents", []):
        sys.exit(0)
sys.exit(1)
PY
}
index="$tmp/all.kdx"
"$bin" build "$data/lists" -o "$index" -q 2>"$tmp/build.err" || { cat "$tmp/build.err"; exit 1; }

# --- the Baku article --------------------------------------------------------
article="$data/text/baku-russian-house.txt"
"$bin" scan -i "$index" --json "$article" > "$tmp/baku.jsonl" || fail "scan failed"
has() { grep -q -- "$1" "$tmp/baku.jsonl" || fail "$2"; }
# one party per real party: the EU record names it, Canada's is a referent
has '"text":"Evgeny Primakov","kind":"listed","entity_id":"eu-oj-32014R0269-1426"' "Primakov → 1426"
listed_as "$tmp/baku.jsonl" "Evgeny Primakov" ca-sema-russia-1-part-1-1358 || fail "Primakov → Canada's record"
has '"text":"Rossotrudnichestvo","kind":"listed","entity_id":"eu-oj-32014R0269-105"' "Rossotrudnichestvo → 105"
listed_as "$tmp/baku.jsonl" Rossotrudnichestvo ca-sema-russia-1-part-2-181 || fail "→ Canada's Russotrudnichestvo"
has '"listed":"EU since 2023-02-25 (EU-UKR) · Canada since 2023-09-20' "Primakov's listings in one line"
# the listed parties whose reasons name Rossotrudnichestvo
line=$(grep '"entity_id":"eu-oj-32014R0269-105"' "$tmp/baku.jsonl" | head -1)
for id in eu-oj-32014R0269-1426 eu-oj-32014R0269-1509 eu-oj-32014R0269-908 eu-oj-32014R0269-60-I.PERSONS \
          eu-oj-32024R2642-19-I.A eu-oj-32024R2642-22; do
  case "$line" in *"\"entity_id\":\"$id\""*) ;; *) fail "Rossotrudnichestvo: $id not among related";; esac
done
case "$line" in *Rossotrudnitschestwo*) ;; *) fail "no snippet with the German spelling";; esac
# Primakov is not "named" by Romanov's listing, which names the foundation called after his grandfather
grep '"text":"Evgeny Primakov","kind":"listed"' "$tmp/baku.jsonl" | grep -q 'eu-oj-32014R0269-1563' &&
  fail "Evgeny Primakov related to Romanov (1563) through the foundation's name"
# offsets point into the original bytes
start=$(grep -m1 '"text":"Evgeny Primakov"' "$tmp/baku.jsonl" | sed 's/.*"start":\([0-9]*\).*/\1/')
[ "$(tail -c +$((start + 1)) "$article" | head -c 15)" = "Evgeny Primakov" ] || fail "offset $start"
# nothing else is listed
for name in Aliyev Azerbaijan Russia USAID "Baku" Airlines Aktau Grozny Report storage Screenshot; do
  grep '"kind":"listed"' "$tmp/baku.jsonl" | grep -q "\"text\":\"[^\"]*$name" && fail "listed hit for $name"
done
listed=$(grep -c '"kind":"listed"' "$tmp/baku.jsonl")
[ "$listed" -eq 5 ] || fail "expected 5 listed hits (5 mentions of parties listed by the EU and Canada), got $listed"

# --- a foundation named after the elder Primakov is linked, not listed --------
echo "The Evgeny Primakov Children's Aid Foundation runs the 'Children of Donbas' project." |
  "$bin" scan -i "$index" --json - > "$tmp/foundation.jsonl"
grep -q '"text":"Evgeny Primakov Children.s Aid Foundation","kind":"linked","entity_id":""' "$tmp/foundation.jsonl" ||
  fail "foundation not linked: $(cat "$tmp/foundation.jsonl" | head -c 300)"
grep -q 'eu-oj-32014R0269-1563' "$tmp/foundation.jsonl" || fail "foundation not related to 1563 (Romanov)"
grep -q '"kind":"listed"' "$tmp/foundation.jsonl" && fail "the foundation sentence has a listed hit"

# --- a title and a surname name a person; a common or unlisted one does not ---
echo "President Aliyev met Mr. Primakov and General Staff officers." | "$bin" scan -i "$index" --json - > "$tmp/titles.jsonl"
listed_as "$tmp/titles.jsonl" Primakov eu-oj-32014R0269-1426 ||
  fail "Mr. Primakov: $(head -c 300 "$tmp/titles.jsonl")"
grep -q 'Aliyev' "$tmp/titles.jsonl" && fail "President Aliyev must not be a hit"
# a threshold the caller sets holds for the rules too: a titled surname scores 0.6
echo "President Aliyev met Mr. Primakov and General Staff officers." |
  "$bin" scan -i "$index" --json --threshold 0.7 - | grep -q '"kind":"listed"' &&
  fail "--threshold 0.7 must drop Mr. Primakov (0.6)"
# a name the index holds split ("Abdullah" as abd ullah) is found written whole
echo "Amir Abdullah has served as treasurer to senior Taliban leader Abdul Ghani Baradar." |
  "$bin" scan -i "$index" --json - > "$tmp/split.jsonl"
listed_as "$tmp/split.jsonl" "Amir Abdullah" unsc-2913551 ||
  fail "Amir Abdullah: $(head -c 300 "$tmp/split.jsonl")"
# common words in capitals are no name, however many listed names share their keys
printf 'THE SOFTWARE IS PROVIDED AS IS, WITHOUT WARRANTY OF ANY KIND. IF YOU USE IT, TO YOU ALONE.\n' |
  "$bin" scan -i "$index" --json - | grep -q . && fail "a licence disclaimer names no one"
# a description before the name does not hide it, however often the listings write the whole phrase
echo "Russian President Vladimir Putin met Russian Foreign Minister Sergei Lavrov and Defence Minister Sergei Shoigu." |
  "$bin" scan -i "$index" --json - > "$tmp/officials.jsonl"
for pair in "Vladimir Putin:eu-oj-32014R0269-669-I.PERSONS" "Sergei Lavrov:eu-oj-32014R0269-670-I.PERSONS" \
            "Sergei Shoigu:eu-oj-32014R0269-212-I.PERSONS"; do
  listed_as "$tmp/officials.jsonl" "${pair%%:*}" "${pair#*:}" ||
    fail "${pair%%:*} after a description: $(head -c 300 "$tmp/officials.jsonl")"
done
# the listings' own names for the bodies they talk about most, however often their prose uses
# the word; and a name the index holds split (nasr allah, hizb allah) written whole
echo "Yesterday Hamas fired rockets. Hezbollah leader Hassan Nasrallah replied. Yesterday the Taliban took Kabul. Hizballah fired. Al-Qaeda claimed it." |
  "$bin" scan -i "$index" --json - > "$tmp/bodies.jsonl"
for pair in "Hamas:eu-oj-32001R2580-10" "Hassan Nasrallah:ofac-2686" "Taliban:ofac-6636" "Hizballah:ofac-4697" \
            "Al-Qaeda:unsc-113458"; do
  listed_as "$tmp/bodies.jsonl" "${pair%%:*}" "${pair#*:}" ||
    fail "${pair%%:*}: $(head -c 300 "$tmp/bodies.jsonl")"
done
grep -q '"text":"Kabul","kind":"listed"' "$tmp/bodies.jsonl" && fail "Kabul is a city"
# the name a legal form quotes is one mention with it, words in lower case and all: the quote
# no longer ends the run ("JSC" and "Nizhny Novgorod" were two windows, "research" a third)
echo "Reports named JSC “Nizhny Novgorod research and production association named after M.V. Frunze” and OOO «Irz-Svyaz» among the suppliers." |
  "$bin" scan -i "$index" --json - > "$tmp/quoted.jsonl"
python3 - "$tmp/quoted.jsonl" <<'PY' || fail "quoted names after a legal form: $(head -c 600 "$tmp/quoted.jsonl")"
import json, sys
found = {}
for line in open(sys.argv[1], encoding="utf-8"):
    m = json.loads(line)
    if m["kind"] == "listed":
        found.setdefault(m["text"].split()[0], set()).update([m["entity_id"]] + m.get("referents", []))
ok = "eu-oj-32014R0269-714" in found.get("JSC", set()) and any(k.startswith("OOO") or k == "Irz-Svyaz" for k in found)
sys.exit(0 if ok else 1)
PY
# an initial's full stop does not end a name, and the initial is the matcher's to judge
echo "Officials said that Arkady R. Rotenberg and Ahmed S. Hasan Adnan met the U.S. Treasury." |
  "$bin" scan -i "$index" --json - > "$tmp/initials.jsonl"
listed_as "$tmp/initials.jsonl" "Arkady R. Rotenberg" eu-oj-32014R0269-92-I.PERSONS ||
  fail "Arkady R. Rotenberg: $(head -c 400 "$tmp/initials.jsonl")"
listed_as "$tmp/initials.jsonl" "Ahmed S. Hasan Adnan" ofac-8215 || fail "Ahmed S. Hasan Adnan: $(head -c 400 "$tmp/initials.jsonl")"
grep -q '"text":"U.S. Treasury"' "$tmp/initials.jsonl" && fail "the U.S. Treasury is no listed party"
# a Korean's whole name is one word of three syllables (리학철, RI Hak Chol, EU-listed); two
# syllables are as often a given name alone (혜진 reads as the listed JIN HYE: not a mention)
printf 'Officials said that 리학철 met the delegation.\nOfficials said that 혜진 met the delegation.\n' |
  "$bin" scan -i "$index" --json - >"$tmp/ko.jsonl"
grep -q '"text":"리학철","kind":"listed","entity_id":"eu-oj-32017R1509-22-XV.A"' "$tmp/ko.jsonl" ||
  fail "a Korean name written as one word: $(cat "$tmp/ko.jsonl")"
grep -q '"text":"혜진"' "$tmp/ko.jsonl" && fail "a two-syllable given name alone is no listed person"
# Russian prose names a company by its legal form and the quoted name ("ООО «Тримикс»" for the
# EU's Limited Liability Company 'TRIMIX'; the reading trimiks is the listed trimix); a quoted
# name no list has ("ООО «Ромашка»") is nobody
printf 'В Москве ООО «Тримикс» подписало контракт, ООО «Ромашка» тоже.\n' | "$bin" scan -i "$index" --json - >"$tmp/ru.jsonl"
grep -q '"kind":"listed","entity_id":"eu-oj-32014R0269-542"' "$tmp/ru.jsonl" ||
  fail "ООО «Тримикс»: $(cat "$tmp/ru.jsonl")"
[ "$(grep -c '"kind":"listed"' "$tmp/ru.jsonl")" = 1 ] || fail "ООО «Ромашка» is no listed party: $(cat "$tmp/ru.jsonl")"
# "son of" in Tuareg and Maghrebi names is written in lower case inside the name (ag, ben, ould)
printf 'Iyad ag Ghaly met them.\n' | "$bin" scan -i "$index" --json - >"$tmp/ag.jsonl"
grep -q '"text":"Iyad ag Ghaly","kind":"listed"' "$tmp/ag.jsonl" || fail "Iyad ag Ghaly: $(head -c 300 "$tmp/ag.jsonl")"
# the Arabic article with a space begins a body's name ("Al Qaeda", "Al Shabaab"), and no name
# ends on it ("Al Qaeda and Al" is not a mention)
printf 'Al Qaeda and Al Shabaab fighters were seen.\n' | "$bin" scan -i "$index" --json - >"$tmp/al.jsonl"
grep -q '"text":"Al Qaeda","kind":"listed"' "$tmp/al.jsonl" && grep -q '"text":"Al Shabaab","kind":"listed"' "$tmp/al.jsonl" ||
  fail "Al Qaeda, Al Shabaab: $(cut -c1-120 "$tmp/al.jsonl")"
grep -q '"text":"Al Qaeda and Al"' "$tmp/al.jsonl" && fail "a mention that ends on the article"
# Spanish and Latin American names in prose: the given name and the first of two surnames
echo "Nicolás Maduro and Diosdado Cabello met." | "$bin" scan -i "$index" --json - > "$tmp/ve.jsonl"
for pair in "Nicolás Maduro:ofac-22790" "Diosdado Cabello:ofac-24424"; do
  listed_as "$tmp/ve.jsonl" "${pair%%:*}" "${pair#*:}" ||
    fail "${pair%%:*}: $(head -c 300 "$tmp/ve.jsonl")"
done
# a surname alone: a rare listed one names the person, a common one no one
echo "Dzhabarov supported the deployment." | "$bin" scan -i "$index" --json - > "$tmp/bare.jsonl"
listed_as "$tmp/bare.jsonl" Dzhabarov eu-oj-32014R0269-10-I.PERSONS ||
  fail "Dzhabarov alone: $(head -c 300 "$tmp/bare.jsonl")"
echo "Aliyev spoke. Kovalchuk said so. Grozny and Aktau agreed." | "$bin" scan -i "$index" --json - |
  grep -q '"kind":"listed"' && fail "a common surname or a place alone is not a hit"
# one word alone: a one-word alias is no one's surname (OFAC's weak alias MARTIN), and a short
# word is a name only as the list spells it (Câmara is not CAMORRA, Universiteit not Universitet)
echo "Thanks to Martin. The Câmara voted. Universiteit Leiden and Courtès agreed." | "$bin" scan -i "$index" --json - |
  grep '"kind":"listed"' | head -3 | grep -q . && fail "one common word alone is not a listed hit"
# ... while a long one crosses transliterations: Canada writes Russotrudnichestvo
echo "Rossotrudnichestvo runs it." | "$bin" scan -i "$index" --json - >"$tmp/alone.jsonl"
listed_as "$tmp/alone.jsonl" Rossotrudnichestvo ca-sema-russia-1-part-2-181 || fail "Rossotrudnichestvo alone: Canada's entry missing"
# a surname after someone else's given name, or a given name before an unlisted surname, is no one listed
echo "Yesterday Krystal Miller met the press. Later Miller said the meeting went well. Osman Tlustek agreed." |
  "$bin" scan -i "$index" --json - | grep -q '"kind":"listed"' && fail "Krystal Miller / Osman Tlustek are not listed"
# middle names may be missing, not a different surname: Xavier Moore is not Xavier MOREAU
echo "Xavier Moore met the press. Later Moore said so." | "$bin" scan -i "$index" --json - |
  grep -q '"kind":"listed"' && fail "Xavier Moore is not Xavier Moreau"
echo "Konstantin Ernst runs Channel One." | "$bin" scan -i "$index" --json - |
  grep -q '"text":"Konstantin Ernst","kind":"listed","entity_id":"eu-oj-32014R0269-889"' || fail "Konstantin Ernst → 889"
# Russian inflected forms through transliteration: "Евгения Примакова" (genitive)
echo "Заявление Евгения Примакова." | "$bin" scan -i "$index" --json - |
  grep -q '"kind":"listed","entity_id":"eu-oj-32014R0269-1426"' || fail "Евгения Примакова → 1426"
# a body's one-word name in Cyrillic, inflected (genitive), through its Latin reading; and a
# Cyrillic surname after the full name
echo "Руководитель Россотрудничества прибыл в Баку. Евгений Примаков выступил. Позже Примаков уехал." |
  "$bin" scan -i "$index" --json - > "$tmp/ru.jsonl"
grep -q '"text":"Россотрудничества","kind":"listed","entity_id":"eu-oj-32014R0269-105"' "$tmp/ru.jsonl" ||
  fail "Россотрудничества → 105: $(head -c 300 "$tmp/ru.jsonl")"
grep -q '"text":"Примаков","kind":"listed","entity_id":"eu-oj-32014R0269-1426"' "$tmp/ru.jsonl" ||
  fail "Примаков after Евгений Примаков: $(head -c 300 "$tmp/ru.jsonl")"
grep -q '"text":"Баку","kind":"listed"' "$tmp/ru.jsonl" && fail "Баку is a city"
# the Baku story in Russian (bench/texts/baku-ru.txt): the agency, inflected, and its head
"$bin" scan -i "$index" --json "$(dirname "$0")/../bench/texts/baku-ru.txt" > "$tmp/baku-ru.jsonl"
grep -q '"text":"Россотрудничества","kind":"listed","entity_id":"eu-oj-32014R0269-105"' "$tmp/baku-ru.jsonl" ||
  fail "Russian article: Россотрудничества → 105"
grep -q '"text":"Евгений Примаков","kind":"listed","entity_id":"eu-oj-32014R0269-1426"' "$tmp/baku-ru.jsonl" ||
  fail "Russian article: Евгений Примаков → 1426"
grep -E '"text":"[^"]*(Алиев|Баку|Азербайджан|Актау|Грозн)[^"]*","kind":"listed"' "$tmp/baku-ru.jsonl" &&
  fail "Russian article: Aliyev, Baku, Azerbaijan, Aktau or Grozny must not be listed hits"
# after the full name, the surname alone is the same person
echo "Evgeny Primakov arrived in Baku. Later Primakov spoke." | "$bin" scan -i "$index" --json - > "$tmp/again.jsonl"
[ "$(grep -c '"text":"Primakov","kind":"listed","entity_id":"eu-oj-32014R0269-1426"' "$tmp/again.jsonl")" -eq 1 ] ||
  fail "Primakov after Evgeny Primakov: $(head -c 300 "$tmp/again.jsonl")"
grep -q 'surname of \\"Evgeny Primakov\\" named above' "$tmp/again.jsonl" || fail "no explanation for the surname"

# --- markup: HTML tags, scripts and entities; Markdown images ---------------
printf '<p>Head of <b>Rossotrudnichestvo</b>, Evgeny&nbsp;Primakov&#39;s deputy.</p><script>var x = "Ali Khamenei";</script>\n![Evgeny Primakov](/img/evgeny-primakov.jpg)\n' > "$tmp/page.html"
"$bin" scan -i "$index" --json "$tmp/page.html" > "$tmp/page.jsonl"
grep -q '"start":14,"end":32,"line":1,"text":"Rossotrudnichestvo"' "$tmp/page.jsonl" || fail "HTML offsets"
grep -q '"text":"Evgeny&nbsp;Primakov","kind":"listed"' "$tmp/page.jsonl" || fail "entity between words"
grep -q '"line":2' "$tmp/page.jsonl" && fail "the image line was scanned"
grep -q 'Khamenei' "$tmp/page.jsonl" && fail "script content was scanned"

# --- ordinary prose names no one ---------------------------------------------
words="time year people way day man thing woman life child world school state family student group country problem hand part place case week company system program question work government number night point home water room mother area money story fact month lot right study book eye job word business issue side kind head house service friend father power hour game line end member law car city community name president team minute idea kid body information back parent face others level office door health person art war history party result change morning reason research girl guy moment air teacher force education"
awk -v w="$words" 'BEGIN { srand(42); n = split(w, a, " ");
  for (s = 0; s < 4000; s++) { len = 5 + int(rand() * 12); line = "";
    for (i = 0; i < len; i++) { x = a[1 + int(rand() * n)];
      if (i == 0 || rand() < 0.15) x = toupper(substr(x, 1, 1)) substr(x, 2); line = line (i ? " " : "") x }
    print line "." } }' > "$tmp/prose.txt"
"$bin" scan -i "$index" --json "$tmp/prose.txt" > "$tmp/prose.jsonl"
n=$(grep -c '"kind":"listed"' "$tmp/prose.jsonl")
[ "$n" -eq 0 ] || fail "$n listed hits in common-word prose: $(grep -m3 '"kind":"listed"' "$tmp/prose.jsonl" | cut -c1-200)"

# --- bad input ----------------------------------------------------------------
printf 'Evgeny \xc3\x28 Primakov' > "$tmp/bad.txt"
"$bin" scan -i "$index" "$tmp/bad.txt" >/dev/null 2>"$tmp/err" && fail "invalid UTF-8 must fail"
grep -q "invalid UTF-8" "$tmp/err" || fail "invalid UTF-8 message: $(cat "$tmp/err")"
"$bin" scan -i "$index" "$tmp/missing.txt" >/dev/null 2>&1 && fail "missing file must fail"

# --- names in another romanisation than the lists' -----------------------------
# a one-name-each index, so that only the mechanism can find them (not another list's alias)
cat >"$tmp/forms.json" <<'JSON'
{"id":"f-kavalenka","schema":"Person","properties":{"name":["Siarhei Uladzimiravich KAVALENKA"]}}
{"id":"f-lukashenka","schema":"Person","properties":{"name":["Alyaksandr Hryhoryavich LUKASHENKA"]}}
{"id":"f-haniyeh","schema":"Person","properties":{"name":["Ismail HANIYEH"]}}
{"id":"f-zakharova","schema":"Person","properties":{"name":["Marina Yuryevna ZAKHAROVA"]}}
{"id":"f-shumilova","schema":"Person","properties":{"name":["Elena Borisovna SHUMILOVA"]}}
{"id":"f-ministry","schema":"Organization","properties":{"name":["Ministry of National Defence"]}}
{"id":"f-tako","schema":"Company","properties":{"name":["Tako LLC"]}}
{"id":"f-team","schema":"Company","properties":{"name":["Team"]}}
JSON
"$bin" build "$tmp/forms.json" -o "$tmp/forms.kdx" -q --db /nonexistent 2>"$tmp/forms.err" || cat "$tmp/forms.err"
forms_scan() { printf 'Officials said on Monday that %s had met the delegation.\n' "$1" |
  "$bin" scan -i "$tmp/forms.kdx" --json - > "$tmp/forms.jsonl"; }
for case in "Sergei Kovalenko|f-kavalenka" "Alexander Hryhoryavich Lukashenko|f-lukashenka" \
            "Ismael Haniya|f-haniyeh"; do
  forms_scan "${case%|*}"
  listed_as "$tmp/forms.jsonl" "${case%|*}" "${case#*|}" || fail "\"${case%|*}\" (another romanisation) not found"
done
# a company under the legal form of another language ("OOO" for LLC)
forms_scan "OOO Tako"
listed_as "$tmp/forms.jsonl" "OOO Tako" f-tako || fail "\"OOO Tako\" (another legal form) not found"
# another given name, another surname, another word of a body, a common
# word beside a legal form: no mention
for text in "Maria Zakharova" "Elena Shmeleva" "the Defence Minister of National Defence" "the Company Team"; do
  forms_scan "$text"
  [ -s "$tmp/forms.jsonl" ] && fail "\"$text\" taken for a listed party: $(head -c 300 "$tmp/forms.jsonl")"
done

if [ "$failures" -gt 0 ]; then
  echo "$failures failure(s)" >&2
  exit 1
fi
echo "e2e_scan: all checks passed"
