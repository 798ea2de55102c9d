#!/usr/bin/env bash
# Alerts per customer: how many alerts (results with "match": true) `kordon
# screen` raises per customer row, old binary beside new. Made to measure the
# "one result per party" change (fc04cd4, 64874cb): a customer listed by
# several authorities used to raise one alert per list record, now one per
# party (the records resolved into one party when the index is built).
#
# Each binary builds its own index of all shared lists (`kordon build LISTS
# -o FILE -q`) and screens, with its own index and default threshold:
#   - every $KORDON_SHARED_DATA/eval/*.csv (labelled yente fixtures);
#   - customers.csv, generated below into the temporary directory (never
#     into the repository): ~40 rows written as a bank's customer file would
#     hold them — parties listed by several authorities, parties on one list
#     only, and ordinary names on no list.
# For each file it prints rows, rows with >=1 alert, alerts, alerts per
# alerted row, the most alerts in one row, rows with 2+ alerts, and rows with
# 2+ alerts that are records of one party — new: two alerts sharing a record
# (id, matched_record or referents; should be 0); old: two alerts whose
# records the NEW index's `kordon xref --json` puts in one party — then the
# rows whose alert count grew, and the customers.csv rows still raising 2+.
# Both binaries answer at most 5 results a row (SCREEN_LIMIT in
# src/cli/cmd_screen.c), so the old counts are capped at 5 alerts a row: the
# old totals are a lower bound of the alerts one list record each would give.
#
# usage: bench/alerts-per-customer.sh [--old OLD_KORDON] [--new NEW_KORDON] [--keep DIR]
#   OLD_KORDON, NEW_KORDON may also come from the environment; the new binary
#   defaults to build/kordon beside this script, the old to none (new only).
#   --keep DIR writes the indexes, customers.csv and the JSON lines into DIR
#   and keeps them. Lists: ${KORDON_SHARED_DATA:-../shared/data}/lists.
# Runs one binary at a time (the screens use kordon's default threads).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
old=${OLD_KORDON:-}
new=${NEW_KORDON:-$here/../build/kordon}
keep=
while [ $# -gt 0 ]; do
  case $1 in
    --old) old=$2; shift 2 ;;
    --new) new=$2; shift 2 ;;
    --keep) keep=$2; shift 2 ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d'; exit 0 ;;
    *) echo "alerts-per-customer.sh: unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
done
abs() { (cd "$(dirname "$1")" && echo "$(pwd)/$(basename "$1")"); }
new=$(abs "$new")
[ -n "$old" ] && old=$(abs "$old")
for b in "$new" ${old:+"$old"}; do
  [ -x "$b" ] || { echo "alerts-per-customer.sh: $b is not an executable" >&2; exit 2; }
done
data=$(cd "${KORDON_SHARED_DATA:-$here/../../shared/data}" && pwd)
lists=$data/lists

if [ -n "$keep" ]; then
  mkdir -p "$keep"; work=$(cd "$keep" && pwd)
else
  work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
fi

echo "command: KORDON_SHARED_DATA=$data $here/alerts-per-customer.sh${old:+ --old $old} --new $new"
echo "old: ${old:-none}$( [ -n "$old" ] && echo " ($("$old" version 2>/dev/null || true))")"
echo "new: $new ($("$new" version 2>/dev/null || true))"

