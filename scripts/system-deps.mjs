// The system programs the tests drive for real: Chromium (browser specs) and nginx (the reverse
// proxy spec). Found at their Debian paths (or an env override), installed with apt-get when the
// test runs as root, else the run stops with what to do — tests that need them are never skipped.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const DEPS = {
  chromium: {
    path: '/usr/bin/chromium',
    env: 'CHROMIUM_PATH',
    pkg: 'chromium',
    what: 'The browser tests need Chromium',
    hint: '(`npx playwright install` downloads browsers and does not work on machines without internet access.)',
  },
  nginx: {
    path: '/usr/sbin/nginx',
    env: 'NGINX_PATH',
    pkg: 'nginx',
    what: 'The reverse-proxy test needs nginx',
    hint: '',
  },
};

/** The path of `name` (chromium | nginx), installing its Debian package when possible. */
export function ensureSystemDep(name, env = process.env) {
  const dep = DEPS[name];
  const wanted = env[dep.env] || dep.path;
  if (existsSync(wanted)) return wanted;
  if (env[dep.env]) fail(dep, `${dep.env}=${env[dep.env]} does not exist.`);
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  const hasApt = spawnSync('sh', ['-c', 'command -v apt-get'], { stdio: 'ignore' }).status === 0;
  if (isRoot && hasApt) {
    console.log(`[test] ${name} not found: installing Debian package \`${dep.pkg}\`…`);
    try {
      execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit' });
      execFileSync('apt-get', ['install', '-y', '-qq', dep.pkg], {
        stdio: 'inherit',
        env: { ...env, DEBIAN_FRONTEND: 'noninteractive' },
      });
    } catch {
      fail(dep, `installing Debian \`${dep.pkg}\` with apt-get failed (see above).`);
    }
    if (existsSync(wanted)) return wanted;
  }
  fail(dep, `there is none at ${dep.path}.`);
}

function fail(dep, why) {
  console.error(`\n[test] ${dep.what}, and ${why}
[test] Provide it: as root run \`apt-get install -y ${dep.pkg}\` (Debian/Ubuntu), or set ${dep.env} to its binary.
[test] ${dep.hint}\n`);
  process.exit(1);
}
