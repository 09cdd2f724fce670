import { describe, expect, it } from 'vitest';
import { DEFAULT_TEXTS, cycle, readTexts } from './dialog.js';

describe('consent notice dialog', () => {
  it('Tab cycles forward through the controls and wraps; from the dialog itself it starts at the first', () => {
    expect([-1, 0, 1, 2].map((i) => cycle(i, 3, false))).toEqual([0, 1, 2, 0]);
  });

  it('Shift+Tab cycles backward and wraps; from the dialog itself it goes to the last', () => {
    expect([-1, 0, 1, 2].map((i) => cycle(i, 3, true))).toEqual([2, 2, 0, 1]);
  });

  it('takes texts and the policy link from data-* attributes, English defaults otherwise, nothing else', () => {
    expect(readTexts({})).toEqual(DEFAULT_TEXTS);
    const t = readTexts({
      title: 'Datenschutz',
      accept: 'Zustimmen',
      reject: 'Ablehnen',
      policyUrl: '/datenschutz',
      site: 'pk',
    } as Record<string, string>);
    expect(t).toEqual({
      ...DEFAULT_TEXTS,
      title: 'Datenschutz',
      accept: 'Zustimmen',
      reject: 'Ablehnen',
      policyUrl: '/datenschutz',
    });
  });
});
