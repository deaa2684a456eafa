import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  bootstrapProjects, buildFixture, createApiKey, createSession, createUser, insertFixture, setMembership, Store, type User,
} from '@plumb/store';
import { testStoreConfig } from '@plumb/store/testing';

export interface TestWorld {
  store: Store;
  user: User;
  sessionToken: string;
  readKey: string;
  ingestKey: string;
}

/** A migrated store with the default project, the query fixture, a user (admin of 'default') with a session, and keys. */
export async function openTestWorld(prefix: string): Promise<TestWorld> {
  const store = await Store.open(testStoreConfig(mkdtempSync(join(tmpdir(), prefix))));
  await store.migrate();
  await bootstrapProjects(store);
  await insertFixture(store, buildFixture());
  const user = await createUser(store, { email: 'sre@example.com', password: 'hunter2hunter2' });
  await setMembership(store, 'default', user.id, 'admin');
  const { token } = await createSession(store, user.id);
  const { key: readKey } = await createApiKey(store, { projectId: 'default', name: 'read', scopes: ['read'] });
  const { key: ingestKey } = await createApiKey(store, { projectId: 'default', name: 'ingest', scopes: ['ingest'] });
  return { store, user, sessionToken: token, readKey, ingestKey };
}
