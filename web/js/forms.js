// Record forms built from the record types' JSON schemas (served at
// /schemas/TYPE.json, doc/RECORDS.md), in an accessible modal dialog, and
// the workflow buttons of a record's detail view.
//
// Every input is named by its property path as the API names it in an
// error's `field` (`lines[0].quantity`, `extensions.<id>.kind`), so that a
// server error lands next to the input it is about.

import { api, ApiError, session, hasRole } from './api.js';
import { el, markingPicker, confirmDialog, partners } from './ui.js';
import { humanize, listSummaries, mapLimit } from './records.js';

export const CX_INCIDENT_EXT = 'extension-definition--24c5a9d5-5359-55d0-9ac5-d79afd75ff12';

// The schema of a record type's form: incidents are STIX `incident`s with
// the cx-incident-report property-extension.
function schemaName(type) {
  return type === 'incident' ? 'cx-incident-report' : type;
}

const schemaCache = new Map();
export function loadSchema(type) {
  const name = schemaName(type);
  if (!schemaCache.has(name)) {
    const p = fetch('/schemas/' + encodeURIComponent(name) + '.json', {
      credentials: 'same-origin',
      headers: { Accept: 'application/json' },
    }).then((r) => {
      if (!r.ok) throw new ApiError(r.status, { detail: `No schema for ${type}` });
      return r.json();
    });
    p.catch(() => schemaCache.delete(name));
    schemaCache.set(name, p);
  }
  return schemaCache.get(name);
}

// STIX properties of an incident around the extension's.
const INCIDENT_SCHEMA = {
  type: 'object',
  properties: {
    name: { type: 'string', minLength: 1 },
    description: { type: 'string', minLength: 1 },
  },
  required: ['name'],
};

// Which type a reference names, where the record model says.
const REF_TYPES = {
  request_ref: 'cx-movement-request',
  case_ref: 'cx-repatriation-case',
  framework_ref: 'cx-assessment-framework',
  dialogue_ref: 'cx-dialogue',
  site_ref: 'cx-protected-site',
  site_refs: 'cx-protected-site',
  party_refs: 'identity',
  partner_unit_refs: 'identity',
};
// Properties holding a partner code.
const PARTNER_KEYS = new Set(['owner_partner', 'host_nation', 'purchaser', 'home_nation']);
// Free text long enough for a text area.
const LONG_TEXT = new Set(['statement', 'objectives', 'outcome', 'conditions', 'host_nation_response',
  'description', 'rationale', 'criteria', 'special_needs', 'content']);
const HINTS = {
  case_id: 'CC-I-DDD, e.g. IQ-B-ZAA (country, implementing agency, designator)',
  case_number: 'Pseudonymous: RC-YYYY-NNN. No names or identifiers of persons.',
  owner_partner: 'Partner code', currency: 'ISO 4217, e.g. USD',
  date_of_birth: 'YYYY, YYYY-MM or YYYY-MM-DD',
  rating: '0 to 1', weight: '0 to 1',
  movement_number: 'Required when approving', conditions: 'Required for a counter-proposal',
};

// Labels for the objects a reference may name: the list's name, else a
// record's own naming property (which only the detail view holds).
const NAME_KEYS = ['name', 'convoy_name', 'case_number', 'case_id', 'statement'];
const optionsCache = new Map();
function refOptions(type) {
  if (!optionsCache.has(type)) {
    const p = listSummaries(type, {}, 300).then(async (items) => {
      const need = items.filter((s) => !s.name);
      const details = await mapLimit(need, 6, (s) =>
        api.get('objects/' + encodeURIComponent(s.id)).catch(() => null));
      const names = new Map();
      need.forEach((s, i) => {
        const o = details[i] && details[i].object;
        const k = o && NAME_KEYS.find((key) => o[key]);
        if (k) names.set(s.id, String(o[k]));
      });
      return items.filter((s) => !s.revoked)
        .map((s) => ({ value: s.id, label: (s.name || names.get(s.id) || s.id) + (s.owner ? ` (${s.owner})` : '') }))
        .sort((a, b) => a.label.localeCompare(b.label));
    });
    p.catch(() => optionsCache.delete(type));
    optionsCache.set(type, p);
    // Forget after a while: new records should appear in the next form.
    setTimeout(() => optionsCache.delete(type), 30000);
  }
  return optionsCache.get(type);
}

// ---- date-time ----------------------------------------------------------------------------

