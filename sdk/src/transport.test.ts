import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ClEvent, EventBatch } from './protocol.js';
import { sendBatch } from './transport.js';

const URL_ = 'https://c.test/v1/events';
const ev = (i: number, pad = 0): ClEvent => ({
  type: 'pageview',
  id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
  ts: 1,
  visitor_id: 'v',
  session_id: 's',
  url: 'https://a.test/' + 'x'.repeat(pad),
  touch: { ts: 1, referrer: '', landing_url: 'https://a.test/' },
});
const batch = (events: ClEvent[]): EventBatch => ({ site: 'pk', sent_at: 2, sdk: 'dev', events });

afterEach(() => vi.unstubAllGlobals());

function stub(beaconResult: boolean | undefined) {
  const beacons: { url: string; blob: Blob }[] = [];
  const fetches: { url: string; init: RequestInit }[] = [];
  vi.stubGlobal('navigator', beaconResult === undefined ? {} : { sendBeacon: (url: string, blob: Blob) => (beacons.push({ url, blob }), beaconResult) });
  vi.stubGlobal('fetch', (url: string, init: RequestInit) => (fetches.push({ url, init }), Promise.resolve(new Response(null, { status: 202 }))));
  return { beacons, fetches };
}

describe('sendBatch', () => {
  it('sends a text/plain beacon with the JSON batch', async () => {
    const { beacons, fetches } = stub(true);
    const b = batch([ev(1)]);
    sendBatch(URL_, b);
    expect(fetches).toEqual([]);
    expect(beacons).toHaveLength(1);
    expect(beacons[0]!.url).toBe(URL_);
    expect(beacons[0]!.blob.type).toBe('text/plain');
    expect(JSON.parse(await beacons[0]!.blob.text())).toEqual(b);
  });

  it('falls back to a keepalive text/plain fetch when the beacon is refused or missing', () => {
    for (const result of [false, undefined]) {
      const { fetches } = stub(result);
      const b = batch([ev(1)]);
      sendBatch(URL_, b);
      expect(fetches).toHaveLength(1);
      expect(fetches[0]!.url).toBe(URL_);
      expect(fetches[0]!.init).toMatchObject({ method: 'POST', keepalive: true, headers: { 'Content-Type': 'text/plain' } });
      expect(JSON.parse(fetches[0]!.init.body as string)).toEqual(b);
      vi.unstubAllGlobals();
    }
  });

  it('splits a batch over the 64 KB in-flight limit, keeping every event once', async () => {
    const { beacons } = stub(true);
    const events = Array.from({ length: 20 }, (_, i) => ev(i, 2000 * 2)); // ~4 KB each, ~80 KB total
    sendBatch(URL_, batch(events));
    expect(beacons.length).toBeGreaterThan(1);
    const sent: EventBatch[] = await Promise.all(beacons.map(async (b) => JSON.parse(await b.blob.text()) as EventBatch));
    for (const b of beacons) expect(b.blob.size).toBeLessThanOrEqual(60000);
    expect(sent.flatMap((b) => b.events.map((e) => e.id))).toEqual(events.map((e) => e.id));
    for (const b of sent) expect(b).toMatchObject({ site: 'pk', sent_at: 2, sdk: 'dev' });
  });
});
