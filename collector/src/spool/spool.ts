/**
 * The append-only spool: an accepted request's rows are on disk (fsync'd) before the collector
 * answers 202, and stay there until ClickHouse confirmed their insert.
 *
 * - Group commit: appends that arrive while a flush runs wait for the next one, which writes
 *   them all with one `writev` and one `fdatasync` — many requests share one sync.
 * - Segments rotate by size; a segment is deleted once every record in it is confirmed.
 * - The checkpoint (spool/checkpoint.ts) says how far ClickHouse has confirmed (segment, offset) and
 *   which batch is being inserted, so a restart re-sends exactly that batch with the same deduplication token.
 * - Replay at open: every record after the checkpoint is pending again; a torn last record
 *   (a crash mid-write, never acknowledged) is skipped, and appends go to a fresh segment.
 * - Fair share: every record has an owner (the site of its rows, read back from the rows at
 *   replay), and one owner may hold at most `siteMaxBytes` of the pending bytes, so a flooding
 *   site is refused (CL_SITE_SPOOL_FULL) while the others still have room under `maxBytes`.
 * - `spool-id.json`: a random id made when the spool is, part of every deduplication token, so
 *   batches of several collectors writing to one ClickHouse (or of a spool made anew) never share
 *   a token — a shared token would make ClickHouse drop another spool's batch as a retry.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { ClError } from '../base/errors.js';
import { CheckpointFile, syncDir, type Checkpoint } from './checkpoint.js';
import {
  countLines,
  encodeRecord,
  listSegments,
  readSegment,
  recordBytes,
  segmentName,
  type RecordFormat,
  type SpoolRecord,
} from './segment.js';

export interface SpoolOptions {
  dir: string;
  /** Most bytes pending (not yet confirmed by ClickHouse); appends beyond it fail with CL_SPOOL_FULL. */
  maxBytes: number;
  /** Most bytes pending of one owner (site); appends beyond it fail with CL_SITE_SPOOL_FULL. Default: maxBytes. */
  siteMaxBytes?: number;
  /** A segment is closed and a new one started once it is this big. */
  segmentBytes: number;
}

export interface Pending extends SpoolRecord {
  /** When it was appended (or replayed), ms. */
  readonly at: number;
  /** The site whose rows these are ('' when unknown). */
  readonly owner: string;
}

interface Waiter {
  /** The record as written: header, table line, body (spool/segment.ts). */
  parts: Buffer[];
  size: number;
  owner: string;
  table: string;
  body: Buffer;
  format: RecordFormat | undefined;
  resolve: () => void;
  reject: (e: unknown) => void;
}

export class Spool {
  readonly pending: Pending[] = [];
  /** Bytes of pending records plus appends waiting for their flush, in all and per owner. */
  private bytes = 0;
  private readonly ownerBytes = new Map<string, number>();
  private waiting: Waiter[] = [];
  private flushing: Promise<void> | undefined;
  private fh!: FileHandle;
  private activeSeq = 0;
  private activeSize = 0;
  private closed = false;
  private checkpoint: Checkpoint;
  private checkpointFile!: CheckpointFile;
  /** A `checkpoint.json` of an earlier release may still be there (deleted after the first write). */
  private legacyCheckpoint = true;
  /** `checkpoint` has confirmations the file does not have yet (see confirm). */
  private unsaved = false;
  private listeners = new Set<() => void>();
  /** A batch that was being inserted when the process stopped: re-sent first, as it was. */
  replayInflight: Checkpoint['inflight'];
  /** This spool's id (see spool-id.json); records in segments up to `legacyUntilSeq` were spooled before it existed. */
  id = '';
  legacyUntilSeq = 0;

  private constructor(private readonly opts: SpoolOptions) {
    this.checkpoint = { seq: 0, offset: 0 };
  }

  static async open(opts: SpoolOptions): Promise<Spool> {
    const s = new Spool(opts);
    await s.replay();
    return s;
  }

  get pendingBytes(): number {
    return this.bytes;
  }
  /** Pending bytes of one owner (site). */
  bytesOf(owner: string): number {
    return this.ownerBytes.get(owner) ?? 0;
  }
  get pendingRows(): number {
    return this.pending.reduce((n, r) => n + r.rows, 0);
  }
  /** Age of the oldest record not yet in ClickHouse, ms (0 when none). */
  lagMs(now = Date.now()): number {
    return this.pending.length ? now - this.pending[0]!.at : 0;
  }
  /**
   * At the cap: not even one more typical batch (64 KiB, or an eighth of a small spool) fits, for
   * any site. A big batch refused while small ones still fit, or a site at its share, is not full.
   */
  get full(): boolean {
    return this.bytes + Math.min(64 * 1024, this.opts.maxBytes / 8) > this.opts.maxBytes;
  }

