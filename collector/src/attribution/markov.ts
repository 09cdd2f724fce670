/**
 * The data-driven model: a first-order Markov chain over touch paths (channel, campaign …),
 * with the paths that never converted. States are the touch values plus `(start)`,
 * `(conversion)` and `(null)`; transition probabilities come from counted transitions (counted in
 * ClickHouse). A value's *removal effect* is how much the probability of reaching `(conversion)`
 * from `(start)` drops when that state is removed (its visits lead to `(null)`). Credit is the
 * total split in proportion to the removal effects.
 */

export const START = '(start)';
export const CONVERSION = '(conversion)';
export const NULL = '(null)';

export interface Transition {
  from: string;
  to: string;
  count: number;
}

/** Probability of reaching (conversion) from (start), with `removed` leading to (null). */
export function conversionProbability(transitions: readonly Transition[], removed?: string): number {
  const out = new Map<string, { to: string; p: number }[]>();
  const totals = new Map<string, number>();
  for (const t of transitions) totals.set(t.from, (totals.get(t.from) ?? 0) + t.count);
  for (const t of transitions) {
    const list = out.get(t.from) ?? [];
    list.push({ to: t.to, p: t.count / totals.get(t.from)! });
    out.set(t.from, list);
  }
  // Absorption probabilities by value iteration (paths may loop: A → B → A).
  const p = new Map<string, number>([[CONVERSION, 1]]);
  for (let iter = 0; iter < 10_000; iter++) {
    let delta = 0;
    for (const [state, edges] of out) {
      if (state === removed) continue;
      const v = edges.reduce((sum, e) => sum + e.p * (e.to === removed ? 0 : (p.get(e.to) ?? 0)), 0);
      delta = Math.max(delta, Math.abs(v - (p.get(state) ?? 0)));
      p.set(state, v);
    }
    if (delta < 1e-12) break;
  }
  return p.get(START) ?? 0;
}

/** Removal effect per touch value (never negative). */
export function removalEffects(transitions: readonly Transition[]): Map<string, number> {
  const base = conversionProbability(transitions);
  const states = new Set(
    transitions.flatMap((t) => [t.from, t.to]).filter((s) => s !== START && s !== CONVERSION && s !== NULL),
  );
  const effects = new Map<string, number>();
  for (const s of [...states].sort())
    effects.set(s, base > 0 ? Math.max(0, 1 - conversionProbability(transitions, s) / base) : 0);
  return effects;
}

/** Splits `total` over the values in proportion to their removal effects (evenly when all are 0). */
export function markovCredit(transitions: readonly Transition[], total: number): Map<string, number> {
  const effects = removalEffects(transitions);
  const sum = [...effects.values()].reduce((a, b) => a + b, 0);
  const credit = new Map<string, number>();
  for (const [s, e] of effects) credit.set(s, sum > 0 ? (total * e) / sum : total / effects.size);
  return credit;
}
