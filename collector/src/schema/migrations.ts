/**
 * The schema: every table's and view's migrations in version order (each table's DDL lives beside it
 * in storage/, the attribution views in attribution/views.ts), and `migrate` that applies the
 * missing ones (storage/migrations.ts: lock, record, cluster). This list sits above both storage/ and
 * attribution/, so neither imports the other's way back.
 */
import { attributionViewsMigrations } from '../attribution/views.js';
import { apiTokensMigrations } from '../storage/api-tokens.js';
import { costsMigrations } from '../storage/costs.js';
import { deadLettersMigrations } from '../storage/dead-letters.js';
import { dealsMigrations } from '../storage/deals.js';
import { eventsMigrations } from '../storage/events.js';
import { identitiesMigrations } from '../storage/identities.js';
import { privacyRequestsMigrations } from '../storage/privacy-requests.js';
import { sessionsMigrations } from '../storage/sessions.js';
import { sitesMigrations } from '../storage/sites.js';
import { stagesMigrations } from '../storage/stages.js';
import { statedSourcesMigrations } from '../storage/stated-sources.js';
import type { Db } from '../storage/db.js';
import type { Migration } from '../storage/migration.js';
import { applyMigrations } from '../storage/migrations.js';
import type { Topology } from '../storage/cluster.js';

export const MIGRATIONS: readonly Migration[] = [
  ...eventsMigrations,
  ...sitesMigrations,
  ...deadLettersMigrations,
  ...identitiesMigrations,
  ...stagesMigrations,
  ...dealsMigrations,
  ...attributionViewsMigrations,
  ...costsMigrations,
  ...privacyRequestsMigrations,
  ...sessionsMigrations,
  ...apiTokensMigrations,
  ...statedSourcesMigrations,
].sort((a, b) => a.version - b.version);

/** Apply the missing migrations of `migrations` (all by default) in order: see storage/migrations.ts applyMigrations. */
export const migrate = (
  db: Db,
  migrations: readonly Migration[] = MIGRATIONS,
  topology?: Topology,
): Promise<number[]> => (topology ? applyMigrations(db, migrations, topology) : applyMigrations(db, migrations));
