/** Vitest global setup of the `server` project: one test ClickHouse server process for the run. */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { startClickHouseServer } from './process.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Set in the `server` project: the test ClickHouse server every collector in the file uses. */
    clickhouseUrl?: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'closeloop-ch-server-'));
  const server = await startClickHouseServer({ dataDir });
  project.provide('clickhouseUrl', server.url);
  return async () => {
    await server.stop();
    rmSync(dataDir, { recursive: true, force: true });
  };
}
