/**
 * Configuration: read once from the environment at boot, validated, defaults applied, frozen.
 * This is the only module that knows environment variable names; nothing else reads process.env.
 */
import type { IpLogging } from './ip.js';
import path from 'node:path';
import { z } from 'zod';
import { ClError } from './errors.js';

const intIn = (min: number, max: number) =>
  z.coerce
    .number()
    .int(`must be a whole number from ${min} to ${max}`)
    .min(min, `must be ≥ ${min}`)
    .max(max, `must be ≤ ${max}`);
const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

/** Every setting, keyed by its environment variable, with its default and meaning (rendered in docs/operations.md). */
export const CONFIG_REFERENCE = [
  ['PORT', '8080', 'HTTP port of the collector.'],
  ['HOST', 'localhost', 'Interface to listen on (`0.0.0.0` for all).'],
  [
    'CLOSELOOP_DATA_DIR',
    './data',
    'Data directory: embedded ClickHouse files, the event spool (`spool/`), the generated admin token and a copy of the site list.',
  ],
  [
    'CLICKHOUSE_URL',
    '(unset)',
    'A ClickHouse server (≥ 24.8), e.g. `http://localhost:8123`. Unset: embedded ClickHouse (chDB) in the data directory.',
  ],
  ['CLICKHOUSE_USER', 'default', 'User for `CLICKHOUSE_URL`.'],
  ['CLICKHOUSE_PASSWORD', '(empty)', 'Password for `CLICKHOUSE_URL`.'],
  ['CLICKHOUSE_DATABASE', 'closeloop', 'Database holding closeloop tables (created at start).'],
  [
    'CLICKHOUSE_CLUSTER',
    '(unset)',
    'Name of a ClickHouse cluster (`remote_servers`) behind `CLICKHOUSE_URL`: tables become Replicated*, `events` and `sessions` sharded through `Distributed` tables. Migrations run per host. See docs/scaling.md.',
  ],
  [
    'CLOSELOOP_ADMIN_TOKEN',
    '(generated in demo mode)',
    'Bearer token for admin APIs (`/v1/query`, `/v1/admin/*`). `npm start` generates one and keeps it in `DATA_DIR/admin-token`; `closeloop start` refuses to run without it.',
  ],
  [
    'CLOSELOOP_DEMO',
    'false',
    'Serve the demo site under `/demo/` with the demo site key `pk_demo` (set by `npm start`).',
  ],
  [
    'CLOSELOOP_DEMO_DATA',
    'true',
    'In demo mode, fill the empty demo site with a generated, realistic 90 days of traffic, leads, deals and costs (seeded: the same every time), so the dashboard has something to show. `false`: start empty.',
  ],
  [
    'CLOSELOOP_URL',
    'http://HOST:PORT',
    'Where CLI commands (`closeloop sql`, `closeloop sites`, `closeloop import`) find the running collector (HOST `0.0.0.0` → `127.0.0.1`) when none recorded itself in the data directory (`DATA_DIR/collector.json`: a running collector there is always used).',
  ],
  ['CLOSELOOP_MAX_BODY_BYTES', '1048576', 'Largest accepted request body; larger gets `413 CL_BODY_TOO_LARGE`.'],
  ['CLOSELOOP_INSERT_MAX_ROWS', '50000', 'Most rows in one ClickHouse insert from the spool.'],
  [
    'CLOSELOOP_INSERT_INTERVAL_MS',
    '1000',
    'At most one insert per this many ms while fewer than `CLOSELOOP_INSERT_MAX_ROWS` rows are waiting: rows gather until the interval since the previous insert *started* is over, so a slow insert is followed at once by the next, never by an idle wait. About one insert per second, as ClickHouse prefers (fewer parts to merge).',
  ],
  [
    'CLOSELOOP_SPOOL_MAX_BYTES',
    '134217728',
    'Most bytes of accepted events not yet in ClickHouse (spooled on disk, also held in memory). Beyond it `POST /v1/events` answers `503 CL_SPOOL_FULL` with `Retry-After`.',
  ],
  [
    'CLOSELOOP_SPOOL_SITE_SHARE',
    '50',
    'Percent of `CLOSELOOP_SPOOL_MAX_BYTES` one site may hold (never less than two of the largest bodies). A site over its share gets `503 CL_SITE_SPOOL_FULL` with `Retry-After` while the others are still acknowledged; `100` turns the share off (an installation with one site may as well).',
  ],
  ['CLOSELOOP_SPOOL_SEGMENT_BYTES', '16777216', 'Size at which a spool segment file is closed and a new one started.'],
  [
    'CLOSELOOP_SHUTDOWN_GRACE_S',
    '10',
    'On SIGTERM/SIGINT: how long to keep writing the spool to ClickHouse before exiting (what is left is replayed at the next start), and to let open connections finish their answers before they are cut.',
  ],
  [
    'CLOSELOOP_RATE_LIMIT',
    '1200',
    'Event requests per minute per client IP and site key; more get `429 CL_RATE_LIMITED`. `0` turns the limit off.',
  ],
  [
    'CLOSELOOP_SITE_RATE_LIMIT',
    '60000',
    'Event requests per minute per site, from all clients together; more get `429 CL_SITE_RATE_LIMITED`. `0` turns the limit off.',
  ],
  [
    'CLOSELOOP_REQUEST_TIMEOUT_S',
    '30',
    "A request's headers and body must arrive within this; a body still arriving then is cut with `408 CL_REQUEST_TIMEOUT` and the connection closed (slow-body attacks).",
  ],
  [
    'CLOSELOOP_KEEP_ALIVE_TIMEOUT_S',
    '72',
    "How long an idle keep-alive connection stays open between requests (keep it above your load balancer's idle timeout).",
  ],
  [
    'CLOSELOOP_IDLE_TIMEOUT_S',
    '600',
    'A connection on which nothing moves (no bytes either way, also while an answer is computed) for this long is closed. Raise it above your slowest `closeloop backup`; `0` turns it off.',
  ],
  [
    'CLOSELOOP_ORIGIN_CHECK',
    'true',
    "Refuse event posts whose `Origin` is not one of the site's domains (or their subdomains). Demo mode also allows `localhost` and `127.0.0.1` for every site.",
  ],
  [
    'CLOSELOOP_TRUST_PROXY',
    '(none)',
    'Addresses of your reverse proxies (comma-separated IPs or CIDRs, e.g. `127.0.0.1` or `10.0.0.0/8`). Only requests from these have their `X-Forwarded-For` / `X-Forwarded-Proto` / `X-Forwarded-Host` believed (client IP for rate limits and logs, https for the cookie). Unset: every request is taken as it arrives.',
  ],
  ['CLOSELOOP_QUERY_TIMEOUT_S', '30', '`/v1/query`: longest a query may run.'],
  ['CLOSELOOP_QUERY_MAX_ROWS', '100000', '`/v1/query`: most result rows.'],
  [
    'CLOSELOOP_LOG_IP',
    'truncated',
    'Client addresses in request logs: `truncated` (IPv4 /24, IPv6 /48), `full` or `off`. Addresses are never stored in ClickHouse.',
  ],
  [
    'CLOSELOOP_LOG_LEVEL',
    'info',
    'fatal, error, warn, info, debug, trace or silent. Every request is logged at `info`, except, in production below `debug`, event batches (`/v1/events`; their 5xx answers are): at load they would be two lines per request.',
  ],
] as const;

