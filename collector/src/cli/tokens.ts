/**
 * `closeloop tokens add --analyst --name NAME`, `closeloop tokens add --share --site S --name NAME`,
 * `closeloop tokens list [--site S]` and `closeloop tokens revoke <id>`: read-only credentials for
 * analysts and for dashboard share links. The token is printed once, at creation.
 */
import type { Config } from '../base/config.js';
import { ClError } from '../base/errors.js';
import { TokenCache, type TokenView } from '../plugins/tokens.js';
import type { TokenKind } from '../storage/api-tokens.js';
import type { Db } from '../storage/db.js';
import { listSites } from '../storage/sites.js';
import { httpAdminClient, viaCollectorOrStore as viaCollectorOrDb } from './admin-client.js';

const viaCollectorOrStore = <T>(
  config: Config,
  remote: () => Promise<T>,
  local: (tokens: TokenCache, db: Db) => Promise<T>,
) => viaCollectorOrDb(config, remote, (db) => local(new TokenCache(db), db));

export async function tokensAddCommand(
  config: Config,
  input: { kind: TokenKind; name: string; site?: string },
  out: (s: string) => void,
): Promise<void> {
  const created = await viaCollectorOrStore(
    config,
    () => httpAdminClient(config).call<TokenView & { token: string }>('POST', '/v1/admin/tokens', input),
    async (tokens, db) => {
      // Without a collector the store is opened directly: check what the API would.
      if (input.kind === 'share') {
        if (!input.site)
          throw new ClError('CL_INVALID_REQUEST', 'A share token is for one site: --site SITE_ID.', { path: 'site' });
        if (!(await listSites(db)).some((s) => s.site_id === input.site))
          throw new ClError('CL_UNKNOWN_SITE', `No site has the id '${input.site}'.`);
      } else if (input.site) {
        throw new ClError(
          'CL_INVALID_REQUEST',
          'An analyst token reads every site: leave out --site (a share token is bound to one).',
          { path: 'site' },
        );
      }
      return tokens.create(input);
    },
  );
  out(`${created.kind} token ${created.id} (${created.name})${created.site ? ` for site ${created.site}` : ''}:`);
  out(`  ${created.token}`);
  out(
    created.kind === 'analyst'
      ? 'It may run SQL (closeloop sql, POST /v1/query) and read every report; shown only now — keep it safe.'
      : "It may read this site's attribution and reports (a dashboard share link); shown only now.",
  );
}

export async function tokensListCommand(
  config: Config,
  site: string | undefined,
  out: (s: string) => void,
): Promise<void> {
  const list = await viaCollectorOrStore(
    config,
    async () =>
      (
        await httpAdminClient(config).call<{ tokens: TokenView[] }>(
          'GET',
          `/v1/admin/tokens${site ? `?site=${encodeURIComponent(site)}` : ''}`,
        )
      ).tokens,
    (tokens) => tokens.list(site),
  );
  if (list.length === 0) out('no tokens: closeloop tokens add --analyst --name NAME');
  for (const t of list)
    out(`${t.id}  ${t.kind.padEnd(8)} ${(t.site ?? '(all sites)').padEnd(30)} ${t.created_at}  ${t.name}`);
}

export async function tokensRevokeCommand(config: Config, id: string, out: (s: string) => void): Promise<void> {
  await viaCollectorOrStore(
    config,
    () => httpAdminClient(config).call('DELETE', `/v1/admin/tokens/${encodeURIComponent(id)}`),
    (tokens) => tokens.revoke(id),
  );
  out(`token ${id} revoked`);
}
