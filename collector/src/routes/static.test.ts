import { get } from 'node:http';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testApp } from '../app/test-support.js';
import { pickEncoding } from './static.js';

describe('pickEncoding (the SDK bundles)', () => {
  it('prefers brotli, then gzip, among the accepted encodings', () => {
    expect(pickEncoding('gzip, deflate, br, zstd')).toBe('br');
    expect(pickEncoding('gzip, deflate')).toBe('gzip');
    expect(pickEncoding('GZIP')).toBe('gzip');
    expect(pickEncoding('deflate')).toBe('identity');
  });

  it('honours q-values: q=0 refuses, * accepts what is not named', () => {
    expect(pickEncoding('br;q=0, gzip;q=0.5')).toBe('gzip');
    expect(pickEncoding('br;q=0, gzip;q=0')).toBe('identity');
    expect(pickEncoding('*')).toBe('br');
    expect(pickEncoding('*, br;q=0')).toBe('gzip');
    expect(pickEncoding('br;q=abc')).toBe('identity');
  });

  it('sends the file as it is without a header or with identity only', () => {
    expect(pickEncoding(undefined)).toBe('identity');
    expect(pickEncoding('')).toBe('identity');
    expect(pickEncoding('identity')).toBe('identity');
  });
});

describe('the SDK bundles over real HTTP', () => {
  let app: FastifyInstance;
  let base: string;
  beforeAll(async () => {
    app = await testApp();
    await app.listen({ port: 0, host: '127.0.0.1' });
    const addr = app.server.address();
    base = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
  });
  afterAll(async () => {
    await app?.close();
  });

  it('serves the SDK bundle and its core variant', async () => {
    const [full, core] = await Promise.all([fetch(`${base}/cl.js`), fetch(`${base}/cl.core.js`)]);
    for (const res of [full, core]) {
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/javascript/);
    }
    const [fullJs, coreJs] = await Promise.all([full.text(), core.text()]);
    expect(coreJs.length).toBeLessThan(fullJs.length);
    expect(coreJs).not.toContain('data-cl-lead');
  });

  it('sends the SDK compressed in the best encoding the browser accepts, the same script once decoded', async () => {
    /** The raw response (fetch would decode it): its Content-Encoding and the bytes sent. */
    const raw = (acceptEncoding: string) =>
      new Promise<{ encoding?: string; vary?: string; bytes: Buffer }>((resolve, reject) =>
        get(`${base}/cl.js`, { headers: { 'accept-encoding': acceptEncoding } }, (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () =>
            resolve({
              encoding: res.headers['content-encoding'],
              vary: res.headers.vary,
              bytes: Buffer.concat(chunks),
            }),
          );
        }).on('error', reject),
      );
    const plain = await raw('identity');
    expect(plain.encoding).toBeUndefined();
    expect(plain.vary).toMatch(/accept-encoding/i);
    const br = await raw('gzip, deflate, br, zstd');
    expect(br.encoding).toBe('br');
    expect(brotliDecompressSync(br.bytes).equals(plain.bytes)).toBe(true);
    const gz = await raw('gzip;q=1, br;q=0');
    expect(gz.encoding).toBe('gzip');
    expect(gunzipSync(gz.bytes).equals(plain.bytes)).toBe(true);
    // what a visitor downloads: about half the script or less
    expect(br.bytes.length).toBeLessThan(gz.bytes.length);
    expect(gz.bytes.length).toBeLessThan(plain.bytes.length * 0.6);
  });
});
