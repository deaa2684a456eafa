import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { fillFilesystem, mountTmpfs, tmpfsSupport, type Tmpfs } from './testing/tmpfs.ts';
import { crc32 } from 'node:zlib';
import { nodeWalFs, Wal, WalFormatError, type WalFs, type WalRecord } from './wal.ts';

const support = tmpfsSupport();
if (!support.ok) console.warn(`wal.faults: skipping the real-filesystem tests: cannot mount a tmpfs here (${support.reason})`);

const rec = (i: number, bytes = 100): WalRecord => ({
  format: 'json',
  projectId: 'p1',
  body: Buffer.from(JSON.stringify({ i, pad: 'x'.repeat(Math.max(0, bytes - 20)) })),
});
const idOf = (r: WalRecord) => (JSON.parse(r.body.toString()) as { i: number }).i;
const segmentIds = (dir: string) => readdirSync(dir).filter((f) => /^\d{12}\.wal$/.test(f)).map((f) => Number(f.slice(0, 12)));

/** Every record of every segment a new WAL would replay (what the collector's replay reads). */
async function replayAll(dir: string): Promise<number[]> {
  const wal = await Wal.open(dir, { fsync: true });
  const out: number[] = [];
  for (const s of wal.replaySegments) out.push(...(await wal.readSegment(s)).records.map(idOf));
  await wal.close();
  return out;
}

const settle = <T>(p: Promise<T>, ms = 3000) =>
  Promise.race([
    p.then(
      () => 'ok' as const,
      (e: Error) => `rejected: ${e.message}`,
    ),
    new Promise<'hung'>((r) => setTimeout(() => r('hung'), ms)),
  ]);

let mounted: Tmpfs | null = null;
afterEach(() => {
  mounted?.unmount();
  mounted = null;
});

describe('WAL replay', () => {
  it('resynchronizes past a corrupt record and reports what it dropped', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'plumb-wal-'));
    const wal = await Wal.open(dir, { fsync: true });
    const seg = await wal.append(rec(1), 1);
    await wal.append(rec(2), 1);
    await wal.append(rec(3), 1);
    await wal.close();
    const path = join(dir, `${String(seg).padStart(12, '0')}.wal`);
    const data = readFileSync(path);
    const at = data.indexOf('"i":2');
    data[at + 3] = '7'.charCodeAt(0); // bit rot in the middle record's payload
    writeFileSync(path, data);
    const again = await Wal.open(dir, { fsync: true });
    const read = await again.readSegment(seg);
    expect(read.records.map(idOf)).toEqual([1, 3]);
    expect(read.corruptBytes).toBeGreaterThan(0);
    expect(read.corruptRegions).toBe(1);
    await again.close();
    rmSync(dir, { recursive: true, force: true });
  });
});

describe.skipIf(!support.ok)('WAL on a real full filesystem', () => {
  it('never acknowledges a torn record on a full disk, and recovers when space returns', async () => {
    const m = mountTmpfs('size=256k');
    if ('error' in m) throw new Error(m.error);
    mounted = m;
    const wal = await Wal.open(m.dir, { fsync: true });
    const acked: number[] = [];
    const outcomes: string[] = [];
    const append = async (i: number, bytes: number) => {
      const o = await settle(wal.append(rec(i, bytes), 1));
      outcomes.push(o);
      if (o === 'ok') acked.push(i);
      return o;
    };
    expect(await append(1, 100)).toBe('ok');
    const filler = fillFilesystem(m.dir);
    // The segment's last page still has room: a big record is written partly, then ENOSPC.
    expect(await append(2, 10_000)).toMatch(/^rejected/);
    expect(await append(3, 10_000)).toMatch(/^rejected/);
    rmSync(filler);
    expect(await append(4, 100)).toBe('ok');
    expect(await append(5, 10_000)).toBe('ok');
    await wal.close();
    expect(await replayAll(m.dir)).toEqual(acked);
  });

  it('rejects appends (never hangs) when the next segment cannot be created, and recovers', async () => {
    const m = mountTmpfs('size=1m,nr_inodes=16');
    if ('error' in m) throw new Error(m.error);
    mounted = m;
    const wal = await Wal.open(m.dir, { fsync: true, segmentMaxAgeMs: 20 });
    const first = await wal.append(rec(1), 1);
    // Use up every inode: creating the next segment fails with ENOSPC.
    const fillers: string[] = [];
    try {
      for (let i = 0; i < 100; i++) {
        const p = join(m.dir, `f${i}`);
        writeFileSync(p, '');
        fillers.push(p);
      }
    } catch (err) {
      expect((err as NodeJS.ErrnoException).code).toBe('ENOSPC');
    }
    await new Promise((r) => setTimeout(r, 40)); // the segment is due for rotation
    expect(await settle(wal.append(rec(2), 1))).toMatch(/^rejected/);
    expect(await settle(wal.append(rec(3), 1))).toMatch(/^rejected/);
    for (const f of fillers) rmSync(f);
    const next = await wal.append(rec(4), 1);
    expect(next).toBeGreaterThan(first);
    wal.release(first, 1); // the old segment's rows are stored: it is deleted
    await new Promise((r) => setTimeout(r, 20));
    expect(segmentIds(m.dir)).not.toContain(first);
    await wal.close();
    expect(await replayAll(m.dir)).toEqual([4]);
  });
});

