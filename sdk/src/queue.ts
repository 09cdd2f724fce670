/**
 * Batches events: a batch goes out ~1 s after its first event, as soon as it holds 20 events,
 * and at once when the page is hidden or left (`visibilitychange` → hidden, `pagehide`; never
 * `unload`, which breaks the back/forward cache).
 */

export interface Queue<T> {
  push(item: T): void;
  flush(): void;
}

export const FLUSH_DELAY = 1000;
export const FLUSH_SIZE = 20;

export function createQueue<T>(send: (items: T[]) => void): Queue<T> {
  let items: T[] = [];
  let timer: ReturnType<typeof setTimeout> | undefined;
  const flush = () => {
    clearTimeout(timer);
    timer = undefined;
    const batch = items;
    items = [];
    if (batch.length) send(batch);
  };
  addEventListener('pagehide', flush);
  document.addEventListener('visibilitychange', () => document.visibilityState == 'hidden' && flush());
  return {
    push(item) {
      if (items.push(item) >= FLUSH_SIZE) flush();
      else timer ??= setTimeout(flush, FLUSH_DELAY);
    },
    flush,
  };
}