// A stored timestamp as a datetime-local value (UTC, to the minute).
function toLocalInput(ts) {
  const m = /^(\d{4}-\d\d-\d\dT\d\d:\d\d)/.exec(ts || '');
  return m ? m[1] : '';
}
// A datetime-local value (read as UTC) as RFC 3339.
function fromLocalInput(v) {
  if (!v) return undefined;
  return /T\d\d:\d\d$/.test(v) ? v + ':00Z' : v.replace(/(\.\d+)?$/, '') + 'Z';
}

// ---- fields -----------------------------------------------------------------------------------

let uid = 0;
function nextId(prefix) {
  uid += 1;
  return `${prefix}-${uid}`;
}

// A field node: {el, collect() -> value|undefined, setPath(path), focus()}.
// ctx: {options: {key: Promise<[{value,label}]>|[...]}, fixed: Set, version}.
function buildField(schema, key, path, value, ctx, required) {
  const s = schema || {};
  if (s.type === 'object' && s.properties) return objectField(s, key, path, value, ctx, required);
  if (s.type === 'array' && s.items && s.items.type === 'object') return rowsField(s, key, path, value, ctx, required);
  if (s.type === 'array') return listField(s, key, path, value, ctx, required);
  return scalarField(s, key, path, value, ctx, required);
}

function labelFor(key, required) {
  return [humanize(key), required ? el('span', { class: 'rec-req', 'aria-hidden': 'true' }, ' *') : null];
}

function wrap(id, key, required, control, hint, extraLabel) {
  const hintId = hint ? id + '-hint' : null;
  if (hintId) control.setAttribute('aria-describedby', hintId);
  return el('div', { class: 'field rec-field', dataset: { key } },
    el('label', { for: id }, labelFor(key, required), extraLabel || null),
    control,
    hint ? el('small', { id: hintId, class: 'hint' }, hint) : null);
}

function scalarField(s, key, path, value, ctx, required) {
  const id = nextId('f');
  const fixed = ctx.fixed && ctx.fixed.has(key);
  let control;
  let collect;
  let hint = HINTS[key] || null;
  let extraLabel = null;
  const refType = REF_TYPES[key];
  const orig = value;

  if (s.enum) {
    control = el('select', { id, name: path },
      required && value !== undefined ? null : el('option', { value: '' }, '—'),
      (ctx.enumLimit && ctx.enumLimit[key] ? ctx.enumLimit[key] : s.enum).map((v) =>
        el('option', { value: v, selected: v === value }, humanize(v))));
    if (value !== undefined) control.value = value;
    collect = () => (control.value === '' ? undefined : control.value);
  } else if (s.type === 'boolean') {
    control = el('input', { id, name: path, type: 'checkbox', checked: value === true });
    collect = () => (control.checked ? true : orig === undefined ? undefined : false);
    return finish(el('div', { class: 'field rec-field rec-check', dataset: { key } }, control,
      el('label', { for: id }, labelFor(key, required))));
  } else if (s.type === 'number' || s.type === 'integer') {
    control = el('input', {
      id, name: path, type: 'number', inputmode: s.type === 'integer' ? 'numeric' : 'decimal',
      step: s.type === 'integer' ? '1' : 'any', min: s.minimum, max: s.maximum,
      value: value === undefined || value === null ? '' : String(value),
    });
    collect = () => {
      const v = control.value.trim();
      if (v === '') return control.validity && control.validity.badInput ? NaN : undefined;
      const n = Number(v);
      return Number.isNaN(n) ? v : n;
    };
  } else if (s.format === 'date-time') {
    control = el('input', { id, name: path, type: 'datetime-local', value: toLocalInput(value) });
    const initial = control.value;
    collect = () => (control.value === initial && orig !== undefined ? orig : fromLocalInput(control.value));
    extraLabel = el('span', { class: 'rec-unit' }, ' (UTC)');
  } else if (refType || (ctx.options && ctx.options[key])) {
    control = el('select', { id, name: path }, el('option', { value: '' }, required ? 'Choose…' : '—'));
    if (value) control.append(el('option', { value, selected: true }, value));
    const src = (ctx.options && ctx.options[key]) || refOptions(refType);
    Promise.resolve(src).then((opts) => {
      const keep = control.value;
      control.replaceChildren(el('option', { value: '' }, required ? 'Choose…' : '—'));
      let found = false;
      for (const o of opts) {
        control.append(el('option', { value: o.value }, o.label));
        if (o.value === keep) found = true;
      }
      if (keep && !found) control.append(el('option', { value: keep }, keep));
      control.value = keep;
    }).catch(() => {});
    collect = () => (control.value === '' ? undefined : control.value);
  } else if (PARTNER_KEYS.has(key)) {
    control = el('select', { id, name: path }, el('option', { value: '' }, required ? 'Choose…' : '—'));
    if (value) control.append(el('option', { value, selected: true }, value));
    partners().then((list) => {
      const keep = control.value;
      control.replaceChildren(el('option', { value: '' }, required ? 'Choose…' : '—'));
      for (const p of list) control.append(el('option', { value: p.code }, `${p.code} — ${p.name}`));
      if (keep && !list.some((p) => p.code === keep)) control.append(el('option', { value: keep }, keep));
      control.value = keep;
    }).catch(() => {});
    collect = () => (control.value === '' ? undefined : control.value);
  } else if (LONG_TEXT.has(key)) {
    control = el('textarea', { id, name: path, rows: key === 'special_needs' || key === 'statement' ? 4 : 3 });
    control.value = value === undefined ? '' : String(value);
    collect = () => (control.value.trim() === '' ? undefined : control.value);
  } else {
    control = el('input', { id, name: path, type: 'text', value: value === undefined ? '' : String(value), autocomplete: 'off' });
    if (ctx.datalists && ctx.datalists[key]) control.setAttribute('list', ctx.datalists[key]);
    collect = () => (control.value.trim() === '' ? undefined : control.value.trim());
  }
  if (fixed) {
    control.disabled = true;
    control.setAttribute('aria-readonly', 'true');
  }
  if (required) control.setAttribute('aria-required', 'true');
  return finish(wrap(id, key, required, control, hint, extraLabel));

  function finish(node) {
    return {
      el: node,
      control,
      collect,
      setPath(p) { control.name = p; },
      focus() { control.focus(); },
    };
  }
}

