/**
 * Infrastructure plugin: the durable spool (spool/spool.ts) and its writer into ClickHouse
 * (spool/drain.ts). `app.spool.append(table, rows)` resolves once the rows are fsync'd; the
 * writer moves them into ClickHouse in the background. On close: stop taking appends, keep
 * writing for up to CLOSELOOP_SHUTDOWN_GRACE_S, then close the files (the rest replays next start).
 */
import fp from 'fastify-plugin';
import type { Config } from '../base/config.js';
import { Coalescer } from '../spool/coalesce.js';
import { Drainer } from '../spool/drain.js';
import { SpoolFormats } from '../spool/formats.js';
import { jsonLines } from '../spool/json-lines.js';
import { Spool } from '../spool/spool.js';
import { joined } from '../storage/binary-io.js';
import { deadLetter } from '../storage/dead-letters.js';
import { EVENTS_COLUMNS } from '../storage/events-binary.js';
import { eventJsonRow, type EventRow } from '../storage/events.js';

export interface SpoolApi {
  /**
   * Resolves once `rows` are durable on disk (CL_SITE_SPOOL_FULL / CL_SPOOL_FULL / CL_STORAGE_UNAVAILABLE
   * otherwise). The rows of one call belong to one site (their `site_id`), which is charged for them.
   */
  append(table: 'events' | 'dead_letters', rows: readonly object[]): Promise<void>;
  /** Resolves true once everything spooled so far is in ClickHouse (false on timeout). */
  drained(timeoutMs?: number): Promise<boolean>;
  stats(): {
    pendingBytes: number;
    pendingRows: number;
    lagSeconds: number;
    full: boolean;
    lastError: string | undefined;
  };
  /**
   * For an erasure: make every row spooled so far reach ClickHouse and return a function that
   * deletes the spool files that held them (call it once the rows are deleted from ClickHouse).
   * False when they did not reach ClickHouse within `timeoutMs`.
   */
  settleForErasure(timeoutMs: number): Promise<false | (() => Promise<number>)>;
  /** Pending bytes of one site. */
  siteBytes(siteId: string): number;
}

declare module 'fastify' {
  interface FastifyInstance {
    spool: SpoolApi;
  }
}

/** Rows per record at most when requests' rows are spooled together (a record is never split across inserts). */
export const COALESCED_ROWS_MAX = 1000;

const ownerOfRows = (rows: readonly object[]) => {
  const site = (rows[0] as { site_id?: unknown }).site_id;
  return typeof site === 'string' ? site : '';
};

