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

/**
 * The chain as arrays: states numbered in the order they first leave (then the others), and each
 * state's edges with their probabilities, in the order of `transitions`.
 */
function compile(transitions: readonly Transition[]) {
  const index = new Map<string, number>();
  const totals = new Map<string, number>();
  for (const t of transitions) {
    totals.set(t.from, (totals.get(t.from) ?? 0) + t.count);
    if (!index.has(t.from)) index.set(t.from, index.size);
  }
  const sources = index.size;
  for (const s of [START, CONVERSION, ...transitions.map((t) => t.to)]) if (!index.has(s)) index.set(s, index.size);
  const byState: { to: number; p: number }[][] = Array.from({ length: sources }, () => []);
  for (const t of transitions)
    byState[index.get(t.from)!]!.push({ to: index.get(t.to)!, p: t.count / totals.get(t.from)! });
  const first = new Int32Array(sources + 1);
  for (let s = 0; s < sources; s++) first[s + 1] = first[s]! + byState[s]!.length;
  const flat = byState.flat();
  return {
    index,
    sources,
    first,
    to: Int32Array.from(flat, (e) => e.to),
    p: Float64Array.from(flat, (e) => e.p),
  };
}

type Chain = ReturnType<typeof compile>;

/** Absorption probabilities by value iteration (paths may loop: A → B → A), updated in place. */
function probabilityOfStart(chain: Chain, removed?: string): number {
  const { index, sources, first, to, p: edgeP } = chain;
  const gone = removed === undefined ? -1 : (index.get(removed) ?? -1);
  const p = new Float64Array(index.size);
  p[index.get(CONVERSION)!] = 1;
  for (let iter = 0; iter < 10_000; iter++) {
    let delta = 0;
    for (let s = 0; s < sources; s++) {
      if (s === gone) continue;
      let v = 0;
      for (let e = first[s]!; e < first[s + 1]!; e++) v = v + edgeP[e]! * (to[e] === gone ? 0 : p[to[e]!]!);
      delta = Math.max(delta, Math.abs(v - p[s]!));
      p[s] = v;
    }
    if (delta < 1e-12) break;
  }
  return p[index.get(START)!]!;
}

/** Probability of reaching (conversion) from (start), with `removed` leading to (null). */
export function conversionProbability(transitions: readonly Transition[], removed?: string): number {
  return probabilityOfStart(compile(transitions), removed);
}

/** Removal effect per touch value (never negative). */
export function removalEffects(transitions: readonly Transition[]): Map<string, number> {
  const chain = compile(transitions);
  const base = probabilityOfStart(chain);
  const states = new Set(
    transitions.flatMap((t) => [t.from, t.to]).filter((s) => s !== START && s !== CONVERSION && s !== NULL),
  );
  const effects = new Map<string, number>();
  for (const s of [...states].sort())
    effects.set(s, base > 0 ? Math.max(0, 1 - probabilityOfStart(chain, s) / base) : 0);
  return effects;
}

/** Splits `total` over the values in proportion to their removal effects (evenly when all are 0). */
export function markovCredit(transitions: readonly Transition[], total: number): Map<string, number> {
  return creditByEffects(removalEffects(transitions), total);
}

/** Splits `total` in proportion to removal effects computed once (several totals share one chain). */
export function creditByEffects(effects: ReadonlyMap<string, number>, total: number): Map<string, number> {
  const sum = [...effects.values()].reduce((a, b) => a + b, 0);
  const credit = new Map<string, number>();
  for (const [s, e] of effects) credit.set(s, sum > 0 ? (total * e) / sum : total / effects.size);
  return credit;
}