// Arrays of scalars: one per line (identifiers of a known type: a
// checkbox group of the readable objects).
function listField(s, key, path, value, ctx, required) {
  const items = s.items || {};
  const refType = REF_TYPES[key];
  const orig = value;
  if (refType) {
    const id = nextId('g');
    const box = el('div', { class: 'rec-checks' }, el('span', { class: 'rec-muted' }, 'Loading…'));
    const chosen = new Set(Array.isArray(value) ? value : []);
    const fs = el('fieldset', { class: 'rec-field rec-group', id, name: path, dataset: { path, key } },
      el('legend', {}, labelFor(key, required)), box);
    const inputs = [];
    refOptions(refType).then((opts) => {
      const all = [...opts];
      for (const v of chosen) if (!all.some((o) => o.value === v)) all.push({ value: v, label: v });
      box.replaceChildren();
      if (!all.length) box.append(el('span', { class: 'rec-muted' }, 'None readable.'));
      for (const o of all) {
        const cid = nextId('c');
        const cb = el('input', { type: 'checkbox', id: cid, value: o.value, checked: chosen.has(o.value) });
        cb.addEventListener('change', () => (cb.checked ? chosen.add(o.value) : chosen.delete(o.value)));
        inputs.push(cb);
        box.append(el('div', { class: 'rec-check' }, cb, el('label', { for: cid }, o.label)));
      }
    }).catch(() => box.replaceChildren(el('span', { class: 'rec-muted' }, 'Could not load the choices.')));
    return {
      el: fs,
      collect: () => {
        const v = [...chosen];
        if (!v.length) return orig === undefined ? undefined : [];
        // Keep the stored order for unchanged members.
        if (Array.isArray(orig) && orig.length === v.length && orig.every((x) => chosen.has(x))) return orig;
        return v;
      },
      setPath(p) { fs.dataset.path = p; fs.setAttribute('name', p); },
      focus() { (inputs[0] || fs).focus(); },
    };
  }
  const id = nextId('f');
  const control = el('textarea', { id, name: path, rows: 3 });
  control.value = Array.isArray(value) ? value.join('\n') : '';
  const isNum = items.type === 'number' || items.type === 'integer';
  const node = wrap(id, key, required, control, 'One per line');
  return {
    el: node,
    control,
    collect: () => {
      const v = control.value.split('\n').map((x) => x.trim()).filter((x) => x !== '')
        .map((x) => (isNum && !Number.isNaN(Number(x)) ? Number(x) : x));
      if (!v.length) return orig === undefined ? undefined : [];
      return v;
    },
    setPath(p) { control.name = p; },
    focus() { control.focus(); },
  };
}

