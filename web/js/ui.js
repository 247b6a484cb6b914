// Building blocks of every page: a DOM builder that never parses data as
// HTML, marking banners, tables, cards, error display, the marking picker
// and dialogs.

import { api, ApiError, currentSession, session } from './api.js';

// TLP 2.0 marking definitions (OASIS; shared/data/tlp-markings.json).
export const TLP = [
  { key: 'clear', label: 'TLP:CLEAR', id: 'marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487',
    hint: 'anyone: released to every partner on the node' },
  { key: 'green', label: 'TLP:GREEN', id: 'marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb',
    hint: 'the community: every partner on the node' },
  { key: 'amber', label: 'TLP:AMBER', id: 'marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421',
    hint: 'limited: the owner only, unless released below' },
  { key: 'amber+strict', label: 'TLP:AMBER+STRICT', id: 'marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003',
    hint: 'the organisation only, unless released below; never passed on' },
  { key: 'red', label: 'TLP:RED', id: 'marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1',
    hint: 'named recipients only, unless released below; never federated' },
];

export const CLASSIFICATIONS = [
  { code: 'U', word: 'UNCLASSIFIED' },
  { code: 'R', word: 'RESTRICTED' },
  { code: 'C', word: 'CONFIDENTIAL' },
  { code: 'S', word: 'SECRET' },
];

// el('a', {href: '#/x', class: 'btn', onclick: fn}, 'text', child, [more])
// attrs: class/className, style (an object), dataset (an object), on*
// (event listeners), boolean true (empty attribute), false/null/undefined
// (left out); value, checked, selected, disabled are set as properties.
// Children: nodes, or strings and numbers as text nodes; arrays are
// flattened; null, undefined and false are skipped.
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class' || k === 'className') node.className = Array.isArray(v) ? v.filter(Boolean).join(' ') : v;
    else if (k === 'text') node.textContent = String(v);
    else if (k === 'style' && typeof v === 'object') Object.assign(node.style, v);
    else if (k === 'dataset') Object.assign(node.dataset, v);
    else if (k.startsWith('on') && typeof v === 'function') node.addEventListener(k.slice(2).toLowerCase(), v);
    else if (k === 'for') node.htmlFor = v;
    else if (['value', 'checked', 'selected', 'disabled', 'multiple', 'indeterminate'].includes(k)) node[k] = v;
    else node.setAttribute(k, v === true ? '' : String(v));
  }
  append(node, children);
  return node;
}

function append(node, children) {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    if (Array.isArray(c)) append(node, c);
    else if (c instanceof Node) node.appendChild(c);
    else node.appendChild(document.createTextNode(String(c)));
  }
}

// Remove every child of node, then append children.
export function clear(node, ...children) {
  while (node.firstChild) node.removeChild(node.firstChild);
  append(node, children);
  return node;
}

function tlpKey(t) {
  if (!t) return null;
  return String(t).toLowerCase().replace(/^tlp:/, '').replace('white', 'clear');
}

// Partner codes as banners list them: USA first, then alphabetically.
export function sortCodes(codes) {
  return [...codes].sort((a, b) => (a === 'USA' ? -1 : b === 'USA' ? 1 : a.localeCompare(b)));
}

function classWord(code) {
  const c = CLASSIFICATIONS.find((x) => x.code === code);
  return c ? c.word : 'UNCLASSIFIED';
}

// The banner text of a detail's labels {owner, tlp, classification,
// releasable_to}: TLP, then CLASSIFICATION//REL TO USA, A, B (USA first).
export function bannerText(labels) {
  if (!labels) return 'UNMARKED';
  if (typeof labels.banner === 'string' && labels.banner) return labels.banner;
  const parts = [];
  const t = tlpKey(labels.tlp);
  if (t) parts.push('TLP:' + t.toUpperCase());
  let text = classWord(labels.classification || 'U');
  const rel = labels.releasable_to;
  if (rel === 'all') text += '//REL TO ALL PARTNERS';
  else if (Array.isArray(rel) && rel.length) {
    text += '//REL TO ' + sortCodes(rel).join(', ');
  }
  parts.push(text);
  return parts.join(' ');
}

