import { copyFileSync } from 'node:fs';
import { inject } from 'vitest';

/**
 * Puts a copy of the demo database (the demo's logs, as `waybill demo` loads them; built
 * once per test run by test-support/global-setup.ts) at `path`, which must not be open.
 */
export function copyDemoDatabase(path: string): string {
  copyFileSync(inject('demoDatabase'), path);
  return path;
}
