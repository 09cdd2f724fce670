/**
 * Load generator for collector-throughput.ts, run in its own process so it does not share an event
 * loop with what it measures. Sends `POST /v1/events` batches of `batch` events, every event with
 * a unique id `RUN-0000-4000-8000-SSSSSSSSEEEE` (S = request number, E = event index), and prints
 * one JSON line: autocannon's figures plus the request numbers that were acknowledged (202), as ranges.
 *   npx tsx benchmarks/support/load-worker.ts '{"url":…,"connections":…,"seconds":…,"batch":…,"run":"1a2b3c4d"}'
 */
import autocannon from 'autocannon';

interface Args {
  url: string;
  connections: number;
  seconds: number;
  batch: number;
  run: string;
}
const a = JSON.parse(process.argv[2]!) as Args;
const now = Date.now();
const touch = {
  ts: now,
  referrer: 'https://www.google.com/',
  landing_url: 'https://shop.test/?utm_source=newsletter&utm_medium=email&utm_campaign=launch',
  utm_source: 'newsletter',
  utm_medium: 'email',
  utm_campaign: 'launch',
};
const event = (i: number) => ({
  type: 'pageview',
  id: '\u0000',
  ts: now + i,
  visitor_id: '6f1c2a9e-4b1d-4c6e-9a51-0c2d3e4f5a6b',
  session_id: '7a2b3c4d-5e6f-4a1b-8c2d-3e4f5a6b7c8d',
  url: `https://shop.test/products/${i % 50}`,
  title: 'Product',
  page_referrer: 'https://shop.test/',
  touch,
  session_start: i === 0,
});
// The body once, split where the ids go; each request joins in fresh ids.
const parts = JSON.stringify({
  site: 'pk_demo',
  sdk: 'bench',
  events: Array.from({ length: a.batch }, (_, i) => event(i)),
}).split('\\u0000');
const hex = (n: number, w: number) => n.toString(16).padStart(w, '0');
let seq = 0;
const acked: number[] = [];
let non202 = 0;
const statuses: Record<number, number> = {};
const cpu0 = process.cpuUsage();
const t0 = performance.now();
/** This process's CPU use over the run, in cores. */
const cpuCores = () => {
  const u = process.cpuUsage(cpu0);
  return (u.user + u.system) / 1000 / (performance.now() - t0);
};

const instance = autocannon(
  {
    url: a.url,
    connections: a.connections,
    duration: a.seconds,
    pipelining: 1,
    timeout: 20,
    requests: [
      {
        method: 'POST',
        path: '/v1/events',
        headers: { 'content-type': 'text/plain' },
        setupRequest: (req: autocannon.Request, ctx: Record<string, unknown>) => {
          const s = seq++;
          ctx.seq = s;
          let body = parts[0]!;
          for (let i = 1; i < parts.length; i++)
            body += `${a.run}-0000-4000-8000-${hex(s, 8)}${hex(i - 1, 4)}` + parts[i];
          return { ...req, body };
        },
        onResponse: (status: number, _body: string, ctx: Record<string, unknown>) => {
          if (status === 202) acked.push(ctx.seq as number);
          else {
            non202++;
            statuses[status] = (statuses[status] ?? 0) + 1;
          }
        },
      },
    ],
  },
  (err, r) => {
    if (err) throw err;
    acked.sort((x, y) => x - y);
    const ranges: [number, number][] = [];
    for (const s of acked) {
      const last = ranges[ranges.length - 1];
      if (last && last[1] === s - 1) last[1] = s;
      else ranges.push([s, s]);
    }
    process.stdout.write(
      JSON.stringify({
        rps: r.requests.average,
        p50: r.latency.p50,
        p99: r.latency.p99,
        errors: r.errors,
        timeouts: r.timeouts,
        non202,
        sent: seq,
        acked: acked.length,
        ranges,
        seconds: r.duration,
        cpu: cpuCores(),
        statuses,
      }) + '\n',
    );
  },
);
process.on('SIGTERM', () => instance.stop());
