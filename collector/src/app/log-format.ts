/**
 * Logs: JSON lines (pino) in production — for journald, jq, log shippers — and, in development
 * (demo mode on a terminal), the same records as short readable lines:
 *   10:02:34 INFO  POST /v1/events → 202 in 3.1 ms  req-7
 */
import { Writable } from 'node:stream';

const LEVELS: Record<number, string> = { 10: 'TRACE', 20: 'DEBUG', 30: 'INFO ', 40: 'WARN ', 50: 'ERROR', 60: 'FATAL' };

interface PinoRecord {
  level: number;
  time: number;
  msg?: string;
  reqId?: string;
  req?: { method: string; url: string };
  res?: { statusCode: number };
  responseTime?: number;
  err?: { stack?: string };
}

/** Turns pino records into lines; a request's two records (incoming, completed) become one line. */
export class PrettyLog {
  private readonly open = new Map<string, string>();

  line(record: PinoRecord & Record<string, unknown>): string | undefined {
    const { level, time, msg, reqId, req, res, responseTime, err, pid: _pid, hostname: _host, ...rest } = record;
    if (msg === 'incoming request' && reqId && req) {
      this.open.set(reqId, `${req.method} ${req.url}`);
      return undefined;
    }
    const head = `${new Date(time).toISOString().slice(11, 19)} ${LEVELS[level] ?? level}`;
    if (msg === 'request completed' && res && reqId) {
      const what = this.open.get(reqId) ?? '';
      this.open.delete(reqId);
      return `${head} ${what} → ${res.statusCode} in ${(responseTime ?? 0).toFixed(1)} ms  ${reqId}`;
    }
    const extra = Object.keys(rest).length ? ` ${JSON.stringify(rest)}` : '';
    return `${head} ${msg ?? ''}${extra}${reqId ? `  ${reqId}` : ''}${err?.stack ? `\n${err.stack}` : ''}`;
  }
}

/** A stream for Fastify's logger that writes pretty lines to `out`. */
export function prettyStream(out: NodeJS.WritableStream): Writable {
  const pretty = new PrettyLog();
  let partial = '';
  return new Writable({
    write(chunk: Buffer, _enc, done) {
      const lines = (partial + chunk.toString()).split('\n');
      partial = lines.pop()!;
      for (const line of lines) {
        let text: string | undefined = line;
        try {
          text = pretty.line(JSON.parse(line) as PinoRecord & Record<string, unknown>);
        } catch {
          // not a JSON record: pass it on as it is
        }
        if (text !== undefined) out.write(`${text}\n`);
      }
      done();
    },
  });
}
