// End-to-end test of kordon's analyst web page: Debian's chromium, headless,
// driven by playwright-core against a running `kordon serve`. Run by
// tests/e2e_web.sh, which starts the servers and sets:
//   KORDON_URL          the server under test (started with --db when kordon has it)
//   KORDON_KEYED_URL    a second server that wants KORDON_API_KEY
//   KORDON_SHARED_DATA  the shared real data (for the article)
//   KORDON_SCREENSHOTS  where the four pages' screenshots go
//   KORDON_CHROMIUM     the browser (default /usr/bin/chromium)
// Every step waits for what it needs to see; nothing is timed.
import { chromium } from 'playwright-core';
import { readFile, mkdir } from 'node:fs/promises';
import path from 'node:path';

const base = process.env.KORDON_URL;
const keyedBase = process.env.KORDON_KEYED_URL;
const apiKey = process.env.KORDON_API_KEY;
const data = process.env.KORDON_SHARED_DATA;
const shots = process.env.KORDON_SCREENSHOTS;
if (!base || !data || !shots) {
  console.error('usage: KORDON_URL=... KORDON_SHARED_DATA=... KORDON_SCREENSHOTS=... node e2e.mjs');
  process.exit(2);
}
const WAIT = 120_000; // generous: the sanitizer build's server is slow

const PRIMAKOV = 'eu-oj-32014R0269-1426';
const ROSSOTRUDNICHESTVO = 'eu-oj-32014R0269-105';

let failures = 0;
function check(ok, message) {
  if (!ok) throw new Error(message);
}
async function step(name, fn) {
  process.stdout.write(`-- ${name}\n`);
  try {
    await fn();
    process.stdout.write(`   ok\n`);
  } catch (e) {
    failures++;
    process.stdout.write(`   FAIL: ${e.stack || e}\n`);
  }
}
async function api(method, p, body) {
  const res = await fetch(base + p, {
    method,
    headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  let json = null;
  try {
    json = JSON.parse(text);
  } catch {
    json = null;
  }
  return { status: res.status, json, text };
}
/* Waits until the router has rendered the page for `hash`. */
async function ready(page, hash) {
  await page.waitForFunction((h) => document.body.dataset.ready === h, hash, { timeout: WAIT });
}
async function shot(page, name, { fullPage = true } = {}) {
  await mkdir(shots, { recursive: true });
  await page.evaluate(() => document.activeElement && document.activeElement.blur());
  await page.screenshot({ path: path.join(shots, `${name}.png`), fullPage });
}

const browser = await chromium.launch({
  executablePath: process.env.KORDON_CHROMIUM || '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-dev-shm-usage'],
});
const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'en-GB' });
context.setDefaultTimeout(WAIT);
context.setDefaultNavigationTimeout(WAIT);
const page = await context.newPage();
const pageErrors = [];
page.on('pageerror', (e) => pageErrors.push(String(e)));
page.on('console', (m) => {
  if (m.type() === 'error' && !/status of 40[14]/.test(m.text())) pageErrors.push(m.text());
});

await step('search: typing a name screens it, Primakov first, URL holds the query', async () => {
  await page.goto(`${base}/`);
  await ready(page, '/search');
  await page.getByLabel('Name', { exact: true }).fill('Evgeny Primakov');
  await page.getByLabel('Name', { exact: true }).press('Enter');
  await ready(page, '/search?q=Evgeny+Primakov');
  const first = page.locator('#results > li').first();
  check((await first.getAttribute('data-entity-id')) === PRIMAKOV, `first result is ${await first.getAttribute('data-entity-id')}`);
  check((await first.locator('.result-link').textContent()).includes('PRIMAKOV'), 'caption of the first result');
  check(await first.locator('.score-fill').count() === 1, 'no score bar');
  check(/\d\.\d{3}/.test(await first.locator('.score-num').textContent()), 'no score number');
  check((await first.locator('.explain').textContent()).includes('primakov=primakov'), 'no name explanation');
  check((await first.locator('.explain').textContent()).includes('2023-02-25'), 'no listing date');
  /* one card per party: the EU's and Canada's records of Primakov are one result with both listings */
  const ids = await page.locator('#results > li').evaluateAll((items) => items.map((li) => li.dataset.entityId));
  check(!ids.includes('ca-sema-russia-1-part-1-1358'), `Canada's record of Primakov is a card of its own: ${ids}`);
  const listed = await first.locator('.explain').textContent();
  check(/EU since 2023-02-25 \(EU-UKR\) · Canada since 2023-09-20/.test(listed), `listings of the party: ${listed}`);
  check((await first.locator('.chip').allTextContents()).some((t) => /EU sanctions/.test(t)), 'no dataset');
});

