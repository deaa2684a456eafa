import type { IncomingMessage } from 'node:http';
import { createGunzip, createInflate, type Gunzip, type Inflate } from 'node:zlib';
import { PermanentError, RetryableError } from '../errors.ts';

export interface BodyLimits {
  maxBodyBytes: number;
  maxDecompressedBytes: number;
}

/**
 * A budget of request bytes held in memory across all concurrent requests: a request takes
 * bytes from it as its (decompressed) body arrives and gives them all back when it has been
 * answered, since until then its body, and the decoded spans built from it, are alive. Past the
 * budget a request is refused with 429 + Retry-After instead of being buffered, so N large
 * concurrent bodies cannot take N × the per-request limit of memory.
 */
export class ByteBudget {
  private used = 0;

  constructor(readonly limit: number) {}

  get inUse(): number {
    return this.used;
  }

  /** A holder of bytes from this budget; `release` returns everything it took. */
  lease(): BodyLease {
    let held = 0;
    return {
      take: (n: number): boolean => {
        if (this.used + n > this.limit) return false;
        this.used += n;
        held += n;
        return true;
      },
      release: () => {
        this.used -= held;
        held = 0;
      },
    };
  }
}

export interface BodyLease {
  /** Takes `n` more bytes; false (nothing taken) when the budget cannot cover them. */
  take(n: number): boolean;
  release(): void;
}

/**
 * Reads a request body within limits: the wire size (413 past `maxBodyBytes`) and, for gzip or
 * deflate, the decompressed size (413 past `maxDecompressedBytes`, so a gzip bomb stops early).
 * With a `lease`, every decompressed chunk is first taken from the shared in-flight budget
 * (429 when it is exhausted); the caller releases the lease once the request is answered.
 */
export async function readBody(req: IncomingMessage, limits: BodyLimits, lease?: BodyLease): Promise<Buffer> {
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
      if (done) return; // draining after a refusal: keep nothing, take nothing
      size += chunk.length;
      if (size > limits.maxDecompressedBytes) {
        fail(new PermanentError(413, `decompressed body exceeds the limit of ${limits.maxDecompressedBytes} bytes`));
        return;
      }
      if (lease && !lease.take(chunk.length)) {
        fail(new RetryableError(429, 'too many request bytes in flight; retry later', 1));
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
