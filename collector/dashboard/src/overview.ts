/**
 * Section 1, the overview: visitors, leads, customers and revenue over the period as cards (each
 * with the rate a marketer asks about next), and the chosen card's daily series as a chart.
 */
import type { DayPoint, Overview, Totals } from './api.js';
import { delta } from './delta.js';
import { h, replace } from './dom.js';
import { compact, count, int, money, percent } from './format.js';
import { mount, unmount } from './charts/responsive.js';
import { timeSeries } from './charts/time-series.js';
import { empty, type Context, type Load } from './section.js';

type Metric = 'visitors' | 'leads' | 'customers' | 'revenue';

interface MetricDef {
  label: string;
  kind: 'area' | 'bars';
  value: (t: Totals, currency: string) => string;
  note: (t: Totals, currency: string) => string;
}

const ratio = (a: number, b: number) => (b > 0 ? a / b : null);

const METRICS: Record<Metric, MetricDef> = {
  visitors: {
    label: 'Visitors',
    kind: 'area',
    value: (t) => int(t.visitors),
    note: (t) => `${int(t.sessions)} sessions · ${int(t.pageviews)} page views`,
  },
  leads: {
    label: 'Leads',
    kind: 'bars',
    value: (t) => int(t.leads),
    note: (t) => `${percent(ratio(t.leads, t.visitors))} of visitors`,
  },
  customers: {
    label: 'Customers',
    kind: 'bars',
    value: (t) => int(t.customers),
    note: (t) => `${percent(ratio(t.customers, t.leads))} of leads`,
  },
  revenue: {
    label: 'Revenue',
    kind: 'bars',
    value: (t, c) => money(t.revenue, c),
    note: (t, c) => `${money(ratio(t.revenue, t.customers), c)} per customer`,
  },
};

const today = (timeZone: string) =>
  new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date());

export function overviewSection(root: HTMLElement, load: Load) {
  const cards = root.querySelector<HTMLElement>('.cards')!;
  const chartTitle = root.querySelector<HTMLElement>('.chart-title')!;
  const chart = root.querySelector<HTMLElement>('.chart-box')!;
  let selected: Metric = 'visitors';
  let last: { data: Overview & { compare?: Overview }; currency: string } | undefined;

  function render(): void {
    if (!last) return;
    const { data, currency } = last;
    replace(
      cards,
      ...(Object.keys(METRICS) as Metric[]).map((m) => card(m, data.totals, currency, data.compare?.totals)),
    );
    const def = METRICS[selected];
    replace(chartTitle, `${def.label} per day`);
    const points = data.series.map((p: DayPoint) => ({ day: p.day, value: p[selected] }));
    if (!points.some((p) => p.value > 0)) {
      unmount(chart, empty(`No ${def.label.toLowerCase()} in this period.`));
      return;
    }
    const isMoney = selected === 'revenue';
    mount(
      chart,
      timeSeries(points, {
        label: def.label.toLowerCase(),
        kind: def.kind,
        height: 240,
        partial: points[points.length - 1]?.day === today(data.time_zone),
        format: (v) => (isMoney ? money(v, currency) : count(v)),
        tick: (v) => compact(v, isMoney ? currency : ''),
      }),
    );
  }

  function card(m: Metric, totals: Totals, currency: string, before?: Totals): HTMLElement {
    const def = METRICS[m];
    const button = h(
      'button',
      {
        type: 'button',
        class: 'card',
        'aria-pressed': String(m === selected),
        'data-metric': m,
        title: `Show ${def.label.toLowerCase()} per day`,
      },
      h('span', { class: 'card-label' }, def.label),
      h('span', { class: 'card-value' }, def.value(totals, currency)),
      before ? delta(totals[m], before[m], false, () => def.value(before, currency)) : null,
      h('span', { class: 'card-note' }, def.note(totals, currency)),
    );
    button.addEventListener('click', () => {
      selected = m;
      render();
      cards.querySelector<HTMLElement>(`[data-metric="${m}"]`)?.focus();
    });
    return button;
  }

  return {
    load: (ctx: Context) =>
      load(async () => {
        const data = await ctx.api.overview(ctx.query);
        return () => {
          last = { data, currency: ctx.currency };
          render();
        };
      }),
  };
}