await step('search: a shared URL with birth date, country and type reproduces the search', async () => {
  await page.goto(`${base}/#/search?q=Evgeny+Primakov&dob=1976&country=ru&schema=Person`);
  await ready(page, '/search?q=Evgeny+Primakov&dob=1976&country=ru&schema=Person');
  check((await page.getByLabel('Birth date', { exact: true }).inputValue()) === '1976', 'birth date field not filled from the URL');
  check((await page.getByLabel('Country', { exact: true }).inputValue()) === 'ru', 'country field not filled from the URL');
  check((await page.getByLabel('Type', { exact: true }).inputValue()) === 'Person', 'type not taken from the URL');
  const first = page.locator('#results > li').first();
  check((await first.getAttribute('data-entity-id')) === PRIMAKOV, 'Primakov not first with evidence');
  const explain = await first.locator('.explain').textContent();
  check(/Evidence/.test(explain) && /same year/.test(explain), `no evidence in the explanation: ${explain}`);
  check(await first.locator('.tag-match').count() === 1, 'first result not marked as a match');
  await shot(page, 'search');
});

await step('keyboard: / focuses the name, ↓ reaches the first result, Enter opens it', async () => {
  await page.locator('h1').click();
  await page.keyboard.press('/');
  check(await page.evaluate(() => document.activeElement.id) === 'q', '/ did not focus the name field');
  await page.keyboard.press('ArrowDown');
  const focused = await page.evaluate(() => document.activeElement.closest('li')?.dataset.entityId);
  check(focused === PRIMAKOV, `↓ focused ${focused}`);
  await page.keyboard.press('Enter');
  await ready(page, `/entity/${PRIMAKOV}`);
});

await step('entity: names grouped by script with the Cyrillic alias, reason, program, source version', async () => {
  check((await page.locator('h1').textContent()).includes('Yevgeny Alexandrovich PRIMAKOV'), 'entity caption');
  const cyr = page.locator('[data-script="Cyrillic"]');
  check(await cyr.count() === 1, 'no Cyrillic group');
  const cyrNames = await cyr.locator('.name').allTextContents();
  check(cyrNames.includes('Евгений Александрович ПРИМАКОВ'), `Cyrillic names: ${cyrNames}`);
  const latNames = await page.locator('[data-script="Latin"] .name').allTextContents();
  check(latNames.includes('Yevgeny Primakov Jr.') && !latNames.some((n) => /\p{Script=Cyrillic}/u.test(n)), `Latin names: ${latNames}`);
  /* one row per list, each with its own words */
  const rows = await page.locator('table.listings tbody tr').evaluateAll((trs) => trs.map((tr) => [tr.dataset.record, tr.textContent]));
  check(rows.length === 2 && rows[0][0] === PRIMAKOV && rows[1][0] === 'ca-sema-russia-1-part-1-1358', `listings: ${JSON.stringify(rows).slice(0, 300)}`);
  check(rows[0][1].includes('Rossotrudnichestvo') && rows[0][1].includes('EU-UKR'), 'no EU reason or program');
  check(rows[1][1].includes('Canada') && rows[1][1].includes('2023-09-20'), 'no Canadian listing');
  check((await page.locator('dd[data-prop="birthDate"]').textContent()).includes('1976-04-29'), 'no birth date');
  check((await page.locator('dd[data-prop="nationality"]').textContent()).includes('Russia'), 'no nationality');
  const catalog = (await api('GET', '/catalog')).json;
  const eu = catalog.datasets.find((d) => d.name === 'eu_journal_sanctions');
  const row = page.locator('tr[data-dataset="eu_journal_sanctions"]');
  const rowText = await row.textContent();
  check(rowText.includes(eu.version.slice(0, 12)) && rowText.includes(eu.updated_at), `source row: ${rowText}`);
  await shot(page, 'entity');
});