// The marking banner of an object: from an API summary ({banner, tlp}), a
// detail's labels ({tlp, classification, releasable_to}), or a detail
// ({summary, labels}). Coloured by TLP (class tlp-clear, tlp-green, ...).
export function banner(x) {
  let src = x || {};
  if (src.summary && src.summary.banner) src = { ...src.labels, ...src.summary };
  const t = tlpKey(src.tlp) || tlpKey((String(src.banner || '').match(/TLP:([A-Z+]+)/) || [])[1]);
  const text = bannerText(src);
  const cls = t ? 'tlp-' + t.replace('+', '-') : 'tlp-none';
  return el('span', { class: ['banner', cls], title: 'Marking: ' + text, dataset: { tlp: t || 'none' } }, text);
}

// A table of records, each row with its banner. columns: [{key, label,
// render(row) → node or text}]; link(row) → href of the row's first column.
export function recordTable({ columns, rows, link = (row) => '#/objects/' + row.id, empty = 'Nothing to show.', caption }) {
  if (!rows || rows.length === 0) return el('p', { class: 'empty' }, empty);
  const head = el('tr', {}, el('th', { scope: 'col' }, 'Marking'), columns.map((c) => el('th', { scope: 'col' }, c.label)));
  const body = rows.map((row) =>
    el('tr', { dataset: { id: row.id || '' } },
      el('td', { class: 'cell-banner' }, banner(row)),
      columns.map((c, i) => {
        let v = c.render ? c.render(row) : row[c.key];
        if (v === undefined || v === null || v === '') v = '—';
        if (i === 0 && link) {
          const href = link(row);
          if (href) v = el('a', { href }, v);
        }
        return el('td', { class: 'col-' + String(c.key).replace(/[^a-z0-9_-]/gi, '') }, v);
      })));
  return el('div', { class: 'table-wrap' },
    el('table', { class: 'records' }, caption ? el('caption', {}, caption) : null, el('thead', {}, head), el('tbody', {}, body)));
}

// A dashboard card: a title, a big value, and a link to the records behind it.
export function card(title, value, href) {
  const long = String(value).length > 9;
  const inner = [el('span', { class: 'card-title' }, title), el('span', { class: ['card-value', long ? 'long' : ''] }, value)];
  return href ? el('a', { class: 'card', href }, inner) : el('div', { class: 'card' }, inner);
}

function errorText(err) {
  if (err instanceof ApiError) {
    let t = err.detail;
    if (err.allowed && err.allowed.length) t += ' (allowed: ' + err.allowed.join(', ') + ')';
    else if (err.allowed && err.allowed.length === 0) t += ' (no further state is allowed)';
    if (err.status === 403 && err.field) t += ' [' + err.field + ']';
    return t;
  }
  return (err && err.message) || String(err);
}

// Show err at the top of container (replacing an earlier one).
export function showError(container, err) {
  if (!container) return null;
  for (const old of container.querySelectorAll(':scope > .error-box')) old.remove();
  const box = el('div', { class: 'error-box', role: 'alert' }, errorText(err));
  container.insertBefore(box, container.firstChild);
  return box;
}

// Clear the error messages fieldErrors put in form.
export function clearFieldErrors(form) {
  for (const n of form.querySelectorAll('.field-error, .form-error')) n.remove();
  for (const n of form.querySelectorAll('[aria-invalid="true"]')) {
    n.removeAttribute('aria-invalid');
    n.removeAttribute('aria-errormessage');
  }
}

