/* kordon's page for analysts, casework: who is signed in, the case queue
 * (#/cases), one case (#/case/ID) and batch screening of a CSV file
 * (#/screen). The queue is paged by the server: the page holds one page of
 * cases, however many are open. */
import {
  REVIEWER_STORE, api, authHeaders, catalog, currentRoute, datasetChips, errorBox, explanationText, fmtTime, h,
  main, scoreBar, showAuth, storage, values,
} from './lib.js';

const CASE_STATES = [
  ['open', 'Open'],
  ['in_review', 'In review'],
  ['escalated', 'Escalated'],
  ['pending_approval', 'Awaiting approval'],
  ['closed', 'Closed'],
];
const CASE_STATE_LABEL = Object.fromEntries(CASE_STATES);
const ACTIVE_STATES = ['open', 'in_review', 'escalated', 'pending_approval'];
const CASE_SORTS = [
  ['score', 'Best hit first'],
  ['newest', 'Newest first'],
  ['oldest', 'Oldest first'],
  ['updated', 'Last changed first'],
];
const PAGE_SIZE = 50;

/* ---- who is signed in -------------------------------------------------------- */

let mePromise = null;
function me() {
  if (!mePromise)
    mePromise = api('GET', '/me').catch((e) => {
      mePromise = null;
      throw e;
    });
  return mePromise;
}

/* The header's "signed in as": a named key's user, or on a server without
 * keys the name this browser sends (X-Kordon-User). */
export async function identityChanged() {
  mePromise = null;
  const box = document.getElementById('who');
  if (!box) return;
  let who;
  try {
    who = await me();
  } catch {
    box.replaceChildren(h('button', { type: 'button', class: 'linklike on-dark', id: 'sign-in', onclick: () => showAuth('Sign in with your API key.') }, 'Sign in'));
    return;
  }
  const parts = [];
  if (who.named_by_key) {
    parts.push(h('span', { id: 'who-name' }, `${who.name} · ${who.role}`));
  } else if (!who.keys_required) {
    const input = h('input', { id: 'who-input', type: 'text', value: storage.get(REVIEWER_STORE), placeholder: 'your name', 'aria-label': 'Your name (recorded with what you do)', size: 12 });
    input.addEventListener('change', () => {
      storage.set(REVIEWER_STORE, input.value.trim());
      identityChanged();
    });
    parts.push(h('span', { id: 'who-name' }, who.name ? `${who.name} · ${who.role}` : 'not named'), input);
  } else {
    parts.push(h('span', { id: 'who-name' }, who.name ? `${who.name} · ${who.role}` : 'service key: name yourself'));
  }
  parts.push(h('button', { type: 'button', class: 'linklike on-dark', id: 'switch-user', onclick: () => showAuth('Sign in as another user with their API key.') }, who.named_by_key ? 'Switch user' : 'Sign in'));
  box.replaceChildren(...parts);
}

/* ---- the queue ---------------------------------------------------------------- */

function casesParams(query) {
  const p = new URLSearchParams(query);
  if (!p.has('state') && !p.has('awaiting')) for (const s of ACTIVE_STATES) p.append('state', s);
  return p;
}

function caseRow(c, byName, selected) {
  const box = h('input', { type: 'checkbox', class: 'pick', 'aria-label': `Select case ${c.id}`, value: c.id });
  box.checked = selected.has(c.id);
  box.addEventListener('change', () => (box.checked ? selected.add(c.id) : selected.delete(c.id)));
  return h(
    'tr',
    { 'data-case-id': c.id, 'data-state': c.state },
    h('td', {}, box),
    h('td', { class: 'nowrap' }, h('a', { href: `#/case/${c.id}`, class: 'case-link' }, `#${c.id}`)),
    h('td', {}, c.subject_name, c.customer_id ? h('span', { class: 'muted small' }, ` · ${c.customer_id}`) : null),
    h('td', {}, scoreBar(c.top_score, c.top_score >= 0.7)),
    h('td', {}, `${c.alert_count}`),
    /* the lists by their short names: a row stays one line high */
    h('td', {}, h('ul', { class: 'chips' }, (c.datasets || []).map((d) => h('li', { class: 'chip', title: (byName.get(d) && byName.get(d).title) || d }, d)))),
    h('td', {}, h('span', { class: `tag case-${c.state}` }, CASE_STATE_LABEL[c.state] || c.state), c.verdict ? h('span', { class: 'muted small' }, ` ${c.verdict.replace('_', ' ')}`) : null),
    h('td', {}, c.assignee || h('span', { class: 'muted' }, '—')),
    h('td', { class: 'nowrap small' }, fmtTime(c.updated_at)),
  );
}

