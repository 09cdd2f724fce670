/**
 * The spool's checkpoint (spool/spool.ts): how far ClickHouse has confirmed (segment, offset) and
 * which batch is being inserted. Written once per insert, before it, so it is on the writer's path:
 * one `pwrite` + `fdatasync` into a file that never changes size, no rename and no directory sync
 * (which each force a journal commit that the request path's group-commit syncs then wait behind).
 *
 * `checkpoint.bin` holds two 512-byte slots; writes alternate between them, each slot with its
 * generation and a CRC-32. A write torn by a crash spoils only its own slot: the other one holds
 * the checkpoint before it, which is still right, because nothing is inserted until a write is
 * synced — the restart re-sends the batch that checkpoint names, with its token, and ClickHouse
 * drops it if it had it. Opening reads the valid slot with the highest generation.
 *
 * Slot: 'CLCP' · generation (float64, an integer) · u32 JSON length · u32 CRC-32 of generation, length and JSON · JSON.
 */
import { crc32 } from 'node:zlib';
import { open, type FileHandle } from 'node:fs/promises';
import path from 'node:path';

export interface Checkpoint {
  seq: number;
  offset: number;
  inflight?: { seq: number; start: number; end: number } | undefined;
}

const SLOT = 512;
const HEAD = 20;
const MAGIC = 0x50434c43; // 'CLCP' little-endian

export class CheckpointFile {
  private constructor(
    private readonly fh: FileHandle,
    private generation: number,
    /** The newest checkpoint in the file (undefined: none written yet). */
    readonly last: Checkpoint | undefined,
  ) {}

  static async open(dir: string): Promise<CheckpointFile> {
    const file = path.join(dir, 'checkpoint.bin');
    let fh: FileHandle;
    try {
      fh = await open(file, 'r+');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      // Made whole (both slots, empty) and its name synced before any checkpoint relies on it.
      fh = await open(file, 'w+');
      await fh.write(Buffer.alloc(2 * SLOT), 0, 2 * SLOT, 0);
      await fh.sync();
      await syncDir(dir);
      return new CheckpointFile(fh, 0, undefined);
    }
    const buf = Buffer.alloc(2 * SLOT);
    await fh.read(buf, 0, 2 * SLOT, 0);
    let best: { generation: number; cp: Checkpoint } | undefined;
    for (let slot = 0; slot < 2; slot++) {
      const read = readSlot(buf.subarray(slot * SLOT, (slot + 1) * SLOT));
      if (read && (!best || read.generation > best.generation)) best = read;
    }
    return new CheckpointFile(fh, best?.generation ?? 0, best?.cp);
  }

  /** Durable when it resolves. */
  async write(cp: Checkpoint): Promise<void> {
    const json = Buffer.from(JSON.stringify(cp));
    if (HEAD + json.length > SLOT) throw new Error('spool: checkpoint too large for its slot');
    const generation = this.generation + 1;
    const slot = Buffer.alloc(HEAD + json.length);
    slot.writeUInt32LE(MAGIC, 0);
    slot.writeDoubleLE(generation, 4);
    slot.writeUInt32LE(json.length, 12);
    json.copy(slot, HEAD);
    slot.writeUInt32LE(checksum(slot), 16);
    await this.fh.write(slot, 0, slot.length, (generation % 2) * SLOT);
    await this.fh.datasync();
    this.generation = generation;
  }

  close(): Promise<void> {
    return this.fh.close();
  }
}

/** CRC-32 of generation, length and JSON (the slot without its magic and CRC fields). */
const checksum = (slot: Buffer) => crc32(slot.subarray(HEAD), crc32(slot.subarray(4, 16)));

function readSlot(b: Buffer): { generation: number; cp: Checkpoint } | undefined {
  if (b.readUInt32LE(0) !== MAGIC) return undefined;
  const length = b.readUInt32LE(12);
  if (HEAD + length > SLOT) return undefined;
  const slot = b.subarray(0, HEAD + length);
  if (checksum(slot) !== b.readUInt32LE(16)) return undefined;
  try {
    return { generation: b.readDoubleLE(4), cp: JSON.parse(slot.subarray(HEAD).toString()) as Checkpoint };
  } catch {
    return undefined;
  }
}

/** fsync a directory: a file made, renamed or deleted in it stays so after a crash. */
export async function syncDir(dir: string): Promise<void> {
  const d = await open(dir, 'r');
  try {
    await d.sync();
  } finally {
    await d.close();
  }
}
