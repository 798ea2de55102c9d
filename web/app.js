/* kordon's page for analysts: a small single-page app over the server's JSON
 * API. Plain JavaScript, no build step; routes live in the URL's hash:
 *   #/search?q=NAME&dob=DATE&country=CC&schema=Person   screen a name (/match)
 *   #/entity/ID                                        one listed entity (/entities, /catalog)
 *   #/text                                             screen an article (/scan)
 *   #/cases?state=...&sort=...                        the case queue (/cases; web/cases.js)
 *   #/case/ID                                          one case: hits, evidence, history, actions
 *   #/screen                                           screen a CSV file (/screen)
 * Everything the server sends is put on the page as text (textContent),
 * never as HTML. */
'use strict';

/* ---- small helpers ------------------------------------------------------- */

/* h('a', {href: '#/x', class: 'y'}, 'text', child) → element. Strings become
 * text nodes; null and false children are skipped. */
function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k === 'class') el.className = v;
    else if (k === 'text') el.textContent = v;
    else if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children.flat(Infinity)) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

const main = () => document.getElementById('main');
/* Bumped on every navigation: a page whose data arrives after the analyst
 * has moved on does not draw over the next one. */
let routeSeq = 0;
const values = (entity, prop) => (entity.properties && entity.properties[prop]) || [];
const fmtScore = (s) => (typeof s === 'number' ? s.toFixed(3) : '–');
/* "2026-11-29T06:59:00Z" → "2026-11-29 06:59 UTC"; anything else unchanged. */
const fmtTime = (t) => (typeof t === 'string' ? t.replace(/^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})(:\d{2}(\.\d+)?)?Z$/, '$1 $2 UTC') : '');

function safeUrl(u) {
  try {
    const url = new URL(u);
    return url.protocol === 'https:' || url.protocol === 'http:' ? url.href : null;
  } catch {
    return null;
  }
}

let regionNames = null;
try {
  regionNames = new Intl.DisplayNames(['en'], { type: 'region' });
} catch {
  regionNames = null;
}
/* "ru" → "Russia (ru)"; codes Intl does not know stay as they are. */
function countryLabel(code) {
  if (typeof code !== 'string') return String(code);
  if (/^[a-z]{2}$/i.test(code) && regionNames) {
    try {
      const name = regionNames.of(code.toUpperCase());
      if (name && name.toUpperCase() !== code.toUpperCase()) return `${name} (${code})`;
    } catch {
      /* unknown code */
    }
  }
  return code;
}

/* ---- the API ------------------------------------------------------------- */

const KEY_STORE = 'kordon.apiKey';
const REVIEWER_STORE = 'kordon.reviewer';
const storage = {
  get(k) {
    try {
      return localStorage.getItem(k) || '';
    } catch {
      return '';
    }
  },
  set(k, v) {
    try {
      if (v) localStorage.setItem(k, v);
      else localStorage.removeItem(k);
    } catch {
      /* private mode: keep going without storage */
    }
  },
};

class ApiError extends Error {
  constructor(status, detail) {
    super(detail);
    this.status = status;
    this.detail = detail;
  }
}

/* Calls the API; body is an object (sent as JSON) or bytes (sent as text).
 * Resolves to the parsed JSON, rejects with an ApiError carrying the
 * server's "detail". A 401 or 403 also opens the API key form. */
function authHeaders() {
  const headers = { Accept: 'application/json' };
  const key = storage.get(KEY_STORE);
  if (key) headers.Authorization = `Bearer ${key}`;
  /* who asks, on a server without keys (a named key says it itself): the
   * server records searches, scans and case work as this user's. A header
   * carries ASCII only (fetch refuses other text), so a name outside it
   * is not sent. */
  const reviewer = storage.get(REVIEWER_STORE).trim();
  if (reviewer && /^[\x20-\x7e]+$/.test(reviewer)) headers['X-Kordon-User'] = reviewer;
  return headers;
}

/* opts.type: the Content-Type of a bytes body (text/plain by default);
 * opts.text: resolve to the answer's text instead of parsed JSON. */
async function api(method, path, body, opts = {}) {
  const headers = authHeaders();
  let payload;
  if (body instanceof Uint8Array) {
    headers['Content-Type'] = opts.type || 'text/plain; charset=utf-8';
    payload = body;
  } else if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
    payload = JSON.stringify(body);
  }
  let res;
  try {
    res = await fetch(path, { method, headers, body: payload });
  } catch (e) {
    throw new ApiError(0, `The server did not answer (${e.message}).`);
  }
  let data = null;
  const text = await res.text();
  try {
    data = text ? JSON.parse(text) : null;
  } catch {
    data = null;
  }
  const detail = (data && typeof data.detail === 'string' && data.detail) || `${res.status} ${res.statusText}`;
  if (res.status === 401 || (res.status === 403 && /key/i.test(detail))) {
    showAuth(res.status === 401 ? `Sign in: ${detail}` : `The server refused the key: ${detail}`);
    throw new ApiError(res.status, detail);
  }
  if (!res.ok) throw new ApiError(res.status, detail);
  return opts.text ? text : data;
}