function filterForm(p, byName) {
  const field = (id, label, input) => h('div', { class: 'field' }, h('label', { for: id }, label), input);
  const states = p.getAll('state');
  const stateSel = h('select', { id: 'f-state', name: 'state', multiple: true, size: 5 }, CASE_STATES.map(([v, l]) => h('option', { value: v, selected: states.includes(v) }, l)));
  const assignee = h('select', { id: 'f-assignee', name: 'assignee' }, [['', 'Anyone'], ['me', 'Me'], ['none', 'Nobody']].map(([v, l]) => h('option', { value: v, selected: (p.get('assignee') || '') === v }, l)));
  const datasets = [...byName.values()].filter((d) => d.name !== 'default').map((d) => d.name);
  const dataset = h('select', { id: 'f-dataset', name: 'dataset' }, h('option', { value: '' }, 'Any list'), datasets.map((d) => h('option', { value: d, selected: p.get('dataset') === d }, (byName.get(d) && byName.get(d).title) || d)));
  const minScore = h('input', { id: 'f-min', name: 'min_score', type: 'number', min: 0, max: 1, step: 0.01, value: p.get('min_score') || '', size: 5 });
  const maxScore = h('input', { id: 'f-max', name: 'max_score', type: 'number', min: 0, max: 1, step: 0.01, value: p.get('max_score') || '', size: 5 });
  const customer = h('input', { id: 'f-customer', name: 'customer', type: 'text', value: p.get('customer') || '', size: 10 });
  const from = h('input', { id: 'f-from', name: 'from', type: 'date', value: p.get('from') || '' });
  const to = h('input', { id: 'f-to', name: 'to', type: 'date', value: p.get('to') || '' });
  const sort = h('select', { id: 'f-sort', name: 'sort' }, CASE_SORTS.map(([v, l]) => h('option', { value: v, selected: (p.get('sort') || 'score') === v }, l)));
  const awaiting = h('input', { id: 'f-awaiting', name: 'awaiting', type: 'checkbox', value: 'me' });
  awaiting.checked = p.get('awaiting') === 'me';
  const form = h(
    'form',
    { class: 'search-form case-filters', id: 'case-filters', role: 'search', 'aria-label': 'Filter cases' },
    field('f-state', 'State', stateSel),
    h('div', { class: 'field' }, h('label', { for: 'f-awaiting' }, 'Awaiting me'), awaiting),
    field('f-assignee', 'Assigned to', assignee),
    field('f-dataset', 'List', dataset),
    field('f-min', 'Score from', minScore),
    field('f-max', 'to', maxScore),
    field('f-customer', 'Customer id', customer),
    field('f-from', 'Opened from', from),
    field('f-to', 'before', to),
    field('f-sort', 'Sort', sort),
    h('div', { class: 'field field-submit' }, h('button', { type: 'submit', id: 'f-apply' }, 'Filter')),
  );
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const q = new URLSearchParams();
    if (awaiting.checked) q.set('awaiting', 'me');
    for (const o of stateSel.selectedOptions) q.append('state', o.value);
    for (const [k, el] of [['assignee', assignee], ['dataset', dataset], ['min_score', minScore], ['max_score', maxScore], ['customer', customer], ['from', from], ['to', to]])
      if (el.value) q.set(k, el.value);
    if (sort.value !== 'score') q.set('sort', sort.value);
    location.hash = `#/cases?${q}`;
  });
  return form;
}

/* Downloads what a GET answers (with this browser's key) as a file. */
async function download(path, name, status) {
  try {
    const text = await api('GET', path, undefined, { text: true });
    const a = h('a', { href: URL.createObjectURL(new Blob([text])), download: name });
    document.body.append(a);
    a.click();
    a.remove();
    status.textContent = `Downloaded ${name}.`;
  } catch (e) {
    status.textContent = `Export failed: ${e.detail || e.message}`;
  }
}