// Nested objects: a fieldset of their properties.
function objectField(s, key, path, value, ctx, required, legend) {
  const req = new Set(s.required || []);
  const v = value && typeof value === 'object' ? value : {};
  const children = [];
  const fs = el('fieldset', { class: 'rec-field rec-object', dataset: { path, key } },
    el('legend', {}, legend || labelFor(key, required)));
  const grid = el('div', { class: 'rec-grid' });
  fs.append(grid);
  for (const [k, ps] of Object.entries(s.properties)) {
    if (ps.enum && ps.enum.length === 1 && k === 'extension_type') continue;
    const child = buildField(ps, k, path ? `${path}.${k}` : k, v[k], ctx, req.has(k));
    children.push([k, child]);
    (ps.type === 'object' || (ps.type === 'array' && ps.items && ps.items.type === 'object') ? fs : grid).append(child.el);
  }
  return {
    el: fs,
    children,
    collect: () => {
      const out = {};
      for (const [k, c] of children) {
        const x = c.collect();
        if (x !== undefined) out[k] = x;
      }
      return Object.keys(out).length ? out : undefined;
    },
    setPath(p) {
      path = p;
      fs.dataset.path = p;
      for (const [k, c] of children) c.setPath(p ? `${p}.${k}` : k);
    },
    focus() { if (children[0]) children[0][1].focus(); },
  };
}

// Arrays of objects: repeatable rows with Add and Remove.
function rowsField(s, key, path, value, ctx, required) {
  const rows = [];
  const orig = value;
  const list = el('div', { class: 'rec-rows' });
  const noun = ROW_NOUNS[key] || 'row';
  const addBtn = el('button', { type: 'button', class: 'btn btn-small', onclick: () => { add({}); rows[rows.length - 1].node.focus(); } },
    `Add ${noun}`);
  const fs = el('fieldset', { class: 'rec-field rec-array', dataset: { path, key } },
    el('legend', {}, labelFor(key, required)), list, addBtn);

  function renumber() {
    rows.forEach((r, i) => {
      r.node.setPath(`${path}[${i}]`);
      r.legend.textContent = `${humanize(noun)} ${i + 1}`;
      r.remove.setAttribute('aria-label', `Remove ${noun} ${i + 1}`);
    });
  }
  function add(v) {
    const legend = el('span', {});
    const node = objectField(s.items, noun, `${path}[${rows.length}]`, v, ctx, false, legend);
    const remove = el('button', { type: 'button', class: 'btn btn-small' }, 'Remove');
    const r = { node, legend, remove };
    remove.addEventListener('click', () => {
      const i = rows.indexOf(r);
      rows.splice(i, 1);
      node.el.remove();
      renumber();
      (rows[Math.min(i, rows.length - 1)] ? rows[Math.min(i, rows.length - 1)].remove : addBtn).focus();
    });
    node.el.classList.add('rec-row');
    node.el.append(el('div', { class: 'rec-row-actions' }, remove));
    rows.push(r);
    list.append(node.el);
    renumber();
  }
  (Array.isArray(value) ? value : []).forEach((v) => add(v));
  return {
    el: fs,
    collect: () => {
      const v = rows.map((r) => r.node.collect() || {});
      if (!v.length) return orig === undefined ? undefined : [];
      return v;
    },
    setPath(p) { path = p; fs.dataset.path = p; renumber(); },
    focus() { (rows[0] ? rows[0].node : { focus: () => addBtn.focus() }).focus(); },
  };
}

const ROW_NOUNS = { lines: 'line', ratings: 'rating', factors: 'factor', indicators: 'indicator',
  documents: 'document', family_links: 'family link' };

// ---- errors --------------------------------------------------------------------------------------

function clearErrors(form) {
  for (const e of form.querySelectorAll('.rec-field-error')) e.remove();
  for (const e of form.querySelectorAll('[aria-invalid]')) {
    e.removeAttribute('aria-invalid');
    const d = (e.getAttribute('aria-describedby') || '').split(' ').filter((x) => !x.startsWith('err-'));
    if (d.length) e.setAttribute('aria-describedby', d.join(' '));
    else e.removeAttribute('aria-describedby');
  }
}

