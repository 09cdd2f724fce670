/**
 * TEST ONLY — start the chDB-backed ClickHouse HTTP server (main.ts) as its own process, the way a
 * collector meets a real ClickHouse server: another process, over HTTP.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const MAIN = fileURLToPath(new URL('./main.ts', import.meta.url));

export interface ClickHouseServerProcess {
  readonly url: string;
  readonly port: number;
  readonly dataDir: string;
  readonly child: ChildProcess;
  /** SIGTERM and wait for the exit. */
  stop(): Promise<void>;
  /** SIGKILL (a crash) and wait for the exit. */
  kill(): Promise<void>;
}

export async function startClickHouseServer(opts: {
  dataDir: string;
  port?: number;
  user?: string;
  password?: string;
}): Promise<ClickHouseServerProcess> {
  const args = ['--import', 'tsx', MAIN, '--data-dir', opts.dataDir, '--port', String(opts.port ?? 0)];
  if (opts.user !== undefined) args.push('--user', opts.user);
  if (opts.password !== undefined) args.push('--password', opts.password);
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-4000);
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const port = await new Promise<number>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    lines.once('line', (line) => {
      try {
        resolve((JSON.parse(line) as { port: number }).port);
      } catch (err) {
        reject(err);
      }
    });
    child.once('exit', (code) =>
      reject(new Error(`ClickHouse test server exited (${code}) before listening: ${stderr}`)),
    );
  });
  const end = async (signal: NodeJS.Signals) => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    await exited;
  };
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    dataDir: opts.dataDir,
    child,
    stop: () => end('SIGTERM'),
    kill: () => end('SIGKILL'),
  };
}