function showAuth(message) {
  const box = document.getElementById('auth');
  document.getElementById('auth-message').textContent = message;
  const wasHidden = box.hidden;
  box.hidden = false;
  if (wasHidden) document.getElementById('auth-key').focus();
}

function setupAuth() {
  const form = document.getElementById('auth-form');
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const input = document.getElementById('auth-key');
    storage.set(KEY_STORE, input.value.trim());
    input.value = '';
    document.getElementById('auth').hidden = true;
    catalogPromise = null;
    identityChanged();
    route();
  });
  document.getElementById('auth-forget').addEventListener('click', () => {
    storage.set(KEY_STORE, '');
    document.getElementById('auth-message').textContent = 'The stored key was removed.';
    identityChanged();
  });
}

/* /catalog, fetched once: dataset name → {title, version, updated_at}. */
let catalogPromise = null;
function catalog() {
  if (!catalogPromise) {
    catalogPromise = api('GET', '/catalog')
      .then((c) => {
        const byName = new Map();
        for (const d of c.datasets || []) byName.set(d.name, d);
        const all = byName.get('default');
        const info = document.getElementById('index-info');
        /* how fresh each list is, one click away in the header */
        const lists = [...byName.values()].filter((d) => d.name !== 'default');
        if (all && info)
          info.replaceChildren(
            `${Number(all.entity_count).toLocaleString('en')} entities · index built ${fmtTime(all.updated_at)} · `,
            h('details', { class: 'freshness', id: 'freshness' }, h('summary', {}, `${lists.length} lists`), h('ul', {}, lists.map((d) => h('li', { 'data-dataset': d.name }, h('strong', {}, d.title || d.name), ` — updated ${fmtTime(d.updated_at) || d.updated_at || '?'}`, d.entity_count !== undefined ? `, ${Number(d.entity_count).toLocaleString('en')} entities` : '')))),
          );
        return byName;
      })
      .catch((e) => {
        catalogPromise = null;
        if (e.status === 401 || e.status === 403) return new Map();
        throw e;
      });
  }
  return catalogPromise;
}

function datasetChips(names, byName) {
  return h(
    'ul',
    { class: 'chips', 'aria-label': 'Datasets' },
    (names || []).map((n) => {
      const d = byName && byName.get(n);
      return h('li', { class: 'chip', title: d ? d.title : n }, d && d.title !== n ? d.title : n);
    }),
  );
}

function scoreBar(score, match) {
  const pct = Math.max(0, Math.min(1, Number(score) || 0)) * 100;
  return h(
    'div',
    { class: `score${match ? ' is-match' : ''}`, title: `score ${fmtScore(score)}` },
    h('span', { class: 'score-track', 'aria-hidden': 'true' }, h('span', { class: 'score-fill', style: `width:${pct.toFixed(1)}%` })),
    h('span', { class: 'score-num' }, h('span', { class: 'visually-hidden' }, 'score '), fmtScore(score)),
  );
}

function errorBox(e) {
  return h('p', { class: 'error', role: 'alert' }, e instanceof ApiError ? e.detail : `Error: ${e.message || e}`);
}

/* ---- Search ---------------------------------------------------------------- */

const SCHEMATA = ['Thing', 'Person', 'Organization', 'Company', 'LegalEntity', 'Vessel', 'Airplane'];

function searchParamsFromHash(query) {
  const p = new URLSearchParams(query);
  return {
    q: (p.get('q') || '').trim(),
    dob: (p.get('dob') || '').trim(),
    country: (p.get('country') || '').trim(),
    schema: SCHEMATA.includes(p.get('schema')) ? p.get('schema') : 'Thing',
    ds: /^[a-z0-9_]+$/.test(p.get('ds') || '') ? p.get('ds') : '',
  };
}

function searchHash(f) {
  const p = new URLSearchParams();
  p.set('q', f.q);
  if (f.dob) p.set('dob', f.dob);
  if (f.country) p.set('country', f.country);
  if (f.schema && f.schema !== 'Thing') p.set('schema', f.schema);
  if (f.ds) p.set('ds', f.ds);
  return `#/search?${p.toString()}`;
}

/* The /match query for the form's fields. */
function matchQuery(f) {
  const properties = { name: [f.q] };
  if (f.dob) properties.birthDate = [f.dob];
  if (f.country) {
    const c = [f.country.toLowerCase()];
    if (f.schema === 'Person' || f.schema === 'Thing') properties.nationality = c;
    if (f.schema !== 'Person') properties.country = c;
  }
  return { queries: { q: { schema: f.schema, properties } } };
}

