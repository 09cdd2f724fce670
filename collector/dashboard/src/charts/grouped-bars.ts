/**
 * Grouped bars: for each group (a channel, a campaign) one bar per series (an attribution model),
 * so that how the models disagree about a group is visible at a glance. Vertical columns where
 * there is room (desktop), horizontal rows on narrow screens; a tooltip (<title>) on every bar.
 */
import { svg } from '../dom.js';
import type { Draw } from './responsive.js';
import { fit, linear, textWidth } from './scale.js';

export interface Group {
  label: string;
  /** One value per series, in the order of `series`. */
  values: number[];
}

export interface Series {
  label: string;
  /** Colour class (`s0` … `s8`), the same as in the legend. */
  cls: string;
}

export interface GroupedBarsOptions {
  title: string;
  format: (v: number) => string;
  tick: (v: number) => string;
}

let ids = 0;

function frame(width: number, height: number, o: GroupedBarsOptions, desc: string): SVGSVGElement {
  const id = `gb${++ids}`;
  return svg(
    'svg',
    {
      class: 'chart',
      width,
      height,
      viewBox: `0 0 ${width} ${height}`,
      role: 'img',
      'aria-labelledby': `${id}t ${id}d`,
    },
    svg('title', { id: `${id}t` }, o.title),
    svg('desc', { id: `${id}d` }, desc),
  );
}

export function groupedBars(groups: Group[], series: Series[], o: GroupedBarsOptions): Draw {
  const max = Math.max(0, ...groups.flatMap((g) => g.values));
  const desc = groups
    .map((g) => `${g.label}: ${g.values.map((v, i) => `${series[i]?.label} ${o.format(v)}`).join(', ')}`)
    .join('. ');
  const tip = (g: Group, i: number) =>
    svg('title', {}, `${g.label} · ${series[i]?.label}: ${o.format(g.values[i] ?? 0)}`);

  const vertical = (width: number) => {
    const height = 320;
    const probe = linear(max, 0, 1);
    const left = Math.max(...probe.ticks.map((t) => textWidth(o.tick(t), 11))) + 12;
    const top = 10;
    const bottom = height - 30;
    const right = width - 8;
    const y = linear(max, bottom, top);
    const band = (right - left) / Math.max(1, groups.length);
    const inner = band * 0.84;
    const bar = inner / Math.max(1, series.length);
    const root = frame(width, height, o, desc);
    const grid = svg('g', { class: 'grid', 'aria-hidden': 'true' });
    for (const t of y.ticks) {
      grid.append(
        svg('line', { x1: left, x2: right, y1: y(t), y2: y(t), class: t === 0 ? 'baseline' : '' }),
        svg(
          'text',
          { x: left - 6, y: y(t), class: 'tick', 'text-anchor': 'end', 'dominant-baseline': 'middle' },
          o.tick(t),
        ),
      );
    }
    root.append(grid);
    groups.forEach((g, gi) => {
      const x0 = left + band * gi + (band - inner) / 2;
      const cell = svg('g', { class: 'group' });
      g.values.forEach((v, i) => {
        const h = Math.max(v > 0 ? 1 : 0, bottom - y(v));
        cell.append(
          svg(
            'rect',
            {
              class: `bar ${series[i]?.cls ?? ''}`,
              x: x0 + bar * i + 0.5,
              y: bottom - h,
              width: Math.max(1, bar - 1),
              height: h,
            },
            tip(g, i),
          ),
        );
      });
      cell.append(
        svg(
          'text',
          { class: 'label', x: left + band * (gi + 0.5), y: bottom + 18, 'text-anchor': 'middle' },
          fit(g.label, band - 6),
          svg('title', {}, g.label),
        ),
      );
      root.append(cell);
    });
    return root;
  };

  const horizontal = (width: number) => {
    const barH = 6;
    const groupH = series.length * barH;
    const gap = 14;
    const labelW = Math.min(Math.floor(width * 0.36), Math.max(...groups.map((g) => textWidth(g.label))) + 14);
    const top = 6;
    const height = top + groups.length * (groupH + gap) + 22;
    const axisY = height - 22;
    const x = linear(max, labelW, width - 14, width < 420 ? 3 : 5);
    const root = frame(width, height, o, desc);
    const grid = svg('g', { class: 'grid', 'aria-hidden': 'true' });
    for (const t of x.ticks) {
      grid.append(
        svg('line', { x1: x(t), x2: x(t), y1: top, y2: axisY, class: t === 0 ? 'baseline' : '' }),
        svg('text', { x: x(t), y: axisY + 15, class: 'tick', 'text-anchor': t === 0 ? 'start' : 'middle' }, o.tick(t)),
      );
    }
    root.append(grid);
    groups.forEach((g, gi) => {
      const y0 = top + gi * (groupH + gap) + gap / 2;
      const cell = svg('g', { class: 'group' });
      cell.append(
        svg(
          'text',
          { class: 'label', x: labelW - 8, y: y0 + groupH / 2, 'text-anchor': 'end', 'dominant-baseline': 'middle' },
          fit(g.label, labelW - 10),
          svg('title', {}, g.label),
        ),
      );
      g.values.forEach((v, i) => {
        cell.append(
          svg(
            'rect',
            {
              class: `bar ${series[i]?.cls ?? ''}`,
              x: labelW,
              y: y0 + barH * i,
              width: Math.max(v > 0 ? 1 : 0, x(v) - labelW),
              height: barH - 1,
            },
            tip(g, i),
          ),
        );
      });
      root.append(cell);
    });
    return root;
  };

  return (width) =>
    width >= 640 && width / Math.max(1, groups.length * series.length) >= 4 ? vertical(width) : horizontal(width);
}
