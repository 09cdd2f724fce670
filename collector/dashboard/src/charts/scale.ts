/** Scales and ticks shared by the charts: a linear map from values to pixels, with round tick values. */

/** Round tick values from 0 to at least `max` (about `count` of them): 0, 250, 500 … */
export function niceTicks(max: number, count = 5): number[] {
  if (!(max > 0)) return [0, 1];
  const raw = max / Math.max(1, count);
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * magnitude).find((s) => s >= raw) ?? 10 * magnitude;
  const ticks: number[] = [];
  for (let v = 0; v < max + step * 1e-9; v += step) ticks.push(Number(v.toPrecision(12)));
  if (ticks[ticks.length - 1]! < max) ticks.push(Number((ticks.length * step).toPrecision(12)));
  return ticks;
}

export interface Linear {
  (v: number): number;
  ticks: number[];
}

/** Maps [0, last tick] onto [from, to] pixels (either direction). */
export function linear(max: number, from: number, to: number, tickCount = 5): Linear {
  const ticks = niceTicks(max, tickCount);
  const top = ticks[ticks.length - 1]!;
  const f = ((v: number) => from + ((to - from) * v) / top) as Linear;
  f.ticks = ticks;
  return f;
}

/** Evenly spaced indexes into `n` items, at most `max` of them, always including the first. */
export function spreadIndexes(n: number, max: number): number[] {
  if (n <= 0) return [];
  const step = Math.max(1, Math.ceil(n / Math.max(1, max)));
  const out: number[] = [];
  for (let i = 0; i < n; i += step) out.push(i);
  return out;
}

/** Shorten a label to fit `px` pixels, with an ellipsis (the full label goes in a <title>). */
export function fit(label: string, px: number, fontSize = 12): string {
  if (textWidth(label, fontSize) <= px) return label;
  const chars = Math.max(1, Math.floor(px / (fontSize * 0.6)) - 1);
  return `${label.slice(0, chars)}…`;
}

/** Rough width of a label in pixels (no layout pass needed): about 0.6 em per character. */
export function textWidth(text: string, fontSize = 12): number {
  return Math.ceil(text.length * fontSize * 0.6);
}
