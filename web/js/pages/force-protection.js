// Force protection: protected sites, movement requests with the state the
// node derives from the host nation's decision, and incident reports
// (flash, update, final).
//
// A request is approved, rejected or counter-proposed only by a
// cx-movement-decision its host nation creates: the host nation's
// approvers get "Decide" (markings preset to the request's, which release
// it to the requester and the host nation only); the requester gets
// Start, Complete, Abort and Cancel when the workflow allows.

import { hasRole, session } from '../api.js';
import { fmtNumber, el, banner } from '../ui.js';
import { openRecordForm, workflowActions, CX_INCIDENT_EXT } from '../forms.js';
import { startPage, pageHeader, section, table, loadRecords, stateBadge, fmtUtc, objectLink, humanize, filterSelect, newButton, actionButton, ownerOf } from '../records.js';

const MOVE_STATES = ['submitted', 'approved', 'counter-proposed', 'rejected', 'in-progress', 'completed', 'aborted', 'cancelled'];

function ext(o) {
  return (o.extensions || {})[CX_INCIDENT_EXT] || null;
}

function counts(obj) {
  if (!obj) return '—';
  const parts = Object.entries(obj).map(([k, v]) => `${humanize(k).toLowerCase()} ${v}`);
  return parts.length ? parts.join(', ') : '—';
}

// "2026-11-25 08:00–14:00Z", or both ends in full when the days differ.
function windowText(o) {
  const a = fmtUtc(o.window_start);
  const b = fmtUtc(o.window_end);
  if (a.slice(0, 10) === b.slice(0, 10) && b.length > 10) return `${a.replace(/Z$/, '')}–${b.slice(11)}`;
  return `${a} – ${b}`;
}

