export * from './rule.ts';
export * from './fingerprint.ts';
export * from './template.ts';
export * from './evaluate.ts';
export * from './state.ts';
export * from './grouping.ts';
export * from './payload.ts';
export * from './silence.ts';
