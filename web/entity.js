/* kordon's page: #/entity/ID — one listed party: names by script, dates,
 * countries, identifiers, places, listings, sources; printable. */
import {
  api, catalog, countryLabel, currentRoute, errorBox, fmtTime, h, main, safeUrl, values,
} from './lib.js';

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
const HIDDEN_PROPS = new Set(['referents', 'sanctions']);

/* Relations that tie a party to others (the server nests them under FtM's
 * reverse names: ownershipAsset, unknownLinkSubject...): how the other
 * side stands to this party, by the relation's schema and the property
 * the other side is in. */
const RELATION_SCHEMATA = new Set(['UnknownLink', 'Ownership', 'Directorship', 'Family', 'Membership', 'Associate', 'Employment', 'Representation', 'Occupancy']);
function relationHow(schema, otherProp) {
  const how = {
    Ownership: { owner: 'owned by', asset: 'owner of' },
    Directorship: { director: 'directed by', organization: 'director of' },
    Membership: { organization: 'member of', member: 'has as member' },
    Employment: { employer: 'employed by', employee: 'employer of' },
  }[schema];
  if (how && how[otherProp]) return how[otherProp];
  return { UnknownLink: 'linked to', Family: 'family of', Associate: 'associate of' }[schema] || `${schema.toLowerCase()} with`;
}

/* One row per party tied to this one: how, who (a link to its page),
 * whether a list names it, and the relation's own words. */
function relationRows(entity, shown) {
  const rows = [];
  for (const [prop, list] of Object.entries(entity.properties || {})) {
    const relations = (list || []).filter((r) => r && typeof r === 'object' && RELATION_SCHEMATA.has(r.schema));
    if (!relations.length) continue;
    shown.add(prop);
    for (const r of relations)
      for (const [side, others] of Object.entries(r.properties || {}))
        for (const o of others || []) {
          if (!o || typeof o !== 'object' || !o.id || o.id === entity.id) continue;
          const listed = ((o.properties || {}).topics || []).includes('sanction');
          const words = [...values(r, 'role'), ...values(r, 'relationship'), ...values(r, 'percentage').map((p) => `${p} %`)].join(', ');
          rows.push(
            h(
              'tr',
              { 'data-relation': r.id },
              h('td', {}, relationHow(r.schema, side)),
              h('td', {}, h('a', { href: `#/entity/${encodeURIComponent(o.id)}` }, o.caption || o.id), ' ', h('span', { class: 'tag' }, o.schema)),
              h('td', {}, listed ? h('span', { class: 'tag tag-match' }, 'listed') : '–'),
              h('td', {}, words || '–', values(r, 'summary').length ? h('span', { class: 'muted' }, ` (${values(r, 'summary')[0]})`) : null),
            ),
          );
        }
  }
  if (!rows.length) return null;
  return h(
    'table',
    { class: 'relations' },
    h('thead', {}, h('tr', {}, ['How', 'Party', 'Listed', 'Relation'].map((t) => h('th', { scope: 'col' }, t)))),
    h('tbody', {}, rows),
  );
}

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

export async function renderEntity(id) {
  main().replaceChildren(h('p', { class: 'status', role: 'status' }, `Loading ${id}…`));
  const seq = currentRoute();
  let entity, byName;
  try {
    [entity, byName] = await Promise.all([api('GET', `/entities/${encodeURIComponent(id)}`), catalog()]);
  } catch (e) {
    if (seq === currentRoute()) main().replaceChildren(h('h1', {}, 'Entity'), errorBox(e));
    return;
  }
  if (seq !== currentRoute()) return; /* the analyst has moved on */
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
  const relations = relationRows(entity, shown);
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
      section('Relations', relations, 'relations'),
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