export async function render(main, params = {}) {
  startPage(main);
  const me = await session();
  const canCreate = hasRole('contributor');
  const reload = () => render(main, params);
  const [sites, requests, incidentsAll] = await Promise.all([
    loadRecords('cx-protected-site'), loadRecords('cx-movement-request'), loadRecords('incident')]);
  const incidents = incidentsAll.filter((d) => ext(d.object));
  const siteName = new Map(sites.map((s) => [s.object.id, s.object.name]));

  main.append(pageHeader('Force protection',
    'Protected sites, convoy movement requests decided by the host nation, and incident reports. ' +
    'Movement details are released to the requester and the host nation only.',
    canCreate ? [
      newButton('New movement request', { type: 'cx-movement-request', preset: { escort_requested: true } }, reload, openRecordForm),
      newButton('New incident report', { type: 'incident' }, reload, openRecordForm),
      newButton('New protected site', { type: 'cx-protected-site' }, reload, openRecordForm),
    ] : []));

  // Movement requests.
  const filters = { state: (params.query && params.query.state) || '' };
  const holder = el('div', { id: 'movements-table' });
  const stateSel = filterSelect('State', MOVE_STATES, (v) => { filters.state = v; draw(); });
  stateSel.querySelector('select').value = filters.state;

  function decideButton(r) {
    const o = r.object;
    if (o.status !== 'submitted' || o.host_nation !== me.partner || !hasRole('approver')) return null;
    const wf = r.workflow || {};
    return actionButton(wf.decision ? 'Revise decision' : 'Decide', async () => {
      const d = await openRecordForm({
        type: 'cx-movement-decision',
        title: `Decide on ${o.convoy_name}`,
        preset: { request_ref: o.id, decision: 'approved', object_marking_refs: o.object_marking_refs || [] },
        fixed: ['request_ref'],
      });
      if (d) await reload();
    }, 'btn btn-small btn-primary rec-decide');
  }

  function decisionCell(r) {
    const d = r.workflow && r.workflow.decision;
    if (!d) return el('span', { class: 'rec-muted' }, r.object.status === 'submitted' ? 'Awaiting the host nation' : '—');
    return el('div', { class: 'rec-decision' },
      el('div', {}, objectLink(d.id, humanize(d.decision)), ` by ${r.object.host_nation}`),
      d.movement_number ? el('div', {}, 'Movement ', el('strong', { class: 'rec-movement-number' }, d.movement_number)) : null,
      d.conditions ? el('div', { class: 'rec-muted' }, 'Conditions: ', d.conditions) : null);
  }

  function draw() {
    const rows = requests.filter((r) => !filters.state || (r.workflow && r.workflow.state) === filters.state)
      .sort((a, b) => String(b.object.window_start || b.object.created).localeCompare(String(a.object.window_start || a.object.created)));
    holder.replaceChildren(table('Movement requests', [
      { label: 'Marking', class: 'rec-banner-cell', cell: (r) => banner(r) },
      { label: 'Convoy', class: 'wide', cell: (r) => el('div', {}, objectLink(r.object.id, r.object.convoy_name),
        el('div', { class: 'rec-muted' }, `by ${ownerOf(r) || '—'} to ${r.object.host_nation}`)) },
      { label: 'Window and route', class: 'wide', cell: (r) => (r.object.window_start
        ? el('div', {}, el('div', { class: 'rec-nowrap' }, windowText(r.object)),
          el('div', { class: 'rec-muted' }, `${r.object.start_point || '—'} → ${r.object.release_point || '—'}`,
            (r.object.route_points || []).length ? ` (${r.object.route_points.length} route points)` : ''))
        : el('span', { class: 'rec-muted' }, 'Dropped once completed')) },
      { label: 'Size', class: 'rec-nowrap', cell: (r) => el('div', {}, `${fmtNumber(r.object.vehicle_count)} vehicles`,
        el('div', {}, `${fmtNumber(r.object.personnel_count)} personnel`),
        r.object.escort_requested ? el('div', { class: 'rec-muted' }, 'escort requested') : null) },
      { label: 'State', cell: (r) => stateBadge(r.workflow && r.workflow.state) },
      { label: 'Host nation decision', class: 'wide', cell: decisionCell },
      { label: 'Actions', cell: (r) => el('div', { class: 'rec-actions' }, decideButton(r), workflowActions(r, reload)) },
    ], rows, 'No movement request matches.'));
  }
  draw();
  const awaiting = requests.filter((r) => r.object.status === 'submitted' && !(r.workflow && r.workflow.decision)).length;
  main.append(section('movements', 'Movement requests',
    el('p', { class: 'rec-muted' }, `${requests.length} requests readable to you; ${awaiting} awaiting the host nation's decision.`),
    el('div', { class: 'rec-filters' }, stateSel), holder));

  // Incident reports.
  incidents.sort((a, b) => String(ext(b.object).occurred).localeCompare(String(ext(a.object).occurred)));
  main.append(section('incidents', 'Incident reports', table('Incident reports', [
    { label: 'Marking', class: 'rec-banner-cell', cell: (d) => banner(d) },
    { label: 'Incident', class: 'wide', cell: (d) => objectLink(d.object.id, d.object.name) },
    { label: 'Occurred', cell: (d) => fmtUtc(ext(d.object).occurred) },
    { label: 'Kind', cell: (d) => humanize(ext(d.object).kind) },
    { label: 'Site', cell: (d) => siteName.get(ext(d.object).site_ref) || (ext(d.object).site_ref ? 'not readable' : '—') },
    { label: 'Counts', cell: (d) => counts(ext(d.object).counts) },
    { label: 'Casualties', cell: (d) => counts(ext(d.object).casualties) },
    { label: 'Stage', cell: (d) => stateBadge(ext(d.object).report_stage) },
    { label: 'Actions', cell: (d) => el('div', { class: 'rec-actions' },
      canCreate && ownerOf(d) === me.partner && ext(d.object).report_stage !== 'final' ? actionButton('Edit', async () => {
        const n = await openRecordForm({ type: 'incident', object: d.object, title: `Update ${d.object.name}` });
        if (n) await reload();
      }) : null,
      workflowActions(d, reload)) },
  ], incidents, 'No incident report is readable to you.')));

  // Protected sites.
  main.append(section('sites', 'Protected sites', table('Protected sites', [
    { label: 'Marking', class: 'rec-banner-cell', cell: (s) => banner(s) },
    { label: 'Site', class: 'wide', cell: (s) => objectLink(s.object.id, s.object.name) },
    { label: 'Kind', cell: (s) => humanize(s.object.kind) },
    { label: 'Area', cell: (s) => s.object.area || '—' },
    { label: 'Host nation', cell: (s) => s.object.host_nation || '—' },
    { label: 'Responsible unit', cell: (s) => s.object.responsible_unit || '—' },
    { label: 'Control', cell: (s) => stateBadge(s.object.control) },
  ], sites, 'No protected site is readable to you.')));
}
