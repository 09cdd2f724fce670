/**
 * Group commit into ClickHouse: concurrent requests add rows; rows gather for `intervalMs` (or
 * until `maxRows`) and go out as one insert; each request's promise settles when the insert that
 * holds its rows is confirmed. One insert is in flight at a time, so under load batches grow
 * instead of multiplying parts. A failed insert is retried with the same deduplication token,
 * so a retry of an insert that did land is a no-op.
 */
import { randomUUID } from 'node:crypto';

export type InsertFn<Row> = (rows: Row[], dedupToken: string) => Promise<void>;

export interface BatchWriterOptions {
  maxRows: number;
  intervalMs: number;
  /** Attempts per batch before its callers get the error (≥ 1). */
  attempts?: number;
  /** Delay before the n-th retry, ms. */
  backoffMs?: (attempt: number) => number;
  onError?: (err: unknown, attempt: number, rows: number) => void;
}

/** One caller's rows; never split across inserts. */
interface Request<Row> {
  rows: readonly Row[];
  resolve: () => void;
  reject: (e: unknown) => void;
}

export class BatchWriter<Row> {
  private queue: Request<Row>[] = [];
  private queued = 0;
  private timer: NodeJS.Timeout | undefined;
  private inFlight: Promise<void> | undefined;
  private closed = false;

  constructor(
    private readonly insert: InsertFn<Row>,
    private readonly opts: BatchWriterOptions,
  ) {}

  /** Resolves once these rows are stored; rejects if storing failed after all attempts. */
  write(rows: readonly Row[]): Promise<void> {
    if (this.closed) return Promise.reject(new Error('writer is closed'));
    if (rows.length === 0) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ rows, resolve, reject });
      this.queued += rows.length;
      this.schedule();
    });
  }

  /** Rows waiting for an insert (not yet in flight). */
  get queuedRows(): number {
    return this.queued;
  }

  /** Write everything queued, then refuse new rows. */
  async close(): Promise<void> {
    this.closed = true;
    while (this.queue.length > 0 || this.inFlight) {
      this.schedule();
      await this.inFlight?.catch(() => undefined);
    }
  }

  private schedule(): void {
    if (this.inFlight || this.queue.length === 0) return; // a running insert reschedules when it ends
    if (this.closed || this.queued >= this.opts.maxRows || this.opts.intervalMs === 0) {
      if (this.timer) clearTimeout(this.timer);
      this.timer = undefined;
      this.flush();
    } else {
      this.timer ??= setTimeout(() => {
        this.timer = undefined;
        this.flush();
      }, this.opts.intervalMs);
    }
  }

  private flush(): void {
    if (this.inFlight || this.queue.length === 0) return;
    const batch = this.take();
    const rows = batch.flatMap((r) => r.rows);
    this.inFlight = this.insertWithRetry(rows)
      .then(
        () => batch.forEach((r) => r.resolve()),
        (err: unknown) => batch.forEach((r) => r.reject(err)),
      )
      .finally(() => {
        this.inFlight = undefined;
        this.schedule();
      });
  }

  /** Whole requests, oldest first, up to maxRows rows (at least one request). */
  private take(): Request<Row>[] {
    let n = 0;
    let count = 0;
    while (n < this.queue.length && (n === 0 || count + this.queue[n]!.rows.length <= this.opts.maxRows)) {
      count += this.queue[n]!.rows.length;
      n++;
    }
    this.queued -= count;
    return this.queue.splice(0, n);
  }

  private async insertWithRetry(rows: Row[]): Promise<void> {
    const token = randomUUID();
    const attempts = Math.max(1, this.opts.attempts ?? 3);
    for (let attempt = 1; ; attempt++) {
      try {
        await this.insert(rows, token);
        return;
      } catch (err) {
        this.opts.onError?.(err, attempt, rows.length);
        if (attempt >= attempts) throw err;
        await sleep(this.opts.backoffMs?.(attempt) ?? 100 * 2 ** (attempt - 1));
      }
    }
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
