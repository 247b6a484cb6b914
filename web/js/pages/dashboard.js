// The dashboard: the node's aggregates for this reader (GET /api/v1/dashboard)
// as cards and Chart.js charts, each linking to the records behind it.

import { api } from '../api.js';
import { card, clear, el, fmtDate, fmtNumber, pageHeading } from '../ui.js';

const PALETTE = ['#2d5a87', '#e07b00', '#2e8b57', '#8e44ad', '#c0392b', '#16a085', '#7f8c8d', '#d4ac0d', '#34495e', '#e84393'];

// States in workflow order (doc/RECORDS.md), so bars read left to right.
const ORDER = {
  commitment: ['open', 'in-progress', 'done', 'dropped'],
  activity: ['requested', 'approved', 'scheduled', 'conducted', 'reported', 'closed', 'cancelled'],
  sa: ['lor-received', 'loa-offered', 'accepted', 'implemented', 'delivering', 'supply-complete', 'closed', 'expired', 'cancelled'],
  movement: ['submitted', 'approved', 'counter-proposed', 'rejected', 'in-progress', 'completed', 'aborted', 'cancelled'],
  repatriation: ['identified', 'verification-pending', 'verified', 'home-nation-requested', 'accepted', 'declined', 'deferred',
    'transfer-scheduled', 'transferred', 'received', 'in-rehabilitation', 'reintegrated', 'referred', 'closed'],
};

function ordered(obj, order) {
  const keys = Object.keys(obj || {});
  const rank = (k) => {
    const i = (order || []).indexOf(k);
    return i < 0 ? 1000 : i;
  };
  return keys.sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
}

function link(path, query) {
  const q = new URLSearchParams(query || {}).toString();
  return '#/' + path + (q ? '?' + q : '');
}

function monthLabel(ym) {
  const [y, m] = ym.split('-');
  const d = new Date(Date.UTC(Number(y), Number(m) - 1, 1));
  return new Intl.DateTimeFormat('en-GB', { month: 'short', year: 'numeric', timeZone: 'UTC' }).format(d);
}

const charts = [];

// A chart panel: a title, a canvas with a text alternative, and the list of
// links to the records behind each bar (the keyboard's way in).
function chartPanel(title, id, config, links) {
  const canvas = el('canvas', { id, role: 'img', 'aria-label': title + ': ' + describe(config) });
  const box = el('div', { class: 'chart-box' }, canvas);
  const list = links && links.length
    ? el('ul', { class: 'chart-links', 'aria-label': title + ': records' },
      links.map((l) => el('li', {}, el('a', { href: l.href }, `${l.label} (${l.value})`))))
    : null;
  const panel = el('section', { class: 'panel chart-panel', 'aria-labelledby': id + '-h' },
    el('h2', { id: id + '-h' }, title), box, list);
  const empty = !config.data.datasets.some((d) => d.data.some((v) => v !== null && v !== 0));
  if (empty) {
    clear(box, el('p', { class: 'empty' }, 'Nothing you may see yet.'));
    box.style.height = 'auto';
    return panel;
  }
  panel.chartConfig = { canvas, config, links };
  return panel;
}

function describe(config) {
  const labels = config.data.labels || [];
  return config.data.datasets.map((d) => (config.data.datasets.length > 1 ? d.label + ': ' : '') +
    labels.map((l, i) => `${l} ${d.data[i] === null ? 'n/a' : fmtNumber(d.data[i])}`).join(', ')).join('; ');
}

function barConfig(labels, values, { label = 'Records', stacked = false, datasets, money = false } = {}) {
  return {
    type: 'bar',
    data: {
      labels,
      datasets: datasets || [{ label, data: values, backgroundColor: PALETTE[0] }],
    },
    options: {
      responsive: true,
      maintainAspectRatio: false,
      animation: false,
      plugins: { legend: { display: !!datasets && datasets.length > 1 } },
      scales: {
        x: { stacked, ticks: { autoSkip: false, maxRotation: 40 } },
        y: {
          stacked,
          beginAtZero: true,
          ticks: { precision: 0, callback: money ? (v) => '$' + fmtNumber(v) : undefined },
        },
      },
    },
  };
}

function mountCharts(root) {
  if (typeof window.Chart !== 'function') {
    for (const p of root.querySelectorAll('.chart-panel')) {
      const box = p.querySelector('.chart-box');
      if (p.chartConfig) clear(box, el('p', { class: 'empty' }, 'Charts are not available (Chart.js is missing on this node); the links below list the same numbers.'));
    }
    return;
  }
  window.Chart.defaults.font.family = getComputedStyle(document.body).fontFamily;
  window.Chart.defaults.color = '#17212b';
  for (const p of root.querySelectorAll('.chart-panel')) {
    if (!p.chartConfig) continue;
    const { canvas, config, links } = p.chartConfig;
    if (links && links.length) {
      config.options.onClick = (ev, elements) => {
        if (!elements.length) return;
        const l = links[elements[0].index];
        if (l) location.hash = l.href;
      };
      config.options.onHover = (ev, elements) => {
        canvas.style.cursor = elements.length ? 'pointer' : 'default';
      };
    }
    charts.push(new window.Chart(canvas.getContext('2d'), config));
  }
}