await step('entity: an Arabic-script alias is grouped apart from the Latin names', async () => {
  await page.goto(`${base}/#/entity/unsc-6908048`);
  await ready(page, '/entity/unsc-6908048');
  const arabic = await page.locator('[data-script="Arabic"] .name').allTextContents();
  check(arabic.length === 1 && arabic[0] === 'صدام حسين التكريتي', `Arabic names: ${arabic}`);
  const latin = await page.locator('[data-script="Latin"] .name').allTextContents();
  check(latin.includes('SADDAM HUSSEIN AL-TIKRITI') && latin.includes('Abu Ali'), `Latin names: ${latin}`);
  check(await page.locator('[data-script="Cyrillic"]').count() === 0, 'an empty Cyrillic group is shown');
});

await step('entity: an unknown id shows the server\'s message', async () => {
  await page.goto(`${base}/#/entity/no-such-entity`);
  await ready(page, '/entity/no-such-entity');
  const err = await page.locator('.error').textContent();
  check(err.includes('No entity with id'), `error shown: ${err}`);
});

const article = await readFile(path.join(data, 'text', 'baku-russian-house.txt'), 'utf8');

await step('text: an uploaded file fills the article box', async () => {
  await page.goto(`${base}/#/text`);
  await ready(page, '/text');
  await page.locator('#article-file').setInputFiles(path.join(data, 'text', 'baku-russian-house.txt'));
  await page.waitForFunction(() => document.getElementById('article').value.length > 0, null, { timeout: WAIT });
  check((await page.locator('#article').inputValue()) === article.replace(/\r\n?/g, '\n'), 'uploaded text differs');
});

await step('text: the pasted Baku article highlights Primakov (listed) and Rossotrudnichestvo', async () => {
  await page.locator('#article').fill('');
  await page.locator('#article').fill(article);
  await page.getByRole('button', { name: 'Screen text' }).click();
  await page.locator('#article-view .mention').first().waitFor();
  // every byte of the article is on the page, in order, around the highlights
  check((await page.locator('#article-view').textContent()) === article.replace(/\r\n?/g, '\n'), 'highlighted text differs from the article');
  const primakov = page.locator('#article-view .mention', { hasText: 'Evgeny Primakov' });
  check(await primakov.count() === 1, `${await primakov.count()} Primakov highlights`);
  check((await primakov.textContent()) === 'Evgeny Primakov', `Primakov highlight covers “${await primakov.textContent()}”`);
  check((await primakov.getAttribute('data-kind')) === 'listed', 'Primakov not listed');
  check((await primakov.getAttribute('href')) === `#/entity/${PRIMAKOV}`, `Primakov links to ${await primakov.getAttribute('href')}`);
  const rosso = page.locator('#article-view .mention', { hasText: /^Rossotrudnichestvo$/ });
  check(await rosso.count() === 4, `${await rosso.count()} Rossotrudnichestvo highlights, expected 4`);
  for (const href of await rosso.evaluateAll((els) => els.map((e) => e.getAttribute('href'))))
    check(href === `#/entity/${ROSSOTRUDNICHESTVO}`, `Rossotrudnichestvo links to ${href}`);
  // linked mentions look different from listed ones
  const linked = page.locator('#article-view .mention[data-kind="linked"]', { hasText: 'Russian House' }).first();
  check(await linked.count() === 1, 'no linked mention of the Russian House');
  const style = (loc) => loc.evaluate((e) => `${getComputedStyle(e).backgroundColor}|${getComputedStyle(e).borderBottomStyle}`);
  const [ls, ks] = [await style(primakov), await style(linked)];
  check(ls !== ks, `listed and linked look the same: ${ls}`);
  check(((await linked.getAttribute('data-entity-ids')) || '').split(' ').length >= 1 && (await linked.getAttribute('href')).startsWith('#/entity/'), 'linked mention does not link to its listed parties');
  // text after a multi-byte character (’) still lines up
  const last = page.locator('#article-view .mention').last();
  check((await last.textContent()) === 'Science and Culture', `last highlight “${await last.textContent()}”`);
  const table = await page.locator('table.mentions').textContent();
  check(table.includes('Yevgeny Alexandrovich PRIMAKOV') && table.includes('Dimitri SYTII'), 'mention table lacks entities');
  await page.setViewportSize({ width: 1280, height: 1500 });
  await page.evaluate(() => window.scrollTo(0, 0));
  await shot(page, 'text', { fullPage: false });
  await page.setViewportSize({ width: 1280, height: 900 });
  await rosso.first().click();
  await ready(page, `/entity/${ROSSOTRUDNICHESTVO}`);
  check((await page.locator('h1').textContent()).includes('Rossotrudnichestvo'), 'Rossotrudnichestvo entity page');
  await page.goBack();
  await ready(page, '/text');
  check(await page.locator('#article-view .mention-listed').count() > 0, 'the screened article was lost on going back');
});