# --- the generated customer file --------------------------------------------
# Columns the screen command recognises by header: id, name, date_of_birth,
# nationality; `category` and `source` are ignored by kordon and read back here.
# The names were chosen by hand from `kordon xref -i INDEX` (the PARTY blocks)
# and from the list files of ../shared/data/lists, index of commit 64874cb;
# `source` names the party (its canonical id in xref) and its records, and is
# checked against this run's `xref` below.
python3 - "$work/customers.csv" <<'EOF'
import csv, sys
rows = [
    # category multi: parties of several lists (xref PARTY blocks), spelled
    # the way a customer file would: reordered, other transliterations, some
    # with a birth date.
    ("multi", "ABBASI DAVANI, Fereydoun", "1958", "IR",
     "unsc-110446: UN, EU 32012R0267, OFAC 15570, Canada (Fereidoun Abbasi-Davani)"),
    ("multi", "Mohamad Reza Zahedi", "", "IR",
     "unsc-110405: UN, EU 32012R0267, OFAC 12114, Canada"),
    ("multi", "AWEYS, Hassan Dahir", "1935", "SO",
     "unsc-111944: UN 111944 + 6908034, EU 32010R0356-2, OFAC 11744 + 7006"),
    ("multi", "Sergei Kurchenko", "21/09/1985", "UA",
     "eu-oj-32014R0208-12: EU 32014R0208 + 32014R0269, OFAC 18323, Canada (Serhiy Vitaliyovych KURCHENKO)"),
    ("multi", "PUTIN, Vladimir Vladimirovich", "1952-10-07", "RU",
     "eu-oj-32014R0269-669-I.PERSONS: EU 32014R0269, Canada"),
    ("multi", "Evgeniy Primakov", "1976-04-29", "RU",
     "eu-oj-32014R0269-1426: EU 32014R0269, Canada (Yevgeny/Evgeny Alexandrovich PRIMAKOV)"),
    ("multi", "Alexander Lukashenko", "1954-08-30", "BY",
     "ofac-9760: OFAC (Alyaksandr Hryhoryavich LUKASHENKA), Canada (Aleksandr Grigoryevich Lukashenko)"),
    ("multi", "DERIPASKA, Oleg", "1968-01-02", "RU",
     "eu-oj-32014R0269-929: EU, OFAC 24283, Canada"),
    ("multi", "Yevgeny Prigozhin", "", "RU",
     "eu-oj-32014R0269-234-I.PERSONS: EU, OFAC 21171, Canada"),
    ("multi", "Boris Rotenberg", "1957-01-03", "RU",
     "eu-oj-32014R0269-920: EU, OFAC 16671, Canada"),
    ("multi", "Viktor Soiko", "1971-07-03", "BY",
     "eu-oj-32014R0269-704-I.PERSONS: EU, Canada, FtM t1 (Victor Vladimirovich SOYKO)"),
    ("multi", "Kalashnikov Concern JSC", "", "RU",
     "eu-oj-32014R0269-69: EU 32014R0269 + 32014R0833, OFAC 16911, Canada, FtM zala"),
    ("multi", "Almaz-Antey Concern", "", "RU",
     "eu-oj-32014R0269-21: EU 32014R0269 + 32014R0833, OFAC 16865, Canada part-2-20"),
    ("multi", "Yas Air", "", "IR",
     "unsc-110327: UN, EU 32012R0267, OFAC 13109 (POUYA AIR), Canada"),
    ("multi", "Islamic Revolutionary Guard Corps", "", "IR",
     "ofac-10391: OFAC, Canada, FtM t1 (IRGC)"),
    ("multi", "Myohyang Shipping Company", "", "KP",
     "unsc-6908967: UN, EU 32017R1509, OFAC 23724"),
    ("multi", "Bank Rossiya JSC", "", "RU",
     "eu-oj-32014R0269-53: EU, OFAC 16681, Canada part-2-1"),
    # category single: parties on one list only (no xref PARTY block), read
    # from the list files; unresolved: no xref PARTY block either, but another
    # list holds the same person (found by screening them).
    ("single", "Mikel Otegui Unanue", "1972-10-08", "ES", "ofac-7194 (SDGT)"),
    ("single", "KUBURA, Amir", "04.03.1964", "BA", "ofac-7715 (BALKANS)"),
    ("single", "Dorah Mirembe", "1979-02-27", "UG", "ofac-28225 (GLOMAG)"),
    ("single", "Raquel Rivera Guerrero", "1987-08-29", "MX", "ofac-21579 (SDNTK)"),
    ("single", "Netherlands Caribbean Bank NV", "", "", "ofac-9936 (CUBA)"),
    ("single", "Sergei Khomyakov", "1953-01-10", "RU", "Canada Russia sch. 1 part 1 item 1050"),
    ("single", "KIRKOROV, Philipp", "1967-04-30", "RU", "Canada Russia sch. 1 part 1 item 1280 (Phillip Bedrosovich)"),
    ("single", "Habib Ben Zakir", "1957-03-05", "TN", "eu-oj-32011R0101-17 (Habib Ben Kaddour Ben Mustapha BEN ZAKIR)"),
    ("single", "ROGALEV, Nikolai", "1962-02-17", "RU", "eu-oj-32014R0269-1942 (Nikolay Dmitrievich ROGALEV)"),
    # EU only as far as xref knows, but Canada (Myanmar part 2 item 63) lists
    # the same "Aye Nu Sein", country mm, no birth date: persons are not linked
    # on name and country alone. Kept as a known unresolved case (two alerts).
    ("unresolved", "AYE NU SEIN", "24/03/1957", "MM", "eu-oj-32013R0401-29 (Aye Nu Sein)"),
    # UN only as far as xref knows, but OFAC 15801 is the same man (Yahya Abu
    # HAMMAM a.k.a. Jamel AKACHA, born 1979; UN: 1978-05-09): kept as a known
    # unresolved case, it raises two alerts on both binaries.
    ("unresolved", "AKKACHA, Djamel", "1978-05-09", "DZ", "unsc-3002734 (Al-Qaida)"),
    # category none: ordinary customers on no list.
    ("none", "Maria Garcia Lopez", "1980-03-14", "ES", ""),
    ("none", "MUELLER, Thomas", "1975-11-02", "DE", ""),
    ("none", "Anna Kowalska", "1991-06-23", "PL", ""),
    ("none", "Jean-Pierre Dupont", "1968-01-30", "FR", ""),
    ("none", "Priya Sharma", "1988-09-09", "IN", ""),
    ("none", "Chen Wei", "1979-12-01", "CN", ""),
    ("none", "Oluwaseun Adeyemi", "1985-04-17", "NG", ""),
    ("none", "Emily Johnson", "1993-02-11", "US", ""),
    ("none", "ERIKSSON, Lars", "1960-07-07", "SE", ""),
    ("none", "Ahmet Yilmaz", "1977-05-05", "TR", ""),
    ("none", "Nguyen Van Minh", "1983-08-19", "VN", ""),
    ("none", "Mohammed Al Hassan", "1990-10-10", "AE", ""),
    ("none", "Nordic Timber Trading AB", "", "SE", ""),
    ("none", "Blue River Logistics Ltd", "", "GB", ""),
    ("none", "Sunrise Dental Clinic LLC", "", "US", ""),
]
with open(sys.argv[1], "w", newline="") as f:
    w = csv.writer(f)
    w.writerow(["id", "name", "date_of_birth", "nationality", "category", "source"])
    for i, (category, name, dob, country, source) in enumerate(rows, 1):
        w.writerow(["C%03d" % i, name, dob, country, category, source])