function section(title, ...children) {
  return el('section', { class: 'dash-section', 'aria-label': title }, el('h2', {}, title), children);
}

export async function render(main) {
  while (charts.length) charts.pop().destroy();
  main.append(pageHeading('Dashboard', el('p', { class: 'hint' }, 'Counts cover only the records you may read.')));
  const d = await api.get('dashboard');

  // Coalition cooperation: commitments and activities.
  const c = d.commitments || { by_status: {}, overdue: 0, total: 0 };
  const cs = c.by_status || {};
  const active = (cs.open || 0) + (cs['in-progress'] || 0);
  const onTrack = Math.max(0, active - (c.overdue || 0));
  const a = d.activities || { by_status: {}, by_month: {}, total: 0 };
  const sa = d.security_assistance || { by_status: {}, by_programme: {}, deliveries_by_month: {} };
  const mv = d.movements || { by_state: {}, awaiting_decision: 0, decision_hours: {} };
  const inc = d.incidents || { by_month: {}, by_kind: {}, by_stage: {} };

  const overdueCard = card('Commitments overdue', fmtNumber(c.overdue || 0), link('cooperation', { view: 'commitments', overdue: 'true' }));
  if (c.overdue) overdueCard.classList.add('warn');
  const cards = el('div', { class: 'cards' },
    card('Commitments on track', fmtNumber(onTrack), link('intel', { type: 'cx-commitment', status: 'in-progress' })),
    overdueCard,
    card('Commitments done', fmtNumber(cs.done || 0), link('intel', { type: 'cx-commitment', status: 'done' })),
    card('Activities', fmtNumber(a.total || 0), link('intel', { type: 'cx-aat-activity' })),
    card('Security assistance cases', fmtNumber(sa.total || 0), link('intel', { type: 'cx-security-assistance-case' })),
    card('Delivered / total value', `$${fmtNumber(sa.value_delivered || 0)} / $${fmtNumber(sa.value_total || 0)}`, link('security-assistance')),
    card('Offers near expiry', fmtNumber(sa.offers_near_expiry || 0), link('intel', { type: 'cx-security-assistance-case', status: 'loa-offered' })),
    card('Movements awaiting host-nation decision', fmtNumber(mv.awaiting_decision || 0), link('intel', { type: 'cx-movement-request', status: 'submitted' })),
    card('Median hours to decision', mv.decision_hours && mv.decision_hours.median !== null && mv.decision_hours.median !== undefined ? fmtNumber(mv.decision_hours.median) : '—', link('force-protection')),
    card('Incidents', fmtNumber(inc.total || 0), link('intel', { type: 'incident' })));
  if (sa.offers_near_expiry) cards.children[6].classList.add('warn');
  main.append(cards);

  const grid = el('div', { class: 'charts' });
  main.append(grid);

  const commitKeys = ordered(cs, ORDER.commitment);
  grid.append(chartPanel('Commitments by status', 'chart-commitments',
    barConfig(commitKeys, commitKeys.map((k) => cs[k])),
    commitKeys.map((k) => ({ label: k, value: cs[k], href: link('intel', { type: 'cx-commitment', status: k }) }))));

  const actKeys = ordered(a.by_status, ORDER.activity);
  grid.append(chartPanel('Activities by status', 'chart-activities-status',
    barConfig(actKeys, actKeys.map((k) => a.by_status[k])),
    actKeys.map((k) => ({ label: k, value: a.by_status[k], href: link('intel', { type: 'cx-aat-activity', status: k }) }))));

  const months = Object.keys(a.by_month || {}).sort();
  grid.append(chartPanel('Activities by month (planned start)', 'chart-activities-month',
    barConfig(months.map(monthLabel), months.map((k) => a.by_month[k])),
    months.map((k) => ({ label: monthLabel(k), value: a.by_month[k], href: link('aat', { month: k }) }))));

  // Assessment trend: one line per factor over the assessments' periods.
  const assessments = d.assessments || [];
  const factors = [...new Set(assessments.flatMap((x) => Object.keys(x.ratings || {})))];
  const trend = {
    type: 'line',
    data: {
      labels: assessments.map((x) => fmtDate((x.period_end || '').slice(0, 10))),
      datasets: factors.map((f, i) => ({
        label: f,
        data: assessments.map((x) => (x.ratings && typeof x.ratings[f] === 'number' ? x.ratings[f] : null)),
        borderColor: PALETTE[i % PALETTE.length],
        backgroundColor: PALETTE[i % PALETTE.length],
        tension: 0.2,
        spanGaps: true,
      })),
    },
    options: {
      responsive: true,
      maintainAspectRatio: false,
      animation: false,
      scales: { y: { min: 0, max: 1, title: { display: true, text: 'rating (0–1)' } } },
      plugins: { legend: { position: 'bottom' } },
    },
  };
  grid.append(chartPanel('Assessment trend per factor', 'chart-assessments', trend,
    assessments.map((x) => ({ label: fmtDate((x.period_end || '').slice(0, 10)), value: x.status, href: '#/objects/' + x.id }))));

  const saKeys = ordered(sa.by_status, ORDER.sa);
  grid.append(chartPanel('Security assistance pipeline', 'chart-sa-pipeline',
    barConfig(saKeys, saKeys.map((k) => sa.by_status[k])),
    saKeys.map((k) => ({ label: k, value: sa.by_status[k], href: link('intel', { type: 'cx-security-assistance-case', status: k }) }))));

  const dm = Object.keys(sa.deliveries_by_month || {}).sort();
  grid.append(chartPanel('Security assistance deliveries by month (value)', 'chart-sa-deliveries',
    barConfig(dm.map(monthLabel), dm.map((k) => sa.deliveries_by_month[k]), { label: 'Value delivered', money: true }),
    dm.map((k) => ({ label: monthLabel(k), value: '$' + fmtNumber(sa.deliveries_by_month[k]), href: link('security-assistance', { month: k }) }))));

  const mvKeys = ordered(mv.by_state, ORDER.movement);
  grid.append(chartPanel('Movement requests by state', 'chart-movements',
    barConfig(mvKeys, mvKeys.map((k) => mv.by_state[k])),
    mvKeys.map((k) => ({ label: k, value: mv.by_state[k], href: link('force-protection', { state: k }) }))));

  const im = Object.keys(inc.by_month || {}).sort();
  grid.append(chartPanel('Incidents by month', 'chart-incidents-month',
    barConfig(im.map(monthLabel), im.map((k) => inc.by_month[k])),
    im.map((k) => ({ label: monthLabel(k), value: inc.by_month[k], href: link('force-protection', { month: k }) }))));

  const ik = Object.keys(inc.by_kind || {}).sort();
  grid.append(chartPanel('Incidents by kind', 'chart-incidents-kind', {
    type: 'doughnut',
    data: { labels: ik.map((k) => k.toUpperCase()), datasets: [{ label: 'Incidents', data: ik.map((k) => inc.by_kind[k]), backgroundColor: ik.map((k, i) => PALETTE[i % PALETTE.length]) }] },
    options: { responsive: true, maintainAspectRatio: false, animation: false, plugins: { legend: { position: 'right' } } },
  }, ik.map((k) => ({ label: k.toUpperCase(), value: inc.by_kind[k], href: link('force-protection', { kind: k }) }))));

  main.append(repatriationPanel(d.repatriation));
  mountCharts(main);
}