async function renderSearch(query) {
  const f = searchParamsFromHash(query);
  let lists = new Map();
  try {
    lists = await catalog();
  } catch {
    /* the search says what went wrong */
  }
  document.title = f.q ? `${f.q} — kordon search` : 'Search — kordon';
  const field = (id, label, attrs, hint) =>
    h('div', { class: 'field' }, h('label', { for: id }, label), h('input', { id, name: id, ...attrs }), hint ? h('small', { id: `${id}-hint` }, hint) : null);
  const form = h(
    'form',
    { class: 'search-form', role: 'search', 'aria-label': 'Screen a name' },
    field('q', 'Name', { type: 'search', value: f.q, required: true, autocomplete: 'off', spellcheck: 'false', placeholder: 'e.g. Evgeny Primakov' }),
    field('dob', 'Birth date', { type: 'text', value: f.dob, inputmode: 'numeric', placeholder: 'YYYY or YYYY-MM-DD', 'aria-describedby': 'dob-hint', pattern: '\\d{4}(-\\d{2}(-\\d{2})?)?' }, 'optional'),
    field('country', 'Country', { type: 'text', value: f.country, placeholder: 'e.g. ru', maxlength: 8, 'aria-describedby': 'country-hint', pattern: '[A-Za-z\\-]{2,8}' }, 'optional ISO code'),
    h(
      'div',
      { class: 'field' },
      h('label', { for: 'schema' }, 'Type'),
      h('select', { id: 'schema', name: 'schema' }, SCHEMATA.map((s) => h('option', { value: s, selected: s === f.schema }, s === 'Thing' ? 'Any' : s))),
    ),
    h(
      'div',
      { class: 'field' },
      h('label', { for: 'ds' }, 'Lists'),
      h('select', { id: 'ds', name: 'ds' }, h('option', { value: '' }, 'All lists'), [...lists.values()].filter((d) => d.name !== 'default').map((d) => h('option', { value: d.name, selected: d.name === f.ds }, d.title || d.name))),
    ),
    h('div', { class: 'field field-submit' }, h('button', { type: 'submit' }, 'Screen')),
  );
  const status = h('p', { class: 'status', role: 'status', 'aria-live': 'polite' });
  const list = h('ol', { class: 'results', id: 'results', 'aria-label': 'Matches' });
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const next = {
      q: form.q.value.trim(),
      dob: form.dob.value.trim(),
      country: form.country.value.trim(),
      schema: form.schema.value,
      ds: form.ds.value,
    };
    if (!next.q) return;
    const hash = searchHash(next);
    if (location.hash === hash) route();
    else location.hash = hash;
  });
  main().replaceChildren(h('h1', {}, 'Screen a name'), form, status, list);
  if (!f.q) {
    status.textContent = 'Enter a name; add a birth date, country and type to weigh the evidence.';
    form.q.focus();
    return;
  }
  status.textContent = `Screening “${f.q}”…`;
  const seq = routeSeq;
  let data, byName;
  try {
    [data, byName] = await Promise.all([api('POST', `/match/${encodeURIComponent(f.ds || 'default')}?limit=20&cutoff=0.5&lookup=true`, matchQuery(f)), catalog()]);
  } catch (e) {
    if (seq !== routeSeq) return; /* the analyst has moved on */
    status.textContent = '';
    list.replaceWith(errorBox(e));
    return;
  }
  if (seq !== routeSeq) return;
  const response = data.responses && data.responses.q;
  const results = (response && response.results) || [];
  const matches = results.filter((r) => r.match).length;
  status.textContent = results.length
    ? `${results.length} candidate${results.length === 1 ? '' : 's'} for “${f.q}”, ${matches} above the match threshold.`
    : `No candidates for “${f.q}”.`;
  list.replaceChildren(...results.map((r, i) => resultItem(r, i, byName, f)));
}

/* A search is a lookup and opens no case; the analyst opens one on a
 * result that needs review (POST /cases: the subject screened again and
 * recorded as theirs, the chosen party's alert in a case assigned to them). */
function openCaseForm(r, f) {
  const id = `case-comment-${r.id}`;
  const comment = h('input', { id, type: 'text', size: 40, placeholder: 'why this needs review' });
  const said = h('span', { class: 'muted small', role: 'status' });
  const go = h('button', { type: 'button', class: 'open-case-go' }, 'Open case');
  go.addEventListener('click', async () => {
    if (!comment.value.trim()) {
      said.textContent = 'Say why first.';
      comment.focus();
      return;
    }
    go.disabled = true;
    try {
      const c = await api('POST', '/cases', {
        name: f.q,
        birth_date: f.dob || undefined,
        country: f.country || undefined,
        schema: f.schema !== 'Thing' ? f.schema : undefined,
        entity_ids: [r.id],
        comment: comment.value.trim(),
      });
      location.hash = `#/case/${c.id}`;
    } catch (e) {
      go.disabled = false;
      said.textContent = e.detail || e.message;
    }
  });
  return h('details', { class: 'open-case' }, h('summary', {}, 'Open a case on this match'), h('div', { class: 'row' }, h('label', { for: id, class: 'visually-hidden' }, 'Why this needs review'), comment, go, said));
}

