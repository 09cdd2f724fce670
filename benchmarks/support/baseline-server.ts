/**
 * The throughput baselines: a bare Fastify app that accepts the same `POST /v1/events` bodies as
 * the collector (text/plain or JSON), parses them and answers 202 `{accepted: n}`. Nothing else.
 * With a spool directory it is "Fastify + the same fsync": before the 202 it appends the raw body
 * to the collector's own spool (spool/spool.ts: group commit, one writev + fdatasync per group) and
 * confirms what is pending once a second (as if a writer had inserted it), so the spool stays small.
 *   npx tsx benchmarks/support/baseline-server.ts PORT [SPOOL_DIR]
 */
import Fastify from 'fastify';
import { Spool } from '../../collector/src/spool/spool.js';

const dir = process.argv[3];
const spool = dir ? await Spool.open({ dir, maxBytes: 1024 ** 3, segmentBytes: 16 * 1024 ** 2 }) : undefined;
const confirm = spool && setInterval(() => void spool.ack(spool.pending.slice()), 1000);

const app = Fastify({ logger: false, bodyLimit: 1024 * 1024 });
const parseJson = app.getDefaultJsonParser('error', 'error');
/** The body as received: what the fsync baseline spools (no work the plain baseline does not do). */
const raw = new WeakMap<object, string>();
for (const type of ['text/plain', 'application/json']) {
  app.addContentTypeParser(type, { parseAs: 'string' }, (req, body, done) => {
    if (spool) raw.set(req, body as string);
    parseJson(req, body as string, done);
  });
}
app.get('/healthz', async () => ({ ok: true }));
app.post('/v1/events', async (req, reply) => {
  const body = req.body as { events?: unknown[] };
  if (spool) await spool.append('events', Buffer.from(`${raw.get(req) ?? ''}\n`));
  return reply.code(202).send({ accepted: Array.isArray(body.events) ? body.events.length : 0 });
});
await app.listen({ port: Number(process.argv[2] ?? 0), host: '127.0.0.1' });
process.on('SIGTERM', () => {
  clearInterval(confirm);
  void app
    .close()
    .then(() => spool?.close())
    .then(() => process.exit(0));
});
