/**
 * Infrastructure plugin: the batched writer of `events` rows (see ingest/batch-writer.ts).
 * On close it writes what is queued before ClickHouse closes.
 */
import fp from 'fastify-plugin';
import type { Config } from '../config.js';
import { BatchWriter } from '../ingest/batch-writer.js';
import { insertEvents, type EventRow } from '../storage/events.js';

declare module 'fastify' {
  interface FastifyInstance {
    eventWriter: BatchWriter<EventRow>;
  }
}

export default fp<{ config: Config }>(
  async (app, { config }) => {
    const writer = new BatchWriter<EventRow>((rows, token) => insertEvents(app.db, rows, token), {
      maxRows: config.insert.maxRows,
      intervalMs: config.insert.intervalMs,
      attempts: 3,
      onError: (err, attempt, rows) => app.log.warn({ err, attempt, rows }, 'events insert failed'),
    });
    app.decorate('eventWriter', writer);
    // Registered after the clickhouse plugin, so (hooks run in reverse) this runs before it closes.
    app.addHook('onClose', async () => {
      await writer.close();
    });
  },
  { name: 'event-writer', dependencies: ['clickhouse'] },
);
