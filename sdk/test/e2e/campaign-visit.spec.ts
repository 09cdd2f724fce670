/**
 * The foundation's promise, in a real browser: a visitor lands on the demo site from a campaign
 * link and clicks around; every page view is stored with that campaign, channel Email and one
 * visitor id — also after a reload and through single-page-app navigations.
 */
import { expect, PAGEVIEWS_OF_VISITOR, spaNavigated, test, visitorId, waitForRows } from './support.js';

test('a newsletter visitor clicking through is one visitor with the launch campaign on every page', async ({
  page,
  request,
}) => {
  const pageErrors: Error[] = [];
  page.on('pageerror', (e) => pageErrors.push(e));
  await page.goto('/demo/?utm_source=newsletter&utm_medium=email&utm_campaign=launch');
  const visitor = await visitorId(page);
  expect(visitor).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);

  await page.getByRole('link', { name: 'See pricing' }).click();
  await expect(page).toHaveURL(/pricing\.html$/);
  await page.getByRole('link', { name: 'Read how it works' }).click();
  await expect(page).toHaveURL(/blog\.html$/);
  await page.reload();
  expect(await visitorId(page)).toBe(visitor);

  const rows = await waitForRows(request, PAGEVIEWS_OF_VISITOR, { visitor }, 4);
  expect(rows.map((r) => r.path)).toEqual(['/demo/', '/demo/pricing.html', '/demo/blog.html', '/demo/blog.html']);
  for (const r of rows) {
    expect(r).toMatchObject({
      visitor: visitor,
      channel: 'Email',
      utm_source: 'newsletter',
      utm_medium: 'email',
      utm_campaign: 'launch',
      is_bot: false,
    });
  }
  expect(new Set(rows.map((r) => r.session)).size).toBe(1);
  expect(rows.filter((r) => r.session_start)).toHaveLength(1);
  expect(rows[1]!.title).toContain('Pricing');
  expect(pageErrors).toEqual([]);
});

test('single-page-app navigations are page views, and the visitor survives a new tab', async ({
  page,
  context,
  request,
}) => {
  await page.goto('/demo/app.html?utm_source=newsletter&utm_medium=email&utm_campaign=launch');
  const visitor = await visitorId(page);
  await page.getByRole('link', { name: 'Sources' }).click();
  await spaNavigated(page, /step=sources/);
  await page.getByRole('link', { name: 'Leads' }).click();
  await expect(page.locator('#tour-title')).toHaveText('Leads');
  await spaNavigated(page, /step=leads/);
  await page.goBack();
  await spaNavigated(page, /step=sources/);

  const other = await context.newPage();
  await other.goto('/demo/pricing.html');
  expect(await visitorId(other)).toBe(visitor);

  const rows = await waitForRows(request, PAGEVIEWS_OF_VISITOR, { visitor }, 5);
  const urls = rows.map((r) => String(r.url).replace(/^https?:\/\/[^/]+/, ''));
  expect(urls).toEqual([
    '/demo/app.html?utm_source=newsletter&utm_medium=email&utm_campaign=launch',
    '/demo/app.html?step=sources',
    '/demo/app.html?step=leads',
    '/demo/app.html?step=sources',
    '/demo/pricing.html',
  ]);
  for (const r of rows) expect(r).toMatchObject({ channel: 'Email', utm_campaign: 'launch' });
});
