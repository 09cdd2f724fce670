/**
 * Infrastructure plugin: Prometheus metrics (prom-client, one registry per app) served at
 * `GET /metrics`, and `app.metrics` for the parts of the collector that count things. What is
 * counted on every request (HTTP requests, accepted events) is summed in a map and handed to
 * prom-client when the registry is read: prom-client hashes a labels object on every `inc`.
 */
import fp from 'fastify-plugin';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics, type LabelValues } from 'prom-client';

type SpoolStats = () => { pendingBytes: number; pendingRows: number; lagSeconds: number };

export interface Metrics {
  readonly registry: Registry;
  /** `n` events of `site` acknowledged (202). */
  eventsAccepted(site: string, n: number): void;
  readonly eventsRejected: Counter<'code'>;
  readonly insertRows: Histogram<'table'>;
  readonly insertSeconds: Histogram<'table'>;
  readonly insertErrors: Counter;
  readonly deadLetters: Counter<'stage'>;
  /** One HTTP request answered (the app's onResponse hook, plugins/request-hooks.ts). */
  countRequest(method: string, route: string | undefined, status: number): void;
  /** Where the spool gauges read from. */
  onCollect(stats: SpoolStats): void;
}

declare module 'fastify' {
  interface FastifyInstance {
    metrics: Metrics;
  }
}

export default fp(
  async (app) => {
    const registry = new Registry();
    collectDefaultMetrics({ register: registry, prefix: 'closeloop_' });
    let spoolStats: SpoolStats = () => ({ pendingBytes: 0, pendingRows: 0, lagSeconds: 0 });
    const requests = new Tally<'method' | 'route' | 'status'>(registry, {
      name: 'closeloop_http_requests_total',
      help: 'HTTP requests by method, route and status.',
      labelNames: ['method', 'route', 'status'],
    });
    const accepted = new Tally<'site'>(registry, {
      name: 'closeloop_events_accepted_total',
      help: 'Events acknowledged (202), by site.',
      labelNames: ['site'],
    });
    const metrics: Metrics = {
      registry,
      eventsAccepted: (site, n) => accepted.add(site, () => ({ site }), n),
      countRequest: (method, route = 'unknown', status) =>
        requests.add(`${method} ${route} ${status}`, () => ({ method, route, status: String(status) }), 1),
      eventsRejected: new Counter({
        name: 'closeloop_events_rejected_total',
        help: 'Event requests refused, by error code.',
        labelNames: ['code'],
        registers: [registry],
      }),
      insertRows: new Histogram({
        name: 'closeloop_insert_batch_rows',
        help: 'Rows per ClickHouse insert from the spool.',
        labelNames: ['table'],
        buckets: [1, 10, 100, 1000, 5000, 10_000, 50_000, 100_000],
        registers: [registry],
      }),
      insertSeconds: new Histogram({
        name: 'closeloop_insert_duration_seconds',
        help: 'Duration of ClickHouse inserts from the spool.',
        labelNames: ['table'],
        buckets: [0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 30],
        registers: [registry],
      }),
      insertErrors: new Counter({
        name: 'closeloop_insert_errors_total',
        help: 'Failed ClickHouse inserts (each is retried).',
        registers: [registry],
      }),
      deadLetters: new Counter({
        name: 'closeloop_dead_letters_total',
        help: 'Rows written to dead_letters, by stage.',
        labelNames: ['stage'],
        registers: [registry],
      }),
      onCollect: (fn) => {
        spoolStats = fn;
      },
    };
    new Gauge({
      name: 'closeloop_spool_pending_bytes',
      help: 'Bytes spooled on disk, not yet confirmed by ClickHouse.',
      registers: [registry],
      collect() {
        this.set(spoolStats().pendingBytes);
      },
    });
    new Gauge({
      name: 'closeloop_spool_pending_rows',
      help: 'Rows spooled on disk, not yet confirmed by ClickHouse.',
      registers: [registry],
      collect() {
        this.set(spoolStats().pendingRows);
      },
    });
    new Gauge({
      name: 'closeloop_insert_lag_seconds',
      help: 'Age of the oldest spooled row not yet in ClickHouse.',
      registers: [registry],
      collect() {
        this.set(spoolStats().lagSeconds);
      },
    });
    app.decorate('metrics', metrics);
    app.get('/metrics', async (_req, reply) => reply.type(registry.contentType).send(await registry.metrics()));
  },
  { name: 'metrics' },
);

/**
 * A prom-client counter whose increments are summed per label set in a map (keyed by a string
 * naming the labels) and added to the counter when the registry is read. The map holds one entry
 * per label set, as the counter itself does.
 */
class Tally<L extends string> {
  private readonly pending = new Map<string, { labels: LabelValues<L>; n: number }>();

  constructor(registry: Registry, o: { name: string; help: string; labelNames: L[] }) {
    const pending = this.pending;
    new Counter<L>({
      ...o,
      registers: [registry],
      collect() {
        for (const p of pending.values()) {
          if (p.n) this.inc(p.labels, p.n);
          p.n = 0;
        }
      },
    });
  }

  add(key: string, labels: () => LabelValues<L>, n: number): void {
    const p = this.pending.get(key);
    if (p) p.n += n;
    else this.pending.set(key, { labels: labels(), n });
  }
}
