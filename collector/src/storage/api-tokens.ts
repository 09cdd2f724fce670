/**
 * `api_tokens`: read-only credentials besides the admin token — analyst tokens (`at_…`: `/v1/query`
 * and every report, any site) and share tokens (`sh_…`: one site's reports, for dashboard share
 * links). Only a SHA-256 of each token is stored; revoking writes a new version with `revoked`.
 * Few rows, read through the token cache (plugins/tokens.ts).
 */
import type { Db } from './db.js';
import type { Migration } from './migration.js';
import { toClickHouseTime } from './time.js';

export const TOKEN_KINDS = ['analyst', 'share'] as const;
export type TokenKind = (typeof TOKEN_KINDS)[number];

export interface ApiToken {
  id: string;
  kind: TokenKind;
  name: string;
  /** The one site a share token opens; empty for analyst tokens. */
  site_id: string;
  /** SHA-256 (hex) of the token. Never shown by the API. */
  token_hash: string;
  created_at: string;
  revoked: boolean;
}

export const apiTokensMigrations: readonly Migration[] = [
  {
    version: 21,
    name: 'create api_tokens',
    statements: (db) => [
      `CREATE TABLE IF NOT EXISTS ${db}.api_tokens
      (
        id         String,
        kind       LowCardinality(String),
        name       String,
        site_id    String,
        token_hash String,
        created_at DateTime64(3, 'UTC'),
        updated_at DateTime64(3, 'UTC'),
        revoked    Bool DEFAULT false
      )
      ENGINE = ReplacingMergeTree(updated_at)
      ORDER BY id`,
    ],
  },
];

export async function listTokens(db: Db): Promise<ApiToken[]> {
  const rows = await db.query<ApiToken>(
    `SELECT id, kind, name, site_id, token_hash, toString(created_at) AS created_at, revoked
     FROM ${db.database}.api_tokens FINAL ORDER BY created_at, id`,
  );
  return rows.map((r) => ({ ...r, revoked: Boolean(r.revoked) }));
}

/** Insert a token's new version (created, or revoked). */
export async function saveToken(db: Db, token: ApiToken): Promise<void> {
  const now = toClickHouseTime(Date.now());
  await db.insert('api_tokens', [{ ...token, created_at: token.created_at || now, updated_at: now }]);
}
