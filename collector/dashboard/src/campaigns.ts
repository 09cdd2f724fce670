/**
 * Section 2, campaigns and channels: visitors and sessions, spend, and the leads, customers and
 * revenue the chosen attribution model credits to each campaign (or channel, source, medium), with
 * cost per lead, customer acquisition cost, return on ad spend and return on investment
 * (GET /v1/attribution/roi); with a comparison, each figure's change. A row's name drills down:
 * channel → its sources → their campaigns → the campaign's leads.
 */
import type { GroupBy, RoiRow } from './api.js';
import { h, replace } from './dom.js';
import { count, int, money, percent, times } from './format.js';
import { GROUP_LABELS, MODEL_HELP, MODEL_LABELS } from './labels.js';
import { empty, type Context, type Load } from './section.js';
import { dataTable, type Column } from './table.js';

/** Where a click on a row leads: the next grouping, or the leads (campaign). */
const NEXT: Record<GroupBy, GroupBy | null> = {
  channel: 'source',
  source: 'campaign',
  medium: 'campaign',
  campaign: null,
};

function columns(ctx: Context): Column<RoiRow>[] {
  const m = (v: number | null) => money(v, ctx.currency);
  const tone = (v: number | null) => (v === null ? 'muted' : v < 0 ? 'negative' : 'positive');
  return [
    { id: 'key', label: GROUP_LABELS[ctx.view.groupBy], value: (r) => r.key, format: (r) => r.key },
    {
      id: 'visitors',
      label: 'Visitors',
      numeric: true,
      help: 'Visitors who started a session with this value in the period.',
      value: (r) => r.visitors,
      format: (r) => int(r.visitors),
    },
    {
      id: 'sessions',
      label: 'Sessions',
      numeric: true,
      help: 'Sessions that started with this value in the period.',
      value: (r) => r.sessions,
      format: (r) => int(r.sessions),
    },
    {
      id: 'leads',
      label: 'Leads',
      numeric: true,
      help: 'Leads credited by the model.',
      value: (r) => r.leads,
      format: (r) => count(r.leads),
    },
    {
      id: 'customers',
      label: 'Customers',
      numeric: true,
      help: 'Customers credited by the model.',
      value: (r) => r.customers,
      format: (r) => count(r.customers),
    },
    {
      id: 'revenue',
      label: 'Revenue',
      numeric: true,
      help: 'Revenue credited by the model.',
      value: (r) => r.revenue,
      format: (r) => m(r.revenue),
    },
    {
      id: 'cost',
      label: 'Cost',
      numeric: true,
      lowerIsBetter: true,
      help: 'Spend imported for this period.',
      value: (r) => r.cost,
      format: (r) => m(r.cost),
    },
    {
      id: 'cost_per_lead',
      label: 'CPL',
      numeric: true,
      lowerIsBetter: true,
      help: 'Cost per lead: cost divided by leads.',
      value: (r) => r.cost_per_lead,
      format: (r) => m(r.cost_per_lead),
    },
    {
      id: 'cac',
      label: 'CAC',
      numeric: true,
      lowerIsBetter: true,
      help: 'Customer acquisition cost: cost divided by customers.',
      value: (r) => r.cac,
      format: (r) => m(r.cac),
    },
    {
      id: 'roas',
      label: 'ROAS',
      numeric: true,
      help: 'Return on ad spend: revenue divided by cost.',
      value: (r) => r.roas,
      format: (r) => times(r.roas),
      tone: (r) => (r.roas === null ? 'muted' : r.roas < 1 ? 'negative' : 'positive'),
    },
    {
      id: 'roi',
      label: 'ROI',
      numeric: true,
      help: 'Return on investment: (revenue − cost) / cost.',
      value: (r) => r.roi,
      format: (r) => percent(r.roi),
      tone: (r) => tone(r.roi),
    },
  ];
}

export function campaignsSection(root: HTMLElement, load: Load) {
  const box = root.querySelector<HTMLElement>('.table-box')!;
  const help = root.querySelector<HTMLElement>('.model-help')!;
  return {
    load: (ctx: Context) =>
      load(async () => {
        const { view } = ctx;
        const data = await ctx.api.roi(ctx.query, view.model, view.groupBy);
        return () => {
          replace(help, h('strong', {}, `${MODEL_LABELS[view.model]}: `), MODEL_HELP[view.model]);
          if (!data.rows.length) return replace(box, empty('No visits, spend or conversions in this period.'));
          const t = data.total;
          const m = (v: number | null) => money(v, ctx.currency);
          const totals = {
            key: 'Total',
            visitors: int(t.visitors),
            sessions: int(t.sessions),
            cost: m(t.cost),
            leads: count(t.leads),
            customers: count(t.customers),
            revenue: m(t.revenue),
            cost_per_lead: m(t.cost_per_lead),
            cac: m(t.cac),
            roas: times(t.roas),
            roi: percent(t.roi),
          };
          const caption = `${GROUP_LABELS[view.groupBy]}s: traffic, cost and return under the ${MODEL_LABELS[view.model]} model`;
          const next = NEXT[view.groupBy];
          replace(
            box,
            dataTable(columns(ctx), data.rows, {
              caption,
              rowKey: (r) => r.key,
              totals,
              previous: data.compare ? new Map(data.compare.rows.map((r) => [r.key, r])) : undefined,
              onOpen: (r) => ctx.drill(view.groupBy, r.key, next ?? undefined),
              openLabel: (r) => (next ? `Show the ${next}s of ${r.key}` : `Show the leads of ${r.key}`),
            }),
          );
        };
      }),
  };
}
