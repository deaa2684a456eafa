import { parseArgs } from 'node:util';
import { createApiKey, DEFAULT_PROJECT_ID, ensureProject, listApiKeys, revokeApiKey, type Scope } from '@plumb/store';
import { openStore } from './migrate.ts';

export async function keys(argv: string[]): Promise<void> {
  const [sub, ...rest] = argv;
  const { values, positionals } = parseArgs({
    args: rest,
    allowPositionals: true,
    options: { scope: { type: 'string', default: 'ingest' }, name: { type: 'string', default: 'cli' }, project: { type: 'string', default: DEFAULT_PROJECT_ID } },
  });
  const store = await openStore();
  try {
    await store.migrate();
    if (sub === 'create') {
      const scopes = values.scope!.split(',').map((s) => s.trim()) as Scope[];
      await ensureProject(store, values.project!, values.project!);
      const { key, info } = await createApiKey(store, { projectId: values.project!, name: values.name!, scopes });
      console.log(`created key ${info.id} (${scopes.join(',')}) for project ${info.projectId}:\n\n  ${key}\n\nIt is shown only once; Plumb stores its hash.`);
    } else if (sub === 'list') {
      for (const k of await listApiKeys(store)) console.log(`${k.id}  ${k.keyPrefix}…  ${k.scopes.join(',').padEnd(12)} ${k.projectId}  ${k.name}  ${k.createdAt}`);
    } else if (sub === 'revoke') {
      const id = positionals[0];
      if (!id) throw new Error('usage: plumb keys revoke <id>');
      console.log((await revokeApiKey(store, id)) ? `revoked ${id}` : `no active key ${id}`);
    } else {
      throw new Error('usage: plumb keys create --scope ingest,read [--name N] [--project P] | keys list | keys revoke <id>');
    }
  } finally {
    await store.close();
  }
}
