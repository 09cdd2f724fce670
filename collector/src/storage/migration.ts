import type { Db } from './db.js';

/** A numbered, idempotent schema change. `statements` get the (validated) database name. */
export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly statements: (database: string) => readonly string[];
  /**
   * For a migration whose statements must not run twice (a rewrite): true when the store already
   * has its result (a start died after its work, before recording it); it is then only recorded.
   */
  readonly done?: (db: Db) => Promise<boolean>;
}
