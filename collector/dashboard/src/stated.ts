/**
 * Section "What leads say": the answers leads gave to "How did you hear about us?" (a form field or
 * the CRM's column), how many said each, and beside it the channels the chosen attribution model
 * credits for the same leads (GET /v1/reports/stated-source) — "said Podcast, data says Organic
 * Search". The Markov model has no per-lead weights: linear is shown then.
 */
import type { StatedRow } from '../../../contract/reports.js';
import { h, replace } from './dom.js';
import { count, int } from './format.js';
import { MODEL_LABELS } from './labels.js';
import { empty, type Context, type Load } from './section.js';
import { dataTable, type Column } from './table.js';

export const statedModel = (ctx: Context) => (ctx.view.model === 'markov' ? 'linear' : ctx.view.model);

function columns(ctx: Context): Column<StatedRow>[] {
  return [
    { id: 'key', label: 'They said', value: (r) => r.key, format: (r) => r.key },
    {
      id: 'stated',
      label: 'Leads',
      numeric: true,
      help: 'Leads of the period who gave this answer.',
      value: (r) => r.stated,
      format: (r) => int(r.stated),
    },
    {
      id: 'top_channel',
      label: 'Data says',
      help: `The channel the ${MODEL_LABELS[statedModel(ctx)]} model credits most for these leads.`,
      value: (r) => r.top_channel,
      format: (r) => r.top_channel ?? '—',
    },
    {
      id: 'channels',
      label: `Credit by channel (${MODEL_LABELS[statedModel(ctx)]})`,
      help: 'Leads credited to each channel by the model, for the leads who gave this answer.',
      value: (r) => r.channels.map((c) => `${c.channel} ${c.credit}`).join('; '),
      format: (r) => r.channels.map((c) => `${c.channel} ${count(c.credit)}`).join(' · ') || '—',
    },
  ];
}

export function statedSection(root: HTMLElement, load: Load) {
  const box = root.querySelector<HTMLElement>('.table-box')!;
  const note = root.querySelector<HTMLElement>('.stated-total')!;
  return {
    load: (ctx: Context) =>
      load(async () => {
        const data = await ctx.api.report<{ total: { conversions: number; stated: number }; rows: StatedRow[] }>(
          'reports/stated-source',
          ctx.query,
          { model: statedModel(ctx), conversion: 'lead' },
        );
        return () => {
          replace(
            note,
            data.total.conversions
              ? `${int(data.total.stated)} of ${int(data.total.conversions)} leads of this period said what brought them.`
              : '',
          );
          if (!data.rows.length)
            return replace(
              box,
              empty(
                'No lead of this period said what brought them (a form field such as how_did_you_hear, or the CRM import\'s "How did you hear about us?" column).',
              ),
            );
          replace(
            box,
            dataTable(columns(ctx), data.rows, {
              caption: 'What leads said brought them, beside what the attribution model credits',
              rowKey: (r) => r.key,
              previous: data.compare ? new Map(data.compare.rows.map((r) => [r.key, r])) : undefined,
            }),
          );
          box.querySelector('table')?.classList.add('stated');
        };
      }),
  };
}
