/**
 * A daily time series: one metric over the report's days, as an area line (traffic) or as bars
 * (leads, customers, revenue: small, lumpy counts). Y axis with round ticks and grid lines, date
 * labels spaced to fit the width, and a tooltip (<title>) for every day.
 */
import { svg } from '../dom.js';
import { day } from '../format.js';
import type { Draw } from './responsive.js';
import { linear, spreadIndexes, textWidth } from './scale.js';

export interface Point {
  day: string;
  value: number;
}

export interface TimeSeriesOptions {
  /** What is counted, for the tooltip and the accessible name: "visitors". */
  label: string;
  kind: 'area' | 'bars';
  /** Values in tooltips (full precision) and on the axis (compact). */
  format: (v: number) => string;
  tick: (v: number) => string;
  height: number;
  /** The last day is today, still counting: drawn dashed (lighter), so its dip is not read as a drop. */
  partial?: boolean;
}

let ids = 0;

export function timeSeries(points: Point[], o: TimeSeriesOptions): Draw {
  return (width) => {
    const id = `ts${++ids}`;
    const max = Math.max(0, ...points.map((p) => p.value));
    const probe = linear(max, 0, 1);
    const left = Math.max(...probe.ticks.map((t) => textWidth(o.tick(t), 11))) + 12;
    const top = 10;
    const bottom = o.height - 24;
    const right = width - 10;
    const y = linear(max, bottom, top);
    const n = Math.max(1, points.length);
    const band = (right - left) / n;
    const cx = (i: number) => left + band * (i + 0.5);

    const total = points.reduce((a, p) => a + p.value, 0);
    const peak = points.reduce<Point | undefined>((a, p) => (!a || p.value > a.value ? p : a), undefined);
    const summary = points.length
      ? `From ${day(points[0]!.day, true)} to ${day(points[points.length - 1]!.day, true)}: ${o.format(total)} ${o.label} in total` +
        (peak && peak.value > 0 ? `, most on ${day(peak.day, true)} (${o.format(peak.value)}).` : '.')
      : 'No data in this period.';

    const root = svg(
      'svg',
      {
        class: 'chart',
        width,
        height: o.height,
        viewBox: `0 0 ${width} ${o.height}`,
        role: 'img',
        'aria-labelledby': `${id}t ${id}d`,
      },
      svg('title', { id: `${id}t` }, `Daily ${o.label}`),
      svg('desc', { id: `${id}d` }, summary),
    );

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
    for (const i of spreadIndexes(points.length, Math.floor((right - left) / 64))) {
      const x = cx(i);
      const anchor = x + 24 > width ? 'end' : x - 24 < 0 ? 'start' : 'middle';
      grid.append(svg('text', { x, y: bottom + 16, class: 'tick', 'text-anchor': anchor }, day(points[i]!.day)));
    }
    root.append(grid);

    const data = svg('g', { class: 'series s0', 'aria-hidden': 'true' });
    if (o.kind === 'bars') {
      const w = Math.max(1, band * 0.7);
      points.forEach((p, i) => {
        const partial = o.partial && i === points.length - 1;
        if (p.value > 0)
          data.append(
            svg('rect', {
              class: partial ? 'bar partial' : 'bar',
              x: cx(i) - w / 2,
              y: y(p.value),
              width: w,
              height: Math.max(1, bottom - y(p.value)),
              rx: Math.min(2, w / 4),
            }),
          );
      });
    } else if (points.length) {
      const at = (i: number) => `${cx(i).toFixed(1)},${y(points[i]!.value).toFixed(1)}`;
      const line = points.map((_, i) => `${i ? 'L' : 'M'}${at(i)}`).join('');
      const last = points.length - 1;
      const solid =
        o.partial && last > 0
          ? points
              .slice(0, last)
              .map((_, i) => `${i ? 'L' : 'M'}${at(i)}`)
              .join('')
          : line;
      data.append(
        svg('path', { class: 'area', d: `${line}L${cx(last).toFixed(1)},${bottom}L${cx(0).toFixed(1)},${bottom}Z` }),
        svg('path', { class: 'line', d: solid }),
      );
      if (solid !== line) data.append(svg('path', { class: 'line partial', d: `M${at(last - 1)}L${at(last)}` }));
      if (band >= 10)
        points.forEach((p, i) => data.append(svg('circle', { class: 'dot', cx: cx(i), cy: y(p.value), r: 2.5 })));
    }
    root.append(data);

    // One hover target per day, full height, so the tooltip is easy to hit.
    const hits = svg('g', { class: 'hits' });
    points.forEach((p, i) => {
      hits.append(
        svg(
          'rect',
          { x: left + band * i, y: top, width: band, height: bottom - top },
          svg(
            'title',
            {},
            `${day(p.day, true)}: ${o.format(p.value)} ${o.label}${o.partial && i === points.length - 1 ? ' (today, so far)' : ''}`,
          ),
        ),
      );
    });
    root.append(hits);
    return root;
  };
}
