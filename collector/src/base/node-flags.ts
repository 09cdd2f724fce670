/**
 * The Node.js flags the collector runs with. The documented start paths pass them on node's command
 * line, because V8 sizes its heap when the process starts (`v8.setFlagsFromString` later has no
 * effect): `npm start`, the systemd unit in examples/deploy/ and the benchmarks; node-flags.test.ts
 * holds them equal. Not `bin/closeloop.js`'s shebang: `#!/usr/bin/env -S node …` needs GNU env, and
 * BusyBox's (Alpine) refuses `-S`, which would break every `npx closeloop` command there. So
 * `closeloop start` run another way (`npx closeloop start`) says which flags it lacks, and where
 * to set them (server.ts): on node's command line or in NODE_OPTIONS.
 *
 * `--max-semi-space-size=64` (MiB; Node 20's default is 16): a larger young generation. Every
 * request leaves short-lived garbage (its parsed body, rows, the spool record), and with 16 MiB
 * semi-spaces V8 scavenges so often that objects of requests still in flight get copied and
 * promoted. Measured with benchmarks/support/one-per-request.ts (1 event per request, 100
 * connections, same run): main-thread CPU per request 56–64 µs → 47–50 µs, requests/s 69–71 % →
 * 74 % of "Fastify + the same fsync", which itself gains nothing from the flag. Costs up to 144 MiB
 * more heap (three semi-spaces of 64 MiB instead of 16) under load.
 */
export const COLLECTOR_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=64'];

/** The flags of COLLECTOR_NODE_FLAGS that neither node's command line (`execArgv`) nor NODE_OPTIONS sets. */
export function missingNodeFlags(execArgv: readonly string[], nodeOptions = ''): string[] {
  const given = [...execArgv, ...nodeOptions.split(/\s+/)].map((a) => a.split('=')[0]!.replace(/_/g, '-'));
  return COLLECTOR_NODE_FLAGS.filter((f) => !given.includes(f.split('=')[0]!));
}
