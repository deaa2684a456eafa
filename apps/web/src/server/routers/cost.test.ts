import { TRPCError } from '@trpc/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCaller } from '../router.ts';
import { openTestWorld, type TestWorld } from '../testing.ts';

let w: TestWorld;
const caller = () => createCaller({ store: w.store, user: w.user, projectId: 'default' });
const err = async (p: Promise<unknown>) => (await p.catch((e: unknown) => e)) as TRPCError;

beforeAll(async () => {
  w = await openTestWorld('plumb-cost-');
});
afterAll(async () => w?.store.close());

describe('cost router: prices', () => {
  it('lists bundled prices with source and unit, from the SQL prices table', async () => {
    const r = await caller().cost.prices({ q: 'gpt-4o-mini' });
    const row = r.rows.find((x) => x.priceId === 'genai-prices:openai/gpt-4o-mini')!;
    expect(row).toMatchObject({ source: 'genai-prices', sourceDate: r.bundledVersion, unit: 'token', inputPerMTok: '0.15', outputPerMTok: '0.6', tiered: false });
    const tiered = (await caller().cost.prices({ q: 'claude-sonnet-4-5' })).rows.find((x) => x.priceId === 'genai-prices:anthropic/claude-sonnet-4-5')!;
    expect(tiered).toMatchObject({ inputPerMTok: '3', tiered: true });
  });

  it('adds, ends and removes an override; the SQL table follows', async () => {
    await caller().cost.saveOverride({ id: 'house', provider: '', modelPattern: 'house-llm*', effectiveFrom: 0, inputPerMTok: '0.4', outputPerMTok: '1.6' });
    let r = await caller().cost.prices({ q: 'house' });
    expect(r.rows.map((x) => [x.priceId, x.source, x.inputPerMTok, x.effectiveTo])).toEqual([['override:house', 'override', '0.4', null]]);
    await caller().cost.endOverride({ id: 'house', at: 5000 });
    r = await caller().cost.prices({ q: 'house' });
    expect(r.rows[0]!.effectiveTo).toBe(5000);
    expect(r.overrides[0]!.effectiveTo).toBe(5000);
    await caller().cost.removeOverride({ id: 'house' });
    r = await caller().cost.prices({ q: 'house' });
    expect(r.rows).toEqual([]);
    expect((await err(caller().cost.removeOverride({ id: 'house' }))).code).toBe('NOT_FOUND');
  });

  it('a bad price is a BAD_REQUEST naming the field', async () => {
    const e = await err(caller().cost.saveOverride({ id: 'x', provider: '', modelPattern: 'm', effectiveFrom: 0, inputPerMTok: '-1', outputPerMTok: '1' }));
    expect(e.code).toBe('BAD_REQUEST');
    expect(e.message).toContain('inputPerMTok');
    const bad = await err(caller().cost.saveOverride({ id: 'x', provider: '', modelPattern: '/(/', effectiveFrom: 0, inputPerMTok: '1', outputPerMTok: '1' }));
    expect(bad.code).toBe('BAD_REQUEST');
    expect(bad.message).toContain('modelPattern');
  });

  it('a reprice request is logged with who asked; a backwards range is refused', async () => {
    const run = await caller().cost.reprice({ from: 0, to: 3_600_000 });
    expect(run).toMatchObject({ state: 'queued', requestedBy: 'sre@example.com', hoursTotal: 1 });
    expect((await caller().cost.repriceRuns()).map((r) => r.id)).toContain(run.id);
    expect((await err(caller().cost.reprice({ from: 10, to: 5 }))).code).toBe('BAD_REQUEST');
  });
});

describe('cost router: budgets', () => {
  it('sets, lists with a forecast and status, and deletes; a tenant budget needs its tenant', async () => {
    await caller().cost.saveBudget({ scope: 'tenant', tenant: 'acme', monthlyUsd: '1000' });
    await caller().cost.saveBudget({ scope: 'tenant', tenant: 'acme', monthlyUsd: '2000' }); // an edit, not a second budget
    const list = await caller().cost.budgets();
    expect(list.map((b) => [b.id, b.monthlyUsd])).toEqual([['tenant:acme', '2000']]);
    expect(['on track', 'at risk', 'over']).toContain(list[0]!.status);
    const e = await err(caller().cost.saveBudget({ scope: 'tenant', monthlyUsd: '5' }));
    expect(e.code).toBe('BAD_REQUEST');
    expect(e.message).toContain('tenant');
    await caller().cost.deleteBudget({ id: 'tenant:acme' });
    expect(await caller().cost.budgets()).toEqual([]);
  });
});
