/**
 * Lead capture: every form submission becomes a `form` event — the form's id (else name), action,
 * field names and the values a visitor would not mind a marketer seeing — and the email, if any.
 *
 * - Seen on `submit` by a capture-phase listener, so before the page's own handlers: also SPA forms
 *   that `preventDefault()`, and `requestSubmit()`. `form.submit()` fires no event: it is wrapped
 *   (`HTMLFormElement.prototype.submit`) to capture first. A form captured twice within a second
 *   (a handler that validates, then calls `submit()`) counts once.
 * - Nothing delays or cancels the submit: the tracker queues the event and beacons it at once, so
 *   it survives the navigation the form causes.
 * - Never read: fields of type password, hidden or file; fields whose name, id or autocomplete
 *   looks like a password, card number, CVV, IBAN/account, national id (SSN, passport, tax id …),
 *   security question/answer or token; values that look like a card number (13–19 digits passing
 *   the Luhn check), an IBAN or a US SSN; any field or form inside `data-cl-ignore`.
 * - Mode `off`: no capture; `lead`: only forms marked `data-cl-lead`.
 */
import type { FormEvent } from './protocol.js';
import { MAX_PROP_KEY, MAX_PROP_VALUE, clip } from './limits.js';

export type FormsMode = 'on' | 'off' | 'lead';

/** Input types whose value is never read. */
export const NEVER_TYPES = /password|hidden|file/i;

/** Name, id or autocomplete of a field that holds a secret or an identity document number. */
export const SECRET_NAME =
  /pass|pw|secret|token|csrf|card|cc-|cv[cv]|csc|iban|swift|routing|account|acct|ssn|social|national|passport|licen|tax|id.?num|secur|answer|(^|[\W_])(cc|pin|bic|sin|nin)($|[\W_])/i;

/** Luhn checksum of a string of digits (card numbers pass it): every second digit from the right doubled. */
export function luhn(d: string): boolean {
  let sum = 0;
  for (let i = d.length, x; i--; ) sum += (x = +d[i]! * (2 - ((d.length - i) % 2))) > 9 ? x - 9 : x;
  return sum % 10 == 0;
}

/** A (trimmed) value that looks like a card number, an IBAN or a US social security number, whatever the field is called. */
export function secretValue(value: string): boolean {
  const v = value.replace(/[\s-]/g, '');
  return (/^\d{13,19}$/.test(v) && luhn(v)) || /^[a-z]{2}\d\d[a-z\d]{10,30}$/i.test(v) || /^\d{3}-\d\d-\d{4}$/.test(value);
}

/** Whether a field (its type, its name + id + autocomplete, its trimmed value) must never be read. */
export const sensitive = (type: string, names: string, value: string): boolean =>
  NEVER_TYPES.test(type) || SECRET_NAME.test(names) || secretValue(value);

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/**
 * What a form event carries of `form`: its fields (named by `name`, else `id`; unchecked boxes,
 * disabled, empty and sensitive fields left out; repeated names joined by ", "; at most 50) and the
 * first value that is an email address, preferring a field of type email.
 */
export function readForm(form: HTMLFormElement): Pick<FormEvent, 'form' | 'email'> {
  const fields: Record<string, string> = {};
  let email: string | undefined;
  let n = 0;
  for (const f of form.elements as unknown as HTMLInputElement[]) {
    const name = clip(f.name || f.id, MAX_PROP_KEY);
    const v = (f.value || '').trim();
    if (!name || !v || f.disabled || (/^(checkbox|radio)$/.test(f.type) && !f.checked) || sensitive(f.type, name + ' ' + f.id + ' ' + f.autocomplete, v) || f.closest('[data-cl-ignore]') || n++ > 49)
      continue;
    fields[name] = clip(fields[name] ? fields[name] + ', ' + v : v, MAX_PROP_VALUE);
    if (EMAIL.test(v) && (!email || f.type == 'email')) email = clip(v, 254);
  }
  return { form: { id: clip(form.getAttribute('id') || form.getAttribute('name') || '', 128), action: form.getAttribute('action') || undefined, fields }, email };
}

/** Calls `send` with every form submitted on this page that `mode` lets through (see the module comment). */
export function watchForms(send: (f: Pick<FormEvent, 'form' | 'email'>) => void, mode: FormsMode): void {
  let last: unknown;
  let lastAt = 0;
  const capture = (form: HTMLFormElement) => {
    try {
      if (mode != 'off' && !(form == last && Date.now() - lastAt < 1000) && !form.closest('[data-cl-ignore]') && (mode != 'lead' || form.hasAttribute('data-cl-lead')))
        (last = form), (lastAt = Date.now()), send(readForm(form));
    } catch {
      // never throw into the page's submit
    }
  };
  addEventListener('submit', (e) => capture(e.target as HTMLFormElement), true);
  const proto = HTMLFormElement.prototype;
  const submit = proto.submit;
  proto.submit = function (this: HTMLFormElement) {
    capture(this);
    submit.call(this);
  };
}