/* "EU since 2023-02-25 (EU-UKR) · Canada since 2023-09-20 (SEMA …)": a
 * party's listings, one per list that names it. */
function listingsLine(r) {
  return (r.listings || [])
    .map((l) => `${l.authority}${l.listingDate ? ` since ${l.listingDate}` : ''}${l.program ? ` (${l.program.join(', ')})` : ''}`)
    .join(' · ');
}

function resultItem(r, i, byName, f) {
  const ex = r.explanations || {};
  const nm = ex.name_match || {};
  /* everything beside the name, kordon's own field (the explanations name
   * the parts yente's algorithm has a feature for) */
  const evidence = r.evidence || ex.evidence;
  const listed = listingsLine(r) || values(r, 'listingDate').join(', ');
  const facts = [
    ['Listed', listed],
    ['Born', values(r, 'birthDate').join(', ')],
    ['Countries', [...values(r, 'nationality'), ...values(r, 'country')].filter((v, j, a) => a.indexOf(v) === j).map(countryLabel).join(', ')],
    ['Program', values(r, 'program').join(', ')],
  ].filter(([, v]) => v);
  return h(
    'li',
    { class: `result${r.match ? ' is-match' : ''}`, 'data-entity-id': r.id },
    h(
      'div',
      { class: 'result-head' },
      h('span', { class: 'rank', 'aria-hidden': 'true' }, `${i + 1}`),
      h('a', { class: 'result-link', href: `#/entity/${encodeURIComponent(r.id)}` }, r.caption || r.id),
      h('span', { class: 'tag' }, r.schema),
      r.match ? h('span', { class: 'tag tag-match' }, 'match') : null,
      scoreBar(r.score, r.match),
    ),
    h(
      'dl',
      { class: 'explain' },
      h('dt', {}, 'Name'),
      h('dd', {}, h('span', { class: 'detail' }, nm.detail || '–'), nm.candidate ? h('span', { class: 'muted' }, ` (query “${nm.query}” vs “${nm.candidate}”)`) : null),
      evidence ? [h('dt', {}, 'Evidence'), h('dd', { class: 'detail' }, evidence.detail || fmtScore(evidence.score))] : null,
      facts.map(([k, v]) => [h('dt', {}, k), h('dd', {}, v)]),
    ),
    datasetChips(r.datasets, byName),
    f ? openCaseForm(r, f) : null,
  );
}

/* ---- Entity ------------------------------------------------------------------ */

const NAME_PROPS = [
  ['name', 'name'],
  ['alias', 'alias'],
  ['weakAlias', 'weak alias'],
  ['previousName', 'previous name'],
];
const DATE_PROPS = [
  ['birthDate', 'Birth date'],
  ['deathDate', 'Death date'],
  ['incorporationDate', 'Incorporated'],
  ['dissolutionDate', 'Dissolved'],
  ['buildDate', 'Built'],
  ['startDate', 'Start'],
  ['endDate', 'End'],
  ['modifiedAt', 'Modified'],
];
const COUNTRY_PROPS = [
  ['nationality', 'Nationality'],
  ['citizenship', 'Citizenship'],
  ['country', 'Country'],
  ['jurisdiction', 'Jurisdiction'],
  ['birthCountry', 'Country of birth'],
  ['mainCountry', 'Main country'],
  ['flag', 'Flag'],
];
const ID_PROPS = [
  ['passportNumber', 'Passport'],
  ['idNumber', 'ID number'],
  ['taxNumber', 'Tax number'],
  ['registrationNumber', 'Registration number'],
  ['innCode', 'INN'],
  ['ogrnCode', 'OGRN'],
  ['kppCode', 'KPP'],
  ['okpoCode', 'OKPO'],
  ['vatCode', 'VAT'],
  ['leiCode', 'LEI'],
  ['swiftBic', 'SWIFT/BIC'],
  ['dunsCode', 'DUNS'],
  ['imoNumber', 'IMO'],
  ['mmsi', 'MMSI'],
  ['callSign', 'Call sign'],
  ['serialNumber', 'Serial number'],
  ['email', 'E-mail'],
  ['phone', 'Phone'],
  ['website', 'Website'],
];
const PLACE_PROPS = [
  ['address', 'Address'],
  ['addressEntity', 'Address'],
  ['birthPlace', 'Place of birth'],
];
const LISTING_PROPS = [
  ['reason', 'Reason'],
  ['program', 'Program'],
  ['programId', 'Program id'],
  ['provisions', 'Measures'],
  ['listingDate', 'Listed on'],
  ['recordId', 'Record'],
  ['summary', 'Summary'],
  ['notes', 'Notes'],
  ['sourceUrl', 'Source'],
];
const HIDDEN_PROPS = new Set(['referents']);

