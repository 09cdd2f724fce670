/**
 * The consent notice (dist/sdk/consent.js at /cl-consent.js; issue 8) operated by keyboard only,
 * on the demo's consent page served under a strict Content-Security-Policy (no 'unsafe-inline'):
 * focus moves into the dialog, Tab and Shift+Tab stay inside it, Enter on "Accept" grants, focus
 * comes back, the choice is remembered; a screenshot of the notice is attached to the report.
 * And the notice works when cl.js arrives only after the choice (the `closeloop.q` queue).
 */
import { randomUUID } from 'node:crypto';
import { type Page } from '@playwright/test';
import { expect, servePage, test, waitForRows } from './support.js';

type Closeloop = { consent(c?: string): string | undefined; getVisitorId(): string | undefined };
const CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'";

/** Serves the demo's pages with a strict CSP header and records any violation. */
async function strictCsp(page: Page): Promise<void> {
  await page.route('**/demo/consent.html*', async (route) => {
    const res = await route.fetch();
    await route.fulfill({ response: res, headers: { ...res.headers(), 'content-security-policy': CSP } });
  });
  await page.addInitScript(() => {
    const w = window as unknown as { cspViolations: string[] };
    w.cspViolations = [];
    document.addEventListener('securitypolicyviolation', (e) =>
      w.cspViolations.push(`${e.violatedDirective} ${e.blockedURI}`),
    );
  });
}

/** What has the keyboard focus: its role or tag and its accessible text. */
const focused = (page: Page) =>
  page.evaluate(() => {
    const e = document.activeElement as HTMLElement;
    return `${e.getAttribute('role') ?? e.tagName.toLowerCase()}: ${e.getAttribute('aria-labelledby') ? document.getElementById(e.getAttribute('aria-labelledby')!)?.textContent : e.textContent}`;
  });

test('the consent notice by keyboard only: focus inside, Tab cycles, Enter on Accept grants; a screenshot is saved', async ({
  page,
  context,
  request,
}, testInfo) => {
  await strictCsp(page);
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  const campaign = `notice-${randomUUID().slice(0, 8)}`;
  await page.goto(`/demo/consent.html?utm_source=newsletter&utm_medium=email&utm_campaign=${campaign}`);

  const dialog = page.getByRole('dialog', { name: 'Your privacy' });
  await expect(dialog).toBeVisible();
  await expect(dialog).toHaveAttribute('aria-modal', 'true');
  await expect(dialog).toHaveAccessibleDescription(/May we set a cookie/);
  // Styled under the CSP (CSSOM, no inline style attribute or <style> needed).
  expect(await dialog.evaluate((e) => getComputedStyle(e).position)).toBe('fixed');
  // Focus moved into it when shown.
  expect(await focused(page)).toBe('dialog: Your privacy');

  // Tab: policy link → Reject → Accept, then around again; Shift+Tab goes back.
  const order: string[] = [];
  for (let i = 0; i < 4; i++) {
    await page.keyboard.press('Tab');
    order.push(await focused(page));
  }
  expect(order).toEqual(['a: Privacy policy', 'button: Reject', 'button: Accept', 'a: Privacy policy']);
  await page.keyboard.press('Shift+Tab');
  expect(await focused(page)).toBe('button: Accept');

  const shot = testInfo.outputPath('consent-notice.png');
  await page.screenshot({ path: shot });
  await testInfo.attach('consent notice', { path: shot, contentType: 'image/png' });

  expect(await context.cookies()).toEqual([]);
  await page.keyboard.press('Enter');
  await expect(dialog).toHaveCount(0);
  expect(await page.evaluate(() => document.activeElement == document.body)).toBe(true); // back where it was
  await expect(page.locator('#consent-state')).toHaveText('granted');
  const visitor = (await page.evaluate(() =>
    (window as unknown as { closeloop: Closeloop }).closeloop.getVisitorId(),
  ))!;
  expect((await context.cookies()).map((c) => c.name).sort()).toEqual(
    expect.arrayContaining(['_cl_consent', '_cl_vid']),
  );

  // Remembered: the next page shows no notice.
  await page.reload();
  await expect(page.locator('#consent-state')).toHaveText('granted');
  await expect(dialog).toHaveCount(0);

  const rows = await waitForRows(
    request,
    `SELECT name, props, toString(visitor_id) AS visitor, utm_campaign FROM events_with_touch WHERE site_id = 'demo' AND type = 'consent' AND visitor_id = toUUID({visitor:String})`,
    { visitor },
    1,
  );
  expect(rows[0]).toMatchObject({ name: 'granted', props: { policy: '2026-05' }, utm_campaign: campaign });
  expect(await page.evaluate(() => (window as unknown as { cspViolations: string[] }).cspViolations)).toEqual([]);
  expect(errors).toEqual([]);
});

test('Space on Reject denies; the notice does not come back', async ({ page, context }) => {
  await page.goto('/demo/consent.html');
  const dialog = page.getByRole('dialog', { name: 'Your privacy' });
  await expect(dialog).toBeVisible();
  await page.keyboard.press('Shift+Tab'); // from the dialog backwards: the last control, Accept
  await page.keyboard.press('Shift+Tab');
  expect(await focused(page)).toBe('button: Reject');
  await page.keyboard.press('Space');
  await expect(dialog).toHaveCount(0);
  await expect(page.locator('#consent-state')).toHaveText('denied');
  expect((await context.cookies()).map((c) => `${c.name}=${c.value}`)).toEqual(['_cl_consent=denied']);
  await page.reload();
  await expect(page.locator('#consent-state')).toHaveText('denied');
  await expect(dialog).toHaveCount(0);
});

test('texts are translatable, and a choice made before cl.js has loaded is handed over when it arrives', async ({
  page,
}) => {
  await servePage(
    page,
    '**/e2e/consent-late.html',
    `<!doctype html><html lang="de"><head><title>Spät</title>
      <script src="/cl-consent.js" data-title="Datenschutz" data-text="Dürfen wir ein Cookie setzen?" data-accept="Zustimmen" data-reject="Ablehnen"
        data-policy-url="/datenschutz" data-policy-text="Datenschutzerklärung"></script>
    </head><body><p>Seite</p></body></html>`,
  );
  await page.goto('/e2e/consent-late.html');
  const dialog = page.getByRole('dialog', { name: 'Datenschutz' });
  await expect(dialog).toBeVisible();
  await expect(dialog.getByRole('link', { name: 'Datenschutzerklärung' })).toHaveAttribute('href', '/datenschutz');
  await dialog.getByRole('button', { name: 'Zustimmen' }).press('Enter');
  await expect(dialog).toHaveCount(0);
  expect(await page.evaluate(() => (window as unknown as { closeloop: { q: unknown[][] } }).closeloop.q)).toEqual([
    ['consent', 'granted'],
  ]);

  // Now the page loads the SDK (as a tag manager would): it replays the queued choice.
  await page.evaluate(() => {
    const s = document.createElement('script');
    Object.assign(s.dataset, { site: 'pk_demo', consent: 'required' });
    s.src = '/cl.js';
    document.head.append(s);
  });
  await page.waitForFunction(() => !(window as unknown as { closeloop: { q?: unknown } }).closeloop.q);
  expect(await page.evaluate(() => (window as unknown as { closeloop: Closeloop }).closeloop.consent())).toBe(
    'granted',
  );
});
