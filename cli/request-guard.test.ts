import { hostname } from 'node:os';
import { describe, expect, it } from 'vitest';
import { allowedHosts, normalHost, refusal } from './request-guard.ts';

describe('host names', () => {
  it.each([
    ['127.0.0.1:3000', '127.0.0.1'],
    ['LocalHost:80', 'localhost'],
    ['[::1]:3000', '::1'],
    ['::1', '::1'],
    ['waybill.example.com.', 'waybill.example.com'],
    ['waybill.example.com', 'waybill.example.com'],
  ])('%s is the host %s', (given, host) => expect(normalHost(given)).toBe(host));

  it('allows loopback and the bind address by default, and the names given', () => {
    const hosts = allowedHosts('10.1.2.3', ['waybill.example.com', ' Reports.Example.com ']);
    expect(hosts).toEqual(new Set(['localhost', '127.0.0.1', '::1', '10.1.2.3', 'waybill.example.com', 'reports.example.com']));
  });

  it('allows the machine’s own name and addresses when bound to every interface; "*" allows any', () => {
    const hosts = allowedHosts('0.0.0.0');
    expect(hosts).not.toBe('any');
    expect((hosts as Set<string>).has(hostname().toLowerCase())).toBe(true);
    expect(allowedHosts('127.0.0.1', ['*'])).toBe('any');
  });
});

describe('refusal', () => {
  const allowed = allowedHosts('127.0.0.1');
  const host = '127.0.0.1:3000';

  it('refuses a foreign or missing Host with 421, whatever the method', () => {
    expect(refusal({ method: 'GET', headers: { host: 'attacker.example:3000' } }, allowed)?.status).toBe(421);
    expect(refusal({ method: 'GET', headers: {} }, allowed)?.status).toBe(421);
    expect(refusal({ method: 'GET', headers: { host: 'attacker.example' } }, 'any')).toBeNull();
  });

  it('lets reads through from anywhere, and writes only from the same origin or from no browser', () => {
    expect(refusal({ method: 'GET', headers: { host, origin: 'http://evil.example' } }, allowed)).toBeNull();
    expect(refusal({ method: 'POST', headers: { host, origin: 'http://evil.example' } }, allowed)?.status).toBe(403);
    expect(refusal({ method: 'PATCH', headers: { host, origin: 'not a url' } }, allowed)?.status).toBe(403);
    expect(refusal({ method: 'POST', headers: { host, 'sec-fetch-site': 'same-site' } }, allowed)?.status).toBe(403);
    expect(refusal({ method: 'POST', headers: { host, origin: 'http://127.0.0.1:3000' } }, allowed)).toBeNull();
    expect(refusal({ method: 'POST', headers: { host, 'sec-fetch-site': 'same-origin' } }, allowed)).toBeNull();
    expect(refusal({ method: 'DELETE', headers: { host } }, allowed)).toBeNull();
  });
});
