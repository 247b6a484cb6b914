// Repatriation: pseudonymous cases by status and home nation (no personal
// data in them), the home nation's decision for its approvers, the
// statistics (cells of 1 to 4 suppressed by the node, shown as "<5"), and
// the PII vault's person records for the case officers of the case's
// coordinating partner and of its home nation.
//
// Vault data lives only in this page's DOM and in closures while the
// panel is open: never in localStorage, sessionStorage or the URL. Every
// vault request carries the reason the user gave (X-Access-Reason), which
// the node audits.

import { api, hasRole, session } from '../api.js';
import { fmtNumber, el, banner, promptReason, confirmDialog } from '../ui.js';
import { openRecordForm, openSchemaForm, workflowActions } from '../forms.js';
import { startPage, pageHeader, section, table, loadRecords, stateBadge, objectLink, humanize, filterSelect, newButton, actionButton, ownerOf, fmtUtc } from '../records.js';

const STATES = ['identified', 'verification-pending', 'verified', 'home-nation-requested', 'accepted', 'declined',
  'deferred', 'transfer-scheduled', 'transferred', 'received', 'in-rehabilitation', 'reintegrated', 'referred', 'closed'];
const PAGE = 25;

// A person record as the vault checks it (doc/API.md, "PII vault").
const PERSON_SCHEMA = {
  type: 'object',
  required: ['names'],
  properties: {
    names: { type: 'array', items: { type: 'string' } },
    date_of_birth: { type: 'string' },
    documents: {
      type: 'array',
      items: {
        type: 'object',
        required: ['kind', 'number', 'issuer'],
        properties: {
          kind: { type: 'string', enum: ['passport', 'national-id', 'civil-registry', 'other'] },
          number: { type: 'string' },
          issuer: { type: 'string' },
        },
      },
    },
    family_links: {
      type: 'array',
      items: {
        type: 'object',
        required: ['relation', 'person'],
        properties: {
          relation: { type: 'string', enum: ['parent', 'child', 'spouse', 'sibling', 'other'] },
          person: { type: 'string' },
        },
      },
    },
    special_needs: { type: 'string' },
  },
};

// May the signed-in user open the vault of this case? (The node decides;
// this only hides a button that would be refused.)
function mayOpenVault(me, c) {
  if (!me || !(me.roles || []).includes('case-officer')) return false;
  return me.partner === ownerOf(c) || me.partner === c.object.home_nation;
}