await step('API key: a 401 asks for a key, which is stored and used', async () => {
  if (!keyedBase || !apiKey) throw new Error('KORDON_KEYED_URL / KORDON_API_KEY not set');
  const keyed = await context.newPage();
  await keyed.goto(`${keyedBase}/#/search?q=Evgeny+Primakov`);
  await keyed.locator('#auth').waitFor({ state: 'visible' });
  check((await keyed.locator('#auth-message').textContent()).includes('API key'), 'no explanation of the key form');
  await keyed.getByLabel('API key', { exact: true }).fill('wrong-key');
  await keyed.getByRole('button', { name: 'Use key' }).click();
  await keyed.waitForFunction(() => /refused/.test(document.getElementById('auth-message').textContent) && !document.getElementById('auth').hidden, null, { timeout: WAIT });
  await keyed.getByLabel('API key', { exact: true }).fill(apiKey);
  await keyed.getByRole('button', { name: 'Use key' }).click();
  await keyed.locator('#results > li').first().waitFor();
  check((await keyed.locator('#results > li').first().getAttribute('data-entity-id')) === PRIMAKOV, 'keyed search');
  check(await keyed.locator('#auth').isHidden(), 'key form still shown');
  check((await keyed.evaluate(() => localStorage.getItem('kordon.apiKey'))) === apiKey, 'key not stored');
  await keyed.close();
});

/* The Alerts page against a stand-in for the contract (GET /alerts,
 * POST /alerts/{id}/decision), intercepted in the browser: it checks what the
 * page sends and shows, whatever the server does. */
async function alertsAgainstStub(takeShot) {
  const match = (await api('POST', '/match/default?limit=2', {
    queries: {
      p: { schema: 'Person', properties: { name: ['Evgeny Primakov'], birthDate: ['1976'], nationality: ['ru'] } },
      o: { schema: 'Organization', properties: { name: ['Rossotrudnichestvo'] } },
      b: { schema: 'Person', properties: { name: ['Eric Badege'] } },
    },
  })).json;
  const results = [
    ...match.responses.p.results.slice(0, 1).map((r) => [r, 'Evgeny Primakov']),
    ...match.responses.o.results.slice(0, 1).map((r) => [r, 'Rossotrudnichestvo']),
    ...match.responses.b.results.slice(0, 1).map((r) => [r, 'Eric Badege']),
  ];
  check(results.length === 3 && results[0][0].id === PRIMAKOV, `match for the stub: ${JSON.stringify(match).slice(0, 300)}`);
  const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  const alerts = results.map(([r, q], i) => ({
    id: 17 + i,
    created_at: now,
    status: 'open',
    query_name: q,
    entity_id: r.id,
    entity_caption: r.caption,
    score: r.score,
    explanation: r.explanations,
    datasets: r.datasets,
    decisions: [],
  }));
  const posted = [];
  const stubbed = await context.newPage();
  await stubbed.route(/\/alerts(\/|\?|$)/, async (route) => {
    const req = route.request();
    const url = new URL(req.url());
    const json = (status, body) => route.fulfill({ status, contentType: 'application/json', body: JSON.stringify(body) });
    if (req.method() === 'GET' && url.pathname === '/alerts') {
      const st = url.searchParams.get('status') || 'open';
      const list = alerts.filter((a) => st === 'all' || (st === 'open' ? a.status === 'open' : a.status !== 'open'));
      return json(200, { alerts: list, total: list.length });
    }
    const m = /^\/alerts\/(\d+)\/decision$/.exec(url.pathname);
    if (req.method() === 'POST' && m) {
      const body = req.postDataJSON();
      posted.push(body);
      const a = alerts.find((x) => x.id === Number(m[1]));
      if (!a) return json(404, { detail: 'no such alert' });
      if (!['true_match', 'false_positive', 'escalate'].includes(body.verdict)) return json(422, { detail: 'bad verdict' });
      a.status = body.verdict === 'escalate' ? 'escalated' : body.verdict;
      a.decisions.push({ verdict: body.verdict, reviewer: body.reviewer, comment: body.comment, decided_at: now });
      return json(201, { alert: a });
    }
    return json(404, { detail: 'Not Found' });
  });
  await stubbed.goto(`${base}/#/alerts`);
  await ready(stubbed, '/alerts');
  check(await stubbed.locator('#open-alerts [data-alert-id]').count() === alerts.length, 'open alerts not all shown');
  check((await stubbed.locator('#open-title').textContent()).includes(`(${alerts.length})`), 'open count');
  await stubbed.getByLabel('Reviewer', { exact: true }).fill('E2E Reviewer');
  const card = stubbed.locator('#open-alerts [data-alert-id="17"]');
  check((await card.textContent()).includes('primakov=primakov'), 'alert explanation');
  await card.getByLabel('Comment on alert 17', { exact: true }).fill('Different person: born 1950 per KYC file.');
  await card.getByRole('button', { name: 'False positive' }).click();
  await stubbed.locator('#open-alerts [data-alert-id="17"]').waitFor({ state: 'detached' });
  const row = stubbed.locator('#alert-history tr[data-alert-id="17"]');
  await row.waitFor();
  const rowText = await row.textContent();
  check(/false positive/.test(rowText) && rowText.includes('E2E Reviewer') && rowText.includes('born 1950'), `history row: ${rowText}`);
  check(posted.length === 1 && posted[0].verdict === 'false_positive' && posted[0].reviewer === 'E2E Reviewer' && posted[0].comment === 'Different person: born 1950 per KYC file.', `decision sent: ${JSON.stringify(posted)}`);
  check(await stubbed.locator('#open-alerts [data-alert-id]').count() === alerts.length - 1, 'the decided alert is still open');
  if (takeShot) await shot(stubbed, 'alerts');
  await stubbed.close();
}

