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

export class SessionPool {
  private readonly sessions = new Map<string, Promise<ChdbSession>>();

  constructor(private readonly dataDir: string) {}

  /** A session using `database`, with `settings` applied in order (`readonly` last: it freezes the rest). */
  get(database: string, settings: ReadonlyMap<string, string>): Promise<ChdbSession> {
    const ordered = [...settings].sort(([a], [b]) => (a === 'readonly' ? 1 : b === 'readonly' ? -1 : a.localeCompare(b)));
    const key = JSON.stringify([database, ordered]);
    let session = this.sessions.get(key);
    if (!session) {
      session = this.open(database, ordered);
      this.sessions.set(key, session);
      // A failed open (unknown database, unknown setting) is not kept: the next request tries again.
      session.catch(() => this.sessions.delete(key));
    }
    return session;
  }

  private async open(database: string, settings: readonly (readonly [string, string])[]): Promise<ChdbSession> {
    const session = new Session(this.dataDir);
    try {
      if (!NAME.test(database)) throw new Error(`Code: 81. DB::Exception: Database ${database} does not exist. (UNKNOWN_DATABASE)`);
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
    const all = [...this.sessions.values()];
    this.sessions.clear();
    for (const s of await Promise.allSettled(all)) if (s.status === 'fulfilled') s.value.close();
  }
}
