/**
 * Infrastructure plugin: the analyst and share token cache (`app.tokens`). A bearer token is looked
 * up by its SHA-256 among the live tokens; the list is small and reloaded when it is more than 5 s
 * old, so a token revoked through another collector stops working within 5 s, and one revoked here
 * at once (the revoke reloads the cache before it answers).
 */
import { randomUUID } from 'node:crypto';
import fp from 'fastify-plugin';
import { ClError } from '../base/errors.js';
import { listTokens, saveToken, type ApiToken, type TokenKind } from '../storage/api-tokens.js';
import type { Db } from '../storage/db.js';
import { hashSecret, newSecret } from '../sites/secret.js';

declare module 'fastify' {
  interface FastifyInstance {
    tokens: TokenCache;
  }
}

/** What the API shows of a token: never its hash. `site` is null for analyst tokens. */
export interface TokenView {
  id: string;
  kind: TokenKind;
  name: string;
  site: string | null;
  created_at: string;
}

export const TOKEN_PREFIX: Record<TokenKind, string> = { analyst: 'at_', share: 'sh_' };
const MAX_AGE_MS = 5_000;

export const tokenHash = hashSecret;

export class TokenCache {
  private byHash = new Map<string, ApiToken>();
  private byId = new Map<string, ApiToken>();
  private loadedAt = 0;
  private loading: Promise<void> | undefined;

  constructor(private readonly db: Db) {}

  async load(): Promise<void> {
    this.loading ??= listTokens(this.db)
      .then((tokens) => {
        const live = tokens.filter((t) => !t.revoked);
        this.byHash = new Map(live.map((t) => [t.token_hash, t]));
        this.byId = new Map(live.map((t) => [t.id, t]));
        this.loadedAt = Date.now();
      })
      .finally(() => {
        this.loading = undefined;
      });
    return this.loading;
  }

  /** The live token this bearer string is, or undefined (not a token, unknown or revoked). */
  async find(bearer: string): Promise<ApiToken | undefined> {
    if (!Object.values(TOKEN_PREFIX).some((p) => bearer.startsWith(p)) || bearer.length > 200) return undefined;
    if (Date.now() - this.loadedAt > MAX_AGE_MS) await this.load().catch(() => undefined); // ClickHouse down: what we know
    const token = this.byHash.get(tokenHash(bearer));
    return token && bearer.startsWith(TOKEN_PREFIX[token.kind]) ? token : undefined;
  }

  /** Live tokens, optionally of one site (share tokens), without their hashes. */
  async list(site?: string): Promise<TokenView[]> {
    await this.load();
    return [...this.byId.values()].filter((t) => site === undefined || t.site_id === site).map(view);
  }

  /** A new token; the secret is returned only here. */
  async create(input: { kind: TokenKind; name: string; site?: string }): Promise<TokenView & { token: string }> {
    const secret = newSecret(TOKEN_PREFIX[input.kind]);
    const token: ApiToken = {
      id: randomUUID(),
      kind: input.kind,
      name: input.name,
      site_id: input.kind === 'share' ? (input.site ?? '') : '',
      token_hash: tokenHash(secret),
      created_at: '',
      revoked: false,
    };
    await saveToken(this.db, token);
    await this.load();
    const saved = this.byId.get(token.id) ?? token;
    return { ...view(saved), token: secret };
  }

  /** The live token with this id (for scope checks before a revoke), or undefined. */
  async get(id: string): Promise<TokenView | undefined> {
    await this.load();
    const t = this.byId.get(id);
    return t && view(t);
  }

  /** Revoke a token: refused from the next request on, on this collector. */
  async revoke(id: string): Promise<void> {
    await this.load();
    const token = this.byId.get(id);
    if (!token) throw new ClError('CL_NOT_FOUND', `No live token has the id '${id.slice(0, 64)}'.`);
    await saveToken(this.db, { ...token, revoked: true });
    await this.load();
  }
}

function view(t: ApiToken): TokenView {
  return {
    id: t.id,
    kind: t.kind,
    name: t.name,
    site: t.kind === 'share' ? t.site_id : null,
    created_at: t.created_at,
  };
}

export default fp(
  async (app) => {
    const cache = new TokenCache(app.db);
    await cache
      .load()
      .catch((err: unknown) =>
        app.log.warn({ err }, 'tokens: ClickHouse unreadable; analyst and share tokens are checked once it answers'),
      );
    app.decorate('tokens', cache);
  },
  { name: 'tokens', dependencies: ['clickhouse'] },
);
