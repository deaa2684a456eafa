import { mkdir, open, readdir, readFile, unlink } from 'node:fs/promises';

/**
 * The file operations the WAL performs, and nothing else. Production uses node:fs (`nodeWalFs`);
 * fault tests wrap it to fail a write, an fsync or an open at a chosen moment (on a real file
 * underneath), which a real disk cannot be made to do on demand.
 */
export interface WalFile {
  /** Writes at `position`; resolves with the bytes written (may be fewer than asked). */
  write(buf: Buffer, position: number): Promise<number>;
  datasync(): Promise<void>;
  truncate(length: number): Promise<void>;
  close(): Promise<void>;
}

export interface WalFs {
  mkdir(dir: string): Promise<void>;
  readdir(dir: string): Promise<string[]>;
  readFile(path: string): Promise<Buffer>;
  /** Creates a new file (fails if it exists) for writing. */
  create(path: string): Promise<WalFile>;
  /** fsyncs a directory, so a file created in it survives a power cut. */
  syncDir(dir: string): Promise<void>;
  unlink(path: string): Promise<void>;
}

export const nodeWalFs: WalFs = {
  async mkdir(dir) {
    await mkdir(dir, { recursive: true });
  },
  readdir: (dir) => readdir(dir),
  readFile: (path) => readFile(path),
  async create(path) {
    const h = await open(path, 'wx');
    return {
      async write(buf, position) {
        return (await h.write(buf, 0, buf.length, position)).bytesWritten;
      },
      datasync: () => h.datasync(),
      truncate: (length) => h.truncate(length),
      close: () => h.close(),
    };
  },
  async syncDir(dir) {
    const h = await open(dir, 'r');
    try {
      await h.sync();
    } finally {
      await h.close();
    }
  },
  unlink: (path) => unlink(path),
};
