/* kordon's page: #/search — a name screened through /match (a lookup, which
 * opens no case unless the analyst opens one on a result). */
import {
  api, catalog, countryLabel, currentRoute, datasetChips, errorBox, fmtScore, h, main, scoreBar,
  values,
} from './lib.js';

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

export async function renderSearch(query) {
  const f = searchParamsFromHash(query);
  const route = currentRoute();
  let lists = new Map();
  try {
    lists = await catalog();
  } catch {
    /* the search says what went wrong */
  }
  if (route !== currentRoute()) return; /* the analyst has moved on */
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
  const seq = currentRoute();
  let data, byName;
  try {
    [data, byName] = await Promise.all([api('POST', `/match/${encodeURIComponent(f.ds || 'default')}?limit=20&cutoff=0.5&lookup=true`, matchQuery(f)), catalog()]);
  } catch (e) {
    if (seq !== currentRoute()) return; /* the analyst has moved on */
    status.textContent = '';
    list.replaceWith(errorBox(e));
    return;
  }
  if (seq !== currentRoute()) return;
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
      /* a party no list names, tied to one that is: to whom and how */
      (r.linked_to || []).length
        ? [
            h('dt', {}, 'Linked'),
            h(
              'dd',
              { class: 'linked-to' },
              r.linked_to.map((t, j) => [
                j ? ' · ' : '',
                `${t.how} listed `,
                h('a', { href: `#/entity/${encodeURIComponent(t.id)}` }, t.caption),
                h('span', { class: 'muted' }, ` (${t.relation}; ${t.listed})`),
              ]),
            ),
          ]
        : null,
    ),
    datasetChips(r.datasets, byName),
    f ? openCaseForm(r, f) : null,
  );
}