const SCRIPTS = [
  ['Latin', /\p{Script=Latin}/gu],
  ['Cyrillic', /\p{Script=Cyrillic}/gu],
  ['Arabic', /\p{Script=Arabic}/gu],
  ['Han', /\p{Script=Han}/gu],
];
/* The script most of a name's letters are written in; "Other" for Greek,
 * Georgian, Hangul... and names without letters. */
function scriptOf(name) {
  let best = 'Other';
  let bestCount = 0;
  for (const [script, re] of SCRIPTS) {
    const n = (name.match(re) || []).length;
    if (n > bestCount) {
      best = script;
      bestCount = n;
    }
  }
  const letters = (name.match(/\p{L}/gu) || []).length;
  return bestCount * 2 >= letters && bestCount > 0 ? best : 'Other';
}

function valueNode(prop, v) {
  if (v && typeof v === 'object') return v.caption || v.id || JSON.stringify(v);
  if (prop === 'sourceUrl' || prop === 'website') {
    const u = safeUrl(v);
    return u ? h('a', { href: u, rel: 'noopener noreferrer', target: '_blank' }, v) : v;
  }
  if (COUNTRY_PROPS.some(([p]) => p === prop)) return countryLabel(v);
  return v;
}

/* A <dl> of the given properties the entity has; marks them as shown. */
function propList(entity, props, shown, cls) {
  const rows = [];
  for (const [prop, label] of props) {
    const vs = values(entity, prop);
    shown.add(prop);
    if (!vs.length) continue;
    rows.push(h('dt', {}, label), h('dd', { 'data-prop': prop }, vs.length === 1 ? valueNode(prop, vs[0]) : h('ul', {}, vs.map((v) => h('li', {}, valueNode(prop, v))))));
  }
  return rows.length ? h('dl', { class: `props ${cls || ''}` }, rows) : null;
}

