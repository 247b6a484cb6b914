// Administration (admins only): users, partners, tokens, collections and
// grants, and the audit log with its verification.

import { api, ApiError, hasRole } from '../api.js';
import { clear, clearFieldErrors, confirmDialog, el, field, fieldErrors, fmtDate, showError } from '../ui.js';

const TABS = [
  { key: 'users', label: 'Users' },
  { key: 'partners', label: 'Partners' },
  { key: 'tokens', label: 'Tokens' },
  { key: 'collections', label: 'Collections' },
  { key: 'audit', label: 'Audit' },
];
const ROLES = ['reader', 'contributor', 'approver', 'admin', 'case-officer', 'peer'];
const CLEARANCES = [['U', 'Unclassified'], ['R', 'Restricted'], ['C', 'Confidential'], ['S', 'Secret']];

function items(r, key) {
  if (Array.isArray(r)) return r;
  return (r && (r.items || r[key])) || [];
}

function table(columns, rows, empty) {
  if (!rows.length) return el('p', { class: 'empty' }, empty);
  return el('div', { class: 'table-wrap' }, el('table', { class: 'plain' },
    el('thead', {}, el('tr', {}, columns.map((c) => el('th', { scope: 'col' }, c.label)))),
    el('tbody', {}, rows.map((r) => el('tr', {}, columns.map((c) => {
      const v = c.render ? c.render(r) : r[c.key];
      return el('td', {}, v === undefined || v === null || v === '' ? '—' : v);
    }))))));
}

// A create form whose submit posts what build() returns and shows the
// node's errors next to the fields.
function createForm(id, title, controls, submitLabel, onSubmit) {
  const save = el('button', { type: 'submit', class: 'btn btn-primary', id: id + '-save' }, submitLabel);
  const form = el('form', { class: 'panel form', id, 'aria-labelledby': id + '-h', novalidate: true },
    el('h2', { id: id + '-h' }, title), el('div', { class: 'form-grid' }, controls), el('div', { class: 'actions' }, save));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearFieldErrors(form);
    save.disabled = true;
    try {
      await onSubmit(form);
    } catch (e) {
      fieldErrors(form, e);
    } finally {
      save.disabled = false;
    }
  });
  return form;
}

function input(name, attrs = {}) {
  return el('input', { type: 'text', name, ...attrs });
}

function select(name, options, attrs = {}) {
  return el('select', { name, ...attrs }, options.map(([v, l]) => el('option', { value: v }, l)));
}

function roleChecks(prefix, chosen = []) {
  return el('fieldset', { class: 'checks-field', 'data-field': 'roles' }, el('legend', {}, 'Roles'),
    el('div', { class: 'checks' }, ROLES.map((r) => el('label', { class: 'check', for: `${prefix}-role-${r}` },
      el('input', { type: 'checkbox', id: `${prefix}-role-${r}`, name: 'roles', value: r, checked: chosen.includes(r) }), ' ', r))));
}

function checked(form, name) {
  return [...form.querySelectorAll(`input[name="${name}"]:checked`)].map((i) => i.value);
}

async function partnerOptions() {
  try {
    return items(await api.get('admin/partners'), 'partners').map((p) => [p.code, `${p.code} — ${p.name}`]);
  } catch (e) {
    return [];
  }
}