export async function renderCases(query) {
  document.title = 'Cases — kordon';
  const p = casesParams(query);
  const status = h('p', { class: 'status', role: 'status', 'aria-live': 'polite', id: 'cases-status' });
  const body = h('div', { id: 'cases' });
  const seq = currentRoute();
  let byName = new Map();
  try {
    byName = await catalog();
  } catch {
    /* chips without titles */
  }
  if (seq !== currentRoute()) return; /* the analyst has moved on */
  main().replaceChildren(h('h1', {}, 'Cases'), filterForm(p, byName), status, body);
  const listing = new URLSearchParams(p);
  listing.set('limit', PAGE_SIZE);
  let page;
  try {
    page = await api('GET', `/cases?${listing}`);
  } catch (e) {
    if (e.status === 404 && /store|--db|record/i.test(e.detail))
      body.replaceChildren(h('p', { class: 'notice', id: 'cases-unavailable' }, 'This server keeps no cases. Start it with ', h('code', {}, 'kordon serve --db FILE'), '.', h('br'), h('span', { class: 'muted small' }, `Server said: ${e.detail}`)));
    else body.replaceChildren(errorBox(e));
    return;
  }
  const selected = new Set();
  const cases = page.cases || [];
  const all = h('input', { type: 'checkbox', id: 'pick-all', 'aria-label': 'Select every case on this page' });
  const rows = cases.map((c) => caseRow(c, byName, selected));
  all.addEventListener('change', () => {
    for (const box of body.querySelectorAll('input.pick')) {
      box.checked = all.checked;
      box.dispatchEvent(new Event('change'));
    }
  });
  const comment = h('input', { id: 'bulk-comment', type: 'text', placeholder: 'why (required to close or escalate)', size: 34 });
  const bulk = async (action, extra = {}) => {
    const ids = [...selected];
    if (!ids.length) {
      status.textContent = 'Select cases first.';
      return;
    }
    try {
      const r = await api('POST', '/cases/bulk', { ids, action, comment: comment.value.trim() || undefined, ...extra });
      const errors = r.results.filter((x) => x.error);
      status.textContent = `${action}: ${r.done} of ${ids.length} done` + (errors.length ? `; refused: ${errors.slice(0, 3).map((x) => `#${x.id} ${x.error}`).join('; ')}${errors.length > 3 ? ' …' : ''}` : '.');
      await renderCasesKeepStatus(query, status.textContent);
    } catch (e) {
      status.textContent = `${action}: ${e.detail || e.message}`;
    }
  };
  const exportPath = (format) => {
    const q = new URLSearchParams(p);
    q.set('format', format);
    return `/cases?${q}`;
  };
  const next = page.next ? new URLSearchParams(query) : null;
  if (next) next.set('after', page.next);
  const firstPage = new URLSearchParams(query);
  firstPage.delete('after');
  body.replaceChildren(
    h(
      'div',
      { class: 'row bulk', role: 'group', 'aria-label': 'Act on the selected cases' },
      h('label', { for: 'bulk-comment', class: 'visually-hidden' }, 'Comment for the selected cases'),
      comment,
      h('button', { type: 'button', id: 'bulk-assign', onclick: () => bulk('assign') }, 'Assign to me'),
      h('button', { type: 'button', id: 'bulk-false-positive', class: 'verdict-false_positive', onclick: () => bulk('close', { verdict: 'false_positive' }) }, 'Close: false positive'),
      h('button', { type: 'button', id: 'bulk-true-match', class: 'verdict-true_match', onclick: () => bulk('close', { verdict: 'true_match' }) }, 'Close: true match'),
      h('button', { type: 'button', id: 'bulk-escalate', class: 'verdict-escalate', onclick: () => bulk('escalate') }, 'Escalate'),
      h('button', { type: 'button', id: 'bulk-approve', onclick: () => bulk('approve') }, 'Approve'),
    ),
    h(
      'p',
      { class: 'muted', id: 'cases-count' },
      `${Number(page.total).toLocaleString('en')} cases`,
      query.includes('after=') ? ' · later page' : '',
      ' · ',
      h('button', { type: 'button', class: 'linklike', id: 'export-csv', onclick: () => download(exportPath('csv'), 'cases.csv', status) }, 'export CSV'),
      ' · ',
      h('button', { type: 'button', class: 'linklike', id: 'export-jsonl', onclick: () => download(exportPath('jsonl'), 'cases.jsonl', status) }, 'export JSON lines'),
    ),
    cases.length
      ? h(
          'table',
          { class: 'cases', id: 'case-table' },
          h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, all), ['Case', 'Subject', 'Best hit', 'Hits', 'Lists', 'State', 'Assignee', 'Changed'].map((t) => h('th', { scope: 'col' }, t)))),
          h('tbody', {}, rows),
        )
      : h('p', { class: 'muted', id: 'no-cases' }, 'No cases match these filters.'),
    h(
      'nav',
      { class: 'row pager', 'aria-label': 'Pages of cases' },
      query.includes('after=') ? h('a', { href: `#/cases?${firstPage}`, id: 'first-page' }, 'First page') : null,
      next ? h('a', { href: `#/cases?${next}`, id: 'next-page' }, 'Next page') : null,
    ),
  );
}