/* "firstName" → "First name", for properties without a label of their own. */
function humanize(prop) {
  const words = prop.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

function section(title, body, id) {
  if (!body) return null;
  const hid = `sec-${id}`;
  return h('section', { class: 'card', 'aria-labelledby': hid, id: id }, h('h2', { id: hid }, title), body);
}

async function renderEntity(id) {
  main().replaceChildren(h('p', { class: 'status', role: 'status' }, `Loading ${id}…`));
  const seq = routeSeq;
  let entity, byName;
  try {
    [entity, byName] = await Promise.all([api('GET', `/entities/${encodeURIComponent(id)}`), catalog()]);
  } catch (e) {
    if (seq === routeSeq) main().replaceChildren(h('h1', {}, 'Entity'), errorBox(e));
    return;
  }
  if (seq !== routeSeq) return; /* the analyst has moved on */
  document.title = `${entity.caption} — kordon`;
  const shown = new Set(['name', 'alias', 'weakAlias', 'previousName', ...HIDDEN_PROPS]);

  /* names and aliases, grouped by script */
  const groups = new Map(['Latin', 'Cyrillic', 'Arabic', 'Han', 'Other'].map((s) => [s, []]));
  for (const [prop, kind] of NAME_PROPS)
    for (const v of values(entity, prop)) if (typeof v === 'string') groups.get(scriptOf(v)).push([v, kind]);
  const nameGroups = [...groups]
    .filter(([, names]) => names.length)
    .map(([script, names]) =>
      h(
        'div',
        { class: 'script-group', 'data-script': script },
        h('h3', {}, script, h('span', { class: 'count' }, ` ${names.length}`)),
        h('ul', { class: 'names' }, names.map(([v, kind]) => h('li', {}, h('span', { class: 'name', dir: 'auto' }, v), ' ', h('span', { class: 'tag' }, kind)))),
      ),
    );

  const source = h(
    'table',
    { class: 'sources' },
    h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Dataset'), h('th', { scope: 'col' }, 'Version'), h('th', { scope: 'col' }, 'Updated'))),
    h(
      'tbody',
      {},
      (entity.datasets || []).map((n) => {
        const d = byName.get(n) || {};
        return h(
          'tr',
          { 'data-dataset': n },
          h('td', {}, d.title && d.title !== n ? [d.title, h('br'), h('code', {}, n)] : h('code', {}, n)),
          h('td', {}, d.version ? h('code', { title: d.version }, d.version.slice(0, 12)) : '–'),
          h('td', {}, fmtTime(d.updated_at) || '–'),
        );
      }),
    ),
  );

  /* one row per list that names the party, its own words */
  const listings = entity.listings || [];
  const listing = listings.length
    ? (LISTING_PROPS.forEach(([p]) => shown.add(p)),
      h(
        'table',
        { class: 'listings' },
        h('thead', {}, h('tr', {}, ['Authority', 'Since', 'Program', 'Reason', 'Record'].map((t) => h('th', { scope: 'col' }, t)))),
        h(
          'tbody',
          {},
          listings.map((l) =>
            h(
              'tr',
              { 'data-record': l.id },
              h('td', {}, l.authority),
              h('td', {}, l.listingDate || l.startDate || '–'),
              h('td', {}, (l.program || []).join(', ') || '–'),
              h('td', { class: 'reason' }, l.reason || '–'),
              h('td', {}, l.sourceUrl && safeUrl(l.sourceUrl) ? h('a', { href: safeUrl(l.sourceUrl), rel: 'noopener noreferrer', target: '_blank' }, h('code', {}, l.id)) : h('code', {}, l.id)),
            ),
          ),
        ),
      ))
    : propList(entity, LISTING_PROPS, shown, 'listing');
  const dates = propList(entity, DATE_PROPS, shown);
  const countries = propList(entity, COUNTRY_PROPS, shown);
  const ids = propList(entity, ID_PROPS, shown);
  const places = propList(entity, PLACE_PROPS, shown);
  const rest = Object.keys(entity.properties || {})
    .filter((p) => !shown.has(p))
    .sort()
    .map((p) => [p, humanize(p)]);
  const other = propList(entity, rest, shown);

  main().replaceChildren(
    h(
      'div',
      { class: 'entity-head' },
      h('p', { class: 'crumbs no-print' }, h('button', { type: 'button', class: 'linklike', onclick: () => (history.length > 1 ? history.back() : (location.hash = '#/search')) }, '← Back')),
      h('h1', {}, entity.caption),
      h(
        'p',
        { class: 'meta' },
        h('span', { class: 'tag' }, entity.schema),
        ' ',
        h('code', {}, entity.id),
        entity.target ? h('span', { class: 'tag tag-match' }, 'sanctioned') : null,
        h('button', { type: 'button', class: 'linklike no-print', id: 'print-entity', onclick: () => window.print() }, 'Print report'),
      ),
    ),
    h(
      'div',
      { class: 'entity-grid' },
      section('Names and aliases', nameGroups.length ? h('div', { class: 'script-groups' }, nameGroups) : null, 'names'),
      section(listings.length > 1 ? `Listings (${listings.length} lists)` : 'Listing', listing, 'listing'),
      section('Dates', dates, 'dates'),
      section('Countries', countries, 'countries'),
      section('Identifiers', ids, 'identifiers'),
      section('Addresses and places', places, 'places'),
      section('Other details', other, 'other'),
      section('Source', source, 'source'),
    ),
  );
  main().focus();
}

/* ---- Text --------------------------------------------------------------------- */

const textState = { text: '', result: null, bytes: null };

async function renderText() {
  document.title = 'Screen text — kordon';
  const area = h('textarea', { id: 'article', name: 'article', rows: textState.result ? 5 : 12, spellcheck: 'false', placeholder: 'Paste an article, or choose a file below.' });
  area.value = textState.text;
  const file = h('input', { id: 'article-file', type: 'file', accept: '.txt,.text,.md,.html,.htm,text/*' });
  const status = h('p', { class: 'status', role: 'status', 'aria-live': 'polite' });
  const out = h('div', { id: 'scan-result' });
  const form = h(
    'form',
    { class: 'text-form', 'aria-label': 'Screen an article' },
    h('label', { for: 'article' }, 'Article'),
    area,
    h('div', { class: 'row' }, h('label', { for: 'article-file' }, 'or upload a file: '), file, h('button', { type: 'submit' }, 'Screen text')),
  );
  file.addEventListener('change', async () => {
    if (!file.files.length) return;
    area.value = await file.files[0].text();
    status.textContent = `Loaded ${file.files[0].name}; press “Screen text”.`;
  });
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    textState.text = area.value;
    textState.result = null;
    if (!area.value.trim()) {
      status.textContent = 'Nothing to screen.';
      return;
    }
    status.textContent = 'Screening…';
    out.replaceChildren();
    const bytes = new TextEncoder().encode(area.value);
    try {
      const result = await api('POST', '/scan', bytes);
      textState.bytes = bytes;
      textState.result = result;
      area.rows = 5;
      showScan(out, status);
    } catch (e) {
      status.textContent = '';
      out.replaceChildren(errorBox(e));
    }
  });
  main().replaceChildren(h('h1', {}, 'Screen text'), form, status, out);
  if (textState.result) showScan(out, status);
}

/* Mentions of one span of text, merged: several listed entities (one per
 * list) can share a span. */