function cellText(cell) {
  if (!cell) return '';
  if (cell.suppressed) return '<5';
  return fmtNumber(cell.value);
}

// Repatriation by home nation and stage: a table, since small cells are
// suppressed ("<5") and a chart would hide that.
function repatriationPanel(stats) {
  const nations = Object.keys((stats && stats.by_nation) || {}).sort((x, y) => (x === 'IRQ' ? -1 : y === 'IRQ' ? 1 : x.localeCompare(y)));
  const panel = el('section', { class: 'panel', 'aria-labelledby': 'repat-h', id: 'repatriation-stats' },
    el('h2', { id: 'repat-h' }, 'Repatriation by home nation and stage'),
    el('p', { class: 'hint' }, `Counts of 1 to ${(stats && stats.threshold ? stats.threshold : 5) - 1} cases are not shown (“<${stats && stats.threshold ? stats.threshold : 5}”), nor what would give them away.`));
  if (!nations.length) {
    panel.append(el('p', { class: 'empty' }, 'No repatriation case you may see.'));
    return panel;
  }
  const stages = ordered(Object.fromEntries(nations.flatMap((n) => Object.keys(stats.by_nation[n].by_status || {}).map((s) => [s, 1]))), ORDER.repatriation);
  const head = el('tr', {}, el('th', { scope: 'col' }, 'Home nation'), el('th', { scope: 'col' }, 'Total'),
    stages.map((s) => el('th', { scope: 'col' }, s)));
  const rows = nations.map((n) => {
    const row = stats.by_nation[n];
    return el('tr', {},
      el('th', { scope: 'row' }, el('a', { href: link('repatriation', { home_nation: n }) }, n)),
      el('td', { class: row.total && row.total.suppressed ? 'suppressed' : '' }, cellText(row.total)),
      stages.map((s) => {
        const cell = (row.by_status || {})[s];
        if (!cell) return el('td', {}, '—');
        return el('td', { class: cell.suppressed ? 'suppressed' : '' },
          el('a', { href: link('repatriation', { home_nation: n, status: s }) }, cellText(cell)));
      }));
  });
  panel.append(el('div', { class: 'table-wrap' }, el('table', { class: 'plain repat' }, el('thead', {}, head), el('tbody', {}, rows))));
  return panel;
}