EOF

# --- build and screen, one binary at a time ----------------------------------
files=("$data"/eval/*.csv "$work/customers.csv")
run() { # run TAG BIN
  local tag=$1 bin=$2
  "$bin" build "$lists" -o "$work/$tag.kdx" -q 2>&1 | sed "s/^/$tag: /"
  for f in "${files[@]}"; do
    "$bin" screen -i "$work/$tag.kdx" "$f" -o "$work/$tag-$(basename "$f" .csv).jsonl" 2>"$work/screen.log" ||
      { echo "$tag: screen $f failed:" >&2; cat "$work/screen.log" >&2; exit 1; }
  done
}
[ -n "$old" ] && run old "$old"
run new "$new"
"$new" xref -i "$work/new.kdx" --json >"$work/xref.jsonl" 2>/dev/null

# --- the table ----------------------------------------------------------------
python3 - "$work" "${old:+old}" "${files[@]}" <<'EOF'
import csv, json, os, sys
from collections import Counter, defaultdict

work, has_old, files = sys.argv[1], sys.argv[2] == "old", sys.argv[3:]

# record -> party, from the new index's resolution (merge links only)
party, members = {}, defaultdict(set)
for line in open(os.path.join(work, "xref.jsonl")):
    d = json.loads(line)
    if d.get("kind") == "merge":
        for r in (d["a"], d["b"]):
            party[r] = d["party"]
            members[d["party"]].add(r)

def load(tag, f):
    path = os.path.join(work, "%s-%s.jsonl" % (tag, os.path.basename(f)[:-4]))
    rows = {}
    for line in open(path):
        d = json.loads(line)
        rows[d["row"]] = [m for m in d.get("matches", []) if m.get("match")]
    return rows

def same_party_old(alerts):
    c = Counter(party.get(m["id"], m["id"]) for m in alerts)
    return any(n >= 2 for n in c.values())

def same_party_new(alerts):
    seen = set()
    for m in alerts:
        recs = {m["id"], m.get("matched_record") or m["id"], *m.get("referents", [])}
        if recs & seen:
            return True
        seen |= recs
    return False

def stats(rows, same):
    alerted = [a for a in rows.values() if a]
    n = sum(len(a) for a in alerted)
    return [len(rows), len(alerted), n, n / len(alerted) if alerted else 0.0,
            max((len(a) for a in alerted), default=0),
            sum(1 for a in alerted if len(a) >= 2), sum(1 for a in alerted if same(a))]

labels = ["rows", "rows with >=1 alert", "alerts (match=true)", "alerts per alerted row",
          "max alerts in one row", "rows with 2+ alerts", "rows with 2+ alerts of one party"]
print()
print("%-28s %-34s %8s %8s %8s" % ("file", "", "old", "new", "new/old"))
grown, results = [], {}
for f in files:
    name = os.path.basename(f)
    new = load("new", f)
    old = load("old", f) if has_old else None
    s_new = stats(new, same_party_new)
    s_old = stats(old, same_party_old) if has_old else None
    results[name] = (old, new)
    for i, label in enumerate(labels):
        fmt = "%8.2f" if i == 3 else "%8d"
        o = fmt % s_old[i] if has_old else "%8s" % "-"
        ratio = ("%8.2f" % (s_new[i] / s_old[i]) if s_old[i] else "%8s" % "-") if has_old and i else ""
        print("%-28s %-34s %s %s %s" % (name if i == 0 else "", label, o, fmt % s_new[i], ratio))
    if has_old:
        only_old = sum(1 for r in new if old.get(r) and not new[r])
        only_new = sum(1 for r in new if new[r] and not old.get(r))
        print("%-28s %-34s %8d %8d" % ("", "rows alerted by this one only", only_old, only_new))
        grown += [(name, r, len(old.get(r, [])), new[r]) for r in sorted(new)
                  if len(new[r]) > len(old.get(r, []))]

def show(m):
    return "%s %.3f [%s]%s" % (m["id"], m["score"], ",".join(m.get("datasets", [])),
                               " +%d records" % len(m["referents"]) if m.get("referents") else "")

if has_old:
    print("\nrows whose alerts grew old -> new: %d" % len(grown))
    for name, r, n_old, alerts in grown[:20]:
        print("  %s row %d: %d -> %d: %s" % (name, r, n_old, len(alerts), "; ".join(map(show, alerts))))

# customers.csv, by category, and its rows still raising 2+ alerts
cust = list(csv.DictReader(open(os.path.join(work, "customers.csv"))))
old, new = results["customers.csv"]
print("\ncustomers.csv by category     rows  alerted old/new   alerts old/new")
for cat in ("multi", "single", "unresolved", "none"):
    idx = [i + 1 for i, c in enumerate(cust) if c["category"] == cat]
    a_new = sum(len(new[i]) for i in idx)
    r_new = sum(1 for i in idx if new[i])
    a_old = sum(len(old[i]) for i in idx) if has_old else 0
    r_old = sum(1 for i in idx if old[i]) if has_old else 0
    print("  %-27s %4d  %7s %-7d  %7s %-7d" % (cat, len(idx), r_old if has_old else "-", r_new,
                                              a_old if has_old else "-", a_new))
print("\ncustomers.csv rows with 2+ alerts (new), or no alert where one was expected:")
for i, c in enumerate(cust, 1):
    n_old = len(old[i]) if has_old else "-"
    if len(new[i]) >= 2 or (c["category"] != "none" and not new[i]):
        print("  %s %-32s old %s new %d: %s" % (c["id"], c["name"], n_old, len(new[i]),
                                                "; ".join(map(show, new[i])) or "-"))

# the hand-picked parties must still be parties of several records
bad = [c["source"].split(":")[0] for c in cust if c["category"] == "multi"
       and len(members.get(c["source"].split(":")[0], ())) < 2]
print("\nxref check: %d of %d multi-list parties of customers.csv are parties of 2+ records in the new index%s"
      % (sum(1 for c in cust if c["category"] == "multi") - len(bad),
         sum(1 for c in cust if c["category"] == "multi"), (" (not: %s)" % ", ".join(bad)) if bad else ""))
EOF
