/** A numbered, idempotent schema change. `statements` get the (validated) database name. */
export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly statements: (database: string) => readonly string[];
}
