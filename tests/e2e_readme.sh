#!/usr/bin/env bash
# README tells the truth: the console examples of its command-line sections are run as a reader
# would run them (from a directory beside ../shared/data, kordon on the PATH) and what README shows
# is compared with what the commands print, so a figure that drifts (an entity count, a party
# count, a score, a version hash) fails here instead of misleading the next reader. README's
# conventions: `$ ` starts a command; a line `…` stands for any number of lines; `…` inside a
# line for the rest of it (or the text between two known parts); times, rates and timestamps are
# not compared; `$ cat FILE` with lines after it writes FILE when no earlier command made it; a
# command shown without output is run but not compared; JSON output is compared as JSON.
# Figures quoted in prose and in the HTTP section are checked by the same means below.
set -uo pipefail
bin=${KORDON_BIN:?}
data=${KORDON_SHARED_DATA:?}
tmp=${KORDON_TMP:-/tmp/kordon-e2e}/e2e_readme
readme=$(cd "$(dirname "$0")/.." && pwd)/README.md
rm -rf "$tmp" && mkdir -p "$tmp/shared" "$tmp/work" "$tmp/bin"
ln -s "$data" "$tmp/shared/data"
ln -s "$bin" "$tmp/bin/kordon"

python3 - "$readme" "$tmp" <<'EOF'
import json, os, re, subprocess, sys

readme, tmp = sys.argv[1], sys.argv[2]
work = os.path.join(tmp, 'work')
# the sections whose examples are command-line runs on the shared data
SECTIONS = ('Quick tour', 'Audit store, list diffs and monitoring')
# shown but not run here, and why
SKIP = [
    (r'^kordon entity ', 'the JSON is abridged by hand; e2e_cli checks its values'),
    (r'^kordon audit export --from', 'its dates and times are those of the run shown'),
]
env = dict(os.environ)
for k in ('KORDON_INDEX', 'KORDON_DB', 'KORDON_SOURCES', 'KORDON_FETCH_DIR'):
    env.pop(k, None)
env.update(PATH=os.path.join(tmp, 'bin') + ':' + env['PATH'], KORDON_USER='ana', LC_ALL='C',
           # stdout a line at a time, so that it interleaves with stderr as on a terminal
           ASAN_OPTIONS=env.get('ASAN_OPTIONS', '') + ':verify_asan_link_order=0')

failures = []
def fail(where, why):
    failures.append('README.md:%d: %s' % (where, why))

def norm(line):
    line = re.sub(r'\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z', 'TIME', line)
    line = re.sub(r'\d+(\.\d+)? s\b', 'N s', line)
    line = re.sub(r'\(\d+ rows/s', '(N rows/s', line)
    return ' '.join(line.split())

def same(shown, real):
    shown, real = norm(shown), norm(real)
    if '…' not in shown:
        return shown == real
    parts = shown.split('…')
    if not real.startswith(parts[0]):
        return False
    at = len(parts[0])
    for p in parts[1:]:
        at = real.find(p, at)
        if at < 0:
            return False
        at += len(p)
    return True

def compare(lineno, command, shown, real):
    text = '\n'.join(shown)
    if text.lstrip().startswith('{') and '…' not in text:
        try:
            want = json.loads(text)
        except ValueError:
            want = None
        if want is not None:
            try:
                got = json.loads('\n'.join(real))
            except ValueError:
                return fail(lineno, '%s: not JSON: %s' % (command, '\n'.join(real)[:300]))
            if got != want:
                fail(lineno, '%s: README shows\n%s\nbut it prints\n%s' % (command, text, json.dumps(got, ensure_ascii=False, indent=2)))
            return
    i, skipping = 0, False
    for k, s in enumerate(shown):
        if norm(s) == '…':
            skipping = True
            continue
        if skipping:
            j = i
            while j < len(real) and not same(s, real[j]):
                j += 1
            if j == len(real):
                near = max(real[i:] or [''], key=lambda r: len(os.path.commonprefix([norm(r), norm(s)])))
                return fail(lineno + 1 + k, '%s: README shows\n  %s\nwhich it does not print; nearest:\n  %s' %
                            (command, s, near))
            i = j
        if i >= len(real) or not same(s, real[i]):
            near = real[i] if i < len(real) else '(nothing more)'
            return fail(lineno + 1 + k, '%s: README shows\n  %s\nbut it prints\n  %s' % (command, s, near))
        i += 1
        skipping = False
    if not skipping and i < len(real):
        fail(lineno + len(shown), '%s: prints more than README shows: %s' % (command, real[i]))