async function renderCasesKeepStatus(query, text) {
  await renderCases(query);
  const s = document.getElementById('cases-status');
  if (s) s.textContent = text;
}

/* ---- one case ------------------------------------------------------------------- */

/* What the signed-in user may do to a case in its state (the server
 * decides; the page offers only what it would accept). */
function caseActions(c, who) {
  const supervisor = who && (who.role === 'supervisor' || who.role === 'admin');
  const working = ['open', 'in_review', 'escalated'].includes(c.state);
  const acts = [['comment', 'Add comment']];
  if (working && (!who || c.assignee !== who.name)) acts.push(['assign', 'Assign to me']);
  if (c.state === 'open' || c.state === 'in_review') acts.push(['escalate', 'Escalate']);
  if (working && (c.state !== 'escalated' || supervisor)) acts.push(['close:true_match', 'Close: true match'], ['close:false_positive', 'Close: false positive']);
  if (c.state === 'pending_approval' && supervisor && who.name !== c.proposed_by) acts.push(['approve', 'Approve closing'], ['reject', 'Reject closing']);
  if (c.state === 'pending_approval' && who && who.name === c.proposed_by) acts.push(['reject', 'Withdraw proposal']);
  if (c.state === 'closed' && supervisor) acts.push(['reopen', 'Reopen']);
  return acts;
}

function hitsTable(c, byName) {
  /* one row per party: the best hit, and how often it was raised */
  const parties = new Map();
  for (const a of c.alerts) {
    const p = parties.get(a.entity_id);
    if (p) p.count++;
    else parties.set(a.entity_id, { ...a, count: 1 });
  }
  return h(
    'table',
    { class: 'hits', id: 'case-hits' },
    h('caption', {}, `Hits (${parties.size} ${parties.size === 1 ? 'party' : 'parties'}, ${c.alerts.length} ${c.alerts.length === 1 ? 'alert' : 'alerts'})`),
    h('thead', {}, h('tr', {}, ['Listed party', 'Score', 'Why', 'Lists', 'Screened as', 'Decision'].map((t) => h('th', { scope: 'col' }, t)))),
    h(
      'tbody',
      {},
      [...parties.values()].map((a) =>
        h(
          'tr',
          { 'data-alert-id': a.id },
          h('td', {}, h('a', { href: `#/entity/${encodeURIComponent(a.entity_id)}` }, a.caption || a.entity_id), a.count > 1 ? h('span', { class: 'muted small' }, ` ×${a.count}`) : null),
          h('td', {}, scoreBar(a.score, true)),
          h('td', { class: 'detail' }, explanationText(a.explanation)),
          h('td', {}, datasetChips(a.datasets, byName)),
          h('td', {}, a.input.name, a.input.birth_date ? ` · ${a.input.birth_date}` : '', h('span', { class: 'muted small' }, ` (run ${a.run_id}, line ${a.input.row})`)),
          h('td', {}, a.verdict ? a.verdict.replace('-', ' ') : h('span', { class: 'muted' }, '—')),
        ),
      ),
    ),
  );
}

