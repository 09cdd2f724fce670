/**
 * Section 2, campaigns and channels: spend beside the leads, customers and revenue the chosen
 * attribution model credits to each campaign (or channel, source, medium), with cost per lead,
 * customer acquisition cost, return on ad spend and return on investment (GET /v1/attribution/roi).
 */
import type { RoiRow } from './api.js';
import { h, replace } from './dom.js';
import { count, key, money, percent, times } from './format.js';
import { GROUP_LABELS, MODEL_HELP, MODEL_LABELS } from './labels.js';
import { empty, type Context, type Load } from './section.js';
import { dataTable, type Column } from './table.js';

const ratio = (a: number, b: number) => (b > 0 ? a / b : null);

function columns(ctx: Context): Column<RoiRow>[] {
  const m = (v: number | null) => money(v, ctx.currency);
  const tone = (v: number | null) => (v === null ? 'muted' : v < 0 ? 'negative' : 'positive');
  return [
    { id: 'key', label: GROUP_LABELS[ctx.view.groupBy], value: (r) => r.key, format: (r) => key(r.key) },
    { id: 'cost', label: 'Cost', numeric: true, help: 'Spend imported for this period.', value: (r) => r.cost, format: (r) => m(r.cost) },
    { id: 'leads', label: 'Leads', numeric: true, help: 'Leads credited by the model.', value: (r) => r.leads, format: (r) => count(r.leads) },
    { id: 'customers', label: 'Customers', numeric: true, help: 'Customers credited by the model.', value: (r) => r.customers, format: (r) => count(r.customers) },
    { id: 'revenue', label: 'Revenue', numeric: true, help: 'Revenue credited by the model.', value: (r) => r.revenue, format: (r) => m(r.revenue) },
    { id: 'cost_per_lead', label: 'Cost / lead', numeric: true, help: 'Cost divided by leads.', value: (r) => r.cost_per_lead, format: (r) => m(r.cost_per_lead) },
    { id: 'cac', label: 'CAC', numeric: true, help: 'Customer acquisition cost: cost divided by customers.', value: (r) => r.cac, format: (r) => m(r.cac) },
    { id: 'roas', label: 'ROAS', numeric: true, help: 'Return on ad spend: revenue divided by cost.', value: (r) => r.roas, format: (r) => times(r.roas), tone: (r) => (r.roas === null ? 'muted' : r.roas < 1 ? 'negative' : 'positive') },
    { id: 'roi', label: 'ROI', numeric: true, help: 'Return on investment: (revenue − cost) / cost.', value: (r) => r.roi, format: (r) => percent(r.roi), tone: (r) => tone(r.roi) },
  ];
}

export function campaignsSection(root: HTMLElement, load: Load) {
  const box = root.querySelector<HTMLElement>('.table-box')!;
  const help = root.querySelector<HTMLElement>('.model-help')!;
  return {
    load: (ctx: Context) =>
      load(async () => {
        const { view } = ctx;
        const data = await ctx.api.roi(view.site, ctx.range, view.model, view.groupBy);
        return () => {
          replace(help, h('strong', {}, `${MODEL_LABELS[view.model]}: `), MODEL_HELP[view.model]);
          if (!data.rows.length) return replace(box, empty('No spend and no conversions in this period.'));
          const t = data.total;
          const m = (v: number | null) => money(v, ctx.currency);
          const totals = {
            key: 'Total',
            cost: m(t.cost),
            leads: count(t.leads),
            customers: count(t.customers),
            revenue: m(t.revenue),
            cost_per_lead: m(ratio(t.cost, t.leads)),
            cac: m(ratio(t.cost, t.customers)),
            roas: times(t.roas),
            roi: percent(t.roi),
          };
          const caption = `${GROUP_LABELS[view.groupBy]}s: cost and return under the ${MODEL_LABELS[view.model]} model`;
          replace(box, dataTable(columns(ctx), data.rows, { caption, rowKey: (r) => r.key, totals }));
        };
      }),
  };
}