const views = {
  async users(box, reload) {
    const r = await api.get('admin/users');
    const users = items(r, 'users');
    box.append(el('section', { class: 'panel', 'aria-labelledby': 'users-h' }, el('h2', { id: 'users-h' }, `Users (${users.length})`),
      table([
        { key: 'name', label: 'Name' },
        { key: 'partner', label: 'Partner' },
        { key: 'roles', label: 'Roles', render: (u) => (u.roles || []).join(', ') },
        { key: 'clearance', label: 'Clearance' },
        { key: 'disabled', label: 'State', render: (u) => (u.disabled ? el('span', { class: 'state bad' }, 'disabled') : 'active') },
        { key: 'created', label: 'Created', render: (u) => fmtDate(u.created) },
        { key: 'edit', label: 'Change', render: (u) => el('button', { type: 'button', class: 'btn btn-small', onclick: () => editUser(box, u, reload), 'aria-label': 'Change ' + u.name }, 'Change…') },
      ], users, 'No users.')));
    const partnersList = await partnerOptions();
    box.append(createForm('user-create', 'New user', [
      field('Name', input('name', { required: true, autocomplete: 'off' })),
      field('Partner', partnersList.length ? select('partner', partnersList) : input('partner', { required: true })),
      field('Clearance', select('clearance', CLEARANCES)),
      field('Password', input('password', { type: 'password', autocomplete: 'new-password', required: true }), 'At least 12 characters.'),
      roleChecks('uc', ['reader']),
    ], 'Create user', async (form) => {
      const f = form.elements;
      await api.post('admin/users', { name: f.name.value.trim(), partner: f.partner.value, clearance: f.clearance.value, password: f.password.value, roles: checked(form, 'roles') });
      reload();
    }));
  },

  async partners(box, reload) {
    const list = items(await api.get('admin/partners'), 'partners');
    box.append(el('section', { class: 'panel', 'aria-labelledby': 'partners-h' }, el('h2', { id: 'partners-h' }, `Partners (${list.length})`),
      table([
        { key: 'code', label: 'Code' },
        { key: 'name', label: 'Name' },
        { key: 'identity', label: 'Identity', render: (p) => (p.identity ? el('a', { href: '#/objects/' + p.identity }, p.identity) : '') },
      ], list, 'No partners.')));
    box.append(createForm('partner-create', 'New partner', [
      field('Code', input('code', { required: true, maxlength: '16' }), 'e.g. ITA (ISO 3166 alpha-3 where there is one).'),
      field('Name', input('name', { required: true })),
      field('Identity (optional)', input('identity'), 'An existing identity--… id; the node makes one when empty.'),
    ], 'Add partner', async (form) => {
      const f = form.elements;
      const body = { code: f.code.value.trim(), name: f.name.value.trim() };
      if (f.identity.value.trim()) body.identity = f.identity.value.trim();
      await api.post('admin/partners', body);
      reload();
    }));
  },

  async tokens(box, reload) {
    const list = items(await api.get('admin/tokens'), 'tokens');
    const secretBox = el('div', { id: 'token-secret' });
    box.append(secretBox);
    box.append(el('section', { class: 'panel', 'aria-labelledby': 'tokens-h' }, el('h2', { id: 'tokens-h' }, `Tokens (${list.length})`),
      table([
        { key: 'id', label: 'Id' },
        { key: 'user', label: 'User' },
        { key: 'created', label: 'Created', render: (t) => fmtDate(t.created) },
        { key: 'expires', label: 'Expires', render: (t) => fmtDate(t.expires) },
        { key: 'last_used', label: 'Last used', render: (t) => fmtDate(t.last_used) || 'never' },
        { key: 'disabled', label: 'State', render: (t) => (t.disabled ? el('span', { class: 'state bad' }, 'disabled') : 'active') },
        { key: 'act', label: 'Action', render: (t) => (t.disabled ? '' : el('button', {
          type: 'button', class: 'btn btn-small btn-danger', 'aria-label': `Disable token ${t.id}`,
          onclick: async () => {
            if (!(await confirmDialog(`Disable token ${t.id} of ${t.user}? Scripts using it stop working.`, { yes: 'Disable' }))) return;
            try {
              await api.post(`admin/tokens/${encodeURIComponent(t.id)}/disable`, {});
              reload();
            } catch (e) {
              showError(box, e);
            }
          },
        }, 'Disable')) },
      ], list, 'No tokens.')));
    let users = [];
    try {
      users = items(await api.get('admin/users'), 'users').map((u) => [u.name, `${u.name} (${u.partner})`]);
    } catch (e) {
      users = [];
    }
    box.append(createForm('token-create', 'New token', [
      field('User', users.length ? select('user', users) : input('user', { required: true })),
      field('Expires in (days)', input('expires_days', { type: 'number', min: '1', max: '3650', value: '90' })),
    ], 'Create token', async (form) => {
      const f = form.elements;
      const r = await api.post('admin/tokens', { user: f.user.value, expires_days: Number(f.expires_days.value) });
      await reload();
      const again = document.getElementById('token-secret');
      const target = again || secretBox;
      clear(target, el('div', { class: 'notice', role: 'status', tabindex: '-1', id: 'token-notice' },
        el('strong', {}, `Token ${r.id || ''} for ${r.user || f.user.value}: `),
        el('span', { class: 'secret', id: 'token-value' }, r.token || ''),
        el('p', {}, 'Copy it now: the node keeps only its hash and will not show it again.')));
      target.firstChild.focus();
    }));
  },

  async collections(box, reload) {
    const list = items(await api.get('admin/collections'), 'collections');
    const partnersList = await partnerOptions();
    box.append(el('section', { class: 'panel', 'aria-labelledby': 'collections-h' }, el('h2', { id: 'collections-h' }, `Collections (${list.length})`),
      list.length ? list.map((c) => el('article', { class: 'collection' },
        el('h3', {}, c.title, el('span', { class: 'muted' }, ` · ${c.api_root}${c.alias ? ' · ' + c.alias : ''}`)),
        el('p', { class: 'muted' }, c.id, c.description ? ' — ' + c.description : ''),
        table([
          { key: 'partner', label: 'Partner' },
          { key: 'role', label: 'Role' },
          { key: 'read', label: 'Read', render: (g) => (g.read ? 'yes' : 'no') },
          { key: 'write', label: 'Write', render: (g) => (g.write ? 'yes' : 'no') },
        ], c.grants || [], 'No grants: nobody reads or writes it over TAXII.'),
        grantForm(c, partnersList, reload))) : el('p', { class: 'empty' }, 'No collections.')));
    box.append(createForm('collection-create', 'New collection', [
      field('Title', input('title', { required: true })),
      field('Alias (optional)', input('alias')),
      field('API root (optional)', input('api_root'), 'Default: the node\u2019s default root.'),
      field('Description (optional)', input('description')),
    ], 'Create collection', async (form) => {
      const f = form.elements;
      const body = { title: f.title.value.trim() };
      for (const k of ['alias', 'api_root', 'description']) if (f[k].value.trim()) body[k] = f[k].value.trim();
      await api.post('admin/collections', body);
      reload();
    }));
  },

  async audit(box) {
    const action = input('action', { id: 'audit-action', placeholder: 'e.g. api.create' });
    const list = el('div', { 'aria-live': 'polite' });
    const more = el('button', { type: 'button', class: 'btn', id: 'audit-more', hidden: true }, 'Older entries');
    const verifyOut = el('div', { id: 'audit-verify-result', 'aria-live': 'polite' });
    const verify = el('button', { type: 'button', class: 'btn btn-primary', id: 'audit-verify' }, 'Verify the chain');
    const filter = el('form', { class: 'actions', role: 'search', 'aria-label': 'Filter the audit' },
      field('Action', action), el('button', { type: 'submit', class: 'btn' }, 'Filter'));
    box.append(el('section', { class: 'panel', 'aria-labelledby': 'verify-h' }, el('h2', { id: 'verify-h' }, 'Integrity'),
      el('p', { class: 'hint' }, 'Recomputes the hash chain of every entry and names the first one that was altered, removed, inserted or reordered.'),
      verify, verifyOut));
    box.append(el('section', { class: 'panel', 'aria-labelledby': 'audit-h' }, el('h2', { id: 'audit-h' }, 'Audit log'), filter, list, more));
    let after = null;
    let rows = [];
    async function load(reset) {
      if (reset) {
        after = null;
        rows = [];
      }
      try {
        const r = await api.get('admin/audit', { after, limit: 50, action: action.value.trim() });
        rows = rows.concat(items(r, 'entries'));
        after = r.next_after;
        clear(list, table([
          { key: 'seq', label: '#', render: (e) => e.seq ?? e.id ?? '' },
          { key: 'time', label: 'Time', render: (e) => fmtDate(e.time || e.at) },
          { key: 'actor', label: 'Actor', render: (e) => [e.actor, e.partner ? ` (${e.partner})` : ''].join('') },
          { key: 'action', label: 'Action' },
          { key: 'objects', label: 'Objects', render: (e) => (Array.isArray(e.objects) ? e.objects.map((o) => o.id || o).join(', ') : '') },
          { key: 'detail', label: 'Detail', render: (e) => (e.detail ? el('pre', { class: 'code' }, typeof e.detail === 'string' ? e.detail : JSON.stringify(e.detail)) : '') },
        ], rows, 'No entries.'));
        more.hidden = after === null || after === undefined;
      } catch (e) {
        clear(list);
        showError(list, e);
      }
    }
    filter.addEventListener('submit', (ev) => {
      ev.preventDefault();
      load(true);
    });
    more.addEventListener('click', () => load(false));
    verify.addEventListener('click', async () => {
      verify.disabled = true;
      clear(verifyOut, el('p', { class: 'loading' }, 'Verifying…'));
      try {
        const r = await api.post('admin/audit/verify', {});
        clear(verifyOut, r.ok
          ? el('p', { class: 'notice', role: 'status' }, `The chain is intact: ${r.entries} entries verified.`)
          : el('p', { class: 'error-box', role: 'alert' }, `The chain is broken at entry ${r.first_bad}: ${r.detail || ''} (${r.entries} entries read).`));
      } catch (e) {
        clear(verifyOut);
        showError(verifyOut, e);
      } finally {
        verify.disabled = false;
      }
    });
    await load(true);
  },
};

