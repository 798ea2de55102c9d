/* kordon's page: what every view shares — building elements, formatting,
 * the API with its key and user, the catalog of lists, score bars and
 * dataset chips. Everything the server sends is put on the page as text
 * (textContent), never as HTML. */
/* ---- small helpers ------------------------------------------------------- */

/* h('a', {href: '#/x', class: 'y'}, 'text', child) → element. Strings become
 * text nodes; null and false children are skipped. */
export function h(tag, attrs, ...children) {
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

export const main = () => document.getElementById('main');
/* Bumped on every navigation: a page whose data arrives after the analyst
 * has moved on does not draw over the next one. */
/* Which rendering of the page is current: a view that awaited the server
 * draws nothing when the analyst has moved on meanwhile. */
let routeSeq = 0;
export const nextRoute = () => ++routeSeq;
export const currentRoute = () => routeSeq;
export const values = (entity, prop) => (entity.properties && entity.properties[prop]) || [];
export const fmtScore = (s) => (typeof s === 'number' ? s.toFixed(3) : '–');
/* "2026-11-29T06:59:00Z" → "2026-11-29 06:59 UTC"; anything else unchanged. */
export const fmtTime = (t) => (typeof t === 'string' ? t.replace(/^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})(:\d{2}(\.\d+)?)?Z$/, '$1 $2 UTC') : '');

export function safeUrl(u) {
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
export function countryLabel(code) {
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

export const KEY_STORE = 'kordon.apiKey';
export const REVIEWER_STORE = 'kordon.reviewer';
export const storage = {
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

export class ApiError extends Error {
  constructor(status, detail) {
    super(detail);
    this.status = status;
    this.detail = detail;
  }
}

/* Calls the API; body is an object (sent as JSON) or bytes (sent as text).
 * Resolves to the parsed JSON, rejects with an ApiError carrying the
 * server's "detail". A 401 or 403 also opens the API key form. */
export function authHeaders() {
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
export async function api(method, path, body, opts = {}) {
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

export function showAuth(message) {
  const box = document.getElementById('auth');
  document.getElementById('auth-message').textContent = message;
  const wasHidden = box.hidden;
  box.hidden = false;
  if (wasHidden) document.getElementById('auth-key').focus();
}

/* /catalog, fetched once: dataset name → {title, version, updated_at}. */
let catalogPromise = null;
/* Forgets the catalog (another key may see other lists). */
export function forgetCatalog() {
  catalogPromise = null;
}
export function catalog() {
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

export function datasetChips(names, byName) {
  return h(
    'ul',
    { class: 'chips', 'aria-label': 'Datasets' },
    (names || []).map((n) => {
      const d = byName && byName.get(n);
      return h('li', { class: 'chip', title: d ? d.title : n }, d && d.title !== n ? d.title : n);
    }),
  );
}

export function scoreBar(score, match) {
  const pct = Math.max(0, Math.min(1, Number(score) || 0)) * 100;
  return h(
    'div',
    { class: `score${match ? ' is-match' : ''}`, title: `score ${fmtScore(score)}` },
    h('span', { class: 'score-track', 'aria-hidden': 'true' }, h('span', { class: 'score-fill', style: `width:${pct.toFixed(1)}%` })),
    h('span', { class: 'score-num' }, h('span', { class: 'visually-hidden' }, 'score '), fmtScore(score)),
  );
}

export function errorBox(e) {
  return h('p', { class: 'error', role: 'alert' }, e instanceof ApiError ? e.detail : `Error: ${e.message || e}`);
}


export function explanationText(ex) {
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
