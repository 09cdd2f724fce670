/** Where a visitor came from decides the channel: a search engine referrer, an ad click id. */
import { expect, PAGEVIEWS_OF_VISITOR, test, visitorId, waitForRows } from './support.js';

test('a visitor arriving from a Google search is Organic Search', async ({ page, request }) => {
  await page.goto('/demo/', { referer: 'https://www.google.com/' });
  const visitor = await visitorId(page);
  await page.getByRole('link', { name: 'Pricing' }).first().click();
  const rows = await waitForRows(request, PAGEVIEWS_OF_VISITOR, { visitor }, 2);
  for (const r of rows)
    expect(r).toMatchObject({ channel: 'Organic Search', source: 'google', referrer_domain: 'google.com' });
});

test('a visitor arriving with a gclid is Paid Search', async ({ page, request }) => {
  await page.goto('/demo/?gclid=EAIaIQobChMI_test');
  const visitor = await visitorId(page);
  const rows = await waitForRows(request, PAGEVIEWS_OF_VISITOR, { visitor }, 1);
  expect(rows[0]).toMatchObject({ channel: 'Paid Search', click_id_type: 'gclid', session_start: true });
});

test('a direct visitor is Direct', async ({ page, request }) => {
  await page.goto('/demo/blog.html');
  const visitor = await visitorId(page);
  const rows = await waitForRows(request, PAGEVIEWS_OF_VISITOR, { visitor }, 1);
  expect(rows[0]).toMatchObject({ channel: 'Direct', referrer_domain: '' });
});
