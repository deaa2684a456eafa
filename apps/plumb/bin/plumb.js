#!/usr/bin/env node
// Plumb's CLI. Workspace packages are TypeScript source; tsx compiles them on load.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/main.ts');
await main(process.argv.slice(2));
