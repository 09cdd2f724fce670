import { describe, expect, it } from 'vitest';
import { logIp, truncateIp } from './ip.js';

describe('IP addresses', () => {
  it('are truncated to /24 (IPv4) and /48 (IPv6)', () => {
    expect(truncateIp('203.0.113.77')).toBe('203.0.113.0');
    expect(truncateIp('::ffff:198.51.100.9')).toBe('198.51.100.0');
    expect(truncateIp('2001:db8:85a3:8d3:1319:8a2e:370:7348')).toBe('2001:db8:85a3::');
    expect(truncateIp('2001:db8::1')).toBe('2001:db8::');
    expect(truncateIp('::1')).toBe('::');
  });
  it('are logged truncated, in full or not at all, as configured', () => {
    expect(logIp('203.0.113.77', 'truncated')).toBe('203.0.113.0');
    expect(logIp('203.0.113.77', 'full')).toBe('203.0.113.77');
    expect(logIp('203.0.113.77', 'off')).toBeUndefined();
  });
});
