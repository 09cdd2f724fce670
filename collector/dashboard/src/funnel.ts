/**
 * Section 4, the funnel: visitors → leads → customers per first-touch channel (GET
 * /v1/reports/funnel), with the step-to-step conversion rates.
 */
import { funnelChart, type FunnelStepRow } from './charts/funnel.js';
import { mount, unmount } from './charts/responsive.js';
import { empty, type Context, type Load } from './section.js';

const ratio = (a: number, b: number) => (b > 0 ? a / b : null);

export function funnelSection(root: HTMLElement, load: Load) {
  const chart = root.querySelector<HTMLElement>('.chart-box')!;
  return {
    load: (ctx: Context) =>
      load(async () => {
        const { rows } = await ctx.api.funnel(ctx.view.site, ctx.range);
        return () => {
          if (!rows.length) return unmount(chart, empty('No visitors in this period.'));
          const steps: FunnelStepRow[] = rows.map((r) => ({ label: r.channel, counts: [r.visitors, r.leads, r.customers], rates: [r.lead_rate, r.customer_rate] }));
          const sum = (i: number) => steps.reduce((a, s) => a + s.counts[i]!, 0);
          const total: FunnelStepRow = { label: 'All channels', counts: [sum(0), sum(1), sum(2)], rates: [ratio(sum(1), sum(0)), ratio(sum(2), sum(1))] };
          mount(chart, funnelChart(steps, total));
        };
      }),
  };
}