// The element a property path names: an input of that name, else the
// fieldset of the path or of its nearest parent.
function findTarget(form, field) {
  let p = field;
  while (p) {
    const byName = form.querySelector(`[name="${CSS.escape(p)}"]`);
    if (byName && byName.tagName !== 'FIELDSET') return byName;
    const fs = form.querySelector(`[data-path="${CSS.escape(p)}"], [data-field="${CSS.escape(p)}"]`);
    if (fs) return fs;
    const m = /^(.*)(\[\d+\]|\.[^.[\]]+)$/.exec(p);
    p = m ? m[1] : '';
  }
  return null;
}

// Put an error next to the input named by the API's `field`; true when
// one was found.
export function showFieldError(form, field, message) {
  const target = field ? findTarget(form, field) : null;
  if (!target) return false;
  const id = 'err-' + nextId('e');
  const msg = el('p', { class: 'field-error rec-field-error', id, role: 'alert', dataset: { field } }, message);
  target.setAttribute('aria-invalid', 'true');
  target.setAttribute('aria-describedby', [target.getAttribute('aria-describedby'), id].filter(Boolean).join(' '));
  if (target.tagName === 'FIELDSET') target.querySelector('legend').after(msg);
  else target.closest('.rec-field').append(msg);
  if (target.tagName !== 'FIELDSET') target.focus();
  else target.scrollIntoView({ block: 'nearest' });
  return true;
}

function errorText(err) {
  if (!(err instanceof ApiError)) return String((err && err.message) || err);
  let t = err.detail || err.message;
  if (err.status === 409 && err.allowed) t += ` (allowed: ${err.allowed.length ? err.allowed.map(humanize).join(', ') : 'none'})`;
  if (err.status === 403) t = `Not permitted: ${t}`;
  return t;
}

// Show an API error: next to its field when the form has it, else in the
// form's top message.
function showApiError(form, top, err, mapField = (f) => f) {
  clearErrors(form);
  top.replaceChildren();
  const field = err instanceof ApiError ? mapField(err.field) : null;
  if (field && showFieldError(form, field, errorText(err))) return;
  top.append(el('p', { class: 'form-error', role: 'alert' }, errorText(err)));
  top.scrollIntoView({ block: 'nearest' });
}

// ---- the dialog ------------------------------------------------------------------------------------

// A modal dialog: labelled by its title, Esc closes, Tab stays inside, focus
// returns to where it was. build(body, close) fills it; resolves with what
// close() was given (null on cancel).
export function modal(title, build, { wide = false } = {}) {
  const opener = document.activeElement;
  const titleId = nextId('dlg-title');
  const dlg = el('dialog', { class: ['rec-dialog', wide ? 'rec-dialog-wide' : null], 'aria-labelledby': titleId, 'aria-modal': 'true' });
  let result = null;
  let done;
  const promise = new Promise((res) => { done = res; });
  const close = (value = null) => {
    result = value;
    if (dlg.open) dlg.close();
  };
  const head = el('div', { class: 'rec-dialog-head' }, el('h2', { id: titleId }, title),
    el('button', { type: 'button', class: 'btn btn-small rec-close', 'aria-label': 'Close', onclick: () => close(null) }, '×'));
  const body = el('div', { class: 'rec-dialog-body' });
  dlg.append(head, body);
  dlg.addEventListener('cancel', (e) => { e.preventDefault(); close(null); });
  dlg.addEventListener('keydown', (e) => {
    if (e.key === 'Escape') { e.preventDefault(); close(null); return; }
    if (e.key !== 'Tab') return;
    const f = [...dlg.querySelectorAll('a[href], button, input, select, textarea, [tabindex]:not([tabindex="-1"])')]
      .filter((x) => !x.disabled && x.offsetParent !== null);
    if (!f.length) return;
    const first = f[0];
    const last = f[f.length - 1];
    if (e.shiftKey && document.activeElement === first) { e.preventDefault(); last.focus(); }
    else if (!e.shiftKey && document.activeElement === last) { e.preventDefault(); first.focus(); }
  });
  dlg.addEventListener('close', () => {
    dlg.remove();
    if (opener && typeof opener.focus === 'function' && opener.isConnected) opener.focus();
    done(result);
  });
  document.body.append(dlg);
  build(body, close);
  dlg.showModal();
  const firstField = body.querySelector('input:not([disabled]):not([type=hidden]), select:not([disabled]), textarea');
  (firstField || head.querySelector('button')).focus();
  return promise;
}

