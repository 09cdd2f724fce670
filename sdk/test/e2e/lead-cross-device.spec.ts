/**
 * Visitor → lead across devices, in real Chromium against the real collector: device A (one browser
 * context) comes from the `spring` campaign and subscribes to the newsletter (a script-handled
 * form); later device B (another context, its own cookie) comes from a Google search, browses, and
 * submits the demo's lead form, a full-page POST redirected to a thank-you page. One lead, two
 * visitors, touches from both devices, first touch `spring`, both forms in the timeline — and the
 * form's password and hidden field are stored nowhere.
 *
 * "Days later" is minutes later here: the collector replaces a browser clock that is off by more
 * than a minute with its own (so a simulated browser clock cannot back-date events). Back-dated
 * data across days is covered by collector/src/crm/crm.test.ts.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { type APIRequestContext } from '@playwright/test';
import { E2E_ADMIN_TOKEN } from '../../../playwright.config.js';
import { expect, query, test, visitorId } from './support.js';

const PASSWORD = `pw-${Date.now()}-never-stored`;
const CSRF = 'demo-csrf-3f9a';

interface Lead {
  person_id: string;
  email: string;
  stage: string;
  lead_at: string;
  visitors: { visitor_id: string }[];
  touches: { visitor_id: string; channel: string; campaign: string; source: string }[];
  forms: { form: string; visitor_id: string; url: string; fields: Record<string, string> }[];
}

async function lead(request: APIRequestContext, email: string): Promise<{ status: number; body: Lead }> {
  const res = await request.get(`/v1/leads?site=demo&email=${encodeURIComponent(email)}`, {
    headers: { authorization: `Bearer ${E2E_ADMIN_TOKEN}` },
  });
  return { status: res.status(), body: (await res.json()) as Lead };
}

/**
 * Files under `dir` (the collector's data directory: ClickHouse parts, the spool …) whose bytes
 * contain `needle`. ClickHouse merges parts in the background, so a file listed a moment ago can be
 * gone when it is read; such a walk is repeated until one completes with every file it listed read
 * (a merged part holds the same rows as the parts it replaces, so nothing escapes the search).
 */
function filesContaining(dir: string, needle: string): string[] {
  for (let attempt = 0; attempt < 50; attempt++) {
    let vanished = false;
    const hits: string[] = [];
    const walk = (d: string): void => {
      for (const name of ignoreVanished(
        () => readdirSync(d),
        [] as string[],
        () => (vanished = true),
      )) {
        const p = path.join(d, name);
        const isDir = ignoreVanished(
          () => statSync(p).isDirectory(),
          undefined,
          () => (vanished = true),
        );
        if (isDir === undefined) continue;
        if (isDir) walk(p);
        else if (
          ignoreVanished(
            () => readFileSync(p).includes(needle),
            false,
            () => (vanished = true),
          )
        )
          hits.push(p);
      }
    };
    walk(dir);
    if (!vanished) return hits;
  }
  throw new Error(`files under ${dir} kept vanishing during 50 walks`);
}

function ignoreVanished<T>(read: () => T, fallback: T, onVanished: () => void): T {
  try {
    return read();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    onVanished();
    return fallback;
  }
}

test('two devices, one email: one lead with both touches and both forms; the password is stored nowhere', async ({
  browser,
  request,
}) => {
  const email = `ada.${Date.now()}@example.com`;

  // Device A: the spring campaign, then the newsletter form (the page's script calls preventDefault).
  const deviceA = await browser.newContext();
  const a = await deviceA.newPage();
  await a.goto('/demo/blog.html?utm_source=facebook&utm_medium=paid_social&utm_campaign=spring');
  const visitorA = await visitorId(a);
  await a.getByLabel('Email').fill(`  ${email.toUpperCase()} `);
  await a.getByRole('button', { name: 'Subscribe' }).click();
  await expect(a.locator('#newsletter-done')).toBeVisible();
  await expect.poll(async () => (await lead(request, email)).status, { timeout: 15_000 }).toBe(200);
  await deviceA.close();

  // Device B: a Google search, some browsing, then the lead form (POST → 303 → thanks.html).
  const deviceB = await browser.newContext();
  const b = await deviceB.newPage();
  await b.goto('/demo/pricing.html', { referer: 'https://www.google.com/' });
  const visitorB = await visitorId(b);
  expect(visitorB).not.toBe(visitorA);
  await b.getByRole('link', { name: 'Request a demo' }).first().click();
  await expect(b).toHaveURL(/contact\.html$/);
  await b.getByLabel('Name').fill('Ada Lovelace');
  await b.getByLabel('Work email').fill(email);
  await b.getByLabel('Company').fill('Analytical Engines');
  await b.getByLabel('Choose a password').fill(PASSWORD);
  await b.getByRole('button', { name: 'Request a demo' }).click();
  await expect(b).toHaveURL(/thanks\.html$/); // the form's own navigation was not held up
  await deviceB.close();

  let l!: Lead;
  await expect
    .poll(
      async () => {
        l = (await lead(request, email)).body;
        return [l.forms?.length, l.visitors?.length];
      },
      { timeout: 15_000 },
    )
    .toEqual([2, 2]);

  expect(l.email).toBe(email); // normalized: trimmed, lower-cased
  expect(l.stage).toBe('lead');
  expect(l.visitors.map((v) => v.visitor_id)).toEqual([visitorA, visitorB]);
  expect(l.touches.map((t) => [t.visitor_id, t.channel, t.campaign])).toEqual([
    [visitorA, 'Paid Social', 'spring'],
    [visitorB, 'Organic Search', ''],
  ]);
  expect(l.forms.map((f) => [f.form, f.visitor_id])).toEqual([
    ['newsletter', visitorA],
    ['demo-request', visitorB],
  ]);
  expect(l.forms[1]!.fields).toMatchObject({
    name: 'Ada Lovelace',
    email,
    company: 'Analytical Engines',
    team_size: '1-10',
  });
  expect(Object.keys(l.forms[1]!.fields)).not.toContain('password');
  expect(Object.keys(l.forms[1]!.fields)).not.toContain('csrf_token');

  // The lead was created by the newsletter sign-up on device A.
  const [signup] = await query(
    request,
    `
    SELECT toString(ts) AS ts FROM events FINAL
    WHERE site_id = 'demo' AND type = 'form' AND visitor_id = toUUID({visitor:String})`,
    { visitor: visitorA },
  );
  expect(l.lead_at).toBe(signup!.ts);

  // Nowhere in the store: no row of any table holds the password or the hidden field's value …
  const tables = await query(
    request,
    `SELECT name FROM system.tables WHERE database = currentDatabase() AND engine NOT LIKE '%View'`,
  );
  for (const { name } of tables) {
    const [hit] = await query(
      request,
      `SELECT count() AS n FROM {table:Identifier} WHERE position(formatRow('TSV', *), {pw:String}) > 0 OR position(formatRow('TSV', *), {csrf:String}) > 0`,
      { table: String(name), pw: PASSWORD, csrf: CSRF },
    );
    expect(Number(hit!.n), `table ${String(name)}`).toBe(0);
  }
  // … and no file of the collector's data directory (the spool keeps JSON as sent) contains it.
  expect(filesContaining(process.env.CL_E2E_DATA_DIR!, PASSWORD)).toEqual([]);
});
