/**
 * Section 3, the models side by side: for each channel, the leads, customers or revenue every
 * attribution model credits it with (GET /v1/attribution/compare), as grouped bars. The legend
 * switches models on and off, to compare two or three at a time.
 */
import { MODELS, type Comparison, type Model } from './api.js';
import { h, replace } from './dom.js';
import { compact, count, key, money } from './format.js';
import { CONVERSION_LABELS, MODEL_HELP, MODEL_LABELS } from './labels.js';
import { groupedBars } from './charts/grouped-bars.js';
import { mount, unmount } from './charts/responsive.js';
import { empty, type Context, type Load } from './section.js';

/** More groups than this make the bars too thin to read; the rest are named below the chart. */
const MAX_GROUPS = 10;

export function modelsSection(root: HTMLElement, load: Load) {
  const legend = root.querySelector<HTMLElement>('.legend')!;
  const chart = root.querySelector<HTMLElement>('.chart-box')!;
  const note = root.querySelector<HTMLElement>('.chart-note')!;
  const shown = new Set<Model>(MODELS);
  let last: { data: Comparison; ctx: Context } | undefined;

  function renderLegend(): void {
    replace(
      legend,
      ...MODELS.map((m, i) => {
        const b = h(
          'button',
          { type: 'button', class: `legend-item s${i}`, 'aria-pressed': String(shown.has(m)), title: MODEL_HELP[m] },
          h('span', { class: 'swatch', 'aria-hidden': 'true' }),
          MODEL_LABELS[m],
        );
        b.addEventListener('click', () => {
          if (shown.has(m) && shown.size > 1) shown.delete(m);
          else shown.add(m);
          renderLegend();
          legend.querySelectorAll<HTMLElement>('.legend-item')[i]?.focus();
          renderChart();
        });
        return b;
      }),
    );
  }

  function renderChart(): void {
    if (!last) return;
    const { data, ctx } = last;
    const isMoney = ctx.view.conversion === 'revenue';
    const models = MODELS.filter((m) => shown.has(m));
    const metric = (r: Comparison['rows'][number], m: Model) => (isMoney ? r[m]?.value : r[m]?.conversions) ?? 0;
    const mean = (r: Comparison['rows'][number]) => MODELS.reduce((a, m) => a + metric(r, m), 0);
    const rows = [...data.rows].sort((a, b) => mean(b) - mean(a));
    const top = rows.slice(0, MAX_GROUPS);
    replace(
      note,
      rows.length > MAX_GROUPS
        ? `Also credited, with less: ${rows
            .slice(MAX_GROUPS)
            .map((r) => key(r.key))
            .join(', ')}.`
        : '',
    );
    if (!top.length)
      return unmount(chart, empty(`No ${CONVERSION_LABELS[ctx.view.conversion].toLowerCase()} in this period.`));
    const what = CONVERSION_LABELS[ctx.view.conversion].toLowerCase();
    mount(
      chart,
      groupedBars(
        top.map((r) => ({ label: key(r.key), values: models.map((m) => metric(r, m)) })),
        models.map((m) => ({ label: MODEL_LABELS[m], cls: `s${MODELS.indexOf(m)}` })),
        {
          title: `${CONVERSION_LABELS[ctx.view.conversion]} credited to each channel by each attribution model`,
          format: (v) => (isMoney ? money(v, ctx.currency) : `${count(v)} ${what}`),
          tick: (v) => compact(v, isMoney ? ctx.currency : ''),
        },
      ),
    );
  }

  renderLegend();
  return {
    load: (ctx: Context) =>
      load(async () => {
        const data = await ctx.api.compare(ctx.query, ctx.view.conversion, 'channel');
        return () => {
          last = { data, ctx };
          renderChart();
        };
      }),
  };
}
