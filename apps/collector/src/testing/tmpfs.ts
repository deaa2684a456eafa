import { execFileSync } from 'node:child_process';
import { closeSync, mkdirSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A real small filesystem for disk-full tests: a tmpfs mounted on a fresh directory (needs root
 * or CAP_SYS_ADMIN). `mountTmpfs` returns null with the reason where mounting is not permitted,
 * so the test can skip with a clear message instead of faking the condition.
 */
export interface Tmpfs {
  dir: string;
  unmount(): void;
}

export function mountTmpfs(options: string): Tmpfs | { error: string } {
  const dir = mkdtempSync(join(tmpdir(), 'plumb-tmpfs-'));
  mkdirSync(dir, { recursive: true });
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', options, 'tmpfs', dir], { stdio: 'pipe' });
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    const stderr = (err as { stderr?: Buffer }).stderr?.toString().trim();
    return { error: stderr || (err as Error).message };
  }
  return {
    dir,
    unmount() {
      try {
        execFileSync('umount', ['-l', dir], { stdio: 'pipe' });
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

/** Whether this environment can mount a tmpfs (checked once, synchronously, at collection time). */
export function tmpfsSupport(): { ok: true } | { ok: false; reason: string } {
  const m = mountTmpfs('size=64k');
  if ('error' in m) return { ok: false, reason: m.error };
  m.unmount();
  return { ok: true };
}

/** Fills the filesystem holding `dir` completely with a filler file; returns its path. */
export function fillFilesystem(dir: string): string {
  const path = join(dir, 'filler');
  const fd = openSync(path, 'w');
  const chunk = Buffer.alloc(64 * 1024, 1);
  try {
    for (;;) writeSync(fd, chunk);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOSPC') throw err;
  } finally {
    closeSync(fd);
  }
  // The last partial chunk: fill the remaining pages too.
  const fd2 = openSync(path, 'a');
  try {
    for (;;) writeSync(fd2, chunk, 0, 4096);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOSPC') throw err;
  } finally {
    closeSync(fd2);
  }
  return path;
}
