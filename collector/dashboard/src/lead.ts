/**
 * Section 5, the lead timeline: find a person by email (GET /v1/leads) and read their story —
 * every visit with its channel and campaign, forms, lifecycle stages and deals, oldest first —
 * and the devices (visitors) they were recognised on.
 */
import { ApiError, type LeadTimeline, type Row } from './api.js';
import { h, replace } from './dom.js';
import { dateTime, key, money, parseTime } from './format.js';
import type { Context, Load } from './section.js';

interface Entry {
  at: Date | null;
  ts: unknown;
  kind: 'visit' | 'form' | 'stage' | 'deal';
  title: string;
  detail: (HTMLElement | string)[];
}

const str = (v: unknown) => (typeof v === 'string' ? v : v === null || v === undefined ? '' : String(v));
const path = (url: unknown) => {
  try {
    const u = new URL(str(url));
    return `${u.pathname}${u.search}`;
  } catch {
    return str(url);
  }
};

function visit(t: Row): Entry {
  const sourceMedium = [str(t.source), str(t.medium)].filter(Boolean).join(' / ');
  const parts = [
    sourceMedium,
    t.campaign ? `campaign ${str(t.campaign)}` : '',
    t.referrer_domain ? `from ${str(t.referrer_domain)}` : '',
  ].filter(Boolean);
  return {
    at: parseTime(t.ts),
    ts: t.ts,
    kind: 'visit',
    title: `Visit · ${key(str(t.channel))}`,
    detail: [parts.join(' · '), h('span', { class: 'url' }, `landed on ${path(t.landing_url)}`)],
  };
}

function form(f: Row): Entry {
  const fields =
    f.fields && typeof f.fields === 'object'
      ? Object.entries(f.fields as Record<string, unknown>).filter(([k]) => !k.startsWith('form.'))
      : [];
  const list = h('dl', { class: 'fields' }, ...fields.flatMap(([k, v]) => [h('dt', {}, k), h('dd', {}, str(v))]));
  return {
    at: parseTime(f.ts),
    ts: f.ts,
    kind: 'form',
    title: `Form “${str(f.form) || 'form'}” submitted`,
    detail: [h('span', { class: 'url' }, `on ${path(f.url)}`), ...(fields.length ? [list] : [])],
  };
}

const STAGES: Record<string, string> = {
  lead: 'Became a lead',
  mql: 'Became a marketing-qualified lead (MQL)',
  sql: 'Became a sales-qualified lead (SQL)',
  opportunity: 'Became an opportunity',
  customer: 'Became a customer',
  lost: 'Marked lost',
};

function stage(s: Row): Entry {
  const how =
    s.source === 'web' ? 'by a form on the site' : `from the CRM${s.record_id ? ` (${str(s.record_id)})` : ''}`;
  return {
    at: parseTime(s.ts),
    ts: s.ts,
    kind: 'stage',
    title: STAGES[str(s.stage)] ?? `Stage: ${str(s.stage)}`,
    detail: [how],
  };
}

function deal(d: Row, currency: string): Entry {
  const status = str(d.status);
  const amount = Number(d.amount) > 0 ? ` · ${money(Number(d.amount), str(d.currency) || currency)}` : '';
  const verb = status === 'won' ? 'won' : status === 'lost' ? 'lost' : 'opened';
  return {
    at: parseTime(d.ts),
    ts: d.ts,
    kind: 'deal',
    title: `Deal ${str(d.record_id)} ${verb}${amount}`,
    detail: [],
  };
}

function render(t: LeadTimeline, ctx: Context): HTMLElement {
  const entries = [
    ...t.touches.map(visit),
    ...t.forms.map(form),
    ...t.stages.map(stage),
    ...t.deals.map((d) => deal(d, ctx.currency)),
  ].sort((a, b) => (a.at?.getTime() ?? 0) - (b.at?.getTime() ?? 0));
  const currency = t.currency || ctx.currency;
  return h(
    'article',
    { class: 'lead' },
    h(
      'header',
      { class: 'lead-head' },
      h('h3', {}, t.email),
      h('span', { class: `badge stage-${t.stage}` }, t.stage || 'unknown'),
    ),
    h(
      'dl',
      { class: 'facts' },
      h('div', {}, h('dt', {}, 'Lead since'), h('dd', {}, dateTime(t.lead_at))),
      h('div', {}, h('dt', {}, 'Customer since'), h('dd', {}, dateTime(t.customer_at))),
      h('div', {}, h('dt', {}, 'Revenue'), h('dd', {}, money(t.revenue, currency))),
      h('div', {}, h('dt', {}, 'Visits'), h('dd', {}, String(t.touches.length))),
    ),
    h('h4', {}, 'Journey'),
    h(
      'ol',
      { class: 'timeline' },
      ...entries.map((e) =>
        h(
          'li',
          { class: `event ${e.kind}` },
          h('time', { datetime: e.at?.toISOString() ?? '' }, dateTime(e.ts)),
          h('p', { class: 'event-title' }, e.title),
          ...e.detail.map((d) => (typeof d === 'string' ? (d ? h('p', { class: 'event-detail' }, d) : null) : d)),
        ),
      ),
    ),
    h('h4', {}, `Devices (${t.visitors.length})`),
    h(
      'ul',
      { class: 'devices' },
      ...t.visitors.map((v) => h('li', {}, h('code', {}, v.visitor_id), ` recognised ${dateTime(v.identified_at)}`)),
    ),
  );
}

export function leadSection(root: HTMLElement, load: Load) {
  const formEl = root.querySelector<HTMLFormElement>('form')!;
  const input = formEl.querySelector<HTMLInputElement>('input[type=email]')!;
  const recent = root.querySelector<HTMLElement>('.recent')!;
  const result = root.querySelector<HTMLElement>('.lead-result')!;
  let ctx: Context | undefined;

  const search = (email: string) => {
    const c = ctx;
    if (!c || !email) return;
    void load(async () => {
      try {
        const timeline = await c.api.lead(c.view.site, email);
        return () => replace(result, render(timeline, c));
      } catch (err) {
        if (err instanceof ApiError && err.code === 'CL_NOT_FOUND')
          return () =>
            replace(
              result,
              h('p', { class: 'empty', role: 'status' }, `No lead with the email ${email} on this site.`),
            );
        throw err;
      }
    });
  };
  formEl.addEventListener('submit', (e) => {
    e.preventDefault();
    search(input.value.trim());
  });

  return {
    search,
    /** Forget the site and the lead shown (signing out). */
    reset: () => {
      ctx = undefined;
      input.value = '';
      replace(result);
      replace(recent);
    },
    load: async (c: Context) => {
      const siteChanged = ctx?.view.site !== c.view.site;
      ctx = c;
      if (c.readOnly) return;
      if (siteChanged) replace(result);
      replace(recent); // never the previous segment's leads under the new filters
      const leads = await c.api.recentLeads(c.query).catch(() => []);
      if (ctx !== c) return; // a newer view is loading
      const filtered = Object.keys(c.query.filters).length > 0;
      const label = filtered ? 'Leads of this period and filter:' : 'Recent leads:';
      replace(
        recent,
        h(
          'span',
          { class: 'recent-label' },
          leads.length ? label : filtered ? 'No lead of this period matches the filters.' : '',
        ),
        ...leads.map((l) => {
          const b = h('button', { type: 'button', class: 'chip' }, l.email);
          b.addEventListener('click', () => {
            input.value = l.email;
            search(l.email);
          });
          return b;
        }),
      );
    },
  };
}
