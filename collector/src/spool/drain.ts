/**
 * The spool's drain side: moves pending records into ClickHouse in large batches, one insert at
 * a time, oldest first. A batch is contiguous records of one segment, one table and one format; its
 * deduplication token is derived from where it lives (`<segment>-<start>-<end>`), and the spool
 * checkpoints it before the insert, so a retry or a replay after a crash re-sends the same rows
 * with the same token and ClickHouse stores them once. One checkpoint write per insert: a confirmed
 * batch is recorded together with the next batch's in-flight mark (or once nothing is pending), so a
 * restart in between re-sends the confirmed batch with its token, which ClickHouse drops. Failed inserts are retried with backoff
 * for as long as it takes; records leave the spool only after ClickHouse confirmed them. A record
 * ClickHouse refuses as data (should never happen: rows are built by toEventRow) goes to the
 * dead-letter table with ClickHouse's reason instead of blocking the spool.
 */
import type { Pending, Spool } from './spool.js';

export interface DrainOptions {
  maxRows: number;
  /**
   * At most one insert per interval while fewer than maxRows are pending: rows gather until `intervalMs`
   * after the previous insert *started*, so an insert that takes long leaves no idle gap after it.
   */
  intervalMs: number;
  /**
   * `records`: the batch's record bodies in order (JSON lines, or binary records that the store joins
   * without first copying them into one buffer). `format`: '' for JSONEachRow lines, else the records'
   * binary format (spool/segment.ts).
   */
  insert: (table: string, records: readonly Buffer[], token: string, format: string) => Promise<void>;
  /** Store a record ClickHouse refused as data, with the reason. */
  deadLetter: (record: Pending, reason: string, token: string) => Promise<void>;
  /** Runs before the first insert until it succeeds (e.g. schema migrations). */
  prepare?: () => Promise<void>;
  maxBackoffMs?: number;
  onInserted?: (table: string, rows: number, seconds: number) => void;
  onError?: (err: unknown, attempt: number) => void;
  onDeadLetter?: (record: Pending, reason: string) => void;
}

/** ClickHouse errors that mean "this data is wrong", not "storage is unavailable". */
const DATA_ERROR =
  /CANNOT_PARSE|Cannot parse|TYPE_MISMATCH|INCORRECT_DATA|CANNOT_READ_ALL_DATA|Cannot read all data|RowBinary: |INCORRECT_NUMBER_OF_COLUMNS|UNKNOWN_FIELD|Unknown field|ILLEGAL_COLUMN|CANNOT_INSERT_NULL|Incorrect surrogate|bad escape sequence|Code: (?:6|26|27|38|41|53|69|70|72|117|130|131)\./;

export const isDataError = (err: unknown) =>
  DATA_ERROR.test(err instanceof Error ? err.message : String(err)) ||
  DATA_ERROR.test(String((err as { type?: unknown } | undefined)?.type ?? '')); // @clickhouse/client's error name, e.g. CANNOT_READ_ALL_DATA

export class Drainer {
  private stopping = false;
  private deadline = Infinity;
  private wake: (() => void) | undefined;
  private loop: Promise<void> | undefined;
  private prepared = false;
  private wakeOnAppend = false;
  /** When the last insert started (performance.now()). */
  private lastInsertAt = -Infinity;
  /** The last insert error, until an insert succeeds again. */
  lastError: string | undefined;

  constructor(
    private readonly spool: Spool,
    private readonly opts: DrainOptions,
  ) {
    spool.onAppend(() => {
      if (this.wakeOnAppend) this.wake?.();
    });
  }

  start(): void {
    this.loop ??= this.run();
  }

  /** Resolves when nothing is pending (tests, shutdown). */
  async idle(timeoutMs = 30_000): Promise<boolean> {
    const until = Date.now() + timeoutMs;
    while (this.spool.pending.length > 0) {
      if (Date.now() > until) return false;
      await sleep(5);
    }
    return true;
  }

  /** Keep draining for up to `graceMs`, then stop; what is left stays in the spool. */
  async close(graceMs: number): Promise<void> {
    this.stopping = true;
    this.deadline = Date.now() + graceMs;
    this.wake?.();
    await this.loop;
  }

