import { Store, storeConfigFromEnv } from '@plumb/store';

/**
 * The process-wide Store. In the all-in-one process the CLI opened the store first (and ran
 * migrations); `Store.open` then gets the same embedded client back, since chDB allows one data
 * directory per process. The web never runs migrations. Memoized on globalThis so every Next
 * route bundle shares it.
 */
const KEY = Symbol.for('plumb.web.store');
type G = typeof globalThis & { [KEY]?: Promise<Store> };

export function getStore(): Promise<Store> {
  const g = globalThis as G;
  g[KEY] ??= Store.open(storeConfigFromEnv()).catch((err: unknown) => {
    delete g[KEY];
    throw err;
  });
  return g[KEY];
}

/** Hands an already-open Store to the web layer (CLI all-in-one start, tests). */
export function setStore(store: Store): void {
  (globalThis as G)[KEY] = Promise.resolve(store);
}