function evidenceList(c) {
  return h(
    'div',
    { id: 'case-evidence' },
    c.runs.map((r) =>
      h(
        'details',
        {},
        h('summary', {}, `Run ${r.id} by ${r.actor}, ${fmtTime(r.started_at)}: ${r.datasets.length} lists`),
        h('table', { class: 'small' }, h('thead', {}, h('tr', {}, ['List', 'Version', 'Newest entry'].map((t) => h('th', { scope: 'col' }, t)))), h('tbody', {}, r.datasets.map((d) => h('tr', {}, h('td', {}, d.dataset), h('td', { class: 'detail' }, d.version), h('td', {}, d.newest_date || ''))))),
      ),
    ),
  );
}

function historyList(c) {
  return h(
    'ol',
    { class: 'timeline', id: 'case-history' },
    c.events.map((e) =>
      h(
        'li',
        { 'data-kind': e.kind },
        h('span', { class: 'nowrap small muted' }, fmtTime(e.created_at)),
        ' ',
        h('strong', {}, e.actor),
        ` ${e.kind} `,
        h('span', { class: `tag case-${e.state}` }, CASE_STATE_LABEL[e.state] || e.state),
        e.detail ? h('span', { class: 'event-detail' }, ` ${e.detail}`) : null,
      ),
    ),
  );
}

export async function renderCase(id) {
  document.title = `Case ${id} — kordon`;
  const seq = currentRoute();
  let c, byName, who;
  try {
    [c, byName, who] = await Promise.all([api('GET', `/cases/${encodeURIComponent(id)}`), catalog(), me().catch(() => null)]);
  } catch (e) {
    if (seq === currentRoute()) main().replaceChildren(h('h1', {}, `Case ${id}`), errorBox(e));
    return;
  }
  if (seq !== currentRoute()) return; /* the analyst has moved on */
  const status = h('p', { class: 'status', role: 'status', 'aria-live': 'polite', id: 'case-status' });
  const comment = h('textarea', { id: 'case-comment', rows: 2, name: 'comment' });
  const act = async (code, button) => {
    const [action, verdict] = code.split(':');
    button.disabled = true;
    try {
      await api('POST', `/cases/${c.id}/actions`, { action, verdict, comment: comment.value.trim() || undefined });
      await renderCase(id);
      const s = document.getElementById('case-status');
      if (s) s.textContent = `${button.textContent}: done.`;
    } catch (e) {
      button.disabled = false;
      status.textContent = `${button.textContent}: ${e.detail || e.message}`;
    }
  };
  main().replaceChildren(
    h(
      'div',
      { class: 'entity-head' },
      h('p', { class: 'crumbs no-print' }, h('a', { href: '#/cases' }, 'Cases'), ' › ', `#${c.id}`),
      h('h1', { id: 'case-title' }, `Case #${c.id}: ${c.subject_name}`),
      h(
        'p',
        { class: 'meta' },
        h('span', { class: `tag case-${c.state}`, id: 'case-state' }, CASE_STATE_LABEL[c.state] || c.state),
        c.verdict ? h('span', { id: 'case-verdict' }, c.state === 'closed' ? c.verdict.replace('_', ' ') : `proposed: ${c.verdict.replace('_', ' ')} by ${c.proposed_by}`) : null,
        c.customer_id ? h('span', {}, `customer ${c.customer_id}`) : h('span', { class: 'muted' }, 'no customer id: a case by name'),
        h('span', {}, c.assignee ? `assigned to ${c.assignee}` : 'unassigned'),
        h('span', { class: 'muted small' }, `opened ${fmtTime(c.created_at)} · changed ${fmtTime(c.updated_at)}`),
        h('button', { type: 'button', class: 'linklike no-print', id: 'print-case', onclick: () => window.print() }, 'Print report'),
      ),
    ),
    h(
      'section',
      { class: 'card no-print', 'aria-labelledby': 'act-title' },
      h('h2', { id: 'act-title' }, 'Act'),
      h('label', { for: 'case-comment' }, 'Comment (why)'),
      comment,
      h('div', { class: 'row verdicts', role: 'group', 'aria-label': `Act on case ${c.id}` }, caseActions(c, who).map(([code, label]) => h('button', { type: 'button', 'data-action': code, class: `verdict verdict-${code.split(':')[1] || code}`, onclick: (ev) => act(code, ev.currentTarget) }, label))),
      status,
    ),
    h('section', { class: 'card' }, hitsTable(c, byName)),
    h('section', { class: 'card', 'aria-labelledby': 'history-title' }, h('h2', { id: 'history-title' }, 'History'), historyList(c)),
    h('section', { class: 'card', 'aria-labelledby': 'evidence-title' }, h('h2', { id: 'evidence-title' }, 'Evidence: the list versions screened against'), evidenceList(c)),
  );
}

