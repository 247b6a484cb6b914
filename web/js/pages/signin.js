// The sign-in page: user name and password, the node's answer shown next to
// the form. It lists nothing: no user names, no partners.

import { ApiError, signIn } from '../api.js';
import { el, fieldErrors, clearFieldErrors } from '../ui.js';

export async function render(main, params) {
  const user = el('input', { type: 'text', id: 'signin-user', name: 'user', autocomplete: 'username', required: true, autocapitalize: 'none', spellcheck: 'false' });
  const password = el('input', { type: 'password', id: 'signin-password', name: 'password', autocomplete: 'current-password', required: true });
  const submit = el('button', { type: 'submit', class: 'btn btn-primary', id: 'signin-submit' }, 'Sign in');
  const form = el('form', { class: 'form', id: 'signin-form', novalidate: true },
    el('div', { class: 'field' }, el('label', { for: 'signin-user' }, 'User name'), user),
    el('div', { class: 'field' }, el('label', { for: 'signin-password' }, 'Password'), password),
    el('div', { class: 'actions' }, submit));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearFieldErrors(form);
    if (!user.value.trim() || !password.value) {
      fieldErrors(form, new ApiError(400, { detail: 'Give your user name and password.', field: user.value.trim() ? 'password' : 'user' }));
      return;
    }
    submit.disabled = true;
    try {
      await signIn(user.value.trim(), password.value);
      password.value = '';
      const next = params.query.next;
      location.hash = next && next.startsWith('#/') && !next.startsWith('#/signin') ? next : '#/dashboard';
    } catch (e) {
      password.value = '';
      const err = e instanceof ApiError && e.status === 401
        ? new ApiError(401, { detail: 'The user name or password is wrong, or the account is disabled.' })
        : e;
      fieldErrors(form, err);
    } finally {
      submit.disabled = false;
    }
  });
  main.append(el('div', { class: 'signin' },
    el('h1', { tabindex: '-1' }, 'Sign in'),
    el('div', { class: 'panel' },
      el('p', { class: 'hint' }, 'Sign in with the account your partner\u2019s administrator gave you.'),
      form)));
  user.focus();
}
