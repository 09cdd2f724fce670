/** Helpers for the dashboard specs: wait for every panel to settle, and attach a screenshot. */
import { expect, type Page, type TestInfo } from '@playwright/test';

/** Every section loaded (none busy), the campaigns table drawn. */
export async function settled(page: Page): Promise<void> {
  // Generous: one embedded ClickHouse answers every panel's reports (and their comparison periods) in turn,
  // while npm test runs the vitest suite beside the browser specs.
  await expect(page.locator('#campaigns table.data tbody tr').first()).toBeVisible({ timeout: 60_000 });
  await expect(page.locator('section[aria-busy=true]')).toHaveCount(0, { timeout: 60_000 });
}

/** A full-page screenshot attached to the test results (no hover highlight in the picture). */
export async function screenshot(page: Page, testInfo: TestInfo, name: string): Promise<void> {
  await page.mouse.move(0, 0);
  const file = testInfo.outputPath(`${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  await testInfo.attach(name, { path: file, contentType: 'image/png' });
}
