/**
 * The ES module for bundlers (`dist/sdk/closeloop.mjs`, the package's `import` entry): built from the
 * same sources as cl.js with js-cookie bundled and reduced by the same rewrites (rollup.config.ts), so
 * it is checked in the browser too: an app imports it, inits and tracks; the cookies are set and the
 * events stored. Runs in the `full` project only (it has no script variant).
 */
import { readFileSync } from 'node:fs';
import { EVENTS_OF_VISITOR, expect, servePage, test, waitForRows } from './support.js';

test('an app that imports the ES module is tracked: cookies set, page view and custom event stored', async ({
  page,
  context,
  request,
}) => {
  const module = readFileSync('dist/sdk/closeloop.mjs', 'utf8');
  await page.route('**/e2e/closeloop.mjs', (route) =>
    route.fulfill({ contentType: 'application/javascript; charset=utf-8', body: module }),
  );
  await servePage(
    page,
    '**/e2e/module.html',
    `<!doctype html><html><head><title>Module</title><script type="module">
      import { init, track, getVisitorId } from '/e2e/closeloop.mjs';
      init({ site: 'pk_demo' });
      track('from-module', { plan: 'pro' });
      window.visitor = getVisitorId();
    </script></head><body>module</body></html>`,
  );
  await page.goto('/e2e/module.html');
  const visitor = String(
    await page.waitForFunction(() => (window as unknown as { visitor?: string }).visitor).then((h) => h.jsonValue()),
  );
  expect(visitor).toMatch(/^[\da-f]{8}(-[\da-f]{4}){3}-[\da-f]{12}$/);
  const cookies = await context.cookies();
  expect(cookies.find((c) => c.name == '_cl_vid')?.value).toBe(visitor);
  // js-cookie with the SDK's converter, as in cl.js: the session cookie URI-encoded
  expect(cookies.find((c) => c.name == '_cl_ses')?.value).toMatch(/^%5B%22[\da-f-]{36}%22%2C/);
  const rows = await waitForRows(request, EVENTS_OF_VISITOR, { visitor }, 2);
  expect(rows.map((r) => [r.type, r.name])).toEqual([
    ['pageview', ''],
    ['custom', 'from-module'],
  ]);
  expect(rows[1]!.props).toEqual({ plan: 'pro' });
});