export async function render(main, params = {}) {
  startPage(main);
  const me = await session();
  const reload = () => render(main, params);
  const [cases, stats] = await Promise.all([
    loadRecords('cx-repatriation-case'),
    api.get('statistics/repatriation').catch(() => null)]);
  const isCaseOfficer = (me.roles || []).includes('case-officer') || hasRole('admin');

  main.append(pageHeader('Repatriation',
    'Cases of displaced individuals and former detainees returning to their home nations, under ' +
    'pseudonymous case numbers. Person records are kept apart, in the PII vault.',
    isCaseOfficer && hasRole('contributor') ? [newButton('New case', { type: 'cx-repatriation-case' }, reload, openRecordForm)] : []));

  // Cases.
  const filters = { status: (params.query && params.query.status) || '', nation: '', all: false };
  const nations = [...new Set(cases.map((c) => c.object.home_nation).filter(Boolean))].sort();
  const holder = el('div', { id: 'cases-table' });
  const vaultHolder = el('div', { id: 'vault-holder' });
  const statusSel = filterSelect('Status', STATES, (v) => { filters.status = v; draw(); });
  statusSel.querySelector('select').value = filters.status;

  function decideButton(c) {
    const o = c.object;
    if (o.status !== 'home-nation-requested' || o.home_nation !== me.partner || !hasRole('approver')) return null;
    return actionButton(c.workflow && c.workflow.decision ? 'Revise decision' : 'Decide', async () => {
      const d = await openRecordForm({
        type: 'cx-home-nation-decision',
        title: `Home-nation decision on ${o.case_number}`,
        preset: { case_ref: o.id, decision: 'accepted', decision_date: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
          object_marking_refs: o.object_marking_refs || [] },
        fixed: ['case_ref'],
      });
      if (d) await reload();
    }, 'btn btn-small btn-primary rec-decide');
  }

  function draw() {
    const rows = cases.filter((c) => (!filters.status || c.object.status === filters.status) &&
      (!filters.nation || c.object.home_nation === filters.nation))
      .sort((a, b) => STATES.indexOf(a.object.status) - STATES.indexOf(b.object.status) ||
        String(a.object.case_number).localeCompare(String(b.object.case_number)));
    const shown = filters.all ? rows : rows.slice(0, PAGE);
    const more = rows.length > shown.length
      ? el('p', {}, el('button', { type: 'button', class: 'btn', onclick: () => { filters.all = true; draw(); } }, `Show all ${rows.length} cases`))
      : null;
    holder.replaceChildren(table('Repatriation cases', [
      { label: 'Marking', class: 'rec-banner-cell', cell: (c) => banner(c) },
      { label: 'Case', class: 'rec-id', cell: (c) => objectLink(c.object.id, c.object.case_number) },
      { label: 'Origin', cell: (c) => `${humanize(c.object.origin_kind)}${c.object.origin ? ': ' + c.object.origin : ''}` },
      { label: 'Category', cell: (c) => humanize(c.object.category) },
      { label: 'Home nation', cell: (c) => c.object.home_nation },
      { label: 'Household', class: 'num', cell: (c) => fmtNumber(c.object.household_size) },
      { label: 'Status', cell: (c) => stateBadge(c.object.status) },
      { label: 'Home-nation decision', cell: (c) => {
        const d = c.workflow && c.workflow.decision;
        return d ? el('span', {}, objectLink(d.id, humanize(d.decision)), d.authority ? el('span', { class: 'rec-muted' }, ` (${d.authority})`) : null) : '—';
      } },
      { label: 'Actions', cell: (c) => el('div', { class: 'rec-actions' },
        decideButton(c),
        mayOpenVault(me, c) ? el('button', { type: 'button', class: 'btn btn-small rec-persons', onclick: () => openVault(c, vaultHolder) }, 'Persons') : null,
        workflowActions(c, reload)) },
    ], shown, 'No case matches.'), more || '');
    vaultHolder.replaceChildren();
  }
  draw();
  main.append(section('cases', 'Cases',
    el('p', { class: 'rec-muted' }, `${cases.length} cases readable to you. Cases carry no names or identifiers of persons.`),
    el('div', { class: 'rec-filters' }, statusSel,
      filterSelect('Home nation', nations.map((n) => ({ value: n, label: n })), (v) => { filters.nation = v; draw(); })),
    holder, vaultHolder));

  main.append(section('statistics', 'Statistics by home nation', statsTable(stats)));
}

// The node's statistics: a row per nation, a column per status it shows.
function statsTable(stats) {
  if (!stats || !stats.by_nation || !Object.keys(stats.by_nation).length) {
    return el('p', { class: 'rec-empty' }, 'No statistics to show.');
  }
  const threshold = stats.threshold || 5;
  const present = new Set();
  for (const n of Object.values(stats.by_nation)) for (const s of Object.keys(n.by_status || {})) present.add(s);
  const cols = STATES.filter((s) => present.has(s)).concat([...present].filter((s) => !STATES.includes(s)));
  const cell = (c) => {
    if (!c) return el('td', { class: 'num rec-muted' }, '0');
    if (c.suppressed) return el('td', { class: 'num suppressed', title: `Fewer than ${threshold}: suppressed`, dataset: { suppressed: '' } }, `<${threshold}`);
    return el('td', { class: 'num' }, fmtNumber(c.value));
  };
  return el('div', {},
    el('p', { class: 'rec-muted' }, `Counts of the cases readable to you. A count of 1 to ${threshold - 1} is never shown ("<${threshold}"), ` +
      'and where one hidden cell could be worked out from the total another is hidden too.'),
    el('div', { class: 'rec-table-wrap' }, el('table', { class: 'rec-table rec-stats', id: 'stats-table' },
      el('caption', { class: 'rec-sr' }, 'Repatriation cases by home nation and status'),
      el('thead', {}, el('tr', {}, el('th', { scope: 'col' }, 'Home nation'), el('th', { scope: 'col', class: 'num' }, 'Total'),
        cols.map((s) => el('th', { scope: 'col', class: 'num' }, humanize(s))))),
      el('tbody', {}, Object.keys(stats.by_nation).sort().map((nation) => {
        const n = stats.by_nation[nation];
        return el('tr', { dataset: { nation } }, el('th', { scope: 'row' }, nation), cell(n.total),
          cols.map((s) => cell((n.by_status || {})[s])));
      })))));
}