/* ---- batch screening --------------------------------------------------------------- */

export async function renderScreen() {
  document.title = 'Screen a file — kordon';
  const file = h('input', { id: 'screen-file', type: 'file', accept: '.csv,text/csv' });
  const progress = h('progress', { id: 'screen-progress', max: 1, value: 0 });
  const status = h('p', { class: 'status', role: 'status', 'aria-live': 'polite', id: 'screen-status' });
  const result = h('div', { id: 'screen-result' });
  const form = h(
    'form',
    { class: 'text-form', id: 'screen-form' },
    h('label', { for: 'screen-file' }, 'Customers, one per line (CSV with a header: id, name, and optionally birth_date, country, schema, identifier)'),
    file,
    h('div', { class: 'row' }, h('button', { type: 'submit', id: 'screen-go' }, 'Screen'), progress),
  );
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const f = file.files[0];
    if (!f) {
      status.textContent = 'Choose a CSV file first.';
      return;
    }
    const bytes = new Uint8Array(await f.arrayBuffer());
    const rows = Math.max(1, new TextDecoder().decode(bytes).split(/\r?\n/).filter((l) => l.trim()).length - 1);
    progress.max = rows;
    progress.value = 0;
    status.textContent = `Screening ${rows.toLocaleString('en')} rows…`;
    result.replaceChildren();
    let res;
    try {
      res = await fetch('/screen', { method: 'POST', headers: { ...authHeaders(), 'Content-Type': 'text/csv' }, body: bytes });
    } catch (e) {
      status.textContent = `The server did not answer (${e.message}).`;
      return;
    }
    if (!res.ok) {
      let detail = `${res.status}`;
      try {
        detail = (await res.json()).detail || detail;
      } catch {
        /* not JSON */
      }
      status.textContent = `Refused: ${detail}`;
      if (res.status === 401) showAuth('Sign in to screen files.');
      return;
    }
    /* the answer streams a line per row: count them as they come */
    const reader = res.body.getReader();
    const decoder = new TextDecoder();
    let text = '';
    let lines = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      const chunk = decoder.decode(value, { stream: true });
      text += chunk;
      lines += (chunk.match(/\n/g) || []).length;
      progress.value = Math.min(lines, rows);
    }
    progress.value = rows;
    const answers = text.split('\n').filter(Boolean).map((l) => JSON.parse(l));
    const matched = answers.filter((a) => (a.results || []).some((r) => r.match)).length;
    const refused = answers.filter((a) => a.status && a.status !== 200);
    status.textContent = `Screened ${answers.length.toLocaleString('en')} rows: ${matched.toLocaleString('en')} with a match, ${refused.length} refused.`;
    const url = URL.createObjectURL(new Blob([text], { type: 'application/x-ndjson' }));
    result.replaceChildren(
      ...[
        h('p', {}, h('a', { href: url, download: 'screening-results.jsonl', id: 'screen-download' }, 'Download the results (JSON lines)'), ' · ', h('a', { href: '#/cases', id: 'screen-cases' }, 'Open the case queue')),
        refused.length ? h('ul', { class: 'plain', id: 'screen-refused' }, refused.slice(0, 20).map((a) => h('li', { class: 'error' }, `line ${a.line}: ${a.detail || a.status}`))) : null,
      ].filter(Boolean),
    );
  });
  main().replaceChildren(h('h1', {}, 'Screen a file'), form, status, result);
}
