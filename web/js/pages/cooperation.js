// Cooperation: the dialogues of the statement and the commitments tracker
// (owner, due date, status, overdue, progress notes; add a progress note as
// a STIX note referencing the commitment).

import { hasRole, session } from '../api.js';
import { el, banner } from '../ui.js';
import { openRecordForm, openCommentForm, workflowActions } from '../forms.js';
import { startPage, pageHeader, section, table, loadRecords, stateBadge, fmtUtc, objectLink, humanize, filterSelect, newButton, actionButton } from '../records.js';

const STATUSES = ['open', 'in-progress', 'done', 'dropped'];

export async function render(main, params = {}) {
  startPage(main);
  const me = await session();
  const canCreate = hasRole('contributor');
  const reload = () => render(main, params);
  const [dialogues, commitments] = await Promise.all([
    loadRecords('cx-dialogue'), loadRecords('cx-commitment')]);
  const dialogueName = new Map(dialogues.map((d) => [d.object.id, d.object.name]));

  main.append(pageHeader('Cooperation',
    'The agreements and dialogues of the security cooperation framework, and the commitments each made.',
    canCreate ? [
      newButton('New dialogue', { type: 'cx-dialogue' }, reload, openRecordForm),
      newButton('New commitment', { type: 'cx-commitment', preset: { owner_partner: me.partner } }, reload, openRecordForm),
    ] : []));

  // Dialogues, newest first by date.
  dialogues.sort((a, b) => String(b.object.date || '').localeCompare(String(a.object.date || '')));
  main.append(section('dialogues', 'Dialogues',
    table('Dialogues', [
      { label: 'Marking', class: 'rec-banner-cell', cell: (d) => banner(d) },
      { label: 'Dialogue', class: 'wide', cell: (d) => objectLink(d.object.id, d.object.name) },
      { label: 'Kind', cell: (d) => humanize(d.object.kind) },
      { label: 'Date', cell: (d) => fmtUtc(d.object.date) },
      { label: 'Parties', class: 'num', cell: (d) => String((d.object.party_refs || []).length) },
      { label: 'Commitments', class: 'num', cell: (d) => String(((d.workflow && d.workflow.commitments) || []).length) },
    ], dialogues, 'No dialogue is readable to you.')));

  // The commitments tracker, with filters.
  const filters = { status: params.query && params.query.status ? params.query.status : '', owner: '', overdue: false };
  const owners = [...new Set(commitments.map((c) => c.object.owner_partner).filter(Boolean))].sort();
  const holder = el('div', { id: 'commitments-table' });
  const overdueBox = el('input', { type: 'checkbox', id: 'f-overdue' });
  overdueBox.addEventListener('change', () => { filters.overdue = overdueBox.checked; draw(); });
  const statusFilter = filterSelect('Status', STATUSES, (v) => { filters.status = v; draw(); });
  statusFilter.querySelector('select').value = filters.status;
  const nOverdue = commitments.filter((c) => c.workflow && c.workflow.overdue).length;

  function draw() {
    const rows = commitments.filter((c) =>
      (!filters.status || c.object.status === filters.status) &&
      (!filters.owner || c.object.owner_partner === filters.owner) &&
      (!filters.overdue || (c.workflow && c.workflow.overdue)))
      .sort((a, b) => String(a.object.due_date || '9999').localeCompare(String(b.object.due_date || '9999')));
    holder.replaceChildren(table('Commitments', [
      { label: 'Marking', class: 'rec-banner-cell', cell: (c) => banner(c) },
      { label: 'Commitment', class: 'wide', cell: (c) => el('div', {}, objectLink(c.object.id, c.object.statement),
        c.object.dialogue_ref ? el('div', { class: 'rec-muted' }, dialogueName.get(c.object.dialogue_ref) || '') : null) },
      { label: 'Owner', cell: (c) => c.object.owner_partner || '—' },
      { label: 'Area', cell: (c) => c.object.area || '—' },
      { label: 'Due', cell: (c) => el('span', {}, fmtUtc(c.object.due_date),
        c.workflow && c.workflow.overdue ? el('span', { class: 'rec-flag', dataset: { overdue: '' } }, 'Overdue') : null) },
      { label: 'Status', cell: (c) => stateBadge(c.object.status) },
      { label: 'Progress notes', class: 'num', cell: (c) => String(((c.workflow && c.workflow.progress) || []).length) },
      { label: 'Actions', cell: (c) => el('div', { class: 'rec-actions' },
        canCreate ? actionButton('Add note', async () => {
          const n = await openCommentForm({ kind: 'note', objectRefs: [c.object.id],
            title: 'Progress note: ' + c.object.statement, markings: c.object.object_marking_refs || [] });
          if (n) await reload();
        }) : null,
        workflowActions(c, reload)) },
    ], rows, 'No commitment matches.'));
  }
  draw();
  main.append(section('commitments', 'Commitments tracker',
    el('p', { class: 'rec-muted' }, `${commitments.length} commitments, `,
      el('strong', {}, `${nOverdue} overdue`), ' (past their due date and neither done nor dropped).'),
    el('div', { class: 'rec-filters' }, statusFilter,
      filterSelect('Owner', owners.map((o) => ({ value: o, label: o })), (v) => { filters.owner = v; draw(); }),
      el('span', { class: 'rec-filter' }, overdueBox, el('label', { for: 'f-overdue' }, 'Overdue only'))),
    holder));
}
