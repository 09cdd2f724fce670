/**
 * The collector that runs on a data directory, as CLI commands find it: the collector records its
 * URL and process id in DATA_DIR/collector.json once it listens, and removes the file when it shuts
 * down cleanly. Embedded ClickHouse allows one process per data directory and makes a second one
 * wait minutes for its lock, so a command must talk to that collector, never open the store itself.
 */
import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export const COLLECTOR_FILE = 'collector.json';

export interface RecordedCollector {
  url: string;
  pid: number;
}

export function recordCollector(dataDir: string, url: string): void {
  const file = path.join(dataDir, COLLECTOR_FILE);
  writeFileSync(`${file}.tmp`, `${JSON.stringify({ url, pid: process.pid } satisfies RecordedCollector)}\n`);
  renameSync(`${file}.tmp`, file);
}

/** Removes the record if it is this process's (a newer collector may have replaced it). */
export function forgetCollector(dataDir: string): void {
  if (readRecordedCollector(dataDir)?.pid === process.pid) rmSync(path.join(dataDir, COLLECTOR_FILE), { force: true });
}

export function readRecordedCollector(dataDir: string): RecordedCollector | undefined {
  try {
    const parsed = JSON.parse(readFileSync(path.join(dataDir, COLLECTOR_FILE), 'utf8')) as Partial<RecordedCollector>;
    return typeof parsed.url === 'string' && Number.isInteger(parsed.pid)
      ? { url: parsed.url, pid: parsed.pid! }
      : undefined;
  } catch {
    return undefined;
  }
}

export function processAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Another live process that holds the embedded store in `chdbPath`: ClickHouse writes its process
 * id into the store's `status` file while it holds the store's lock. Undefined when none does.
 */
export function storeHolder(chdbPath: string): number | undefined {
  let text: string;
  try {
    text = readFileSync(path.join(chdbPath, 'status'), 'utf8');
  } catch {
    return undefined;
  }
  const pid = Number(/^PID:\s*(\d+)/m.exec(text)?.[1]);
  return Number.isInteger(pid) && pid > 0 && pid !== process.pid && processAlive(pid) ? pid : undefined;
}
