import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * What a directory really holds, for "this value never reaches the disk" tests: every file's raw
 * bytes, and for ClickHouse column files (*.bin) the decompressed bytes of each compressed block
 * (LZ4 decoded here, ZSTD through the system `zstd` binary): a string in a ZSTD(1) column is not
 * visible in the raw file, so a raw scan alone would prove nothing.
 *
 * ClickHouse compressed block: 16-byte checksum, method (0x82 LZ4, 0x90 ZSTD, 0x02 none),
 * UInt32 LE size of the compressed data including this 9-byte header, UInt32 LE decompressed size.
 */
export function scannableContents(dir: string): { file: string; bytes: Buffer }[] {
  const out: { file: string; bytes: Buffer }[] = [];
  for (const file of walk(dir)) {
    const raw = readFileSync(file);
    out.push({ file, bytes: raw });
    if (file.endsWith('.bin')) {
      const decoded = decodeBlocks(raw);
      if (decoded.length > 0) out.push({ file: `${file} (decompressed)`, bytes: decoded });
    }
  }
  return out;
}

/** Files under `dir` whose raw or decompressed bytes contain `needle`. */
export function filesContaining(dir: string, needle: string): string[] {
  const b = Buffer.from(needle);
  return scannableContents(dir)
    .filter((c) => c.bytes.includes(b))
    .map((c) => c.file);
}

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name)) : e.isFile() ? [join(dir, e.name)] : []));
}

function decodeBlocks(buf: Buffer): Buffer {
  const parts: Buffer[] = [];
  const zstd: Buffer[] = [];
  let i = 0;
  while (i + 25 <= buf.length) {
    const method = buf[i + 16]!;
    const compressed = buf.readUInt32LE(i + 17);
    const size = buf.readUInt32LE(i + 21);
    const start = i + 25;
    const end = i + 16 + compressed;
    if (compressed < 9 || end > buf.length) break;
    const payload = buf.subarray(start, end);
    if (method === 0x02) parts.push(payload);
    else if (method === 0x82) parts.push(lz4Block(payload, size));
    else if (method === 0x90) zstd.push(payload);
    // Other codec chains (Delta, T64, …) hold numbers: skipped, the next block is read.
    i = end;
  }
  // Concatenated zstd frames decode as one stream: one process per file.
  if (zstd.length > 0) parts.push(execFileSync('zstd', ['-dc', '-q'], { input: Buffer.concat(zstd), maxBuffer: 1 << 30 }));
  return Buffer.concat(parts);
}

/** LZ4 block format (no frame), as ClickHouse writes it. */
function lz4Block(src: Buffer, size: number): Buffer {
  const out = Buffer.alloc(size);
  let i = 0;
  let o = 0;
  while (i < src.length) {
    const token = src[i++]!;
    let lit = token >> 4;
    if (lit === 15) {
      let b;
      do lit += b = src[i++]!;
      while (b === 255);
    }
    src.copy(out, o, i, i + lit);
    i += lit;
    o += lit;
    if (i >= src.length) break;
    const offset = src[i]! | (src[i + 1]! << 8);
    i += 2;
    let match = token & 15;
    if (match === 15) {
      let b;
      do match += b = src[i++]!;
      while (b === 255);
    }
    match += 4;
    for (let k = 0; k < match; k++, o++) out[o] = out[o - offset]!;
  }
  return out.subarray(0, o);
}
