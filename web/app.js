/* kordon's page for analysts: a small single-page app over the server's JSON
 * API. Plain JavaScript modules, no build step; routes live in the URL's hash:
 *   #/search?q=NAME&dob=DATE&country=CC&schema=Person&ds=LIST  screen a name (search.js)
 *   #/entity/ID                                        one listed entity (entity.js)
 *   #/text                                             screen an article (text.js)
 *   #/cases?state=...&sort=...                         the case queue (cases.js)
 *   #/case/ID                                          one case: hits, evidence, history, actions
 *   #/screen                                           screen a CSV file (cases.js)
 * What every view shares is in lib.js. */
import { KEY_STORE, catalog, currentRoute, forgetCatalog, nextRoute, storage } from './lib.js';
import { identityChanged, renderCase, renderCases, renderScreen } from './cases.js';
import { renderEntity } from './entity.js';
import { renderSearch } from './search.js';
import { renderText } from './text.js';

/* ---- signing in ------------------------------------------------------------------ */

function setupAuth() {
  const form = document.getElementById('auth-form');
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const input = document.getElementById('auth-key');
    storage.set(KEY_STORE, input.value.trim());
    input.value = '';
    document.getElementById('auth').hidden = true;
    forgetCatalog();
    identityChanged();
    route();
  });
  document.getElementById('auth-forget').addEventListener('click', () => {
    storage.set(KEY_STORE, '');
    document.getElementById('auth-message').textContent = 'The stored key was removed.';
    identityChanged();
  });
}

/* ---- routing and keys ------------------------------------------------------------ */

async function route() {
  const seq = nextRoute();
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
  if (seq === currentRoute()) document.body.dataset.ready = hash;
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
