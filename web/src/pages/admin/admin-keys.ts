/**
 * /admin/keys: every API key (revoked ones too, never a secret); create one — its secret is shown
 * once, with a copy button and a warning; revoke one after a confirmation. Uses /api/v1/keys.
 */
import { api } from '../../api.js';
import { h, mount } from '../../dom.js';
import { when } from '../../names.js';
import { adminMain, adminTable, field, FormErrors, input, select, submitting } from './admin-form.js';
import { ROLES } from './admin-users.js';

interface Key {
  readonly id: string;
  readonly name: string;
  readonly role: string;
  readonly createdAt: string;
  readonly createdBy: string;
  readonly expiresAt: string | null;
  readonly revokedAt: string | null;
  readonly status: 'active' | 'expired' | 'revoked';
}

export async function keysPage(): Promise<HTMLElement> {
  const list = h('div');
  const secretBox = h('div', { 'aria-live': 'polite' });
  const status = h('p', { class: 'notice', role: 'status', hidden: true });

  const reload = async (): Promise<void> => {
    const { keys } = await api<{ keys: Key[] }>('/keys');
    mount(
      list,
      adminTable(
        `${keys.filter((k) => k.status === 'active').length} active of ${keys.length} key${keys.length === 1 ? '' : 's'}`,
        ['Name', 'Id', 'Role', 'Status', 'Created', 'Expires'],
        keys.map((k) =>
          h(
            'tr',
            { 'data-key': k.name },
            h('th', { scope: 'row' }, k.name),
            h('td', {}, h('code', {}, k.id)),
            h('td', {}, k.role),
            h('td', {}, h('span', { class: `badge key-${k.status}` }, k.status === 'revoked' ? `revoked ${when(k.revokedAt ?? '')}` : k.status)),
            h('td', {}, `${when(k.createdAt)} by ${k.createdBy}`),
            h('td', {}, k.expiresAt ? when(k.expiresAt) : h('span', { class: 'muted' }, 'never')),
            h('td', {}, k.status === 'active' ? h('button', { type: 'button', class: 'danger', onClick: () => void revoke(k) }, 'Revoke…', h('span', { class: 'visually-hidden' }, ` ${k.name}`)) : null),
          ),
        ),
        true,
      ),
    );
  };

  const revoke = async (k: Key): Promise<void> => {
    // A revoked key stops working at once for every program that uses it: the confirmation says so.
    if (!window.confirm(`Revoke the API key "${k.name}" (${k.role})? Every program using it is refused from now on. This cannot be undone.`)) return;
    try {
      await api(`/keys/${encodeURIComponent(k.id)}`, { method: 'DELETE' });
      status.textContent = `Revoked ${k.name}.`;
    } catch (e) {
      status.textContent = `Could not revoke ${k.name}: ${e instanceof Error ? e.message : String(e)}`;
    }
    status.hidden = false;
    await reload();
  };

  const fields = {
    name: field('key-name', 'Name', input({ autocomplete: 'off', required: true }), 'Say what uses it: "mes-line-2", "erp-export".'),
    role: field('key-role', 'Role', select(ROLES, 'operator')),
    expiresAt: field('key-expires', 'Expires (optional)', input({ type: 'date' }), 'Empty: the key does not expire.'),
  };
  const errors = new FormErrors(fields);
  const create = h('button', { type: 'submit', class: 'primary' }, 'Create the key');
  const form = h('form', { class: 'card admin-form', 'aria-labelledby': 'key-add-title', novalidate: true }, h('h2', { id: 'key-add-title' }, 'Create an API key'), fields.name.el, fields.role.el, fields.expiresAt.el, errors.general, h('div', { class: 'form-buttons' }, create));
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    void submitting(create, errors, async () => {
      const exp = fields.expiresAt.control.value;
      const k = await api<Key & { secret: string }>('/keys', { method: 'POST', body: { name: fields.name.control.value, role: fields.role.control.value, ...(exp ? { expiresAt: exp } : {}) } });
      form.reset();
      showSecret(k);
      await reload();
    });
  });

  const showSecret = (k: Key & { secret: string }): void => {
    const secret = h('input', { id: 'key-secret', readonly: true, value: k.secret, class: 'secret', spellcheck: 'false' });
    const copied = h('span', { role: 'status', class: 'muted' });
    const copy = h('button', { type: 'button', class: 'primary' }, 'Copy the secret');
    copy.addEventListener('click', () => {
      secret.select();
      const done = (ok: boolean): void => void (copied.textContent = ok ? 'Copied.' : 'Select the text and copy it with Ctrl+C.');
      if (navigator.clipboard) navigator.clipboard.writeText(k.secret).then(() => done(true), () => done(document.execCommand('copy')));
      else done(document.execCommand('copy'));
    });
    mount(
      secretBox,
      h(
        'section',
        { class: 'card secret-box', 'aria-labelledby': 'key-secret-title' },
        h('h2', { id: 'key-secret-title' }, `The secret of ${k.name}`),
        h('p', { class: 'banner held', role: 'alert' }, 'Copy it now: it is shown only this once and Lotline keeps no copy. Whoever has it can act as ', h('strong', {}, k.role), ' until it is revoked.'),
        h('label', { for: 'key-secret' }, 'Secret (send as Authorization: Bearer …)'),
        secret,
        h('div', { class: 'form-buttons' }, copy, h('button', { type: 'button', onClick: () => mount(secretBox) }, 'I have stored it: hide'), copied),
      ),
    );
    secret.focus();
    secret.select();
  };

  await reload();
  return adminMain('API keys', h('p', { class: 'muted' }, 'Keys let programs (MES, ERP, scanners’ gateways) call the API with a role. Secrets are shown once, when the key is created.'), secretBox, status, list, form);
}
