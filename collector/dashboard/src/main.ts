/**
 * The dashboard's entry: sign in (or reuse this tab's token), then wire the controls — site, date
 * range and comparison, filters, model, grouping, conversion — to the sections that depend on them.
 * Each section loads on its own, so a slow report never holds up the others.
 */
import { Api, type Filter, type GroupBy, type ReportPath, type ReportQuery, type Site } from './api.js';
import { campaignsSection } from './campaigns.js';
import { filterBar } from './chips.js';
import { downloadCsv } from './csv-download.js';
import { byId, h, replace } from './dom.js';
import { funnelSection } from './funnel.js';
import { leadSection } from './lead.js';
import { modelsSection } from './models.js';
import { overviewSection } from './overview.js';
import { pathsSection } from './paths.js';
import { statedModel, statedSection } from './stated.js';
import { unmount } from './charts/responsive.js';
import { dayRange, describeRange, todayIn } from './range.js';
import { loader, type Context } from './section.js';
import { forgetToken, savedToken } from './session.js';
import { sharedLink, sharedSite, sharePanel } from './share.js';
import { explain, showSignIn } from './signin.js';
import { readView, writeView, type Compare, type View } from './state.js';

const app = byId('app');

/** Forget the token and everything shown with it. */
function signOut(message = ''): void {
  forgetToken();
  api = undefined;
  app.hidden = true;
  for (const box of app.querySelectorAll<HTMLElement>('.chart-box')) unmount(box);
  for (const box of app.querySelectorAll('.cards, .table-box')) box.replaceChildren();
  for (const box of app.querySelectorAll<HTMLElement>('.section-error')) box.hidden = true;
  lead.reset();
  share.hide();
  if (readOnly) {
    readOnly = false;
    document.body.classList.remove('read-only');
    history.replaceState(null, '', location.pathname);
    message ||= 'This share link is no longer valid.';
  }
  showSignIn((a, s) => startDashboard(a, s), message);
}

const unauthorized = () =>
  signOut(
    readOnly
      ? 'This share link has been revoked or is no longer valid. Sign in with the admin token, or ask for a new link.'
      : 'Your session has ended: the token is no longer accepted. Sign in again.',
  );
const section = (id: string) => ({ el: byId(id), load: loader(byId(id), unauthorized) });
const s1 = section('overview');
const s2 = section('campaigns');
const s3 = section('models');
const s4 = section('funnel');
const s5 = section('lead');
const s6 = section('paths');
const s7 = section('stated');
const overview = overviewSection(s1.el, s1.load);
const campaigns = campaignsSection(s2.el, s2.load);
const models = modelsSection(s3.el, s3.load);
const funnel = funnelSection(s4.el, s4.load);
const lead = leadSection(s5.el, s5.load);
const paths = pathsSection(s6.el, s6.load);
const stated = statedSection(s7.el, s7.load);
const chips = filterBar(byId('filter-bar'), (filters) => change({ filters }, 'all'));

const siteSelect = byId<HTMLSelectElement>('site');
const modelSelect = byId<HTMLSelectElement>('model');
const groupSelect = byId<HTMLSelectElement>('group-by');
const conversionSelect = byId<HTMLSelectElement>('conversion');
const rangeSelect = byId<HTMLSelectElement>('range');
const fromInput = byId<HTMLInputElement>('from');
const toInput = byId<HTMLInputElement>('to');
const compareSelect = byId<HTMLSelectElement>('compare');

let api: Api | undefined;
let view: View = readView();
let sites: Site[] = [];
let currency = '';
let readOnly = false;
/** Kept in the fragment beside the view (a share link's token and site). */
let fragmentExtra: Record<string, string> = {};

const timeZone = () => sites.find((s) => s.site_id === view.site)?.time_zone || 'UTC';

function query(): ReportQuery {
  const days = dayRange(view, todayIn(timeZone()));
  return { site: view.site, ...days, compare: view.compare, filters: view.filters, timeZone: timeZone() };
}

function context(): Context {
  return { api: api!, view, query: query(), currency, readOnly, drill };
}

/** Drill-down: narrow every panel to `value`, and group the campaigns by the next dimension (or show the leads). */
function drill(filter: Filter, value: string, next?: GroupBy): void {
  change({ filters: { ...view.filters, [filter]: value }, ...(next ? { groupBy: next } : {}) }, 'all');
  if (next) groupSelect.value = next;
  else if (!readOnly) byId('lead').scrollIntoView({ block: 'start' });
}

function change(patch: Partial<View>, reload: 'all' | 'campaigns' | 'models'): void {
  view = { ...view, ...patch };
  writeView(view, fragmentExtra);
  if (reload === 'campaigns') {
    void campaigns.load(context());
    if (patch.model) void stated.load(context());
  } else if (reload === 'models') void models.load(context());
  else loadAll();
}

