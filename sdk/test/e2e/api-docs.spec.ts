/** The API reference at /docs renders in real Chromium, lists every route of /openapi.json, and "Try it" calls the API. */
import { expect, test } from '@playwright/test';
import { E2E_ADMIN_TOKEN } from '../../../playwright.config.js';

test('/docs lists every route and its "Try it" form answers from the real collector', async ({
  page,
  request,
}, testInfo) => {
  const doc = (await (await request.get('/openapi.json')).json()) as {
    paths: Record<string, Record<string, { operationId: string }>>;
  };
  const operations = Object.values(doc.paths).flatMap((methods) => Object.values(methods));
  expect(operations.length).toBeGreaterThan(20);

  await page.goto('/docs');
  await expect(page.getByRole('heading', { name: /closeloop API/ })).toBeVisible();
  await expect(page.locator('section.op')).toHaveCount(operations.length);
  for (const op of operations) await expect(page.locator(`section#${op.operationId}`)).toHaveCount(1);
  await page.screenshot({ path: testInfo.outputPath('docs.png') });
  await testInfo.attach('docs', { path: testInfo.outputPath('docs.png'), contentType: 'image/png' });

  await page.locator('#token').fill(E2E_ADMIN_TOKEN);
  await page.locator('#token').dispatchEvent('change');
  const overview = page.locator('section#GET_v1_reports_overview');
  await overview.locator('input[name="site"]').fill('demo');
  await overview.getByRole('button', { name: 'Send' }).click();
  await expect(overview.locator('output')).toContainText('200 OK');
  await expect(overview.locator('output')).toContainText('"totals"');

  const query = page.locator('section#POST_v1_query');
  await query.getByRole('button', { name: 'Send' }).click(); // the documented example body
  await expect(query.locator('output')).toContainText('200 OK');
  await overview.screenshot({ path: testInfo.outputPath('docs-try-it.png') });
  await testInfo.attach('docs-try-it', { path: testInfo.outputPath('docs-try-it.png'), contentType: 'image/png' });
});
