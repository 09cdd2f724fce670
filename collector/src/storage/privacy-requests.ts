/**
 * `privacy_requests`: every access (export) and erasure request that was carried out — when, for
 * which site, and what it found or deleted — so a site can show that it answered. The subject is
 * kept only as a SHA-256 hash (of the normalized email or the visitor id), never in clear.
 */
import { createHash } from 'node:crypto';
import type { Db } from './db.js';
import type { Migration } from './migration.js';
import { toClickHouseTime } from './time.js';

export const privacyRequestsMigrations: readonly Migration[] = [
  {
    version: 16,
    name: 'create privacy_requests',
    statements: (db) => [
      `CREATE TABLE IF NOT EXISTS ${db}.privacy_requests
      (
        site_id      LowCardinality(String),
        kind         LowCardinality(String),
        subject_hash String,
        ts           DateTime64(3, 'UTC'),
        detail       String
      )
      ENGINE = MergeTree
      ORDER BY (site_id, ts)`,
    ],
  },
];

export const subjectHash = (subject: string) => createHash('sha256').update(subject).digest('hex');

export function recordPrivacyRequest(
  db: Db,
  siteId: string,
  kind: 'export' | 'erase',
  subject: string,
  detail: object,
  at = Date.now(),
): Promise<void> {
  return db.insert('privacy_requests', [
    {
      site_id: siteId,
      kind,
      subject_hash: subjectHash(subject),
      ts: toClickHouseTime(at),
      detail: JSON.stringify(detail),
    },
  ]);
}
