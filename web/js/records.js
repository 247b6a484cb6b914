// What the record pages and the record forms share: loading readable
// records with their detail view (the list answers summaries only), and
// labels for the values of the record types (doc/RECORDS.md).

import { api } from './api.js';
import { el, fmtNumber } from './ui.js';

// Run fn over items with at most `limit` calls at once; results in order.
export async function mapLimit(items, limit, fn) {
  const out = new Array(items.length);
  let next = 0;
  async function worker() {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i], i);
    }
  }
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

// Summaries of readable objects of a type (newest version each), following
// the cursor up to `max`.
export async function listSummaries(type, params = {}, max = 1000) {
  const items = [];
  let cursor;
  do {
    const page = await api.get('objects', { type, limit: 500, ...params, cursor });
    items.push(...(page.items || []));
    cursor = page.next_cursor;
  } while (cursor && items.length < max);
  return items.slice(0, max);
}

// Detail views (object, summary, labels, workflow, ...) of the readable
// objects of a type. A record that vanished between the two calls (revoked
// for us, or hidden) is left out.
export async function loadRecords(type, params = {}, max = 1000) {
  const summaries = await listSummaries(type, params, max);
  const details = await mapLimit(summaries, 6, async (s) => {
    try {
      return await api.get('objects/' + encodeURIComponent(s.id));
    } catch (e) {
      if (e && e.status === 404) return null;
      throw e;
    }
  });
  return details.filter((d) => d && !(d.summary && d.summary.revoked));
}

