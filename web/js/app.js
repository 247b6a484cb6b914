// The shell: who is signed in, the navigation, and a hash router that
// loads each page's module (web/js/pages/NAME.js) when it is first shown.

import { ApiError, hasRole, session, signOut } from './api.js';
import { clear, el, showError } from './ui.js';

const pages = new Map();

// Make a page known. loader: () => import('./pages/NAME.js'); the module
// exports `async function render(main, params)`.
export function registerPage(name, loader) {
  pages.set(name, loader);
}

// The navigation, in order. admin: shown to administrators only.
const NAV = [
  { name: 'dashboard', label: 'Dashboard' },
  { name: 'intel', label: 'Intelligence' },
  { name: 'cooperation', label: 'Cooperation' },
  { name: 'aat', label: 'Advise-Assist-Train' },
  { name: 'commission', label: 'Commission' },
  { name: 'security-assistance', label: 'Security assistance' },
  { name: 'force-protection', label: 'Force protection' },
  { name: 'repatriation', label: 'Repatriation' },
  { name: 'admin', label: 'Admin', admin: true },
];

const TITLES = Object.fromEntries(NAV.map((n) => [n.name, n.label]));
TITLES.signin = 'Sign in';
TITLES.objects = 'Object';

for (const name of ['signin', 'dashboard', 'intel', 'admin']) {
  registerPage(name, () => import(`./pages/${name}.js`));
}
registerPage('objects', () => import('./pages/object.js'));
// The record pages, loaded by name; a page whose file is missing shows
// "not available".
for (const name of ['cooperation', 'aat', 'commission', 'security-assistance', 'force-protection', 'repatriation']) {
  registerPage(name, () => import(`./pages/${name}.js`));
}

// '#/objects/ID?x=1' → {name: 'objects', segments: ['ID'], query: {x: '1'}}
export function parseHash(hash = location.hash) {
  const h = hash.replace(/^#\/?/, '');
  const [path, qs] = h.split('?', 2);
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  const query = {};
  for (const [k, v] of new URLSearchParams(qs || '')) query[k] = v;
  return { name: parts[0] || 'dashboard', segments: parts.slice(1), query };
}

// '#/intel' + {type: 'report'} → '#/intel?type=report'
export function href(path, query) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(query || {})) if (v !== undefined && v !== null && v !== '') q.set(k, v);
  const s = q.toString();
  return '#/' + path.replace(/^#?\/?/, '') + (s ? '?' + s : '');
}

function renderNav(me, active) {
  const nav = document.getElementById('nav');
  if (!me) {
    nav.hidden = true;
    clear(nav);
    return;
  }
  nav.hidden = false;
  const items = NAV.filter((n) => !n.admin || hasRole('admin')).map((n) =>
    el('li', {}, el('a', { href: '#/' + n.name, 'aria-current': n.name === active ? 'page' : null }, n.label)));
  clear(nav, el('ul', {}, items));
}

function renderWho(me) {
  const box = document.getElementById('whoami');
  if (!me) {
    box.hidden = true;
    return;
  }
  box.hidden = false;
  document.getElementById('who-user').textContent = me.user;
  const roles = (me.roles || []).join(', ');
  document.getElementById('who-partner').textContent = `${me.partner} · ${roles} · clearance ${me.clearance}`;
}

let generation = 0;

async function route() {
  const my = ++generation;
  const main = document.getElementById('main');
  const { name, segments, query } = parseHash();
  let me;
  try {
    me = await session();
  } catch (e) {
    clear(main, el('h1', { tabindex: '-1' }, 'The node cannot be reached'));
    showError(main, e);
    return;
  }
  if (my !== generation) return;
  if (!me && name !== 'signin') {
    location.replace('#/signin?next=' + encodeURIComponent(location.hash || '#/dashboard'));
    return;
  }
  if (me && name === 'signin') {
    location.replace(query.next && query.next.startsWith('#/') && !query.next.startsWith('#/signin') ? query.next : '#/dashboard');
    return;
  }
  renderWho(me);
  renderNav(me, name);
  document.title = (TITLES[name] || 'Not found') + ' — Coalition Exchange';
  main.setAttribute('aria-busy', 'true');
  clear(main, el('p', { class: 'loading' }, 'Loading…'));
  const loader = pages.get(name);
  if (!loader || (name === 'admin' && !hasRole('admin'))) {
    notFound(main, name);
    return;
  }
  let mod;
  try {
    mod = await loader();
  } catch (e) {
    if (my !== generation) return;
    notAvailable(main, name);
    return;
  }
  if (my !== generation) return;
  const page = el('div', { class: 'page page-' + name });
  clear(main, page);
  try {
    await mod.render(page, { segments, query, name });
  } catch (e) {
    if (my !== generation) return;
    if (!page.querySelector('h1')) page.prepend(el('h1', { tabindex: '-1' }, TITLES[name] || 'Error'));
    showError(page, e instanceof ApiError ? e : new Error('This page failed: ' + e.message));
  }
  if (my !== generation) return;
  main.removeAttribute('aria-busy');
  focusHeading(main);
}

function focusHeading(main) {
  const h = main.querySelector('h1');
  if (h) {
    if (!h.hasAttribute('tabindex')) h.setAttribute('tabindex', '-1');
    h.focus({ preventScroll: false });
    if (h.textContent) document.title = h.textContent + ' — Coalition Exchange';
  }
}

function notAvailable(main, name) {
  main.removeAttribute('aria-busy');
  clear(main, el('div', { class: 'page' },
    el('h1', { tabindex: '-1' }, TITLES[name] || name),
    el('p', { class: 'empty' }, 'This page is not available on this node yet.')));
  focusHeading(main);
}

function notFound(main, name) {
  main.removeAttribute('aria-busy');
  clear(main, el('div', { class: 'page' },
    el('h1', { tabindex: '-1' }, 'Not found'),
    el('p', {}, `There is no page “${name}” for you here. `, el('a', { href: '#/dashboard' }, 'Go to the dashboard'), '.')));
  focusHeading(main);
}

// Re-render the current page (after a change made on it).
export function refresh() {
  route();
}

function boot() {
  // The node is the host this page came from.
  document.getElementById('node-name').textContent = location.host;
  document.getElementById('signout').addEventListener('click', async () => {
    await signOut().catch(() => {});
    renderWho(null);
    renderNav(null);
    location.hash = '#/signin';
  });
  window.addEventListener('hashchange', route);
  if (!location.hash) location.replace('#/dashboard');
  route();
}

boot();
