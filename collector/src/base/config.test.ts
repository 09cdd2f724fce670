import { describe, expect, it } from 'vitest';
import { CONFIG_REFERENCE, loadConfig, parseConfigFile, type Config } from './config.js';

describe('loadConfig', () => {
  it('applies documented defaults and freezes the result', () => {
    const c = loadConfig({}, '/srv/app');
    expect(c.port).toBe(8080);
    expect(c.host).toBe('localhost');
    expect(c.dataDir).toBe('/srv/app/data');
    expect(c.clickhouse.url).toBeUndefined();
    expect(c.clickhouse.database).toBe('closeloop');
    expect(c.demo).toBe(false);
    expect(Object.isFrozen(c)).toBe(true);
    expect(Object.isFrozen(c.clickhouse)).toBe(true);
  });

  /**
   * Every documented variable (CONFIG_REFERENCE): a value other than its default, and where the
   * Config shows it. A variable documented without a row here fails the first assertion.
   */
  const EVERY: Record<
    (typeof CONFIG_REFERENCE)[number][0],
    [value: string, read: (c: Config) => unknown, expected: unknown, needs?: Record<string, string>]
  > = {
    PORT: ['9000', (c) => c.port, 9000],
    HOST: ['0.0.0.0', (c) => c.host, '0.0.0.0'],
    CLOSELOOP_DATA_DIR: ['/var/lib/cl', (c) => [c.dataDir, c.spool.dir], ['/var/lib/cl', '/var/lib/cl/spool']],
    CLICKHOUSE_URL: ['http://ch:8123', (c) => c.clickhouse.url, 'http://ch:8123'],
    CLICKHOUSE_USER: ['writer', (c) => c.clickhouse.user, 'writer'],
    CLICKHOUSE_PASSWORD: ['pw', (c) => c.clickhouse.password, 'pw'],
    CLICKHOUSE_DATABASE: ['mkt', (c) => c.clickhouse.database, 'mkt'],
    CLICKHOUSE_CLUSTER: ['prod', (c) => c.clickhouse.cluster, 'prod', { CLICKHOUSE_URL: 'http://ch:8123' }],
    CLOSELOOP_ADMIN_TOKEN: ['x'.repeat(32), (c) => c.adminToken, 'x'.repeat(32)],
    CLOSELOOP_DEMO: ['true', (c) => c.demo, true],
    CLOSELOOP_DEMO_DATA: ['false', (c) => c.demoData, false],
    CLOSELOOP_URL: ['http://cl.internal:9999/', (c) => c.collectorUrl, 'http://cl.internal:9999'],
    CLOSELOOP_MAX_BODY_BYTES: ['2048', (c) => c.maxBodyBytes, 2048],
    CLOSELOOP_INSERT_MAX_ROWS: ['500', (c) => c.insert.maxRows, 500],
    CLOSELOOP_INSERT_INTERVAL_MS: ['50', (c) => c.insert.intervalMs, 50],
    CLOSELOOP_SPOOL_MAX_BYTES: ['1048576', (c) => c.spool.maxBytes, 1048576],
    CLOSELOOP_SPOOL_SITE_SHARE: ['25', (c) => c.spool.siteMaxBytes, (128 * 1024 ** 2) / 4],
    CLOSELOOP_SPOOL_SEGMENT_BYTES: ['65536', (c) => c.spool.segmentBytes, 65536],
    CLOSELOOP_SHUTDOWN_GRACE_S: ['3', (c) => c.shutdownGraceMs, 3000],
    CLOSELOOP_RATE_LIMIT: ['0', (c) => c.rateLimitPerMinute, 0],
    CLOSELOOP_SITE_RATE_LIMIT: ['100', (c) => c.siteRateLimitPerMinute, 100],
    CLOSELOOP_REQUEST_TIMEOUT_S: ['5', (c) => c.timeouts.requestMs, 5000],
    CLOSELOOP_KEEP_ALIVE_TIMEOUT_S: ['9', (c) => c.timeouts.keepAliveMs, 9000],
    CLOSELOOP_IDLE_TIMEOUT_S: ['0', (c) => c.timeouts.idleMs, 0],
    CLOSELOOP_ORIGIN_CHECK: ['false', (c) => c.originCheck, false],
    CLOSELOOP_TRUST_PROXY: ['10.0.0.0/8, 127.0.0.1', (c) => c.trustProxy, ['10.0.0.0/8', '127.0.0.1']],
    CLOSELOOP_QUERY_TIMEOUT_S: ['7', (c) => c.query.timeoutSeconds, 7],
    CLOSELOOP_QUERY_MAX_ROWS: ['10', (c) => c.query.maxRows, 10],
    CLOSELOOP_LOG_IP: ['off', (c) => c.logIp, 'off'],
    CLOSELOOP_LOG_LEVEL: ['warn', (c) => c.logLevel, 'warn'],
  };

  it('sets and reads every documented variable, each on its own', () => {
    expect(Object.keys(EVERY).sort()).toEqual(CONFIG_REFERENCE.map(([key]) => key).sort());
    for (const [key, [value, read, expected, needs = {}]] of Object.entries(EVERY)) {
      expect(read(loadConfig(needs, '/srv')), `${key} unset`).not.toEqual(expected);
      expect(read(loadConfig({ ...needs, [key]: value }, '/srv')), `${key}=${value}`).toEqual(expected);
    }
  });

  it('reads every documented variable set together', () => {
    const env = Object.fromEntries(Object.entries(EVERY).map(([key, [value]]) => [key, value]));
    const c = loadConfig(env, '/srv');
    for (const [key, [, read, expected]] of Object.entries(EVERY)) {
      // Together, the site share is of the smaller spool (1 MiB), floored at two of the 2 KiB bodies.
      if (key === 'CLOSELOOP_SPOOL_SITE_SHARE') expect(read(c)).toBe(1048576 / 4);
      else expect(read(c), key).toEqual(expected);
    }
  });

  it('names every bad key and what it allows', () => {
    expect(() =>
      loadConfig({ PORT: 'eighty', CLICKHOUSE_DATABASE: 'a;drop', CLOSELOOP_LOG_LEVEL: 'loud' }),
    ).toThrowError(
      /PORT="eighty".*\n.*CLICKHOUSE_DATABASE="a;drop": must be a plain identifier.*\n.*CLOSELOOP_LOG_LEVEL="loud"/s,
    );
    expect(() => loadConfig({ CLICKHOUSE_URL: 'ftp://x' })).toThrowError(/CLICKHOUSE_URL.*http/);
    expect(() => loadConfig({ CLOSELOOP_ADMIN_TOKEN: 'short' })).toThrowError(/at least 16/);
    expect(() => loadConfig({ CLICKHOUSE_CLUSTER: 'prod' })).toThrowError(
      /CLICKHOUSE_CLUSTER="prod": needs CLICKHOUSE_URL/,
    );
    expect(() => loadConfig({ CLICKHOUSE_URL: 'http://ch:8123', CLICKHOUSE_CLUSTER: "x' ON CLUSTER y" })).toThrowError(
      /CLICKHOUSE_CLUSTER.*plain identifier/,
    );
    expect(loadConfig({ CLICKHOUSE_URL: 'http://ch:8123', CLICKHOUSE_CLUSTER: 'prod' }).clickhouse.cluster).toBe(
      'prod',
    );
  });
});

describe('parseConfigFile', () => {
  it('reads KEY=value lines with comments and quotes; the environment wins over it', () => {
    const file = parseConfigFile(
      '# closeloop\nPORT=9090\nexport HOST="0.0.0.0"\nCLOSELOOP_DATA_DIR=/var/lib/closeloop # data\n\n',
      'cl.env',
    );
    expect(file).toEqual({ PORT: '9090', HOST: '0.0.0.0', CLOSELOOP_DATA_DIR: '/var/lib/closeloop' });
    expect(loadConfig({ ...file, PORT: '7070' })).toMatchObject({
      port: 7070,
      host: '0.0.0.0',
      dataDir: '/var/lib/closeloop',
    });
  });

  it('names the line of every unknown key and malformed line', () => {
    expect(() => parseConfigFile('PORT=1\nPROT=2\nnonsense\n', 'cl.env')).toThrowError(
      /cl.env:2: PROT is not a setting.*\n.*cl.env:3: expected KEY=value/s,
    );
  });
});