def blocks():
    section, block, start = None, None, 0
    for n, line in enumerate(open(readme, encoding='utf-8'), 1):
        line = line.rstrip('\n')
        if line.startswith('## '):
            section = line[3:]
        if block is None and line == '```console' and section and section.startswith(SECTIONS):
            block, start = [], n
        elif block is not None and line == '```':
            yield start, block
            block = None
        elif block is not None:
            block.append((n, line))

runs = 0
for start, block in blocks():
    steps = []  # (line number, command, shown output)
    for n, line in block:
        if line.startswith('$ '):
            steps.append((n, line[2:], []))
        elif steps:
            steps[-1][2].append(line)
    for n, command, shown in steps:
        while shown and not shown[-1].strip():  # a blank line between commands
            shown.pop()
        why = next((why for pattern, why in SKIP if re.search(pattern, command)), None)
        if why:
            print('README.md:%d: not run (%s): %s' % (n, why, command))
            continue
        m = re.fullmatch(r'cat (\S+)', command)
        if m and shown and not os.path.exists(os.path.join(work, m.group(1))):
            with open(os.path.join(work, m.group(1)), 'w', encoding='utf-8') as f:
                f.write('\n'.join(shown) + '\n')
            continue
        p = subprocess.run(['stdbuf', '-oL', 'bash', '-c', command], cwd=work, env=env,
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=600)
        runs += 1
        real = p.stdout.decode('utf-8', 'replace').splitlines()
        if shown:
            compare(n, command, shown, real)

# --- figures in prose and in the HTTP section, from the same commands' output ---------------
text = open(readme, encoding='utf-8').read()
def line_of(match):
    return text.count('\n', 0, match.start()) + 1
def scan(words, *flags):
    p = subprocess.run(['bash', '-c', 'kordon scan --json %s -' % ' '.join(flags)], input=words.encode(),
                       cwd=work, env=env, stdout=subprocess.PIPE, timeout=600)
    return [json.loads(l) for l in p.stdout.decode().splitlines()]
baku = open(os.path.join(work, '../shared/data/text/baku-russian-house.txt'), encoding='utf-8').read()
mentions = scan(baku)
m = re.search(r'"listed": (\d+), "linked": (\d+)\}', text)
real = (sum(x['kind'] == 'listed' for x in mentions), sum(x['kind'] == 'linked' for x in mentions))
if not m:
    fail(0, 'no "listed": N, "linked": N of the Baku scan')
elif (int(m.group(1)), int(m.group(2))) != real:
    fail(line_of(m), 'the Baku scan: README says %s listed, %s linked; it finds %d and %d' % (m.group(1), m.group(2), *real))
m = re.search(r'"text": "Evgeny Primakov", "kind": "listed",\s*"entity_id": "([^"]+)", "caption": "[^"]*", "score": ([\d.]+)', text)
hit = [x for x in mentions if x['text'] == 'Evgeny Primakov']
if not m or not hit or (hit[0]['entity_id'], round(hit[0]['score'], 3)) != (m.group(1), float(m.group(2))):
    fail(line_of(m) if m else 0, 'the Baku scan\'s Evgeny Primakov: README %s, kordon %s' %
         (m.groups() if m else None, [(x['entity_id'], round(x['score'], 3)) for x in hit]))
m = re.search(r'\("Евгения Примакова" scores (0\.\d+);', text)
hit = [x for x in scan('Руководитель Россотрудничества Евгения Примакова') if x['text'] == 'Евгения Примакова']
if not m or not hit or round(hit[0]['score'], 3) != float(m.group(1)):
    fail(line_of(m) if m else 0, '"Евгения Примакова": README %s, kordon %s' % (m and m.group(1), [x['score'] for x in hit]))
m = re.search(r'drops "Mr\. Primakov"\s*\((0\.\d+)\)', text)
hit = [x for x in scan('Mr. Primakov said so.') if x['text'] == 'Primakov']
if not m or not hit or round(hit[0]['score'], 3) != float(m.group(1)) or scan('Mr. Primakov said so.', '--threshold 0.7'):
    fail(line_of(m) if m else 0, '"Mr. Primakov": README %s, kordon %s' % (m and m.group(1), [x['score'] for x in hit]))

print('e2e_readme: %d commands run' % runs)
for f in failures:
    print('FAIL: ' + f, file=sys.stderr)
sys.exit(1 if failures else 0)
EOF
status=$?
[ "$status" = 0 ] && echo "e2e_readme: README's figures are what kordon prints"
exit "$status"