export default fp<{ config: Config }>(
  async (app, { config }) => {
    const spool = await Spool.open({
      dir: config.spool.dir,
      maxBytes: config.spool.maxBytes,
      siteMaxBytes: config.spool.siteMaxBytes,
      segmentBytes: config.spool.segmentBytes,
    });
    if (spool.pending.length)
      app.log.info({ records: spool.pending.length, rows: spool.pendingRows }, 'spool replayed: writing to ClickHouse');
    // Embedded: `events` rows are spooled in Native columns, which cost about what JSON costs to write
    // and which the writer joins into one Native block per insert (chDB's cheapest input) without
    // touching each value. A server gets JSONEachRow (its test double, and HTTP inserts, take text),
    // so records are kept as JSON lines there. Records of earlier releases (RowBinary) still drain.
    const formats = new SpoolFormats(config.spool.dir);
    const eventsFormat = app.db.kind === 'embedded' ? formats.register(EVENTS_COLUMNS) : undefined;
    const encode = (table: string, rows: readonly object[]) => {
      if (table === 'events' && eventsFormat) {
        try {
          return { body: EVENTS_COLUMNS.encode(rows), format: { id: eventsFormat, rows: rows.length } };
        } catch {
          // a value the column's type cannot hold: kept as JSON, which ClickHouse refuses into dead_letters
        }
      }
      const json = table === 'events' ? (rows as EventRow[]).map(eventJsonRow) : rows;
      return { body: Buffer.from(jsonLines(json)), format: undefined };
    };
    /** A record's rows as text (dead letters): JSON lines, whatever their format. */
    const asText = (body: Buffer, format: string) => {
      if (!format) return body.toString();
      try {
        return jsonLines(formats.codec(format).decode(body));
      } catch {
        return `${format} base64:${body.toString('base64')}`;
      }
    };
    const m = app.metrics;
    const drainer = new Drainer(spool, {
      maxRows: config.insert.maxRows,
      intervalMs: config.insert.intervalMs,
      insert: (table, records, token, format) => {
        if (!format) return app.db.insertRaw(table, joined(records), token);
        return app.db.insertBinary(table, formats.codec(format), records, token);
      },
      deadLetter: (r, reason, token) =>
        app.db.insert('dead_letters', [deadLetter('insert', '', reason, asText(r.body, r.format))], token),
      prepare: () => app.schema.ensure(),
      onInserted: (table, rows, seconds) => {
        m.insertRows.observe({ table }, rows);
        m.insertSeconds.observe({ table }, seconds);
      },
      onError: (err, attempt) => {
        m.insertErrors.inc();
        if (attempt === 1 || attempt % 20 === 0)
          app.log.warn({ err, attempt }, 'spool: insert into ClickHouse failed; retrying');
      },
      onDeadLetter: (r, reason) => {
        m.deadLetters.inc({ stage: 'insert' }, r.rows);
        // Not the reason itself: ClickHouse quotes the refused data in it (it is kept in dead_letters).
        app.log.error(
          { clickhouseCode: /Code: (\d+)/.exec(reason)?.[1] ?? '', rows: r.rows },
          'spool: ClickHouse refused rows as data; kept in dead_letters',
        );
      },
    });
    const stats = () => ({
      pendingBytes: spool.pendingBytes,
      pendingRows: spool.pendingRows,
      lagSeconds: spool.lagMs() / 1000,
      full: spool.full,
      lastError: drainer.lastError,
    });
    m.onCollect(stats);
    /** One request's rows, one record (in JSON lines when a value does not fit its column). */
    const appendOne = (table: string, rows: readonly object[]) => {
      const { body, format } = encode(table, rows);
      return spool.append(table, body, ownerOfRows(rows), format);
    };
    /**
     * Embedded `events`: the rows of the requests of one turn of the event loop, per site, make one
     * record (spool/coalesce.ts). A collection with a value that does not fit its column is spooled
     * request by request, as without it, so only that request's rows go to JSON.
     */
    const eventsTogether = new Coalescer<object>((owner, members) => {
      const rows = members.flatMap((m) => m.rows);
      let body: Buffer;
      try {
        body = EVENTS_COLUMNS.encode(rows);
      } catch {
        for (const m of members) appendOne('events', m.rows).then(m.resolve, m.reject);
        return;
      }
      spool.append('events', body, owner, { id: eventsFormat!, rows: rows.length }).then(
        () => members.forEach((m) => m.resolve()),
        (err: unknown) => members.forEach((m) => m.reject(err)),
      );
    }, COALESCED_ROWS_MAX);
    app.decorate('spool', {
      append: (table, rows) => {
        if (!rows.length) return Promise.resolve();
        if (table === 'events' && eventsFormat) return eventsTogether.add(ownerOfRows(rows), rows);
        return appendOne(table, rows);
      },
      siteBytes: (siteId) => spool.bytesOf(siteId),
      settleForErasure: async (timeoutMs) => {
        const sealed = await spool.seal();
        if (!(await spool.drainedBelow(sealed, timeoutMs))) return false;
        return () => spool.dropConfirmedBelow(sealed);
      },
      drained: (timeoutMs) => drainer.idle(timeoutMs),
      stats,
    } satisfies SpoolApi);
    drainer.start();
    // Registered after the clickhouse plugin, so (hooks run in reverse) this runs before it closes.
    app.addHook('onClose', async () => {
      await drainer.close(config.shutdownGraceMs);
      await spool.close();
      if (spool.pending.length) app.log.warn({ rows: spool.pendingRows }, 'spool: rows left for the next start');
    });
  },
  { name: 'spool', dependencies: ['clickhouse', 'metrics'] },
);
