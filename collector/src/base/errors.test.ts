import { describe, expect, it } from 'vitest';
import { ClError, Errors } from './errors.js';

describe('error registry', () => {
  it('every key equals its code and has an HTTP status and a message', () => {
    for (const [key, spec] of Object.entries(Errors)) {
      expect(spec.code).toBe(key);
      expect(key).toMatch(/^CL_[A-Z_]+$/);
      expect(spec.statusCode).toBeGreaterThanOrEqual(400);
      expect(spec.statusCode).toBeLessThan(600);
      expect(spec.message.length).toBeGreaterThan(5);
    }
  });

  it('ClError carries the registry status and default message', () => {
    const e = new ClError('CL_UNKNOWN_SITE');
    expect(e.statusCode).toBe(404);
    expect(e.message).toBe(Errors.CL_UNKNOWN_SITE.message);
    expect(new ClError('CL_INVALID_EVENT', 'bad ts', { path: 'events.0.ts' }).path).toBe('events.0.ts');
  });
});
