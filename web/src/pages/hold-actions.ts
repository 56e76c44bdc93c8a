/**
 * Holds and signed decisions on the lot page, for the role quality: place a hold (reason,
 * reference, optionally everything made from the lot), and release or reject a held lot with the
 * e-signature dialog (21 CFR Part 11: the password typed again, the meaning stated, and the
 * signature's manifestation — printed name, date and time, meaning — shown once it is stored).
 */
import type { Principal } from '../api.js';
import { api, ApiError } from '../api.js';
import { h, mount } from '../dom.js';
import { when } from '../names.js';

interface Signature {
  readonly signer: string;
  readonly printedName: string;
  readonly meaning: string;
  readonly signedAt: string;
  readonly hash: string;
}

type Release = { status: 'complete'; eventId: string; signatures: Signature[] } | { status: 'pending'; required: number; signatures: Signature[] };

/** A modal dialog with a title, a form and an error line; closes on Escape like any dialog. */
function dialog(title: string, id: string): { el: HTMLDialogElement; form: HTMLFormElement; error: HTMLElement; body: HTMLElement } {
  const error = h('p', { class: 'error', role: 'alert', hidden: true, id: `${id}-error` });
  const body = h('div', { class: 'dialog-body' });
  const form = h('form', { method: 'dialog' }, body, error);
  const el = h('dialog', { id, 'aria-labelledby': `${id}-title`, class: 'modal' }, h('h2', { id: `${id}-title` }, title), form);
  el.addEventListener('close', () => el.remove());
  return { el, form, error, body };
}

function showError(error: HTMLElement, e: unknown, fields: Record<string, HTMLElement>): void {
  if (e instanceof ApiError) {
    error.textContent = e.message;
    // The field the server names gets the focus and is marked, so a correction is one step.
    for (const issue of e.issues) {
      const name = issue.path.replace(/^\$\./, '').split(/[.[]/)[0]!;
      const field = fields[name];
      field?.setAttribute('aria-invalid', 'true');
      field?.focus();
    }
    if (e.code === 'AUTH_FAILED' || e.code === 'ACCOUNT_LOCKED') {
      fields['password']?.setAttribute('aria-invalid', 'true');
      (fields['password'] as HTMLInputElement | undefined)?.select();
      fields['password']?.focus();
    }
  } else error.textContent = `Could not reach the server: ${String(e)}`;
  error.hidden = false;
}

/** The buttons a quality user sees on a lot: hold it, or (when held) release or reject it. */
export function holdActions(ref: string, label: string, held: boolean, me: Principal | undefined, reload: () => void): HTMLElement | null {
  if (!me || me.kind !== 'user' || me.role !== 'quality') return null;
  const bar = h('div', { class: 'actions' });
  if (!held) bar.append(h('button', { type: 'button', class: 'primary', onClick: () => holdDialog(ref, label, reload) }, 'Place a hold…'));
  else {
    bar.append(
      h('button', { type: 'button', class: 'primary', onClick: () => signDialog(ref, label, 'release', me, reload) }, 'Release…'),
      h('button', { type: 'button', class: 'danger', onClick: () => signDialog(ref, label, 'reject', me, reload) }, 'Reject…'),
    );
  }
  return bar;
}

function holdDialog(ref: string, label: string, reload: () => void): void {
  const d = dialog(`Hold ${label}`, 'hold-dialog');
  const reason = h('input', { id: 'hold-reason', required: true, maxlength: 500, 'aria-describedby': 'hold-dialog-error' });
  const reference = h('input', { id: 'hold-reference', maxlength: 500, placeholder: 'complaint, supplier notice or deviation number' });
  const descendants = h('input', { id: 'hold-descendants', type: 'checkbox' });
  const submit = h('button', { type: 'submit', class: 'primary' }, 'Place the hold');
  mount(
    d.body,
    h('label', { for: 'hold-reason' }, 'Reason'),
    reason,
    h('label', { for: 'hold-reference' }, 'Reference (optional)'),
    reference,
    h('label', { class: 'check' }, descendants, ' Also hold every lot made from it'),
    h('div', { class: 'dialog-buttons' }, h('button', { type: 'button', onClick: () => d.el.close() }, 'Cancel'), submit),
  );
  d.form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    submit.disabled = true;
    api<{ lots: unknown[] }>('/holds', { method: 'POST', body: { lots: [ref], reason: reason.value, ...(reference.value.trim() ? { reference: reference.value } : {}), descendants: descendants.checked } })
      .then(() => {
        d.el.close();
        reload();
      })
      .catch((e: unknown) => showError(d.error, e, { reason, reference }))
      .finally(() => {
        submit.disabled = false;
      });
  });
  document.body.append(d.el);
  d.el.showModal();
  reason.focus();
}

