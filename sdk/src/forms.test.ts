import { describe, expect, it } from 'vitest';
import { luhn, secretValue, sensitive } from './forms.js';

/** How forms.ts sees a field: "type,name,id,autocomplete", its value. */
const field = (type: string, name: string, value = 'x', autocomplete = '') =>
  sensitive([type, name, name, autocomplete] + '', value);

describe('form fields never read', () => {
  it('passwords, hidden and file inputs, whatever their name', () => {
    for (const t of ['password', 'hidden', 'file', 'PASSWORD']) expect(field(t, 'comment'), t).toBe(true);
  });

  it('fields named or autocompleted like passwords, cards, bank accounts, ids, security answers, tokens', () => {
    const secret = [
      'password',
      'user_pass',
      'pwd',
      'new-pw',
      'card_number',
      'cardNumber',
      'cc',
      'cc_num',
      'cvv',
      'cvc2',
      'card-csc',
      'iban',
      'bic',
      'swift_code',
      'routing_number',
      'account_number',
      'acct',
      'ssn',
      'social_security',
      'national_id',
      'passport_no',
      'driver_licence',
      'drivers_license',
      'tax_id',
      'id_number',
      'idNumber',
      'sin',
      'nin',
      'security_question',
      'secret_answer',
      'pin',
      'user_pin',
      'csrf_token',
      'api-token',
    ];
    for (const n of secret) expect(field('text', n), n).toBe(true);
    for (const ac of ['cc-number', 'cc-csc', 'cc-exp', 'new-password', 'current-password'])
      expect(field('text', 'f1', 'x', ac), ac).toBe(true);
  });

  it('keeps ordinary lead fields', () => {
    const ok = [
      'name',
      'email',
      'work_email',
      'company',
      'organization',
      'phone',
      'message',
      'team_size',
      'country',
      'job_title',
      'website',
      'shipping_address',
      'opinion',
      'newsletter',
      'interests[]',
    ];
    for (const n of ok) expect(field('text', n, 'Some value'), n).toBe(false);
    for (const [t, ac] of [
      ['email', 'email'],
      ['tel', 'tel'],
      ['text', 'organization'],
      ['select-one', ''],
      ['textarea', ''],
    ])
      expect(field(t!, 'f', 'hello', ac), `${t} ${ac}`).toBe(false);
  });

  it('values that look like card numbers (Luhn-valid, 13–19 digits), IBANs or SSNs, in any field', () => {
    for (const v of [
      '4111 1111 1111 1111',
      '4111-1111-1111-1111',
      '378282246310005',
      '6011111111111117',
      'DE89 3704 0044 0532 0130 00',
      'GB82WEST12345698765432',
      '078-05-1120',
    ])
      expect(field('text', 'notes', v), v).toBe(true);
    for (const v of [
      '4111 1111 1111 1112',
      '+49 170 1234567',
      '555-1234',
      '12345',
      '2024-05-01',
      'ann@example.com',
      'Acme GmbH',
      '200+',
    ])
      expect(field('text', 'notes', v), v).toBe(false);
  });
});

describe('luhn / secretValue', () => {
  it('checks the Luhn sum', () => {
    expect(luhn('79927398713')).toBe(true);
    expect(luhn('79927398710')).toBe(false);
    expect(luhn('4111111111111111')).toBe(true);
  });
  it('needs 13–19 digits for a card', () => {
    expect(secretValue('79927398713')).toBe(false); // Luhn-valid but 11 digits: a phone number, say
    expect(secretValue('4222222222222')).toBe(true); // 13 digits
  });
});
