// Security assistance: FMS and FMF cases through their lifecycle (the
// pipeline), with programme, purchaser, value delivered of the total, days
// in the current stage and the offers about to expire.

import { hasRole, session } from '../api.js';
import { fmtNumber, el, banner } from '../ui.js';
import { openRecordForm, workflowActions } from '../forms.js';
import { startPage, pageHeader, section, table, loadRecords, stateBadge, fmtUtc, objectLink, humanize, filterSelect, newButton, countBy, pipeline, actionButton, ownerOf } from '../records.js';

const STATES = ['lor-received', 'loa-offered', 'accepted', 'implemented', 'delivering', 'supply-complete',
  'closed', 'expired', 'cancelled'];
const PROGRAMMES = ['fms', 'fmf-grant', 'fmf-loan', 'other'];

function money(n, currency) {
  if (n === null || n === undefined) return '—';
  return `${fmtNumber(n)}${currency ? ' ' + currency : ''}`;
}

export async function render(main, params = {}) {
  startPage(main);
  const me = await session();
  const canCreate = hasRole('contributor');
  const reload = () => render(main, params);
  const cases = await loadRecords('cx-security-assistance-case');

  main.append(pageHeader('Security assistance',
    'Foreign Military Sales and Foreign Military Financing cases: from the letter of request to closure.',
    canCreate ? [newButton('New case', { type: 'cx-security-assistance-case', preset: { currency: 'USD', lines: [{}] } }, reload, openRecordForm)] : []));

  const filters = { status: (params.query && params.query.status) || '', programme: '', purchaser: '' };
  const counts = countBy(cases, (c) => c.object.status, STATES);
  const strip = pipeline('Cases by stage', counts, (k) => {
    filters.status = filters.status === k ? '' : k;
    statusSel.querySelector('select').value = filters.status;
    draw();
  });
  const statusSel = filterSelect('Stage', STATES, (v) => { filters.status = v; draw(); });
  statusSel.querySelector('select').value = filters.status;
  const purchasers = [...new Set(cases.map((c) => c.object.purchaser).filter(Boolean))].sort();
  const holder = el('div', { id: 'cases-table' });

  const total = cases.reduce((s, c) => s + ((c.workflow && c.workflow.value_total) || 0), 0);
  const delivered = cases.reduce((s, c) => s + ((c.workflow && c.workflow.value_delivered) || 0), 0);
  const expiring = cases.filter((c) => c.workflow && c.workflow.offer_expiring);

  const columns = [
    { label: 'Marking', class: 'rec-banner-cell', cell: (c) => banner(c) },
    { label: 'Case', class: 'rec-id', cell: (c) => objectLink(c.object.id, c.object.case_id) },
    { label: 'Name', class: 'wide', cell: (c) => c.object.name },
    { label: 'Programme', cell: (c) => humanize(c.object.programme) },
    { label: 'Purchaser', cell: (c) => c.object.purchaser },
    { label: 'Delivered / total', class: 'num', cell: (c) => {
      const wf = c.workflow || {};
      const pct = wf.value_total ? Math.round((100 * (wf.value_delivered || 0)) / wf.value_total) : null;
      return el('span', {}, `${money(wf.value_delivered, c.object.currency)} / ${money(wf.value_total, c.object.currency)}`,
        pct !== null ? el('span', { class: 'rec-muted' }, ` (${pct}%)`) : null);
    } },
    { label: 'Stage', cell: (c) => el('span', {}, stateBadge(c.object.status),
      c.workflow && c.workflow.offer_expiring ? el('span', { class: 'rec-flag' }, 'Offer expiring') : null) },
    { label: 'Days in stage', class: 'num', cell: (c) => (c.workflow && c.workflow.days_in_stage !== undefined ? String(c.workflow.days_in_stage) : '—') },
    { label: 'Actions', cell: (c) => el('div', { class: 'rec-actions' },
      canCreate && ownerOf(c) === me.partner ? actionButton('Edit', async () => {
        const d = await openRecordForm({ type: c.object.type, object: c.object, title: `Edit case ${c.object.case_id}` });
        if (d) await reload();
      }) : null,
      workflowActions(c, reload)) },
  ];

  function draw() {
    for (const b of strip.querySelectorAll('button')) b.setAttribute('aria-pressed', String(b.dataset.state === filters.status));
    const rows = cases.filter((c) => (!filters.status || c.object.status === filters.status) &&
      (!filters.programme || c.object.programme === filters.programme) &&
      (!filters.purchaser || c.object.purchaser === filters.purchaser))
      .sort((a, b) => STATES.indexOf(a.object.status) - STATES.indexOf(b.object.status) ||
        String(a.object.case_id).localeCompare(String(b.object.case_id)));
    holder.replaceChildren(table('Security assistance cases', columns, rows, 'No case matches.'));
  }
  draw();

  main.append(section('pipeline', 'Pipeline',
    el('p', { class: 'rec-muted' }, `${cases.length} cases; value delivered ${fmtNumber(delivered)} of ${fmtNumber(total)} ` +
      '(line quantities × unit costs, amounts added as given).'),
    strip,
    el('div', { class: 'rec-filters' }, statusSel,
      filterSelect('Programme', PROGRAMMES, (v) => { filters.programme = v; draw(); }),
      filterSelect('Purchaser', purchasers.map((p) => ({ value: p, label: p })), (v) => { filters.purchaser = v; draw(); })),
    holder));

  main.append(section('expiring', 'Offers near expiry',
    el('p', { class: 'rec-muted' }, 'Letters of offer and acceptance that expire within 30 days, or have expired, and are not yet accepted.'),
    table('Offers near expiry', [
      { label: 'Marking', class: 'rec-banner-cell', cell: (c) => banner(c) },
      { label: 'Case', class: 'rec-id', cell: (c) => objectLink(c.object.id, c.object.case_id) },
      { label: 'Name', class: 'wide', cell: (c) => c.object.name },
      { label: 'Purchaser', cell: (c) => c.object.purchaser },
      { label: 'Offer expires', cell: (c) => fmtUtc(c.object.milestones && c.object.milestones.offer_expires) },
      { label: 'Value', class: 'num', cell: (c) => money(c.workflow && c.workflow.value_total, c.object.currency) },
    ], expiring, 'No offer is near expiry.')));
}
