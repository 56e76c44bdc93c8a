/**
 * /admin/users: every account with its role and status; add a user (name, full name, role,
 * initial password); change a role or full name; disable, enable or unlock. The API's refusal is
 * shown next to the field it names. Uses /api/v1/users.
 */
import { api } from '../../api.js';
import { h, mount } from '../../dom.js';
import { when } from '../../names.js';
import { adminMain, adminTable, field, FormErrors, input, select, submitting } from './admin-form.js';

export const ROLES = ['operator', 'quality', 'auditor', 'admin'] as const;

interface User {
  readonly name: string;
  readonly role: string;
  readonly fullName: string | null;
  readonly createdAt: string;
  readonly disabled: boolean;
  readonly locked: boolean;
  readonly lockedUntil: string | null;
}

function status(u: User): string {
  if (u.disabled) return 'disabled';
  if (u.locked) return `locked until ${when(u.lockedUntil ?? '')}`;
  return 'active';
}

export async function usersPage(): Promise<HTMLElement> {
  const list = h('div', { 'aria-live': 'polite' });
  const editor = h('div');
  const reload = async (): Promise<void> => {
    const { users } = await api<{ users: User[] }>('/users');
    mount(
      list,
      adminTable(
        `${users.length} user${users.length === 1 ? '' : 's'}`,
        ['Name', 'Full name', 'Role', 'Status', 'Added'],
        users.map((u) =>
          h(
            'tr',
            { 'data-user': u.name },
            h('th', { scope: 'row' }, u.name),
            h('td', {}, u.fullName ?? h('span', { class: 'muted' }, 'not set (cannot sign)')),
            h('td', {}, u.role),
            h('td', {}, h('span', { class: `badge user-${u.disabled ? 'disabled' : u.locked ? 'locked' : 'active'}` }, status(u))),
            h('td', {}, when(u.createdAt)),
            h('td', {}, h('button', { type: 'button', onClick: () => edit(u) }, 'Change…', h('span', { class: 'visually-hidden' }, ` ${u.name}`))),
          ),
        ),
        true,
      ),
    );
  };

  const edit = (u: User): void => {
    const fields = {
      fullName: field('user-edit-fullname', 'Full name', input({ value: u.fullName ?? '', autocomplete: 'off' }), 'Printed with the signatures this user makes from now on.'),
      role: field('user-edit-role', 'Role', select(ROLES, u.role)),
      password: field('user-edit-password', 'New password (optional)', input({ type: 'password', autocomplete: 'new-password' }), 'Leave empty to keep it. A new role or password ends the user’s open sessions.'),
    };
    const errors = new FormErrors(fields);
    const save = h('button', { type: 'submit', class: 'primary' }, 'Save changes');
    const toggle = h('button', { type: 'button' }, u.disabled ? 'Enable the account' : 'Disable the account');
    const form = h(
      'form',
      { class: 'card admin-form', 'aria-labelledby': 'user-edit-title' },
      h('h2', { id: 'user-edit-title' }, `Change ${u.name}`),
      fields.fullName.el,
      fields.role.el,
      fields.password.el,
      errors.general,
      h('div', { class: 'form-buttons' }, save, toggle, u.locked ? h('button', { type: 'button', onClick: () => void patch({ unlock: true }, toggle) }, 'Unlock') : null, h('button', { type: 'button', onClick: () => mount(editor) }, 'Cancel')),
    );
    const patch = (body: Record<string, unknown>, button: HTMLButtonElement): Promise<void> =>
      submitting(button, errors, async () => {
        await api(`/users/${encodeURIComponent(u.name)}`, { method: 'PATCH', body });
        mount(editor, h('p', { class: 'notice', role: 'status' }, `Saved the changes to ${u.name}.`));
        await reload();
      });
    toggle.addEventListener('click', () => void patch({ disabled: !u.disabled }, toggle));
    form.addEventListener('submit', (ev) => {
      ev.preventDefault();
      const body: Record<string, unknown> = {};
      const fullName = fields.fullName.control.value;
      if (fullName !== (u.fullName ?? '')) body['fullName'] = fullName;
      if (fields.role.control.value !== u.role) body['role'] = fields.role.control.value;
      if (fields.password.control.value !== '') body['password'] = fields.password.control.value;
      if (Object.keys(body).length === 0) {
        errors.show(new Error('nothing changed'));
        errors.general.textContent = 'Nothing to save: no field was changed.';
        return;
      }
      void patch(body, save);
    });
    mount(editor, form);
    fields.fullName.control.focus();
  };

  const add = {
    name: field('user-name', 'User name', input({ autocomplete: 'off', required: true }), 'Letters, digits, ".", "_", "@" or "-"; used to sign in.'),
    fullName: field('user-fullname', 'Full name', input({ autocomplete: 'off' }), 'Printed with the person’s electronic signatures; without it they cannot sign.'),
    role: field('user-role', 'Role', select(ROLES, 'operator')),
    password: field('user-password', 'Initial password', input({ type: 'password', autocomplete: 'new-password', required: true }), 'At least 10 characters. Give it to the person by a separate channel.'),
  };
  const addErrors = new FormErrors(add);
  const addButton = h('button', { type: 'submit', class: 'primary' }, 'Add the user');
  const addForm = h('form', { class: 'card admin-form', 'aria-labelledby': 'user-add-title', novalidate: true }, h('h2', { id: 'user-add-title' }, 'Add a user'), add.name.el, add.fullName.el, add.role.el, add.password.el, addErrors.general, h('div', { class: 'form-buttons' }, addButton));
  const added = h('p', { class: 'notice', role: 'status', hidden: true });
  addForm.addEventListener('submit', (ev) => {
    ev.preventDefault();
    void submitting(addButton, addErrors, async () => {
      const fullName = add.fullName.control.value;
      const u = await api<User>('/users', { method: 'POST', body: { name: add.name.control.value, role: add.role.control.value, password: add.password.control.value, ...(fullName.trim() !== '' ? { fullName } : {}) } });
      addForm.reset();
      added.textContent = `Added ${u.name} (${u.role}).`;
      added.hidden = false;
      await reload();
    });
  });

  await reload();
  return adminMain('Users and roles', h('p', { class: 'muted' }, 'Sign-ins and changes are in the administrative audit log (GET /api/v1/audit). Passwords are never shown; a lost one is replaced with a new one here.'), list, editor, added, addForm);
}
