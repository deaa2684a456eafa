import type { IncomingMessage } from 'node:http';
import { createGunzip, createInflate, type Gunzip, type Inflate } from 'node:zlib';
import { PermanentError } from '../errors.ts';

export interface BodyLimits {
  maxBodyBytes: number;
  maxDecompressedBytes: number;
}

/**
 * Reads a request body within limits: the wire size (413 past `maxBodyBytes`) and, for gzip or
 * deflate, the decompressed size (413 past `maxDecompressedBytes`, so a gzip bomb stops early).
 */
export async function readBody(req: IncomingMessage, limits: BodyLimits): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? NaN);
  if (Number.isFinite(declared) && declared > limits.maxBodyBytes) {
    req.resume();
    throw new PermanentError(413, `request body of ${declared} bytes exceeds the limit of ${limits.maxBodyBytes} bytes`);
  }
  const encoding = String(req.headers['content-encoding'] ?? 'identity').toLowerCase().trim();
  let inflater: Gunzip | Inflate | null = null;
  if (encoding === 'gzip' || encoding === 'x-gzip') inflater = createGunzip();
  else if (encoding === 'deflate') inflater = createInflate();
  else if (encoding !== 'identity' && encoding !== '') {
    req.resume();
    throw new PermanentError(415, `unsupported Content-Encoding ${JSON.stringify(encoding)} (use gzip or none)`);
  }

  return new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let wire = 0;
    let size = 0;
    let done = false;
    const fail = (err: Error) => {
      if (done) return;
      done = true;
      req.unpipe();
      req.resume();
      inflater?.destroy();
      reject(err);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limits.maxDecompressedBytes) {
        fail(new PermanentError(413, `decompressed body exceeds the limit of ${limits.maxDecompressedBytes} bytes`));
        return;
      }
      chunks.push(chunk);
    };
    req.on('data', (chunk: Buffer) => {
      wire += chunk.length;
      if (wire > limits.maxBodyBytes) fail(new PermanentError(413, `request body exceeds the limit of ${limits.maxBodyBytes} bytes`));
    });
    req.on('error', (err) => fail(new PermanentError(400, `could not read request body: ${err.message}`)));
    if (inflater) {
      req.pipe(inflater);
      inflater.on('data', onData);
      inflater.on('error', (err) => fail(new PermanentError(400, `invalid ${encoding} body: ${err.message}`)));
      inflater.on('end', () => {
        if (done) return;
        done = true;
        resolve(Buffer.concat(chunks, size));
      });
    } else {
      req.on('data', onData);
      req.on('end', () => {
        if (done) return;
        done = true;
        resolve(Buffer.concat(chunks, size));
      });
    }
  });
}
