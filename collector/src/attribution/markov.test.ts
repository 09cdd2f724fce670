import { describe, expect, it } from 'vitest';
import { conversionProbability, markovCredit, removalEffects, type Transition } from './markov.js';

/** Paths: A → B → conversion, A → (null), B → conversion. */
const paths: Transition[] = [
  { from: '(start)', to: 'A', count: 2 },
  { from: '(start)', to: 'B', count: 1 },
  { from: 'A', to: 'B', count: 1 },
  { from: 'A', to: '(null)', count: 1 },
  { from: 'B', to: '(conversion)', count: 2 },
];

describe('Markov chain attribution', () => {
  it('computes the conversion probability and removal effects by hand', () => {
    // P(B) = 1, P(A) = ½ · P(B) = ½, P(start) = ⅔ · ½ + ⅓ · 1 = ⅔
    expect(conversionProbability(paths)).toBeCloseTo(2 / 3, 12);
    // Without A: P(start) = ⅓ → effect 1 − ⅓ / ⅔ = ½. Without B: nothing converts → effect 1.
    expect(conversionProbability(paths, 'A')).toBeCloseTo(1 / 3, 12);
    expect(Object.fromEntries(removalEffects(paths))).toEqual({ A: expect.closeTo(0.5, 12), B: expect.closeTo(1, 12) });
  });

  it('splits the total in proportion to the removal effects', () => {
    const credit = Object.fromEntries(markovCredit(paths, 2));
    expect(credit.A).toBeCloseTo(2 / 3, 12);
    expect(credit.B).toBeCloseTo(4 / 3, 12);
  });

  it('handles loops (a channel following itself) and a single channel', () => {
    const loop: Transition[] = [
      { from: '(start)', to: 'A', count: 1 },
      { from: 'A', to: 'A', count: 1 },
      { from: 'A', to: '(conversion)', count: 1 },
    ];
    expect(conversionProbability(loop)).toBeCloseTo(1, 9);
    expect(Object.fromEntries(markovCredit(loop, 5))).toEqual({ A: expect.closeTo(5, 9) });
  });
});
