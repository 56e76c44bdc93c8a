/** Sign in with a user of the service (POST /session sets an HTTP-only cookie). */
import { api, ApiError } from '../api.js';
import type { Principal } from '../api.js';
import { h } from '../dom.js';

export function signInPage(onSignedIn: (p: Principal) => void, reason?: string): HTMLElement {
  const error = h('p', { class: 'error', role: 'alert', id: 'sign-in-error', hidden: true });
  const name = h('input', { id: 'name', name: 'name', autocomplete: 'username', required: true, autofocus: true, 'aria-describedby': 'sign-in-error' });
  const password = h('input', { id: 'password', name: 'password', type: 'password', autocomplete: 'current-password', required: true, 'aria-describedby': 'sign-in-error' });
  const button = h('button', { type: 'submit', class: 'primary' }, 'Sign in');
  const form = h(
    'form',
    { class: 'card sign-in', 'aria-labelledby': 'sign-in-title' },
    h('h1', { id: 'sign-in-title' }, 'Sign in to Lotline'),
    reason ? h('p', { class: 'note' }, reason) : null,
    h('label', { for: 'name' }, 'User name'),
    name,
    h('label', { for: 'password' }, 'Password'),
    password,
    error,
    button,
    h('p', { class: 'muted' }, 'No account? An administrator adds one with ', h('code', {}, 'lotline user add NAME --role ROLE'), '.'),
  );
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    button.disabled = true;
    error.hidden = true;
    api<Principal>('/session', { method: 'POST', body: { name: name.value.trim(), password: password.value } })
      .then((p) => onSignedIn(p))
      .catch((e: unknown) => {
        error.textContent = e instanceof ApiError ? e.message : `Could not reach the server: ${String(e)}`;
        error.hidden = false;
        password.value = '';
        password.focus();
      })
      .finally(() => {
        button.disabled = false;
      });
  });
  return h('main', { id: 'main', class: 'centered' }, form);
}