const EnvSchema = z.object({
  PORT: intIn(0, 65535).default(8080),
  HOST: z.string().min(1).default('localhost'),
  CLOSELOOP_DATA_DIR: z.string().min(1).default('./data'),
  CLICKHOUSE_URL: z
    .url({ protocol: /^https?$/, error: 'must be an http(s) URL such as http://localhost:8123' })
    .optional(),
  CLICKHOUSE_USER: z.string().default('default'),
  CLICKHOUSE_PASSWORD: z.string().default(''),
  CLICKHOUSE_DATABASE: z
    .string()
    .regex(/^[A-Za-z_][A-Za-z0-9_]{0,63}$/, 'must be a plain identifier (letters, digits, underscore)')
    .default('closeloop'),
  CLICKHOUSE_CLUSTER: z
    .string()
    .regex(/^[A-Za-z_][A-Za-z0-9_]{0,63}$/, 'must be a plain identifier (letters, digits, underscore)')
    .optional(),
  CLOSELOOP_ADMIN_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  CLOSELOOP_DEMO: bool.default(false),
  CLOSELOOP_DEMO_DATA: bool.default(true),
  CLOSELOOP_URL: z
    .url({ protocol: /^https?$/, error: 'must be an http(s) URL such as http://localhost:8080' })
    .optional(),
  CLOSELOOP_MAX_BODY_BYTES: intIn(1024, 100 * 1024 * 1024).default(1024 * 1024),
  CLOSELOOP_INSERT_MAX_ROWS: intIn(1, 1_000_000).default(50_000),
  CLOSELOOP_INSERT_INTERVAL_MS: intIn(0, 60_000).default(1000),
  CLOSELOOP_SPOOL_MAX_BYTES: intIn(64 * 1024, 64 * 1024 ** 3).default(128 * 1024 ** 2),
  CLOSELOOP_SPOOL_SITE_SHARE: intIn(1, 100).default(50),
  CLOSELOOP_SPOOL_SEGMENT_BYTES: intIn(4096, 1024 ** 3).default(16 * 1024 ** 2),
  CLOSELOOP_SHUTDOWN_GRACE_S: intIn(0, 3600).default(10),
  CLOSELOOP_RATE_LIMIT: intIn(0, 10_000_000).default(1200),
  CLOSELOOP_SITE_RATE_LIMIT: intIn(0, 100_000_000).default(60_000),
  CLOSELOOP_REQUEST_TIMEOUT_S: intIn(1, 3600).default(30),
  CLOSELOOP_KEEP_ALIVE_TIMEOUT_S: intIn(1, 3600).default(72),
  CLOSELOOP_IDLE_TIMEOUT_S: intIn(0, 86_400).default(600),
  CLOSELOOP_ORIGIN_CHECK: bool.default(true),
  CLOSELOOP_TRUST_PROXY: z
    .string()
    .trim()
    .regex(/^[0-9a-fA-F:.\/]+(\s*,\s*[0-9a-fA-F:.\/]+)*$/, 'must be comma-separated IP addresses or CIDR ranges')
    .optional(),
  CLOSELOOP_QUERY_TIMEOUT_S: intIn(1, 3600).default(30),
  CLOSELOOP_QUERY_MAX_ROWS: intIn(1, 10_000_000).default(100_000),
  CLOSELOOP_LOG_IP: z.enum(['truncated', 'full', 'off']).default('truncated'),
  // Node's own variable, not a closeloop setting (so not in CONFIG_REFERENCE): read only to tell
  // whether the collector's Node.js flags are set there (base/node-flags.ts).
  NODE_OPTIONS: z.string().optional(),
  CLOSELOOP_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export interface Config {
  readonly port: number;
  readonly host: string;
  readonly dataDir: string;
  readonly clickhouse: {
    /** Unset: embedded chDB in `dataDir/clickhouse`. */
    readonly url?: string;
    readonly user: string;
    readonly password: string;
    readonly database: string;
    /** CLICKHOUSE_CLUSTER: the cluster the schema is laid out for (storage/cluster.ts). */
    readonly cluster?: string;
  };
  /** May be unset here; the process entry generates one in demo mode (see cli/start.ts). */
  readonly adminToken?: string;
  readonly demo: boolean;
  /** Demo mode: seed the empty demo site with generated data. */
  readonly demoData: boolean;
  /** Reverse proxies whose X-Forwarded-* headers are believed; empty: none. */
  readonly trustProxy: readonly string[];
  /** Where CLI commands reach the running collector. */
  readonly collectorUrl: string;
  readonly maxBodyBytes: number;
  readonly insert: { readonly maxRows: number; readonly intervalMs: number };
  readonly spool: {
    readonly dir: string;
    readonly maxBytes: number;
    /** Most pending bytes of one site (its share of maxBytes, at least two of the largest bodies). */
    readonly siteMaxBytes: number;
    readonly segmentBytes: number;
  };
  readonly shutdownGraceMs: number;
  /** Event requests per minute per IP and site key; 0 = unlimited. */
  readonly rateLimitPerMinute: number;
  /** Event requests per minute per site (all clients together); 0 = unlimited. */
  readonly siteRateLimitPerMinute: number;
  /** Whole request (headers and body), idle keep-alive connection, idle connection; ms, 0 = off. */
  readonly timeouts: { readonly requestMs: number; readonly keepAliveMs: number; readonly idleMs: number };
  readonly originCheck: boolean;
  readonly query: { readonly timeoutSeconds: number; readonly maxRows: number };
  readonly logLevel: string;
  readonly logIp: IpLogging;
  /** NODE_OPTIONS as this process got it ('' when unset): see base/node-flags.ts. */
  readonly nodeOptions: string;
}

type Env = Record<string, string | undefined>;

/** Parse the environment into a frozen Config. Throws CL_CONFIG_INVALID naming every bad key. */
export function loadConfig(env: Env, cwd: string = process.cwd()): Config {
  const known: Env = {};
  for (const key of Object.keys(EnvSchema.shape)) {
    const value = env[key];
    if (value !== undefined && value !== '') known[key] = value;
  }
  const parsed = EnvSchema.safeParse(known);
  if (!parsed.success) {
    const lines = parsed.error.issues.map(
      (i) => `${String(i.path[0])}=${JSON.stringify(known[String(i.path[0])])}: ${i.message}`,
    );
    throw new ClError('CL_CONFIG_INVALID', `Invalid configuration:\n  ${lines.join('\n  ')}`);
  }
  const e = parsed.data;
  if (e.CLICKHOUSE_CLUSTER && !e.CLICKHOUSE_URL) {
    throw new ClError(
      'CL_CONFIG_INVALID',
      `Invalid configuration:\n  CLICKHOUSE_CLUSTER=${JSON.stringify(e.CLICKHOUSE_CLUSTER)}: needs CLICKHOUSE_URL (embedded ClickHouse is one node)`,
    );
  }
  return deepFreeze({
    port: e.PORT,
    host: e.HOST,
    dataDir: path.resolve(cwd, e.CLOSELOOP_DATA_DIR),
    clickhouse: {
      ...(e.CLICKHOUSE_URL ? { url: e.CLICKHOUSE_URL } : {}),
      user: e.CLICKHOUSE_USER,
      password: e.CLICKHOUSE_PASSWORD,
      database: e.CLICKHOUSE_DATABASE,
      ...(e.CLICKHOUSE_CLUSTER ? { cluster: e.CLICKHOUSE_CLUSTER } : {}),
    },
    ...(e.CLOSELOOP_ADMIN_TOKEN ? { adminToken: e.CLOSELOOP_ADMIN_TOKEN } : {}),
    demo: e.CLOSELOOP_DEMO,
    demoData: e.CLOSELOOP_DEMO_DATA,
    collectorUrl: (e.CLOSELOOP_URL ?? `http://${localAddress(e.HOST)}:${e.PORT}`).replace(/\/+$/, ''),
    maxBodyBytes: e.CLOSELOOP_MAX_BODY_BYTES,
    insert: { maxRows: e.CLOSELOOP_INSERT_MAX_ROWS, intervalMs: e.CLOSELOOP_INSERT_INTERVAL_MS },
    spool: {
      dir: path.join(path.resolve(cwd, e.CLOSELOOP_DATA_DIR), 'spool'),
      maxBytes: e.CLOSELOOP_SPOOL_MAX_BYTES,
      siteMaxBytes: Math.min(
        e.CLOSELOOP_SPOOL_MAX_BYTES,
        Math.max(
          Math.floor((e.CLOSELOOP_SPOOL_MAX_BYTES * e.CLOSELOOP_SPOOL_SITE_SHARE) / 100),
          2 * e.CLOSELOOP_MAX_BODY_BYTES,
        ),
      ),
      segmentBytes: e.CLOSELOOP_SPOOL_SEGMENT_BYTES,
    },
    shutdownGraceMs: e.CLOSELOOP_SHUTDOWN_GRACE_S * 1000,
    rateLimitPerMinute: e.CLOSELOOP_RATE_LIMIT,
    siteRateLimitPerMinute: e.CLOSELOOP_SITE_RATE_LIMIT,
    timeouts: {
      requestMs: e.CLOSELOOP_REQUEST_TIMEOUT_S * 1000,
      keepAliveMs: e.CLOSELOOP_KEEP_ALIVE_TIMEOUT_S * 1000,
      idleMs: e.CLOSELOOP_IDLE_TIMEOUT_S * 1000,
    },
    originCheck: e.CLOSELOOP_ORIGIN_CHECK,
    trustProxy: (e.CLOSELOOP_TRUST_PROXY ?? '')
      .split(',')
      .map((a) => a.trim())
      .filter(Boolean),
    query: { timeoutSeconds: e.CLOSELOOP_QUERY_TIMEOUT_S, maxRows: e.CLOSELOOP_QUERY_MAX_ROWS },
    logLevel: e.CLOSELOOP_LOG_LEVEL,
    logIp: e.CLOSELOOP_LOG_IP,
    nodeOptions: e.NODE_OPTIONS ?? '',
  });
}

/** Where this machine reaches a collector listening on `host` (all interfaces: loopback). */
/** How a client on this machine reaches a collector listening on `host`. */
export const localAddress = (host: string) =>
  host === '0.0.0.0' ? '127.0.0.1' : host === '::' ? '[::1]' : host.includes(':') ? `[${host}]` : host;

function deepFreeze<T extends object>(o: T): T {
  for (const v of Object.values(o)) if (v && typeof v === 'object') deepFreeze(v as object);
  return Object.freeze(o);
}

/**
 * A configuration file (`closeloop start --config /etc/closeloop/closeloop.env`): the same keys as
 * the environment, one `KEY=value` per line, `#` comments, optional quotes. The environment wins
 * over the file; a key that is not a setting is an error (a typo must not be silently ignored).
 */
export function parseConfigFile(text: string, file: string): Record<string, string> {
  const known = new Set<string>(CONFIG_REFERENCE.map(([key]) => key));
  const out: Record<string, string> = {};
  const problems: string[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (!line || line.startsWith('#')) return;
    const m = /^(?:export\s+)?([A-Z][A-Z0-9_]*)\s*=\s*(.*)$/.exec(line);
    if (!m) return void problems.push(`${file}:${i + 1}: expected KEY=value, got '${line.slice(0, 80)}'`);
    const [, key, value] = m as unknown as [string, string, string];
    if (!known.has(key))
      return void problems.push(
        `${file}:${i + 1}: ${key} is not a setting (see the configuration table in docs/operations.md)`,
      );
    out[key] = /^(["']).*\1$/.test(value) ? value.slice(1, -1) : value.replace(/\s+#.*$/, '');
  });
  if (problems.length)
    throw new ClError('CL_CONFIG_INVALID', `Invalid configuration file:\n  ${problems.join('\n  ')}`);
  return out;
}
