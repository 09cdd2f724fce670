/**
 * The admin token: from CLOSELOOP_ADMIN_TOKEN, or in demo mode generated once and kept in
 * `DATA_DIR/admin-token` (mode 600) so restarts and the CLI on the same machine reuse it.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Config } from '../base/config.js';
import { ClError } from '../base/errors.js';

export const tokenFile = (dataDir: string) => path.join(dataDir, 'admin-token');

export function readStoredToken(dataDir: string): string | undefined {
  try {
    return readFileSync(tokenFile(dataDir), 'utf8').trim() || undefined;
  } catch {
    return undefined;
  }
}

/** The config with an admin token, or CL_CONFIG_INVALID when production mode has none. */
export function withAdminToken(config: Config): { config: Config; generated: boolean } {
  if (config.adminToken) return { config, generated: false };
  if (!config.demo) {
    throw new ClError(
      'CL_CONFIG_INVALID',
      'CLOSELOOP_ADMIN_TOKEN is required in production mode (at least 16 characters, e.g. `openssl rand -hex 24`). ' +
        '`npm start` runs the demo, which generates one.',
    );
  }
  const stored = readStoredToken(config.dataDir);
  if (stored) return { config: Object.freeze({ ...config, adminToken: stored }), generated: false };
  const token = randomBytes(24).toString('base64url');
  mkdirSync(config.dataDir, { recursive: true });
  writeFileSync(tokenFile(config.dataDir), `${token}\n`, { mode: 0o600 });
  return { config: Object.freeze({ ...config, adminToken: token }), generated: true };
}