// "due_date" -> "Due date"; refs lose their suffix.
export function humanize(key) {
  const s = String(key)
    .replace(/_refs$/, 's')
    .replace(/_ref$/, '')
    .replace(/_/g, ' ');
  const special = { hq: 'HQ', idf: 'IDF', uas: 'UAS', ied: 'IED', fms: 'FMS', 'fmf-grant': 'FMF grant', 'fmf-loan': 'FMF loan',
    hcc: 'HCC', jscd: 'JSCD', 'hmc-session': 'HMC session' };
  if (special[s]) return special[s];
  const words = s.replace(/-/g, ' ')
    .replace(/\blor\b/gi, 'LOR').replace(/\bloa\b/gi, 'LOA').replace(/\bhmc\b/gi, 'HMC').replace(/\bisf\b/gi, 'ISF');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

// A state as a badge; the class names the state for its colour.
export function stateBadge(state, extra) {
  if (!state) return el('span', { class: 'rec-muted' }, '—');
  return el('span', { class: ['rec-state', 'rec-state-' + String(state).replace(/[^a-z0-9-]/g, '')] , dataset: { state } },
    humanize(state), extra || null);
}

// A date-time as "2026-11-25 08:00Z" (UTC, what the records hold).
export function fmtUtc(ts) {
  if (!ts) return '—';
  const m = /^(\d{4}-\d\d-\d\d)T(\d\d:\d\d)/.exec(ts);
  if (!m) return String(ts);
  return m[2] === '00:00' ? m[1] : `${m[1]} ${m[2]}Z`;
}

// A link to the detail page of an object.
export function objectLink(id, text) {
  return el('a', { href: '#/objects/' + encodeURIComponent(id) }, text || id);
}

// The page's heading, a lead paragraph and a toolbar of buttons.
export function pageHeader(title, lead, buttons = []) {
  return el('header', { class: 'rec-page-header' },
    el('div', {}, el('h1', {}, title), lead ? el('p', { class: 'rec-lead' }, lead) : null),
    el('div', { class: 'rec-toolbar' }, buttons));
}

// A section with a heading (h2) and an id for in-page links and tests.
export function section(id, title, ...children) {
  const hid = id + '-title';
  return el('section', { class: 'rec-section', id, 'aria-labelledby': hid },
    el('h2', { id: hid }, title), ...children);
}

// A table; columns: [{label, cell(row) -> node|string, class?}].
export function table(caption, columns, rows, empty = 'Nothing to show.') {
  if (!rows.length) return el('p', { class: 'rec-empty' }, empty);
  return el('div', { class: 'rec-table-wrap' },
    el('table', { class: 'rec-table' },
      caption ? el('caption', { class: 'rec-sr' }, caption) : null,
      el('thead', {}, el('tr', {}, columns.map((c) => el('th', { scope: 'col', class: c.class }, c.label)))),
      el('tbody', {}, rows.map((r) => el('tr', { dataset: { id: r.object ? r.object.id : '' } },
        columns.map((c) => el('td', { class: c.class }, c.cell(r))))))));
}

// A labelled select for filters; onChange(value).
export function filterSelect(label, values, onChange, all = 'All') {
  const id = 'f-' + label.toLowerCase().replace(/[^a-z0-9]+/g, '-');
  const sel = el('select', { id, onchange: () => onChange(sel.value) },
    el('option', { value: '' }, all),
    values.map((v) => (typeof v === 'object' ? el('option', { value: v.value }, v.label) : el('option', { value: v }, humanize(v)))));
  return el('span', { class: 'rec-filter' }, el('label', { for: id }, label), sel);
}

// Counts by a key, in a given order, then the others.
export function countBy(items, keyFn, order = []) {
  const m = new Map(order.map((k) => [k, 0]));
  for (const it of items) {
    const k = keyFn(it);
    if (k === undefined || k === null) continue;
    m.set(k, (m.get(k) || 0) + 1);
  }
  return m;
}

// A strip of counts (the pipeline); each a button filtering the list.
export function pipeline(label, counts, onPick) {
  return el('ol', { class: 'rec-pipeline', 'aria-label': label },
    [...counts.entries()].map(([k, n]) =>
      el('li', {}, el('button', { type: 'button', class: 'rec-stage', dataset: { state: k }, onclick: () => onPick && onPick(k) },
        el('span', { class: 'rec-stage-n' }, String(n)), el('span', { class: 'rec-stage-label' }, humanize(k))))));
}

// The banner of a detail view (or summary) as a marking line.
export function bannerText(d) {
  const s = d && (d.summary || d);
  return (s && s.banner) || '';
}

// Has the node's answer a partner's own object? (owner code of a detail).
export function ownerOf(d) {
  return (d.labels && d.labels.owner) || (d.summary && d.summary.owner) || null;
}

// A "New ..." button opening a record form; after a create, onDone(detail).
export function newButton(label, formOpts, onDone, openForm) {
  const b = el('button', { type: 'button', class: 'btn btn-primary', dataset: { new: formOpts.type } }, label);
  let busy = false;
  b.addEventListener('click', async () => {
    // Not disabled while the dialog is open: focus must come back to it.
    if (busy) return;
    busy = true;
    try {
      const d = await openForm({ title: label, ...(typeof formOpts.preset === 'function' ? { ...formOpts, preset: await formOpts.preset() } : formOpts) });
      if (d && onDone) await onDone(d);
    } finally {
      busy = false;
    }
  });
  return b;
}

// A small button calling fn (errors shown next to it).
export function actionButton(label, fn, cls = 'btn btn-small') {
  const b = el('button', { type: 'button', class: cls }, label);
  const err = el('span', { class: 'field-error rec-action-error', role: 'alert', hidden: true });
  let busy = false;
  b.addEventListener('click', async () => {
    if (busy) return;
    busy = true;
    err.hidden = true;
    b.setAttribute('aria-busy', 'true');
    try {
      await fn();
    } catch (e) {
      err.textContent = (e && (e.detail || e.message)) || String(e);
      err.hidden = false;
    } finally {
      busy = false;
      b.removeAttribute('aria-busy');
    }
  });
  return [b, err];
}

// Start a page: clear it and put a loading line.
export function startPage(main) {
  main.replaceChildren();
  main.classList.add('rec-page');
}
