/**
 * chDB sessions for the test server, one per (database, settings). chDB applies `SET` to the whole
 * session for good (`readonly = 1` cannot be undone), while a ClickHouse server applies URL
 * settings to one request only; keeping one session per distinct combination gives every request
 * exactly its own settings, so a read-only client's settings never reach the writer's queries.
 */
import { createRequire } from 'node:module';
import { fromEngineError } from './errors.js';

export interface EngineResult {
  bytes(): Uint8Array;
  readonly elapsed: number;
  readonly rowsRead: number;
  readonly bytesRead: number;
}
interface ChdbSession {
  queryAsync(sql: string, opts?: { format?: string }): Promise<EngineResult>;
  queryBindAsync(sql: string, params: Record<string, unknown>, opts?: { format?: string }): Promise<EngineResult>;
  close(): void;
}
const require = createRequire(import.meta.url);
const { Session } = require('chdb') as { Session: new (path: string) => ChdbSession };

const SERVER_DEFAULTS = ['SET implicit_select = 0', 'SET allow_introspection_functions = 0'];
const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

interface Entry {
  readonly session: Promise<ChdbSession>;
  users: number;
  retired: boolean;
}

export interface Lease {
  readonly session: ChdbSession;
  /** Give the session back; after a failed query it is retired, because chDB can leak a failed
   *  query's unfinished output into the session's next result (a server starts each request clean). */
  release(failed: boolean): void;
}

export class SessionPool {
  private readonly entries = new Map<string, Entry>();
  private readonly all = new Set<Entry>();

  constructor(private readonly dataDir: string) {}

  /** A session using `database`, with `settings` applied in order (`readonly` last: it freezes the rest). */
  async lease(database: string, settings: ReadonlyMap<string, string>): Promise<Lease> {
    const ordered = [...settings].sort(([a], [b]) =>
      a === 'readonly' ? 1 : b === 'readonly' ? -1 : a.localeCompare(b),
    );
    const key = JSON.stringify([database, ordered]);
    let entry = this.entries.get(key);
    if (!entry) {
      entry = { session: this.open(database, ordered), users: 0, retired: false };
      this.entries.set(key, entry);
      this.all.add(entry);
      const opened = entry;
      // A failed open (unknown database, unknown setting) is not kept: the next request tries again.
      opened.session.catch(() => {
        if (this.entries.get(key) === opened) this.entries.delete(key);
        this.all.delete(opened);
      });
    }
    entry.users++;
    let session: ChdbSession;
    try {
      session = await entry.session;
    } catch (err) {
      entry.users--;
      throw err;
    }
    const held = entry;
    return {
      session,
      release: (failed) => {
        held.users--;
        if (failed && !held.retired) {
          held.retired = true;
          if (this.entries.get(key) === held) this.entries.delete(key);
        }
        if (held.retired && held.users === 0) {
          this.all.delete(held);
          session.close();
        }
      },
    };
  }

  private async open(database: string, settings: readonly (readonly [string, string])[]): Promise<ChdbSession> {
    const session = new Session(this.dataDir);
    try {
      if (!NAME.test(database))
        throw new Error(`Code: 81. DB::Exception: Database ${database} does not exist. (UNKNOWN_DATABASE)`);
      // chDB changes a few defaults for embedded use; a server has ClickHouse's own.
      for (const sql of SERVER_DEFAULTS) await session.queryAsync(sql);
      await session.queryAsync(`USE ${database}`);
      for (const [name, value] of settings) {
        if (!NAME.test(name)) throw new Error(`Code: 115. DB::Exception: Unknown setting '${name}'. (UNKNOWN_SETTING)`);
        await session.queryAsync(`SET ${name} = '${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`);
      }
      return session;
    } catch (err) {
      session.close();
      throw fromEngineError(err);
    }
  }

  async close(): Promise<void> {
    const all = [...this.all];
    this.all.clear();
    this.entries.clear();
    for (const s of await Promise.allSettled(all.map((e) => e.session))) if (s.status === 'fulfilled') s.value.close();
  }
}