// A form inside a modal, built from a schema. onSubmit(value, form) returns
// what the dialog resolves with, or throws an ApiError shown by field.
export function openSchemaForm({ title, schema, value = {}, ctx = {}, submitLabel = 'Save',
  before = null, after = null, onSubmit, mapField, wide = true }) {
  return modal(title, (body, close) => {
    const top = el('div', { class: 'rec-form-top', 'aria-live': 'polite' });
    const root = objectField(schema, '', '', value, { ...ctx, fixed: new Set(ctx.fixed || []) }, false, null);
    root.el.classList.add('rec-form-root');
    root.el.querySelector('legend').remove();
    const submit = el('button', { type: 'submit', class: 'btn btn-primary' }, submitLabel);
    const form = el('form', { class: 'rec-form', novalidate: true },
      top, before, root.el, after,
      el('div', { class: 'rec-form-actions' },
        el('button', { type: 'button', class: 'btn', onclick: () => close(null) }, 'Cancel'), submit));
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      clearErrors(form);
      top.replaceChildren();
      submit.disabled = true;
      submit.setAttribute('aria-busy', 'true');
      try {
        const out = await onSubmit(root.collect() || {}, form, top);
        if (out !== undefined) close(out);
      } catch (err) {
        showApiError(form, top, err, mapField);
      } finally {
        submit.disabled = false;
        submit.removeAttribute('aria-busy');
      }
    });
    body.append(form);
    // What the form held when it opened: a new version sends what differs.
    form.cxInitial = root.collect() || {};
  }, { wide });
}

// ---- record forms ---------------------------------------------------------------------------------

// The marking ids the picker holds once its releasability marking is made;
// the preset ones when the picker could make none (markings API down).
async function resolveMarkings(picker, preset = []) {
  const ids = picker ? (picker.resolve ? await picker.resolve() : picker.value) : [];
  if ((!ids || !ids.length) && preset && preset.length) return preset.slice();
  return ids || [];
}

// The initial status of a new record: its machine's first state.
function firstState(schema) {
  const st = schema.properties && schema.properties.status;
  return st && st.enum ? st.enum[0] : undefined;
}

// Options of datalists that help filling a form (factor names of the
// readable frameworks for assessments and observations).
async function frameworkFactors() {
  const opts = await refOptions('cx-assessment-framework');
  const details = await mapLimit(opts, 4, (o) => api.get('objects/' + encodeURIComponent(o.value)).catch(() => null));
  const names = new Set();
  for (const d of details) for (const f of (d && d.object.factors) || []) names.add(f.name);
  return [...names];
}

// The properties that changed between two collected values: each new or
// different one, and null for each one removed.
function changes(before, after) {
  const out = {};
  const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
  for (const k of keys) {
    const a = before[k];
    const b = after[k];
    if (JSON.stringify(a) === JSON.stringify(b)) continue;
    out[k] = b === undefined ? null : b;
  }
  return out;
}

