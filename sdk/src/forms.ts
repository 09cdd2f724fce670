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
import type { FormEventV2 } from './protocol.js';
import { MAX_EMAIL, MAX_PROP_KEY, MAX_PROP_VALUE, clip } from './limits.js';
import { attempt } from './safe.js';

export type FormsMode = 'on' | 'off' | 'lead';

/**
 * A field's "type,name,id,autocomplete" (type first) that says it must never be read: a hidden or
 * file input, or something like a password (`pass`, `pw`), a card (number, `cc-*`, CVV/CVC/CSC), a bank account
 * (IBAN, BIC/SWIFT, routing, account/acct), an identity document (SSN, social, national, passport,
 * licence, tax, id number, SIN, NIN), a security question/answer, a PIN or a token.
 */
export const SECRET_FIELD =
  /^(hidden|file)|pass|pw|secret|token|csrf|card|cv[cv]|csc|iban|swift|routing|acc(oun)?t|ssn|social|national|licen|tax|id.?num|secur|answer|[\W_](cc|pin|bic|sin|nin)($|[\W_])/i;

/** Luhn checksum of a string of digits (card numbers pass it): every second digit from the right doubled. */
export function luhn(d: string): boolean {
  let sum = 0;
  for (let i = d.length, x; i--;) sum += (x = +d[i]! * (2 - ((d.length - i) % 2))) > 9 ? x - 9 : x;
  return sum % 10 == 0;
}

/** A (trimmed) value that looks like a card number, an IBAN or a US social security number, whatever the field is called. */
export function secretValue(value: string): boolean {
  const v = value.replace(/[\s-]/g, '');
  return (
    (/^\d{13,19}$/.test(v) && luhn(v)) || /^[a-z]{2}\d\d[a-z\d]{10,30}$/i.test(v) || /^\d{3}-\d\d-\d{4}$/.test(value)
  );
}

/** Whether a field ("type,name,id,autocomplete", its trimmed value) must never be read. */
export const sensitive = (field: string, value: string): boolean => SECRET_FIELD.test(field) || secretValue(value);

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/**
 * Calls `send` with every form submitted on this page that `mode` lets through (see the module
 * comment): its fields (named by `name`, else `id`; unchecked boxes, disabled, empty and sensitive
 * fields left out; repeated names joined by ", "; at most 50) and the first value that is an email
 * address, preferring a field of type email.
 */
export function watchForms(send: (f: Pick<FormEventV2, 'n' | 'a' | 'p' | 'm'>) => void, mode: FormsMode): void {
  let last: unknown;
  let lastAt = 0;
  // Runs inside the page's submit: never throws into it.
  const capture = (form: HTMLFormElement) =>
    attempt(() => {
      if (
        mode == 'off' ||
        (form == last && Date.now() - lastAt < 1000) ||
        form.closest('[data-cl-ignore]') ||
        (mode == 'lead' && !form.hasAttribute('data-cl-lead'))
      )
        return;
      last = form;
      lastAt = Date.now();
      const fields: Record<string, string> = {};
      let email: string | undefined;
      let n = 0;
      for (const f of form.elements as unknown as HTMLInputElement[]) {
        const name = clip(f.name || f.id, MAX_PROP_KEY);
        const v = f.value?.trim();
        if (
          !name ||
          !v ||
          f.disabled ||
          (/^(checkbox|radio)/.test(f.type) && !f.checked) ||
          sensitive([f.type, name, f.id, f.autocomplete] + '', v) ||
          f.closest('[data-cl-ignore]') ||
          n++ > 49
        )
          continue;
        fields[name] = clip(fields[name] ? fields[name] + ', ' + v : v, MAX_PROP_VALUE);
        if (EMAIL.test(v) && (!email || f.type == 'email')) email = clip(v, MAX_EMAIL);
      }
      send({
        n: clip(form.getAttribute('id') || form.getAttribute('name') || '', 128),
        a: form.getAttribute('action') || undefined,
        p: fields,
        m: email,
      });
    });
  addEventListener('submit', (e) => capture(e.target as HTMLFormElement), true);
  const proto = HTMLFormElement.prototype;
  const submit = proto.submit;
  proto.submit = function (this: HTMLFormElement) {
    capture(this);
    submit.call(this);
  };
}
