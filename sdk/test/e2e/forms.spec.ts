/**
 * Lead capture in a real browser (issue 5): the demo's lead form — a full-page POST answered by a
 * redirect to a thank-you page — is stored as a `form` event with the email and the ordinary
 * fields, never the password or the hidden field; SPA forms that preventDefault and forms submitted
 * by script are captured too; `data-cl-ignore` and `data-forms="off"` are honoured.
 */
import { EVENTS_OF_VISITOR, expect, query, servePage, test, visitorId, waitForRows } from './support.js';

const FORMS_OF_VISITOR = EVENTS_OF_VISITOR.replace(
  'visitor_id = toUUID({visitor:String})',
  "visitor_id = toUUID({visitor:String}) AND type = 'form'",
);

test('the demo lead form is stored with its email, without password or hidden values, across the redirect', async ({
  page,
  request,
}) => {
  await page.goto('/demo/contact.html?utm_source=google&utm_medium=cpc&utm_campaign=leads');
  const visitor = await visitorId(page);
  await page.getByLabel('Name').fill('Ann Lead');
  await page.getByLabel('Work email').fill('Ann.Lead@Example.com');
  await page.getByLabel('Company').fill('Acme GmbH');
  await page.getByLabel(/password/).fill('hunter2-secret-pw');
  await page.getByLabel('What would you like to see?').fill('Attribution');
  await page.getByRole('button', { name: 'Request a demo' }).click();
  await expect(page).toHaveURL(/thanks\.html$/);

  const [form] = await waitForRows(request, FORMS_OF_VISITOR, { visitor }, 1);
  expect(form).toMatchObject({
    type: 'form',
    name: 'demo-request',
    path: '/demo/contact.html',
    email: 'ann.lead@example.com',
  });
  expect(form!.props).toEqual({
    name: 'Ann Lead',
    email: 'Ann.Lead@Example.com',
    company: 'Acme GmbH',
    team_size: '1-10',
    message: 'Attribution',
    'form.action': '/demo/forms/demo-request',
  });
  // Neither the password nor the hidden CSRF token is stored anywhere for this visitor.
  const leaks = await query(
    request,
    `SELECT count() AS n FROM events WHERE visitor_id = toUUID({visitor:String})
       AND (position(toString(props), 'hunter2') > 0 OR position(toString(props), 'demo-csrf') > 0 OR position(url, 'hunter2') > 0)`,
    { visitor },
  );
  expect(Number(leaks[0]!.n)).toBe(0);
});

const SPA_PAGE = `<!doctype html><html><head><title>SPA forms</title><script async src="/cl.js" data-site="pk_demo"></script></head><body>
<form id="newsletter"><input type="email" id="nl-email" autocomplete="email"><input id="card" name="card_number"><button>Subscribe</button></form>
<form id="signup" name="signup-form" action="/nowhere"><input name="nick"><fieldset data-cl-ignore><input name="mood"></fieldset><input name="promo" value="4111 1111 1111 1111"></form>
<form id="private" data-cl-ignore><input name="q"><button>Go</button></form>
<p id="done"></p>
<script>
  document.getElementById('newsletter').addEventListener('submit', (e) => { e.preventDefault(); document.getElementById('done').textContent = 'subscribed'; });
  document.getElementById('private').addEventListener('submit', (e) => e.preventDefault());
  window.submitByScript = () => { const f = document.getElementById('signup'); f.addEventListener('submit', () => { throw new Error('never fired by submit()'); }); f.submit(); };
</script></body></html>`;

test('SPA forms that preventDefault and forms submitted by script are captured; ignored fields and forms are not', async ({
  page,
  request,
}) => {
  await page.route('**/nowhere', (route) =>
    route.fulfill({ contentType: 'text/html', body: '<title>after</title>ok' }),
  );
  await servePage(page, '**/e2e/forms.html', SPA_PAGE);
  await page.goto('/e2e/forms.html');
  const visitor = await visitorId(page);

  await page.locator('#private input').fill('secret search');
  await page.locator('#private button').click();
  await page.locator('#nl-email').fill('spa@example.com');
  await page.locator('#card').fill('5555 5555 5555 4444');
  await page.getByRole('button', { name: 'Subscribe' }).click();
  await expect(page.locator('#done')).toHaveText('subscribed');
  await page.locator('[name=nick]').fill('neo');
  await page.locator('[name=mood]').fill('grumpy');
  await page.evaluate(() => (window as unknown as { submitByScript(): void }).submitByScript());
  await expect(page).toHaveURL(/nowhere/);

  const rows = await waitForRows(request, FORMS_OF_VISITOR, { visitor }, 2);
  expect(rows.map((r) => [r.name, r.props, r.email])).toEqual([
    ['newsletter', { 'nl-email': 'spa@example.com' }, 'spa@example.com'],
    ['signup', { nick: 'neo', 'form.action': '/nowhere' }, ''],
  ]);
});

test('data-forms="off" captures nothing; data-forms="lead" only forms marked data-cl-lead', async ({
  page,
  request,
}) => {
  const html = (mode: string) =>
    `<!doctype html><html><head><script async src="/cl.js" data-site="pk_demo" data-forms="${mode}"></script></head><body>
     <form id="plain" onsubmit="event.preventDefault()"><input name="a" value="1"><button id="b1">1</button></form>
     <form id="lead" data-cl-lead onsubmit="event.preventDefault()"><input name="b" value="2"><button id="b2">2</button></form></body></html>`;
  for (const mode of ['off', 'lead']) {
    await servePage(page, `**/e2e/forms-${mode}.html`, html(mode));
    await page.goto(`/e2e/forms-${mode}.html`);
    await visitorId(page);
    await page.locator('#b1').click();
    await page.locator('#b2').click();
    await page.evaluate(() => (window as unknown as { closeloop: { track(n: string): void } }).closeloop.track('done'));
  }
  const visitor = await visitorId(page);
  const rows = await waitForRows(
    request,
    EVENTS_OF_VISITOR.replace(
      'ORDER BY',
      "AND type IN ('form', 'custom') AND name NOT IN ('engagement', 'click') ORDER BY",
    ),
    { visitor },
    3,
  );
  expect(rows.map((r) => `${r.type}:${r.name}`)).toEqual(['custom:done', 'form:lead', 'custom:done']);
});