// Open the form of a record type: a new record (object null) or a new
// version of `object` (only the changed properties are sent; null removes
// one). preset: initial values of a new record (object_marking_refs for
// the marking picker); fixed: properties shown but not editable.
// Resolves with the node's detail view, or null when cancelled.
export async function openRecordForm({ type, object = null, title, preset = {}, fixed = [] }) {
  const raw = await loadSchema(type);
  const isIncident = type === 'incident';
  let schema = raw;
  let value = object ? { ...object } : { ...preset };
  if (isIncident) {
    // The extension's properties go in extensions[CX_INCIDENT_EXT]; the form
    // names them by that path so the API's `field` finds them.
    schema = {
      type: 'object',
      properties: { ...INCIDENT_SCHEMA.properties, extensions: { type: 'object', properties: { [CX_INCIDENT_EXT]: raw } } },
      required: INCIDENT_SCHEMA.required,
    };
    const ext = (value.extensions && value.extensions[CX_INCIDENT_EXT]) || {};
    value.extensions = { [CX_INCIDENT_EXT]: { report_stage: 'flash', ...ext } };
  }
  // Only the schema's own properties are form fields.
  const own = {};
  for (const k of Object.keys(schema.properties)) if (value[k] !== undefined) own[k] = value[k];
  if (!object && !own.status && firstState(schema)) own.status = firstState(schema);

  const ctx = { fixed, datalists: {}, enumLimit: {} };
  // A new version changes the status only along the state machine.
  if (object && schema.properties.status && object.status) {
    try {
      const d = await api.get('objects/' + encodeURIComponent(object.id));
      if (d.workflow && Array.isArray(d.workflow.next)) ctx.enumLimit.status = [object.status, ...d.workflow.next];
    } catch (e) { /* the full list, then; the node checks */ }
  }
  let datalist = null;
  if (type === 'cx-assessment' || type === 'cx-observation') {
    datalist = el('datalist', { id: nextId('dl') });
    ctx.datalists.factor = datalist.id;
    frameworkFactors().then((names) => names.forEach((n) => datalist.append(el('option', { value: n })))).catch(() => {});
  }

  let picker = null;
  let before = null;
  if (!object) {
    picker = await markingPicker(preset.object_marking_refs ? { value: preset.object_marking_refs } : {});
    before = el('div', { class: 'rec-markings' }, picker);
  } else {
    before = el('p', { class: 'rec-muted' }, `New version of ${object.id}. Only what you change is sent.`);
  }
  const heading = title || (object ? `New version: ${humanize(type)}` : `New ${humanize(type).toLowerCase()}`);
  return openSchemaForm({
    title: heading,
    schema,
    value: own,
    ctx,
    submitLabel: object ? 'Save version' : 'Create',
    before,
    after: datalist,
    onSubmit: async (collected, form) => {
      if (!object) {
        const body = { type, ...collected };
        if (isIncident && body.extensions) body.extensions[CX_INCIDENT_EXT].extension_type = 'property-extension';
        const marks = await resolveMarkings(picker, preset.object_marking_refs);
        if (marks.length) body.object_marking_refs = marks;
        return api.post('objects', body);
      }
      const diff = changes(form.cxInitial, collected);
      if (isIncident && diff.extensions) {
        diff.extensions = { ...(object.extensions || {}), [CX_INCIDENT_EXT]: { ...(collected.extensions || {})[CX_INCIDENT_EXT], extension_type: 'property-extension' } };
      }
      if (!Object.keys(diff).length) throw new Error('Nothing changed: edit a field first.');
      return api.post('objects/' + encodeURIComponent(object.id) + '/versions', diff);
    },
  });
}

// A STIX note or opinion about objects (progress notes, endorsements).
// kind: 'note' | 'opinion'; markings preset (the referenced record's).
export async function openCommentForm({ kind, objectRefs, title, markings = [], opinion = 'agree' }) {
  const schema = kind === 'note'
    ? { type: 'object', properties: { abstract: { type: 'string' }, content: { type: 'string' } }, required: ['content'] }
    : { type: 'object', properties: { opinion: { type: 'string', enum: ['strongly-agree', 'agree', 'neutral', 'disagree', 'strongly-disagree'] }, explanation: { type: 'string' } }, required: ['opinion'] };
  const picker = await markingPicker(markings.length ? { value: markings } : {});
  return openSchemaForm({
    title,
    schema,
    value: kind === 'note' ? {} : { opinion },
    ctx: { fixed: [] },
    wide: false,
    submitLabel: kind === 'note' ? 'Add note' : 'Record opinion',
    after: el('div', { class: 'rec-markings' }, picker),
    onSubmit: async (v) => {
      const body = { type: kind, ...v, object_refs: objectRefs };
      const marks = await resolveMarkings(picker, markings);
      if (marks.length) body.object_marking_refs = marks;
      return api.post('objects', body);
    },
  });
}

// ---- workflow actions -------------------------------------------------------------------------------

