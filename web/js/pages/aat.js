// Advise, assist, train and equip activities by status, with the steps of
// their workflow (approving and cancelling are the approver's).

import { hasRole } from '../api.js';
import { fmtNumber, el, banner } from '../ui.js';
import { openRecordForm, workflowActions } from '../forms.js';
import { startPage, pageHeader, section, table, loadRecords, stateBadge, fmtUtc, objectLink, humanize, filterSelect, newButton, countBy, pipeline } from '../records.js';

const STATES = ['requested', 'approved', 'scheduled', 'conducted', 'reported', 'closed', 'cancelled'];
const KINDS = ['advise', 'assist', 'train', 'equip'];

export async function render(main, params = {}) {
  startPage(main);
  const reload = () => render(main, params);
  const activities = await loadRecords('cx-aat-activity');

  main.append(pageHeader('Advise, assist, train and equip',
    'Activities with partner units: planned and actual dates, headcounts, objectives and outcome. ' +
    'Approving or cancelling an activity is the approver\'s step.',
    hasRole('contributor') ? [newButton('New activity', { type: 'cx-aat-activity' }, reload, openRecordForm)] : []));

  const filters = { status: (params.query && params.query.status) || '', kind: '' };
  const holder = el('div', { id: 'activities-table' });
  const counts = countBy(activities, (a) => a.object.status, STATES);
  const strip = pipeline('Activities by status', counts, (k) => {
    filters.status = filters.status === k ? '' : k;
    statusSel.querySelector('select').value = filters.status;
    draw();
  });
  const statusSel = filterSelect('Status', STATES, (v) => { filters.status = v; draw(); });
  statusSel.querySelector('select').value = filters.status;

  function draw() {
    for (const b of strip.querySelectorAll('button')) b.setAttribute('aria-pressed', String(b.dataset.state === filters.status));
    const rows = activities.filter((a) => (!filters.status || a.object.status === filters.status) &&
      (!filters.kind || a.object.kind === filters.kind))
      .sort((a, b) => STATES.indexOf(a.object.status) - STATES.indexOf(b.object.status) ||
        String(a.object.planned_start || '').localeCompare(String(b.object.planned_start || '')));
    holder.replaceChildren(table('Activities', [
      { label: 'Marking', class: 'rec-banner-cell', cell: (a) => banner(a) },
      { label: 'Activity', class: 'wide', cell: (a) => objectLink(a.object.id, a.object.name) },
      { label: 'Kind', cell: (a) => humanize(a.object.kind) },
      { label: 'Site', cell: (a) => a.object.site || '—' },
      { label: 'Planned', cell: (a) => `${fmtUtc(a.object.planned_start)}${a.object.planned_end ? ' – ' + fmtUtc(a.object.planned_end) : ''}` },
      { label: 'Actual', cell: (a) => (a.object.actual_start ? `${fmtUtc(a.object.actual_start)}${a.object.actual_end ? ' – ' + fmtUtc(a.object.actual_end) : ''}` : '—') },
      { label: 'Units', class: 'num', cell: (a) => String((a.object.partner_unit_refs || []).length) },
      { label: 'Headcount', class: 'num', cell: (a) => fmtNumber(a.object.headcount) },
      { label: 'Status', cell: (a) => stateBadge(a.object.status) },
      { label: 'Next steps', cell: (a) => {
        const next = (a.workflow && a.workflow.next) || [];
        return el('div', {}, workflowActions(a, reload),
          el('div', { class: 'rec-muted' }, next.length ? `Next: ${next.map((n) => humanize(n).toLowerCase()).join(', ')}` : 'Final state'));
      } },
    ], rows, 'No activity matches.'));
  }
  draw();
  main.append(section('activities', 'Activities by status', strip,
    el('div', { class: 'rec-filters' }, statusSel,
      filterSelect('Kind', KINDS, (v) => { filters.kind = v; draw(); })),
    holder));
}
