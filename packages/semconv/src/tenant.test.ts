import { describe, expect, it } from 'vitest';
import { makeScope, makeSpan, norm } from './test-span.ts';
import { normalizeSpan } from './normalize.ts';
import { DEFAULT_SEMCONV_OPTIONS, type SemconvOptions } from './types.ts';

describe('tenant and request type', () => {
  it('reads tenant from resource attributes when the span has none', () => {
    const n = norm({
      resource: { 'service.name': 'api', 'tenant.id': 'acme', 'request.type': 'checkout' },
      attributes: { 'gen_ai.operation.name': 'chat' },
    });
    expect(n).toMatchObject({ tenant: 'acme', requestType: 'checkout' });
  });

  it('prefers span attributes over resource attributes', () => {
    const n = norm({
      resource: { 'tenant.id': 'from-resource' },
      attributes: { 'plumb.tenant': 'from-span' },
    });
    expect(n.tenant).toBe('from-span');
  });

  it('tries keys in the configured order', () => {
    const n = norm({ attributes: { 'customer.id': 'c', tenant: 't', 'plumb.tenant': 'p' } });
    expect(n.tenant).toBe('p');
    expect(norm({ attributes: { 'customer.id': 'c', tenant: 't' } }).tenant).toBe('t');
  });

  it('reads Traceloop association properties', () => {
    const n = norm({
      attributes: {
        'traceloop.association.properties.tenant_id': 'initech',
        'traceloop.association.properties.request_type': 'summarize',
      },
    });
    expect(n).toMatchObject({ tenant: 'initech', requestType: 'summarize' });
    expect(norm({ attributes: { 'traceloop.association.properties.customer_id': 'cust' } }).tenant).toBe('cust');
  });

  it('reads Vercel telemetry metadata', () => {
    const n = norm({
      attributes: {
        'ai.telemetry.metadata.customerId': 'cust-1',
        'ai.telemetry.metadata.request_type': 'rag',
      },
    });
    expect(n).toMatchObject({ tenant: 'cust-1', requestType: 'rag' });
  });

  it('takes span keys before span metadata JSON before resource keys', () => {
    const resource = { 'tenant.id': 'res' };
    expect(norm({ resource, attributes: { metadata: '{"tenant":"meta"}' } }).tenant).toBe('meta');
    expect(norm({ resource, attributes: { metadata: '{"tenant":"meta"}', tenant: 'key' } }).tenant).toBe('key');
  });

  it('stringifies numeric and bigint values, ignores empty and structured ones', () => {
    expect(norm({ attributes: { 'tenant.id': 42n } }).tenant).toBe('42');
    expect(norm({ attributes: { 'plumb.tenant': '', 'tenant.id': 'b' } }).tenant).toBe('b');
    expect(norm({ attributes: { 'plumb.tenant': ['x'] } }).tenant).toBe('');
  });

  it('returns "" when nothing names a tenant or request type', () => {
    expect(norm({ attributes: { 'gen_ai.operation.name': 'chat' } })).toMatchObject({ tenant: '', requestType: '' });
  });

  it('honours custom option keys on span and resource', () => {
    const options: SemconvOptions = { tenantKeys: ['org'], requestTypeKeys: ['route'] };
    expect(norm({ options, attributes: { org: 'o-1', route: '/chat' } })).toMatchObject({
      tenant: 'o-1',
      requestType: '/chat',
    });
    expect(norm({ options, resource: { org: 'o-2' } }).tenant).toBe('o-2');
    // the default keys are not consulted under custom options
    expect(norm({ options, attributes: { 'tenant.id': 'x' } }).tenant).toBe('');
  });

  it('re-evaluates a cached resource under different options', () => {
    const resource = { org: 'o-3', 'tenant.id': 't-3' };
    const options: SemconvOptions = { tenantKeys: ['org'], requestTypeKeys: [] };
    expect(normalizeSpan(resource, makeScope(), makeSpan(), DEFAULT_SEMCONV_OPTIONS).tenant).toBe('t-3');
    expect(normalizeSpan(resource, makeScope(), makeSpan(), options).tenant).toBe('o-3');
  });

  it('default option lists are frozen', () => {
    expect(() => DEFAULT_SEMCONV_OPTIONS.tenantKeys.push('x')).toThrow();
  });
});
