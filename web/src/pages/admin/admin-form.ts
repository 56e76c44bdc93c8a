/**
 * What every admin form shares: labelled fields with their own error line, and the API's refusal
 * shown next to the field it names (the problem's `issues`), or above the buttons when it names none.
 */
import { ApiError } from '../../api.js';
import type { Child } from '../../dom.js';
import { h } from '../../dom.js';

export type Control = HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement;

export interface Field {
  /** The wrapper: label, control, hint and error line. */
  readonly el: HTMLElement;
  readonly control: Control;
  readonly error: HTMLElement;
}

/** A labelled control; `name` is the API field it sends, so a refusal naming it lands here. */
export function field(id: string, label: string, control: Control, hint?: string): Field {
  control.id = id;
  const error = h('p', { class: 'field-error', id: `${id}-error`, hidden: true });
  control.setAttribute('aria-describedby', `${id}-error${hint ? ` ${id}-hint` : ''}`);
  const el = h('div', { class: 'field' }, h('label', { for: id }, label), control, hint ? h('p', { class: 'hint', id: `${id}-hint` }, hint) : null, error);
  return { el, control, error };
}

export const input = (attrs: Record<string, unknown> = {}): HTMLInputElement => h('input', attrs);

export function select(options: readonly (string | readonly [string, string])[], value?: string): HTMLSelectElement {
  const el = h('select', {}, options.map((o) => (typeof o === 'string' ? h('option', { value: o }, o) : h('option', { value: o[0] }, o[1]))));
  if (value !== undefined) el.value = value;
  return el;
}

/** A form's error handling: clears the marks, then shows a refusal next to the fields it names. */
export class FormErrors {
  readonly general: HTMLElement = h('p', { class: 'error', role: 'alert', hidden: true });

  constructor(private readonly fields: Readonly<Record<string, Field>>) {}

  clear(): void {
    this.general.hidden = true;
    this.general.textContent = '';
    for (const f of Object.values(this.fields)) {
      f.error.hidden = true;
      f.error.textContent = '';
      f.control.removeAttribute('aria-invalid');
    }
  }

  /** Shows `e`; the first field it names gets the focus, so the correction is one step. */
  show(e: unknown): void {
    this.clear();
    let first: Control | undefined;
    const unplaced: string[] = [];
    if (e instanceof ApiError) {
      for (const issue of e.issues) {
        const f = this.fields[fieldOf(issue.path)];
        if (!f) {
          unplaced.push(`${issue.path.replace(/^\$\.?/, '') || 'the body'}: ${issue.reason}`);
          continue;
        }
        f.error.textContent = issue.reason;
        f.error.hidden = false;
        f.error.setAttribute('role', 'alert');
        f.control.setAttribute('aria-invalid', 'true');
        first ??= f.control;
      }
      if (!first || unplaced.length > 0) this.general.textContent = unplaced.length > 0 && e.issues.length > 1 ? unplaced.join('; ') : e.message;
    } else this.general.textContent = `Could not reach the server: ${e instanceof Error ? e.message : String(e)}`;
    if (this.general.textContent) this.general.hidden = false;
    first?.focus();
  }
}

/** `$.defaults.quantity` → `defaults.quantity`; `$.name` → `name`; `body.role` → `role`. */
export function fieldOf(path: string): string {
  return path.replace(/^(\$|body)\.?/, '');
}

/** Runs `action` with the submit button disabled; a refusal goes to `errors`. */
export async function submitting(button: HTMLButtonElement, errors: FormErrors, action: () => Promise<void>): Promise<void> {
  errors.clear();
  button.disabled = true;
  try {
    await action();
  } catch (e) {
    errors.show(e);
  } finally {
    button.disabled = false;
  }
}

/** An admin page: its heading, the way back to the admin landing page, and its content. */
export function adminMain(title: string, ...children: Child[]): HTMLElement {
  document.title = `${title} — Admin — Lotline`;
  return h(
    'main',
    { id: 'main', class: 'page admin' },
    location.pathname === '/admin' ? null : h('nav', { 'aria-label': 'Breadcrumb', class: 'crumbs' }, h('a', { href: '/admin', 'data-link': true }, 'Admin'), ' › ', h('span', { 'aria-current': 'page' }, title)),
    h('h1', {}, title),
    ...children,
  );
}

/** A table of the admin pages: a caption (read as its name), column heads, an unnamed last column for row buttons when `actions`. */
export function adminTable(caption: string, cols: readonly string[], rows: Child, actions = false): HTMLTableElement {
  return h(
    'table',
    { class: 'data admin-table' },
    h('caption', {}, caption),
    h('thead', {}, h('tr', {}, cols.map((c) => h('th', { scope: 'col' }, c)), actions ? h('th', { scope: 'col' }, h('span', { class: 'visually-hidden' }, 'Actions')) : null)),
    h('tbody', {}, rows),
  );
}
