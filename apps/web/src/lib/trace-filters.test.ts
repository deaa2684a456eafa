import { describe, expect, it } from 'vitest';
import { explorerHref, explorerSearch, globalFilterParams, parseAttributeFilter, parseExplorerState, parseGlobalFilters, type TraceFilters } from './trace-filters.ts';

describe('explorer URL state', () => {
  it('round-trips every filter', () => {
    const filters: TraceFilters = {
      service: ['api'],
      environment: ['prod', 'staging'],
      tenant: ['acme corp', 'globex'],
      requestType: ['chat'],
      model: 'gpt-4o',
      agent: 'planner',
      status: 'error',
      minDurationMs: 1500,
      minCostUsd: 0.01,
      attributes: [
        { key: 'http.route', value: '/chat' },
        { key: 'q', value: 'a=b' },
      ],
      q: 'search',
    };
    const search = explorerSearch({ filters, sort: 'costUsd', order: 'asc', cursor: 'abc' });
    const state = parseExplorerState(new URLSearchParams(search));
    expect(state).toEqual({ filters, sort: 'costUsd', order: 'asc', cursor: 'abc' });
  });

  it('defaults to newest first and drops junk', () => {
    const state = parseExplorerState(new URLSearchParams('sort=evil&status=maybe&minDuration=-3&minCost=abc&attr=novalue&tenant=%20'));
    expect(state).toEqual({ filters: {}, sort: 'startTime', order: 'desc', cursor: null });
  });

  it('builds explorer links with the time range', () => {
    expect(explorerHref({ tenant: 'acme' }, { kind: 'preset', preset: '7d' })).toBe('/traces?range=7d&tenant=acme');
    expect(explorerHref({})).toBe('/traces');
  });

  it('carries the overview global filters into explorer links, a row value replacing its own dimension', () => {
    const overviewUrl = new URLSearchParams('range=1h&tenant=acme&tenant=globex&service=api&environment=prod&requestType=chat');
    const global = parseGlobalFilters(overviewUrl);
    expect(global).toEqual({ service: ['api'], environment: ['prod'], tenant: ['acme', 'globex'], requestType: ['chat'] });
    const href = explorerHref({ ...global, status: 'error' }, { kind: 'preset', preset: '1h' });
    expect(href).toBe('/traces?range=1h&service=api&environment=prod&tenant=acme&tenant=globex&requestType=chat&status=error');
    expect(parseExplorerState(new URL(href, 'http://x').searchParams).filters).toEqual({ ...global, status: 'error' });
    expect(explorerHref({ ...global, tenant: 'globex' })).toBe('/traces?service=api&environment=prod&tenant=globex&requestType=chat');
    // Trimmed and deduplicated; whitespace alone is junk, but '' is the empty group and stays.
    expect(globalFilterParams({ tenant: [' a ', 'a', '  ', ''] })).toEqual([['tenant', 'a'], ['tenant', '']]);
  });
});

describe('parseAttributeFilter', () => {
  it.each([
    ['k=v', { key: 'k', value: 'v' }],
    [' k = v ', { key: 'k', value: 'v' }],
    ['url=a=b', { key: 'url', value: 'a=b' }],
    ['k=', { key: 'k', value: '' }],
    ['=v', null],
    ['novalue', null],
  ])('%j', (text, parsed) => expect(parseAttributeFilter(text)).toEqual(parsed));
});

describe('the empty group', () => {
  it('a text filter given empty is the empty group, and round-trips through the URL', () => {
    const href = explorerHref({ tenant: '', agent: '' });
    expect(href).toBe('/traces?tenant=&agent=');
    const state = parseExplorerState(new URLSearchParams(href.split('?')[1]));
    expect(state.filters).toEqual({ tenant: [''], agent: '' });
    // Absent is no filter at all.
    expect(parseExplorerState(new URLSearchParams('')).filters).toEqual({});
  });
});
