import { describe, expect, it, vi } from 'vitest';
import { ident, join, param, render, sql } from './sql.ts';

describe('sql tag', () => {
  it('turns every value into a typed parameter', () => {
    const q = render(sql`SELECT * FROM t WHERE a = ${'x'} AND b > ${3} AND c < ${1.5} AND d = ${true}`);
    expect(q.query).toBe('SELECT * FROM t WHERE a = {p0:String} AND b > {p1:Int64} AND c < {p2:Float64} AND d = {p3:Bool}');
    expect(q.params).toEqual({ p0: 'x', p1: 3, p2: 1.5, p3: true });
  });

  it('never puts an injected string into the query text', () => {
    const evil = "x' OR 1=1 --";
    const q = render(sql`SELECT 1 WHERE a = ${evil}`);
    expect(q.query).not.toContain('OR 1=1');
    expect(q.params.p0).toBe(evil);
  });

  it('composes fragments and numbers parameters across them', () => {
    const where = join([sql`a = ${'1'}`, sql`b IN ${['x', 'y']}`], ' AND ');
    const q = render(sql`SELECT * FROM ${ident('spans')} WHERE ${where} AND t >= ${param('2024-01-01', 'DateTime64(3)')}`);
    expect(q.query).toBe('SELECT * FROM spans WHERE a = {p0:String} AND b IN {p1:Array(String)} AND t >= {p2:DateTime64(3)}');
    expect(q.params).toEqual({ p0: '1', p1: ['x', 'y'], p2: '2024-01-01' });
  });

  it('rejects bad identifiers and types', () => {
    expect(() => ident('spans; DROP TABLE x')).toThrow(/invalid identifier/);
    expect(() => param(1, 'Int64); DROP')).toThrow(/invalid ClickHouse type/);
    expect(() => render(sql`${{ a: 1 }}`)).toThrow(/cannot infer/);
  });

  it('encodes dates and bigints', () => {
    const q = render(sql`${new Date(1700000000123)} ${12345678901234567890n}`);
    expect(q.params).toEqual({ p0: '1700000000.123', p1: '12345678901234567890' });
  });
});

describe('sql tag across module copies', () => {
  it('renders fragments built by another copy of the module (Next.js bundles one per route)', async () => {
    vi.resetModules();
    const other = await import('./sql.ts');
    expect(other.sql).not.toBe(sql);
    const q = render(sql`SELECT ${other.sql`a = ${'x'}`} FROM ${other.ident('t')} WHERE b = ${other.param(1, 'UInt8')}`);
    expect(q).toEqual({ query: 'SELECT a = {p0:String} FROM t WHERE b = {p1:UInt8}', params: { p0: 'x', p1: 1 } });
  });
});
