import { AsyncLocalStorage } from 'node:async_hooks';
import { randomBytes } from 'node:crypto';
import pino, { type Logger } from 'pino';

/**
 * Structured logs for every Plumb role: one JSON object per line on stdout (pino), with `time`
 * (epoch ms), `level` (label), `role` (collector, worker, web, cli), `msg`, and `reqId` whenever
 * the line is written while handling a request. `PLUMB_LOG_FORMAT=text` prints plain lines (the default
 * when stdout is a terminal); `PLUMB_LOG_LEVEL` (debug, info, warn, error; default info).
 *
 * Request ids travel in an AsyncLocalStorage kept on globalThis: Next bundles its own copy of
 * workspace packages, and the id set by the plain http server around Next's handler must be the
 * one a route handler reads.
 */
export type LogFn = (msg: string) => void;

const ALS_KEY = Symbol.for('plumb.ops.requestContext');
type Ctx = { reqId: string };
const g = globalThis as unknown as Record<symbol, AsyncLocalStorage<Ctx> | undefined>;
const als: AsyncLocalStorage<Ctx> = (g[ALS_KEY] ??= new AsyncLocalStorage<Ctx>());

/** An incoming `x-request-id` is kept when it looks like one (so a proxy's id carries through). */
const VALID_ID = /^[A-Za-z0-9._:-]{8,128}$/;

export function newRequestId(incoming?: string | string[] | null): string {
  const v = Array.isArray(incoming) ? incoming[0] : incoming;
  return v && VALID_ID.test(v) ? v : randomBytes(8).toString('hex');
}

export function withRequestId<T>(reqId: string, fn: () => T): T {
  return als.run({ reqId }, fn);
}

export function currentRequestId(): string | undefined {
  return als.getStore()?.reqId;
}

const LEVELS = new Set(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']);

export interface LoggerOptions {
  env?: Record<string, string | undefined>;
  /** Where lines go (tests); default stdout. */
  destination?: NodeJS.WritableStream;
}

const loggers = new Map<string, Logger>();

/** The logger of a role; one per role and process. */
export function logger(role: string, opts: LoggerOptions = {}): Logger {
  const cached = opts.destination ? undefined : loggers.get(role);
  if (cached) return cached;
  const env = opts.env ?? process.env;
  const level = (env.PLUMB_LOG_LEVEL ?? '').trim().toLowerCase() || 'info';
  if (!LEVELS.has(level)) throw new Error(`invalid PLUMB_LOG_LEVEL ${JSON.stringify(level)}: use debug, info, warn or error`);
  // Default: JSON for machines (a pipe, a container log), text at a terminal.
  const format = (env.PLUMB_LOG_FORMAT ?? '').trim().toLowerCase() || (process.stdout.isTTY ? 'text' : 'json');
  if (format !== 'json' && format !== 'text') throw new Error(`invalid PLUMB_LOG_FORMAT ${JSON.stringify(format)}: use json or text`);
  const base = {
    level,
    base: { role },
    timestamp: pino.stdTimeFunctions.epochTime,
    formatters: { level: (label: string) => ({ level: label }) },
    mixin: () => {
      const reqId = currentRequestId();
      return reqId ? { reqId } : {};
    },
  };
  const dest = opts.destination ?? (format === 'text' ? textStream() : pino.destination({ fd: 1, sync: false }));
  const log = pino(base, dest);
  if (!opts.destination) {
    loggers.set(role, log);
    // Async stdout: whatever is buffered is written before the process ends.
    process.once('exit', () => (dest as { flushSync?: () => void }).flushSync?.());
  }
  return log;
}

/** `PLUMB_LOG_FORMAT=text`: "time level [role] msg (reqId)" lines for people at a terminal. */
function textStream(): NodeJS.WritableStream {
  return {
    write(line: string) {
      try {
        const o = JSON.parse(line) as { time: number; level: string; role: string; msg: string; reqId?: string; err?: { stack?: string } };
        const extra = o.reqId ? ` (req ${o.reqId})` : '';
        process.stdout.write(`${new Date(o.time).toISOString()} ${o.level.padEnd(5)} [${o.role}] ${o.msg}${extra}\n${o.err?.stack ? `${o.err.stack}\n` : ''}`);
      } catch {
        process.stdout.write(line);
      }
      return true;
    },
  } as unknown as NodeJS.WritableStream;
}

/**
 * The `(msg) => void` callbacks the collector, worker and CLI already take, as structured lines.
 * Their messages say what failed in words; those are logged as warnings so an operator can filter.
 */
export function logFn(log: Logger): LogFn {
  return (msg: string) => {
    const text = msg.replace(/^plumb( \w+)?: /, '');
    if (/\b(fail(ed|ing)?|error|cannot|could not|refused|corrupt|stuck|unreachable|dropp(ed|ing))\b/i.test(text)) log.warn(text);
    else log.info(text);
  };
}