/** node:fs underneath, with faults armed by the test (the WAL's injected file layer). */
function faultyFs() {
  const faults = {
    /** Fail the next N datasync calls of segment files with EIO. */
    fsync: 0,
    /** Next N writes write half of what they are given, then fail with ENOSPC. */
    tornWrite: 0,
    /** Every write writes at most this many bytes (short writes, no error). */
    maxWrite: Infinity,
    truncate: 0,
    create: 0,
  };
  const err = (code: string) => Object.assign(new Error(`${code}: injected`), { code });
  const fs: WalFs = {
    ...nodeWalFs,
    async create(path) {
      if (faults.create > 0) {
        faults.create--;
        throw err('EMFILE');
      }
      const f = await nodeWalFs.create(path);
      return {
        async write(buf, pos) {
          if (faults.tornWrite > 0) {
            faults.tornWrite--;
            await f.write(buf.subarray(0, Math.floor(buf.length / 2)), pos);
            throw err('ENOSPC');
          }
          return f.write(buf.length > faults.maxWrite ? buf.subarray(0, faults.maxWrite) : buf, pos);
        },
        async datasync() {
          if (faults.fsync > 0) {
            faults.fsync--;
            throw err('EIO');
          }
          return f.datasync();
        },
        async truncate(len) {
          if (faults.truncate > 0) {
            faults.truncate--;
            throw err('EIO');
          }
          return f.truncate(len);
        },
        close: () => f.close(),
      };
    },
  };
  return { fs, faults };
}

describe('WAL through a file layer that fails on demand', () => {
  const run = async (arm: (f: ReturnType<typeof faultyFs>['faults']) => void, opts: { expectNewSegment?: boolean } = {}) => {
    const dir = mkdtempSync(join(tmpdir(), 'plumb-wal-'));
    const { fs, faults } = faultyFs();
    const wal = await Wal.open(dir, { fsync: true, fs, log: () => {} });
    const acked: number[] = [];
    const first = await wal.append(rec(1), 1);
    acked.push(1);
    arm(faults);
    const o2 = await settle(wal.append(rec(2, 5000), 1));
    expect(o2).toMatch(/^rejected/);
    const third = await wal.append(rec(3), 1);
    acked.push(3);
    if (opts.expectNewSegment) expect(third).toBeGreaterThan(first);
    else expect(third).toBe(first);
    await wal.close();
    expect(await replayAll(dir)).toEqual(acked);
    rmSync(dir, { recursive: true, force: true });
  };

  it('an fsync error rejects the append, truncates it away and moves to a fresh segment', () => run((f) => (f.fsync = 1), { expectNewSegment: true }));
  it('a write that fails halfway is cut back to the last good offset', () => run((f) => (f.tornWrite = 1)));
  it('a failed write whose truncate also fails leaves a tail replay skips, in a sealed segment', () =>
    run((f) => {
      f.tornWrite = 1;
      f.truncate = 1;
    }, { expectNewSegment: true }));

  it('continues short writes until the whole record is written', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'plumb-wal-'));
    const { fs, faults } = faultyFs();
    faults.maxWrite = 7;
    const wal = await Wal.open(dir, { fsync: true, fs });
    await Promise.all([1, 2, 3, 4].map((i) => wal.append(rec(i, 300), 1)));
    await wal.close();
    expect((await replayAll(dir)).sort()).toEqual([1, 2, 3, 4]);
    rmSync(dir, { recursive: true, force: true });
  });

  it('a failed open of the next segment rejects queued appends, keeps the old segment, and retries', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'plumb-wal-'));
    const { fs, faults } = faultyFs();
    const wal = await Wal.open(dir, { fsync: true, fs, segmentBytes: 200, log: () => {} });
    const first = await wal.append(rec(1, 300), 1); // over segmentBytes: the next append rotates
    faults.create = 1;
    const outcomes = await Promise.all([settle(wal.append(rec(2), 1)), settle(wal.append(rec(3), 1))]);
    expect(outcomes.every((o) => o.startsWith('rejected'))).toBe(true);
    expect(segmentIds(dir)).toEqual([first]);
    const next = await wal.append(rec(4), 1);
    expect(next).toBeGreaterThan(first);
    wal.release(first, 1);
    await new Promise((r) => setTimeout(r, 20));
    expect(segmentIds(dir)).toEqual([next]);
    await wal.close();
    expect(await replayAll(dir)).toEqual([4]);
    rmSync(dir, { recursive: true, force: true });
  });
});

