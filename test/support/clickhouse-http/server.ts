/**
 * TEST ONLY — a ClickHouse HTTP interface backed by chDB, so the collector's `CLICKHOUSE_URL` path
 * runs against the real ClickHouse engine (chDB is ClickHouse 26.7) in another process. Never
 * shipped: it lives outside collector/src and outside package.json `files`.
 *
 * What it answers, as clickhouse-server does: `GET /ping` and `GET /` → `Ok.`; `POST /` (and
 * read-only `GET /?query=`) with the SQL in the body or in `query=` (then the body is the INSERT's
 * data); `database`, `query_id`, `default_format`, `param_*` (escaped text, as clickhouse-js sends
 * them) and any other URL parameter as a setting for that request; Basic auth,
 * `X-ClickHouse-User`/`X-ClickHouse-Key` or `user`/`password`; gzip/deflate/br request bodies and
 * responses when `enable_http_compression=1`; `X-ClickHouse-Query-Id`, `-Summary`, `-Format`,
 * `-Timezone` headers; errors as `Code: N. DB::Exception: … (NAME)` with
 * `X-ClickHouse-Exception-Code` and ClickHouse's status for that code.
 * Not covered: sessions (`session_id`), multipart query parameters, external tables, progress headers.
 */
import { randomUUID, timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { promisify } from 'node:util';
import zlib from 'node:zlib';
import { authenticationFailed, ClickHouseHttpError, fromEngineError } from './errors.js';
import { bindParams, isSessionStatement, trailingFormat } from './sql.js';
import { SessionPool, type EngineResult } from './sessions.js';

export interface ClickHouseHttpServerOptions {
  readonly dataDir: string;
  readonly user?: string;
  readonly password?: string;
  readonly maxBodyBytes?: number;
}

/** URL parameters that are not settings (clickhouse-server's HTTPHandler reserved names). */
const RESERVED = new Set([
  'query',
  'database',
  'default_format',
  'query_id',
  'user',
  'password',
  'quota_key',
  'session_id',
  'session_timeout',
  'session_check',
  'compress',
  'decompress',
  'buffer_size',
  'role',
  'stacktrace',
]);
/** Settings of the HTTP layer itself: honoured here (compression) or meaningless, never SET in the engine. */
const HTTP_ONLY = new Set([
  'enable_http_compression',
  'http_zlib_compression_level',
  'wait_end_of_query',
  'send_progress_in_http_headers',
  'http_headers_progress_interval_ms',
  'http_response_buffer_size',
  'http_wait_end_of_query',
  'cancel_http_readonly_queries_on_client_close',
]);

const decoders: Record<string, (b: Buffer) => Promise<Buffer>> = {
  gzip: promisify(zlib.gunzip),
  deflate: promisify(zlib.inflate),
  br: promisify(zlib.brotliDecompress),
};
const encoders: Record<string, (b: Buffer) => Promise<Buffer>> = {
  gzip: promisify(zlib.gzip),
  deflate: promisify(zlib.deflate),
  br: promisify(zlib.brotliCompress),
};

export class ClickHouseHttpServer {
  private readonly pool: SessionPool;
  private readonly running = new Set<string>();
  private readonly server: http.Server;

  constructor(private readonly opts: ClickHouseHttpServerOptions) {
    this.pool = new SessionPool(opts.dataDir);
    this.server = http.createServer((req, res) => {
      this.handle(req, res).catch((err) => this.fail(res, fromEngineError(err)));
    });
  }

  listen(port: number, host = '127.0.0.1'): Promise<number> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => resolve((this.server.address() as AddressInfo).port));
    });
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((r) => this.server.close(() => r()));
    await this.pool.close();
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname === '/ping' && (req.method === 'GET' || req.method === 'HEAD')) return this.ok(res);
    if (url.pathname !== '/') {
      res.writeHead(404, { 'Content-Type': 'text/plain; charset=UTF-8' }).end(`There is no handle ${url.pathname}\n`);
      return;
    }
    const p = url.searchParams;
    if (req.method === 'GET' && !p.has('query')) return this.ok(res);
    if (req.method !== 'GET' && req.method !== 'POST') {
      throw new ClickHouseHttpError(36, 'BAD_ARGUMENTS', `HTTP method ${req.method} is not supported`);
    }
    this.authenticate(req, p);

    let body = await readBody(req, this.opts.maxBodyBytes ?? 256 * 1024 ** 2);
    const encoding = req.headers['content-encoding'];
    if (encoding) {
      const decode = decoders[encoding];
      if (!decode)
        throw new ClickHouseHttpError(638, 'UNKNOWN_COMPRESSION_METHOD', `Unknown compression method ${encoding}`);
      body = await decode(body);
    }
    // SQL in `query=` (the body, if any, is data), or the whole body.
    const inUrl = p.get('query');
    const sql = inUrl !== null ? (body.length ? `${inUrl}\n${body.toString('utf8')}` : inUrl) : body.toString('utf8');
    if (!sql.trim()) throw new ClickHouseHttpError(62, 'SYNTAX_ERROR', 'Empty query');

    const settings = new Map<string, string>();
    const params: Record<string, string> = {};
    for (const [k, v] of p) {
      if (k.startsWith('param_')) params[k.slice('param_'.length)] = v;
      else if (!RESERVED.has(k) && !HTTP_ONLY.has(k)) settings.set(k, v);
    }
    if (req.method === 'GET' && !settings.has('readonly')) settings.set('readonly', '2'); // GET is read-only, as on a server

    const queryId = p.get('query_id') || randomUUID();
    if (this.running.has(queryId)) {
      throw new ClickHouseHttpError(
        216,
        'QUERY_WITH_SAME_ID_IS_ALREADY_RUNNING',
        `Query with id = ${queryId} is already running`,
      );
    }
    this.running.add(queryId);
    const started = process.hrtime.bigint();
    let result: EngineResult | undefined;
    const format = trailingFormat(inUrl ?? sql);
    try {
      // `SET`/`USE` without a session change nothing on a server; on a pooled chDB session they would stick.
      if (!isSessionStatement(sql)) {
        const { session, release } = await this.pool.lease(p.get('database') || 'default', settings);
        const bound = bindParams(sql, params);
        const opts = { format: p.get('default_format') || 'TabSeparated' };
        try {
          // A server runs one statement per request; chDB would run them all. ClickHouse's parser decides.
          if (inUrl === null && sql.includes(';'))
            await session.queryAsync(`SELECT formatQuery('${sql.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}')`);
          result = await (bound ? session.queryBindAsync(sql, bound, opts) : session.queryAsync(sql, opts));
          release(false);
        } catch (err) {
          release(true);
          throw fromEngineError(err);
        }
      }
    } finally {
      this.running.delete(queryId);
    }
    const elapsedNs = String(process.hrtime.bigint() - started);
    let out: Buffer = Buffer.from(result?.bytes() ?? new Uint8Array());
    const isInsert = /^\s*INSERT\b/i.test(inUrl ?? sql);
    const headers: Record<string, string> = {
      'X-ClickHouse-Query-Id': queryId,
      'X-ClickHouse-Format': format ?? p.get('default_format') ?? 'TabSeparated',
      'X-ClickHouse-Timezone': 'UTC',
      'X-ClickHouse-Server-Display-Name': 'chdb-test-server',
      'X-ClickHouse-Summary': JSON.stringify({
        read_rows: String(result?.rowsRead ?? 0),
        read_bytes: String(result?.bytesRead ?? 0),
        written_rows: isInsert ? String(result?.rowsRead ?? 0) : '0',
        written_bytes: isInsert ? String(result?.bytesRead ?? 0) : '0',
        total_rows_to_read: '0',
        result_rows: isInsert ? '0' : String(result?.rowsRead ?? 0),
        result_bytes: isInsert ? '0' : String(out.length),
        elapsed_ns: elapsedNs,
      }),
      'Content-Type': 'text/plain; charset=UTF-8',
    };
    const codec = p.get('enable_http_compression') === '1' ? pickEncoding(req.headers['accept-encoding']) : undefined;
    if (codec) {
      out = await encoders[codec]!(out);
      headers['Content-Encoding'] = codec;
    }
    res.writeHead(200, headers).end(out);
  }

  /** Basic auth, X-ClickHouse-User/Key, or user/password parameters — one method per request. */
  private authenticate(req: http.IncomingMessage, p: URLSearchParams): void {
    const methods: [string, string][] = [];
    const basic = /^Basic\s+(.+)$/i.exec(req.headers.authorization ?? '');
    if (basic) {
      const decoded = Buffer.from(basic[1]!, 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      methods.push(colon < 0 ? [decoded, ''] : [decoded.slice(0, colon), decoded.slice(colon + 1)]);
    }
    const headerUser = req.headers['x-clickhouse-user'];
    if (typeof headerUser === 'string') methods.push([headerUser, String(req.headers['x-clickhouse-key'] ?? '')]);
    if (p.has('user')) methods.push([p.get('user')!, p.get('password') ?? '']);
    if (methods.length > 1) {
      throw new ClickHouseHttpError(
        516,
        'AUTHENTICATION_FAILED',
        'Invalid authentication: it is not allowed to use several authentication methods simultaneously',
      );
    }
    const [user, password] = methods[0] ?? ['default', ''];
    const ok = user === (this.opts.user ?? 'default') && safeEqual(password, this.opts.password ?? '');
    if (!ok) throw authenticationFailed(user);
  }

  private ok(res: http.ServerResponse): void {
    res.writeHead(200, { 'Content-Type': 'text/html; charset=UTF-8' }).end('Ok.\n');
  }

  private fail(res: http.ServerResponse, err: ClickHouseHttpError): void {
    if (res.headersSent) return void res.destroy();
    res
      .writeHead(err.status, {
        'X-ClickHouse-Exception-Code': String(err.code),
        'Content-Type': 'text/plain; charset=UTF-8',
      })
      .end(err.body());
  }
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function pickEncoding(accept: string | undefined): string | undefined {
  const offered = (accept ?? '').split(',').map((s) => s.trim().split(';')[0]!.toLowerCase());
  return ['gzip', 'deflate', 'br'].find((c) => offered.includes(c));
}

async function readBody(req: http.IncomingMessage, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw new ClickHouseHttpError(413, 'QUERY_IS_TOO_LARGE', `Request body over ${limit} bytes`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}
