/**
 * The dashboard's entry: sign in (or reuse this tab's token), then wire the controls — site,
 * period, model, grouping, conversion — to the sections that depend on them. Each section loads
 * on its own, so a slow report never holds up the others.
 */
import { Api, type Site } from './api.js';
import { campaignsSection } from './campaigns.js';
import { byId, h, replace } from './dom.js';
import { funnelSection } from './funnel.js';
import { leadSection } from './lead.js';
import { modelsSection } from './models.js';
import { overviewSection } from './overview.js';
import { unmount } from './charts/responsive.js';
import { loader, type Context } from './section.js';
import { forgetToken, savedToken } from './session.js';
import { explain, showSignIn } from './signin.js';
import { PERIODS, rangeOf, readView, writeView, type View } from './state.js';

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
  showSignIn(startDashboard, message);
}

const unauthorized = () => signOut('Your session has ended: the token is no longer accepted. Sign in again.');
const section = (id: string) => ({ el: byId(id), load: loader(byId(id), unauthorized) });
const s1 = section('overview');
const s2 = section('campaigns');
const s3 = section('models');
const s4 = section('funnel');
const s5 = section('lead');
const overview = overviewSection(s1.el, s1.load);
const campaigns = campaignsSection(s2.el, s2.load);
const models = modelsSection(s3.el, s3.load);
const funnel = funnelSection(s4.el, s4.load);
const lead = leadSection(s5.el, s5.load);

const siteSelect = byId<HTMLSelectElement>('site');
const modelSelect = byId<HTMLSelectElement>('model');
const groupSelect = byId<HTMLSelectElement>('group-by');
const conversionSelect = byId<HTMLSelectElement>('conversion');
const periodInputs = [...document.querySelectorAll<HTMLInputElement>('input[name=period]')];

let api: Api | undefined;
let view: View = readView();
let currency = '';

function context(): Context {
  return { api: api!, view, range: rangeOf(view.days), currency };
}

function change(patch: Partial<View>, reload: 'all' | 'campaigns' | 'models'): void {
  view = { ...view, ...patch };
  writeView(view);
  if (reload === 'campaigns') void campaigns.load(context());
  else if (reload === 'models') void models.load(context());
  else loadAll();
}

function loadAll(): void {
  if (!api) return;
  byId('period-label').textContent = `Last ${view.days} days`;
  const ctx = context();
  void overview.load(ctx);
  void campaigns.load(ctx);
  void models.load(ctx);
  void funnel.load(ctx);
  void lead.load(ctx);
}

function startDashboard(signedInApi: Api, sites: Site[]): void {
  api = signedInApi;
  if (!sites.some((s) => s.site_id === view.site)) view = { ...view, site: sites[0]?.site_id ?? '' };
  replace(siteSelect, ...sites.map((s) => h('option', { value: s.site_id, selected: s.site_id === view.site }, s.name ? `${s.name} (${s.site_id})` : s.site_id)));
  modelSelect.value = view.model;
  groupSelect.value = view.groupBy;
  conversionSelect.value = view.conversion;
  for (const p of periodInputs) p.checked = p.value === String(view.days);
  writeView(view);
  app.hidden = false;
  if (!sites.length) {
    replace(byId('no-sites'), 'No site yet: add one with ', h('code', {}, 'npx closeloop sites add shop.example.com'), '.');
    return;
  }
  void signedInApi.currency(view.site).then((c) => {
    currency = c;
    loadAll();
  });
}

siteSelect.addEventListener('change', () => {
  view = { ...view, site: siteSelect.value };
  writeView(view);
  void api?.currency(view.site).then((c) => {
    currency = c;
    loadAll();
  });
});
for (const p of periodInputs) p.addEventListener('change', () => p.checked && change({ days: PERIODS.find((d) => String(d) === p.value) ?? 30 }, 'all'));
modelSelect.addEventListener('change', () => change({ model: modelSelect.value as View['model'] }, 'campaigns'));
groupSelect.addEventListener('change', () => change({ groupBy: groupSelect.value as View['groupBy'] }, 'campaigns'));
conversionSelect.addEventListener('change', () => change({ conversion: conversionSelect.value as View['conversion'] }, 'models'));
byId('sign-out').addEventListener('click', () => signOut());

byId('boot').hidden = true;
const token = savedToken();
if (token) {
  const saved = new Api(token);
  saved.sites().then(
    (sites) => startDashboard(saved, sites),
    (err: unknown) => signOut(explain(err)),
  );
} else {
  showSignIn(startDashboard);
}