describe('WAL format versions', () => {
  it('replays a version-1 segment (no segment header) and refuses an unknown version clearly', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'plumb-wal-'));
    const v1 = (r: WalRecord) => {
      const project = Buffer.from(r.projectId);
      const payload = Buffer.concat([Buffer.from([r.format === 'protobuf' ? 0 : 1, project.length]), project, r.body]);
      const h = Buffer.alloc(8);
      h.writeUInt32LE(payload.length, 0);
      h.writeUInt32LE(crc32(payload), 4);
      return Buffer.concat([h, payload]);
    };
    writeFileSync(join(dir, '000000000001.wal'), Buffer.concat([v1(rec(1)), v1(rec(2))]));
    writeFileSync(join(dir, '000000000002.wal'), Buffer.concat([Buffer.from('PLWAL'), Buffer.from([9, 0, 0])]));
    const wal = await Wal.open(dir, { fsync: true });
    const old = await wal.readSegment(1);
    expect(old.version).toBe(1);
    expect(old.records.map((r) => [idOf(r), r.signal, r.projectId])).toEqual([[1, 'traces', 'p1'], [2, 'traces', 'p1']]);
    await expect(wal.readSegment(2)).rejects.toThrow(WalFormatError);
    await expect(wal.readSegment(2)).rejects.toThrow(/unsupported WAL segment version 9/);
    await wal.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('carries the signal type of each record', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'plumb-wal-'));
    const wal = await Wal.open(dir, { fsync: false });
    const seg = await wal.append({ ...rec(1), signal: 'metrics' }, 1);
    await wal.append(rec(2), 1);
    await wal.close();
    const again = await Wal.open(dir, { fsync: false });
    expect((await again.readSegment(seg)).records.map((r) => r.signal)).toEqual(['metrics', 'traces']);
    await again.close();
    rmSync(dir, { recursive: true, force: true });
  });
});

describe('WAL close', () => {
  it('leaves no segment once every row is stored, and keeps the ones that are not', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'plumb-wal-'));
    const wal = await Wal.open(dir, { fsync: true });
    const seg = await wal.append(rec(1), 2);
    wal.release(seg, 2);
    await wal.close();
    expect(segmentIds(dir)).toEqual([]);
    const again = await Wal.open(dir, { fsync: true });
    const kept = await again.append(rec(2), 2);
    again.release(kept, 1); // one row of two stored
    await again.close();
    expect(segmentIds(dir)).toEqual([kept]);
    expect(await replayAll(dir)).toEqual([2]);
    rmSync(dir, { recursive: true, force: true });
  });
});

describe('WAL group commit', () => {
  it('commits what concurrent senders append meanwhile with one fsync', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'plumb-wal-'));
    let syncs = 0;
    let dirSyncs = 0;
    const fs: WalFs = {
      ...nodeWalFs,
      async syncDir(d) {
        dirSyncs++;
        await nodeWalFs.syncDir(d);
      },
      async create(path) {
        const f = await nodeWalFs.create(path);
        return {
          ...f,
          async datasync() {
            syncs++;
            await f.datasync();
          },
        };
      },
    };
    const wal = await Wal.open(dir, { fsync: true, fs });
    await Promise.all(
      Array.from({ length: 8 }, async (_, w) => {
        for (let i = 0; i < 25; i++) {
          const seg = await wal.append(rec(w * 100 + i, 64 * 1024), 1);
          wal.release(seg, 1); // as the writer does once the rows are stored
        }
      }),
    );
    await wal.close();
    expect(dirSyncs).toBe(1); // the one segment's creation was made durable in its directory
    // 200 appends by 8 senders that each wait for their previous one: ~8 per fsync (+1 fsync
    // for the segment header).
    expect(200 / syncs).toBeGreaterThan(6);
    rmSync(dir, { recursive: true, force: true });
  });
});