await step('alerts page against the alerts contract (stubbed in the browser)', async () => {
  await alertsAgainstStub(false);
});

await step('alerts: decide an alert on the server and see it leave the queue', async () => {
  const probe = await api('GET', '/alerts?status=open');
  check(probe.status === 200, `GET /alerts: ${probe.status} ${probe.text}`);
  // a screening request with a match raises alerts
  const m = await api('POST', '/match/default?limit=5', { queries: { q: { schema: 'Person', properties: { name: ['Evgeny Primakov'], birthDate: ['1976'], nationality: ['ru'] } } } });
  check(m.status === 200, `POST /match: ${m.status}`);
  const open = (await api('GET', '/alerts?status=open')).json;
  const alert = open.alerts.find((a) => a.entity_id === PRIMAKOV && a.status === 'open');
  check(alert, `no open alert for ${PRIMAKOV}: ${JSON.stringify(open).slice(0, 500)}`);
  await page.goto(`${base}/#/alerts`);
  await ready(page, '/alerts');
  await page.getByLabel('Reviewer', { exact: true }).fill('E2E Reviewer');
  const card = page.locator(`#open-alerts [data-alert-id="${alert.id}"]`);
  check(await card.count() === 1, `alert ${alert.id} not in the queue`);
  await card.getByLabel(`Comment on alert ${alert.id}`, { exact: true }).fill('Different person: born 1950 per KYC file.');
  await card.getByRole('button', { name: 'False positive' }).click();
  await page.locator(`#open-alerts [data-alert-id="${alert.id}"]`).waitFor({ state: 'detached' });
  await page.locator(`#alert-history tr[data-alert-id="${alert.id}"]`).waitFor();
  check(/false positive/.test(await page.locator(`#alert-history tr[data-alert-id="${alert.id}"]`).textContent()), 'history row');
  const decided = (await api('GET', '/alerts?status=decided')).json;
  const d = decided.alerts.find((a) => a.id === alert.id);
  check(d && d.status === 'false_positive', `server: ${JSON.stringify(d)}`);
  const last = d.decisions[d.decisions.length - 1];
  check(last.verdict === 'false_positive' && last.reviewer === 'E2E Reviewer' && /born 1950/.test(last.comment), `decision: ${JSON.stringify(last)}`);
  const still = (await api('GET', '/alerts?status=open')).json.alerts.some((a) => a.id === alert.id);
  check(!still, 'the decided alert is still open on the server');
  await shot(page, 'alerts');
});

await step('no script errors on the page', async () => {
  check(pageErrors.length === 0, pageErrors.join('\n'));
});

await browser.close();
if (failures) {
  console.log(`e2e web: ${failures} step(s) failed`);
  process.exit(1);
}
console.log('e2e web: all steps passed');