function findField(form, field) {
  if (!field) return null;
  const candidates = [field, field.split(/[.[]/)[0]];
  for (const name of candidates) {
    const byName = form.querySelector(`[name="${CSS.escape(name)}"]`);
    if (byName) return byName;
    const byData = form.querySelector(`[data-field="${CSS.escape(name)}"]`);
    if (byData) return byData;
  }
  return null;
}

let errSeq = 0;

// Put the API error's detail next to the input named by its field (or at the
// form's top), mark that input aria-invalid and focus it.
export function fieldErrors(form, apiError) {
  clearFieldErrors(form);
  const text = errorText(apiError);
  const input = apiError instanceof ApiError ? findField(form, apiError.field) : null;
  const id = 'err-' + ++errSeq;
  if (input) {
    const msg = el('p', { class: 'field-error', id, role: 'alert' }, text);
    const wrap = input.closest('.field') || input.parentNode;
    wrap.appendChild(msg);
    input.setAttribute('aria-invalid', 'true');
    input.setAttribute('aria-errormessage', id);
    if (typeof input.focus === 'function') {
      if (!input.hasAttribute('tabindex') && !/^(INPUT|SELECT|TEXTAREA|BUTTON|FIELDSET)$/.test(input.tagName)) input.setAttribute('tabindex', '-1');
      input.focus();
    }
    return msg;
  }
  const msg = el('div', { class: 'form-error', id, role: 'alert', tabindex: '-1' }, text);
  form.insertBefore(msg, form.firstChild);
  msg.focus();
  return msg;
}

let partnersCache = null;

// The partners of the node ([{code, name, ...}]), asked once.
export async function partners() {
  if (!partnersCache) {
    partnersCache = api.get('partners').then((r) => (Array.isArray(r) ? r : r.items || r.partners || []))
      .catch((e) => {
        partnersCache = null;
        throw e;
      });
  }
  return partnersCache;
}

function markingId(res) {
  if (!res) return null;
  return res.id || (res.object && res.object.id) || (res.marking && res.marking.id) || null;
}

let pickerSeq = 0;

// The marking picker of every create and edit form. value: marking ids to
// start from (default: TLP:AMBER and no releasability — the owner only).
// The element's .value is the array of marking ids to send as
// object_marking_refs; .ready is a promise settled once the releasability
// marking (created or found through POST /api/v1/markings) and the preview
// are up to date; await el.resolve() before saving to be sure.
export async function markingPicker({ value } = {}) {
  const n = ++pickerSeq;
  const me = currentSession() || (await session());
  const own = me ? me.partner : null;
  let list = [];
  let loadError = null;
  try {
    list = await partners();
  } catch (e) {
    loadError = e;
  }
  const start = Array.isArray(value) ? value : [];
  const startTlp = TLP.find((t) => start.includes(t.id)) || (start.length ? null : TLP[2]);
  let relId = start.find((id) => !TLP.some((t) => t.id === id)) || null;
  let startRel = null;
  if (relId) {
    try {
      const d = await api.get('objects/' + relId);
      const ext = Object.values((d.object && d.object.extensions) || {}).find((x) => x && x.releasable_to);
      if (ext) startRel = { classification: ext.classification || 'U', releasable_to: ext.releasable_to };
    } catch (e) {
      startRel = null;
    }
  }

  const tlpSelect = el('select', { id: `mp${n}-tlp`, name: 'tlp', 'aria-describedby': `mp${n}-tlp-hint` },
    TLP.map((t) => el('option', { value: t.id, selected: startTlp ? t.id === startTlp.id : false }, t.label)),
    startTlp ? null : el('option', { value: '', selected: true }, 'No TLP'));
  const tlpHint = el('p', { class: 'hint', id: `mp${n}-tlp-hint` });
  const classSelect = el('select', { id: `mp${n}-class`, name: 'classification' },
    CLASSIFICATIONS.map((c) => el('option', { value: c.code, selected: (startRel ? startRel.classification : 'U') === c.code }, c.word)));
  const boxes = list.filter((p) => p.code !== own).map((p) => {
    const checked = !!(startRel && startRel.releasable_to.includes(p.code));
    const id = `mp${n}-rel-${p.code}`;
    return el('label', { class: 'check', for: id },
      el('input', { type: 'checkbox', id, name: 'releasable_to', value: p.code, checked }),
      ' ', p.code, p.name ? el('span', { class: 'muted' }, ' ' + p.name) : null);
  });
  const previewBanner = el('div', { class: 'preview-banner' });
  const previewWho = el('p', { class: 'visible-to', 'aria-live': 'polite', id: `mp${n}-visible` });
  const status = el('p', { class: 'hint picker-status', 'aria-live': 'polite' });

  const root = el('fieldset', { class: 'marking-picker', 'data-field': 'object_marking_refs' },
    el('legend', {}, 'Markings'),
    el('div', { class: 'field' }, el('label', { for: `mp${n}-tlp` }, 'Traffic Light Protocol'), tlpSelect, tlpHint),
    el('fieldset', { class: 'releasability' },
      el('legend', {}, 'Releasable to (leave all unticked: ', own || 'your partner', ' only, unless TLP:CLEAR/GREEN)'),
      el('div', { class: 'field' }, el('label', { for: `mp${n}-class` }, 'Classification'), classSelect),
      el('div', { class: 'checks' }, boxes.length ? boxes : el('p', { class: 'hint' }, loadError ? 'The partner list cannot be read: ' + errorText(loadError) : 'No other partner on this node.'))),
    el('div', { class: 'preview' }, el('span', { class: 'preview-label' }, 'Before saving:'), previewBanner, previewWho),
    status);

  let ids = [];
  let seq = 0;

  function chosen() {
    return boxes.map((b) => b.querySelector('input')).filter((i) => i.checked).map((i) => i.value);
  }

  async function update() {
    const my = ++seq;
    const t = TLP.find((x) => x.id === tlpSelect.value);
    tlpHint.textContent = t ? t.hint : 'No TLP: the owner only, unless released below.';
    const rel = chosen();
    const cls = classSelect.value;
    const next = t ? [t.id] : [];
    status.textContent = '';
    try {
      if (rel.length || cls !== 'U') {
        const codes = own && !rel.includes(own) ? [own, ...rel] : rel;
        const m = await api.post('markings', { classification: cls, releasable_to: codes });
        relId = markingId(m);
        if (relId) next.push(relId);
      } else {
        relId = null;
      }
      if (my !== seq) return;
      ids = next;
      const p = await api.post('markings/preview', { object_marking_refs: next });
      if (my !== seq) return;
      clear(previewBanner, banner(p.labels ? { ...p.labels, banner: p.banner } : p));
      // readers: the owner and every partner the markings release it to.
      const vis = Array.isArray(p.readers) ? sortCodes(p.readers) : p.releasable_to;
      let names;
      if (vis === 'all') names = 'every partner';
      else if (Array.isArray(vis) && vis.length) names = vis.join(', ');
      else names = own || 'the owner';
      previewWho.textContent = 'Visible to: ' + names;
      root.dataset.visibleTo = Array.isArray(vis) ? vis.join(',') : String(vis || own || '');
    } catch (e) {
      if (my !== seq) return;
      ids = next;
      status.textContent = 'The preview is not available: ' + errorText(e);
    }
  }

  let ready = update();
  const kick = () => {
    ready = update();
    root.ready = ready;
  };
  tlpSelect.addEventListener('change', kick);
  classSelect.addEventListener('change', kick);
  for (const b of boxes) b.querySelector('input').addEventListener('change', kick);

  Object.defineProperty(root, 'value', { get: () => ids.slice() });
  root.ready = ready;
  root.resolve = async () => {
    await ready;
    return ids.slice();
  };
  await ready;
  return root;
}

// Ask why (the PII vault's X-Access-Reason): 10 to 500 characters, or null
// when cancelled.
export function promptReason(title = 'Why do you need this access?') {
  return new Promise((resolve) => {
    const id = 'reason-' + ++errSeq;
    const input = el('textarea', { id, name: 'reason', rows: '3', minlength: '10', maxlength: '500', required: true });
    const err = el('p', { class: 'field-error', role: 'alert', hidden: true });
    const form = el('form', { class: 'dialog-form', method: 'dialog' },
      el('h2', { id: id + '-title' }, title),
      el('div', { class: 'field' }, el('label', { for: id }, 'Reason (10 to 500 characters, recorded in the audit)'), input, err),
      el('div', { class: 'actions' },
        el('button', { type: 'submit', class: 'btn btn-primary' }, 'Continue'),
        el('button', { type: 'button', class: 'btn', value: 'cancel', onclick: () => done(null) }, 'Cancel')));
    const dlg = modal(form, id + '-title', () => done(null));
    form.addEventListener('submit', (ev) => {
      ev.preventDefault();
      const v = input.value.trim();
      if (v.length < 10 || v.length > 500 || /[\u0000-\u001f\u007f]/.test(v)) {
        err.hidden = false;
        err.textContent = 'Give 10 to 500 characters on one line.';
        input.setAttribute('aria-invalid', 'true');
        input.focus();
        return;
      }
      done(v);
    });
    input.focus();
    function done(v) {
      dlg.close();
      resolve(v);
    }
  });
}

// Ask yes or no.
export function confirmDialog(text, { yes = 'Confirm', no = 'Cancel' } = {}) {
  return new Promise((resolve) => {
    const id = 'confirm-' + ++errSeq;
    const ok = el('button', { type: 'button', class: 'btn btn-danger', onclick: () => done(true) }, yes);
    const body = el('div', { class: 'dialog-form' },
      el('h2', { id: id + '-title' }, 'Please confirm'),
      el('p', {}, text),
      el('div', { class: 'actions' }, ok, el('button', { type: 'button', class: 'btn', onclick: () => done(false) }, no)));
    const dlg = modal(body, id + '-title', () => done(false));
    ok.focus();
    function done(v) {
      dlg.close();
      resolve(v);
    }
  });
}

// A modal dialog holding content: traps Tab inside, Escape cancels, focus
// goes back where it was when it closes.
function modal(content, labelledBy, onCancel) {
  const before = document.activeElement;
  const dlg = el('div', { class: 'modal', role: 'dialog', 'aria-modal': 'true', 'aria-labelledby': labelledBy }, content);
  const backdrop = el('div', { class: 'modal-backdrop' }, dlg);
  let closed = false;
  backdrop.addEventListener('keydown', (ev) => {
    if (ev.key === 'Escape') {
      ev.preventDefault();
      onCancel();
    } else if (ev.key === 'Tab') {
      const f = [...dlg.querySelectorAll('button, input, select, textarea, a[href], [tabindex]:not([tabindex="-1"])')].filter((x) => !x.disabled);
      if (!f.length) return;
      const first = f[0];
      const last = f[f.length - 1];
      if (ev.shiftKey && document.activeElement === first) {
        ev.preventDefault();
        last.focus();
      } else if (!ev.shiftKey && document.activeElement === last) {
        ev.preventDefault();
        first.focus();
      }
    }
  });
  document.body.appendChild(backdrop);
  return {
    close() {
      if (closed) return;
      closed = true;
      backdrop.remove();
      if (before && typeof before.focus === 'function') before.focus();
    },
  };
}

// "12 Mar 2024, 14:05 UTC" from an RFC 3339 time; "" for nothing.
export function fmtDate(iso) {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return String(iso);
  const dateOnly = /^\d{4}-\d{2}-\d{2}$/.test(iso);
  const opts = dateOnly
    ? { year: 'numeric', month: 'short', day: 'numeric', timeZone: 'UTC' }
    : { year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', timeZone: 'UTC', hour12: false };
  return new Intl.DateTimeFormat('en-GB', opts).format(d) + (dateOnly ? '' : ' UTC');
}

export function fmtNumber(n, digits = 2) {
  if (n === null || n === undefined || n === '') return '—';
  const v = Number(n);
  if (Number.isNaN(v)) return String(n);
  return new Intl.NumberFormat('en-US', { maximumFractionDigits: digits }).format(v);
}

// A labelled form field: el('div.field', label, control, hint).
export function field(label, control, hint) {
  if (!control.id) control.id = 'f-' + ++errSeq;
  return el('div', { class: 'field' }, el('label', { for: control.id }, label), control,
    hint ? el('p', { class: 'hint' }, hint) : null);
}

// A page heading that receives focus after navigation.
export function pageHeading(text, ...extra) {
  return el('div', { class: 'page-head' }, el('h1', { tabindex: '-1', id: 'page-title' }, text), extra);
}