function signDialog(ref: string, label: string, decision: 'release' | 'reject', me: Principal, reload: () => void): void {
  const d = dialog(decision === 'release' ? `Release ${label}` : `Reject ${label}`, 'sign-dialog');
  const meaning = h('input', { id: 'sign-meaning', required: true, maxlength: 500, value: decision === 'release' ? 'released after retest' : 'rejected' });
  const reason = h('input', { id: 'sign-reason', maxlength: 500 });
  const password = h('input', { id: 'sign-password', type: 'password', required: true, autocomplete: 'current-password', 'aria-describedby': 'sign-dialog-error' });
  const submit = h('button', { type: 'submit', class: decision === 'release' ? 'primary' : 'danger' }, 'Sign');
  mount(
    d.body,
    h(
      'p',
      { class: 'note' },
      `You sign as ${me.name}. Your signature ${decision === 'release' ? 'releases the lot for use' : 'rejects the lot: it is destroyed'}, and is bound to this record with its date, time and meaning.`,
    ),
    h('label', { for: 'sign-meaning' }, 'Meaning of the signature'),
    meaning,
    h('label', { for: 'sign-reason' }, 'Reason (optional)'),
    reason,
    h('label', { for: 'sign-password' }, 'Your password, again'),
    password,
    h('div', { class: 'dialog-buttons' }, h('button', { type: 'button', onClick: () => d.el.close() }, 'Cancel'), submit),
  );
  d.form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    submit.disabled = true;
    d.error.hidden = true;
    api<Release>('/releases', { method: 'POST', body: { lots: [ref], decision, meaning: meaning.value, password: password.value, ...(reason.value.trim() ? { reason: reason.value } : {}) } })
      .then((r) => {
        password.value = '';
        mount(
          d.body,
          h('p', { class: 'banner ok', role: 'status' }, r.status === 'complete' ? (decision === 'release' ? 'Released.' : 'Rejected.') : `Signed. ${r.required - r.signatures.length} more signature(s) from another quality user are needed.`),
          r.signatures.map((s) =>
            h(
              'dl',
              { class: 'facts manifestation', 'aria-label': 'Electronic signature' },
              h('dt', {}, 'Signed by'),
              h('dd', {}, `${s.printedName} (${s.signer})`),
              h('dt', {}, 'Date and time'),
              h('dd', {}, when(s.signedAt)),
              h('dt', {}, 'Meaning'),
              h('dd', {}, s.meaning),
              h('dt', {}, 'Signature hash'),
              h('dd', { class: 'hash' }, s.hash),
            ),
          ),
          h('div', { class: 'dialog-buttons' }, h('button', { type: 'button', class: 'primary', onClick: () => d.el.close() }, 'Close')),
        );
        d.el.addEventListener('close', reload);
      })
      .catch((e: unknown) => showError(d.error, e, { meaning, reason, password }))
      .finally(() => {
        submit.disabled = false;
      });
  });
  document.body.append(d.el);
  d.el.showModal();
  password.focus();
}
