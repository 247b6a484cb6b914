// The higher military commission: the assessment framework(s), the
// observations of their indicators, the periodic assessments (score with
// its formula and inputs, endorsements by partner and who is awaited) and
// the transition milestones.
//
// An assessment becomes `endorsed` only when every principal partner's own
// newest opinion on it agrees (doc/RECORDS.md): "Endorse" records the
// user's partner's `opinion`; "Mark endorsed" (approvers of the owner) is
// offered once the node's `workflow.endorsed` says every principal agreed.

import { hasRole, session } from '../api.js';
import { fmtNumber, el, banner } from '../ui.js';
import { openRecordForm, openCommentForm, workflowActions } from '../forms.js';
import { startPage, pageHeader, section, table, loadRecords, stateBadge, fmtUtc, objectLink, humanize, filterSelect, newButton, actionButton } from '../records.js';

const STATES = ['draft', 'reviewed', 'endorsed', 'superseded'];
const AGREE = new Set(['agree', 'strongly-agree']);

function period(o) {
  return `${fmtUtc(o.period_start)} – ${fmtUtc(o.period_end)}`;
}

export async function render(main, params = {}) {
  startPage(main);
  const me = await session();
  const canCreate = hasRole('contributor');
  const reload = () => render(main, params);
  const [frameworks, observations, assessments, milestones] = await Promise.all([
    loadRecords('cx-assessment-framework'), loadRecords('cx-observation'),
    loadRecords('cx-assessment'), loadRecords('cx-transition-milestone')]);
  const fwName = new Map(frameworks.map((f) => [f.object.id, f.object.name]));
  const newest = frameworks[0];
  const assessmentPreset = () => (newest ? {
    framework_ref: newest.object.id,
    ratings: (newest.object.factors || []).map((f) => ({ factor: f.name })),
  } : {});

  main.append(pageHeader('Higher military commission',
    'Conditions-based assessment: the framework\'s factors and indicators, observed values, ' +
    'periodic assessments with their score and endorsements, and the transition milestones.',
    canCreate ? [
      newButton('New assessment', { type: 'cx-assessment', preset: assessmentPreset }, reload, openRecordForm),
      newButton('New observation', { type: 'cx-observation', preset: newest ? { framework_ref: newest.object.id } : {} }, reload, openRecordForm),
      newButton('New milestone', { type: 'cx-transition-milestone' }, reload, openRecordForm),
      newButton('New framework', { type: 'cx-assessment-framework' }, reload, openRecordForm),
    ] : []));

  // Frameworks: each factor's weight and indicators.
  main.append(section('frameworks', 'Assessment framework',
    frameworks.length ? frameworks.map((f) => el('div', { class: 'rec-card', dataset: { id: f.object.id } },
      el('div', { class: 'rec-card-top' }, el('h3', {}, objectLink(f.object.id, f.object.name)), banner(f)),
      table('Factors of ' + f.object.name, [
        { label: 'Factor', cell: (x) => el('strong', {}, x.name) },
        { label: 'Weight', class: 'num', cell: (x) => fmtNumber(x.weight, 2) },
        { label: 'Criteria', cell: (x) => x.criteria || '—' },
        { label: 'Indicators', class: 'wide', cell: (x) => el('ul', { class: 'rec-plain' }, (x.indicators || []).map((i) =>
          el('li', {}, `${i.name} (${i.unit}, ${humanize(i.direction).toLowerCase()}, weight ${fmtNumber(i.weight, 2)}` +
            `${i.threshold_good !== undefined ? `, good ${i.threshold_good}` : ''}${i.threshold_poor !== undefined ? `, poor ${i.threshold_poor}` : ''})`))) },
      ], (f.object.factors || []).map((x) => ({ ...x, object: null }))))) :
      el('p', { class: 'rec-empty' }, 'No framework is readable to you.')));

  // Assessments.
  const filters = { status: (params.query && params.query.status) || '' };
  const holder = el('div', { class: 'rec-cards', id: 'assessments-list' });
  const sel = filterSelect('Status', STATES, (v) => { filters.status = v; draw(); });
  sel.querySelector('select').value = filters.status;

  function endorsements(a) {
    const wf = a.workflow || {};
    const got = wf.endorsements || {};
    const awaiting = wf.awaiting || [];
    return el('div', {},
      el('ul', { class: 'rec-endorse', 'aria-label': 'Endorsements by partner' },
        Object.keys(got).length ? Object.entries(got).map(([p, e]) =>
          el('li', { dataset: { partner: p, opinion: e.opinion } }, el('strong', {}, p), ': ', humanize(e.opinion).toLowerCase(),
            AGREE.has(e.opinion) ? el('span', { class: 'rec-flag rec-flag-ok' }, '✓') : null)) :
          el('li', { class: 'rec-muted' }, 'No opinion yet.')),
      el('p', { class: 'rec-muted rec-awaiting', dataset: { awaiting: awaiting.join(',') } },
        awaiting.length ? `Awaiting agreement from: ${awaiting.join(', ')}` : 'Every principal partner agrees.'));
  }

  function score(a) {
    const s = (a.workflow && a.workflow.score) || {};
    return el('div', {},
      el('div', {}, el('span', { class: 'rec-score', dataset: { score: s.value === null || s.value === undefined ? '' : String(s.value) } },
        s.value === null || s.value === undefined ? '—' : fmtNumber(s.value, 3)), ' ',
      el('span', { class: 'rec-muted' }, `recommendation: ${humanize(a.object.recommendation || '—').toLowerCase()}`)),
      el('p', { class: 'rec-formula' }, `Score = ${s.formula || 'Σ weight × rating'}`),
      (s.inputs || []).length ? el('table', { class: 'rec-table rec-inputs' },
        el('caption', { class: 'rec-sr' }, 'Inputs of the score'),
        el('thead', {}, el('tr', {}, ['Factor', 'Weight', 'Rating', 'Product'].map((x) => el('th', { scope: 'col', class: x === 'Factor' ? null : 'num' }, x)))),
        el('tbody', {}, s.inputs.map((i) => el('tr', {},
          el('td', {}, i.factor || '—', i.note ? el('span', { class: 'rec-muted' }, ` (${i.note})`) : null),
          el('td', { class: 'num' }, fmtNumber(i.weight, 2)), el('td', { class: 'num' }, fmtNumber(i.rating, 2)),
          el('td', { class: 'num' }, fmtNumber(i.product, 3)))))) : null);
  }

  function endorseButton(a) {
    const wf = a.workflow || {};
    const mine = (wf.endorsements || {})[me.partner];
    if (!canCreate || !['reviewed', 'draft'].includes(a.object.status)) return null;
    if (mine && AGREE.has(mine.opinion)) return null;
    return actionButton(mine ? 'Endorse again' : 'Endorse', async () => {
      const d = await openCommentForm({ kind: 'opinion', objectRefs: [a.object.id],
        title: `Endorse for ${me.partner}: assessment ${period(a.object)}`, markings: a.object.object_marking_refs || [] });
      if (d) await reload();
    }, 'btn btn-small btn-primary rec-endorse-btn');
  }

  function draw() {
    const rows = assessments.filter((a) => !filters.status || a.object.status === filters.status)
      .sort((a, b) => String(b.object.period_end || '').localeCompare(String(a.object.period_end || '')));
    holder.replaceChildren(...(rows.length ? rows.map((a) =>
      el('article', { class: 'rec-card rec-assessment', dataset: { id: a.object.id, state: a.object.status } },
        el('div', { class: 'rec-card-top' },
          el('h3', {}, objectLink(a.object.id, `Assessment ${period(a.object)}`)), stateBadge(a.object.status)),
        banner(a),
        el('p', { class: 'rec-muted' }, `Framework: ${fwName.get(a.object.framework_ref) || a.object.framework_ref}; owner ${(a.labels && a.labels.owner) || '—'}`),
        score(a),
        endorsements(a),
        el('div', { class: 'rec-actions' }, endorseButton(a), workflowActions(a, reload)))) :
      [el('p', { class: 'rec-empty' }, 'No assessment matches.')]));
  }
  draw();
  main.append(section('assessments', 'Assessments', el('div', { class: 'rec-filters' }, sel), holder));

  // Observations.
  observations.sort((a, b) => String(b.object.period_end || '').localeCompare(String(a.object.period_end || '')));
  main.append(section('observations', 'Observations', table('Observations', [
    { label: 'Marking', class: 'rec-banner-cell', cell: (o) => banner(o) },
    { label: 'Indicator', class: 'wide', cell: (o) => objectLink(o.object.id, `${o.object.factor}: ${o.object.indicator}`) },
    { label: 'Period', cell: (o) => period(o.object) },
    { label: 'Value', class: 'num', cell: (o) => fmtNumber(o.object.value, 3) },
    { label: 'Source', cell: (o) => o.object.source || '—' },
    { label: 'By', cell: (o) => (o.labels && o.labels.owner) || '—' },
  ], observations, 'No observation is readable to you.')));

  // Transition milestones.
  milestones.sort((a, b) => String(a.object.target_date || '').localeCompare(String(b.object.target_date || '')));
  main.append(section('milestones', 'Transition milestones', table('Transition milestones', [
    { label: 'Marking', class: 'rec-banner-cell', cell: (m) => banner(m) },
    { label: 'Milestone', class: 'wide', cell: (m) => objectLink(m.object.id, m.object.name) },
    { label: 'Phase', cell: (m) => m.object.phase },
    { label: 'Site', cell: (m) => m.object.site || '—' },
    { label: 'Target', cell: (m) => fmtUtc(m.object.target_date) },
    { label: 'Actual', cell: (m) => fmtUtc(m.object.actual_date) },
    { label: 'Handover', cell: (m) => stateBadge(m.object.handover_state) },
  ], milestones, 'No milestone is readable to you.')));
}
