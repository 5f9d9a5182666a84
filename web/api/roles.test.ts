import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadRoles } from './roles.ts';

const dir = mkdtempSync(join(tmpdir(), 'waybill-roles-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('role start pages', () => {
  it('has the four roles of the seeds built in, each with panels', () => {
    const roles = loadRoles('');
    expect(roles.map((role) => role.id)).toEqual(['customer-service', 'warehouse', 'procurement', 'finance']);
    for (const role of roles) expect(role.panels.length).toBeGreaterThan(0);
  });

  it('takes a deployment’s own roles from the file WAYBILL_ROLES names, and says what is wrong with a bad one', () => {
    const file = join(dir, 'roles.json');
    writeFileSync(file, JSON.stringify([{ id: 'night-shift', title: 'Night shift', summary: 'What waits overnight.', panels: [{ kind: 'queue', title: 'Waiting', log: 'orders' }] }]));
    expect(loadRoles(file)).toEqual([{ id: 'night-shift', title: 'Night shift', summary: 'What waits overnight.', panels: [{ kind: 'queue', title: 'Waiting', log: 'orders' }] }]);

    writeFileSync(file, JSON.stringify([{ id: 'Night Shift', title: 'x', summary: 'y', panels: [{ kind: 'chart', title: 'z', log: 'orders' }] }]));
    expect(() => loadRoles(file)).toThrow(/WAYBILL_ROLES: .*roles\.json is not a list of roles: 0\.id: a role id is lower-case letters, digits and dashes; 0\.panels\.0\.kind/);
    writeFileSync(file, JSON.stringify([{ id: 'x', title: 'x', summary: 'y', panels: [{ kind: 'queue', title: 'z', log: 'orders', filter: { 'as-of': '2026-01-01' } }] }]));
    expect(() => loadRoles(file)).toThrow(/a panel's filter takes only the filter's parameters/);
    writeFileSync(file, '{ not json');
    expect(() => loadRoles(file)).toThrow(/is not JSON/);
    expect(() => loadRoles(join(dir, 'missing.json'))).toThrow(/which does not exist/);
  });
});
