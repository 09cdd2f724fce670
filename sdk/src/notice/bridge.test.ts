import { describe, expect, it } from 'vitest';
import { core, shouldAsk, tell } from './bridge.js';

/** The real API as cl.js exposes it (no `q`), in a given consent state. */
const sdk = (state: string) => {
  const calls: unknown[] = [];
  return { calls, closeloop: { consent: (c?: string) => (c ? (calls.push(c), c) : state) } };
};

describe('notice ↔ SDK', () => {
  it('asks only while the SDK says pending', () => {
    expect(['pending', 'granted', 'denied', 'not-required'].map((s) => shouldAsk(sdk(s), ''))).toEqual([
      true,
      false,
      false,
      false,
    ]);
  });

  it('before cl.js has run: asks unless the _cl_consent cookie holds a choice', () => {
    expect(shouldAsk({}, '')).toBe(true);
    expect(shouldAsk({}, 'a=1; _cl_consent=denied')).toBe(false);
    expect(shouldAsk({ closeloop: { q: [], consent: () => undefined } }, 'x_cl_consent=1')).toBe(true);
  });

  it('gives the choice to the SDK, or queues it for cl.js (also into a loader stub without consent)', () => {
    const w = sdk('pending');
    tell(w, 'granted');
    expect(w.calls).toEqual(['granted']);

    const none: Parameters<typeof tell>[0] = {};
    tell(none, 'denied');
    expect(none.closeloop).toEqual({ q: [['consent', 'denied']] });
    expect(core(none)).toBeUndefined();

    const stub = { closeloop: { q: [['track', 'x']] as unknown[][] } };
    tell(stub, 'granted');
    expect(stub.closeloop.q).toEqual([
      ['track', 'x'],
      ['consent', 'granted'],
    ]);
  });
});
