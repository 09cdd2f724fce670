/**
 * The visitor → lead → customer funnel per channel: one row per channel, one column per step.
 * Each column's bars share a scale (the largest channel of that step), so both volume and the
 * step-to-step rate (printed beside the count) can be compared down a column.
 */
import { svg } from '../dom.js';
import { int, percent } from '../format.js';
import type { Draw } from './responsive.js';
import { fit, textWidth } from './scale.js';

export interface FunnelStepRow {
  label: string;
  /** Visitors, leads, customers. */
  counts: [number, number, number];
  /** Leads per visitor, customers per lead (null: nothing to divide by). */
  rates: [number | null, number | null];
}

const STEPS = ['Visitors', 'Leads', 'Customers'] as const;
const NOUNS = ['visitors', 'leads', 'customers'] as const;

export function funnelChart(rows: FunnelStepRow[], total: FunnelStepRow): Draw {
  const max = [0, 1, 2].map((s) => Math.max(1, ...rows.map((r) => r.counts[s]!)));
  const cellText = (r: FunnelStepRow, s: number) =>
    s === 0 ? int(r.counts[0]) : `${int(r.counts[s])} · ${percent(r.rates[s - 1])}`;
  const tip = (r: FunnelStepRow, s: number) =>
    s === 0
      ? `${r.label}: ${int(r.counts[0])} visitors`
      : `${r.label}: ${int(r.counts[s])} ${NOUNS[s]}, ${percent(r.rates[s - 1])} of its ${int(r.counts[s - 1])} ${NOUNS[s - 1]}`;

  return (width) => {
    // Narrow screens: the channel's name on its own line above its bars, so it is never cut.
    const stacked = width < 520;
    const labelW = stacked
      ? 0
      : Math.min(Math.floor(width * 0.22), Math.max(...rows.map((r) => textWidth(r.label, 13))) + 16);
    const colW = (width - labelW) / 3;
    const barW = colW - 14;
    const headH = 44;
    const rowH = stacked ? 58 : 42;
    const dy = stacked ? 18 : 0;
    const height = headH + rows.length * rowH + 4;
    const root = svg('svg', {
      class: 'chart funnel',
      width,
      height,
      viewBox: `0 0 ${width} ${height}`,
      role: 'img',
      'aria-label': `Funnel per channel: ${rows.map((r) => `${r.label} ${STEPS.map((_, s) => cellText(r, s)).join(', ')}`).join('; ')}`,
    });

    const head = svg('g', { class: 'head' });
    STEPS.forEach((step, s) => {
      const x = labelW + colW * s;
      head.append(
        svg('text', { x, y: 15, class: 'step' }, step),
        svg(
          'text',
          { x, y: 33, class: 'tick' },
          s === 0 ? `${int(total.counts[0])} total` : `${int(total.counts[s])} · ${percent(total.rates[s - 1])}`,
        ),
      );
    });
    head.append(svg('line', { class: 'rule', x1: 0, x2: width, y1: headH - 4, y2: headH - 4 }));
    root.append(head);

    rows.forEach((r, i) => {
      const y0 = headH + i * rowH;
      const row = svg('g', { class: 'row' });
      row.append(
        stacked
          ? svg('text', { class: 'label', x: 0, y: y0 + 16 }, r.label)
          : svg(
              'text',
              { class: 'label', x: 0, y: y0 + 25, 'dominant-baseline': 'middle' },
              fit(r.label, labelW - 10, 13),
              svg('title', {}, r.label),
            ),
      );
      STEPS.forEach((_, s) => {
        const x = labelW + colW * s;
        const w = r.counts[s]! > 0 ? Math.max(2, (barW * r.counts[s]!) / max[s]!) : 0;
        row.append(
          svg(
            'g',
            { class: `cell f${s}` },
            svg('title', {}, tip(r, s)),
            svg('text', { class: 'value', x, y: y0 + dy + 16 }, cellText(r, s)),
            svg('rect', { class: 'track', x, y: y0 + dy + 23, width: barW, height: 10, rx: 3 }),
            svg('rect', { class: 'bar', x, y: y0 + dy + 23, width: w, height: 10, rx: 3 }),
          ),
        );
      });
      root.append(row);
    });
    return root;
  };
}
