import { describe, expect, it } from 'vitest';
import { CONFIG_REFERENCE, loadConfig, parseConfigFile } from './config.js';

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

  it('reads every documented variable', () => {
    const c = loadConfig({
      PORT: '9000', HOST: '0.0.0.0', CLOSELOOP_DATA_DIR: '/var/lib/cl', CLICKHOUSE_URL: 'http://ch:8123',
      CLICKHOUSE_DATABASE: 'mkt', CLOSELOOP_ADMIN_TOKEN: 'x'.repeat(32), CLOSELOOP_DEMO: 'true',
    });
    expect(c).toMatchObject({ port: 9000, host: '0.0.0.0', dataDir: '/var/lib/cl', demo: true, adminToken: 'x'.repeat(32) });
    expect(c.clickhouse).toMatchObject({ url: 'http://ch:8123', database: 'mkt' });
    const documented = CONFIG_REFERENCE.map(([key]) => key);
    expect(documented).toContain('CLICKHOUSE_PASSWORD');
  });

  it('names every bad key and what it allows', () => {
    expect(() => loadConfig({ PORT: 'eighty', CLICKHOUSE_DATABASE: 'a;drop', CLOSELOOP_LOG_LEVEL: 'loud' })).toThrowError(
      /PORT="eighty".*\n.*CLICKHOUSE_DATABASE="a;drop": must be a plain identifier.*\n.*CLOSELOOP_LOG_LEVEL="loud"/s,
    );
    expect(() => loadConfig({ CLICKHOUSE_URL: 'ftp://x' })).toThrowError(/CLICKHOUSE_URL.*http/);
    expect(() => loadConfig({ CLOSELOOP_ADMIN_TOKEN: 'short' })).toThrowError(/at least 16/);
    expect(() => loadConfig({ CLICKHOUSE_CLUSTER: 'prod' })).toThrowError(/CLICKHOUSE_CLUSTER="prod": needs CLICKHOUSE_URL/);
    expect(() => loadConfig({ CLICKHOUSE_URL: 'http://ch:8123', CLICKHOUSE_CLUSTER: "x' ON CLUSTER y" })).toThrowError(/CLICKHOUSE_CLUSTER.*plain identifier/);
    expect(loadConfig({ CLICKHOUSE_URL: 'http://ch:8123', CLICKHOUSE_CLUSTER: 'prod' }).clickhouse.cluster).toBe('prod');
  });
});

describe('parseConfigFile', () => {
  it('reads KEY=value lines with comments and quotes; the environment wins over it', () => {
    const file = parseConfigFile('# closeloop\nPORT=9090\nexport HOST="0.0.0.0"\nCLOSELOOP_DATA_DIR=/var/lib/closeloop # data\n\n', 'cl.env');
    expect(file).toEqual({ PORT: '9090', HOST: '0.0.0.0', CLOSELOOP_DATA_DIR: '/var/lib/closeloop' });
    expect(loadConfig({ ...file, PORT: '7070' })).toMatchObject({ port: 7070, host: '0.0.0.0', dataDir: '/var/lib/closeloop' });
  });

  it('names the line of every unknown key and malformed line', () => {
    expect(() => parseConfigFile('PORT=1\nPROT=2\nnonsense\n', 'cl.env')).toThrowError(/cl.env:2: PROT is not a setting.*\n.*cl.env:3: expected KEY=value/s);
  });
});
