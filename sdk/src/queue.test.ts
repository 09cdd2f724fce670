import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createQueue } from './queue.js';

let win: EventTarget;
let doc: EventTarget & { visibilityState: string };

beforeEach(() => {
  vi.useFakeTimers();
  win = new EventTarget();
  doc = Object.assign(new EventTarget(), { visibilityState: 'visible' });
  vi.stubGlobal('addEventListener', win.addEventListener.bind(win));
  vi.stubGlobal('document', doc);
});
afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

function setup() {
  const batches: number[][] = [];
  const q = createQueue<number>((b) => batches.push(b));
  return { q, batches };
}

describe('queue', () => {
  it('sends one batch about a second after the first event', () => {
    const { q, batches } = setup();
    q.push(1);
    vi.advanceTimersByTime(500);
    q.push(2);
    expect(batches).toEqual([]);
    vi.advanceTimersByTime(500);
    expect(batches).toEqual([[1, 2]]);
    vi.advanceTimersByTime(5000);
    expect(batches).toHaveLength(1);
  });

  it('sends at once when 20 events are waiting', () => {
    const { q, batches } = setup();
    for (let i = 0; i < 45; i++) q.push(i);
    expect(batches.map((b) => b.length)).toEqual([20, 20]);
    vi.advanceTimersByTime(1000);
    expect(batches.map((b) => b.length)).toEqual([20, 20, 5]);
  });

  it('sends at once when the page is hidden, not when it becomes visible', () => {
    const { q, batches } = setup();
    q.push(1);
    doc.dispatchEvent(new Event('visibilitychange'));
    expect(batches).toEqual([]);
    doc.visibilityState = 'hidden';
    doc.dispatchEvent(new Event('visibilitychange'));
    expect(batches).toEqual([[1]]);
  });

  it('sends at once on pagehide, and nothing when empty', () => {
    const { q, batches } = setup();
    win.dispatchEvent(new Event('pagehide'));
    expect(batches).toEqual([]);
    q.push(1);
    win.dispatchEvent(new Event('pagehide'));
    expect(batches).toEqual([[1]]);
    vi.advanceTimersByTime(1000);
    expect(batches).toEqual([[1]]);
  });
});