const APPROVER_STEPS = { 'cx-aat-activity': ['approved', 'cancelled'], 'cx-assessment': ['reviewed', 'endorsed'] };
const CONFIRM = new Set(['cancelled', 'aborted', 'dropped', 'closed', 'expired', 'superseded']);
// What each step is called on its button (the state it leads to is in
// the button's title).
const VERBS = {
  'in-progress': 'Start', done: 'Mark done', dropped: 'Drop', open: 'Reopen',
  approved: 'Approve', scheduled: 'Schedule', conducted: 'Mark conducted', reported: 'Mark reported',
  closed: 'Close', cancelled: 'Cancel', reviewed: 'Mark reviewed', endorsed: 'Mark endorsed',
  draft: 'Back to draft', superseded: 'Supersede', 'loa-offered': 'Offer LOA', accepted: 'Accept',
  implemented: 'Implement', delivering: 'Start delivery', 'supply-complete': 'Supply complete',
  expired: 'Expire', completed: 'Complete', aborted: 'Abort',
  'verification-pending': 'Start verification', verified: 'Mark verified',
  'home-nation-requested': 'Request home nation', 'transfer-scheduled': 'Schedule transfer',
  transferred: 'Mark transferred', received: 'Mark received', 'in-rehabilitation': 'Start rehabilitation',
  reintegrated: 'Mark reintegrated', referred: 'Mark referred', update: 'Update report', final: 'Final report',
};
const ACTION_LABELS = {
  'cx-repatriation-case': { accepted: 'Record acceptance', declined: 'Record refusal', deferred: 'Record deferral' },
};
const DECIDED = { 'cx-repatriation-case': ['accepted', 'declined', 'deferred'] };

// Which next states the signed-in user may move this record to, from the
// detail view: the owner's partner only, approver steps only for
// approvers, decided steps only as the decision says.
export function allowedNext(detail, s) {
  const wf = detail.workflow || {};
  const o = detail.object || {};
  const type = o.type;
  const next = Array.isArray(wf.next) ? wf.next : [];
  if (!s || !next.length || (detail.summary && detail.summary.revoked)) return [];
  const owner = (detail.labels && detail.labels.owner) || (detail.summary && detail.summary.owner);
  if (owner !== s.partner) return [];
  if (!hasRole('contributor')) return [];
  if (type === 'cx-repatriation-case' && !(s.roles || []).includes('case-officer') && !hasRole('admin')) return [];
  return next.filter((to) => {
    if ((APPROVER_STEPS[type] || []).includes(to) && !hasRole('approver')) return false;
    if (type === 'cx-assessment' && to === 'endorsed' && !wf.endorsed) return false;
    if (type === 'cx-movement-request' && to === 'in-progress' && wf.state !== 'approved') return false;
    if ((DECIDED[type] || []).includes(to) && !(wf.decision && wf.decision.decision === to)) return false;
    return true;
  });
}

export function actionLabel(type, to) {
  return (ACTION_LABELS[type] && ACTION_LABELS[type][to]) || VERBS[to] || `Move to ${humanize(to).toLowerCase()}`;
}

// The body of a new version moving a record to `to`.
function stepBody(detail, to) {
  const o = detail.object;
  if (o.type === 'incident') {
    const ext = { ...((o.extensions || {})[CX_INCIDENT_EXT] || {}), report_stage: to };
    return { extensions: { ...(o.extensions || {}), [CX_INCIDENT_EXT]: ext } };
  }
  return { status: to };
}

// One button per next state the user may take; each posts a new version
// and calls onDone(newDetail). Errors (409 with allowed states, 403) show
// next to the buttons.
export function workflowActions(detail, onDone) {
  const box = el('div', { class: 'rec-actions', role: 'group', 'aria-label': 'Workflow' });
  const msg = el('p', { class: 'field-error rec-action-error rec-workflow-error', role: 'alert', hidden: true });
  const fill = (s) => {
    const type = detail.object && detail.object.type;
    const steps = allowedNext(detail, s);
    for (const to of steps) {
      const b = el('button', { type: 'button', class: ['btn', 'btn-small', CONFIRM.has(to) ? 'btn-danger' : 'btn-primary'], dataset: { to },
        title: `Move to ${humanize(to).toLowerCase()}` },
        actionLabel(type, to));
      b.addEventListener('click', async () => {
        msg.hidden = true;
        msg.textContent = '';
        if (CONFIRM.has(to)) {
          const ok = await confirmDialog(`${actionLabel(type, to)}: this cannot be undone. Continue?`);
          if (!ok) return;
        }
        for (const x of box.querySelectorAll('button')) x.disabled = true;
        try {
          const d = await api.post('objects/' + encodeURIComponent(detail.object.id) + '/versions', stepBody(detail, to));
          if (onDone) await onDone(d);
        } catch (err) {
          msg.textContent = errorText(err);
          msg.hidden = false;
        } finally {
          for (const x of box.querySelectorAll('button')) x.disabled = false;
        }
      });
      box.append(b);
    }
    box.append(msg);
  };
  session().then(fill).catch(() => {});
  return box;
}
