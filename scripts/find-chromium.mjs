// Finds the Chromium the browser specs drive, installing Debian's `chromium` when it can.
// Never lets the browser tests be skipped silently: without a browser it fails with what to do.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

export function findChromium(env = process.env) {
  const wanted = env.CHROMIUM_PATH || '/usr/bin/chromium';
  if (existsSync(wanted)) return wanted;
  if (env.CHROMIUM_PATH) fail(`CHROMIUM_PATH=${env.CHROMIUM_PATH} does not exist.`);
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  const hasApt = spawnSync('sh', ['-c', 'command -v apt-get'], { stdio: 'ignore' }).status === 0;
  if (isRoot && hasApt) {
    console.log('[test] Chromium not found: installing Debian package `chromium` (about a minute)…');
    try {
      execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit' });
      execFileSync('apt-get', ['install', '-y', '-qq', 'chromium'], { stdio: 'inherit', env: { ...env, DEBIAN_FRONTEND: 'noninteractive' } });
    } catch {
      fail('installing Debian `chromium` with apt-get failed (see above).');
    }
    if (existsSync(wanted)) return wanted;
  }
  fail('no Chromium at /usr/bin/chromium.');
}

function fail(why) {
  console.error(`\n[test] The browser tests need Chromium, and ${why}
[test] Provide one: as root run \`apt-get install -y chromium\` (Debian/Ubuntu), or set CHROMIUM_PATH to a Chromium/Chrome binary.
[test] (\`npx playwright install\` downloads browsers and does not work on machines without internet access.)\n`);
  process.exit(1);
}
