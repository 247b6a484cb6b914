// Intelligence: the feed of reports, indicators and the other intelligence
// types the reader may see, with filters, full-text search and keyset
// paging, and forms to create a report, an indicator or a note.

import { api, ApiError, hasRole } from '../api.js';
import {
  TLP, clear, clearFieldErrors, el, field, fieldErrors, fmtDate, markingPicker, pageHeading,
  partners, recordTable, showError,
} from '../ui.js';

export const INTEL_TYPES = [
  'report', 'indicator', 'note', 'opinion', 'sighting', 'incident', 'threat-actor', 'intrusion-set',
  'campaign', 'malware', 'tool', 'attack-pattern', 'vulnerability', 'infrastructure', 'observed-data',
  'grouping', 'course-of-action', 'location', 'identity', 'relationship',
];

const PAGE = 25;

function toIso(local) {
  if (!local) return '';
  const d = new Date(local + (local.length === 10 ? 'T00:00:00Z' : 'Z'));
  return Number.isNaN(d.getTime()) ? '' : d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export async function render(main, params) {
  const q = params.query || {};
  const contributor = hasRole('contributor');
  const head = pageHeading('Intelligence',
    contributor
      ? el('div', { class: 'actions' },
        el('button', { type: 'button', class: 'btn btn-primary', id: 'new-report', onclick: () => openCreate('report') }, 'New report'),
        el('button', { type: 'button', class: 'btn btn-primary', id: 'new-indicator', onclick: () => openCreate('indicator') }, 'New indicator'),
        el('button', { type: 'button', class: 'btn btn-primary', id: 'new-note', onclick: () => openCreate('note') }, 'New note'))
      : null);
  const createBox = el('div', { id: 'create-box' });
  main.append(head, createBox);

  // Filters ------------------------------------------------------------------
  const givenTypes = (q.type || '').split(',').filter(Boolean);
  const typeOptions = [...new Set([...INTEL_TYPES, ...givenTypes])];
  const type = el('select', { name: 'type', id: 'f-type' },
    el('option', { value: '' }, 'All intelligence types'),
    typeOptions.map((t) => el('option', { value: t, selected: q.type === t }, t)),
    givenTypes.length > 1 ? el('option', { value: q.type, selected: true }, givenTypes.join(', ')) : null);
  const owner = el('select', { name: 'owner', id: 'f-owner' }, el('option', { value: '' }, 'Any partner'));
  const status = el('input', { type: 'text', name: 'status', id: 'f-status', value: q.status || '', placeholder: 'e.g. open' });
  const marking = el('select', { name: 'marking', id: 'f-marking' }, el('option', { value: '' }, 'Any marking'),
    TLP.map((t) => el('option', { value: t.id, selected: q.marking === t.id }, t.label)));
  const after = el('input', { type: 'date', name: 'modified_after', id: 'f-after', value: (q.modified_after || '').slice(0, 10) });
  const before = el('input', { type: 'date', name: 'modified_before', id: 'f-before', value: (q.modified_before || '').slice(0, 10) });
  const search = el('input', { type: 'search', name: 'q', id: 'f-q', value: q.q || '', placeholder: 'words, "a phrase", prefix*' });
  const form = el('form', { class: 'panel', id: 'intel-filters', role: 'search', 'aria-label': 'Filter intelligence' },
    el('div', { class: 'filters' },
      el('div', { class: 'field field-q' }, el('label', { for: 'f-q' }, 'Search'), search),
      field('Type', type), field('Owner', owner), field('Status', status), field('Marking', marking),
      field('Modified after', after), field('Modified before', before)),
    el('div', { class: 'actions' },
      el('button', { type: 'submit', class: 'btn btn-primary' }, 'Apply'),
      el('a', { href: '#/intel', class: 'btn' }, 'Clear')));
  main.append(form);
  partners().then((list) => {
    for (const p of list) owner.append(el('option', { value: p.code, selected: q.owner === p.code }, `${p.code} — ${p.name || ''}`));
  }).catch(() => {
    if (q.owner) owner.append(el('option', { value: q.owner, selected: true }, q.owner));
  });

  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const next = new URLSearchParams();
    for (const [k, v] of Object.entries({
      q: search.value.trim(), type: type.value, owner: owner.value, status: status.value.trim(), marking: marking.value,
      modified_after: toIso(after.value), modified_before: toIso(before.value),
    })) if (v) next.set(k, v);
    const s = next.toString();
    location.hash = '#/intel' + (s ? '?' + s : '');
  });

  // Results ------------------------------------------------------------------
  const results = el('section', { class: 'panel', 'aria-labelledby': 'results-h', id: 'intel-results' },
    el('h2', { id: 'results-h' }, 'Results'));
  main.append(results);
  const listParams = {
    type: q.type || INTEL_TYPES.join(','),
    owner: q.owner, status: q.status, marking: q.marking, q: q.q,
    modified_after: q.modified_after, modified_before: q.modified_before, revoked: q.revoked,
    limit: PAGE,
  };
  const cursors = [null];
  let page = 0;
  const body = el('div', { 'aria-live': 'polite' });
  const prev = el('button', { type: 'button', class: 'btn', id: 'page-prev', disabled: true }, 'Previous');
  const next = el('button', { type: 'button', class: 'btn', id: 'page-next', disabled: true }, 'Next');
  const where = el('span', { class: 'muted' });
  results.append(body, el('div', { class: 'pager' }, prev, next, where));

  async function load() {
    clear(body, el('p', { class: 'loading' }, 'Loading…'));
    prev.disabled = true;
    next.disabled = true;
    try {
      const r = await api.get('objects', { ...listParams, cursor: cursors[page] });
      clear(body, recordTable({
        columns: [
          { key: 'name', label: 'Name', render: (o) => o.name || o.id },
          { key: 'type', label: 'Type' },
          { key: 'owner', label: 'Owner' },
          { key: 'modified', label: 'Modified', render: (o) => fmtDate(o.modified) },
          { key: 'revoked', label: 'State', render: (o) => (o.revoked ? el('span', { class: 'state bad' }, 'revoked') : 'current') },
        ],
        rows: r.items,
        empty: 'Nothing you may see matches.',
      }));
      if (r.next_cursor) cursors[page + 1] = r.next_cursor;
      next.disabled = !r.next_cursor;
      prev.disabled = page === 0;
      where.textContent = `Page ${page + 1}`;
    } catch (e) {
      clear(body);
      if (e instanceof ApiError && e.field) {
        const input = form.querySelector(`[name="${CSS.escape(e.field)}"]`);
        if (input) {
          fieldErrors(form, e);
          return;
        }
      }
      showError(body, e);
    }
  }
  next.addEventListener('click', () => {
    page++;
    load();
  });
  prev.addEventListener('click', () => {
    if (page > 0) page--;
    load();
  });
  await load();

  async function openCreate(kind) {
    clear(createBox);
    const f = await createForm(kind, () => clear(createBox));
    createBox.append(f);
    const first = f.querySelector('input, textarea, select');
    if (first) first.focus();
  }
  if (contributor && ['report', 'indicator', 'note'].includes(q.new)) await openCreate(q.new);
}

