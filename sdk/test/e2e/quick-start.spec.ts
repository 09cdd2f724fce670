/**
 * The README's quick start, run as a new user runs it: a collector started as `npm start` starts it
 * (demo mode, seeded demo data, a fresh data directory), real Chromium on the README's demo URL
 * filling the contact form with the README's email, then every `npx closeloop …` command of the
 * quick start's shell blocks, copied out of README.md by this test and run literally by bash (no
 * PORT, no URL, no token: the commands must find the collector themselves). The story must hold:
 * the example deal is credited to the campaign of the form fill that preceded it.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { E2E_PORT } from '../../../playwright.config.js';
import { COLLECTOR_NODE_FLAGS } from '../../../collector/src/base/node-flags.js';

const ROOT = path.resolve(import.meta.dirname, '../../..');
// Next to the shared collector's port, so runs with another CL_E2E_PORT do not collide.
const PORT = E2E_PORT + 12;
const ORIGIN = `http://localhost:${PORT}`;

/** The README's "Quick start" section: its demo URL, the email to fill in, and its `npx closeloop` commands. */
function quickStart() {
  const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const section = readme.slice(
    readme.indexOf('## Quick start'),
    readme.indexOf('\n## ', readme.indexOf('## Quick start') + 1),
  );
  const blocks = [...section.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1]!);
  const commands = blocks.flatMap((b) => b.split('\n')).filter((l) => l.startsWith('npx closeloop '));
  const demoUrl = /<(http:\/\/localhost:8080\/demo\/[^>]*)>/.exec(section)?.[1];
  const email = /fill the form with `([^`]+)`/.exec(section)?.[1];
  return { commands, demoUrl, email };
}

let collector: ChildProcess | undefined;
let stdout = '';
const dataDir = mkdtempSync(path.join(os.tmpdir(), 'closeloop-quickstart-'));

test.beforeAll(async () => {
  // As `npm start` runs it (without the build, which `npm test` did): its Node.js flags, demo mode, data seeded.
  const env: NodeJS.ProcessEnv = { ...process.env, CLOSELOOP_DATA_DIR: dataDir, CLOSELOOP_LOG_LEVEL: 'warn' };
  delete env.CLOSELOOP_ADMIN_TOKEN;
  delete env.CLOSELOOP_DEMO_DATA;
  collector = spawn(
    process.execPath,
    [
      ...COLLECTOR_NODE_FLAGS,
      path.join(ROOT, 'bin/closeloop.js'),
      'start',
      '--demo',
      '--port',
      String(PORT),
      '--host',
      'localhost',
    ],
    { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  collector.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
  // It prints the URLs once the demo data is seeded and it listens.
  await expect
    .poll(() => (collector!.exitCode === null ? stdout : `exited ${collector!.exitCode}`), {
      timeout: 180_000,
      intervals: [500],
    })
    .toContain('admin token:');
  // Started as `npm start` starts it, with the collector's Node.js flags: no warning about them.
  expect(stdout).not.toContain('node flags:');
});

test.afterAll(() => {
  collector?.kill('SIGTERM');
});

/** One README command, literally, through bash: only the data directory says which collector (as `./data` would). */
function run(command: string): string {
  const env: NodeJS.ProcessEnv = { ...process.env, CLOSELOOP_DATA_DIR: dataDir };
  for (const k of ['PORT', 'HOST', 'CLOSELOOP_URL', 'CLOSELOOP_ADMIN_TOKEN']) delete env[k];
  const r = spawnSync('bash', ['-c', command], { cwd: ROOT, env, encoding: 'utf8', timeout: 240_000 });
  expect(r.status, `${command}\n${r.stdout}\n${r.stderr}`).toBe(0);
  return r.stdout;
}

test('the README quick start tells a true story: the example deal is credited to the campaign of the form fill before it', async ({
  page,
  request,
}) => {
  test.setTimeout(10 * 60_000); // the first `npx closeloop` of a checkout installs the link in ~/.npm/_npx
  const { commands, demoUrl, email } = quickStart();
  expect(demoUrl, 'README names the demo URL').toBeTruthy();
  expect(email, 'README names the email to fill in').toBeTruthy();
  expect(commands.some((c) => c.startsWith('npx closeloop import customers examples/crm-import/'))).toBe(true);
  expect(commands.filter((c) => c.startsWith('npx closeloop sql ')).length).toBeGreaterThanOrEqual(2);

  // Open the demo URL, click around, "Request a demo", fill the form.
  await page.goto(demoUrl!.replace('http://localhost:8080', ORIGIN));
  await page.getByRole('link', { name: 'Pricing' }).first().click();
  await page.waitForURL(/pricing/);
  await page.getByRole('link', { name: 'Request a demo' }).first().click();
  await page.waitForURL(/contact/);
  await page.fill('input[name="name"]', 'Ada Lovelace');
  await page.fill('input[name="email"]', email!);
  await page.click('button[type="submit"]');
  await page.waitForURL(/thanks/);

  // The form fill is stored (the SDK's beacon went out as the page left).
  const token = readFileSync(path.join(dataDir, 'admin-token'), 'utf8').trim();
  const auth = { authorization: `Bearer ${token}` };
  await expect
    .poll(
      async () => {
        const res = await request.post(`${ORIGIN}/v1/query`, {
          headers: auth,
          data: { sql: 'SELECT count() AS n FROM people WHERE email = {e:String}', params: { e: email! } },
        });
        return ((await res.json()) as { rows: { n: number }[] }).rows[0]?.n;
      },
      { timeout: 30_000 },
    )
    .toBe(1);

  // Every command, as written, in order.
  const outputs = commands.map((c) => ({ command: c, out: run(c) }));
  const outOf = (pred: (c: string) => boolean) => outputs.find((o) => pred(o.command))!.out;

  // The first query shows the visit itself (newest first), not all the seeded rows.
  const first = outputs[0]!.out;
  expect(first).toContain('launch');
  expect(first).toMatch(/\bform\b/);
  expect(Number(/\((\d+) rows?\)/.exec(first)?.[1])).toBeLessThanOrEqual(10);
  // The import: the example's deals, Ada's matched, the others unmatched.
  expect(outOf((c) => c.includes(' import customers '))).toMatch(/4 rows — 4 created, 0 updated, 3 unmatched/);
  // The last query: her deal, credited in full to the campaign of her visit.
  expect(outputs.at(-1)!.out).toMatch(/HS-1001\s+Email\s+launch\s+1\b/);

  // The same story through the API: the timeline reads lead → customer, the touch before both.
  const lead = await request.get(`${ORIGIN}/v1/leads?site=demo&email=${encodeURIComponent(email!)}`, { headers: auth });
  expect(lead.status()).toBe(200);
  const timeline = (await lead.json()) as {
    stages: { stage: string; ts: string }[];
    touches: { campaign: string; ts: string }[];
  };
  expect(timeline.stages.map((s) => s.stage)).toEqual(['lead', 'customer']);
  expect(timeline.touches.map((t) => t.campaign)).toContain('launch');
  const at = (ts: string) => Date.parse(`${ts.replace(' ', 'T')}${ts.endsWith('Z') ? '' : 'Z'}`);
  expect(at(timeline.touches[0]!.ts)).toBeLessThanOrEqual(at(timeline.stages[0]!.ts));
  expect(at(timeline.stages[0]!.ts)).toBeLessThan(at(timeline.stages[1]!.ts));
  const credit = await request.post(`${ORIGIN}/v1/query`, {
    headers: auth,
    data: {
      sql: "SELECT campaign, last_touch, touch_ts < conv_ts AS before FROM attributed_touches WHERE site_id = 'demo' AND record_id = 'HS-1001' AND kind = 'revenue'",
    },
  });
  expect(((await credit.json()) as { rows: unknown[] }).rows).toEqual([
    { campaign: 'launch', last_touch: 1, before: 1 },
  ]);
});
