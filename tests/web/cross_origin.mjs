// Cross-origin safety of an open `kordon serve` (no API key, the default of
// `make run`), in Debian's chromium driven by playwright-core. Run by
// tests/e2e_web.sh, which sets:
//   KORDON_URL        the open server, started with --db and
//                     --cors-origin $KORDON_ALLOWED_ORIGIN
//   KORDON_ATTACKER   base URL of a static server holding attacker/attack.html,
//                     reached by a name that is NOT the allowed origin
//   KORDON_ALLOWED_ORIGIN  the same static server under the allowed origin
//   KORDON_CHROMIUM   the browser
// A page of another origin must not read alerts or the audit trail, and must
// not record a decision however it sends it; a configured origin may read.
// A page reached through a DNS name the server was not told of (DNS
// rebinding) gets nothing.
import { chromium } from 'playwright-core';

const base = process.env.KORDON_URL;
const attacker = process.env.KORDON_ATTACKER;
const allowed = process.env.KORDON_ALLOWED_ORIGIN;
const WAIT = 120_000;
let failures = 0;
function check(ok, message) {
  if (!ok) {
    failures++;
    process.stdout.write(`   FAIL: ${message}\n`);
  } else {
    process.stdout.write(`   ok: ${message}\n`);
  }
}

// An alert to aim at: a screening of a listed person by a customer.
const screened = await fetch(`${base}/match/default`, {
  method: 'POST',
  headers: { 'Content-Type': 'application/json' },
  body: JSON.stringify({ queries: { q: { id: 'cross-origin-customer', schema: 'Person',
    properties: { name: ['Evgeny Primakov'] } } } }),
});
check(screened.status === 200, `screening to raise an alert: ${screened.status}`);
const alerts = await (await fetch(`${base}/alerts?status=all`)).json();
const target = alerts.alerts.find((a) => a.customer_id === 'cross-origin-customer');
check(target, 'the alert exists');

const browser = await chromium.launch({
  executablePath: process.env.KORDON_CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox', '--host-resolver-rules=MAP rebind.test 127.0.0.1'],
});
try {
  const page = await browser.newPage();
  async function run(origin) {
    await page.goto(`${origin}/attack.html?target=${encodeURIComponent(base)}&alert=${target.id}`);
    await page.waitForFunction(() => document.body.dataset.done === '1', null, { timeout: WAIT });
    return page.evaluate(() => window.results);
  }
  const foreign = await run(attacker);
  process.stdout.write(`-- a page at ${attacker}: ${JSON.stringify(foreign)}\n`);
  check(foreign.read_alerts === 'blocked', 'a foreign page cannot read /alerts');
  check(foreign.read_audit === 'blocked', 'a foreign page cannot read /audit');
  check(foreign.decide_text !== 201, 'a text/plain decision is not recorded');
  check(foreign.decide_json === 'blocked', 'a JSON decision is stopped by the preflight');

  const after = await (await fetch(`${base}/alerts/${target.id}`)).json();
  check(after.status === 'open' && !(after.decisions || []).length,
    `the alert is still open, no decision: ${JSON.stringify({ status: after.status, decisions: after.decisions })}`);
  const audit = await (await fetch(`${base}/audit`)).text();
  check(!audit.includes('attacker'), 'the audit trail holds nothing from the attacker');

  const friend = await run(allowed);
  process.stdout.write(`-- a page at ${allowed} (--cors-origin): ${JSON.stringify(friend)}\n`);
  check(friend.read_alerts === 200, 'the configured origin reads /alerts');

  // DNS rebinding: the attacker's name now resolves to the server itself.
  const port = new URL(base).port;
  const rebound = await page.goto(`http://rebind.test:${port}/`);
  check(rebound.status() === 421, `a page through an unknown DNS name gets 421, not the app: ${rebound.status()}`);
  const alertsViaName = await page.evaluate(async (u) => (await fetch(u)).status, `http://rebind.test:${port}/alerts`);
  check(alertsViaName === 421, `/alerts through the rebound name: ${alertsViaName}`);
} finally {
  await browser.close();
}
process.stdout.write(failures ? `cross_origin: ${failures} failed\n` : 'cross_origin: all passed\n');
process.exit(failures ? 1 : 0);