  /** Called whenever records become pending. */
  onAppend(fn: () => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  /**
   * Resolves once the rows are durable on disk. Throws CL_SITE_SPOOL_FULL when `owner` holds its
   * share, CL_SPOOL_FULL when the whole spool is at its cap. Without `format` the body is JSONEachRow
   * lines; with it, `format.rows` rows in that binary format.
   */
  append(table: string, body: Buffer, owner = '', format?: RecordFormat): Promise<void> {
    if (this.closed)
      return Promise.reject(
        new ClError('CL_STORAGE_UNAVAILABLE', 'The collector is shutting down.', { headers: { 'retry-after': '5' } }),
      );
    const parts = encodeRecord(table, body, format, owner);
    const size = recordBytes(parts);
    if (this.bytes + size > this.opts.maxBytes) {
      return Promise.reject(new ClError('CL_SPOOL_FULL', undefined, { headers: { 'retry-after': '30' } }));
    }
    if (this.bytesOf(owner) + size > (this.opts.siteMaxBytes ?? this.opts.maxBytes)) {
      return Promise.reject(new ClError('CL_SITE_SPOOL_FULL', undefined, { headers: { 'retry-after': '30' } }));
    }
    this.count(owner, size);
    return new Promise<void>((resolve, reject) => {
      this.waiting.push({ parts, size, owner, table, body, format, resolve, reject });
      this.kick();
    });
  }

  /** Records ClickHouse has confirmed (the oldest pending ones, in order), written to the checkpoint. */
  async ack(batch: readonly Pending[]): Promise<void> {
    this.confirm(batch);
    await this.saveCheckpoint();
  }

  /**
   * Records ClickHouse has confirmed: they must be the oldest pending ones, in order. In memory only:
   * the checkpoint takes them with the next `markInflight` (one checkpoint write per insert) or
   * `saveCheckpoint`. A restart before that re-sends the batch that was in flight with its token,
   * which ClickHouse drops as a retry — as after a crash between an insert and its checkpoint.
   */
  confirm(batch: readonly Pending[]): void {
    const last = batch.at(-1);
    if (!last) return;
    for (let i = 0; i < batch.length; i++)
      if (this.pending[i] !== batch[i]) throw new Error('spool: acknowledged out of order');
    for (const r of batch) this.count(r.owner, -(r.end - r.start));
    // One splice, not a shift per record: a shift moves every pending entry once the array is too
    // large to trim in place, so confirming n of m records cost n × m (a writer catching up on 50,000
    // 1-event records spent seconds of the event loop here; at 1 event/request 12 % of it).
    this.pending.splice(0, batch.length);
    this.checkpoint = { seq: last.seq, offset: last.end };
    this.unsaved = true;
  }

  /** Write what `confirm` took to the checkpoint (nothing to do when it is written). */
  async saveCheckpoint(): Promise<void> {
    if (this.unsaved) await this.writeCheckpoint(this.checkpoint);
  }

  /** Remember the batch about to be inserted, so a restart re-sends exactly it. */
  async markInflight(batch: readonly Pending[]): Promise<void> {
    const first = batch[0];
    const last = batch.at(-1);
    if (!first || !last) return;
    await this.writeCheckpoint({ ...this.checkpoint, inflight: { seq: first.seq, start: first.start, end: last.end } });
  }

  /**
   * Close the active segment and start a new one: every record appended so far lives in a segment
   * below the returned number. Erasure uses it to know which files held data before its request.
   */
  async seal(): Promise<number> {
    while (this.flushing) await this.flushing; // a flush owns the file: wait for it (and any it kicks off)
    this.flushing = this.rotate().finally(() => {
      this.flushing = undefined;
      this.kick();
    });
    await this.flushing;
    return this.activeSeq;
  }

  /** True once no record of a segment below `seq` is pending (false after `timeoutMs`). */
  async drainedBelow(seq: number, timeoutMs: number): Promise<boolean> {
    const until = Date.now() + timeoutMs;
    while ((this.pending[0]?.seq ?? Infinity) < seq) {
      if (Date.now() > until) return false;
      await new Promise((r) => setTimeout(r, 5));
    }
    return true;
  }

  /**
   * Delete the segment files below `seq` whose records ClickHouse has all confirmed (the writer
   * deletes them too, but only when a later batch is confirmed). Their rows are in ClickHouse;
   * nothing of them is needed for a replay.
   */
  async dropConfirmedBelow(seq: number): Promise<number> {
    await this.saveCheckpoint();
    const keepFrom = Math.min(seq, this.pending[0]?.seq ?? Infinity, this.activeSeq);
    let dropped = 0;
    for (const s of listSegments(this.opts.dir)) {
      if (s >= keepFrom) break;
      unlinkSync(path.join(this.opts.dir, segmentName(s)));
      dropped++;
    }
    if (dropped) await syncDir(this.opts.dir);
    return dropped;
  }

  /** Finish pending appends, close the file. Pending records stay on disk for the next start. */
  async close(): Promise<void> {
    this.closed = true;
    while (this.flushing) await this.flushing;
    await this.fh.close();
    await this.saveCheckpoint();
    await this.checkpointFile.close();
  }

  private kick(): void {
    if (this.flushing || this.waiting.length === 0) return;
    this.flushing = this.flush().finally(() => {
      this.flushing = undefined;
      this.kick();
    });
  }

  private async flush(): Promise<void> {
    const group = this.waiting.splice(0);
    if (this.activeSize >= this.opts.segmentBytes) await this.rotate();
    const start = this.activeSize;
    try {
      await this.fh.writev(
        group.flatMap((w) => w.parts),
        start,
      );
      await this.fh.datasync();
    } catch (err) {
      for (const w of group) {
        this.count(w.owner, -w.size);
        w.reject(
          new ClError('CL_STORAGE_UNAVAILABLE', 'The spool could not write to disk.', {
            headers: { 'retry-after': '5' },
            cause: err,
          }),
        );
      }
      await this.rotate().catch(() => undefined); // never append after a possibly torn write
      return;
    }
    const now = Date.now();
    let off = start;
    for (const w of group) {
      const end = off + w.size;
      this.pending.push({
        seq: this.activeSeq,
        start: off,
        end,
        table: w.table,
        format: w.format?.id ?? '',
        rows: w.format ? w.format.rows : countLines(w.body),
        body: w.body,
        at: now,
        owner: w.owner,
      });
      off = end;
    }
    this.activeSize = off;
    for (const w of group) w.resolve();
    for (const fn of this.listeners) fn();
  }

  private async rotate(): Promise<void> {
    await this.fh?.close().catch(() => undefined);
    this.activeSeq++;
    this.activeSize = 0;
    this.fh = await open(path.join(this.opts.dir, segmentName(this.activeSeq)), 'wx');
    await syncDir(this.opts.dir);
  }

  private async replay(): Promise<void> {
    mkdirSync(this.opts.dir, { recursive: true });
    this.readOrCreateId();
    this.checkpointFile = await CheckpointFile.open(this.opts.dir);
    this.checkpoint = this.checkpointFile.last ?? legacyCheckpoint(this.opts.dir) ?? { seq: 0, offset: 0 };
    this.replayInflight = this.checkpoint.inflight;
    const now = Date.now();
    let last = 0;
    for (const seq of listSegments(this.opts.dir)) {
      last = seq;
      if (seq < this.checkpoint.seq) {
        unlinkSync(path.join(this.opts.dir, segmentName(seq)));
        continue;
      }
      const { records } = readSegment(this.opts.dir, seq, seq === this.checkpoint.seq ? this.checkpoint.offset : 0);
      for (const r of records) {
        this.pending.push({ ...r, at: now });
        this.count(r.owner, r.end - r.start);
      }
    }
    this.activeSeq = Math.max(last, this.checkpoint.seq);
    await this.rotate();
  }

  private count(owner: string, delta: number): void {
    this.bytes += delta;
    const left = (this.ownerBytes.get(owner) ?? 0) + delta;
    if (left > 0) this.ownerBytes.set(owner, left);
    else this.ownerBytes.delete(owner);
  }

  /** Spools from before the id keep their old tokens for the segments they had (a replayed batch must match). */
  private readOrCreateId(): void {
    const file = path.join(this.opts.dir, 'spool-id.json');
    try {
      const saved = JSON.parse(readFileSync(file, 'utf8')) as { id: string; legacy_until_seq: number };
      this.id = saved.id;
      this.legacyUntilSeq = saved.legacy_until_seq;
      return;
    } catch {
      // made below
    }
    this.id = randomBytes(12).toString('hex');
    this.legacyUntilSeq = listSegments(this.opts.dir).at(-1) ?? 0;
    writeFileSync(`${file}.tmp`, JSON.stringify({ id: this.id, legacy_until_seq: this.legacyUntilSeq }), {
      flush: true,
    });
    renameSync(`${file}.tmp`, file);
  }

  /** The deduplication token of a batch of consecutive records (the same on every retry and replay). */
  tokenOf(batch: readonly Pending[]): string {
    const head = batch[0]!;
    const where = `${head.seq}-${head.start}-${batch.at(-1)!.end}`;
    return head.seq <= this.legacyUntilSeq ? where : `${this.id}-${where}`;
  }

  /** Write `cp` durably, then delete the segments whose records are all confirmed. */
  private async writeCheckpoint(cp: Checkpoint): Promise<void> {
    this.checkpoint = cp;
    await this.checkpointFile.write(cp);
    if (this.checkpoint === cp) this.unsaved = false;
    // The checkpoint of an earlier release: outdated from now on (the new file is read first).
    if (this.legacyCheckpoint) rmSync(path.join(this.opts.dir, 'checkpoint.json'), { force: true });
    this.legacyCheckpoint = false;
    const keepFrom = this.pending[0]?.seq ?? this.activeSeq;
    for (const seq of listSegments(this.opts.dir))
      if (seq < keepFrom) unlinkSync(path.join(this.opts.dir, segmentName(seq)));
  }
}

/** The checkpoint as releases before the two-slot file wrote it (replaced by rename). */
function legacyCheckpoint(dir: string): Checkpoint | undefined {
  try {
    return JSON.parse(readFileSync(path.join(dir, 'checkpoint.json'), 'utf8')) as Checkpoint;
  } catch {
    return undefined;
  }
}
