/**
 * Infrastructure plugin: opens ClickHouse (embedded chDB or CLICKHOUSE_URL), applies the schema
 * migrations, decorates `app.db`, and closes the connection when the app closes.
 *
 * A ClickHouse server that does not answer at start does not stop the collector: events are
 * accepted into the spool, and `app.schema.ensure()` (called by the spool writer before its first
 * insert) applies the migrations once the server is back.
 */
import fp from 'fastify-plugin';
import type { Config } from '../base/config.js';
import { openDb, type Db } from '../storage/db.js';
import { migrate } from '../schema/migrations.js';

declare module 'fastify' {
  interface FastifyInstance {
    db: Db;
    schema: { ready: boolean; ensure(): Promise<void> };
  }
}

export default fp<{ config: Config }>(
  async (app, { config }) => {
    const db = await openDb(config);
    const schema = {
      ready: false,
      async ensure(): Promise<void> {
        if (schema.ready) return;
        const applied = await migrate(db);
        schema.ready = true;
        if (applied.length) app.log.info({ applied, kind: db.kind }, 'schema migrations applied');
      },
    };
    try {
      await schema.ensure();
    } catch (err) {
      if (db.kind === 'server' && !(await db.ping())) {
        app.log.warn(
          { err, url: config.clickhouse.url },
          'ClickHouse does not answer: accepting events into the spool until it does',
        );
      } else {
        await db.close();
        throw err;
      }
    }
    app.decorate('db', db);
    app.decorate('schema', schema);
    app.addHook('onClose', async () => {
      await db.close();
    });
  },
  { name: 'clickhouse' },
);
