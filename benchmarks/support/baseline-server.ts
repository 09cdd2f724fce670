/**
 * The throughput baseline: a bare Fastify app that accepts the same `POST /v1/events` bodies as
 * the collector (text/plain or JSON), parses them and answers 202 `{accepted: n}`. Nothing else.
 *   npx tsx benchmarks/support/baseline-server.ts PORT
 */
import Fastify from 'fastify';

const app = Fastify({ logger: false, bodyLimit: 1024 * 1024 });
app.addContentTypeParser('text/plain', { parseAs: 'string' }, app.getDefaultJsonParser('error', 'error'));
app.get('/healthz', async () => ({ ok: true }));
app.post('/v1/events', async (req, reply) => {
  const body = req.body as { events?: unknown[] };
  return reply.code(202).send({ accepted: Array.isArray(body.events) ? body.events.length : 0 });
});
await app.listen({ port: Number(process.argv[2] ?? 0), host: '127.0.0.1' });
process.on('SIGTERM', () => void app.close().then(() => process.exit(0)));
