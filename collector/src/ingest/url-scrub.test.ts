import { describe, expect, it } from 'vitest';
import { CapturedFields, formFieldNames, scrubUrl } from './url-scrub.js';

describe('scrubUrl', () => {
  it('drops parameters with personal names or email-looking values, keeps the rest byte for byte', () => {
    expect(
      scrubUrl('https://shop.example/thanks?email=ada%40example.com&utm_source=news&name=Ada+L&plan=pro#top'),
    ).toBe('https://shop.example/thanks?utm_source=news&plan=pro#top');
    expect(scrubUrl('https://shop.example/?contact%5BE-Mail%5D=x&work_phone=123&gclid=abc')).toBe(
      'https://shop.example/?gclid=abc',
    );
    expect(scrubUrl('https://shop.example/?ref=ada@example.com')).toBe('https://shop.example/');
    expect(scrubUrl('https://shop.example/reset?token=s3cr3t')).toBe('https://shop.example/reset');
    expect(scrubUrl('https://shop.example/a?utm_campaign=launch&utm_medium=email')).toBe(
      'https://shop.example/a?utm_campaign=launch&utm_medium=email',
    );
    expect(scrubUrl('https://shop.example/no-query#email=x')).toBe('https://shop.example/no-query#email=x');
    expect(scrubUrl('not a url?email=a@b.co')).toBe('not a url');
    // Attribution parameters are kept unread only while their value cannot hold an address.
    expect(scrubUrl('https://shop.example/?utm_term=ada%40example.com&utm_content=a@b.co&gclid=x')).toBe(
      'https://shop.example/?gclid=x',
    );
  });

  it('drops parameters named like a field of a form captured in the same batch', () => {
    const fields = formFieldNames([
      { type: 'form', form: { fields: { Company: 'Acme', 'Team size': '12' } } },
      { type: 'pageview' },
    ]);
    expect(scrubUrl('https://shop.example/thanks?company=Acme&team_size=12&plan=pro', fields)).toBe(
      'https://shop.example/thanks?plan=pro',
    );
    expect(scrubUrl('https://shop.example/thanks?company=Acme&plan=pro')).toBe(
      'https://shop.example/thanks?company=Acme&plan=pro',
    );
  });

  it("remembers a site's captured field names for later batches, but never attribution parameters", () => {
    const fields = new CapturedFields(3);
    fields.learn('a', [{ type: 'form', form: { fields: { company: 'x', utm_source: 'forged', gclid: 'forged' } } }]);
    const later = fields.learn('a', [{ type: 'pageview' }]);
    expect([...later]).toEqual(['company']);
    expect(scrubUrl('https://a.example/thanks?company=Acme&utm_source=news&gclid=1', later)).toBe(
      'https://a.example/thanks?utm_source=news&gclid=1',
    );
    expect([...fields.learn('b', [])]).toEqual([]); // per site
    fields.learn('a', [{ type: 'form', form: { fields: { f1: '', f2: '', f3: '' } } }]);
    expect([...fields.learn('a', [])]).toEqual(['f1', 'f2', 'f3']); // bounded: the oldest name goes
  });
});