function showControls(): void {
  rangeSelect.value = view.range;
  const days = dayRange(view, todayIn(timeZone()));
  fromInput.value = days.from;
  toInput.value = new Date(Date.parse(`${days.to}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);
  byId('custom-range').hidden = view.range !== 'custom';
  compareSelect.value = view.compare;
  modelSelect.value = view.model;
  groupSelect.value = view.groupBy;
  conversionSelect.value = view.conversion;
  chips.show(view.filters);
  const compared =
    view.compare === 'previous'
      ? ', compared with the period before'
      : view.compare === 'year'
        ? ', compared with a year earlier'
        : '';
  byId('period-label').textContent = `${describeRange(days)}${compared}`;
  byId('time-zone').textContent = timeZone();
}

function loadAll(): void {
  if (!api) return;
  showControls();
  const ctx = context();
  void overview.load(ctx);
  void campaigns.load(ctx);
  void models.load(ctx);
  void funnel.load(ctx);
  void paths.load(ctx);
  void stated.load(ctx);
  void lead.load(ctx);
}

/** Start with a signed-in API (admin token) or a share link's (read-only, one site). */
export function startDashboard(
  signedInApi: Api,
  known: Site[],
  options: { readOnly?: boolean; extra?: Record<string, string> } = {},
): void {
  api = signedInApi;
  sites = known;
  readOnly = options.readOnly ?? false;
  fragmentExtra = options.extra ?? {};
  document.body.classList.toggle('read-only', readOnly);
  if (!sites.some((s) => s.site_id === view.site)) view = { ...view, site: sites[0]?.site_id ?? '' };
  replace(
    siteSelect,
    ...sites.map((s) =>
      h(
        'option',
        { value: s.site_id, selected: s.site_id === view.site },
        s.name ? `${s.name} (${s.site_id})` : s.site_id,
      ),
    ),
  );
  writeView(view, fragmentExtra);
  app.hidden = false;
  if (!sites.length) {
    replace(
      byId('no-sites'),
      'No site yet: add one with ',
      h('code', {}, 'npx closeloop sites add shop.example.com'),
      '.',
    );
    return;
  }
  showControls();
  void signedInApi.currency(view.site).then((c) => {
    currency = c;
    loadAll();
  });
}

siteSelect.addEventListener('change', () => {
  view = { ...view, site: siteSelect.value, filters: {} };
  writeView(view, fragmentExtra);
  void api?.currency(view.site).then((c) => {
    currency = c;
    loadAll();
  });
});
rangeSelect.addEventListener('change', () => {
  if (rangeSelect.value === 'custom') {
    byId('custom-range').hidden = false;
    return change({ range: 'custom', from: fromInput.value, to: toInput.value }, 'all');
  }
  change({ range: rangeSelect.value as View['range'] }, 'all');
});
for (const input of [fromInput, toInput]) {
  input.addEventListener('change', () => {
    if (fromInput.value && toInput.value && fromInput.value <= toInput.value)
      change({ range: 'custom', from: fromInput.value, to: toInput.value }, 'all');
  });
}
compareSelect.addEventListener('change', () => change({ compare: compareSelect.value as Compare }, 'all'));
modelSelect.addEventListener('change', () => change({ model: modelSelect.value as View['model'] }, 'campaigns'));
groupSelect.addEventListener('change', () => change({ groupBy: groupSelect.value as View['groupBy'] }, 'campaigns'));
conversionSelect.addEventListener('change', () =>
  change({ conversion: conversionSelect.value as View['conversion'] }, 'models'),
);
byId('sign-out').addEventListener('click', () => signOut());
const share = sharePanel(
  byId('share-box'),
  () => (readOnly ? undefined : api),
  () => view.site,
);
byId('share').addEventListener('click', () => void share.toggle());

const CSV_EXTRA: Record<string, () => Record<string, string>> = {
  'attribution/roi': () => ({ model: view.model, groupBy: view.groupBy }),
  'attribution/compare': () => ({ conversion: view.conversion, groupBy: 'channel' }),
  'reports/paths': () => ({ conversion: paths.conversion() }),
  'reports/stated-source': () => ({ model: statedModel(context()), conversion: 'lead' }),
};
for (const button of document.querySelectorAll<HTMLButtonElement>('button[data-csv]')) {
  button.addEventListener('click', () => {
    const path = button.dataset.csv as ReportPath;
    if (api) void downloadCsv(api, path, query(), CSV_EXTRA[path]?.() ?? {});
  });
}

byId('boot').hidden = true;
const token = savedToken();
const link = sharedLink();
if (link) {
  // A share link: the token alone, read-only, never kept in storage.
  const shared = new Api(link.token);
  view = { ...view, site: link.site };
  sharedSite(shared, link.site).then(
    (site) => startDashboard(shared, [site], { readOnly: true, extra: { share: link.token } }),
    (err: unknown) => showSignIn((a, s) => startDashboard(a, s), `This share link does not work: ${explain(err)}`),
  );
} else if (token) {
  const saved = new Api(token);
  saved.sites().then(
    (list) => startDashboard(saved, list),
    (err: unknown) => signOut(explain(err)),
  );
} else {
  showSignIn((a, s) => startDashboard(a, s));
}