function groupMentions(mentions, nbytes) {
  const bySpan = new Map();
  for (const m of mentions || []) {
    if (!(m.start >= 0 && m.end > m.start && m.end <= nbytes)) continue;
    const key = `${m.start}:${m.end}`;
    let g = bySpan.get(key);
    if (!g) {
      g = { start: m.start, end: m.end, line: m.line, text: m.text, listed: [], related: new Map() };
      bySpan.set(key, g);
    }
    if (m.kind === 'listed' && m.entity_id) g.listed.push(m);
    for (const r of m.related || []) if (r.entity_id && !g.related.has(r.entity_id)) g.related.set(r.entity_id, r);
    if (m.kind !== 'listed') g.explanation = m.explanation;
  }
  return [...bySpan.values()]
    .map((g) => ({ ...g, kind: g.listed.length ? 'listed' : 'linked', related: [...g.related.values()] }))
    .sort((a, b) => a.start - b.start || b.end - a.end);
}

function mentionTarget(g) {
  if (g.kind === 'listed') return g.listed[0].entity_id;
  return g.related.length ? g.related[0].entity_id : null;
}

function showScan(out, status) {
  const { bytes, result } = textState;
  const dec = new TextDecoder();
  const groups = groupMentions(result.mentions, bytes.length);
  const listedN = groups.filter((g) => g.kind === 'listed').length;
  const linkedN = groups.length - listedN;
  status.textContent = `${groups.length} mention${groups.length === 1 ? '' : 's'}: ${listedN} of listed parties, ${linkedN} linked to listed parties.`;

  /* the article with its mentions highlighted; offsets are bytes of UTF-8 */
  const article = h('div', { class: 'article', id: 'article-view', lang: 'und' });
  const isBoundary = (i) => i === bytes.length || (bytes[i] & 0xc0) !== 0x80;
  let at = 0;
  groups.forEach((g, i) => {
    g.index = i;
    if (g.start < at || !isBoundary(g.start) || !isBoundary(g.end)) return; /* overlapping: listed below only */
    if (g.start > at) article.append(dec.decode(bytes.subarray(at, g.start)));
    const target = mentionTarget(g);
    const ids = g.kind === 'listed' ? g.listed.map((m) => m.entity_id) : g.related.map((r) => r.entity_id);
    const label =
      g.kind === 'listed'
        ? `listed: ${g.listed.map((m) => m.caption).join('; ')}`
        : `linked to ${g.related.length} listed part${g.related.length === 1 ? 'y' : 'ies'}: ${g.related.map((r) => r.caption).join('; ')}`;
    const attrs = {
      class: `mention mention-${g.kind}`,
      'data-kind': g.kind,
      'data-entity-id': target || '',
      'data-entity-ids': ids.join(' '),
      title: label,
      id: `mention-${i}`,
    };
    const mark = target ? h('a', { ...attrs, href: `#/entity/${encodeURIComponent(target)}` }, dec.decode(bytes.subarray(g.start, g.end))) : h('mark', attrs, dec.decode(bytes.subarray(g.start, g.end)));
    article.append(mark);
    at = g.end;
  });
  if (at < bytes.length) article.append(dec.decode(bytes.subarray(at)));

  const legend = h(
    'p',
    { class: 'legend' },
    h('span', { class: 'mention mention-listed' }, 'listed'),
    ' a name on a sanctions list · ',
    h('span', { class: 'mention mention-linked' }, 'linked'),
    ' named in the listing of a sanctioned party',
  );

  /* one row per party named, however often: its occurrences link to the
   * text, its related listed parties are named once */
  const rows = new Map();
  for (const g of groups) {
    const ids = g.kind === 'listed' ? [...new Set(g.listed.map((m) => m.entity_id))].sort() : [g.text.toLowerCase(), ...g.related.map((r) => r.entity_id).sort()];
    const key = `${g.kind}|${ids.join(' ')}`;
    let row = rows.get(key);
    if (!row) {
      row = { kind: g.kind, first: g, occurrences: [], listed: new Map(), related: new Map() };
      rows.set(key, row);
    }
    row.occurrences.push(g);
    for (const m of g.listed) if (!row.listed.has(m.entity_id) || row.listed.get(m.entity_id).score < m.score) row.listed.set(m.entity_id, m);
    for (const r of g.related) if (!row.related.has(r.entity_id)) row.related.set(r.entity_id, r);
  }
  const table = h(
    'table',
    { class: 'mentions' },
    h('caption', {}, `Parties named (${rows.size})`),
    h('thead', {}, h('tr', {}, ['Lines', 'Text', 'Kind', 'Listed entity / related listed parties'].map((t) => h('th', { scope: 'col' }, t)))),
    h(
      'tbody',
      {},
      [...rows.values()].map((row) => {
        const related = [...row.related.values()];
        return h(
          'tr',
          { class: `row-${row.kind}`, 'data-occurrences': row.occurrences.length },
          h('td', {}, row.occurrences.map((g, i) => [i ? ', ' : '', h('a', { href: `#mention-${g.index}`, onclick: (ev) => focusMention(ev, g.index) }, String(g.line))])),
          h('td', {}, row.first.text, row.occurrences.length > 1 ? h('span', { class: 'muted small' }, ` ×${row.occurrences.length}`) : null),
          h('td', {}, h('span', { class: `tag tag-${row.kind}` }, row.kind)),
          h(
            'td',
            {},
            row.kind === 'listed'
              ? h(
                  'ul',
                  { class: 'plain' },
                  [...row.listed.values()].map((m) => h('li', {}, h('a', { href: `#/entity/${encodeURIComponent(m.entity_id)}` }, m.caption), ` ${fmtScore(m.score)}`, m.explanation ? h('span', { class: 'muted' }, ` · ${m.explanation}`) : null)),
                )
              : null,
            row.kind === 'listed' && related.length
              ? h('details', { class: 'also-named' }, h('summary', {}, `Also named in the listings of ${related.length} listed part${related.length === 1 ? 'y' : 'ies'}`), relatedList(related))
              : null,
            row.kind === 'linked' ? [row.first.explanation ? h('p', { class: 'muted small' }, row.first.explanation) : null, relatedList(related)] : null,
          ),
        );
      }),
    ),
  );
  out.replaceChildren(legend, article, groups.length ? table : h('p', {}, 'No listed or linked parties are named in this text.'));
}

