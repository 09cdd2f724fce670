/** Where the package's own files are, from source (tsx/vitest) and from the build (dist/) alike. */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

function findPackageRoot(start: string): string {
  let dir = start;
  for (;;) {
    const pkg = path.join(dir, 'package.json');
    if (existsSync(pkg) && (JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === 'closeloop')
      return dir;
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`closeloop package.json not found above ${start}`);
    dir = parent;
  }
}

export const PACKAGE_ROOT = findPackageRoot(path.dirname(fileURLToPath(import.meta.url)));
export const SDK_BUNDLE = path.join(PACKAGE_ROOT, 'dist', 'sdk', 'cl.js');
/** The SDK's core variant, without form and click capture (served at /cl.core.js). */
export const SDK_CORE_BUNDLE = path.join(PACKAGE_ROOT, 'dist', 'sdk', 'cl.core.js');
/** The optional consent notice (served at /cl-consent.js). */
export const CONSENT_BUNDLE = path.join(PACKAGE_ROOT, 'dist', 'sdk', 'consent.js');
/** The /docs page's script, compiled from collector/src/openapi/docs-client.ts by the build. */
export const DOCS_CLIENT = path.join(PACKAGE_ROOT, 'dist', 'collector', 'src', 'openapi', 'docs-client.js');
export const DEMO_DIR = path.join(PACKAGE_ROOT, 'examples', 'demo');
/** The dashboard's page and style (static) and its scripts (compiled from collector/dashboard/src). */
export const DASHBOARD_DIR = path.join(PACKAGE_ROOT, 'collector', 'dashboard');
export const DASHBOARD_JS_DIR = path.join(PACKAGE_ROOT, 'dist', 'dashboard');
export const VERSION = (
  JSON.parse(readFileSync(path.join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { version: string }
).version;
