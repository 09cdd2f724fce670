import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { wireId } from '../../../sdk/src/ids.js';
import { NIL_UUID } from '../storage/identities.js';
import { EventV2Schema } from './schema-v2.js';
import { WIRE_ID, compactWireId, expandWireId } from './wire-id.js';

describe('wire format 2 compact ids', () => {
  it('a UUID goes to 22 characters and back to itself, as the SDK makes them and as the collector does', () => {
    for (const uuid of [
      NIL_UUID,
      'ffffffff-ffff-4fff-bfff-ffffffffffff',
      ...Array.from({ length: 200 }, () => randomUUID()),
    ]) {
      const compact = wireId(uuid);
      expect(compact).toHaveLength(22);
      expect(compact).toMatch(WIRE_ID);
      expect(compact).toBe(compactWireId(uuid));
      expect(expandWireId(compact)).toBe(uuid);
    }
    expect(wireId(NIL_UUID)).toBe('AAAAAAAAAAAAAAAAAAAAAA');
  });

  it('base64url characters read as their base64 twins; a last character with spare bits is refused', () => {
    const uuid = 'fbffffff-0000-4000-8000-00000000003e';
    const compact = compactWireId(uuid);
    expect(compact).toMatch(/[+/]/);
    expect(expandWireId(compact.replace(/\+/g, '-').replace(/\//g, '_'))).toBe(uuid);
    expect(WIRE_ID.test('AAAAAAAAAAAAAAAAAAAAAB')).toBe(false);
    expect(WIRE_ID.test('AAAAAAAAAAAAAAAAAAAAA')).toBe(false);
  });

  it('an event of wire format 2 takes either form and holds the UUID; other strings are refused', () => {
    const uuid = randomUUID();
    const event = (v: string) => ({ i: '0123456789ab', t: 0, v, s: v, u: 'https://a.test/', y: 'p' });
    expect(EventV2Schema.parse(event(uuid))).toMatchObject({ v: uuid, s: uuid });
    expect(EventV2Schema.parse(event(wireId(uuid)))).toMatchObject({ v: uuid, s: uuid });
    expect(EventV2Schema.parse(event(uuid.toUpperCase()))).toMatchObject({ v: uuid });
    for (const bad of ['x', 'AAAAAAAAAAAAAAAAAAAAA!', wireId(uuid) + 'A', ''])
      expect(EventV2Schema.safeParse(event(bad)).success).toBe(false);
  });
});