function nowLocal() {
  return new Date().toISOString().slice(0, 16);
}

function lines(text) {
  return text.split(/[\s,]+/).map((s) => s.trim()).filter(Boolean);
}

// The create form of a report, an indicator or a note.
async function createForm(kind, onClose) {
  const picker = await markingPicker({});
  const inputs = {};
  const fields = [];
  const add = (name, label, control, hint) => {
    control.name = name;
    inputs[name] = control;
    fields.push(field(label, control, hint));
  };
  if (kind === 'report') {
    add('name', 'Name', el('input', { type: 'text', required: true }));
    add('description', 'Description', el('textarea', { rows: '4' }));
    add('report_types', 'Report type', el('select', {}, ['threat-report', 'attack-pattern', 'campaign', 'indicator', 'malware', 'observed-data', 'threat-actor', 'tool', 'vulnerability'].map((t) => el('option', { value: t }, t))));
    add('published', 'Published (UTC)', el('input', { type: 'datetime-local', value: nowLocal(), required: true }));
    add('object_refs', 'Objects it covers', el('textarea', { rows: '3', placeholder: 'indicator--…, one id per line' }), 'The ids of the objects the report is about (at least one).');
  } else if (kind === 'indicator') {
    add('name', 'Name', el('input', { type: 'text', required: true }));
    add('description', 'Description', el('textarea', { rows: '3' }));
    add('indicator_types', 'Indicator type', el('select', {}, ['malicious-activity', 'anomalous-activity', 'attribution', 'compromised', 'benign', 'unknown'].map((t) => el('option', { value: t }, t))));
    add('pattern', 'Pattern (STIX)', el('input', { type: 'text', required: true, value: "[ipv4-addr:value = '198.51.100.1']" }));
    add('valid_from', 'Valid from (UTC)', el('input', { type: 'datetime-local', value: nowLocal(), required: true }));
  } else {
    add('abstract', 'Abstract', el('input', { type: 'text' }));
    add('content', 'Content', el('textarea', { rows: '4', required: true }));
    add('object_refs', 'About (object ids)', el('textarea', { rows: '2', placeholder: 'one id per line' }), 'The objects the note is about (at least one).');
  }
  const save = el('button', { type: 'submit', class: 'btn btn-primary', id: 'create-save' }, 'Create ' + kind);
  const form = el('form', { class: 'panel form', id: 'create-' + kind, 'aria-labelledby': 'create-h', novalidate: true },
    el('h2', { id: 'create-h' }, 'New ' + kind),
    el('div', { class: 'form-grid' }, fields), picker,
    el('div', { class: 'actions' }, save, el('button', { type: 'button', class: 'btn', onclick: onClose }, 'Cancel')));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearFieldErrors(form);
    save.disabled = true;
    try {
      const markings = await picker.resolve();
      const o = { type: kind };
      const v = (n) => (inputs[n] ? inputs[n].value.trim() : '');
      const iso = (n) => toIso(v(n)) || undefined;
      if (kind === 'report') {
        Object.assign(o, { name: v('name'), report_types: [v('report_types')], published: iso('published'), object_refs: lines(v('object_refs')) });
        if (v('description')) o.description = v('description');
      } else if (kind === 'indicator') {
        Object.assign(o, { name: v('name'), indicator_types: [v('indicator_types')], pattern: v('pattern'), pattern_type: 'stix', valid_from: iso('valid_from') });
        if (v('description')) o.description = v('description');
      } else {
        Object.assign(o, { content: v('content'), object_refs: lines(v('object_refs')) });
        if (v('abstract')) o.abstract = v('abstract');
      }
      for (const k of Object.keys(o)) if (o[k] === '' || o[k] === undefined) delete o[k];
      if (markings.length) o.object_marking_refs = markings;
      const r = await api.post('objects', o);
      location.hash = '#/objects/' + encodeURIComponent(r.object.id);
    } catch (e) {
      fieldErrors(form, e);
    } finally {
      save.disabled = false;
    }
  });
  return form;
}