  private get done(): boolean {
    return this.stopping && (this.spool.pending.length === 0 || Date.now() >= this.deadline);
  }

  private async run(): Promise<void> {
    while (!this.done) {
      if (this.spool.pending.length === 0) {
        await this.withRetry(() => this.spool.saveCheckpoint());
        if (this.spool.pending.length === 0) await this.pause(1000, true);
        continue;
      }
      // Rows gather until an interval after the last insert started (close() cuts it short: the shutdown
      // grace is for inserting). A slow store gets the next insert as soon as the last one is done.
      const gather = this.lastInsertAt + this.opts.intervalMs - performance.now();
      if (!this.stopping && this.spool.pendingRows < this.opts.maxRows && gather > 0) await this.pause(gather, false);
      const batch = this.nextBatch();
      this.lastInsertAt = performance.now();
      await this.withRetry(() => this.store(batch));
      if (this.done && this.spool.pending[0] === batch[0]) break;
    }
    await this.withRetry(() => this.spool.saveCheckpoint());
  }

  private nextBatch(): Pending[] {
    const p = this.spool.pending;
    const head = p[0]!;
    const inflight = this.spool.replayInflight;
    if (inflight && inflight.seq === head.seq && inflight.start === head.start) {
      const batch: Pending[] = [];
      for (const r of p) {
        batch.push(r);
        if (r.end >= inflight.end) break;
      }
      return batch;
    }
    const batch: Pending[] = [head];
    let rows = head.rows;
    for (let i = 1; i < p.length; i++) {
      const r = p[i]!;
      if (r.seq !== head.seq || r.table !== head.table || r.format !== head.format || rows + r.rows > this.opts.maxRows)
        break;
      batch.push(r);
      rows += r.rows;
    }
    return batch;
  }

  private async store(batch: Pending[]): Promise<void> {
    if (!this.prepared) {
      await this.opts.prepare?.();
      this.prepared = true;
    }
    const t0 = performance.now();
    await this.spool.markInflight(batch);
    try {
      await this.insertGroup(batch);
    } catch (err) {
      if (!isDataError(err)) throw err;
      // One record's data is refused: store the others one by one, dead-letter the refused ones.
      for (const r of batch) {
        try {
          await this.insertGroup([r]);
        } catch (e) {
          if (!isDataError(e)) throw e;
          const reason = (e instanceof Error ? e.message : String(e)).slice(0, 2000);
          await this.opts.deadLetter(r, reason, `dl-${this.spool.tokenOf([r])}`);
          this.opts.onDeadLetter?.(r, reason);
        }
      }
    }
    this.spool.replayInflight = undefined;
    this.spool.confirm(batch); // written with the next batch's markInflight, or once nothing is pending
    this.lastError = undefined;
    this.opts.onInserted?.(
      batch[0]!.table,
      batch.reduce((n, r) => n + r.rows, 0),
      (performance.now() - t0) / 1000,
    );
  }

  private insertGroup(batch: Pending[]): Promise<void> {
    const records = batch.map((r) => r.body);
    return this.opts.insert(batch[0]!.table, records, this.spool.tokenOf(batch), batch[0]!.format);
  }

  private async withRetry(fn: () => Promise<void>): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await fn();
      } catch (err) {
        this.lastError = err instanceof Error ? err.message.slice(0, 500) : String(err);
        this.opts.onError?.(err, attempt);
        if (this.done) return;
        await this.pause(Math.min(this.opts.maxBackoffMs ?? 5000, 50 * 2 ** Math.min(attempt, 10)), false);
      }
    }
  }

  /** Sleep; close() always wakes it, a new append only when `onAppend`. */
  private pause(ms: number, onAppend: boolean): Promise<void> {
    this.wakeOnAppend = onAppend;
    return new Promise((resolve) => {
      const t = setTimeout(() => {
        this.wake = undefined;
        resolve();
      }, ms);
      this.wake = () => {
        clearTimeout(t);
        this.wake = undefined;
        resolve();
      };
    });
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
