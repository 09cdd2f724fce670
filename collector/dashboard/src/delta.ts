/**
 * The change against the comparison period, as a marketer reads it next to a figure: "▲ 12 %",
 * "▼ 3 %", "new" (nothing before), with the earlier figure on hover. Green means better: for costs
 * (`lowerIsBetter`) a rise is red.
 */
import { h } from './dom.js';
import { percent } from './format.js';

export function delta(
  current: number | null,
  previous: number | null | undefined,
  lowerIsBetter = false,
  show: (n: number | null) => string = String,
): HTMLElement | null {
  if (previous === undefined) return null;
  const before = `before: ${show(previous)}`;
  if (current === null || previous === null) return h('span', { class: 'delta flat', title: before }, '–');
  if (previous === 0)
    return h(
      'span',
      { class: `delta ${current === 0 ? 'flat' : 'up'}`, title: before, 'data-change': current === 0 ? '0' : 'new' },
      current === 0 ? '±0 %' : 'new',
    );
  const change = (current - previous) / Math.abs(previous);
  const dir = Math.abs(change) < 0.0005 ? 'flat' : change > 0 ? 'up' : 'down';
  const good = dir === 'flat' ? '' : (dir === 'up') !== lowerIsBetter ? ' good' : ' bad';
  const arrow = dir === 'up' ? '▲' : dir === 'down' ? '▼' : '±';
  return h(
    'span',
    {
      class: `delta ${dir}${good}`,
      title: before,
      'data-change': String(Math.round(change * 10_000) / 10_000),
      'aria-label': `${dir === 'up' ? 'up' : dir === 'down' ? 'down' : 'unchanged'} ${percent(Math.abs(change))} (${before})`,
    },
    `${arrow} ${percent(Math.abs(change))}`,
  );
}
