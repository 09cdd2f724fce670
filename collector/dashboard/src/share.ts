/**
 * Read-only share links. The "Share" action (admin) creates a share token for the site
 * (POST /v1/admin/tokens, kind "share") and shows a link that carries it in the URL fragment —
 * `…/dashboard/#share=sh_…&site=…` — so it never reaches a server log or a Referer; the list of
 * the site's links can revoke any of them. Opened with such a link, the dashboard signs in with the
 * token alone and runs read-only: reports only, no lead timelines (they hold emails), no admin actions.
 */
import { Api, type Site } from './api.js';
import { h, replace } from './dom.js';
import { dateTime } from './format.js';

export interface ShareToken {
  id: string;
  kind: string;
  name: string;
  site: string;
  created_at: string;
  token?: string;
}

/** The share token and site a link opened the dashboard with, if any. */
export function sharedLink(hash = location.hash): { token: string; site: string } | undefined {
  const p = new URLSearchParams(hash.slice(1));
  const token = p.get('share') ?? '';
  const site = p.get('site') ?? '';
  return /^sh_[\w-]{8,200}$/.test(token) && site ? { token, site } : undefined;
}

/** The shared site as the dashboard needs it: its time zone comes with any report. */
export async function sharedSite(api: Api, site: string): Promise<Site> {
  const today = new Date().toISOString().slice(0, 10);
  const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
  const o = await api.overview({ site, from: today, to: tomorrow, compare: '', filters: {} });
  return { site_id: site, name: '', domains: [], public_key: '', time_zone: o.time_zone };
}

export function shareLink(token: string, site: string, viewHash: string): string {
  const p = new URLSearchParams(viewHash.slice(1));
  p.delete('share');
  p.delete('site');
  return `${location.origin}/dashboard/#share=${encodeURIComponent(token)}&site=${encodeURIComponent(site)}${p.size ? `&${p}` : ''}`;
}

/** The "Share" panel: create a link for the site, list and revoke its links. */
export function sharePanel(box: HTMLElement, api: () => Api | undefined, site: () => string) {
  const render = async (created?: string) => {
    const a = api();
    if (!a) return;
    const { tokens } = await a.tokens(site());
    const name = h('input', {
      type: 'text',
      maxlength: '200',
      placeholder: 'Who is it for? e.g. Board report',
      'aria-label': 'Name of the link',
    });
    const create = h('button', { type: 'button', class: 'primary' }, 'Create read-only link');
    create.addEventListener('click', async () => {
      const t = await a.createShareToken(site(), name.value.trim() || 'Shared dashboard');
      await render(shareLink(t.token!, site(), location.hash));
    });
    const list = tokens
      .filter((t) => t.kind === 'share')
      .map((t) => {
        const revoke = h('button', { type: 'button', class: 'ghost', 'data-token': t.id }, 'Revoke');
        revoke.addEventListener('click', async () => {
          await a.revokeToken(t.id);
          await render();
        });
        return h('li', { 'data-token': t.id }, `${t.name} · created ${dateTime(t.created_at)} `, revoke);
      });
    replace(
      box,
      h(
        'p',
        {},
        h('strong', {}, 'Share a read-only view'),
        ` of ${site()}: whoever has the link sees these reports (no lead details, no settings) until you revoke it.`,
      ),
      created
        ? h(
            'p',
            {},
            h(
              'label',
              {},
              'Link (shown once): ',
              h('input', { type: 'text', readonly: true, value: created, class: 'share-link' }),
            ),
          )
        : null,
      h('p', {}, name, ' ', create),
      list.length ? h('ul', { class: 'share-list' }, ...list) : h('p', { class: 'hint' }, 'No link shared yet.'),
    );
    box.querySelector<HTMLInputElement>('.share-link')?.select();
  };
  return {
    toggle: async () => {
      box.hidden = !box.hidden;
      if (!box.hidden) await render();
    },
    hide: () => {
      box.hidden = true;
      replace(box);
    },
  };
}