/* The listed parties a linked mention is named by: the first few, the rest
 * behind a disclosure. */
function relatedList(related) {
  const item = (r) => h('li', {}, h('a', { href: `#/entity/${encodeURIComponent(r.entity_id)}` }, r.caption), r.snippet ? h('q', { class: 'snippet' }, r.snippet) : null);
  const SHOWN = 3;
  return [
    h('ul', { class: 'plain' }, related.slice(0, SHOWN).map(item)),
    related.length > SHOWN ? h('details', {}, h('summary', {}, `${related.length - SHOWN} more`), h('ul', { class: 'plain' }, related.slice(SHOWN).map(item))) : null,
  ];
}

function focusMention(ev, i) {
  ev.preventDefault();
  const el = document.getElementById(`mention-${i}`);
  if (el) {
    el.scrollIntoView({ block: 'center' });
    el.focus();
  }
}

/* ---- Alerts ------------------------------------------------------------------ */

function explanationText(ex) {
  if (!ex) return '';
  if (typeof ex === 'string') return ex;
  /* the explanations of a /match result: name_match first, then each
   * other feature's detail once */
  const parts = [];
  for (const f of Object.values(ex)) {
    if (f && f.detail && !parts.some((p) => p.includes(f.detail))) parts.push(f.detail);
  }
  return parts.join(' · ') || JSON.stringify(ex);
}

/* ---- routing and keys ------------------------------------------------------------ */

async function route() {
  const seq = ++routeSeq;
  const hash = location.hash.replace(/^#/, '') || '/search';
  const qi = hash.indexOf('?');
  const path = qi >= 0 ? hash.slice(0, qi) : hash;
  const query = qi >= 0 ? hash.slice(qi + 1) : '';
  const [, page, ...rest] = path.split('/');
  for (const a of document.querySelectorAll('[data-nav]')) {
    if (a.dataset.nav === page) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
  document.body.dataset.page = page;
  if (page === 'entity' && rest.length) await renderEntity(decodeURIComponent(rest.join('/')));
  else if (page === 'text') await renderText();
  else if (page === 'cases' || page === 'alerts') await renderCases(query);
  else if (page === 'case' && rest.length) await renderCase(decodeURIComponent(rest[0]));
  else if (page === 'screen') await renderScreen();
  else await renderSearch(query);
  if (seq === routeSeq) document.body.dataset.ready = hash;
}

function onKey(ev) {
  const t = ev.target;
  const typing = t && (t.tagName === 'INPUT' || t.tagName === 'TEXTAREA' || t.tagName === 'SELECT' || t.isContentEditable);
  if (ev.key === '/' && !typing && !ev.ctrlKey && !ev.metaKey && !ev.altKey) {
    const q = document.getElementById('q');
    ev.preventDefault();
    if (q) {
      q.focus();
      q.select();
    } else location.hash = '#/search';
    return;
  }
  if ((ev.key === 'ArrowDown' || ev.key === 'ArrowUp') && (!typing || (t.id === 'q' && ev.key === 'ArrowDown'))) {
    const links = [...document.querySelectorAll('#results .result-link')];
    if (!links.length) return;
    const i = links.indexOf(document.activeElement);
    const next = ev.key === 'ArrowDown' ? (i < 0 ? 0 : Math.min(links.length - 1, i + 1)) : i <= 0 ? -1 : i - 1;
    ev.preventDefault();
    if (next < 0) document.getElementById('q').focus();
    else links[next].focus();
  }
}

window.addEventListener('hashchange', route);
document.addEventListener('keydown', onKey);
document.addEventListener('DOMContentLoaded', () => {
  setupAuth();
  identityChanged();
  catalog().catch(() => {});
  route();
});