// ---- the vault --------------------------------------------------------------------------------------

async function openVault(c, holder) {
  const o = c.object;
  const reason = await promptReason(`Why do you need the person records of case ${o.case_number}?`);
  if (!reason) return;
  const opts = { reason };
  const path = 'vault/cases/' + encodeURIComponent(o.id) + '/persons';
  const panel = el('section', { class: 'rec-vault', id: 'vault-panel', 'aria-labelledby': 'vault-title', tabindex: '-1' });
  holder.replaceChildren(panel);

  async function draw() {
    let list;
    try {
      list = await api.get(path, undefined, opts);
    } catch (e) {
      panel.replaceChildren(el('h2', { id: 'vault-title' }, `Persons of case ${o.case_number}`),
        el('p', { class: 'error-box', role: 'alert' }, e.detail || e.message), closeButton());
      return;
    }
    const items = list.items || [];
    const label = (r) => (r.person.names || [])[0] || r.id;
    const others = (self) => items.filter((r) => !self || r.id !== self).map((r) => ({ value: r.id, label: label(r) }));
    const [addBtn, addErr] = actionButton('Add person', async () => {
      const d = await personForm({ title: `New person in case ${o.case_number}`, value: { names: [] }, options: others(null),
        submit: (person) => api.post(path, person, opts) });
      if (d) await draw();
    }, 'btn btn-primary rec-add-person');
    panel.replaceChildren(
      el('div', { class: 'rec-section-head' }, el('h2', { id: 'vault-title' }, `Persons of case ${o.case_number}`),
        el('div', { class: 'rec-toolbar' }, addBtn, addErr, closeButton())),
      el('p', { class: 'rec-vault-note' }, 'Personal data from the PII vault. Every access is recorded in the audit with your reason: ',
        el('q', {}, reason), '. Nothing here is kept by the browser.'),
      table('Person records', [
        { label: 'Names', class: 'wide', cell: (r) => (r.person.names || []).join(' / ') },
        { label: 'Date of birth', cell: (r) => r.person.date_of_birth || '—' },
        { label: 'Documents', cell: (r) => ((r.person.documents || []).map((d) => `${humanize(d.kind)} ${d.number} (${d.issuer})`).join('; ') || '—') },
        { label: 'Family links', cell: (r) => ((r.person.family_links || []).map((l) => {
          const t = items.find((x) => x.id === l.person);
          return `${l.relation} of ${t ? label(t) : 'an erased record'}`;
        }).join('; ') || '—') },
        { label: 'Special needs', cell: (r) => r.person.special_needs || '—' },
        { label: 'Version', class: 'num', cell: (r) => `${r.version} (${fmtUtc(r.modified)})` },
        { label: 'Actions', cell: (r) => el('div', { class: 'rec-actions' },
          actionButton('Open', async () => {
            // The newest version, read (and audited) on its own.
            const fresh = await api.get('vault/persons/' + encodeURIComponent(r.id), undefined, opts);
            const d = await personForm({ title: `Person record ${label(fresh)}`, value: fresh.person, options: others(r.id),
              submit: (person) => api.put('vault/persons/' + encodeURIComponent(r.id), { version: fresh.version, person }, opts) });
            if (d) await draw();
          }, 'btn btn-small rec-open-person'),
          actionButton('Delete', async () => {
            if (!(await confirmDialog(`Erase the person record of ${label(r)}? This cannot be undone.`, { yes: 'Erase' }))) return;
            await api.del('vault/persons/' + encodeURIComponent(r.id), opts);
            await draw();
          }, 'btn btn-small btn-danger')) },
      ], items.map((r) => ({ ...r, object: { id: r.id } })),
      'No person record in this case yet.'));
  }

  function closeButton() {
    return el('button', { type: 'button', class: 'btn', onclick: () => holder.replaceChildren() }, 'Close the vault');
  }

  await draw();
  panel.focus();
}

// The person form: the vault's fields; errors named `person.x` (PUT) or
// `x` (POST) land next to x.
function personForm({ title, value, options, submit }) {
  return openSchemaForm({
    title,
    schema: PERSON_SCHEMA,
    value,
    ctx: { options: { person: options } },
    submitLabel: 'Save person',
    mapField: (f) => (f ? f.replace(/^person\./, '') : f),
    onSubmit: (person) => submit(person),
  });
}
