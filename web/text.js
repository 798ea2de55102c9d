/* kordon's page: #/text — an article screened through /scan, its mentions
 * highlighted and one row per party named. */
import { api, errorBox, fmtScore, h, main, values } from './lib.js';

/* ---- Text --------------------------------------------------------------------- */

const textState = { text: '', result: null, bytes: null };

export async function renderText() {
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
