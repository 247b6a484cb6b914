// One object (#/objects/ID): its banner, its properties, the objects linked
// to it both ways, its versions, the workflow the node derives, and the
// actions this user may take on it: a new version, a workflow step, revoke.

import { api, ApiError, currentSession, hasRole } from '../api.js';
import {
  banner, clear, clearFieldErrors, confirmDialog, el, fieldErrors, fmtDate, fmtNumber, markingPicker,
  showError,
} from '../ui.js';

const ID_RE = /^[a-z0-9][a-z0-9-]*--[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const TS_RE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;
const SERVER_SET = ['id', 'type', 'spec_version', 'created', 'modified', 'created_by_ref', 'revoked'];
const HIDDEN = ['object_marking_refs', 'extensions'];
const INCIDENT_EXT = 'extension-definition--24c5a9d5-5359-55d0-9ac5-d79afd75ff12';

function idLink(id) {
  return el('a', { href: '#/objects/' + encodeURIComponent(id) }, id);
}

function label(key) {
  return key.replace(/_refs?$/, (m) => (m === '_refs' ? ' (objects)' : ' (object)')).replace(/_/g, ' ');
}

// A property's value, readable: ids link to their objects, times are
// formatted, lists become lists, anything nested is shown as JSON.
function value(v) {
  if (v === null || v === undefined) return '—';
  if (typeof v === 'string') {
    if (ID_RE.test(v)) return idLink(v);
    if (TS_RE.test(v)) return el('time', { datetime: v }, fmtDate(v));
    return el('span', { class: 'text' }, v);
  }
  if (typeof v === 'number') return fmtNumber(v);
  if (typeof v === 'boolean') return v ? 'yes' : 'no';
  if (Array.isArray(v)) {
    if (v.every((x) => typeof x === 'string' || typeof x === 'number')) {
      if (v.some((x) => typeof x === 'string' && ID_RE.test(x))) return el('ul', { class: 'links' }, v.map((x) => el('li', {}, value(x))));
      return v.join(', ');
    }
  }
  return el('pre', {}, JSON.stringify(v, null, 2));
}

function summaryList(items, empty) {
  if (!items || !items.length) return el('p', { class: 'empty' }, empty);
  return el('ul', { class: 'links' }, items.map((s) =>
    el('li', {}, banner(s), el('a', { href: '#/objects/' + encodeURIComponent(s.id) }, s.name || s.id),
      el('span', { class: 'muted' }, `${s.type}${s.owner ? ' · ' + s.owner : ''}${s.revoked ? ' · revoked' : ''}`))));
}

export async function render(main, params) {
  const id = params.segments[0];
  if (!id) {
    main.append(el('h1', { tabindex: '-1' }, 'Object'), el('p', {}, 'No object named.'));
    return;
  }
  let d;
  try {
    d = await api.get('objects/' + encodeURIComponent(id));
  } catch (e) {
    if (e instanceof ApiError && e.status === 404) {
      main.append(el('h1', { tabindex: '-1' }, 'Not found'),
        el('p', {}, 'There is no object with this id that you may see.'));
      return;
    }
    throw e;
  }
  draw(main, d);
}

function draw(main, d) {
  clear(main);
  const o = d.object;
  const me = currentSession();
  const mine = !!me && d.labels && d.labels.owner === me.partner;
  const canWrite = mine && hasRole('contributor') && !o.revoked;
  const text = o.name || o.case_id || o.case_number || o.convoy_name || o.statement || o.abstract || o.content;
  const title = text ? String(text) : `${o.type} ${o.id.split('--')[1].slice(0, 8)}`;

  main.append(el('div', { class: 'object-banner', id: 'object-banner' }, banner({ ...d.labels, ...d.summary })));
  const actions = el('div', { class: 'actions', id: 'object-actions' });
  main.append(el('div', { class: 'page-head' },
    el('div', {}, el('h1', { tabindex: '-1' }, title.length > 140 ? title.slice(0, 139) + '…' : title),
      el('p', { class: 'muted' }, `${o.type} · owner ${d.labels.owner || '—'} · modified ${fmtDate(o.modified)}`,
        o.revoked ? el('span', { class: 'state bad' }, ' revoked') : null)),
    actions));
  const editBox = el('div', { id: 'edit-box' });
  main.append(editBox);

  if (canWrite) {
    actions.append(
      el('button', { type: 'button', class: 'btn', id: 'btn-version', onclick: () => openVersion(editBox, d, main) }, 'New version'),
      el('button', { type: 'button', class: 'btn btn-danger', id: 'btn-revoke', onclick: () => revoke(main, d) }, 'Revoke'));
  } else if (!o.revoked) {
    actions.append(el('p', { class: 'hint' }, mine
      ? 'Your role does not allow changes.'
      : `Only ${d.labels.owner || 'its owner'} may change this object; a decision or note of yours is a new object that references it.`));
  }

  const grid = el('div', { class: 'detail-grid' });
  const left = el('div', {});
  const right = el('div', {});
  grid.append(left, right);
  main.append(grid);

  // Properties.
  const keys = Object.keys(o).filter((k) => !HIDDEN.includes(k) && k !== 'type' && k !== 'spec_version');
  const props = el('dl', { class: 'props' }, keys.map((k) => [el('dt', {}, label(k)), el('dd', { dataset: { prop: k } }, value(o[k]))]));
  left.append(el('section', { class: 'panel', 'aria-labelledby': 'props-h' }, el('h2', { id: 'props-h' }, 'Properties'), props,
    extensionsView(o)));

  left.append(el('section', { class: 'panel', 'aria-labelledby': 'rel-h', id: 'relationships' },
    el('h2', { id: 'rel-h' }, 'Relationships'),
    summaryList(d.relationships, 'No relationship or sighting you may see names this object.'),
    el('h3', {}, 'Referenced by'),
    summaryList(d.referenced_by, 'No object you may see refers to this one.')));

  if (d.workflow) right.append(workflowPanel(d, canWrite, main));

  right.append(el('section', { class: 'panel', 'aria-labelledby': 'mark-h' }, el('h2', { id: 'mark-h' }, 'Markings'),
    el('dl', { class: 'props' },
      el('dt', {}, 'Owner'), el('dd', {}, d.labels.owner || '—'),
      el('dt', {}, 'TLP'), el('dd', {}, d.labels.tlp || 'none'),
      el('dt', {}, 'Classification'), el('dd', {}, d.labels.classification || 'U'),
      el('dt', {}, 'Releasable to'), el('dd', { id: 'releasable-to' }, d.labels.releasable_to === 'all' ? 'every partner' : (d.labels.releasable_to || []).length ? d.labels.releasable_to.join(', ') : 'the owner only'),
      el('dt', {}, 'Marking definitions'), el('dd', {}, value(o.object_marking_refs || [])))));

  right.append(el('section', { class: 'panel', 'aria-labelledby': 'ver-h', id: 'versions' }, el('h2', { id: 'ver-h' }, `Versions (${d.versions.length})`),
    el('ol', { class: 'links' }, d.versions.map((v) => el('li', {},
      el('span', {}, fmtDate(v.modified)), banner(v), v.revoked ? el('span', { class: 'state bad' }, 'revoked') : null,
      el('span', { class: 'muted' }, 'stored ' + fmtDate(v.date_added)))))));
}

function extensionsView(o) {
  const ext = o.extensions || {};
  const parts = Object.entries(ext).filter(([, v]) => v && v.extension_type !== 'new-sdo');
  if (!parts.length) return null;
  return el('div', {}, parts.map(([k, v]) => {
    const inner = Object.entries(v).filter(([kk]) => kk !== 'extension_type');
    return [el('h3', {}, k === INCIDENT_EXT ? 'Incident report' : 'Extension'),
      el('dl', { class: 'props' }, inner.map(([kk, vv]) => [el('dt', {}, label(kk)), el('dd', {}, value(vv))]))];
  }));
}

function workflowPanel(d, canWrite, main) {
  const w = d.workflow;
  const panel = el('section', { class: 'panel', 'aria-labelledby': 'wf-h', id: 'workflow' }, el('h2', { id: 'wf-h' }, 'Workflow'));
  const facts = [];
  const state = w.state || w.stage;
  if (state) facts.push(el('dt', {}, w.stage && !w.state ? 'Stage' : 'State'), el('dd', {}, el('span', { class: 'state', id: 'wf-state' }, state)));
  if (w.overdue !== undefined) facts.push(el('dt', {}, 'Overdue'), el('dd', {}, w.overdue ? el('span', { class: 'state overdue' }, 'overdue') : 'no'));
  if (w.score !== undefined && w.score !== null) {
    const s = typeof w.score === 'object' ? w.score : { value: w.score };
    facts.push(el('dt', {}, 'Score'), el('dd', {}, fmtNumber(s.value !== undefined ? s.value : s.score), s.formula ? el('p', { class: 'hint' }, s.formula) : null));
  }
  if (w.formula) facts.push(el('dt', {}, 'Formula'), el('dd', {}, w.formula));
  for (const k of ['value_total', 'value_delivered', 'days_in_stage']) {
    if (w[k] !== undefined) facts.push(el('dt', {}, label(k)), el('dd', {}, fmtNumber(w[k])));
  }
  if (w.offer_expiring) facts.push(el('dt', {}, 'Offer'), el('dd', {}, el('span', { class: 'state overdue' }, 'expiring within 30 days')));
  if (w.endorsed !== undefined) facts.push(el('dt', {}, 'Endorsed'), el('dd', {}, w.endorsed ? 'yes' : 'no'));
  if (Array.isArray(w.awaiting) && w.awaiting.length) facts.push(el('dt', {}, 'Awaiting'), el('dd', {}, w.awaiting.join(', ')));
  if (w.decision) facts.push(el('dt', {}, 'Decision'), el('dd', {}, w.decision.id ? summaryList([w.decision], '') : value(w.decision),
    w.decision.movement_number ? el('p', {}, 'Movement number ' + w.decision.movement_number) : null,
    w.decision.conditions ? el('p', {}, 'Conditions: ' + w.decision.conditions) : null));
  if (facts.length) panel.append(el('dl', { class: 'props' }, facts));
  if (Array.isArray(w.inputs) && w.inputs.length) panel.append(el('pre', { class: 'code' }, JSON.stringify(w.inputs, null, 2)));
  for (const k of ['progress', 'commitments', 'endorsements']) {
    if (Array.isArray(w[k])) panel.append(el('h3', {}, label(k)), summaryList(w[k].map((x) => x.summary || x), 'None.'));
  }

  const next = Array.isArray(w.next) ? w.next : [];
  if (!next.length) {
    panel.append(el('p', { class: 'hint' }, 'No further step.'));
    return panel;
  }
  if (!canWrite) {
    panel.append(el('p', { class: 'hint' }, 'Next: ' + next.join(', ') + ' (not yours to take).'));
    return panel;
  }
  const steps = el('div', { class: 'workflow-actions', role: 'group', 'aria-label': 'Move to' });
  for (const s of next) {
    const msg = el('p', { class: 'field-error', id: 'wf-err-' + s, role: 'alert', hidden: true });
    const btn = el('button', { type: 'button', class: 'btn', name: 'status', value: s, dataset: { step: s } }, 'Move to ' + s);
    btn.addEventListener('click', () => step(d, s, btn, msg, main));
    steps.append(el('div', { class: 'workflow-step' }, btn, msg));
  }
  panel.append(el('h3', {}, 'Next step'), steps);
  return panel;
}

async function step(d, s, btn, msg, main) {
  for (const m of main.querySelectorAll('.workflow-step .field-error')) {
    m.hidden = true;
    m.textContent = '';
  }
  for (const b of main.querySelectorAll('.workflow-step button')) b.removeAttribute('aria-invalid');
  btn.disabled = true;
  const o = d.object;
  let body = { status: s };
  if (o.type === 'incident' && o.extensions && o.extensions[INCIDENT_EXT]) {
    body = { extensions: { ...o.extensions, [INCIDENT_EXT]: { ...o.extensions[INCIDENT_EXT], report_stage: s } } };
  }
  try {
    const r = await api.post('objects/' + encodeURIComponent(o.id) + '/versions', body);
    draw(main, r);
    const h = main.querySelector('h1');
    if (h) h.focus();
  } catch (e) {
    btn.disabled = false;
    let text = e.detail || e.message;
    if (e instanceof ApiError && e.status === 409) {
      const d0 = /[.!?]$/.test(e.detail) ? e.detail : e.detail + '.';
      text = `Not allowed from here: ${d0}` + (e.allowed ? ` Allowed: ${e.allowed.length ? e.allowed.join(', ') : 'none'}.` : '');
    } else if (e instanceof ApiError && e.status === 403) {
      text = `Refused (${e.field || 'forbidden'}): ${e.detail}`;
    } else if (e instanceof ApiError && e.field) {
      text = `${e.detail} (${e.field})`;
    }
    msg.textContent = text;
    msg.hidden = false;
    btn.setAttribute('aria-invalid', 'true');
    btn.setAttribute('aria-describedby', msg.id);
    btn.focus();
  }
}

async function revoke(main, d) {
  const ok = await confirmDialog(`Revoke ${d.object.name || d.object.id}? Every partner it was released to will see it revoked; this cannot be undone.`, { yes: 'Revoke' });
  if (!ok) return;
  try {
    const r = await api.post('objects/' + encodeURIComponent(d.object.id) + '/revoke', {});
    draw(main, r);
    main.querySelector('h1').focus();
  } catch (e) {
    showError(main, e);
  }
}

// The record types' own forms, when web/js/forms.js provides them.
async function recordForms() {
  try {
    const m = await import('../forms.js');
    return typeof m.openRecordForm === 'function' ? m : null;
  } catch (e) {
    return null;
  }
}

async function openVersion(box, d, main) {
  clear(box);
  const o = d.object;
  if (o.type.startsWith('cx-') || o.type === 'incident') {
    const forms = await recordForms();
    if (forms) {
      // The record form opens as a dialog and answers the new detail view
      // (null when cancelled).
      const r = await forms.openRecordForm({ type: o.type, object: o });
      if (r && r.object) {
        draw(main, r);
        main.querySelector('h1').focus();
      }
      return;
    }
  }
  const editable = {};
  for (const [k, v] of Object.entries(o)) if (!SERVER_SET.includes(k) && k !== 'object_marking_refs') editable[k] = v;
  const text = el('textarea', { class: 'json', id: 'version-json', name: 'properties', rows: '16', spellcheck: 'false' }, JSON.stringify(editable, null, 2));
  const picker = await markingPicker({ value: o.object_marking_refs || [] });
  const save = el('button', { type: 'submit', class: 'btn btn-primary', id: 'version-save' }, 'Save new version');
  const form = el('form', { class: 'panel form', id: 'version-form', 'aria-labelledby': 'version-h', novalidate: true },
    el('h2', { id: 'version-h' }, 'New version'),
    el('p', { class: 'hint' }, 'Edit the properties (JSON). The node sets id, type, times and the owner; a property you remove is removed.'),
    el('div', { class: 'field' }, el('label', { for: 'version-json' }, 'Properties'), text),
    picker,
    el('div', { class: 'actions' }, save, el('button', { type: 'button', class: 'btn', onclick: () => clear(box) }, 'Cancel')));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearFieldErrors(form);
    let edited;
    try {
      edited = JSON.parse(text.value);
      if (!edited || typeof edited !== 'object' || Array.isArray(edited)) throw new Error('not an object');
    } catch (e) {
      fieldErrors(form, new ApiError(400, { detail: 'The properties must be one JSON object: ' + e.message, field: 'properties' }));
      return;
    }
    const body = {};
    for (const [k, v] of Object.entries(edited)) if (JSON.stringify(v) !== JSON.stringify(o[k])) body[k] = v;
    for (const k of Object.keys(editable)) if (!(k in edited)) body[k] = null;
    const marks = await picker.resolve();
    if (JSON.stringify(marks) !== JSON.stringify(o.object_marking_refs || [])) body.object_marking_refs = marks.length ? marks : null;
    if (!Object.keys(body).length) {
      fieldErrors(form, new ApiError(400, { detail: 'Nothing changed.', field: 'properties' }));
      return;
    }
    save.disabled = true;
    try {
      const r = await api.post('objects/' + encodeURIComponent(o.id) + '/versions', body);
      draw(main, r);
      main.querySelector('h1').focus();
    } catch (e) {
      if (e instanceof ApiError && e.field && !form.querySelector(`[name="${CSS.escape(e.field)}"]`) && e.field !== 'object_marking_refs') {
        e.detail = `${e.detail} (property ${e.field})`;
        e.field = 'properties';
      }
      fieldErrors(form, e);
    } finally {
      save.disabled = false;
    }
  });
  box.append(form);
  text.focus();
}
