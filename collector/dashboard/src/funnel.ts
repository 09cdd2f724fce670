/**
 * Section 4, the funnel: visitors → leads → customers per first-touch channel (GET
 * /v1/reports/funnel), with the step-to-step conversion rates — a cohort, so no rate passes 100 %;
 * leads of the period without a visit in it are named apart below the chart.
 */
import { funnelChart, type FunnelStepRow } from './charts/funnel.js';
import { replace } from './dom.js';
import { int } from './format.js';
import { mount, unmount } from './charts/responsive.js';
import { empty, type Context, type Load } from './section.js';

const ratio = (a: number, b: number) => (b > 0 ? a / b : null);

export function funnelSection(root: HTMLElement, load: Load) {
  const chart = root.querySelector<HTMLElement>('.chart-box')!;
  const note = root.querySelector<HTMLElement>('.chart-note')!;
  return {
    load: (ctx: Context) =>
      load(async () => {
        const { rows, without_visit: apart } = await ctx.api.funnel(ctx.query);
        return () => {
          replace(
            note,
            apart.leads
              ? `Not in the funnel: ${int(apart.leads)} leads of this period without a visit in it (imported from the CRM, or whose visits came earlier); ${int(apart.customers)} of them became customers.`
              : '',
          );
          if (!rows.length) return unmount(chart, empty('No visitors in this period.'));
          const steps: FunnelStepRow[] = rows.map((r) => ({
            label: r.channel,
            counts: [r.visitors, r.leads, r.customers],
            rates: [r.lead_rate, r.customer_rate],
          }));
          const sum = (i: number) => steps.reduce((a, s) => a + s.counts[i]!, 0);
          const total: FunnelStepRow = {
            label: 'All channels',
            counts: [sum(0), sum(1), sum(2)],
            rates: [ratio(sum(1), sum(0)), ratio(sum(2), sum(1))],
          };
          mount(chart, funnelChart(steps, total));
        };
      }),
  };
}