function grantForm(c, partnersList, reload) {
  const id = 'grant-' + c.id.replace(/[^a-z0-9-]/gi, '');
  return createForm(id, 'Grant access to ' + c.title, [
    field('Partner', partnersList.length ? select('partner', partnersList) : input('partner', { required: true })),
    field('Role', select('role', ROLES.map((r) => [r, r]))),
    el('label', { class: 'check' }, el('input', { type: 'checkbox', name: 'read', checked: true }), ' read'),
    el('label', { class: 'check' }, el('input', { type: 'checkbox', name: 'write' }), ' write'),
  ], 'Save grant', async (form) => {
    const f = form.elements;
    await api.post(`admin/collections/${encodeURIComponent(c.id)}/grants`, { partner: f.partner.value, role: f.role.value, read: f.read.checked, write: f.write.checked });
    reload();
  });
}

function editUser(box, u, reload) {
  const old = document.getElementById('user-edit');
  if (old) old.remove();
  const form = createForm('user-edit', 'Change ' + u.name, [
    field('Clearance', select('clearance', CLEARANCES)),
    field('New password (optional)', input('password', { type: 'password', autocomplete: 'new-password' })),
    el('label', { class: 'check' }, el('input', { type: 'checkbox', name: 'disabled', checked: !!u.disabled }), ' disabled'),
    roleChecks('ue', u.roles || []),
  ], 'Save changes', async (f) => {
    const e = f.elements;
    const body = { roles: checked(f, 'roles'), clearance: e.clearance.value, disabled: e.disabled.checked };
    if (e.password.value) body.password = e.password.value;
    await api.post('admin/users/' + encodeURIComponent(u.name), body);
    reload();
  });
  form.elements.clearance.value = u.clearance;
  box.prepend(form);
  form.querySelector('select').focus();
}

export async function render(main, params) {
  main.append(el('h1', { tabindex: '-1' }, 'Administration'));
  if (!hasRole('admin')) {
    main.append(el('p', {}, 'Only administrators may see this page.'));
    return;
  }
  const active = TABS.some((t) => t.key === params.segments[0]) ? params.segments[0] : 'users';
  main.append(el('nav', { class: 'tabs', 'aria-label': 'Administration' },
    TABS.map((t) => el('a', { href: '#/admin/' + t.key, class: ['btn', t.key === active ? 'btn-primary' : ''], 'aria-current': t.key === active ? 'page' : null, id: 'tab-' + t.key }, t.label))));
  const box = el('div', { id: 'admin-' + active });
  main.append(box);
  async function reload() {
    clear(box);
    try {
      await views[active](box, reload);
    } catch (e) {
      showError(box, e instanceof ApiError && e.status === 404
        ? new Error('This node does not offer this administration yet (' + e.detail + ').')
        : e);
    }
  }
  await reload();
}
